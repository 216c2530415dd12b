//! Prisoners and detention (step 9 of the day): who holds captured fighters
//! and prosecuted ex-members, and what becomes of them (Haid 2017, ch. 6;
//! Iraq—and the West—Haven't Finished the Job (2022); US Director of National
//! Intelligence 2016).
//!
//! Policies: `hand_over` (Atarib: a local group hands its prisoners to a
//! larger group, which releases them after a while: "the detainees were then
//! handed over to al-Nusra and later released; some then joined al-Nusra,
//! while others rejoined ISIS in Raqqa"), `release` (after a while), `hold`
//! (indefinitely, up to a capacity), and `due_process` (a trial: the
//! convicted serve a sentence, the others are released with follow-up).
//! Without due process, detention hardens commitment; a faction-friendly
//! holder also exposes its prisoners to its members and recruiters, and
//! releases them into its reach with no follow-up. Detainees' families are
//! ostracised; prison breaks free everyone held (docs/model.md, pattern 10).
//! Whoever leaves custody chooses at the gate, from their own state, between
//! going home, rejoining their faction elsewhere and joining a faction whose
//! recruiters reach them (the aftermath's choice, 7.8); those who go home are
//! followed for a year and choose again each day.

use rand::RngExt;

use super::aftermath::{self, Channels, DRAWS, Pathway};
use crate::rng::{Rng, Stream};
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{Flags, NONE_U8, Origin, Status};
use crate::world::World;

/// Who takes prisoners at a hand-over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// Another faction in town (the faction-friendly holder of ch. 6: al-Nusra).
    RivalFaction,
    /// Another local group: the community keeps them.
    LocalGroup,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    HandOver,
    Release,
    Hold,
    DueProcess,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub policy: Option<String>,
    pub capacity: Option<f64>,
    pub handover_days: Option<f64>,
    pub release_days_mean: Option<f64>,
    pub trial_days_mean: Option<f64>,
    pub conviction_share: Option<f64>,
    pub sentence_days: Option<f64>,
    pub hand_over_to: Option<String>,
    pub holder_exposure: Option<f64>,
    pub plan_followup: Option<f64>,
    pub followup_released: Option<f64>,
    pub hardening: Option<f64>,
    pub family_stigma: Option<f64>,
    pub prison_break_rate: Option<f64>,
}

/// Prisoner policy (`[prisoners]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub policy: Policy,
    pub capacity: f64,
    pub handover_days: f64,
    pub release_days_mean: f64,
    pub trial_days_mean: f64,
    pub conviction_share: f64,
    pub sentence_days: f64,
    pub hand_over_to: Holder,
    pub holder_exposure: f64,
    pub plan_followup: f64,
    pub followup_released: f64,
    pub hardening: f64,
    pub family_stigma: f64,
    pub prison_break_rate: f64,
}

