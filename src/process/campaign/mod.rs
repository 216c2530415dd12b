//! The faction's campaign (step 3b of the day; docs/model.md 7.20): its phase
//! and the defection strategy that follows it (Ingram and Mohammed 2022).
//!
//! - Phase. Each day a faction reads its phase from its strength and its
//!   territory: it holds a town when it runs that town's court and police;
//!   holding one is `territory`; having lost its last within
//!   `collapse_days`, `collapse`; else `consolidation` when its force per
//!   local defender passes `tamkin_ratio`, `guerrilla` below. Its behaviour
//!   does not switch at those lines: it follows its strength weight
//!   r^2 / (r^2 + tamkin_ratio^2), smooth in r, r being its force (members
//!   in towns and fighters at its hideout) per local defender (local
//!   fighters and `government.forces`).
//! - Decisive minorities, when weak: covert approaches (a rate times 1 - the
//!   strength weight) to notables, commanders of local groups and local
//!   fighters, by weight, in the towns it reaches. The approached weighs its
//!   offer against the government's (government_offer::faction_wins); one
//!   who shifts becomes its member (a commander or fighter its fighter, a
//!   notable its supporter) and brings `followers_share` of their family,
//!   and a commander as much of his group, with its heavy weapons.
//! - Whole communities, when strong: families approached for a public pledge
//!   (a rate times the strength weight); the family weighs as its notable (or
//!   first adult) does; a family that pledges gives it `pledge_share` of its
//!   youths and adults as supporters, and binds its members there for
//!   `pledge_days` (leaving costs `pledge_cost`: affiliation).
//! - Intelligence: what it knows grows each day (faster while it holds towns)
//!   and extends the reach of its approaches and tawba offers.

mod params;

pub use params::{Campaign, RawCampaign};

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use super::government_offer::{FactionOffer, faction_wins};
use crate::rng::{Rng, Stream};
use crate::scenario::Scenario;
use crate::society::institutions::{Controller, Kind};
use crate::society::people::{AgeClass, Flags, NONE_U16, Origin, Status};
use crate::world::World;

/// A faction's campaign phase (Ingram and Mohammed 2022).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Not in the region's open life yet (dormant or not arrived).
    #[default]
    Dormant,
    Guerrilla,
    Consolidation,
    Territory,
    Collapse,
}

impl Phase {
    pub const ALL: [Phase; 5] = [Phase::Dormant, Phase::Guerrilla, Phase::Consolidation, Phase::Territory, Phase::Collapse];
    pub fn name(self) -> &'static str {
        ["dormant", "guerrilla", "consolidation", "territory", "collapse"][self as usize]
    }
}

/// Someone in its rehabilitation (7.21): their index (renumbered with the
/// columns), the day their current stage began, their town, and whether they
/// passed the interview.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Repentant {
    pub person: u32,
    pub since: u32,
    pub town: u16,
    pub interviewed: bool,
    /// From a town that had risen against it (its awakening units).
    pub awakening: bool,
}

/// What a faction's campaign keeps from day to day.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CampaignState {
    pub phase: Phase,
    pub strength_weight: f64,
    pub intelligence: f64,
    pub towns_held: u32,
    pub last_held_day: Option<u32>,
    pub peak_members: u64,
    /// Whether it has ever been open in the region (arrived or with members there).
    pub opened: bool,
    /// An open tawba window: the day it closes.
    pub window_until: Option<u32>,
    pub windows: u32,
    /// Those offered in the open window who refused (indices).
    pub refused: Vec<u32>,
    pub repentants: Vec<Repentant>,
    /// Members bound by a public pledge, and the day it lapses (indices).
    pub pledged: Vec<(u32, u32)>,
    /// Days spent in each phase.
    pub phase_days: [u32; 5],
}

pub fn step(w: &mut World, s: &Scenario) {
    for (f, fp) in s.factions.iter().enumerate() {
        read_phase(w, s, f);
        lapse_pledges(w, f);
        if !open(w, f) || !fp.campaign.active() {
            continue;
        }
        let mut rng = w.key.stream(Stream::Campaign, w.day, f as u32);
        approach_decisive_minorities(w, s, f, &mut rng);
        approach_communities(w, s, f, &mut rng);
    }
}

