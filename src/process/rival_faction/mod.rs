//! Rival faction (step 10 of the day): a second, more local, de-escalatory
//! faction that wakes when its rival is expelled (Haid 2017, ch. 6-7). It
//! takes a share of the abandoned weapons, absorbs ex-members whom the local
//! groups refuse (aftermath's switching), grows through its local membership
//! (affiliation choices, with its own profile), intervenes in daily life (its
//! coercion, mostly rule enforcement), and each day weighs a move against the
//! resistance it expects.
//!
//! The weighing (`weigh`, also used by an expelled faction deciding whether to
//! come back, faction.rs): the faction sounds out a sample of the town
//! (`strategy.soundings` people, its own stream: imperfect information) and
//! estimates from their mobilisation thresholds how much of the town would
//! rise against it (a mean-field Granovetter cascade), how many would fight,
//! whether the local groups would join (their commanders' stance, 7.5) and
//! how the base's garrison stands tonight. From these it gets the square-law
//! odds of storming the town and of seizing the base, and the worth of each:
//! a storm risks "the same fate" as its rival and costs in proportion to the
//! resistance even if won ("they couldn't win a fight against the local
//! community even if they were to win militarily", ch. 7), both made heavier
//! by the uprising it witnessed ("They learned from ISIS's mistakes"). It
//! moves on the better option once that is worth more than waiting; the town
//! hears of its moves and is called out (the siege of Hazem's bases).

use rand::RngExt;

mod params;

pub use params::{RawStrategy, Strategy};

use super::mobilisation;
use crate::rng::{Rng, Stream};
use crate::scenario::Scenario;
use crate::society::people::{AgeClass, Origin, Status};
use crate::world::World;

/// What a faction makes of the town from its soundings.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sounding {
    /// Expected share of the people present who would mobilise against it.
    pub mobilised: f64,
    /// Expected armed civilians among them (capped by the arms there are).
    pub civilians: f64,
    /// Expected local fighters and heavy weapons (in fighters) that would fight it.
    pub groups: f64,
    /// Fighters and heavy weapons of other factions in town, who would defend
    /// what they hold against it.
    pub holders: f64,
}

impl Sounding {
    pub fn town_force(&self) -> f64 {
        self.civilians + self.groups + self.holders
    }
}

/// Sound out `n` people present (drawn with replacement) about faction `f`:
/// their thresholds against it (mobilisation's, with their fear, efficacy and
/// grievance, and the faction's localness) give the cascade's reach as the
/// smallest fixed point of x = share(threshold <= x + call push).
pub fn sound(w: &World, s: &Scenario, f: usize, t: u16, n: u32, rng: &mut Rng) -> Sounding {
    let p = &w.society.people;
    let m = &s.mobilisation;
    let mut thresholds: Vec<(f64, bool)> = Vec::with_capacity(n as usize);
    let mut tries = 0;
    // In a region, the people of the town it weighs (in one town, everyone).
    let town = (!super::town::single(s)).then(|| super::town::people(w, s, t));
    let pool = town.as_ref().map_or(p.len(), Vec::len);
    while thresholds.len() < n as usize && tries < 20 * n as usize && pool > 0 {
        tries += 1;
        let k = rng.random_range(0..pool);
        let i = town.as_ref().map_or(k, |v| v[k] as usize);
        if !p.status[i].present() {
            continue;
        }
        let member = p.status[i].member() && p.faction[i] as usize == f;
        let can = p.origin[i] == Origin::Local && p.age[i] != AgeClass::Child && p.status[i] != Status::Detained && !member;
        let t = if can { mobilisation::threshold(w, s, f, i) } else { f64::INFINITY };
        thresholds.push((t, p.fighting_age_man(i) && p.status[i] != Status::LocalFighter));
    }
    if thresholds.is_empty() {
        return Sounding::default();
    }
    let k = thresholds.len() as f64;
    let mut x = 0.0;
    for _ in 0..64 {
        let next = thresholds.iter().filter(|t| t.0 <= x + m.call_push).count() as f64 / k;
        if next <= x {
            break;
        }
        x = next;
    }
    let present = super::town::present(w, s, t);
    let fight = m.roles[3] / m.roles.iter().sum::<f64>().max(1e-9);
    let men = thresholds.iter().filter(|t| t.1 && t.0 <= x + m.call_push).count() as f64 / k;
    let arms = s.confrontation.arms_per_1000 * present / 1000.0;
    let civilians = (men * fight * present).min(arms);
    // The groups' stance (7.5): a group joins when the pressure of the share
    // mobilised beats its commander's reluctance; otherwise its men with
    // mobilised families may still come.
    let ally = s.factions[f].seen_as_ally;
    let groups = w
        .society
        .groups
        .iter()
        .filter(|g| g.town == t)
        .map(|g| {
            let men = f64::from(g.members);
            let armed = men + s.confrontation.weapon_value * f64::from(g.weapons);
            // Attacked by a faction they do not see as an ally, all join at once (7.7).
            if ally < 0.5 || m.group_pressure * x > f64::from(g.reluctance) + ally * m.group_pressure {
                armed
            } else {
                // Its garrison still holds the base; the rest come only through their families.
                let share = s.confrontation.garrison_share;
                share * armed + (1.0 - share) * men * (x / m.family_tie_threshold.max(1e-9)).min(1.0)
            }
        })
        .sum();
    let holders = (0..s.factions.len())
        .filter(|&h| h != f && w.factions[h].arrived)
        .map(|h| super::town::fighters(w, s, h, t) + s.confrontation.weapon_value * w.factions[h].weapons)
        .sum();
    Sounding { mobilised: x, civilians, groups, holders }
}

