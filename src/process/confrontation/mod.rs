//! Confrontation (step 7 of the day): the fight between the mobilised town and
//! the faction's fighters (Haid 2017, ch. 5 and 7).
//!
//! A battle starts when the council has called the town out (the town storms
//! the faction's centre, as on 2-3 January 2014) or when the faction attacks
//! first (on a set day, or once its fighters outnumber the local groups' by a
//! threshold), by night or by day. On the first day of a faction's attack it
//! contests the base: its fighters against the garrison (a share of the local
//! fighters and their heavy weapons, fewer ready at night), won with
//! probability A^2 / (A^2 + D^2). Then each day both sides lose fighters by
//! stochastic Lanchester attrition (square law): the faction loses
//! Poisson(town effectiveness x town force), the town Poisson(faction
//! effectiveness x faction force); the town's force counts its mobilised
//! fighters, the fighters of local groups that joined and their weapons;
//! civilians die as collateral and some people are killed misidentified.
//! Members who abstain under the amnesty stay out; those who turned fight with
//! the town. Reinforcements from the faction's pool elsewhere arrive after a
//! delay that staffed checkpoints lengthen (ch. 5: calls to 'prevent ISIS
//! reinforcements from reaching the city').
//!
//! The faction is expelled when its force falls below a share of its force at
//! the start: its remaining fighters are captured or flee elsewhere, its other
//! members become ex-members, its institutions return to the community, and
//! the town's efficacy rises ("it showed us our power", ch. 7). The town gives
//! up when its force falls below a share of the faction's: the faction takes
//! the institutions. A faction that took the base keeps it if it is then
//! driven from the town (a partial result).

use rand::RngExt;
use rand_distr::{Binomial, Distribution, Poisson};

use super::mobilisation::{self, FIGHT};
use crate::rng::{Rng, Stream};
use crate::scenario::Scenario;
use crate::society::institutions::{Controller, Kind};
use crate::society::people::{Flags, Origin, Status};
use crate::world::World;

mod params;

pub use params::{Fighting, Params, Raw, RawFighting};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The faction is driven out of town.
    Expelled,
    /// The faction took the base but was driven from the town.
    Partial,
    /// The town gave up: the faction holds its institutions.
    FactionHolds,
    /// Undecided after `max_days`.
    Stalemate,
    /// A faction's attack on the base failed; it stood down and stays.
    Repelled,
}

/// A battle's toll: deaths by side (civilians and the misidentified apart),
/// and the faction's fighters captured or fled when it is expelled.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Casualties {
    pub deaths_town: u64,
    pub deaths_faction_local: u64,
    pub deaths_faction_foreign: u64,
    pub deaths_civilian: u64,
    pub deaths_misidentified: u64,
    pub captured: u64,
    pub fled: u64,
}

/// One battle, from its start to its decision.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Battle {
    pub faction: u8,
    /// The town fought over (a place of the region; 0 in a single town).
    pub town: u16,
    pub start_day: u32,
    pub by_faction: bool,
    pub night: bool,
    /// A faction's attack that storms the town (not the base alone).
    pub storm: bool,
    pub base_taken: bool,
    pub reinforcements_day: Option<u32>,
    pub initial_force: f64,
    pub toll: Casualties,
    /// Local members among the faction's fighters on the first day.
    pub local_fighting: u64,
    pub outcome: Option<Outcome>,
    pub decided_day: Option<u32>,
    /// The state's counter-offensive (7.23): its troops fight on the town's side.
    pub government: bool,
    /// The state's troops still fighting (not people of the region).
    pub troops: f64,
}

fn combatant(w: &World, s: &Scenario, t: u16, f: usize, i: usize) -> bool {
    let p = &w.society.people;
    super::town::within(w, s, t, i)
        && p.status[i] == Status::Fighter
        && p.faction[i] as usize == f
        && !p.flags[i].has(Flags::ABSTAINING)
        && !p.flags[i].has(Flags::TURNED)
}

fn town_fighter(w: &World, i: usize) -> bool {
    let p = &w.society.people;
    p.mobilised[i] == FIGHT && p.status[i].present() && p.status[i] != Status::Detained
}