/// Whether faction `f` is open in the region today: arrived, or with members
/// in its towns (a dormant faction's cells after its territorial defeat, 7.18).
/// Its approaches and tawba work from there; `reaches` limits them to the
/// places where it has people (in a region of several towns).
pub fn open(w: &World, f: usize) -> bool {
    w.factions[f].arrived || w.society.people.tally.members_in_town(f) > 0
}

/// Towns where faction `f` runs the court and the police.
pub fn towns_held(w: &World, s: &Scenario, f: usize) -> u32 {
    held(w, s, f).iter().filter(|h| **h).count() as u32
}

/// For each town, whether faction `f` holds it (runs its court and police).
pub fn held(w: &World, s: &Scenario, f: usize) -> Vec<bool> {
    let towns = s.region.towns.max(1);
    let mut court = vec![false; towns];
    let mut police = vec![false; towns];
    for i in &w.society.institutions {
        if i.controller == Controller::Faction(f as u8) && (i.town as usize) < towns {
            match i.kind {
                Kind::Court => court[i.town as usize] = true,
                Kind::Police => police[i.town as usize] = true,
                _ => {}
            }
        }
    }
    court.iter().zip(&police).map(|(c, p)| *c && *p).collect()
}

fn read_phase(w: &mut World, s: &Scenario, f: usize) {
    let c = &s.factions[f].campaign;
    let t = &w.society.people.tally;
    let members = t.members_in_town(f);
    let force = members as f64 + t.by_faction[f][Status::Elsewhere as usize] as f64;
    let garrisons: f64 = w.region.garrison.iter().sum();
    let defenders = t.status[Status::LocalFighter as usize] as f64 + s.government.forces + garrisons;
    let r = force / defenders.max(1.0);
    let weight = r * r / (r * r + c.tamkin_ratio * c.tamkin_ratio);
    let held = towns_held(w, s, f);
    let day = w.day;
    let open = open(w, f);
    let st = &mut w.factions[f].campaign;
    st.opened |= open;
    st.strength_weight = weight;
    st.towns_held = held;
    st.peak_members = st.peak_members.max(members);
    if held > 0 {
        st.last_held_day = Some(day);
    }
    // Driven out, it is still at war from its hideouts: guerrilla (or
    // collapse, after holding towns), not dormant.
    let phase = if !st.opened {
        Phase::Dormant
    } else if held > 0 {
        Phase::Territory
    } else if st.last_held_day.is_some_and(|d| f64::from(day - d) <= c.collapse_days) {
        Phase::Collapse
    } else if weight >= 0.5 + c.phase_margin / 2.0 || (st.phase == Phase::Consolidation && weight >= 0.5 - c.phase_margin / 2.0) {
        // The label holds until the weight crosses the line by a margin, so
        // day-to-day noise at the line does not flicker it.
        Phase::Consolidation
    } else {
        Phase::Guerrilla
    };
    st.phase = phase;
    st.phase_days[phase as usize] += 1;
    let share = f64::from(held) / s.region.towns.max(1) as f64;
    st.intelligence += c.intelligence_per_year / 365.0 * (1.0 + c.territory_intelligence * share) * f64::from(u8::from(st.opened));
}

/// Public pledges lapse after `pledge_days`.
fn lapse_pledges(w: &mut World, f: usize) {
    let day = w.day;
    if w.factions[f].campaign.pledged.first().is_none_or(|&(_, until)| until > day) {
        return;
    }
    let pledged = std::mem::take(&mut w.factions[f].campaign.pledged);
    // The list is in the order the pledges were made, so by the day they lapse.
    let lapsed = pledged.partition_point(|&(_, until)| until <= day);
    for &(i, _) in &pledged[..lapsed] {
        w.society.people.flags[i as usize].clear(Flags::PLEDGED);
    }
    w.factions[f].campaign.pledged = pledged[lapsed..].to_vec();
}

