//! Aftermath (step 8 of the day): reconciliation after a faction is expelled,
//! reprisals, and the choices of its ex-members (Haid 2017, ch. 6; ICSR 2015;
//! Marsden 2015; Humphreys and Weinstein 2007; Daly, Paler and Samii 2020).
//!
//! - Reconciliation, on the day after the faction is expelled: its local
//!   ex-members (those who abstained, left, or were members when it fell)
//!   surrender their weapons and declare their dissociation; the armed are
//!   banned from bearing arms for a while; those against whom evidence exists
//!   are prosecuted (detained by the community); no collective punishment,
//!   unless the scenario imposes it (a counterfactual).
//! - Reprisals and looting ("bounty hunting", ch. 6): for some days armed
//!   people raid members' homes; each raid stigmatises and frightens the
//!   ex-member and their family and sometimes kills; masked people are killed
//!   misidentified; some looters are identified and detained. Protection
//!   stops a share of the raids.
//! - Choices (`choice`): each day an ex-member of the cohort may weigh going
//!   home, rejoining the faction elsewhere, switching to another faction in
//!   town whose recruiters reach them, or joining a local group that admits
//!   ex-members; moves toward recruiters may be detected (arrest or an
//!   intervention), and evidence may come to light. The levers act through
//!   channels on the state this choice reads: livelihood support (need),
//!   monitoring (detection), mentoring (stigma, ties outside the faction),
//!   protection (raids, fear), enforcement (other factions cannot reach or
//!   admit ex-members).

mod choice;
mod params;

pub use choice::{Channels, DRAWS, Pathway, choose, enter, in_town, tend};
pub use params::{Params, Raw, SHORTHANDS};

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use crate::rng::{Rng, Stream};
use crate::scenario::Scenario;
use crate::society::people::{Flags, NONE_U8, Origin, Status};
use crate::world::World;

/// Pathways of the ex-members' cohort, in summary.json's order.
pub const PATHWAYS: [&str; 4] = ["reintegrated", "rejoined", "switched", "detained"];

/// A member of a reconciliation's cohort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// Index of the person (renumbered at compaction).
    pub person: u32,
    /// Whether they have taken a pathway (the cohort follows them no more;
    /// released from custody, they are followed as released prisoners, 7.9).
    pub out: bool,
}

/// A reconciliation under way (after a faction's expulsion).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reconciliation {
    pub faction: u8,
    pub day: u32,
    /// The cohort: local ex-members at reconciliation (the dead are dropped at compaction).
    pub cohort: Vec<Member>,
    /// The cohort's size at reconciliation.
    pub size: u64,
    pub prosecuted: u64,
    pub raids: u64,
    pub raid_deaths: u64,
    pub misidentified: u64,
    pub looters_detained: u64,
    /// Pathways within 365 days: reintegrated, rejoined, switched, detained.
    pub pathways: [u64; 4],
    /// Moves toward recruiters stopped by an intervention within 365 days.
    pub interventions: u64,
    pub stigmatised: u64,
}

/// Whether faction `f`'s weapons ban still holds today.
pub fn ban_holds(w: &World, s: &Scenario, f: usize) -> bool {
    s.aftermath.disarm && w.reconciliations.iter().any(|r| r.faction as usize == f && w.day - r.day < s.aftermath.weapons_ban_days)
}

pub fn step(w: &mut World, s: &Scenario) {
    let mut rng = w.key.stream(Stream::Aftermath, w.day, 0);
    // The day after a faction is expelled (the fight decided, the town stood down): reconcile.
    for f in 0..w.factions.len() {
        if w.factions[f].expelled_day.is_some_and(|d| d + 1 == w.day) && !w.reconciliations.iter().any(|r| r.faction as usize == f) {
            reconcile(w, s, f, &mut rng);
        }
    }
    for k in 0..w.reconciliations.len() {
        let since = w.day - w.reconciliations[k].day;
        if since < s.aftermath.reprisal_days {
            reprisals(w, s, k, &mut rng);
        }
        pathways(w, s, k, &mut rng);
    }
}

fn reconcile(w: &mut World, s: &Scenario, f: usize, rng: &mut Rng) {
    let a = &s.aftermath;
    let p = &w.society.people;
    let cohort: Vec<Member> = (0..p.len())
        .filter(|&i| p.status[i] == Status::ExMember && p.faction[i] as usize == f && p.origin[i] == Origin::Local)
        .map(|i| Member { person: i as u32, out: false })
        .collect();
    let mut prosecuted = 0;
    for m in &cohort {
        let i = m.person as usize;
        let p = &mut w.society.people;
        p.flags[i].set(Flags::EX_COHORT);
        if a.disarm && p.flags[i].has(Flags::ARMED) {
            p.flags[i].clear(Flags::ARMED);
            p.flags[i].set(Flags::WEAPONS_BANNED);
        }
        // Discrimination follows the anger of one's own circle toward the faction.
        let (fam, peers) = (w.society.network.family.row(i), w.society.network.peers.row(i));
        let anger = fam.iter().chain(peers).map(|&j| f64::from(p.grievance[f].get(j as usize))).sum::<f64>() / (fam.len() + peers.len()).max(1) as f64;
        p.stigma.set(i, (a.stigma_initial + a.circle_stigma * anger).min(1.0) as f32);
        if a.collective_punishment {
            for &j in w.society.network.family.row(i) {
                w.society.people.stigma.raise(j as usize, a.stigma_initial as f32);
            }
        }
        if rng.random::<f64>() < a.evidence_share {
            let p = &mut w.society.people;
            p.flags[i].set(Flags::PROSECUTABLE);
            p.assign(i, Status::Detained, f as u8);
            super::prisoners::admit(w, i, f, true);
            prosecuted += 1;
        }
    }
    let n = cohort.len();
    // The prosecuted have left the cohort's choices for custody.
    let cohort = cohort.into_iter().map(|m| Member { out: w.society.people.status[m.person as usize] != Status::ExMember, ..m }).collect();
    w.reconciliations.push(Reconciliation { faction: f as u8, day: w.day, cohort, size: n as u64, prosecuted, ..Reconciliation::default() });
    w.event("reconciliation", "community", None, n as f64, &s.factions[f].name);
}

