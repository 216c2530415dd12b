//! The rules implementations of Epstein's model differ on (issue 18), each an
//! option: the rounding of C/A, the order of a turn, where jailed citizens
//! are, the initial placement, and the presets (`epstein.variant`) that set
//! them at once. Small grids, exact expectations where the rule decides them.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;

use common::*;
use resist::epstein::params::{Jailed, Order, Placement, Ratio, Variant};
use resist::epstein::{Output, run};
use resist::rng::RunKey;

fn small(extra: &str) -> resist::scenario::Scenario {
    scenario_text(&format!("name = \"t\"\nmodel = \"epstein\"\nseed = 5\ndays = 60\n[epstein]\nwidth = 12\nvision = 3\n{extra}"))
}

fn runs(s: &resist::scenario::Scenario, reps: u64) -> Vec<Output> {
    (0..reps).map(|r| run(&s.epstein, RunKey::new(s.seed, r), s.days)).collect()
}

#[test]
fn ratio_roundings_follow_their_tables() {
    // (C/A, floor, halves away from zero, halves to even = Python's round)
    let table =
        [(0.0, 0, 0, 0), (0.25, 0, 0, 0), (0.5, 0, 1, 0), (2.0 / 3.0, 0, 1, 1), (1.0, 1, 1, 1), (1.5, 1, 2, 2), (2.5, 2, 3, 2), (3.5, 3, 4, 4), (4.5, 4, 5, 4)];
    for (x, floor, away, even) in table {
        assert_eq!(Ratio::Floor.whole(x), Some(floor), "floor {x}");
        assert_eq!(Ratio::HalfAwayFromZero.whole(x), Some(away), "half away from zero {x}");
        assert_eq!(Ratio::HalfEven.whole(x), Some(even), "half even {x}");
        assert_eq!(Ratio::AsIs.whole(x), None);
    }
}

#[test]
fn ratio_round_is_refused_with_the_names_that_replace_it() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("e.toml"), "name = \"e\"\nmodel = \"epstein\"\n\n[epstein]\nratio = \"round\"\n").unwrap();
    let o = resist(t.path(), &["run", "e.toml", "--out", "out"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for want in ["e.toml:5", "epstein.ratio", "half_away_from_zero", "half_even", "Python"] {
        assert!(err.contains(want), "message lacks {want:?}: {err}");
    }
    assert_eq!(entries(t.path()), vec!["e.toml".to_string()], "nothing written");
}

#[test]
fn cops_cannot_move_onto_a_cell_a_jailed_citizen_keeps() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("e.toml"), "name = \"e\"\nmodel = \"epstein\"\n[epstein]\njailed = \"stay_on_cell\"\n").unwrap();
    let o = resist(t.path(), &["check", "e.toml"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("epstein.cops_move_to_arrest") && err.contains("stay_on_cell") && err.contains("cops_move_to_arrest = false"), "{err}");
}

#[test]
fn presets_set_every_option_and_single_keys_override_them() {
    let mesa = small("variant = \"mesa\"\n").epstein;
    assert_eq!(
        (mesa.variant, mesa.ratio, mesa.order, mesa.jailed, mesa.placement, mesa.cops_move_to_arrest, mesa.jail_terms_from),
        (Variant::Mesa, Ratio::HalfEven, Order::DecideThenMove, Jailed::StayOnCell, Placement::PerCellDraw, false, 0)
    );
    let paper = small("").epstein;
    assert_eq!(
        (paper.variant, paper.ratio, paper.order, paper.jailed, paper.placement, paper.cops_move_to_arrest),
        (Variant::Paper, Ratio::Floor, Order::MoveThenDecide, Jailed::LeaveGrid, Placement::ExactCounts, true)
    );
    let netlogo = small("variant = \"netlogo\"\n").epstein;
    assert_eq!(netlogo.neighbourhood, resist::epstein::window::Neighbourhood::Disc);
    let mixed = small("variant = \"mesa\"\nratio = \"floor\"\norder = \"move_then_decide\"\n").epstein;
    assert_eq!((mixed.ratio, mixed.order, mixed.jailed), (Ratio::Floor, Order::MoveThenDecide, Jailed::StayOnCell));
    // `resist check` shows the final values, the overriding key and the preset's others.
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("e.toml"), "name = \"e\"\nmodel = \"epstein\"\n[epstein]\nvariant = \"mesa\"\nratio = \"floor\"\n").unwrap();
    let o = resist(t.path(), &["check", "e.toml"], &[]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for want in [
        "variant = \"mesa\"",
        "ratio = \"floor\"",
        "order = \"decide_then_move\"",
        "jailed = \"stay_on_cell\"",
        "placement = \"per_cell_draw\"",
        "cops_move_to_arrest = false",
    ] {
        assert!(out.contains(want), "resolved scenario lacks {want:?}:\n{out}");
    }
}