/// Whether faction `f` reaches person `i`'s place: it is open there or has people there.
pub fn reaches(w: &World, s: &Scenario, f: usize, i: usize) -> bool {
    let p = &w.society.people;
    let place = p.place[i] as usize;
    place < s.region.towns.max(1) && (super::town::single(s) || p.at.get(place).is_some_and(|a| a.members[f] > 0))
}

/// Draw a person by the campaign's weights of notables, commanders and local
/// fighters among the present locals it reaches (rejection, a few tries).
fn draw_figure(w: &World, s: &Scenario, f: usize, rng: &mut Rng) -> Option<(usize, usize)> {
    let weights = s.factions[f].campaign.weights;
    let top = weights.iter().copied().fold(0.0, f64::max);
    let p = &w.society.people;
    if top <= 0.0 || p.is_empty() {
        return None;
    }
    for _ in 0..256 {
        let i = rng.random_range(0..p.len());
        let u: f64 = rng.random();
        if !p.status[i].present() || p.origin[i] != Origin::Local || p.status[i].member() || p.status[i] == Status::Detained {
            continue;
        }
        let role = if p.flags[i].has(Flags::COMMANDER) && p.status[i] == Status::LocalFighter {
            1
        } else if p.flags[i].has(Flags::NOTABLE) {
            0
        } else if p.status[i] == Status::LocalFighter {
            2
        } else {
            continue;
        };
        if u * top < weights[role] && reaches(w, s, f, i) {
            return Some((i, role));
        }
    }
    None
}

fn approach_decisive_minorities(w: &mut World, s: &Scenario, f: usize, rng: &mut Rng) {
    let c = &s.factions[f].campaign;
    let st = &w.factions[f].campaign;
    let mean = c.approaches_per_week / 7.0 * (1.0 - st.strength_weight) * (1.0 + st.intelligence);
    let count = if mean > 0.0 { Poisson::new(mean).map(|d| d.sample(rng) as u32).unwrap_or(0) } else { 0 };
    let offer = FactionOffer { protection: s.factions[f].tawba.protection, package: s.factions[f].tawba.package };
    for _ in 0..count {
        let Some((i, role)) = draw_figure(w, s, f, rng) else {
            continue;
        };
        w.today.strategy.approached[f] += 1;
        let p_take = faction_wins(w, s, f, i, offer);
        let took = rng.random::<f64>() < p_take;
        w.today.strategy.contested[usize::from(took)] += 1;
        w.today.strategy.contested_by[f][usize::from(took)] += 1;
        if !took {
            continue;
        }
        shift(w, s, f, i, role, rng);
    }
}

/// Person `i` (a notable, commander or local fighter) goes over to faction
/// `f`, and some of their family and followers with them.
fn shift(w: &mut World, s: &Scenario, f: usize, i: usize, role: usize, rng: &mut Rng) {
    let c = &s.factions[f].campaign;
    let group = w.society.people.group[i];
    let armed = w.society.people.status[i] == Status::LocalFighter;
    join(w, f, i, armed);
    w.today.strategy.shifted[f] += 1;
    let id = w.society.people.id[i];
    w.event("figure_shifts", &s.factions[f].name, Some(id), 1.0, ["notable", "commander", "local_fighter"][role]);
    // Family: youths and adults at home follow.
    let fam = w.society.people.family[i] as usize;
    let (a, b) = (w.society.family_start[fam] as usize, w.society.family_start[fam + 1] as usize);
    let mut followers = 0u64;
    for j in a..b {
        let p = &w.society.people;
        if j == i || !p.status[j].present() || p.status[j].member() || p.status[j] == Status::Detained || matches!(p.age[j], AgeClass::Child) {
            continue;
        }
        if rng.random::<f64>() < c.followers_share {
            let armed = p.status[j] == Status::LocalFighter;
            join(w, f, j, armed);
            followers += 1;
        }
    }
    // A commander brings as much of his group, and its heavy weapons.
    if role == 1 && (group as usize) < w.society.groups.len() {
        let n = w.society.people.len();
        for j in 0..n {
            let p = &w.society.people;
            if p.status[j] == Status::LocalFighter && p.group[j] == group && rng.random::<f64>() < c.followers_share {
                join(w, f, j, true);
                followers += 1;
            }
        }
        let g = &mut w.society.groups[group as usize];
        let taken = (f64::from(g.weapons) * c.followers_share).round() as u32;
        g.weapons -= taken.min(g.weapons);
        w.factions[f].weapons += f64::from(taken);
    }
    w.today.strategy.followers[f] += followers;
}

