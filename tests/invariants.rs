//! Conservation over random small scenarios: head counts add up every day,
//! the dead never decrease, no count is negative, every share and mean
//! attitude lies in [0, 1], the incremental tally agrees with a recount, and
//! every summary rate is a share of the people it counts. Each scenario
//! changes a handful of parameters of the shipped Atarib scenario, drawn
//! anywhere in their documented ranges (ends included), in a small town.
#![allow(clippy::disallowed_methods)]

mod common;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use resist::invariants::{check_day, check_summary, head_count};
use resist::rng::RunKey;
use resist::scenario::{Scenario, reference};
use resist::sim::Simulation;
use std::path::Path;

/// Keys the draw leaves alone: identity, the run's length and size (set
/// below), and the other model's.
fn drawable(key: &str) -> bool {
    !(matches!(key, "name" | "description" | "model" | "seed" | "days" | "population.people")
        || key.starts_with("epstein.")
        // The age shares must add up to 1: one alone cannot move.
        || key.starts_with("population.share_")
        || key.ends_with(".label")
        || key.ends_with("wakes_when_expelled"))
}

/// A value for a parameter of `kind` allowed `allowed`: an end of the range one
/// time in five, else uniform, or log-uniform over wide positive ranges.
fn draw(kind: &str, allowed: &str, rng: &mut ChaCha8Rng) -> Option<String> {
    match kind {
        "boolean" => Some(rng.random::<bool>().to_string()),
        "choice" => {
            let options: Vec<&str> = allowed.split(", ").collect();
            Some(format!("\"{}\"", options[rng.random_range(0..options.len())]))
        }
        "real" | "integer" => {
            let (lo, hi) = allowed.split_once(" to ")?;
            let (lo, hi): (f64, f64) = (lo.parse().ok()?, hi.parse().ok()?);
            let x = if rng.random::<f64>() < 0.2 {
                if rng.random::<bool>() { lo } else { hi }
            } else if lo >= 0.0 && hi > 100.0 * lo.max(1.0) {
                let a = lo.max(1e-3).ln();
                (a + rng.random::<f64>() * (hi.ln() - a)).exp()
            } else {
                lo + rng.random::<f64>() * (hi - lo)
            };
            Some(if kind == "integer" { format!("{}", x.round().clamp(lo, hi) as i64) } else { format!("{x:?}") })
        }
        _ => None,
    }
}

/// One random variant of Atarib as the text of a scenario file.
fn variant_text(params: &[(String, String, String)], rng: &mut ChaCha8Rng) -> String {
    let people = [200, 500, 1000, 3000][rng.random_range(0..4)];
    // Families, kin ties and armed groups scaled to the town.
    let mut text = format!(
        "days = {}\npopulation.people = {people}\npopulation.family_size_mean = {}\narmed_groups.size_mean = {}.0\n",
        rng.random_range(60..400),
        (people / 25).max(20),
        people / 150
    );
    for _ in 0..rng.random_range(3..12) {
        let (key, kind, allowed) = &params[rng.random_range(0..params.len())];
        let key = key.replace("<name>", ["isis", "nusra"][rng.random_range(0..2)]);
        if text.contains(&format!("\n{key} =")) || key == "population.family_size_mean" || key == "armed_groups.size_mean" {
            continue;
        }
        if let Some(v) = draw(kind, allowed, rng) {
            text.push_str(&format!("{key} = {v}\n"));
        }
    }
    text
}

/// The variant as `base = "atarib.toml"` plus its keys, or the refusal.
fn load(text: &str) -> Result<Scenario, resist::scenario::ScenarioError> {
    let path = common::root().join("scenarios").join("variant.toml");
    let full = format!("base = \"atarib.toml\"\n{text}");
    let reader = |p: &Path| if p == path { Ok(full.clone()) } else { std::fs::read_to_string(p) };
    Scenario::load(&path, &reader)
}