fn reprisals(w: &mut World, s: &Scenario, k: usize, rng: &mut Rng) {
    let a = &s.aftermath;
    let punish = if a.collective_punishment { 2.0 } else { 1.0 };
    let rate = a.raids_per_day * (1.0 - a.protection) * punish;
    let raids = if rate > 0.0 { Poisson::new(rate).map(|d| d.sample(rng) as u32).unwrap_or(0) } else { 0 };
    let f = w.reconciliations[k].faction as usize;
    for _ in 0..raids {
        // The home of a member: an ex-member of the cohort still in town.
        let cohort = &w.reconciliations[k].cohort;
        if cohort.is_empty() {
            break;
        }
        let v = cohort[rng.random_range(0..cohort.len())].person as usize;
        let (u_kill, u_loot, u_mis) = (rng.random::<f64>(), rng.random::<f64>(), rng.random::<f64>());
        if w.society.people.status[v] != Status::ExMember {
            continue;
        }
        w.reconciliations[k].raids += 1;
        let id = w.society.people.id[v];
        let p = &mut w.society.people;
        p.stigma.raise(v, a.raid_stigma as f32);
        p.fear.raise(v, a.raid_fear as f32);
        for h in w.society.network.family.row(v) {
            p.stigma.raise(*h as usize, a.raid_family_stigma as f32);
        }
        w.event("reprisal_raid", "community", Some(id), 1.0, &s.factions[f].name);
        if u_kill < a.raid_kill_share {
            w.society.people.assign(v, Status::Dead, f as u8);
            w.reconciliations[k].raid_deaths += 1;
            w.event("reprisal_killed", "community", Some(id), 1.0, "");
        }
        // Masked people are killed misidentified (at most one a raid).
        if (u_mis < a.misidentified_per_raid.fract() || a.misidentified_per_raid >= 1.0)
            && let Some(m) = super::soft_power::random_local(w, rng).filter(|&m| w.society.people.status[m] == Status::Civilian)
        {
            let mid = w.society.people.id[m];
            w.society.people.assign(m, Status::Dead, NONE_U8);
            w.reconciliations[k].misidentified += 1;
            w.today.deaths_misidentified += 1;
            w.event("misidentified_killed", "community", Some(mid), 1.0, "masked");
        }
        if u_loot < a.looter_detained_share {
            w.reconciliations[k].looters_detained += 1;
            w.event("looter_detained", "community", None, 1.0, "");
        }
    }
}

fn pathways(w: &mut World, s: &Scenario, k: usize, rng: &mut Rng) {
    let a = &s.aftermath;
    let f = w.reconciliations[k].faction as usize;
    let since = w.day - w.reconciliations[k].day;
    let within_year = since <= 365;
    let ch = Channels::of(a);
    // By index: the cohort is read while people change (no copy of it a day).
    for idx in 0..w.reconciliations[k].cohort.len() {
        let m = w.reconciliations[k].cohort[idx];
        let i = m.person as usize;
        let u: [f64; DRAWS + 3] = rng.random();
        // The weapons ban lapses after its days, whatever the person does now.
        if since >= a.weapons_ban_days && w.society.people.flags[i].has(Flags::WEAPONS_BANNED) {
            w.society.people.flags[i].clear(Flags::WEAPONS_BANNED);
        }
        let p = &w.society.people;
        if m.out || p.status[i] != Status::ExMember || p.faction[i] as usize != f {
            continue;
        }
        let stigma = f64::from(p.stigma.get(i));
        if stigma >= a.stigmatised_level && !p.flags[i].has(Flags::STIGMATISED) {
            w.society.people.flags[i].set(Flags::STIGMATISED);
            if within_year {
                w.reconciliations[k].stigmatised += 1;
            }
        }
        tend(w, a, i, &ch);
        let draws: [f64; DRAWS] = u[2..2 + DRAWS].try_into().expect("DRAWS uniforms");
        let pathway = if u[0] < a.evidence_rate {
            Pathway::Detained
        } else if u[1] < a.decide_rate {
            let pw = choose(w, s, i, f, &ch, false, &draws);
            if within_year && pw == Pathway::Stopped {
                w.reconciliations[k].interventions += 1;
            }
            pw
        } else {
            Pathway::Stay
        };
        let Some(index) = pathway.index() else { continue };
        enter(w, i, f, pathway, u[2 + DRAWS]);
        w.reconciliations[k].cohort[idx].out = true;
        w.today.pathways[index] += 1;
        if within_year {
            w.reconciliations[k].pathways[index] += 1;
        }
    }
}
