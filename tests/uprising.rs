//! The uprising in Atarib (issue #4; docs/model.md, patterns 2, 3 and 4;
//! Haid 2017, ch. 5-6), over 100 replicates of a year from the
//! faction's arrival. Each assertion states its tolerance; differences between
//! scenarios are 99% confidence intervals that must exclude zero.

mod common;

use common::*;
use resist::process::confrontation::Outcome;
use resist::sim::RunOutput;

const SEED: u64 = 2014;
const REPS: u64 = 100;
const DAYS: u32 = 365;

/// Per replicate: (call day, mobilised share by day from the day before the call).
fn mobilisation_series(o: &RunOutput) -> Option<(u32, Vec<f64>)> {
    let day = o.summary.uprising.day?;
    let series = o.records[(day as usize - 1)..(day as usize + 8).min(o.records.len())].iter().map(|r| r.mobilised as f64 / r.present.max(1) as f64).collect();
    Some((day, series))
}

#[test]
fn pattern_2_coercion_raises_grievance_for_months_before_a_trigger_sets_off_the_uprising() {
    let s = scenario("scenarios/atarib.toml");
    let runs = replicates(&s, SEED, REPS, DAYS, |o| {
        let day = o.summary.uprising.day;
        let f = s.faction("isis").unwrap();
        let rise = day.map(|d| o.records[d as usize].grievance[f] - o.records[30].grievance[f]);
        let triggered = o
            .events
            .iter()
            .any(|e| matches!(e.kind, "found_killed" | "arrest_resisted" | "threat_to_storm") && day.is_some_and(|d| e.day <= d && d - e.day <= 7));
        (day, rise, triggered)
    });
    let days: Vec<f64> = runs.iter().filter_map(|r| r.0.map(f64::from)).collect();
    // An uprising within the year in at least 80% of replicates, never in the first two months.
    assert!(days.len() as f64 >= 0.8 * REPS as f64, "uprisings in {} of {REPS} replicates", days.len());
    assert!(days.iter().all(|&d| d >= 60.0), "earliest uprising on day {}", days.iter().cloned().fold(f64::MAX, f64::min));
    // Grievance rose between the first month and the call (99% CI above zero), and a trigger came within a week before it.
    let rises: Vec<f64> = runs.iter().filter_map(|r| r.1).collect();
    assert!(mean_ci(&rises).0 > 0.0, "grievance rise before the call {:?}", mean_ci(&rises));
    assert!(runs.iter().filter(|r| r.0.is_some()).all(|r| r.2), "every call follows a trigger within 7 days");
}

#[test]
fn pattern_2_mobilisation_cascades_from_under_5_percent_to_its_peak_within_days() {
    let s = scenario("scenarios/atarib.toml");
    let series: Vec<(u32, Vec<f64>)> = replicates(&s, SEED, REPS, DAYS, mobilisation_series).into_iter().flatten().collect();
    assert!(series.len() >= 80);
    let mut cascades = 0;
    for (day, v) in &series {
        let before = v[0];
        let peak = v.iter().cloned().fold(0.0, f64::max);
        // When the cascade has done its work: 90% of the peak.
        let peak_at = v.iter().position(|&x| x >= 0.9 * peak).unwrap();
        let jump = v.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        // Under 8% the day before the call (people may demonstrate before it, docs/model.md 7.5);
        // above 20% at a peak, 90% of it reached within 5 days; and a jump of at least 8 points in
        // one day (a cascade, not a drift; 8 rather than 10 since informants' mistrust, 7.5, slows it).
        if before < 0.08 && peak > 0.2 && peak_at <= 5 && jump >= 0.08 {
            cascades += 1;
        } else {
            eprintln!("call on day {day}: {v:?}");
        }
    }
    assert!(cascades as f64 >= 0.9 * series.len() as f64, "cascades in {cascades} of {} uprisings", series.len());
}

#[test]
fn pattern_3_most_local_members_abstain_under_the_amnesty_offer() {
    let s = scenario("scenarios/atarib.toml");
    let rates: Vec<f64> = replicates(&s, SEED, REPS, DAYS, |o| o.summary.uprising.abstention_rate).into_iter().flatten().collect();
    assert!(rates.len() >= 80);
    // Most: the mean abstention rate's 99% CI lies above one half.
    assert!(mean_ci(&rates).0 > 0.5, "abstention rate {:?}", mean_ci(&rates));
}

