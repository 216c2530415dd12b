//! Aftermath (step 8 of the day): reconciliation after a faction is expelled,
//! reprisals, and the day-by-day pathways of its ex-members
//! (Haid 2017, ch. 6; ICSR 2015;
//! Marsden 2015).
//!
//! - Reconciliation, on the day the faction is expelled: its local ex-members
//!   (those who abstained, left, or were members when it fell) surrender their
//!   weapons and declare their dissociation; the armed are banned from
//!   carrying weapons for a while; those against whom evidence exists are
//!   prosecuted (detained by the community); no collective punishment, unless
//!   the scenario imposes it (a counterfactual: the families share the stigma).
//! - Reprisals and looting ("bounty hunting", ch. 6): for some days armed
//!   people raid members' homes; each raid stigmatises and frightens the
//!   ex-member and their family and sometimes kills; masked people are killed
//!   misidentified; some looters are identified and detained. Enforced
//!   protection cuts the rate.
//! - Pathways: each day an ex-member of the cohort may reintegrate, rejoin the
//!   faction elsewhere (leave town), switch to a rival faction in town, join a
//!   local group that admits ex-members, or be detained. The hazards follow
//!   stigma, need and remaining commitment, and the levers: follow-up
//!   (monitoring and livelihood support: less need, faster fading stigma,
//!   easier reintegration), protection, local groups admitting ex-members, and
//!   enforcement that blocks recruitment into other radical groups ("there were
//!   no enforcement mechanisms to ensure that former ISIS members did not join
//!   other radical groups ... many instead joined al-Nusra", ch. 6).

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use crate::rng::{Rng, Stream};
use crate::scenario::{Check, Int, Real, Scenario, ScenarioError};
use crate::society::people::{Flags, NONE_U8, Origin, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub disarm: Option<bool>,
    pub weapons_ban_days: Option<i64>,
    pub evidence_share: Option<f64>,
    pub collective_punishment: Option<bool>,
    pub stigma_initial: Option<f64>,
    pub reprisal_days: Option<i64>,
    pub raids_per_day: Option<f64>,
    pub raid_kill_share: Option<f64>,
    pub raid_stigma: Option<f64>,
    pub misidentified_per_raid: Option<f64>,
    pub looter_detained_share: Option<f64>,
    pub protection: Option<f64>,
    pub followup: Option<f64>,
    pub enforcement: Option<f64>,
    pub groups_admit: Option<bool>,
    pub reintegrate_rate: Option<f64>,
    pub rejoin_rate: Option<f64>,
    pub switch_rate: Option<f64>,
    pub admit_rate: Option<f64>,
    pub detain_rate: Option<f64>,
    pub stigmatised_level: Option<f64>,
}

/// The reconciliation policy and ex-members' pathways (`[aftermath]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub disarm: bool,
    pub weapons_ban_days: u32,
    pub evidence_share: f64,
    pub collective_punishment: bool,
    pub stigma_initial: f64,
    pub reprisal_days: u32,
    pub raids_per_day: f64,
    pub raid_kill_share: f64,
    pub raid_stigma: f64,
    pub misidentified_per_raid: f64,
    pub looter_detained_share: f64,
    pub protection: f64,
    pub followup: f64,
    pub enforcement: f64,
    pub groups_admit: bool,
    pub reintegrate_rate: f64,
    pub rejoin_rate: f64,
    pub switch_rate: f64,
    pub admit_rate: f64,
    pub detain_rate: f64,
    pub stigmatised_level: f64,
}

