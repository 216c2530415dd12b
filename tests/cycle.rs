//! The faction's whole cycle in a province (issue 17; docs/model.md 7.20 and
//! 7.23; Ingram and Mohammed 2022: "booms and busts", the "territorial
//! collapse" and the return to "strategic anchor points"):
//! tests/data/province-cycle.toml is four towns with an ISIS-like faction
//! that takes them and a state that strikes back. Differences are paired
//! over replicates (common random numbers: the same seeds) with 99%
//! confidence intervals; each pattern has its ablation twin.
#![allow(clippy::disallowed_methods)]

mod common;

use std::sync::OnceLock;

use common::*;
use resist::scenario::Scenario;
use resist::sim::RunOutput;

const SEED: u64 = 2011;
const REPS: u64 = 24;

fn province(overrides: &str) -> Scenario {
    data_variant("province-cycle.toml", overrides)
}

/// What a run says of the cycle.
#[derive(Clone, Debug)]
struct Cycle {
    days_collapse: f64,
    returns: f64,
    days_territory: f64,
    offensives_won: f64,
}

fn runs(s: &Scenario) -> Vec<Cycle> {
    replicates(s, SEED, REPS, s.days, |o: &RunOutput| {
        let st = o.summary.factions[0].strategy.clone().expect("the province records its strategy");
        Cycle {
            days_collapse: st.days_collapse as f64,
            returns: st.returns as f64,
            days_territory: st.days_territory as f64,
            offensives_won: st.offensives_won as f64,
        }
    })
}

fn base() -> &'static [Cycle] {
    static BASE: OnceLock<Vec<Cycle>> = OnceLock::new();
    BASE.get_or_init(|| runs(&province("")))
}

/// Mean and 99% interval of paired differences a - b (t for 24 replicates).
fn paired(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    paired_interval(a, b, 2.81)
}

fn of(r: &[Cycle], get: fn(&Cycle) -> f64) -> Vec<f64> {
    r.iter().map(get).collect()
}

/// The collapse comes from the state's offensives on the towns it holds:
/// without them (the twin) the faction keeps its towns and never collapses.
/// Outcomes vary across replicates (when the state strikes and whether it
/// wins are drawn).
#[test]
fn collapse_follows_the_states_offensives_on_the_towns_it_holds() {
    let twin = runs(&province("[counter_offensive]\noffensives_per_year = 0.0\n"));
    let (a, b) = (of(base(), |c| c.days_collapse), of(&twin, |c| c.days_collapse));
    let (m, lo, hi) = paired(&a, &b);
    eprintln!(
        "cycle: days in collapse {:.0} (sd {:.0}; offensives that drove it out {:.1}) against {:.0} with no offensives: +{m:.0} (99% {lo:.0} to {hi:.0})",
        mean(&a),
        sd(&a),
        mean(&of(base(), |c| c.offensives_won)),
        mean(&b)
    );
    assert!(lo > 0.0, "the state's offensives bring its collapse (+{m:.0} days, 99% {lo:.0} to {hi:.0})");
    assert!(sd(&a) > 0.0, "the collapse varies across replicates");
    let (t, tw) = (of(base(), |c| c.days_territory), of(&twin, |c| c.days_territory));
    assert!(mean(&t) < mean(&tw), "offensives shorten its rule: {:.0} days against {:.0}", mean(&t), mean(&tw));
}

/// The return: once the state has retaken its towns, the faction holds
/// territory again as the garrisons thin out and its people rebuild. Twin:
/// garrisons that stay for good; the returns fall.
#[test]
fn the_faction_returns_to_its_towns_as_garrisons_thin_out() {
    let twin = runs(&province("[counter_offensive]\ngarrison_days = 100000.0\n"));
    let (a, b) = (of(base(), |c| c.returns), of(&twin, |c| c.returns));
    let (m, lo, hi) = paired(&a, &b);
    eprintln!(
        "cycle: returns to territory {:.2} (sd {:.2}) against {:.2} with garrisons that stay: +{m:.2} (99% {lo:.2} to {hi:.2})",
        mean(&a),
        sd(&a),
        mean(&b)
    );
    assert!(mean(&a) > 0.5, "the faction returns in most runs ({:.2} returns a run)", mean(&a));
    assert!(lo > 0.0, "thinning garrisons let it return (+{m:.2}, 99% {lo:.2} to {hi:.2})");
}

/// Conservation through the cycle: every day of a run with the state's
/// offensives, their garrisons and the faction's returns keeps the head
/// count and every invariant, and the summary's parts stay within their wholes.
#[test]
fn invariants_hold_through_offensives_garrisons_and_returns() {
    use resist::invariants::{check_day, check_summary, head_count};
    let s = province("");
    let mut sim = resist::sim::Simulation::new(&s, resist::rng::RunKey::new(SEED, 0), s.days);
    let mut yesterday = sim.records()[0].clone();
    let mut expected = head_count(&yesterday);
    while !sim.done() {
        let today = sim.step().clone();
        if let Err(e) = check_day(sim.world(), &today, Some(&yesterday)) {
            panic!("{e}");
        }
        expected += today.counts.region.births;
        assert_eq!(head_count(&today), expected, "day {}", today.day);
        yesterday = today;
    }
    let out = sim.finish();
    check_summary(&out.summary, s.days).unwrap_or_else(|e| panic!("{e}"));
    let st = out.summary.factions[0].strategy.clone().expect("strategy");
    assert!(
        st.offensives_won > 0 && st.returns > 0,
        "the run covers an offensive that drove it out and a return ({} won, {} returns)",
        st.offensives_won,
        st.returns
    );
}