pub fn step(w: &mut World, s: &Scenario) {
    let mut rng = w.key.stream(Stream::Confrontation, w.day, 0);
    let active = w.battles.last().is_some_and(|b| b.outcome.is_none());
    if !active && !start(w, s) {
        return;
    }
    fight(w, s, &mut rng);
}

/// Start a battle if the town was called out or a faction attacks first.
fn start(w: &mut World, s: &Scenario) -> bool {
    for (f, fp) in s.factions.iter().enumerate() {
        if !w.factions[f].arrived {
            continue;
        }
        let fighting = &fp.fighting;
        // A rival decides for itself (rival_faction); others attack on a set day or past a threshold.
        let pending = w.factions[f].attack_pending.filter(|_| w.factions[f].attack_on.is_some_and(|d| w.day >= d));
        // A call against a faction that is about to attack waits for its attack.
        let called = w.uprising.call_day.is_some() && w.uprising.against == Some(f as u8) && !w.uprising.over && w.factions[f].attack_pending.is_none();
        // The town fought over: the one that rose (a rival's attack answers
        // the town it weighed, the last to rise), else where its fighters are
        // strongest against the local fighters; in a single town, the town.
        let t = if called || w.factions[f].attack_pending.is_some() { w.uprising.town } else { target_town(w, s, f) };
        // A faction attacks a town once (in a region, again once driven out
        // of it since); a town storms a faction once on a call (in a single
        // town, once in all: it rises once).
        let by_faction = w.factions[f].attack_pending.is_some();
        let since = if super::town::single(s) {
            0
        } else if by_faction {
            driven_out(w, f, t)
        } else {
            w.uprising.call_day.unwrap_or(0)
        };
        if w.battles.iter().any(|b| b.faction as usize == f && b.town == t && b.by_faction == by_faction && !b.government && b.start_day >= since) {
            continue;
        }
        let fighters = super::town::fighters(w, s, f, t);
        // The state's garrison in a town it retook counts among its defenders (7.23).
        let locals = super::town::count(w, s, t, Status::LocalFighter) + super::counter_offensive::garrison(w, t);
        // A faction attacks first once (in a region, once in each town).
        let attack = pending.is_some()
            || (fp.wakes_when_expelled.is_none()
                && (!w.factions[f].attacked || (!super::town::single(s) && !attacked_since_driven_out(w, f, t)))
                && ((fighting.attack_day > 0 && w.day == fighting.attack_day)
                    || (fighting.attack_threshold > 0.0 && fighters > fighting.attack_threshold * locals)));
        let storm = pending.unwrap_or(true);
        if attack || called {
            let night = attack && fighting.attack_at_night;
            w.factions[f].attack_pending = None;
            w.factions[f].attacked |= attack;
            // A garrison of the state's in the town fights on the town's side.
            let troops = super::counter_offensive::garrison(w, t);
            if troops > 0.0 {
                w.region.garrison[t as usize] = 0.0;
            }
            w.battles.push(Battle {
                faction: f as u8,
                town: t,
                start_day: w.day,
                by_faction: attack,
                night,
                storm: !attack || storm,
                troops,
                ..Battle::default()
            });
            w.event(
                if attack { "faction_attack" } else { "town_attack" },
                if attack { &fp.name } else { "community" },
                None,
                fighters,
                super::town::label(s, if night { "night" } else { "day" }, t),
            );
            // The attack calls the town out; the town mobilises from tomorrow.
            // Attacked themselves, the local groups fight at once.
            mobilisation::call_out(w, s, f, t);
            // Groups attacked by a faction they see as an ally still mediate.
            if attack && fp.seen_as_ally < 0.5 {
                for (g, group) in w.society.groups.iter().enumerate() {
                    if group.town == t {
                        w.uprising.groups_joined[g] = true;
                    }
                }
                let p = &w.society.people;
                let locals: Vec<usize> = (0..p.len()).filter(|&i| p.status[i] == Status::LocalFighter && super::town::within(w, s, t, i)).collect();
                for i in locals {
                    mobilisation::mobilise(w, i, FIGHT);
                }
            }
            return true;
        }
    }
    false
}

/// The day after faction `f` was last driven out of town `t` (0: never).
fn driven_out(w: &World, f: usize, t: u16) -> u32 {
    let out = |b: &&Battle| b.faction as usize == f && b.town == t && matches!(b.outcome, Some(Outcome::Expelled));
    w.battles.iter().rev().find(out).and_then(|b| b.decided_day).map_or(0, |d| d + 1)
}