/// The options a faction weighs, with their worth (0: waiting).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Weighing {
    pub sounding: Sounding,
    pub storm_odds: f64,
    pub base_odds: f64,
    pub storm: f64,
    /// The storm's worth were it strong enough to rule the town: whether the
    /// town is within its reach at all.
    pub storm_reach: f64,
    pub base: f64,
}

/// The forces a faction weighs with, in fighters (heavy weapons counted).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Forces {
    /// For a storm, the reinforcements it can count on included.
    pub storm: f64,
    /// Locals among them.
    pub local: f64,
    /// For the base (with the pool's fighters who join the siege).
    pub base: f64,
    /// The peak share mobilised in the uprising that drove out its rival or itself.
    pub lesson: f64,
    /// Its people who would rule the town once taken: the storming force and
    /// its members in town who do not fight (supporters and informants run
    /// its offices, courts and checkpoints as well as fighters do).
    pub rule: f64,
}

/// Weigh storming the town and seizing the base with `forces`, against what
/// the soundings promise.
/// The town weighed is `t`.
pub fn weigh(w: &World, s: &Scenario, f: usize, t: u16, forces: Forces, rng: &mut Rng) -> Weighing {
    let Forces { storm: force, local, base: base_force, lesson, rule } = forces;
    let st = &s.factions[f].strategy;
    let c = &s.confrontation;
    let sounding = sound(w, s, f, t, st.soundings, rng);
    let e_f = s.factions[f].fighting.effectiveness;
    // The square law: the side with the larger effectiveness x force^2 wins;
    // the town hesitates to fire on its own (kin reluctance).
    let town = sounding.town_force() * (1.0 - c.kin_reluctance * (local / force.max(1.0)).min(1.0));
    let odds = |a: f64, d: f64| if a <= 0.0 { 0.0 } else { a * a / (a * a + d * d) };
    let storm_odds = odds(force * e_f.sqrt(), town * c.town_effectiveness.sqrt());
    // The base: tonight's garrison as its scouts see it, and who would turn out.
    let night = s.factions[f].fighting.attack_at_night;
    let ready = super::confrontation::garrison_ready(w, s, t, night, rng);
    let defence = super::confrontation::base_defence(w, s, t, night, ready, sounding.civilians, sounding.groups);
    let base_odds = odds(base_force * e_f / c.town_effectiveness.max(1e-9), defence);
    let fear = 1.0 + st.lesson_weight * lesson;
    let need = st.hold_per_1000 * super::town::present(w, s, t) / 1000.0;
    let hold = rule / (rule + need).max(1e-9);
    let costs = (1.0 - storm_odds) * st.defeat_cost * fear + st.resistance_cost * sounding.mobilised * fear + st.move_cost;
    let storm = hold * storm_odds - costs;
    // Were it strong enough to win and to rule, only the resistance would stand in its way.
    let storm_reach = 1.0 - st.resistance_cost * sounding.mobilised * fear - st.move_cost;
    let base = st.base_value * base_odds - st.move_cost;
    Weighing { sounding, storm_odds, base_odds, storm, storm_reach, base }
}

/// Peak share of the town mobilised against faction `g` in an uprising that
/// drove it out (0 if it was never driven out).
pub fn lesson(w: &World, g: usize) -> f64 {
    if w.factions[g].expelled_day.is_none() {
        return 0.0;
    }
    w.past_uprisings.iter().chain(std::iter::once(&w.uprising)).filter(|u| u.against == Some(g as u8)).map(|u| u.peak_share).fold(0.0, f64::max)
}