#[test]
fn pattern_3_the_faction_is_expelled_within_days_in_most_replicates() {
    let s = scenario("scenarios/atarib.toml");
    let runs = replicates(&s, SEED, REPS, DAYS, |o| (o.summary.uprising.outcome, o.summary.uprising.days_to_decision));
    let quick = runs.iter().filter(|r| r.0 == Some(Outcome::Expelled) && r.1.is_some_and(|d| d <= 7)).count();
    // Expelled within a week in at least 75% of all replicates.
    assert!(quick as f64 >= 0.75 * REPS as f64, "expelled within a week in {quick} of {REPS}");
}

#[test]
fn pattern_4_without_the_offer_more_local_members_fight_casualties_rise_and_success_is_slower() {
    let on = scenario("scenarios/atarib.toml");
    let off = scenario("scenarios/atarib-no-amnesty.toml");
    let keep = |o: &RunOutput| {
        let u = &o.summary.uprising;
        let deaths = u.toll.deaths_town + u.toll.deaths_faction_local + u.toll.deaths_faction_foreign + u.toll.deaths_civilian + u.toll.deaths_misidentified;
        let success = u.outcome == Some(Outcome::Expelled);
        (u.local_members_fighting as f64, deaths as f64, u.days_to_decision.map(f64::from), success)
    };
    let (a, b) = (replicates(&on, SEED, REPS, DAYS, keep), replicates(&off, SEED, REPS, DAYS, keep));
    let col = |v: &[(f64, f64, Option<f64>, bool)], k: usize| -> Vec<f64> { v.iter().map(|r| [r.0, r.1][k]).collect() };
    let fighting = diff_ci(&col(&b, 0), &col(&a, 0));
    assert!(fighting.0 > 0.0, "local members fighting, without minus with the offer: {fighting:?}");
    let deaths = diff_ci(&col(&b, 1), &col(&a, 1));
    assert!(deaths.0 > 0.0, "casualties, without minus with the offer: {deaths:?}");
    // Slower or rarer: days to decision longer, or fewer successes (99% CI).
    let days = |v: &[(f64, f64, Option<f64>, bool)]| v.iter().filter_map(|r| r.2).collect::<Vec<f64>>();
    let slower = diff_ci(&days(&b), &days(&a));
    let wins = |v: &[(f64, f64, Option<f64>, bool)]| v.iter().map(|r| f64::from(u8::from(r.3))).collect::<Vec<f64>>();
    let rarer = diff_ci(&wins(&a), &wins(&b));
    assert!(slower.0 > 0.0 || rarer.0 > 0.0, "days to decision (without minus with) {slower:?}; successes (with minus without) {rarer:?}");
}

#[test]
fn a_night_attack_before_the_town_mobilises_wins_the_base_more_often_than_by_day() {
    // The faction attacks on day 90, before any council call (the council is kept from calling).
    let attack = |night: bool| {
        variant("atarib.toml", &format!("[mobilisation]\nanger_threshold = 1.0\n[factions.isis.fighting]\nattack_day = 90\nattack_at_night = {night}\n"))
    };
    let taken = |o: &RunOutput| {
        assert!(o.summary.uprising.by_faction, "the battle is the faction's attack");
        f64::from(u8::from(o.summary.uprising.base_taken))
    };
    let night = replicates(&attack(true), SEED, REPS, 150, taken);
    let day = replicates(&attack(false), SEED, REPS, 150, taken);
    let d = diff_ci(&night, &day);
    assert!(d.0 > 0.0, "base taken at night minus by day: {d:?} (night {:.2}, day {:.2})", mean(&night), mean(&day));
}

/// Pattern 2's ablation twin: without coercion against locals, grievance does
/// not build up and the town is rarely called out.
#[test]
fn pattern_2_ablation_without_coercion_grievance_stays_low_and_uprisings_are_rarer() {
    let on = scenario("scenarios/atarib.toml");
    let off = variant("atarib.toml", "[factions.isis.coercion]\nacts_per_week = 0.0\n");
    let keep = |o: &RunOutput| {
        let f = o.summary.factions.iter().position(|f| f.name == "isis").unwrap();
        (o.records[150].grievance[f], f64::from(u8::from(o.summary.uprising.day.is_some())))
    };
    let (a, b) = (replicates(&on, SEED, REPS, DAYS, keep), replicates(&off, SEED, REPS, DAYS, keep));
    let col = |v: &[(f64, f64)], k: usize| v.iter().map(|r| [r.0, r.1][k]).collect::<Vec<f64>>();
    let grievance = diff_ci(&col(&a, 0), &col(&b, 0));
    assert!(grievance.0 > 0.0, "grievance at day 150, with minus without coercion: {grievance:?}");
    let calls = diff_ci(&col(&a, 1), &col(&b, 1));
    assert!(calls.0 > 0.0, "uprisings, with minus without coercion: {calls:?}");
}