/// Whether faction `f` has attacked town `t` since it was last driven out of
/// it: in a region it attacks each town once, and again only after losing it.
fn attacked_since_driven_out(w: &World, f: usize, t: u16) -> bool {
    let since = driven_out(w, f, t);
    w.battles.iter().any(|b| b.faction as usize == f && b.town == t && b.by_faction && b.start_day >= since)
}

/// The town where faction `f`'s fighters are most against the local
/// fighters there (the first such, in the region's order), among those it
/// may attack.
fn target_town(w: &World, s: &Scenario, f: usize) -> u16 {
    if super::town::single(s) {
        return 0;
    }
    let mut best = (0u16, -1.0);
    for t in 0..s.region.towns as u16 {
        if attacked_since_driven_out(w, f, t) {
            continue;
        }
        let odds = super::town::fighters(w, s, f, t) / (super::town::count(w, s, t, Status::LocalFighter) + super::counter_offensive::garrison(w, t) + 1.0);
        if odds > best.1 {
            best = (t, odds);
        }
    }
    best.0
}

fn fight(w: &mut World, s: &Scenario, rng: &mut Rng) {
    let c = &s.confrontation;
    let b = w.battles.last().expect("an active battle").clone();
    let (f, t) = (b.faction as usize, b.town);
    let fp = &s.factions[f];
    let first_day = w.day == b.start_day;
    // Reinforcements that arrive today fight today, in the town fought over.
    if Some(w.day) == b.reinforcements_day && fp.fighting.reinforcements > 0 {
        let n = w.bring_from_pool_to(f, fp.fighting.reinforcements, Some(t));
        w.event("reinforcements", &fp.name, None, f64::from(n), "");
    }
    let p = &w.society.people;
    let faction_side: Vec<u32> = (0..p.len()).filter(|&i| combatant(w, s, t, f, i)).map(|i| i as u32).collect();
    let town_side: Vec<u32> = (0..p.len()).filter(|&i| town_fighter(w, i) && (!b.government || super::town::within(w, s, t, i))).map(|i| i as u32).collect();
    let joined_weapons: f64 = w
        .society
        .groups
        .iter()
        .enumerate()
        .filter(|(g, group)| w.uprising.groups_joined.get(*g).copied().unwrap_or(false) && (!b.government || group.town == t))
        .map(|(_, g)| f64::from(g.weapons))
        .sum();
    // Heavy weapons need men: a faction with no fighters left cannot hold with its guns alone.
    let weapons = c.weapon_value * w.factions[f].weapons;
    let manned = |fighters: usize| fighters as f64 + if fighters > 0 { weapons } else { 0.0 };
    let faction_force = manned(faction_side.len());
    // Civilians fight with the arms there are; the local groups bring their own.
    let p = &w.society.people;
    let armed_civilians = town_side.iter().filter(|&&i| p.status[i as usize] != Status::LocalFighter).count() as f64;
    let arms = c.arms_per_1000 * super::town::present(w, s, t) / 1000.0;
    let town_force = (town_side.len() as f64 - armed_civilians) + armed_civilians.min(arms) + c.weapon_value * joined_weapons;
    let local_share = faction_side.iter().filter(|&&i| p.origin[i as usize] == Origin::Local).count() as f64 / faction_force.max(1.0);
    let mut b = b;
    if first_day {
        b.initial_force = faction_force.max(1.0);
        b.local_fighting = faction_side.iter().filter(|&&i| w.society.people.origin[i as usize] == Origin::Local).count() as u64;
        let staffed = w.society.people.mobilised.contains(&1);
        let checkpoints = if staffed {
            w.society.institutions.iter().filter(|i| i.town == t && i.kind == Kind::Checkpoint && i.controller == Controller::Community).count()
        } else {
            0
        };
        let delay = fp.fighting.reinforcement_delay_days + c.checkpoint_delay_days * checkpoints as f64;
        b.reinforcements_day = Some(w.day + delay.ceil() as u32);
        if b.by_faction {
            // The contest for the base: tonight's garrison and whoever turns
            // out to defend it, the fewer the later at night.
            let civilians = armed_civilians.min(arms);
            let groups = (town_side.len() as f64 - armed_civilians) + c.weapon_value * joined_weapons + b.troops;
            let ready = garrison_ready(w, s, t, b.night, rng);
            let defence = base_defence(w, s, t, b.night, ready, civilians, groups);
            // A move on the base alone is a siege prepared over the days
            // before (Hazem's bases surrounded): the faction's fighters from
            // its pool elsewhere take part, then go back to "their designated
            // areas" (Haid 2017, ch. 7). A storm's reinforcements come later.
            let siege = if b.storm { 0.0 } else { siege_force(w, f, fp) };
            let attack = (faction_force + siege) * fp.fighting.effectiveness / c.town_effectiveness.max(1e-9);
            if rng.random::<f64>() < attack * attack / (attack * attack + defence * defence).max(1e-9) {
                b.base_taken = true;
                take(w, f, Kind::Base, t);
                w.event("base_taken", &fp.name, None, faction_force, if b.night { "night" } else { "day" });
            }
        }
    }
    // A faction that came for the base alone stands down after the night.
    if b.by_faction && !b.storm {
        let o = if b.base_taken { Outcome::Partial } else { Outcome::Repelled };
        *w.battles.last_mut().expect("active") = b;
        decide(w, s, f, o, rng);
        return;
    }
    // Attrition; a night attack's first day is the faction's alone.
    let town_fire = if first_day && b.night { 0.0 } else { c.town_effectiveness * town_force * (1.0 - c.kin_reluctance * local_share) }
        + s.counter_offensive.troop_effectiveness * b.troops;
    let faction_fire = fp.fighting.effectiveness * faction_force;
    let draw = |rng: &mut Rng, m: f64| {
        if m > 0.0 { Poisson::new(m).map(|d| d.sample(rng) as usize).unwrap_or(0) } else { 0 }
    };
    let faction_losses = draw(rng, town_fire).min(faction_side.len());
    let fighters_left = faction_side.len() - faction_losses;
    let mut town_losses = draw(rng, faction_fire);
    if b.troops > 0.0 {
        // The state's troops take their share of the losses.
        let share = b.troops / (b.troops + town_side.len() as f64);
        let troop_losses = (Binomial::new(town_losses as u64, share).map(|d| d.sample(rng)).unwrap_or(0) as f64).min(b.troops);
        b.troops -= troop_losses;
        town_losses -= troop_losses as usize;
    }
    let town_losses = town_losses.min(town_side.len());
    let civilians = draw(rng, c.collateral * faction_force);
    let misidentified = draw(rng, c.misidentified * faction_losses as f64);
    for i in pick(faction_side, faction_losses, rng) {
        if w.society.people.origin[i] == Origin::Local {
            b.toll.deaths_faction_local += 1
        } else {
            b.toll.deaths_faction_foreign += 1
        }
        kill(w, i);
    }
    for i in pick(town_side, town_losses, rng) {
        b.toll.deaths_town += 1;
        kill(w, i);
    }
    for (count, misid) in [(civilians, false), (misidentified, true)] {
        for _ in 0..count {
            if let Some(i) = super::town::random_local(w, s, t, rng).filter(|&i| w.society.people.mobilised[i] == 0 && !w.society.people.status[i].member()) {
                if misid {
                    b.toll.deaths_misidentified += 1;
                    w.today.deaths_misidentified += 1;
                } else {
                    b.toll.deaths_civilian += 1;
                    w.today.deaths_civilian += 1;
                }
                let id = w.society.people.id[i];
                kill(w, i);
                if misid {
                    w.event("misidentified_killed", "community", Some(id), 1.0, "");
                }
            }
        }
    }
    let deaths = (faction_losses + town_losses) as f64 + (w.today.deaths_civilian + w.today.deaths_misidentified) as f64;
    let (faction_left, town_left) = (manned(fighters_left), town_force - town_losses as f64 + b.troops);
    w.event("battle_day", &fp.name, None, deaths, format!("town {town_left:.0} faction {faction_left:.0}"));
    w.today.battle_deaths_town += town_losses as u64;
    w.today.battle_deaths_faction += faction_losses as u64;
    let reinforced_later = b.reinforcements_day.is_some_and(|d| d > w.day) && fp.fighting.reinforcements > 0;
    let routed = faction_left < c.rout_share * b.initial_force;
    let outcome = if (faction_left < c.faction_break * b.initial_force && !reinforced_later) || routed {
        Some(if b.base_taken { Outcome::Partial } else { Outcome::Expelled })
    } else if !first_day && town_left < c.town_break * faction_left {
        Some(Outcome::FactionHolds)
    } else if w.day - b.start_day + 1 >= c.max_days {
        Some(Outcome::Stalemate)
    } else {
        None
    };
    *w.battles.last_mut().expect("active") = b;
    if let Some(o) = outcome {
        decide(w, s, f, o, rng);
    }
}