#[test]
fn head_counts_are_conserved_and_shares_stay_in_range_over_random_small_scenarios() {
    let params: Vec<(String, String, String)> =
        reference().into_iter().filter(|d| drawable(&d.key)).map(|d| (d.key, d.kind.to_string(), d.allowed.replace('"', ""))).collect();
    assert!(params.len() > 150, "the reference lists the parameters ({})", params.len());
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    // RESIST_INVARIANT_SCENARIOS=N runs a longer campaign.
    let n: usize = std::env::var("RESIST_INVARIANT_SCENARIOS").ok().and_then(|v| v.parse().ok()).unwrap_or(400);
    let texts: Vec<String> = (0..n).map(|_| variant_text(&params, &mut rng)).collect();
    let results: Vec<Result<u32, String>> = texts
        .par_iter()
        .enumerate()
        .map(|(k, text)| {
            // RESIST_INVARIANT_ONLY=K reruns one scenario of a campaign.
            if std::env::var("RESIST_INVARIANT_ONLY").ok().and_then(|v| v.parse::<usize>().ok()).is_some_and(|only| only != k) {
                return Err(String::new());
            }
            // A draw may break a cross-parameter rule (more foreign members
            // than fighters elsewhere): that is refused, not run.
            let s = match load(text) {
                Ok(s) => s,
                Err(e) => {
                    if std::env::var_os("RESIST_SHOW_REFUSED").is_some() {
                        eprintln!("refused: {e}");
                    }
                    return Err(String::new());
                }
            };
            let mut sim = Simulation::new(&s, RunKey::new(k as u64, 0), s.days);
            let mut yesterday = sim.records()[0].clone();
            let mut expected = head_count(&yesterday);
            check_day(sim.world(), &yesterday, None).map_err(|e| format!("scenario {k}:\n{text}{e}"))?;
            while !sim.done() {
                let today = sim.step().clone();
                check_day(sim.world(), &today, Some(&yesterday)).map_err(|e| format!("scenario {k}:\n{text}{e}"))?;
                // Newborns join the head count on the census day they enter (7.14).
                expected += today.counts.region.births;
                assert_eq!(head_count(&today), expected);
                yesterday = today;
            }
            let out = sim.finish();
            check_summary(&out.summary, s.days).map_err(|e| format!("scenario {k}:\n{text}{e}"))?;
            Ok(s.days)
        })
        .collect();
    let failures: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).filter(|e| !e.is_empty()).collect();
    let ran = results.iter().filter(|r| r.is_ok()).count();
    let days: u32 = results.iter().filter_map(|r| r.as_ref().ok()).sum();
    eprintln!("invariants: {ran} of {} random scenarios ran ({days} days), {} failed", texts.len(), failures.len());
    assert!(failures.is_empty(), "{} of {ran} broke an invariant; the first:\n{}", failures.len(), failures[0]);
    assert!(ran * 4 >= texts.len() * 3, "most draws are valid scenarios ({ran} of {})", texts.len());
}

/// Issue 12, item 1: in a small town the dead pass 5% of the columns and are
/// compacted away; they used to vanish from the head count with them.
#[test]
fn the_dead_stay_counted_after_compaction() {
    // The faction attacks on day 60 so that enough die, and the pools
    // elsewhere are small, so that the dead pass 5% of the columns (issue 13:
    // with groups that keep their men and a council that calls earlier, the
    // town no longer loses on its own).
    let s = load("days = 250\npopulation.people = 3000\narmed_groups.size_mean = 1.0\nfactions.isis.fighting.attack_day = 60\nfactions.isis.strength_elsewhere = 500\nfactions.nusra.strength_elsewhere = 500\n").expect("valid");
    let out = resist::sim::run(&s, RunKey::new(s.seed, 0), s.days);
    let dead: Vec<u64> = out.records.iter().map(|r| r.status[resist::society::people::Status::Dead as usize]).collect();
    let total = head_count(&out.records[0]);
    // The head count grows only by the newborns entered that day (7.14).
    assert!(out.records.windows(2).all(|w| head_count(&w[1]) == head_count(&w[0]) + w[1].counts.region.births), "the head count changes only by births");
    assert!(dead.windows(2).all(|w| w[1] >= w[0]), "the dead never decrease");
    // The case only guards compaction if enough died for it to run.
    let last = *dead.last().unwrap();
    assert!(last as f64 >= 0.05 * total as f64, "enough dead ({last} of {total}) for compaction to have run");
}

