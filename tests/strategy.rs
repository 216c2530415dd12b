//! The faction's own defection strategy and the contest with the
//! government's offer (issue 17; docs/model.md 7.20-7.22, patterns 14 and 15;
//! Ingram and Mohammed 2022). tests/data/strategy-town.toml is Atarib with a
//! weak outsider faction. Differences are paired over replicates (common
//! random numbers: the same seeds) with 99% confidence intervals; each
//! pattern has its ablation twin.
#![allow(clippy::disallowed_methods)]

mod common;

use common::*;
use resist::scenario::Scenario;
use resist::sim::RunOutput;
use resist::society::people::Status;

const SEED: u64 = 2014;
const REPS: u64 = 48;

fn town(overrides: &str) -> Scenario {
    data_variant("strategy-town.toml", overrides)
}

#[derive(Clone, Debug)]
struct Run {
    /// Local fighters and commanders lost from the start to the eve of the
    /// first open fight (or the last day).
    fighters_lost: f64,
    /// Local fighters lost in the first `days` days.
    fighters_lost_by: f64,
    /// Contested choices it won and weighed.
    contested: (f64, f64),
}

fn runs(s: &Scenario, by_day: usize) -> Vec<Run> {
    replicates(s, SEED, REPS, s.days, |o: &RunOutput| {
        let fight = o.events.iter().find(|e| matches!(e.kind, "town_attack" | "faction_attack")).map_or(o.records.len() - 1, |e| e.day as usize);
        let eve = fight.saturating_sub(1).min(o.records.len() - 1);
        let local = |d: usize| o.records[d].status[Status::LocalFighter as usize] as f64;
        let st = o.summary.factions[0].strategy.clone();
        Run {
            fighters_lost: local(0) - local(eve),
            fighters_lost_by: local(0) - local(by_day.min(o.records.len() - 1)),
            contested: st.map_or((0.0, 0.0), |x| (x.contested_won as f64, x.contested as f64)),
        }
    })
}

/// Mean and 99% interval of paired differences a - b (t for 48 replicates).
fn paired(a: &[f64], b: &[f64]) -> (f64, f64, f64) {
    paired_interval(a, b, 2.68)
}

/// Pattern 14 (first half): a weak faction facing weak local protection
/// shifts local groups (commanders and their men) before any open fight.
/// Twin: no covert approaches; with strong protection from the government
/// the approached stay.
#[test]
fn pattern_14_decisive_minorities_shift_local_groups_before_any_fight() {
    let base = runs(&town(""), 60);
    let twin = runs(&town("[factions.isis.campaign]\napproaches_per_week = 0.0\n"), 60);
    let protected = runs(&town("[government]\nprotection = 1.0\nlivelihood = 0.8\nservices = 0.5\n"), 60);
    let lost = |r: &[Run]| r.iter().map(|x| x.fighters_lost).collect::<Vec<f64>>();
    let early = |r: &[Run]| r.iter().map(|x| x.fighters_lost_by).collect::<Vec<f64>>();
    let (m, lo, hi) = paired(&lost(&base), &lost(&twin));
    eprintln!(
        "pattern 14: local fighters lost before the first fight {:.1} (sd {:.1}) against {:.1} without approaches: +{m:.1} (99% {lo:.1} to {hi:.1})",
        mean(&lost(&base)),
        sd(&lost(&base)),
        mean(&lost(&twin))
    );
    assert!(lo > 0.0, "approaches shift local fighters before any fight (+{m:.1}, 99% {lo:.1} to {hi:.1})");
    // Strong protection: fewer go over in the first 60 days (before the fights of most runs).
    let (m2, lo2, hi2) = paired(&early(&base), &early(&protected));
    eprintln!(
        "pattern 14: in the first 60 days {:.1}, with the government's protection {:.1}: {m2:.1} fewer (99% {lo2:.1} to {hi2:.1})",
        mean(&early(&base)),
        mean(&early(&protected))
    );
    assert!(lo2 > 0.0, "strong protection keeps them ({m2:.1}, 99% {lo2:.1} to {hi2:.1})");
    assert!(sd(&lost(&base)) > 0.0, "outcomes vary across replicates");
}

/// Pattern 14 (second half): tawba windows drain local security forces
/// faster than coercion alone. Twin: coercion alone (no windows), the same
/// approaches off in both.
#[test]
fn pattern_14_tawba_windows_drain_local_forces_faster_than_coercion_alone() {
    let windows = "[factions.isis.campaign]\napproaches_per_week = 0.0\n[factions.isis.tawba]\nwindows_per_year = 6.0\nexecutions_per_window = 1.0\n";
    let base = runs(&town(windows), 90);
    let twin = runs(&town("[factions.isis.campaign]\napproaches_per_week = 0.0\n"), 90);
    let lost = |r: &[Run]| r.iter().map(|x| x.fighters_lost_by).collect::<Vec<f64>>();
    let (m, lo, hi) = paired(&lost(&base), &lost(&twin));
    eprintln!(
        "pattern 14: local fighters lost in 90 days {:.1} with tawba windows against {:.1} by coercion alone: +{m:.1} (99% {lo:.1} to {hi:.1})",
        mean(&lost(&base)),
        mean(&lost(&twin))
    );
    assert!(lo > 0.0, "tawba windows drain local forces faster (+{m:.1}, 99% {lo:.1} to {hi:.1})");
}

/// Pattern 15: a government offer with protection and livelihood outcompetes
/// the faction's offer (the faction wins under half the contested choices,
/// and ends with fewer members); without them it loses (the faction wins
/// most). The twin is the offer with services alone.
#[test]
fn pattern_15_protection_and_livelihood_decide_the_contest() {
    let strategy = "[factions.isis.tawba]\nwindows_per_year = 6.0\n";
    let with = runs(&town(&format!("{strategy}[government]\nprotection = 0.8\nlivelihood = 0.8\nservices = 0.5\ndefection_reach_per_week = 0.05\n")), 0);
    let without = runs(&town(&format!("{strategy}[government]\nprotection = 0.0\nlivelihood = 0.0\nservices = 0.5\ndefection_reach_per_week = 0.05\n")), 0);
    let share = |r: &[Run]| {
        let (won, all) = r.iter().fold((0.0, 0.0), |a, x| (a.0 + x.contested.0, a.1 + x.contested.1));
        won / all.max(1.0)
    };
    let (sw, swo) = (share(&with), share(&without));
    let won = |r: &[Run]| r.iter().map(|x| x.contested.0).collect::<Vec<f64>>();
    let (m, lo, hi) = paired(&won(&without), &won(&with));
    eprintln!(
        "pattern 15: the faction wins {sw:.2} of contested choices against an offer with protection and livelihood, {swo:.2} against services alone; people won by its offers {:.1} against {:.1}: {m:.1} more without (99% {lo:.1} to {hi:.1})",
        mean(&won(&with)),
        mean(&won(&without))
    );
    assert!(sw < 0.5, "with protection and livelihood the government wins most contested choices ({sw:.2} to the faction)");
    assert!(swo > 0.5, "without them the faction wins most ({swo:.2})");
    assert!(lo > 0.0, "the faction wins more people without them (+{m:.1}, 99% {lo:.1} to {hi:.1})");
}