/// `k` of `v` at random (a partial shuffle of the day's fresh list, in place).
fn pick(mut v: Vec<u32>, k: usize, rng: &mut Rng) -> Vec<usize> {
    for j in 0..k.min(v.len()) {
        let r = rng.random_range(j..v.len());
        v.swap(j, r);
    }
    v.truncate(k);
    v.into_iter().map(|i| i as usize).collect()
}

fn kill(w: &mut World, i: usize) {
    // Death stands the person down (People::assign).
    let faction = w.society.people.faction[i];
    w.society.people.assign(i, Status::Dead, faction);
}

/// Fighters of faction `f`'s pool elsewhere who join a siege of the base:
/// as many as it sends as reinforcements, if it has them.
pub fn siege_force(w: &World, f: usize, fp: &crate::faction::Params) -> f64 {
    let elsewhere = w.society.people.tally.by_faction[f][Status::Elsewhere as usize] as f64;
    elsewhere.min(f64::from(fp.fighting.reinforcements))
}

/// The share of the base's garrison awake and ready: all by day; at night
/// each of its men with probability `night_readiness`.
pub fn garrison_ready(w: &World, s: &Scenario, t: u16, night: bool, rng: &mut Rng) -> f64 {
    let c = &s.confrontation;
    if !night {
        return 1.0;
    }
    let men = (c.garrison_share * super::town::count(w, s, t, Status::LocalFighter)).round() as u64;
    match Binomial::new(men, c.night_readiness) {
        Ok(d) if men > 0 => d.sample(rng) as f64 / men as f64,
        _ => c.night_readiness,
    }
}

