//! The aftermath in Atarib, 2014-2015 (issue #5; docs/model.md, patterns 5 to 7;
//! patterns 8 to 10 are in tests/rival.rs;
//! Haid 2017, ch. 6-7), over 100 replicates of the full 700 days.
//! Each assertion states its tolerance; differences between scenarios are 99%
//! confidence intervals that must exclude zero.

mod common;

use common::*;
use resist::sim::{RunOutput, Summary};

const SEED: u64 = 2015;
const REPS: u64 = 100;
const DAYS: u32 = 700;

fn summaries(scenario: &str) -> Vec<Summary> {
    let s = common::scenario(scenario);
    replicates(&s, SEED, REPS, DAYS, |o: &RunOutput| o.summary.clone()).into_iter().filter(|s| s.aftermath.cohort > 0).collect()
}

/// Share of the cohort that rejoined elsewhere or switched to the rival within 365 days.
fn reengaged(s: &Summary) -> f64 {
    (s.aftermath.rejoined + s.aftermath.switched) as f64 / s.aftermath.cohort as f64
}

#[test]
fn pattern_5_without_follow_up_or_protection_many_are_stigmatised_and_some_rejoin_or_switch_more_when_groups_refuse() {
    let base = summaries("scenarios/atarib.toml");
    assert!(base.len() >= 80, "reconciliations in {} of {REPS} replicates", base.len());
    // A substantial share stigmatised: at least 5% of the cohort on average (99% CI).
    let stigmatised: Vec<f64> = base.iter().map(|s| s.aftermath.stigmatised as f64 / s.aftermath.cohort as f64).collect();
    assert!(mean_ci(&stigmatised).0 > 0.05, "stigmatised share {:?}", mean_ci(&stigmatised));
    // Some rejoin or switch: between 5% and 60% of the cohort within a year.
    let r: Vec<f64> = base.iter().map(reengaged).collect();
    assert!(mean(&r) > 0.05 && mean(&r) < 0.6, "rejoined or switched: {:.3}", mean(&r));
    assert!(base.iter().map(|s| s.aftermath.reprisal_raids).sum::<u64>() > 0, "reprisals happen without protection");
    // More switching when local groups refuse ex-members than when they admit them.
    let admit = summaries("scenarios/atarib-groups-admit.toml");
    let switched = |v: &[Summary]| v.iter().map(|s| s.aftermath.switched as f64 / s.aftermath.cohort as f64).collect::<Vec<f64>>();
    let d = diff_ci(&switched(&base), &switched(&admit));
    assert!(d.0 > 0.0, "switching, groups refusing minus admitting: {d:?}");
}

#[test]
fn pattern_6_follow_up_protection_and_enforcement_cut_rejoining_and_switching() {
    let base: Vec<f64> = summaries("scenarios/atarib.toml").iter().map(reengaged).collect();
    let with: Vec<f64> = summaries("scenarios/atarib-followup.toml").iter().map(reengaged).collect();
    // By a clear margin: the 99% CI of the fall lies above 5 percentage points.
    let d = diff_ci(&base, &with);
    assert!(d.0 > 0.05, "re-engagement without minus with follow-up: {d:?} ({:.3} vs {:.3})", mean(&base), mean(&with));
}

#[test]
fn pattern_7_prisoners_handed_over_without_a_plan_mostly_rejoin() {
    let share = |v: &[Summary]| -> Vec<f64> {
        v.iter().filter(|s| s.prisoners.released > 0).map(|s| (s.prisoners.rejoined + s.prisoners.switched) as f64 / s.prisoners.released as f64).collect()
    };
    let handed = share(&summaries("scenarios/atarib.toml"));
    assert!(handed.len() >= 80);
    // Mostly: over half of those released rejoin or switch (99% CI).
    assert!(mean_ci(&handed).0 > 0.5, "released prisoners who rejoin, no plan: {:?}", mean_ci(&handed));
    let planned = share(&summaries("scenarios/atarib-prisoner-plan.toml"));
    let d = diff_ci(&handed, &planned);
    assert!(d.0 > 0.0, "rejoining after release, no plan minus plan: {d:?}");
}