/// Issue 12, item 2: members who join after the call and then abstain were
/// counted over the members at the call (98 at the call, 100 abstainers).
#[test]
fn abstention_counts_only_the_members_at_the_call() {
    let s = load("amnesty.credibility = 0.9\n").expect("valid");
    let out = resist::sim::run(&s, RunKey::new(14324932671337395659, 0), 365);
    let u = &out.summary.uprising;
    assert!(u.local_members_at_call > 0, "the town rose");
    assert!(u.local_abstainers <= u.local_members_at_call, "{} abstainers of {}", u.local_abstainers, u.local_members_at_call);
    let rate = u.abstention_rate.expect("a rate");
    assert!((0.0..=1.0).contains(&rate) && rate > 0.5, "abstention rate {rate}");
    let small = load("population.people = 3000\npopulation.family_size_mean = 120.0\nfactions.isis.coercion.acts_per_week = 1000.0\n").expect("valid");
    for seed in 1..=12 {
        let out = resist::sim::run(&small, RunKey::new(seed, 0), small.days);
        check_summary(&out.summary, small.days).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
}

/// Issue 12, item 17: the documented maximum escalation in a small town used
/// to draw billions of coercive acts a day; acts are now bounded by the
/// members in town who carry them out.
#[test]
fn coercion_at_the_maximum_escalation_is_bounded_by_the_members_in_town() {
    let s = load("population.people = 3000\nfactions.isis.escalation = 100.0\ndays = 60\n").expect("valid");
    let out = resist::sim::run(&s, RunKey::new(3, 0), s.days);
    for r in &out.records {
        let in_town = r.members[0][0] + r.members[0][1];
        let yesterday_max = out.records.iter().filter(|x| x.day + 1 >= r.day && x.day <= r.day).map(|x| x.members[0][0] + x.members[0][1]).max().unwrap();
        assert!(r.counts.acts[0] <= yesterday_max.max(in_town), "day {}: {} acts with {} members", r.day, r.counts.acts[0], in_town);
    }
}

/// Issue 17's province run panicked: births waiting for the monthly census
/// named their mothers by index, and a compaction of the dead between two
/// censuses left those indices pointing past the columns. Several towns
/// rise and fight early here, enough die for compaction to run mid-month,
/// and the run must finish with its head counts adding up.
#[test]
fn births_waiting_for_the_census_follow_their_mothers_through_a_compaction() {
    let text = "base = \"../tests/data/region-towns.toml\"\ndays = 300\n[demography]\nbirths_per_woman_year = 0.4\ndeaths_per_year_child = 0.3\ndeaths_per_year_adult = 0.3\n[factions.isis]\nstrength_elsewhere = 300\n[factions.isis.fighting]\nattack_day = 20\n[confrontation]\ncollateral = 0.5\n";
    let path = common::root().join("scenarios").join("variant.toml");
    let reader = |p: &Path| if p == path { Ok(text.to_string()) } else { std::fs::read_to_string(p) };
    let s = Scenario::load(&path, &reader).expect("valid");
    for r in 0..4 {
        let out = resist::sim::run(&s, RunKey::new(7, r), s.days);
        let dead = out.records.last().unwrap().status[resist::society::people::Status::Dead as usize];
        let total = head_count(&out.records[0]);
        assert!(
            out.records.windows(2).all(|w| head_count(&w[1]) == head_count(&w[0]) + w[1].counts.region.births),
            "replicate {r}: the head count changes only by births"
        );
        eprintln!("replicate {r}: {dead} dead of {total}");
    }
}