const SHARE: Real = Real::SHARE;
const DAYS: Real = Real { default: 0.0, min: 1.0, max: 100_000.0, unit: "days", doc: "", source: "assumption" };

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let policy = c.choice(
            "policy",
            raw.policy.as_deref(),
            &[("hand_over", Policy::HandOver), ("release", Policy::Release), ("hold", Policy::Hold), ("due_process", Policy::DueProcess)],
            "hand_over",
            "What happens to prisoners: handed to another group that releases them, released, held indefinitely, or tried (the plan).",
            "Haid 2017, ch. 6 ('there was no clear plan'); Iraq—and the West—Haven't Finished the Job (2022)",
        )?;
        let hand_over_to = c.choice(
            "hand_over_to",
            raw.hand_over_to.as_deref(),
            &[("rival_faction", Holder::RivalFaction), ("local_group", Holder::LocalGroup)],
            "rival_faction",
            "Who takes the prisoners at a hand-over: another faction in town (the first in name order; if none, the community keeps them) or another local group.",
            "Haid 2017, ch. 6 ('the detainees were then handed over to al-Nusra and later released')",
        )?;
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        Ok(Params {
            policy,
            hand_over_to,
            capacity: r(
                "capacity",
                raw.capacity,
                Real {
                    default: 1000.0,
                    min: 0.0,
                    max: 1e8,
                    unit: "prisoners",
                    doc: "Most prisoners held at once; beyond it the longest held are released.",
                    ..DAYS
                },
            )?,
            handover_days: r(
                "handover_days",
                raw.handover_days,
                Real {
                    default: 14.0,
                    doc: "Days before prisoners are handed over (policy hand_over).",
                    source: "Haid 2017, ch. 6 (Liwaa Amjad al-Islam, then Ahrar al-Sham); value: assumption",
                    ..DAYS
                },
            )?,
            release_days_mean: r(
                "release_days_mean",
                raw.release_days_mean,
                Real {
                    default: 90.0,
                    doc: "Mean days until release after handover, or after capture (policy release).",
                    source: "Haid 2017, ch. 6 ('later released'); value: assumption",
                    ..DAYS
                },
            )?,
            trial_days_mean: r("trial_days_mean", raw.trial_days_mean, Real { default: 60.0, doc: "Mean days until trial (policy due_process).", ..DAYS })?,
            conviction_share: r(
                "conviction_share",
                raw.conviction_share,
                Real { default: 0.3, doc: "Share of tried prisoners convicted (the prosecutable always are).", ..SHARE },
            )?,
            sentence_days: r("sentence_days", raw.sentence_days, Real { default: 1095.0, doc: "A sentence's length.", ..DAYS })?,
            holder_exposure: r(
                "holder_exposure",
                raw.holder_exposure,
                Real {
                    default: 0.03,
                    unit: "per day",
                    doc: "Share of the way to full exposure to a holding faction (its members, guards and preachers) a prisoner moves each day it holds them.",
                    source: "Haid 2017, ch. 6 (handed over to al-Nusra; 'some then joined al-Nusra'); value: assumption",
                    ..SHARE
                },
            )?,
            plan_followup: r(
                "plan_followup",
                raw.plan_followup,
                Real {
                    default: 0.8,
                    doc: "Follow-up (each channel: livelihood, monitoring, mentoring) that due process gives those it releases, at least.",
                    source: "US Director of National Intelligence 2016 (5.6% of Guantanamo releases after January 2009 confirmed re-engaged, 21.2% before, with better vetting and follow-up); Saudi rehabilitation programme figures; value: assumption",
                    ..SHARE
                },
            )?,
            followup_released: r(
                "followup_released",
                raw.followup_released,
                Real {
                    default: 1.0,
                    doc: "Share of the aftermath's follow-up (its three channels) that reaches prisoners the community releases; a faction holder and an escape give none.",
                    source: "a policy lever (docs/model.md, 7.9)",
                    ..SHARE
                },
            )?,
            hardening: r(
                "hardening",
                raw.hardening,
                Real {
                    default: 0.005,
                    unit: "per day",
                    doc: "Share of the way to full commitment a detainee moves each day held without due process.",
                    source: "Iraq—and the West—Haven't Finished the Job (2022) (detainees 'pledged to restore the caliphate'); value: assumption",
                    ..SHARE
                },
            )?,
            family_stigma: r(
                "family_stigma",
                raw.family_stigma,
                Real {
                    default: 0.2,
                    doc: "Share of the way to full stigma a detainee's family moves at detention.",
                    source: "Iraq—and the West—Haven't Finished the Job (2022) ('ISIS families' ostracised by their neighbours); value: assumption",
                    ..SHARE
                },
            )?,
            prison_break_rate: r(
                "prison_break_rate",
                raw.prison_break_rate,
                Real {
                    default: 0.0,
                    unit: "per day",
                    doc: "Daily probability of a prison break that frees everyone held.",
                    source: "Iraq—and the West—Haven't Finished the Job (2022) (prison uprisings, e.g. Hasakeh); docs/model.md, pattern 10",
                    ..SHARE
                },
            )?,
        })
    }
}

/// One prisoner in custody.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prisoner {
    pub person: u32,
    pub faction: u8,
    pub since: u32,
    pub handed_over: bool,
    pub release_day: u32,
    pub convicted: bool,
    /// The faction holding them after a hand-over (`NONE_U8`: the community).
    pub holder: u8,
}

/// A released or escaped prisoner gone home, followed for a year.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Released {
    pub person: u32,
    pub faction: u8,
    pub day: u32,
    /// The follow-up reaching them.
    pub followup: Channels,
    /// Whether they have taken a pathway (followed no more).
    pub out: bool,
}

/// Totals over the run (summary.json).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct PrisonerCounts {
    pub admitted: u64,
    pub handed_over: u64,
    /// Handed over to a faction (the rest of the handed over stay with the community).
    pub handed_to_faction: u64,
    pub released: u64,
    /// Of the released and escaped: at the gate or within a year of it.
    pub rejoined: u64,
    pub switched: u64,
    /// Went home at the gate and neither re-engaged nor were arrested again within the year.
    pub went_home: u64,
    /// Arrested again (at the gate or within a year).
    pub redetained: u64,
    pub escaped: u64,
    pub held_peak: u64,
}

fn exp_days(rng: &mut Rng, mean: f64) -> u32 {
    1 + (-rng.random::<f64>().max(1e-12).ln() * mean) as u32
}