#[test]
fn exact_counts_place_the_same_numbers_and_per_cell_draws_vary() {
    // 12 x 12 = 144 cells: round(0.7 x 144) = 101 citizens, round(0.04 x 144) = 6 cops.
    for o in runs(&small(""), 8) {
        assert_eq!((o.summary.citizens, o.summary.cops), (101, 6));
    }
    let drawn: Vec<(u32, u32)> = runs(&small("placement = \"per_cell_draw\"\n"), 30).iter().map(|o| (o.summary.citizens, o.summary.cops)).collect();
    let citizens: Vec<f64> = drawn.iter().map(|d| f64::from(d.0)).collect();
    assert!(drawn.iter().any(|d| *d != drawn[0]), "counts vary between replicates: {drawn:?}");
    assert!(drawn.iter().all(|d| d.0 + d.1 <= 144));
    // Binomial(144, 0.7): mean 100.8, sd 5.5; the mean of 30 within 4 standard errors.
    assert!((mean(&citizens) - 100.8).abs() < 4.0 * 5.5 / 30f64.sqrt(), "mean citizens {}", mean(&citizens));
    // Densities 1 - 0 and 0 - 0.99 decide the draw: every cell a citizen, or none.
    let all = run(&small("placement = \"per_cell_draw\"\ncitizen_density = 0.99\ncop_density = 0.0\n").epstein, RunKey::new(1, 0), 1);
    assert!(all.summary.citizens >= 130 && all.summary.cops == 0, "{:?}", all.summary);
    let none = run(&small("placement = \"per_cell_draw\"\ncitizen_density = 0.0\ncop_density = 0.5\n").epstein, RunKey::new(1, 0), 1);
    assert_eq!(none.summary.citizens, 0);
}

#[test]
fn jailed_counts_say_what_they_count() {
    // Until release >= serving; with terms of 0 nobody is ever serving.
    for o in runs(&small("legitimacy = 0.5\n"), 4) {
        assert!(o.records.iter().all(|r| r.serving <= r.jailed && r.quiet + r.active + r.jailed == o.summary.citizens));
        assert!(o.records.iter().any(|r| r.serving > 0));
    }
    for o in runs(&small("legitimacy = 0.5\nmax_jail_term = 0\n"), 4) {
        assert!(o.records.iter().any(|r| r.arrests > 0));
        assert!(o.records.iter().all(|r| r.serving == 0), "terms of 0: none serving");
    }
    // The columns name which count they are.
    let s = small("");
    let columns = resist::render::timeseries_columns(&s);
    assert_eq!(columns, ["step", "quiet", "active", "jailed_until_release", "jailed_serving", "arrests", "legitimacy"]);
}

#[test]
fn every_option_changes_the_run_and_conserves_citizens() {
    let base = runs(&small("legitimacy = 0.6\n"), 3);
    for extra in [
        "ratio = \"half_even\"\n",
        "ratio = \"half_away_from_zero\"\n",
        "order = \"decide_then_move\"\n",
        "jailed = \"stay_on_cell\"\ncops_move_to_arrest = false\n",
        "placement = \"per_cell_draw\"\n",
        "neighbourhood = \"disc\"\n",
        "variant = \"mesa\"\n",
        "variant = \"netlogo\"\n",
    ] {
        let other = runs(&small(&format!("legitimacy = 0.6\n{extra}")), 3);
        assert_ne!(base[0].records, other[0].records, "{extra}");
        for o in &other {
            assert!(o.records.iter().all(|r| r.quiet + r.active + r.jailed == o.summary.citizens), "{extra}");
        }
    }
}
