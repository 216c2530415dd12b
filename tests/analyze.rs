//! `resist analyze`: sensitivity (saltelli and morris designs) and discovery
//! (PRIM) end to end on small Epstein sweeps, where one swept parameter
//! (legitimacy) drives the outcome and the other (`outburst_share`, which only
//! labels steps for the summary's outburst count) cannot change it.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use common::{resist, stderr, stdout};

fn sweep(dir: &Path, design: &str) -> std::path::PathBuf {
    let file = dir.join("s.toml");
    let text = format!(
        "scenario = \"{}\"\nname = \"t\"\nseed = 9\nreplicates = 2\ndays = 60\n[design]\n{design}\n\
         [[parameters]]\nkey = \"epstein.legitimacy\"\nmin = 0.5\nmax = 0.95\n\
         [[parameters]]\nkey = \"epstein.outburst_share\"\nmin = 0.01\nmax = 0.2\n",
        common::root().join("scenarios/epstein.toml").display()
    );
    std::fs::write(&file, text).unwrap();
    let out = dir.join("out");
    let o = resist(dir, &["sweep", "s.toml", "--out", "out"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    out
}

/// The rows of sensitivity.csv for an outcome: (parameter, measure) -> (value, low, high).
fn table(dir: &Path, outcome: &str) -> Vec<(String, String, f64, f64, f64)> {
    let text = std::fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("policy,outcome,method,parameter,measure,value,low,high,replicate_sd"));
    let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    lines
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|c| c[1] == outcome)
        .map(|c| (c[3].clone(), c[4].clone(), num(&c[5]), num(&c[6]), num(&c[7])))
        .collect()
}

fn get(t: &[(String, String, f64, f64, f64)], parameter: &str, measure: &str) -> (f64, f64, f64) {
    let r = t.iter().find(|r| r.0 == parameter && r.1 == measure).unwrap_or_else(|| panic!("no {parameter} {measure} in {t:?}"));
    (r.2, r.3, r.4)
}