/// The base's defence: its fortifications (`base_defence`) times the ready
/// garrison (a `garrison_share` of all local fighters and heavy weapons) plus
/// those who turn out: `civilians` (armed mobilised civilians) and the rest of
/// `groups` (mobilised local fighters and joined groups' weapons, in
/// fighters), all by day, `awake_at_night` of them at night.
pub fn base_defence(w: &World, s: &Scenario, t: u16, night: bool, ready: f64, civilians: f64, groups: f64) -> f64 {
    let c = &s.confrontation;
    let locals = super::town::count(w, s, t, Status::LocalFighter);
    let weapons: f64 = w.society.groups.iter().filter(|g| g.town == t).map(|g| f64::from(g.weapons)).sum();
    let garrison = c.garrison_share * (locals + c.weapon_value * weapons) * ready;
    let awake = if night { c.awake_at_night } else { 1.0 };
    c.base_defence * (garrison + awake * (civilians + (1.0 - c.garrison_share) * groups))
}

fn take(w: &mut World, f: usize, kind: Kind, t: u16) {
    for inst in w.society.institutions.iter_mut().filter(|i| i.kind == kind && i.town == t) {
        inst.controller = Controller::Faction(f as u8);
    }
}

/// A faction that holds the town demands the surrender of the local armed
/// groups (Haid 2017, ch. 2 and 7: al-Nusra's "campaign to eliminate" Haraket
/// Hazem "demanded the surrender of locals who were members"): their heavy
/// weapons pass to it and their men lay down their arms and go home. Men may
/// take up arms in a group again later (affiliation), without its weapons.
fn surrender_groups(w: &mut World, f: usize, t: u16) {
    let p = &mut w.society.people;
    for i in 0..p.len() {
        if p.status[i] == Status::LocalFighter && p.place[i] == t {
            p.group[i] = crate::society::people::NONE_U16;
            p.flags[i].clear(crate::society::people::Flags::ARMED);
            p.assign(i, Status::Civilian, crate::society::people::NONE_U8);
        }
    }
    let mut weapons = 0.0;
    for g in w.society.groups.iter_mut().filter(|g| g.town == t) {
        weapons += f64::from(g.weapons);
        g.weapons = 0;
        g.members = 0;
    }
    w.factions[f].weapons += weapons;
}