/// Before a call, people demonstrate (a trigger brings out the instigators
/// and their contacts); the call amplifies: the peak after it is several
/// times the street before it.
#[test]
fn pattern_2_people_demonstrate_before_the_call_and_the_call_amplifies() {
    let s = scenario("scenarios/atarib.toml");
    let runs = replicates(&s, SEED, REPS, DAYS, |o| {
        let u = &o.summary.uprising;
        u.day.map(|d| (u.mobilised_at_call as f64 / o.records[d as usize].present.max(1) as f64, u.peak_mobilised_share))
    });
    let runs: Vec<(f64, f64)> = runs.into_iter().flatten().collect();
    let before = runs.iter().filter(|r| r.0 > 0.0).count();
    // Some replicates have people in the street before the call (at least 20%), and the peak is
    // at least three times the street at the call in nine of ten uprisings.
    assert!(before as f64 >= 0.2 * runs.len() as f64, "demonstrations before the call in {before} of {}", runs.len());
    let amplified = runs.iter().filter(|r| r.1 >= 3.0 * r.0).count();
    assert!(amplified as f64 >= 0.9 * runs.len() as f64, "amplified in {amplified} of {}", runs.len());
}

/// Pattern 3's ablation twin: without the family relay the offer reaches
/// fewer members in time, and fewer abstain. The summary reports the
/// abstention of the faction's local fighters apart from all its members.
#[test]
fn pattern_3_ablation_without_the_family_relay_fewer_local_members_abstain() {
    let on = scenario("scenarios/atarib.toml");
    let off = variant("atarib.toml", "[amnesty]\nfamily_relay = 0.0\n");
    let keep = |o: &RunOutput| {
        let u = &o.summary.uprising;
        assert!(u.local_fighter_abstainers <= u.local_fighters_at_call && u.local_fighter_abstainers <= u.local_abstainers);
        (u.abstention_rate, u.fighter_abstention_rate)
    };
    let (a, b) = (replicates(&on, SEED, REPS, DAYS, keep), replicates(&off, SEED, REPS, DAYS, keep));
    let rates = |v: &[(Option<f64>, Option<f64>)]| v.iter().filter_map(|r| r.0).collect::<Vec<f64>>();
    let d = diff_ci(&rates(&a), &rates(&b));
    assert!(d.0 > 0.0, "abstention with minus without the family relay: {d:?}");
    let fighters: Vec<f64> = a.iter().filter_map(|r| r.1).collect();
    assert!(fighters.len() >= 50, "local fighters at the call in {} replicates", fighters.len());
    assert!(mean_ci(&fighters).0 > 0.3, "local fighters' abstention {:?}", mean_ci(&fighters));
}

/// Over 700 days at the defaults the rival's (al-Nusra-like) purse holds: its
/// peak-to-trough loss is no budget artefact, and no departure reason takes
/// over 60% of departures.
#[test]
fn over_700_days_the_rivals_purse_holds_and_no_departure_reason_dominates() {
    let s = scenario("scenarios/atarib.toml");
    let runs = replicates(&s, SEED, REPS, 700, |o| {
        let f = o.summary.factions.iter().position(|f| f.name == "nusra").unwrap();
        let present: Vec<&resist::record::DayRecord> = o.records.iter().filter(|r| r.members[f][0] + r.members[f][1] > 0).collect();
        let empty = present.iter().filter(|r| r.budget[f] <= 0.0).count() as f64 / present.len().max(1) as f64;
        (empty, o.summary.leaves_by_reason)
    });
    let empty: Vec<f64> = runs.iter().map(|r| r.0).collect();
    assert!(mean_ci(&empty).1 < 0.1, "share of the rival's days with an empty purse: {:?}", mean_ci(&empty));
    let mut reasons = [0u64; 5];
    for r in &runs {
        for (total, k) in reasons.iter_mut().zip(&r.1) {
            *total += k;
        }
    }
    let total: u64 = reasons.iter().sum();
    assert!(total > 0);
    assert!(reasons.iter().all(|&k| (k as f64) <= 0.6 * total as f64), "departures by reason {reasons:?}");
    assert!((reasons[4] as f64) < 0.05 * total as f64, "unpaid departures {reasons:?}");
}