#[test]
fn sobol_indices_name_legitimacy_and_clear_an_idle_parameter() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sweep(tmp.path(), "kind = \"saltelli\"\nsamples = 32");
    let o = resist(tmp.path(), &["analyze", "sensitivity", "out", "--outcome", "mean_active", "--resamples", "200"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("mean_active: epstein.legitimacy"), "{}", stdout(&o));
    let t = table(&out, "mean_active");
    let (st, lo, hi) = get(&t, "epstein.legitimacy", "total");
    assert!(st > 0.7 && lo <= st && st <= hi, "legitimacy's total index {st} ({lo}, {hi})");
    // Under common random numbers (the default seeding), a row that changes
    // only the idle parameter reruns its base row's runs exactly: both
    // indices are exactly 0, not merely small.
    let (idle, _, idle_hi) = get(&t, "epstein.outburst_share", "total");
    assert_eq!((idle, idle_hi), (0.0, 0.0), "an idle parameter's total index");
    assert_eq!(get(&t, "epstein.outburst_share", "first_order").0, 0.0);
    assert!(out.join("charts/sensitivity-mean_active.svg").is_file());
    // The same bytes again: the bootstrap draws from the sweep's seed.
    let first = std::fs::read(out.join("sensitivity.csv")).unwrap();
    assert!(resist(tmp.path(), &["analyze", "sensitivity", "out", "--outcome", "mean_active", "--resamples", "200"], &[]).status.success());
    assert_eq!(first, std::fs::read(out.join("sensitivity.csv")).unwrap());
    // Per replicate: mean over the two replicates, with their spread.
    let o = resist(tmp.path(), &["analyze", "sensitivity", "out", "--outcome", "mean_active", "--per-replicate"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let row = text.lines().find(|l| l.contains("epstein.legitimacy,total")).unwrap();
    assert!(!row.ends_with(','), "per replicate, the replicate sd is given: {row}");
}

#[test]
fn morris_effects_rank_legitimacy_above_an_idle_parameter() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sweep(tmp.path(), "kind = \"morris\"\ntrajectories = 20\nlevels = 4\ncandidates = 60");
    let o = resist(tmp.path(), &["analyze", "sensitivity", "out", "--outcome", "mean_active"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = table(&out, "mean_active");
    let (legit, lo, _) = get(&t, "epstein.legitimacy", "mu_star");
    let (idle, _, idle_hi) = get(&t, "epstein.outburst_share", "mu_star");
    assert!(lo > idle_hi, "legitimacy's mu* {legit} (from {lo}) should exceed the idle one's {idle} (up to {idle_hi})");
    assert_eq!(idle, 0.0, "common random numbers: an idle parameter's steps change nothing");
    // More legitimacy, fewer active citizens: its mean effect is negative.
    assert!(get(&t, "epstein.legitimacy", "mu").0 < 0.0);
    assert!(out.join("charts/sensitivity-mean_active.png").is_file());
}

#[test]
fn sensitivity_refuses_a_design_it_cannot_analyse_and_an_unknown_outcome() {
    let tmp = tempfile::tempdir().unwrap();
    sweep(tmp.path(), "kind = \"latin_hypercube\"\nsamples = 4");
    let o = resist(tmp.path(), &["analyze", "sensitivity", "out"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("a latin_hypercube design") && stderr(&o).contains("kind = \"saltelli\""), "{}", stderr(&o));
    let o = resist(tmp.path(), &["analyze", "discover", "out", "--where", "no_such_outcome > 1"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no outcome `no_such_outcome`"), "{}", stderr(&o));
    let o = resist(tmp.path(), &["analyze", "discover", "out", "--where", "mean_active ~ 1"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("OP one of"), "{}", stderr(&o));
    let o = resist(tmp.path(), &["analyze", "sensitivity", "nowhere"], &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn prim_finds_that_low_legitimacy_holds_the_unrest() {
    let tmp = tempfile::tempdir().unwrap();
    let out = sweep(tmp.path(), "kind = \"latin_hypercube\"\nsamples = 60");
    // The runs with many active citizens on average: low legitimacy.
    let o = resist(tmp.path(), &["analyze", "discover", "out", "--where", "mean_active > 50"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("discover.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let chosen: Vec<&str> = text.lines().find(|l| l.split(',').nth(6) == Some("true")).expect("a chosen box").split(',').collect();
    let col = |name: &str| chosen[header.iter().position(|h| *h == name).unwrap()].parse::<f64>().unwrap();
    assert!(col("density") > 0.8 && col("coverage") >= 0.8, "{chosen:?}");
    assert!(col("epstein.legitimacy.upper") < 0.9, "legitimacy's upper limit {}", col("epstein.legitimacy.upper"));
    assert!(col("epstein.outburst_share.upper") - col("epstein.outburst_share.lower") > 0.1, "the idle parameter keeps most of its range");
    assert!(stdout(&o).contains("epstein.legitimacy from"), "{}", stdout(&o));
    assert!(out.join("charts/discover-trajectory.svg").is_file() && out.join("charts/discover-box.svg").is_file());
}

#[test]
fn sensitivity_of_an_outcome_some_points_lack_needs_drop_missing_and_keeps_the_complete_base_samples() {
    // Atarib over 250 days with the council's anger threshold up to 0.6: at
    // some points no uprising comes, so `uprising.day` is missing there.
    let tmp = tempfile::tempdir().unwrap();
    let text = format!(
        "scenario = \"{}\"\nname = \"t\"\nseed = 5\nreplicates = 1\ndays = 250\n[design]\nkind = \"saltelli\"\nsamples = 16\n\
         [[parameters]]\nkey = \"mobilisation.anger_threshold\"\nmin = 0.15\nmax = 0.6\n\
         [[parameters]]\nkey = \"amnesty.credibility\"\nmin = 0.3\nmax = 1.0\n",
        common::root().join("scenarios/atarib.toml").display()
    );
    std::fs::write(tmp.path().join("s.toml"), text).unwrap();
    let o = resist(tmp.path(), &["sweep", "s.toml", "--out", "out"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = tmp.path().join("out");
    let o = resist(tmp.path(), &["analyze", "sensitivity", "out", "--outcome", "uprising.day"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--drop-missing"), "the error says what to do: {}", stderr(&o));
    let o = resist(tmp.path(), &["analyze", "sensitivity", "out", "--outcome", "uprising.day", "--drop-missing"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = table(&dir, "uprising.day");
    let kept = rows.iter().find(|r| r.1 == "kept").expect("the kept base samples are reported").2;
    assert!((2.0..16.0).contains(&kept), "some but not all of 16 base samples kept: {kept}");
    // The anger threshold decides when the council calls: it leads the total index.
    let total = |p: &str| rows.iter().find(|r| r.0 == p && r.1 == "total").unwrap().2;
    assert!(total("mobilisation.anger_threshold") > total("amnesty.credibility"), "{rows:?}");
}