const SHARE: Real = Real::SHARE;
const HAZARD: Real = Real { default: 0.0, min: 0.0, max: 1.0, unit: "per day", doc: "", source: "assumption" };
const CH6: &str = "Haid 2017, ch. 6";

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let disarm = c.flag("disarm", raw.disarm, true, "Ex-members surrender their weapons and declare their dissociation.", CH6);
        let weapons_ban_days = c.int(
            "weapons_ban_days",
            raw.weapons_ban_days,
            Int {
                default: 180,
                min: 0,
                max: 100_000,
                unit: "days",
                doc: "How long armed ex-members are banned from carrying weapons in public.",
                source: "Haid 2017, ch. 6 ('temporarily banned'); length: assumption",
            },
        )? as u32;
        let collective_punishment = c.flag(
            "collective_punishment",
            raw.collective_punishment,
            false,
            "Counterfactual: ex-members' families are punished too (they share the stigma, and reprisals double).",
            "Haid 2017, ch. 6 (there were none in Atarib); Iraq—and the West—Haven't Finished the Job (2022) ('ISIS families' ostracised)",
        );
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let evidence_share = r(
            "evidence_share",
            raw.evidence_share,
            Real {
                default: 0.1,
                doc: "Share of local ex-members against whom evidence exists (they are prosecuted: detained).",
                source: "Haid 2017, ch. 6 (prosecution where charges were pending or evidence sufficed); value: assumption",
                ..SHARE
            },
        )?;
        let stigma_initial = r(
            "stigma_initial",
            raw.stigma_initial,
            Real {
                default: 0.25,
                doc: "Stigma an ex-member carries at reconciliation, before the anger of their own circle (plus half the mean grievance of their family and contacts toward the faction).",
                source: "Haid 2017, ch. 6 ('discriminatory behaviour and social stigma'); value: assumption",
                ..SHARE
            },
        )?;
        let raids_per_day = r(
            "raids_per_day",
            raw.raids_per_day,
            Real {
                default: 3.0,
                min: 0.0,
                max: 10_000.0,
                unit: "raids per day",
                doc: "Raids on members' homes each day of the reprisal period, before protection.",
                source: "Haid 2017, ch. 6 ('bounty hunting'); value: assumption",
            },
        )?;
        let raid_kill_share =
            r("raid_kill_share", raw.raid_kill_share, Real { default: 0.05, doc: "Share of raids in which the ex-member is killed.", ..SHARE })?;
        let raid_stigma = r(
            "raid_stigma",
            raw.raid_stigma,
            Real { default: 0.3, doc: "Share of the way to full stigma a raid moves the ex-member (and their household).", ..SHARE },
        )?;
        let misidentified_per_raid = r(
            "misidentified_per_raid",
            raw.misidentified_per_raid,
            Real {
                default: 0.05,
                min: 0.0,
                max: 10.0,
                unit: "people per raid",
                doc: "People killed misidentified (masked) per raid.",
                source: "Haid 2017, ch. 6 ('mistaken for ISIS militants because they were masked'); value: assumption",
            },
        )?;
        let looter_detained_share = r(
            "looter_detained_share",
            raw.looter_detained_share,
            Real {
                default: 0.1,
                doc: "Share of raids whose looters are identified and detained.",
                source: "Haid 2017, ch. 6 ('the majority remained unidentified'); value: assumption",
                ..SHARE
            },
        )?;
        let protection = r(
            "protection",
            raw.protection,
            Real {
                default: 0.0,
                doc: "Enforcement of protection guarantees for ex-members: cuts raids and their stigma, and the push to leave.",
                source: "Haid 2017, ch. 6 ('no clear protection measures'); a policy lever (docs/model.md, 7.8)",
                ..SHARE
            },
        )?;
        let followup = r(
            "followup",
            raw.followup,
            Real {
                default: 0.0,
                doc: "Intensity of follow-up (monitoring and livelihood support): lowers need, speeds stigma's fading, eases reintegration.",
                source: "Haid 2017, ch. 6 ('no defined follow-up mechanism'); re-engagement of 2-5% with follow-up and support, 20-30% without (Renard 2020, Belgium; Saudi rehabilitation programme figures; US Director of National Intelligence 2016)",
                ..SHARE
            },
        )?;
        let enforcement = r(
            "enforcement",
            raw.enforcement,
            Real {
                default: 0.0,
                doc: "Enforcement that blocks ex-members' recruitment into other radical groups.",
                source: "Haid 2017, ch. 6 ('no enforcement mechanisms')",
                ..SHARE
            },
        )?;
        let reprisal_days = c.int(
            "reprisal_days",
            raw.reprisal_days,
            Int {
                default: 14,
                min: 0,
                max: 10_000,
                unit: "days",
                doc: "Length of the period of chaos after the fight in which reprisals happen.",
                source: "Haid 2017, ch. 6 ('this period of chaos and confusion'); length: assumption",
            },
        )? as u32;
        let groups_admit = c.flag(
            "groups_admit",
            raw.groups_admit,
            false,
            "Whether local armed groups admit ex-members.",
            "Haid 2017, ch. 6 ('most local armed groups refused to allow ex-ISIS fighters to join')",
        );
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let reintegrate_rate = r(
            "reintegrate_rate",
            raw.reintegrate_rate,
            Real { default: 0.01, doc: "Base daily hazard of reintegrating, times (1 - stigma), raised by follow-up and protection.", ..HAZARD },
        )?;
        let rejoin_rate = r(
            "rejoin_rate",
            raw.rejoin_rate,
            Real {
                default: 0.0012,
                doc: "Base daily hazard of rejoining the faction elsewhere, times (stigma + need + commitment), cut by enforcement and follow-up.",
                source: "Haid 2017, ch. 6 ('some ex-fighters ... rejoined ISIS elsewhere'); 20-30% re-engagement without support (Saudi rehabilitation programme figures; US Director of National Intelligence 2016); value: assumption",
                ..HAZARD
            },
        )?;
        let switch_rate = r(
            "switch_rate",
            raw.switch_rate,
            Real {
                default: 0.0018,
                doc: "Base daily hazard of switching to a rival faction in town, times (stigma + need + commitment), more when groups refuse ex-members, cut by enforcement.",
                source: "Haid 2017, ch. 6 ('many instead joined al-Nusra'); value: assumption",
                ..HAZARD
            },
        )?;
        let admit_rate = r(
            "admit_rate",
            raw.admit_rate,
            Real {
                default: 0.005,
                doc: "Daily hazard that a man of fighting age joins a local group that admits ex-members (counted as reintegrated).",
                ..HAZARD
            },
        )?;
        let detain_rate =
            r("detain_rate", raw.detain_rate, Real { default: 0.0005, doc: "Daily hazard that an ex-member is detained by the authorities.", ..HAZARD })?;
        let stigmatised_level =
            r("stigmatised_level", raw.stigmatised_level, Real { default: 0.5, doc: "Stigma at or above which an ex-member counts as stigmatised.", ..SHARE })?;
        Ok(Params {
            disarm,
            weapons_ban_days,
            evidence_share,
            collective_punishment,
            stigma_initial,
            reprisal_days,
            raids_per_day,
            raid_kill_share,
            raid_stigma,
            misidentified_per_raid,
            looter_detained_share,
            protection,
            followup,
            enforcement,
            groups_admit,
            reintegrate_rate,
            rejoin_rate,
            switch_rate,
            admit_rate,
            detain_rate,
            stigmatised_level,
        })
    }
}

