//! Sweeps as users run them: identical bytes whatever the thread count, shard
//! split or interruption; failures isolated; bad sweep files refused.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;
use std::path::Path;

use common::*;

const FILES: [&str; 3] = ["runs.csv", "aggregates.csv", "manifest.json"];

fn sweep_file(name: &str) -> String {
    root().join("tests/data/sweep").join(name).display().to_string()
}

fn run_sweep(dir: &Path, args: &[&str]) -> std::process::Output {
    let o = resist(dir, args, &[]);
    assert!(o.status.success(), "{:?}: {}", args, stderr(&o));
    o
}

fn same(a: &Path, b: &Path) {
    for f in FILES {
        assert!(fs::read(a.join(f)).unwrap() == fs::read(b.join(f)).unwrap(), "{f} differs between {} and {}", a.display(), b.display());
    }
}

#[test]
fn a_sweep_gives_identical_bytes_with_one_or_two_threads() {
    let t = tempfile::tempdir().unwrap();
    let g = sweep_file("grid.toml");
    run_sweep(t.path(), &["sweep", &g, "--out", "one", "--threads", "1"]);
    run_sweep(t.path(), &["sweep", &g, "--out", "two", "--threads", "2"]);
    same(&t.path().join("one"), &t.path().join("two"));
    // Run ids in order, seeds fixed by (master seed, point, replicate).
    let runs = fs::read_to_string(t.path().join("one/runs.csv")).unwrap();
    let ids: Vec<u64> = runs.lines().skip(1).map(|l| l.split(',').next().unwrap().parse().unwrap()).collect();
    assert_eq!(ids, (0..96).collect::<Vec<u64>>());
    let seed_col = runs.lines().next().unwrap().split(',').position(|c| c == "seed").unwrap();
    let second = runs.lines().nth(2).unwrap().split(',').nth(seed_col).unwrap().to_string();
    assert_eq!(second, resist::rng::derive_seed(9, 0, 1).to_string());
}

