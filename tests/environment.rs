//! The environment process over many days and replicates: crises start at
//! their Poisson rate and last their mean duration, and need follows them.
//! Tolerances are about four standard errors.

mod common;

use resist::process::observation::mean_need_by_person;
use resist::rng::RunKey;
use resist::sim::Simulation;

const SCENARIO: &str = "[population]\npeople = 200\nfamily_size_mean = 40.0\n[armed_groups]\ncount = 1\nsize_mean = 5.0\n\
[environment.gas]\nrate_per_year = 6.0\nduration_mean_days = 10.0\nseverity = 0.5\n\
[environment.water]\nrate_per_year = 0.0\n[environment.bread]\nrate_per_year = 0.0\n";

#[test]
fn crises_start_at_their_rate_and_last_their_mean_duration() {
    let s = common::scenario_text(SCENARIO);
    let (mut onsets, mut quiet_days, mut durations) = (0u64, 0u64, Vec::new());
    for rep in 0..40 {
        let mut sim = Simulation::new(&s, RunKey::new(1, rep), 3650);
        let mut was_active = false;
        while !sim.done() {
            let active_before = sim.world().crises.active()[0];
            let r = sim.step().clone();
            if !active_before {
                quiet_days += 1;
            }
            if r.crises[0] && !was_active {
                onsets += 1;
            }
            was_active = r.crises[0];
        }
        let out = sim.finish();
        durations.extend(out.events.iter().filter(|e| e.kind == "crisis_start").map(|e| e.size));
        assert!(out.events.iter().all(|e| e.detail == "gas"), "only gas crises are switched on");
    }
    // Onsets per quiet day: Poisson rate 6/365 per day.
    let p = 1.0 - (-6.0f64 / 365.0).exp();
    let expected = p * quiet_days as f64;
    let sd = (expected * (1.0 - p)).sqrt();
    assert!((onsets as f64 - expected).abs() < 4.0 * sd, "onsets {onsets}, expected {expected:.0} +- {sd:.0}");
    // Geometric durations with mean 10 days (sd about 9.5).
    let mean = durations.iter().sum::<f64>() / durations.len() as f64;
    let se = 9.5 / (durations.len() as f64).sqrt();
    assert!((mean - 10.0).abs() < 4.0 * se, "mean duration {mean:.2} over {} crises", durations.len());
}

#[test]
fn need_rises_in_crises_and_returns_to_baseline_after() {
    let s = common::scenario_text(SCENARIO);
    let mut sim = Simulation::new(&s, RunKey::new(4, 0), 3650);
    let base = sim.step().need;
    let (mut in_crisis, mut n_in, mut quiet, mut n_quiet) = (0.0, 0u32, 0.0, 0u32);
    let mut since_end = 0u32;
    while !sim.done() {
        let r = sim.step().clone();
        // The shared pressure gives the same mean as summing person by person.
        if r.day.is_multiple_of(97) {
            assert!((r.need - mean_need_by_person(sim.world())).abs() < 1e-4);
        }
        since_end = if r.crises[0] { 0 } else { since_end + 1 };
        if r.crises[0] && r.pressure > 0.0 {
            in_crisis += r.need;
            n_in += 1;
        } else if since_end > 60 {
            quiet += r.need;
            n_quiet += 1;
        }
    }
    let (in_crisis, quiet) = (in_crisis / f64::from(n_in), quiet / f64::from(n_quiet));
    assert!(in_crisis > quiet + 0.05, "need in crises {in_crisis:.3} vs quiet {quiet:.3}");
    assert!((quiet - base).abs() < 0.01, "need returns to its baseline: {quiet:.4} vs {base:.4}");
}