/// Fighters of `f` in town `town` who would fight for it (neither abstaining
/// nor turned), and how many of them are locals (the region's local share).
fn fighters(w: &World, s: &Scenario, f: usize, town: u16) -> (f64, f64) {
    let t = &w.society.people.tally;
    let all = super::town::fighters(w, s, f, town);
    let members = (t.members[f][0] + t.members[f][1]).max(1) as f64;
    (all, all * t.members[f][Origin::Local as usize] as f64 / members)
}

pub fn step(w: &mut World, s: &Scenario) {
    for (f, fp) in s.factions.iter().enumerate() {
        let Some(g) = fp.wakes_when_expelled.as_deref().and_then(|n| s.faction(n)) else {
            continue;
        };
        // Wake when the rival is expelled, and take a share of its weapons.
        if !w.factions[f].woken && w.factions[g].expelled_day.is_some() {
            let st = &mut w.factions[f];
            st.woken = true;
            st.woke_day = Some(w.day);
            let taken = fp.weapons_taken_share * w.factions[g].weapons;
            w.factions[f].weapons += taken;
            w.factions[g].weapons -= taken;
            w.event("rival_wakes", &fp.name, None, taken, &s.factions[g].name);
        }
        let st = &w.factions[f];
        if !st.arrived || st.attack_pending.is_some() || st.attacked || w.battles.last().is_some_and(|b| b.outcome.is_none()) {
            continue;
        }
        let mut rng = w.key.stream(Stream::RivalFaction, w.day, 2 * f as u32);
        // It weighs the town its rival was driven from (the town last risen).
        let town = w.uprising.town;
        let (n, local) = fighters(w, s, f, town);
        if n < 1.0 {
            continue;
        }
        let armed = n + s.confrontation.weapon_value * st.weapons;
        // Its pool elsewhere backs a storm as reinforcements and a move on the
        // base as the siege (confrontation's `siege_force`).
        let backing = super::confrontation::siege_force(w, f, fp);
        let others = super::town::members(w, s, f, town) - n;
        let forces = Forces { storm: armed + backing, local, base: armed + backing, lesson: lesson(w, g), rule: armed + backing + others.max(0.0) };
        let wg = weigh(w, s, f, town, forces, &mut rng);
        // It storms when that is worth more than waiting and than the base; it
        // takes the base alone when that is worth the move and the town is out
        // of its reach however strong it grows; otherwise it waits.
        let storm = wg.storm > 0.0 && wg.storm >= wg.base;
        if !storm && (wg.base <= 0.0 || wg.storm_reach > 0.0) {
            continue;
        }
        w.factions[f].attack_pending = Some(storm);
        w.factions[f].attack_on = Some(w.day + fp.fighting.attack_delay_days);
        let odds = if storm { wg.storm_odds } else { wg.base_odds };
        w.event(
            "takeover_decided",
            &fp.name,
            None,
            wg.sounding.mobilised,
            format!(
                "{} (odds {odds:.2}, town force {:.0}; storm {:.2}, within reach {:.2}, at odds {:.2}; base {:.2})",
                if storm { "storm the town" } else { "seize the base" },
                wg.sounding.town_force(),
                wg.storm,
                wg.storm_reach,
                wg.storm_odds,
                wg.base
            ),
        );
        // Its moves (surrounding the local groups' bases) give it away: the
        // notables call the town out before the attack comes (ch. 7).
        mobilisation::call_out(w, s, f, town);
    }
}

/// Whether expelled faction `f` comes back today, and with how many (its
/// locals elsewhere and the pool fighters backing them): the same weighing as
/// a storm, with its people elsewhere as its force and its own expulsion as
/// the lesson. `None` to stay away.
pub fn weigh_return(w: &World, s: &Scenario, f: usize) -> Option<u32> {
    let fp = &s.factions[f];
    let t = &w.society.people.tally;
    let locals = t.elsewhere_local[f] as f64;
    if !fp.strategy.returns || locals < 1.0 || w.battles.last().is_some_and(|b| b.outcome.is_none()) {
        return None;
    }
    let foreign = t.by_faction[f][Status::Elsewhere as usize] as f64 - locals;
    let force = locals + foreign.min(fp.strategy.backing_per_local * locals);
    let mut rng = w.key.stream(Stream::RivalFaction, w.day, 2 * f as u32 + 1);
    let town = w.battles.last().map_or(0, |b| b.town);
    let wg = weigh(w, s, f, town, Forces { storm: force, local: locals, base: 0.0, lesson: lesson(w, f), rule: force }, &mut rng);
    (wg.storm > 0.0).then_some(force.round() as u32)
}