/// Joins to the de-escalatory faction come mostly from money, services,
/// ideology and kin, not fear: protection is a minority motive overall.
#[test]
fn joins_for_protection_are_a_minority_at_the_defaults() {
    let s = scenario("scenarios/atarib.toml");
    let motives = replicates(&s, SEED, REPS, 700, |o| o.summary.joins_by_motive);
    let sum = |k: usize| motives.iter().map(|m| m[k]).sum::<u64>() as f64;
    let total: f64 = (0..4).map(sum).sum();
    assert!(sum(1) < 0.3 * total, "joins for protection {} of {total}", sum(1));
}

#[test]
fn the_expulsion_varies_across_replicates_in_its_day_length_and_toll() {
    // Issue 13: the outsider's expulsion comes out of who is angry, who
    // mobilises and who fights, so its day, its length and its toll vary from
    // replicate to replicate. Its outcome does not at the defaults: the town
    // outnumbers the faction many times over once it rises (Haid 2017, ch. 5:
    // "the decision to fight ISIS was unanimous", the centre fell the next day;
    // docs/model.md, 7.7).
    let s = scenario("scenarios/atarib.toml");
    let keep = |o: &RunOutput| {
        let u = &o.summary.uprising;
        let deaths = u.toll.deaths_town + u.toll.deaths_faction_local + u.toll.deaths_faction_foreign + u.toll.deaths_civilian + u.toll.deaths_misidentified;
        (u.day.map(f64::from), u.days_to_decision.map(f64::from), deaths as f64)
    };
    let runs = replicates(&s, SEED, REPS, DAYS, keep);
    let distinct = |v: Vec<f64>| {
        let mut v: Vec<u64> = v.iter().map(|&x| x as u64).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    let days: Vec<f64> = runs.iter().filter_map(|r| r.0).collect();
    assert!(days.len() >= 90, "an uprising in {} of {REPS}", days.len());
    assert!(distinct(days.clone()) >= 20 && sd(&days) >= 10.0, "uprising days: {} distinct, sd {:.1}", distinct(days.clone()), sd(&days));
    let lengths: Vec<f64> = runs.iter().filter_map(|r| r.1).collect();
    assert!(distinct(lengths.clone()) >= 2, "days to the decision never vary: {lengths:?}");
    let tolls: Vec<f64> = runs.iter().map(|r| r.2).collect();
    assert!(distinct(tolls.clone()) >= 10 && sd(&tolls) > 1.0, "deaths: {} distinct, sd {:.2}", distinct(tolls.clone()), sd(&tolls));
}

#[test]
fn pattern_2_ablation_without_word_of_mouth_the_rise_is_a_slower_drift() {
    // The twin of the cascade: the call travels by word of mouth from those in
    // the street to their contacts (docs/model.md, 7.5). Without it
    // (`word_of_mouth = 0`) only the broadcasts' daily reach carries the call,
    // and the same people rise more slowly: the largest one-day jump is
    // smaller and 90% of the peak comes later (99% intervals).
    let shape = |v: &[f64]| {
        let peak = v.iter().cloned().fold(0.0, f64::max);
        let at = v.iter().position(|&x| x >= 0.9 * peak).unwrap_or(v.len()) as f64;
        let jump = v.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
        (jump, at)
    };
    let with: Vec<(f64, f64)> =
        replicates(&scenario("scenarios/atarib.toml"), SEED, REPS, DAYS, mobilisation_series).into_iter().flatten().map(|s| shape(&s.1)).collect();
    let without: Vec<(f64, f64)> = replicates(&variant("atarib.toml", "[mobilisation]\nword_of_mouth = 0.0\n"), SEED, REPS, DAYS, mobilisation_series)
        .into_iter()
        .flatten()
        .map(|s| shape(&s.1))
        .collect();
    assert!(with.len() >= 80 && without.len() >= 50, "uprisings: {} with, {} without", with.len(), without.len());
    let col = |v: &[(f64, f64)], k: usize| v.iter().map(|r| if k == 0 { r.0 } else { r.1 }).collect::<Vec<f64>>();
    let jump = diff_ci(&col(&with, 0), &col(&without, 0));
    assert!(jump.0 > 0.0, "largest one-day jump, with minus without word of mouth: {jump:?}");
    let later = diff_ci(&col(&without, 1), &col(&with, 1));
    assert!(later.0 > 0.0, "days to 90% of the peak, without minus with word of mouth: {later:?}");
}
