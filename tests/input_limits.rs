//! Inputs that cannot be run as written are refused before anything runs,
//! with exit 2 and a message naming the file, the line and the key, and what
//! is allowed (issue 12, items 7, 8, 13 to 16, 18 and 19): swept values a
//! point cannot apply exactly, designs too big to hold, command-line numbers
//! out of bounds, devices and huge files, unreadable files named elsewhere.
//! A closed standard output ends a command quietly.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;
use std::process::{Command, Stdio};

use common::*;

/// The small town the sweep tests use, as a path for `scenario = "..."`.
fn town() -> String {
    root().join("tests/data/sweep/town.toml").display().to_string()
}

/// Write `files` (TOWN replaced by the small town's path) into a fresh
/// directory, run `args`, and check: exit 2, every `expect` fragment in the
/// message, no panic, and nothing written. Returns stderr.
fn refused(files: &[(&str, &str)], args: &[&str], expect: &[&str]) -> String {
    let t = tempfile::tempdir().unwrap();
    for (n, text) in files {
        fs::write(t.path().join(n), text.replace("TOWN", &town())).unwrap();
    }
    let before = entries(t.path());
    let o = resist(t.path(), args, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for e in expect {
        assert!(err.contains(e), "{args:?}: message lacks {e:?}: {err}");
    }
    assert_eq!(entries(t.path()), before, "nothing may be written");
    err
}

/// A sweep over the small town with one `[[parameters]]` entry (or more) given as TOML.
fn sweep_with(parameters: &str) -> String {
    format!("scenario = \"TOWN\"\nreplicates = 1\n{parameters}")
}

/// Both `check` and `sweep` refuse a sweep file with the same message.
fn sweep_refused(text: &str, expect: &[&str]) {
    refused(&[("s.toml", text)], &["check", "s.toml"], expect);
    refused(&[("s.toml", text)], &["sweep", "s.toml", "--out", "o"], expect);
}

// Item 7.

#[test]
fn a_key_swept_twice_is_refused_naming_both_entries() {
    sweep_refused(
        &sweep_with("[[parameters]]\nkey = \"amnesty.credibility\"\nvalues = [0.2]\n\n[[parameters]]\nkey = \"amnesty.credibility\"\nvalues = [0.8]\n"),
        &["s.toml:8:1:", "`parameters[1].key`", "\"amnesty.credibility\" is swept twice (also parameters[0], line 4)", "allowed each key once"],
    );
    refused(
        &[
            ("m.csv", "amnesty.credibility,amnesty.credibility\n0.2,0.8\n"),
            ("s.toml", "scenario = \"TOWN\"\n[design]\nkind = \"matrix\"\nmatrix = \"m.csv\"\n"),
        ],
        &["check", "s.toml"],
        &["m.csv:1:2:", "column 2", "a column twice (also column 1)"],
    );
}

// Item 8.

#[test]
fn a_fractional_or_negative_value_for_an_integer_key_is_refused() {
    for (v, shown) in [("2.6", "2.6 is not a whole number"), ("-0.4", "-0.4 is not a whole number"), ("-1", "-1 is out of range")] {
        sweep_refused(
            &sweep_with(&format!("[[parameters]]\nkey = \"armed_groups.count\"\nvalues = [2, {v}]\n")),
            &["s.toml:5:1:", "`parameters[0].values`", "value 2 of the list", shown, "allowed whole numbers 0 to"],
        );
    }
    // Steps that fall between whole numbers cannot be applied to an integer key either.
    sweep_refused(
        &sweep_with("[[parameters]]\nkey = \"armed_groups.count\"\nfrom = 1\nto = 4\nsteps = 3\n"),
        &["s.toml:7:1:", "`parameters[0].steps`", "gives 2.5 is not a whole number", "choose steps that land on whole numbers"],
    );
    // A sampled design's bounds on an integer key must be whole.
    sweep_refused(
        "scenario = \"TOWN\"\n[design]\nkind = \"latin_hypercube\"\nsamples = 4\n[[parameters]]\nkey = \"armed_groups.count\"\nmin = 0.5\nmax = 3\n",
        &["s.toml:7:1:", "`parameters[0].min`", "0.5 is not a whole number"],
    );
    refused(
        &[("m.csv", "armed_groups.count\n2\n2.5\n"), ("s.toml", "scenario = \"TOWN\"\n[design]\nkind = \"matrix\"\nmatrix = \"m.csv\"\n")],
        &["check", "s.toml"],
        &["m.csv:3:1:", "`armed_groups.count`", "2.5 is not a whole number"],
    );
}

#[test]
fn nan_infinite_and_out_of_range_swept_values_are_refused_before_anything_runs() {
    for (v, shown) in [("nan", "NaN is not a finite number"), ("inf", "inf is not a finite number"), ("1.5", "1.5 is out of range")] {
        sweep_refused(
            &sweep_with(&format!("[[parameters]]\nkey = \"amnesty.credibility\"\nvalues = [0.5, {v}]\n")),
            &["s.toml:5:1:", "`parameters[0].values`", shown, "allowed 0.0 to 1.0"],
        );
    }
    sweep_refused(
        &sweep_with("[[parameters]]\nkey = \"amnesty.credibility\"\nfrom = 0.0\nto = nan\nsteps = 3\n"),
        &["s.toml:6:1:", "`parameters[0].to`", "NaN is not a finite number"],
    );
    sweep_refused(
        "scenario = \"TOWN\"\n[design]\nkind = \"sobol\"\nsamples = 4\n[[parameters]]\nkey = \"aftermath.followup\"\nmin = 0.0\nmax = 2.0\n",
        &["s.toml:8:1:", "`parameters[0].max`", "2.0 is out of range", "allowed 0.0 to 1.0"],
    );
}

#[test]
fn seed_and_days_cannot_be_swept_and_the_message_says_what_to_do_instead() {
    sweep_refused(
        &sweep_with("[[parameters]]\nkey = \"seed\"\nvalues = [1, 2]\n"),
        &["s.toml:4:1:", "`parameters[0].key`", "cannot set `seed`", "`replicates` for more runs per point"],
    );
    sweep_refused(
        &sweep_with("[[parameters]]\nkey = \"days\"\nvalues = [10, 20]\n"),
        &["s.toml:4:1:", "`parameters[0].key`", "cannot set `days`", "set `days = N` at the top of the sweep file"],
    );
}

#[test]
fn a_key_missing_from_one_policy_is_refused() {
    refused(
        &[
            ("one.toml", "base = \"TOWN\"\n[factions.extra]\n"),
            (
                "s.toml",
                "scenario = \"one.toml\"\n[policies]\na = \"one.toml\"\nb = \"TOWN\"\n[[parameters]]\nkey = \"factions.extra.escalation\"\nvalues = [1.0]\n",
            ),
        ],
        &["check", "s.toml"],
        &["s.toml:6:1: `parameters[0].key`: \"factions.extra.escalation\" is not a numeric parameter of policy \"b\""],
    );
}

// Item 13.

#[test]
fn huge_designs_are_refused_before_anything_is_allocated() {
    for steps in ["4611686018427387904", "1000000000", "30000000"] {
        sweep_refused(
            &sweep_with(&format!("[[parameters]]\nkey = \"amnesty.credibility\"\nfrom = 0.0\nto = 1.0\nsteps = {steps}\n")),
            &["s.toml:7:1:", "`parameters[0].steps`", &format!("steps = {steps}: allowed 2 to 1000000")],
        );
    }
    // Two lists of 1001 values: a million and more points.
    let list = format!("[{}]", (0..=1000).map(|k| format!("{}", k as f64 / 1000.0)).collect::<Vec<_>>().join(", "));
    sweep_refused(
        &sweep_with(&format!(
            "[[parameters]]\nkey = \"amnesty.credibility\"\nvalues = {list}\n[[parameters]]\nkey = \"aftermath.followup\"\nvalues = {list}\n"
        )),
        &["s.toml:", "`parameters`", "the design has 1002001 points (1001 x 1001): allowed at most 1000000"],
    );
    // Points x replicates.
    sweep_refused(
        "scenario = \"TOWN\"\nreplicates = 1000000\n[design]\nkind = \"sobol\"\nsamples = 1001\n[[parameters]]\nkey = \"amnesty.credibility\"\nmin = 0.0\nmax = 1.0\n",
        &["s.toml:", "`design.samples`", "1001 points x 1000000 replicates = 1001000000 runs: allowed at most 1000000000"],
    );
}

// Item 14.

#[test]
fn days_replicates_and_threads_out_of_bounds_are_refused_on_the_command_line() {
    let small = root().join("tests/data/small.toml").display().to_string();
    for days in ["4294967295", "100001", "0"] {
        refused(&[], &["run", &small, "--days", days, "--out", "o"], &["--days", &format!("{days} is not in 1..=100000")]);
    }
    refused(
        &[],
        &["run", &small, "--replicate", "18446744073709551615", "--replicates", "2", "--out", "o"],
        &["--replicate 18446744073709551615 with --replicates 2", "allowed --replicate up to 18446744073709551614"],
    );
    refused(&[], &["run", &small, "--threads", "1000000", "--out", "o"], &["--threads", "1000000 is not in 1..=1024"]);
    refused(&[("s.toml", &sweep_with(""))], &["sweep", "s.toml", "--threads", "5000", "--out", "o"], &["--threads", "5000 is not in 1..=1024"]);
}

#[test]
fn replay_refuses_a_manifest_whose_days_are_out_of_bounds() {
    let t = tempfile::tempdir().unwrap();
    let small = root().join("tests/data/small.toml").display().to_string();
    let o = resist(t.path(), &["run", &small, "--days", "3", "--out", "r"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest = t.path().join("r/manifest.json");
    let mut m: serde_json::Value = serde_json::from_str(&fs::read_to_string(&manifest).unwrap()).unwrap();
    m["days"] = serde_json::json!(4294967295u64);
    fs::write(&manifest, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let o = resist(t.path(), &["replay", "r/manifest.json"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("r/manifest.json: `days`: 4294967295 is out of range: allowed 1 to 100000"), "{}", stderr(&o));
}

// Item 15.

/// Run `args` with standard output a pipe whose reader is already closed.
fn with_closed_stdout(args: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_resist"))
        .current_dir(root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the resist binary runs");
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_standard_output_ends_printing_commands_quietly() {
    for args in [&["params"][..], &["params", "--markdown"], &["check", "scenarios/atarib.toml"], &["check", "scenarios/sweeps/amnesty-reach.toml"], &["seeds"]]
    {
        let o = with_closed_stdout(args);
        let err = stderr(&o);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    }
}

// Item 16.

#[test]
fn devices_pipes_and_directories_are_refused_where_they_are_named() {
    refused(&[], &["check", "/dev/zero"], &["/dev/zero: cannot read the file to check: not a regular file", "allowed a regular file"]);
    refused(
        &[("top.toml", "name = \"t\"\nbase = \"/dev/zero\"\n")],
        &["check", "top.toml"],
        &["top.toml:2:1: `base`: cannot read /dev/zero: not a regular file"],
    );
    refused(
        &[("s.toml", "scenario = \"TOWN\"\n[policies]\nzero = \"/dev/zero\"\n")],
        &["check", "s.toml"],
        &["s.toml:3:1: `policies.zero`: cannot read /dev/zero: not a regular file"],
    );
    refused(
        &[("s.toml", "scenario = \"TOWN\"\n[design]\nkind = \"matrix\"\nmatrix = \"/dev/zero\"\n")],
        &["sweep", "s.toml", "--out", "o"],
        &["s.toml:4:1: `design.matrix`: cannot read /dev/zero: not a regular file"],
    );
    refused(&[("s.toml", "scenario = \".\"\n")], &["check", "s.toml"], &["s.toml:1:1: `scenario`: cannot read", "a directory"]);
}

#[test]
fn oversized_files_and_too_many_factions_are_refused_before_they_are_parsed() {
    let big = format!("name = \"big\"\n#{}\n", "x".repeat(1 << 20));
    refused(&[("big.toml", &big)], &["check", "big.toml"], &["big.toml: cannot read the file to check: larger than 1 MiB"]);
    refused(
        &[("top.toml", "base = \"big.toml\"\n"), ("big.toml", &big)],
        &["run", "top.toml", "--out", "o"],
        &["top.toml:1:1: `base`: cannot read big.toml: larger than 1 MiB"],
    );
    let factions: String = (0..20_000).map(|k| format!("[factions.f{k}]\n")).collect();
    let err = refused(&[("f.toml", &factions)], &["check", "f.toml"], &["f.toml:", "`factions`", "20000 factions: allowed at most 8"]);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

// Item 18.

#[test]
fn unreadable_files_a_sweep_names_are_reported_with_the_key_and_line_that_name_them() {
    refused(
        &[("s.toml", "name = \"s\"\nscenario = \"nope.toml\"\n")],
        &["check", "s.toml"],
        &["s.toml:2:1: `scenario`: cannot read nope.toml: No such file or directory"],
    );
    refused(
        &[("s.toml", "scenario = \"TOWN\"\n[policies]\nkept = \"TOWN\"\ngone = \"gone.toml\"\n")],
        &["sweep", "s.toml", "--out", "o"],
        &["s.toml:4:1: `policies.gone`: cannot read gone.toml: No such file or directory"],
    );
    refused(
        &[("s.toml", "scenario = \"TOWN\"\n[design]\nkind = \"matrix\"\nmatrix = \"m.csv\"\n")],
        &["check", "s.toml"],
        &["s.toml:4:1: `design.matrix`: cannot read m.csv: No such file or directory"],
    );
    // A base that a policy names, missing: located in the policy's file.
    refused(
        &[("s.toml", "scenario = \"TOWN\"\n[policies]\np = \"p.toml\"\n"), ("p.toml", "# a policy\nbase = \"lost.toml\"\n")],
        &["check", "s.toml"],
        &["p.toml:2:1: `base`: cannot read lost.toml: No such file or directory"],
    );
}

#[test]
fn invalid_utf8_names_the_line_and_byte() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("u.toml"), b"name = \"a\"\ndescription = \"caf\xe9\"\n").unwrap();
    let o = resist(t.path(), &["check", "u.toml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("u.toml: cannot read the file to check: not UTF-8 text: byte 30 (line 2, column 19) is not valid UTF-8"), "{}", stderr(&o));
}

#[test]
fn a_duplicate_toml_key_is_named() {
    refused(
        &[("d.toml", "[population]\npeople = 3000\npeople = 4000\n")],
        &["run", "d.toml", "--out", "o"],
        &["d.toml:3:1: malformed TOML: duplicate key `people`: allowed each key once"],
    );
    sweep_refused("scenario = \"TOWN\"\nreplicates = 2\nreplicates = 3\n", &["s.toml:3:1:", "duplicate key `replicates`"]);
}

#[test]
fn sweep_type_errors_name_the_key_in_plain_words() {
    sweep_refused("scenario = \"TOWN\"\nreplicates = \"x\"\n", &["s.toml:2:14: `replicates`: invalid type: string \"x\", expected an integer"]);
    sweep_refused(
        "scenario = \"TOWN\"\nreplicates = 18446744073709551616\n",
        &["s.toml:2:14:", "18446744073709551616 is too large for an integer: allowed -9223372036854775808 to 9223372036854775807"],
    );
    sweep_refused(
        &sweep_with("[[parameters]]\nkey = \"amnesty.credibility\"\nfrom = 0.0\nto = 1.0\nsteps = 2.5\n"),
        &["s.toml:7:9: `parameters[0].steps`: invalid type: number `2.5`, expected an integer"],
    );
    sweep_refused(&sweep_with("[[parameters]]\nkey = \"amnesty.credibility\"\nvalues = [0.5, \"x\"]\n"), &["`parameters[0].values`", "expected a number"]);
    for out in ["expected i64", "expected u64", "expected f64", "as i128", "u64 value was too large"] {
        let err = refused(&[("s.toml", "scenario = \"TOWN\"\nseed = 1.5\n")], &["check", "s.toml"], &["`seed`"]);
        assert!(!err.contains(out), "{err}");
    }
}

// Item 19.

#[test]
fn check_builds_every_design_point_and_lists_those_that_would_fail() {
    let t = tempfile::tempdir().unwrap();
    // Each value in range; 20 and 30 people cannot make families of 40.
    fs::write(t.path().join("s.toml"), sweep_with("[[parameters]]\nkey = \"population.people\"\nvalues = [1500, 20, 30]\n").replace("TOWN", &town())).unwrap();
    let o = resist(t.path(), &["check", "s.toml"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(stdout(&o).contains("3 design points x 1 replicates = 3 runs"), "{}", stdout(&o));
    assert!(err.contains("s.toml: point 1 (policy base, population.people = 20): `population.family_size_mean`: 40 is more than the population"), "{err}");
    assert!(err.contains("s.toml: point 2 (policy base, population.people = 30)"), "{err}");
    assert!(!err.contains("point 0"), "{err}");
    assert!(err.contains("2 of 3 design points fail"), "{err}");
    // A sweep whose every point builds is valid.
    let o = resist(&root(), &["check", "tests/data/sweep/grid.toml"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("valid: every one of 24 design points builds its scenario"), "{}", stderr(&o));
}

#[test]
fn checking_a_point_agrees_with_building_its_scenario() {
    // `check` takes a fast path (no text built); it must refuse exactly the
    // points whose scenario a run would refuse.
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("s.toml");
    fs::write(
        &path,
        format!(
            "scenario = \"{}\"\nreplicates = 1\n[[parameters]]\nkey = \"population.people\"\nvalues = [1500, 20, 45, 10]\n\
             [[parameters]]\nkey = \"population.notables_per_family\"\nvalues = [0, 3, 39]\n",
            town()
        ),
    )
    .unwrap();
    let (sweep, _) = resist::sweep::load(&path, &|p: &std::path::Path| fs::read_to_string(p)).unwrap();
    let (failed, listed) = sweep.failing_points(usize::MAX);
    let listed: Vec<usize> = listed.iter().map(|(p, _)| *p).collect();
    let built: Vec<usize> = (0..sweep.points.len()).filter(|&p| sweep.scenario(p).is_err()).collect();
    assert_eq!(listed, built);
    assert_eq!(failed, built.len());
    assert!(!built.is_empty() && built.len() < sweep.points.len(), "{built:?}");
}