fn decide(w: &mut World, s: &Scenario, f: usize, o: Outcome, rng: &mut Rng) {
    let c = &s.confrontation;
    let name = s.factions[f].name.clone();
    let mut captured = 0;
    let mut captives = Vec::new();
    let mut fled = 0;
    let storm = w.battles.last().is_some_and(|b| b.storm);
    let t = w.battles.last().map_or(0, |b| b.town);
    // The state's offensive (7.23): the town did not rise, so its efficacy
    // does not move and no uprising ends; the captured go to the state.
    let government = w.battles.last().is_some_and(|b| b.government);
    match o {
        Outcome::Partial | Outcome::Repelled if !storm => {}
        Outcome::Expelled | Outcome::Partial => {
            let p = &w.society.people;
            let members: Vec<usize> = (0..p.len()).filter(|&i| p.status[i].member() && p.faction[i] as usize == f && super::town::within(w, s, t, i)).collect();
            for i in members {
                let fights = combatant(w, s, t, f, i);
                let (status, faction) = if fights && o == Outcome::Partial {
                    (Status::Fighter, f as u8) // they hold the base
                } else if fights && rng.random::<f64>() < c.capture_share {
                    captured += 1;
                    captives.push(i);
                    (Status::Detained, f as u8)
                } else if fights {
                    fled += 1;
                    (Status::Elsewhere, f as u8)
                } else {
                    (Status::ExMember, f as u8)
                };
                w.society.people.assign(i, status, faction);
            }
            if o == Outcome::Expelled {
                if government {
                    w.today.strategy.offensives_won[f] += 1;
                }
                // Driven from its last town, it is out of the region's open
                // life; it keeps the other towns it is in.
                let elsewhere = (0..s.region.towns.max(1) as u16).any(|u| u != t && super::town::members(w, s, f, u) > 0.0);
                if super::town::single(s) || !elsewhere {
                    w.factions[f].arrived = false;
                }
                w.factions[f].expelled_day = Some(w.day);
                for inst in w.society.institutions.iter_mut().filter(|i| i.town == t && i.controller == Controller::Faction(f as u8)) {
                    inst.controller = Controller::Community;
                }
            }
            if !government {
                super::town::shift_efficacy(w, s, t, c.success_efficacy, true);
            }
        }
        Outcome::FactionHolds if government => {}
        Outcome::FactionHolds => {
            for inst in w.society.institutions.iter_mut().filter(|i| i.town == t) {
                inst.controller = Controller::Faction(f as u8);
            }
            surrender_groups(w, f, t);
            super::town::shift_efficacy(w, s, t, c.defeat_efficacy, false);
        }
        Outcome::Stalemate | Outcome::Repelled => {}
    }
    // The captured go into the community's custody (prisoners), or the
    // state's prisons after its offensive where the region has room.
    for i in captives {
        if !(government && super::counter_offensive::imprison(w, s, i)) {
            super::prisoners::admit(w, i, f, false);
        }
    }
    let b = w.battles.last_mut().expect("active");
    // The state's troops stay as the town's garrison unless the faction
    // holds it (or beat back the state's offensive).
    let stays = match o {
        Outcome::FactionHolds => false,
        Outcome::Stalemate => !government,
        _ => true,
    };
    if stays
        && b.troops > 0.0
        && let Some(g) = w.region.garrison.get_mut(t as usize)
    {
        *g += b.troops;
    }
    b.outcome = Some(o);
    b.decided_day = Some(w.day);
    b.toll.captured = captured;
    b.toll.fled = fled;
    // The town stands down tomorrow (mobilisation); today's record shows it up.
    if !government {
        w.uprising.over = true;
    }
    let label = match o {
        Outcome::Expelled => "expelled",
        Outcome::Partial => "partial",
        Outcome::FactionHolds => "faction_holds",
        Outcome::Stalemate => "stalemate",
        Outcome::Repelled => "repelled",
    };
    w.event("battle_decided", &name, None, f64::from(w.day - w.battles.last().expect("active").start_day + 1), super::town::label(s, label, t));
}