/// Take person `i` (already set detained) into the community's custody.
pub fn admit(w: &mut World, i: usize, f: usize, prosecuted: bool) {
    let s_day = w.day;
    let p = &mut w.society.people;
    if prosecuted {
        p.flags[i].set(Flags::PROSECUTABLE);
    }
    w.prisoners.push(Prisoner {
        person: i as u32,
        faction: f as u8,
        since: s_day,
        handed_over: false,
        release_day: u32::MAX,
        convicted: false,
        holder: NONE_U8,
    });
    w.prisoner_counts.admitted += 1;
}

pub fn step(w: &mut World, s: &Scenario) {
    let pr = &s.prisoners;
    let mut rng = w.key.stream(Stream::Prisoners, w.day, 0);
    // Newly admitted: schedule their fate and ostracise their families.
    for k in 0..w.prisoners.len() {
        if w.prisoners[k].since != w.day {
            continue;
        }
        let i = w.prisoners[k].person as usize;
        for &j in w.society.network.family.row(i) {
            w.society.people.stigma.raise(j as usize, pr.family_stigma as f32);
        }
        let days = match pr.policy {
            Policy::HandOver => pr.handover_days.round() as u32,
            Policy::Release => exp_days(&mut rng, pr.release_days_mean),
            Policy::Hold => u32::MAX / 2,
            Policy::DueProcess => exp_days(&mut rng, pr.trial_days_mean),
        };
        w.prisoners[k].release_day = w.day.saturating_add(days);
    }
    // Prison breaks free everyone (pattern 10).
    if pr.prison_break_rate > 0.0 && !w.prisoners.is_empty() && rng.random::<f64>() < pr.prison_break_rate {
        let all = std::mem::take(&mut w.prisoners);
        w.event("prison_break", "community", None, all.len() as f64, "");
        for pz in all {
            w.prisoner_counts.escaped += 1;
            leave_prison(w, s, pz, true, &mut rng);
        }
    }
    // Capacity: the longest held go first.
    while w.prisoners.len() as f64 > pr.capacity {
        let pz = w.prisoners.remove(0);
        w.prisoner_counts.released += 1;
        leave_prison(w, s, pz, false, &mut rng);
    }
    let mut k = 0;
    while k < w.prisoners.len() {
        let pz = w.prisoners[k];
        let i = pz.person as usize;
        // Held without due process, detainees harden; a faction holding them
        // also exposes them to its members and recruiters.
        if pr.policy != Policy::DueProcess {
            w.society.people.commitment.raise(i, pr.hardening as f32);
        }
        if (pz.holder as usize) < w.factions.len() {
            w.society.people.exposure[pz.holder as usize].raise(i, pr.holder_exposure as f32);
        }
        if w.day < pz.release_day {
            k += 1;
            continue;
        }
        match pr.policy {
            Policy::HandOver if !pz.handed_over => {
                let holder = match pr.hand_over_to {
                    Holder::RivalFaction => (0..w.factions.len()).find(|&g| g != pz.faction as usize && aftermath::in_town(w, g)),
                    Holder::LocalGroup => None,
                };
                w.prisoners[k].handed_over = true;
                w.prisoners[k].holder = holder.map_or(NONE_U8, |g| g as u8);
                w.prisoners[k].release_day = w.day + exp_days(&mut rng, pr.release_days_mean);
                w.prisoner_counts.handed_over += 1;
                w.prisoner_counts.handed_to_faction += u64::from(holder.is_some());
                let id = w.society.people.id[i];
                let to = holder.map_or("community", |g| s.factions[g].name.as_str());
                w.event("prisoner_handed_over", "community", Some(id), 1.0, to);
                k += 1;
                continue;
            }
            Policy::DueProcess if !pz.convicted => {
                let convicted = w.society.people.flags[i].has(Flags::PROSECUTABLE) || rng.random::<f64>() < pr.conviction_share;
                if convicted {
                    w.prisoners[k].convicted = true;
                    w.prisoners[k].release_day = w.day + pr.sentence_days as u32;
                    k += 1;
                    continue;
                }
            }
            _ => {}
        }
        let pz = w.prisoners.remove(k);
        w.prisoner_counts.released += 1;
        leave_prison(w, s, pz, false, &mut rng);
    }
    w.prisoner_counts.held_peak = w.prisoner_counts.held_peak.max(w.prisoners.len() as u64);
    follow_released(w, s, &mut rng);
}

/// The follow-up reaching someone who leaves custody: none after an escape or
/// from a faction holder; otherwise the aftermath's, as far as
/// `followup_released` carries it, and at least the plan's after due process.
fn followup(s: &Scenario, pz: &Prisoner, escaped: bool) -> Channels {
    let pr = &s.prisoners;
    if escaped || pz.holder != NONE_U8 {
        return Channels::default();
    }
    let ch = Channels::of(&s.aftermath).scaled(pr.followup_released);
    if pr.policy == Policy::DueProcess { ch.at_least(pr.plan_followup) } else { ch }
}

