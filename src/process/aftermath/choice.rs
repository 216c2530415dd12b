//! An ex-member's choice: what someone who has left a faction, or leaves
//! custody, weighs when deciding where to go (docs/model.md, 7.8). The same
//! choice serves the reconciliation's cohort (each day) and released or
//! escaped prisoners (at the gate, then each day; 7.9).
//!
//! A multinomial logit over the options open to them, from their own state
//! and their contacts: going home (acceptance by their circle, a livelihood,
//! ties outside the faction), rejoining their faction elsewhere (commitment,
//! need, stigma and reprisal fear, ties to its members), switching to another
//! faction in town whose recruiters reach them (the same pushes, its pay
//! against their need, its members among their contacts, its outreach), or
//! joining a local group where groups admit ex-members. Follow-up, protection
//! and enforcement act only through channels: less need, more ties outside,
//! less stigma and fear, moves toward recruiters detected, factions unable to
//! reach or admit ex-members.

use super::params::Params;
use crate::process::environment;
use crate::scenario::Scenario;
use crate::society::people::{Flags, MAX_FACTIONS, NONE_U8, Origin, Status};
use crate::world::World;

/// The follow-up channels reaching one person, each an intensity in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Channels {
    pub livelihood: f32,
    pub monitoring: f32,
    pub mentoring: f32,
}

impl Channels {
    /// The aftermath's follow-up, as its parameters set it.
    pub fn of(a: &Params) -> Channels {
        Channels { livelihood: a.livelihood as f32, monitoring: a.monitoring as f32, mentoring: a.mentoring as f32 }
    }

    /// Each channel at least `k` (a plan's own follow-up).
    pub fn at_least(self, k: f64) -> Channels {
        let k = k as f32;
        Channels { livelihood: self.livelihood.max(k), monitoring: self.monitoring.max(k), mentoring: self.mentoring.max(k) }
    }

    pub fn scaled(self, k: f64) -> Channels {
        let k = k as f32;
        Channels { livelihood: self.livelihood * k, monitoring: self.monitoring * k, mentoring: self.mentoring * k }
    }
}

/// Where an ex-member goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pathway {
    /// Stays an ex-member, undecided.
    Stay,
    /// Stays: a move toward recruiters detected by monitoring and stopped by
    /// an intervention.
    Stopped,
    /// Goes home: a civilian (a foreigner leaves town with no faction).
    Home,
    /// Rejoins their faction elsewhere.
    Rejoin,
    /// Joins another faction in town.
    Switch(u8),
    /// Joins a local armed group that admits ex-members.
    Group,
    /// Arrested: a move toward recruiters detected, or evidence.
    Detained,
}

impl Pathway {
    /// The index among `PATHWAYS` (joining a group counts as reintegrated).
    pub fn index(self) -> Option<usize> {
        match self {
            Pathway::Stay | Pathway::Stopped => None,
            Pathway::Home | Pathway::Group => Some(0),
            Pathway::Rejoin => Some(1),
            Pathway::Switch(_) => Some(2),
            Pathway::Detained => Some(3),
        }
    }
}

/// Uniforms one choice uses: the option, enforcement, detection without
/// monitoring, detection by monitoring, arrest or intervention. The caller
/// draws them whatever happens so the stream does not shift with state.
pub const DRAWS: usize = 5;

/// Whether faction `g` is in town and open to recruits: arrived, not
/// expelled, and the town not up in arms against it.
pub fn in_town(w: &World, g: usize) -> bool {
    let st = &w.factions[g];
    st.arrived && st.expelled_day.is_none() && !(w.uprising.against == Some(g as u8) && w.uprising.call_day.is_some() && !w.uprising.over)
}

