//! Prisoners and detention (step 9 of the day): who holds captured fighters
//! and prosecuted ex-members, and what becomes of them (Haid 2017,
//! ch. 6; Iraq—and the West—Haven't Finished the Job (2022)).
//!
//! Policies: `hand_over` (Atarib: a local group hands its prisoners to a
//! larger group, which releases them after a while: "the detainees were then
//! handed over to al-Nusra and later released; some then joined al-Nusra,
//! while others rejoined ISIS in Raqqa"), `release` (after a while), `hold`
//! (indefinitely, up to a capacity), and `due_process` (a trial: the
//! convicted serve a sentence, the others are released under a plan with
//! follow-up). Without due process, detention hardens: detainees' commitment
//! grows and their families are ostracised; prison breaks free everyone held
//! (docs/model.md, pattern 10). A released prisoner rejoins the faction elsewhere,
//! or switches to a rival faction in town, with a probability that depends on
//! whether a plan exists; the others return home.

use rand::RngExt;

use crate::rng::{Rng, Stream};
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{Flags, NONE_U8, Origin, Status};
use crate::world::World;

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
    pub rejoin_without_plan: Option<f64>,
    pub rejoin_with_plan: Option<f64>,
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
    pub rejoin_without_plan: f64,
    pub rejoin_with_plan: f64,
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
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        Ok(Params {
            policy,
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
            rejoin_without_plan: r(
                "rejoin_without_plan",
                raw.rejoin_without_plan,
                Real {
                    default: 0.7,
                    doc: "Probability that a prisoner released without a plan rejoins the faction or a rival.",
                    source: "Haid 2017, ch. 6 ('some then joined al-Nusra, while others rejoined ISIS in Raqqa'); value: assumption",
                    ..SHARE
                },
            )?,
            rejoin_with_plan: r(
                "rejoin_with_plan",
                raw.rejoin_with_plan,
                Real {
                    default: 0.1,
                    doc: "The same after due process, with vetting and follow-up.",
                    source: "Saudi rehabilitation programme figures (10% re-engaged in 2010, 12% in 2014); US Director of National Intelligence 2016 (5.6% of Guantanamo releases after January 2009 confirmed re-engaged, after better vetting)",
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

/// One prisoner held by the community.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prisoner {
    pub person: u32,
    pub faction: u8,
    pub since: u32,
    pub handed_over: bool,
    pub release_day: u32,
    pub convicted: bool,
}

/// Totals over the run (summary.json).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct PrisonerCounts {
    pub admitted: u64,
    pub handed_over: u64,
    pub released: u64,
    pub rejoined: u64,
    pub switched: u64,
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
    w.prisoners.push(Prisoner { person: i as u32, faction: f as u8, since: s_day, handed_over: false, release_day: u32::MAX, convicted: false });
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
        let fam: Vec<u32> = w.society.network.family.row(i).to_vec();
        for j in fam {
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
        // Held without due process, detainees harden.
        if pr.policy != Policy::DueProcess {
            w.society.people.commitment.raise(i, pr.hardening as f32);
        }
        if w.day < pz.release_day {
            k += 1;
            continue;
        }
        match pr.policy {
            Policy::HandOver if !pz.handed_over => {
                w.prisoners[k].handed_over = true;
                w.prisoners[k].release_day = w.day + exp_days(&mut rng, pr.release_days_mean);
                w.prisoner_counts.handed_over += 1;
                let id = w.society.people.id[i];
                w.event("prisoner_handed_over", "community", Some(id), 1.0, "");
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
}

/// A prisoner leaves custody: rejoins the faction elsewhere, switches to a
/// rival in town, or goes home.
fn leave_prison(w: &mut World, s: &Scenario, pz: Prisoner, escaped: bool, rng: &mut Rng) {
    let pr = &s.prisoners;
    let i = pz.person as usize;
    if w.society.people.status[i] != Status::Detained {
        return;
    }
    let f = pz.faction as usize;
    let plan = pr.policy == Policy::DueProcess;
    let p_rejoin = if escaped {
        1.0
    } else if plan {
        pr.rejoin_with_plan
    } else {
        pr.rejoin_without_plan
    };
    let rival = (0..w.factions.len()).find(|&g| g != f && w.factions[g].arrived);
    let (u, v) = (rng.random::<f64>(), rng.random::<f64>());
    let local = w.society.people.origin[i] == Origin::Local;
    let id = w.society.people.id[i];
    let p = &mut w.society.people;
    if u < p_rejoin {
        if let (Some(g), true) = (rival, local && v < 0.5) {
            p.assign(i, Status::Fighter, g as u8);
            p.register(i, g as u8);
            w.prisoner_counts.switched += 1;
        } else {
            p.assign(i, Status::Elsewhere, f as u8);
            w.prisoner_counts.rejoined += 1;
        }
    } else if local {
        p.assign(i, Status::ExMember, f as u8);
    } else {
        p.assign(i, Status::Elsewhere, NONE_U8);
    }
    w.event(if escaped { "prisoner_escaped" } else { "prisoner_released" }, "community", Some(id), 1.0, "");
}