/// Pathways of the ex-members' cohort, in summary.json's order.
pub const PATHWAYS: [&str; 4] = ["reintegrated", "rejoined", "switched", "detained"];

/// A reconciliation under way (after a faction's expulsion).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reconciliation {
    pub faction: u8,
    pub day: u32,
    /// The cohort: local ex-members at reconciliation (indices; renumbered at compaction).
    pub cohort: Vec<u32>,
    pub prosecuted: u64,
    pub raids: u64,
    pub raid_deaths: u64,
    pub misidentified: u64,
    pub looters_detained: u64,
    /// Pathways within 365 days: reintegrated, rejoined, switched, detained.
    pub pathways: [u64; 4],
    pub stigmatised: u64,
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
    let cohort: Vec<u32> =
        (0..p.len()).filter(|&i| p.status[i] == Status::ExMember && p.faction[i] as usize == f && p.origin[i] == Origin::Local).map(|i| i as u32).collect();
    let mut prosecuted = 0;
    for &i in &cohort {
        let i = i as usize;
        let p = &mut w.society.people;
        p.flags[i].set(Flags::EX_COHORT);
        if a.disarm && p.flags[i].has(Flags::ARMED) {
            p.flags[i].clear(Flags::ARMED);
            p.flags[i].set(Flags::WEAPONS_BANNED);
        }
        // Discrimination follows the anger of one's own circle toward the faction.
        let circle: Vec<u32> = w.society.network.family.row(i).iter().chain(w.society.network.peers.row(i)).copied().collect();
        let p = &mut w.society.people;
        let anger = circle.iter().map(|&j| f64::from(p.grievance[f].get(j as usize))).sum::<f64>() / circle.len().max(1) as f64;
        p.stigma.set(i, (a.stigma_initial + 0.5 * anger) as f32);
        if a.collective_punishment {
            let fam: Vec<u32> = w.society.network.family.row(i).to_vec();
            for j in fam {
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
    let n = cohort.len() as f64;
    w.reconciliations.push(Reconciliation { faction: f as u8, day: w.day, cohort, prosecuted, ..Reconciliation::default() });
    w.event("reconciliation", "community", None, n, &s.factions[f].name);
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
        let v = cohort[rng.random_range(0..cohort.len())] as usize;
        let (u_kill, u_loot, u_mis) = (rng.random::<f64>(), rng.random::<f64>(), rng.random::<f64>());
        if w.society.people.status[v] != Status::ExMember {
            continue;
        }
        w.reconciliations[k].raids += 1;
        let id = w.society.people.id[v];
        let p = &mut w.society.people;
        p.stigma.raise(v, a.raid_stigma as f32);
        p.fear.raise(v, 0.3);
        for h in w.society.network.family.row(v) {
            p.stigma.raise(*h as usize, (a.raid_stigma * 0.5) as f32);
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
    let within_year = w.day - w.reconciliations[k].day <= 365;
    // A rival faction in town that takes ex-members (any other faction present).
    let rival = (0..w.factions.len()).find(|&g| g != f && w.factions[g].arrived);
    let groups = w.society.groups.len();
    // By index: the cohort is read while people change (no copy of it a day).
    for idx in 0..w.reconciliations[k].cohort.len() {
        let i = w.reconciliations[k].cohort[idx] as usize;
        let u: [f64; 2] = [rng.random(), rng.random()];
        let p = &w.society.people;
        // The weapons ban lifts after its days.
        if p.flags[i].has(Flags::WEAPONS_BANNED) && w.day - w.reconciliations[k].day >= a.weapons_ban_days {
            w.society.people.flags[i].clear(Flags::WEAPONS_BANNED);
        }
        let p = &w.society.people;
        if p.status[i] != Status::ExMember || p.faction[i] as usize != f {
            continue;
        }
        let stigma = f64::from(p.stigma.get(i));
        if stigma >= a.stigmatised_level && !p.flags[i].has(Flags::STIGMATISED) {
            w.society.people.flags[i].set(Flags::STIGMATISED);
            if within_year {
                w.reconciliations[k].stigmatised += 1;
            }
        }
        let p = &w.society.people;
        // Follow-up's livelihood support lifts part of need.
        let need = f64::from(super::environment::need(w, i)) * (1.0 - 0.5 * a.followup);
        let commitment = f64::from(p.commitment.get(i));
        let push = stigma * (1.0 - a.protection) + need + commitment;
        let can_fight = w.society.people.fighting_age_man(i);
        let hazards = [
            a.reintegrate_rate * (1.0 - stigma) * (1.0 + a.followup + 0.5 * a.protection),
            a.rejoin_rate * push * (1.0 - 0.7 * a.enforcement) * (1.0 - 0.5 * a.followup),
            if rival.is_some() {
                a.switch_rate * push * (1.0 - 0.7 * a.enforcement) * (1.0 - 0.5 * a.followup) * if a.groups_admit { 0.5 } else { 1.0 }
            } else {
                0.0
            },
            a.detain_rate,
            if a.groups_admit && can_fight && groups > 0 { a.admit_rate } else { 0.0 },
        ];
        let total: f64 = hazards.iter().sum();
        if u[0] >= 1.0 - (-total).exp() {
            continue;
        }
        let which = crate::rng::weighted(&hazards, u[1]);
        let p = &mut w.society.people;
        let pathway = match which {
            0 => {
                p.assign(i, Status::Civilian, NONE_U8);
                0
            }
            1 => {
                p.assign(i, Status::Elsewhere, f as u8);
                1
            }
            2 => {
                let g = rival.expect("switching needs a rival") as u8;
                let tier = if can_fight { Status::Fighter } else { Status::Supporter };
                p.assign(i, tier, g);
                p.register(i, g);
                w.today.joins[g as usize] += 1;
                2
            }
            3 => {
                p.assign(i, Status::Detained, f as u8);
                super::prisoners::admit(w, i, f, false);
                3
            }
            _ => {
                let g = rng.random_range(0..groups) as u16;
                let p = &mut w.society.people;
                p.assign(i, Status::LocalFighter, NONE_U8);
                p.group[i] = g;
                w.society.groups[g as usize].members += 1;
                0
            }
        };
        // Out of the cohort: they choose for themselves again (affiliation).
        w.society.people.flags[i].clear(Flags::EX_COHORT);
        w.today.pathways[pathway] += 1;
        if within_year {
            w.reconciliations[k].pathways[pathway] += 1;
        }
    }
    // Follow-up makes stigma fade faster for the cohort (on top of relaxation).
    if a.followup > 0.0 {
        let (people, cohort) = (&mut w.society.people, &w.reconciliations[k].cohort);
        for &i in cohort {
            let v = people.stigma.get(i as usize);
            people.stigma.set(i as usize, v * (1.0 - 0.01 * a.followup as f32));
        }
    }
}