/// Person `i`'s choice, an ex-member of faction `f` reached by follow-up
/// `ch`. At the gate (leaving custody) staying is not an option, nor is a
/// local group. Reads the person's contacts once (family and peer rows).
pub fn choose(w: &World, s: &Scenario, i: usize, f: usize, ch: &Channels, at_gate: bool, u: &[f64; DRAWS]) -> Pathway {
    let a = &s.aftermath;
    let p = &w.society.people;
    let need = f64::from(environment::need(w, i)) * (1.0 - f64::from(ch.livelihood) * a.livelihood_relief);
    let (stigma, fear, commitment) = (f64::from(p.stigma.get(i)), f64::from(p.fear.get(i)), f64::from(p.commitment.get(i)));
    let (fam, peers) = (w.society.network.family.row(i), w.society.network.peers.row(i));
    let (mut outside, mut to_f, mut fighters) = (0u32, 0u32, 0u32);
    let mut to_g = [0u32; MAX_FACTIONS];
    for &j in fam.iter().chain(peers) {
        let (sj, fj) = crate::society::people::unpack(p.standing[j as usize]);
        let fj = fj as usize;
        match sj {
            Status::Civilian | Status::Activist => outside += 1,
            Status::LocalFighter => {
                outside += 1;
                fighters += 1;
            }
            Status::Supporter | Status::Fighter | Status::Informant if fj == f => to_f += 1,
            Status::Supporter | Status::Fighter | Status::Informant if fj < MAX_FACTIONS => to_g[fj] += 1,
            // Fled fighters and those who rejoined: ties to the faction elsewhere.
            Status::Elsewhere if fj == f => to_f += 1,
            _ => {}
        }
    }
    let mentors = f64::from(ch.mentoring) * a.mentor_ties;
    let k = ((fam.len() + peers.len()) as f64 + mentors).max(1.0);
    let push = a.commitment_weight * commitment + a.stigma_weight * stigma + a.fear_weight * fear;
    let mut options = [(Pathway::Stay, 0.0f64); 3 + MAX_FACTIONS];
    let mut n = 0;
    if !at_gate {
        options[n] = (Pathway::Stay, 0.0);
        n += 1;
    }
    let home = a.home_constant
        + a.acceptance_weight * (1.0 - stigma)
        + a.livelihood_weight * (1.0 - need)
        + a.outside_ties_weight * (f64::from(outside) + mentors) / k;
    options[n] = (Pathway::Home, home);
    n += 1;
    options[n] = (Pathway::Rejoin, a.rejoin_constant + push + a.need_weight * need + a.ties_weight * f64::from(to_f) / k);
    n += 1;
    // Other factions' recruiters reach those among whose contacts they have
    // members, or whom their outreach has reached; enforcement keeps them out.
    if u[1] >= a.enforcement {
        for (g, &ties) in to_g.iter().enumerate().take(w.factions.len()) {
            let x = f64::from(p.exposure[g].get(i));
            if g == f || !in_town(w, g) || (ties == 0 && x < a.reach_exposure) {
                continue;
            }
            let pay = s.factions[g].pay_per_month / 115.0 * (1.0 - w.factions[g].unpaid);
            let v = a.switch_constant + push + a.need_weight * need * pay + a.ties_weight * f64::from(ties) / k + a.exposure_weight * x;
            options[n] = (Pathway::Switch(g as u8), v);
            n += 1;
        }
    }
    if !at_gate && a.groups_admit && !w.society.groups.is_empty() && p.fighting_age_man(i) && p.may_bear_arms(i) {
        // An armed group offers what a faction does to the needy and the
        // frightened: pay and protection, with the pull of one's contacts in it.
        let v = a.group_constant + a.need_weight * need + a.fear_weight * fear + a.ties_weight * f64::from(fighters) / k;
        options[n] = (Pathway::Group, v);
        n += 1;
    }
    let top = options[..n].iter().map(|o| o.1).fold(f64::MIN, f64::max);
    let mut weights = [0.0f64; 3 + MAX_FACTIONS];
    for (wt, o) in weights.iter_mut().zip(&options[..n]) {
        *wt = (o.1 - top).exp();
    }
    let chosen = options[crate::rng::weighted(&weights[..n], u[0])].0;
    // A move toward a faction's recruiters may be detected.
    if matches!(chosen, Pathway::Rejoin | Pathway::Switch(_)) {
        if u[2] < a.base_detection {
            return Pathway::Detained;
        }
        if u[3] < f64::from(ch.monitoring) * a.monitor_detection {
            return if u[4] < a.monitor_arrest_share { Pathway::Detained } else { Pathway::Stopped };
        }
    }
    chosen
}

/// Put person `i`, an ex-member (or prisoner) of faction `f`, on pathway
/// `pw`; `u` picks a group. The detained are admitted to custody.
pub fn enter(w: &mut World, i: usize, f: usize, pw: Pathway, u: f64) {
    let local = w.society.people.origin[i] == Origin::Local;
    let p = &mut w.society.people;
    match pw {
        Pathway::Stay | Pathway::Stopped => return,
        Pathway::Home if local => p.assign(i, Status::Civilian, NONE_U8),
        Pathway::Home => p.assign(i, Status::Elsewhere, NONE_U8),
        Pathway::Rejoin => p.assign(i, Status::Elsewhere, f as u8),
        Pathway::Switch(g) => {
            // The disarmed cannot be taken on as fighters until the ban lapses.
            let tier = if p.fighting_age_man(i) && p.may_bear_arms(i) { Status::Fighter } else { Status::Supporter };
            p.assign(i, tier, g);
            p.register(i, g);
            w.today.joins[g as usize] += 1;
        }
        Pathway::Group => {
            // One of the groups of the town they are in (each town has its own).
            let place = p.place[i];
            let mine: Vec<usize> = (0..w.society.groups.len()).filter(|&g| w.society.groups[g].town == place).collect();
            let pool = if mine.is_empty() { (0..w.society.groups.len()).collect() } else { mine };
            let g = pool[((u * pool.len() as f64) as usize).min(pool.len() - 1)];
            p.assign(i, Status::LocalFighter, NONE_U8);
            p.group[i] = g as u16;
            w.society.groups[g].members += 1;
        }
        Pathway::Detained => {
            p.assign(i, Status::Detained, f as u8);
            crate::process::prisoners::admit(w, i, f, false);
        }
    }
    // Out of the followed: they choose for themselves again (affiliation).
    w.society.people.flags[i].clear(Flags::EX_COHORT);
}

/// The daily channels on a followed ex-member's state: mentoring fades
/// stigma, protection's reassurance fades fear.
pub fn tend(w: &mut World, a: &Params, i: usize, ch: &Channels) {
    let p = &mut w.society.people;
    if ch.mentoring > 0.0 {
        let v = p.stigma.get(i);
        p.stigma.set(i, v * (1.0 - ch.mentoring * a.mentor_destigma as f32));
    }
    if a.protection > 0.0 {
        let v = p.fear.get(i);
        p.fear.set(i, v * (1.0 - (a.protection * a.reassurance) as f32));
    }
}