/// A prisoner leaves custody and chooses at the gate: home, their faction
/// elsewhere, or a faction whose recruiters reach them (7.8's choice).
fn leave_prison(w: &mut World, s: &Scenario, pz: Prisoner, escaped: bool, rng: &mut Rng) {
    let u: [f64; DRAWS + 1] = rng.random();
    let i = pz.person as usize;
    if w.society.people.status[i] != Status::Detained {
        return;
    }
    let f = pz.faction as usize;
    let ch = followup(s, &pz, escaped);
    let id = w.society.people.id[i];
    w.event(if escaped { "prisoner_escaped" } else { "prisoner_released" }, "community", Some(id), 1.0, "");
    let local = w.society.people.origin[i] == Origin::Local;
    // Out of custody as an ex-member of their faction, then they choose.
    let p = &mut w.society.people;
    p.assign(i, Status::ExMember, f as u8);
    if aftermath::ban_holds(w, s, f) && w.society.people.flags[i].has(Flags::ARMED) {
        let p = &mut w.society.people;
        p.flags[i].clear(Flags::ARMED);
        p.flags[i].set(Flags::WEAPONS_BANNED);
    }
    let draws: [f64; DRAWS] = u[..DRAWS].try_into().expect("DRAWS uniforms");
    let pathway = aftermath::choose(w, s, i, f, &ch, true, &draws);
    count(w, pathway);
    match pathway {
        Pathway::Home if local => {
            // Home as an ex-member, followed for a year (not by step 4).
            w.society.people.flags[i].set(Flags::EX_COHORT);
            w.released.push(Released { person: i as u32, faction: f as u8, day: w.day, followup: ch, out: false });
        }
        // A detected move stopped at the gate: home, followed.
        Pathway::Stopped if local => {
            w.society.people.flags[i].set(Flags::EX_COHORT);
            w.released.push(Released { person: i as u32, faction: f as u8, day: w.day, followup: ch, out: false });
        }
        Pathway::Stopped => aftermath::enter(w, i, f, Pathway::Home, u[DRAWS]),
        pw => aftermath::enter(w, i, f, pw, u[DRAWS]),
    }
}

fn count(w: &mut World, pathway: Pathway) {
    let c = &mut w.prisoner_counts;
    match pathway {
        Pathway::Home | Pathway::Stopped => c.went_home += 1,
        Pathway::Rejoin => c.rejoined += 1,
        Pathway::Switch(_) => c.switched += 1,
        Pathway::Detained => c.redetained += 1,
        Pathway::Stay | Pathway::Group => {}
    }
}

/// The released gone home choose each day for a year, like the cohort (7.8).
/// An entry is kept while its year or its weapons ban lasts.
fn follow_released(w: &mut World, s: &Scenario, rng: &mut Rng) {
    let a = &s.aftermath;
    let mut keep = 0;
    for k in 0..w.released.len() {
        let mut r = w.released[k];
        let i = r.person as usize;
        let f = r.faction as usize;
        let u: [f64; DRAWS + 3] = rng.random();
        let banned = w.society.people.flags[i].has(Flags::WEAPONS_BANNED);
        if banned && !aftermath::ban_holds(w, s, f) {
            w.society.people.flags[i].clear(Flags::WEAPONS_BANNED);
        }
        let year = w.day <= r.day + 365;
        if !(year || banned && aftermath::ban_holds(w, s, f)) {
            // A year on: an ordinary ex-member, who reconsiders in step 4.
            if !r.out && w.society.people.status[i] == Status::ExMember {
                w.society.people.flags[i].clear(Flags::EX_COHORT);
            }
            continue;
        }
        let p = &w.society.people;
        if year && !r.out && p.status[i] == Status::ExMember && p.faction[i] as usize == f {
            aftermath::tend(w, a, i, &r.followup);
            let draws: [f64; DRAWS] = u[2..2 + DRAWS].try_into().expect("DRAWS uniforms");
            let pathway = if u[0] < a.evidence_rate {
                Pathway::Detained
            } else if u[1] < a.decide_rate {
                aftermath::choose(w, s, i, f, &r.followup, false, &draws)
            } else {
                Pathway::Stay
            };
            if pathway.index().is_some() {
                // Going home again is not counted: they went home at the gate.
                if !matches!(pathway, Pathway::Home | Pathway::Group) {
                    count(w, pathway);
                    w.prisoner_counts.went_home -= 1;
                }
                aftermath::enter(w, i, f, pathway, u[2 + DRAWS]);
                r.out = true;
            }
        } else {
            if !year && !r.out && p.status[i] == Status::ExMember {
                w.society.people.flags[i].clear(Flags::EX_COHORT);
            }
            r.out = true;
        }
        w.released[keep] = r;
        keep += 1;
    }
    w.released.truncate(keep);
}