#[test]
fn three_shards_merged_give_the_bytes_of_one_machine() {
    let t = tempfile::tempdir().unwrap();
    let g = sweep_file("grid.toml");
    run_sweep(t.path(), &["sweep", &g, "--out", "whole"]);
    for k in 1..=3 {
        run_sweep(t.path(), &["sweep", &g, "--out", &format!("s{k}"), "--shard", &format!("{k}/3")]);
    }
    run_sweep(t.path(), &["merge", "s1", "s2", "s3", "--out", "merged"]);
    same(&t.path().join("whole"), &t.path().join("merged"));
    // A missing shard is refused.
    let o = resist(t.path(), &["merge", "s1", "s2", "--out", "partial"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("in none of the shards"), "{}", stderr(&o));
}

#[test]
fn a_sweep_killed_at_a_random_moment_resumes_to_identical_bytes() {
    let t = tempfile::tempdir().unwrap();
    let g = sweep_file("grid.toml");
    run_sweep(t.path(), &["sweep", &g, "--out", "whole", "--threads", "2"]);
    // A random moment within the sweep (which takes about a second).
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    let delay = 50 + u64::from(nanos % 700);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_resist"))
        .current_dir(t.path())
        .args(["sweep", &g, "--out", "killed", "--threads", "2"])
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(delay));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let left = fs::read_dir(t.path().join("killed/points")).map(|d| d.count()).unwrap_or(0);
    eprintln!("killed after {delay} ms with {left} point files written");
    run_sweep(t.path(), &["sweep", &g, "--out", "killed", "--resume", "--threads", "1"]);
    same(&t.path().join("whole"), &t.path().join("killed"));
    // No temporary file is left under a final name or beside them.
    let stray: Vec<String> =
        fs::read_dir(t.path().join("killed")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.contains("tmp")).collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn an_invalid_design_point_fails_alone_and_is_recorded() {
    // Each value is in its range, but 20 people cannot make families of 40:
    // the scenario refuses that point, and only that point.
    let t = tempfile::tempdir().unwrap();
    fs::write(
        t.path().join("bad-point.toml"),
        format!("scenario = \"{}\"\nreplicates = 2\n[[parameters]]\nkey = \"population.people\"\nvalues = [1500, 20]\n", sweep_file("town.toml")),
    )
    .unwrap();
    run_sweep(t.path(), &["sweep", "bad-point.toml", "--out", "o"]);
    let runs = fs::read_to_string(t.path().join("o/runs.csv")).unwrap();
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[1].contains(",ok,") && lines[2].contains(",ok,"));
    assert!(lines[3].contains(",failed,") && lines[3].contains("population.family_size_mean") && lines[3].contains("more than the population"), "{}", lines[3]);
    let manifest: serde_json::Value = serde_json::from_str(&fs::read_to_string(t.path().join("o/manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["failed_runs"].as_u64(), Some(2));
}

#[test]
fn matrix_and_sobol_designs_run_their_points() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("m.csv"), "amnesty.credibility,aftermath.followup\n0.2,0.0\n0.9,0.5\n0.5,1.0\n").unwrap();
    fs::write(
        t.path().join("m.toml"),
        format!("scenario = \"{}\"\nreplicates = 2\n[design]\nkind = \"matrix\"\nmatrix = \"m.csv\"\n", sweep_file("town.toml")),
    )
    .unwrap();
    run_sweep(t.path(), &["sweep", "m.toml", "--out", "m"]);
    let runs = fs::read_to_string(t.path().join("m/runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 7);
    assert!(runs.lines().nth(3).unwrap().contains(",0.9,0.5,"), "{runs}");
    fs::write(
        t.path().join("s.toml"),
        format!(
            "scenario = \"{}\"\nreplicates = 1\n[design]\nkind = \"sobol\"\nsamples = 4\n[[parameters]]\nkey = \"aftermath.followup\"\nmin = 0.0\nmax = 0.8\n\
             [[parameters]]\nkey = \"armed_groups.count\"\nmin = 1\nmax = 4\n",
            sweep_file("town.toml")
        ),
    )
    .unwrap();
    let o = resist(t.path(), &["sweep", "s.toml", "--out", "s"], &[]);
    // Sobol's first points after the origin, 0.5, 0.75, 0.25, 0.375, scaled to [0, 0.8];
    // the integer key takes the whole numbers 1 to 4, each over a quarter of [0, 1).
    assert!(o.status.success(), "{}", stderr(&o));
    let runs = fs::read_to_string(t.path().join("s/runs.csv")).unwrap();
    assert_eq!(runs.lines().filter(|l| l.contains(",ok,")).count(), 4, "{runs}");
    for expected in [",0.4,3,ok,", ",0.6000000000000001,2,ok,", ",0.2,4,ok,", ",0.30000000000000004,2,ok,"] {
        assert!(runs.contains(expected), "{expected} in {runs}");
    }
}

/// A bad sweep file: exit 2, a message with file, line, key and what is allowed, nothing written.
fn refused(files: &[(&str, &str)], args: &[&str], expect: &[&str]) {
    let t = tempfile::tempdir().unwrap();
    for (n, text) in files {
        fs::write(t.path().join(n), text.replace("TOWN", &sweep_file("town.toml"))).unwrap();
    }
    let before = entries(t.path());
    let o = resist(t.path(), args, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for e in expect {
        assert!(err.contains(e), "message lacks {e:?}: {err}");
    }
    assert_eq!(entries(t.path()), before, "nothing may be written");
}

#[test]
fn an_unknown_swept_parameter_is_refused() {
    refused(
        &[("s.toml", "scenario = \"TOWN\"\n[[parameters]]\nkey = \"amnesty.credibilty\"\nvalues = [0.5]\n")],
        &["sweep", "s.toml", "--out", "o"],
        &["s.toml:3:1:", "parameters[0].key", "\"amnesty.credibilty\" is not a parameter"],
    );
}

#[test]
fn reversed_bounds_are_refused() {
    refused(
        &[(
            "s.toml",
            "scenario = \"TOWN\"\n[design]\nkind = \"latin_hypercube\"\nsamples = 4\n[[parameters]]\nkey = \"amnesty.credibility\"\nmin = 0.9\nmax = 0.1\n",
        )],
        &["sweep", "s.toml", "--out", "o"],
        &["s.toml:7:1:", "parameters[0].min", "bounds reversed", "allowed min <= max"],
    );
}

#[test]
fn a_sample_matrix_with_a_wrong_column_is_refused() {
    refused(
        &[("m.csv", "amnesty.credibility,no.such_key\n0.1,0.2\n"), ("s.toml", "scenario = \"TOWN\"\n[design]\nkind = \"matrix\"\nmatrix = \"m.csv\"\n")],
        &["sweep", "s.toml", "--out", "o"],
        &["m.csv:1:2:", "column 2", "\"no.such_key\" is not a parameter"],
    );
}

#[test]
fn a_shard_spec_beyond_its_count_is_refused() {
    refused(&[("s.toml", "scenario = \"TOWN\"\n")], &["sweep", "s.toml", "--out", "o", "--shard", "4/3"], &["--shard 4/3", "1 <= K <= N"]);
}

#[test]
fn check_validates_sweep_files() {
    let o = resist(&root(), &["check", "scenarios/sweeps/amnesty-reach.toml"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("9 design points x 20 replicates = 180 runs"), "{}", stdout(&o));
    refused(
        &[("s.toml", "scenario = \"TOWN\"\n[design]\nkind = \"grid\"\n")],
        &["check", "s.toml"],
        &["s.toml:3:1:", "design.kind", "\"grid\" is not one of the allowed values"],
    );
}

#[test]
fn sweeping_followup_changes_the_runs_through_its_channels() {
    // Follow-up's channels are filled in from `followup` when a policy is
    // resolved; a sweep over `followup` must move them with it.
    let tmp = tempfile::tempdir().unwrap();
    let atarib = root().join("scenarios/atarib.toml").display().to_string();
    std::fs::write(
        tmp.path().join("f.toml"),
        format!("scenario = \"{atarib}\"\nseed = 3\nreplicates = 1\ndays = 400\n[[parameters]]\nkey = \"aftermath.followup\"\nvalues = [0.0, 0.8]\n"),
    )
    .unwrap();
    run_sweep(tmp.path(), &["sweep", "f.toml", "--out", "f"]);
    let text = std::fs::read_to_string(tmp.path().join("f/runs.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert!(rows[0][at("uprising.day")].parse::<u32>().is_ok(), "the town rose, so there is an aftermath to follow up");
    assert_ne!(rows[0][at("fingerprint")], rows[1][at("fingerprint")], "followup 0 and 0.8 ran the same");
}