/// Person `i` joins faction `f`: an armed man as a fighter, others as supporters.
pub fn join(w: &mut World, f: usize, i: usize, armed: bool) {
    let p = &mut w.society.people;
    let g = p.group[i];
    if g != NONE_U16
        && let Some(group) = w.society.groups.get_mut(g as usize)
    {
        group.members = group.members.saturating_sub(1);
        if group.commander == i as u32 {
            group.commander = u32::MAX;
        }
    }
    p.group[i] = NONE_U16;
    p.flags[i].clear(Flags::COMMANDER);
    if p.status[i] == Status::LocalFighter {
        w.today.local_fighters_to[f] += 1;
    }
    let tier = if armed && p.fighting_age_man(i) { Status::Fighter } else { Status::Supporter };
    p.assign(i, tier, f as u8);
    p.register(i, f as u8);
    w.today.joins[f] += 1;
}

fn approach_communities(w: &mut World, s: &Scenario, f: usize, rng: &mut Rng) {
    let c = &s.factions[f].campaign;
    let st = &w.factions[f].campaign;
    let mean = c.pledges_per_week / 7.0 * st.strength_weight * (1.0 + st.intelligence);
    let count = if mean > 0.0 { Poisson::new(mean).map(|d| d.sample(rng) as u32).unwrap_or(0) } else { 0 };
    let offer = FactionOffer { protection: s.factions[f].tawba.protection, package: s.factions[f].tawba.package };
    let until = w.day + c.pledge_days.round() as u32;
    for _ in 0..count {
        let Some(i) = super::soft_power::random_local(w, rng).filter(|&i| reaches(w, s, f, i)) else {
            continue;
        };
        let fam = w.society.people.family[i] as usize;
        let (a, b) = (w.society.family_start[fam] as usize, w.society.family_start[fam + 1] as usize);
        // The family weighs as its notable does (else the one approached).
        let head = (a..b).find(|&j| w.society.people.flags[j].has(Flags::NOTABLE) && w.society.people.status[j].present()).unwrap_or(i);
        w.today.strategy.approached[f] += 1;
        let took = rng.random::<f64>() < faction_wins(w, s, f, head, offer);
        w.today.strategy.contested[usize::from(took)] += 1;
        w.today.strategy.contested_by[f][usize::from(took)] += 1;
        if !took {
            continue;
        }
        w.today.strategy.pledges[f] += 1;
        let mut joined = 0u64;
        for j in a..b {
            let p = &w.society.people;
            let eligible = p.status[j].present()
                && !p.status[j].member()
                && p.status[j] != Status::Detained
                && p.age[j] != AgeClass::Child
                && p.origin[j] == Origin::Local;
            if eligible && rng.random::<f64>() < c.pledge_share {
                let armed = p.status[j] == Status::LocalFighter;
                join(w, f, j, armed);
                joined += 1;
            }
            let p = &mut w.society.people;
            if p.status[j].member() && p.faction[j] as usize == f && !p.flags[j].has(Flags::PLEDGED) {
                p.flags[j].set(Flags::PLEDGED);
                w.factions[f].campaign.pledged.push((j as u32, until));
            }
        }
        w.today.strategy.pledged[f] += joined;
        let id = w.society.people.id[head];
        w.event("public_pledge", &s.factions[f].name, Some(id), joined as f64, "");
    }
}

impl CampaignState {
    /// Renumber its people with the columns (`map[old] = new`, `u32::MAX`
    /// for the removed: the dead leave the lists).
    pub fn remap(&mut self, map: &[u32]) {
        let keep = |i: &mut u32| {
            *i = map[*i as usize];
            *i != u32::MAX
        };
        self.refused.retain_mut(keep);
        self.repentants.retain_mut(|r| keep(&mut r.person));
        self.pledged.retain_mut(|(i, _)| keep(i));
    }
}
