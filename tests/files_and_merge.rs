//! What protects outputs and the files they are built from: an output is
//! never one of the inputs, merges are atomic, point files carry their own
//! blake3, replays check the files, `--force` leaves nothing hidden, one
//! writer per output (a lock), and resume clears stale temporaries.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// A sweep of 6 points x 2 replicates of the small town (fast).
fn small_sweep(dir: &Path) -> String {
    let town = root().join("tests/data/sweep/town.toml");
    let text = format!(
        "scenario = \"{}\"\nname = \"small\"\nseed = 4\nreplicates = 2\ndays = 60\n[[parameters]]\nkey = \"amnesty.credibility\"\nvalues = [0.1, 0.3, 0.5, 0.7, 0.8, 0.9]\n",
        town.display()
    );
    fs::write(dir.join("small.toml"), text).unwrap();
    "small.toml".into()
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let o = resist(dir, args, &[]);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

fn failed_with(o: &Output, code: i32, expect: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "{err}");
    for e in expect {
        assert!(err.contains(e), "message lacks {e:?}: {err}");
    }
}

/// Every file under `dir` with its bytes, sorted by path (hidden ones included).
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(dir).unwrap().to_path_buf(), fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn same_results(a: &Path, b: &Path) {
    for f in ["runs.csv", "aggregates.csv", "manifest.json"] {
        assert!(fs::read(a.join(f)).unwrap() == fs::read(b.join(f)).unwrap(), "{f} differs between {} and {}", a.display(), b.display());
    }
}

/// The whole sweep in `whole`, and its two shards in `s1` and `s2`.
fn shards(t: &Path) -> String {
    let s = small_sweep(t);
    ok(t, &["sweep", &s, "--out", "whole"]);
    ok(t, &["sweep", &s, "--out", "s1", "--shard", "1/2"]);
    ok(t, &["sweep", &s, "--out", "s2", "--shard", "2/2"]);
    s
}

#[test]
fn merge_refuses_output_that_is_an_input() {
    let t = tempfile::tempdir().unwrap();
    shards(t.path());
    let before = tree(&t.path().join("s1"));
    let o = resist(t.path(), &["merge", "s1", "s2", "--out", "s1", "--force"], &[]);
    failed_with(&o, 2, &["s1", "is the input", "an output is never one of the inputs"]);
    assert_eq!(tree(&t.path().join("s1")), before, "the input must be untouched");
    // Also through another spelling of the same directory.
    let o = resist(t.path(), &["merge", "s1", "s2", "--out", "s2/../s1", "--force"], &[]);
    failed_with(&o, 2, &["is the input"]);
    // An output inside an input, and an output that holds the inputs.
    let o = resist(t.path(), &["merge", "s1", "s2", "--out", "s1/merged", "--force"], &[]);
    failed_with(&o, 2, &["lies inside the input s1"]);
    fs::create_dir(t.path().join("sh")).unwrap();
    fs::rename(t.path().join("s2"), t.path().join("sh/s2")).unwrap();
    let o = resist(t.path(), &["merge", "s1", "sh/s2", "--out", "sh", "--force"], &[]);
    failed_with(&o, 2, &["holds the input sh/s2"]);
    assert_eq!(tree(&t.path().join("s1")), before);
    assert!(t.path().join("sh/s2/sweep.json").exists());
    assert_eq!(entries(t.path()), vec!["s1", "sh", "small.toml", "whole"], "nothing may be written");
}

#[test]
fn run_and_sweep_refuse_an_output_that_is_or_holds_an_input() {
    let t = tempfile::tempdir().unwrap();
    fs::create_dir_all(t.path().join("a")).unwrap();
    fs::create_dir_all(t.path().join("b")).unwrap();
    fs::write(t.path().join("b/base.toml"), fs::read_to_string(root().join("tests/data/small.toml")).unwrap()).unwrap();
    fs::write(t.path().join("a/x.toml"), "base = \"../b/base.toml\"\n").unwrap();
    let before = tree(t.path());
    // The scenario file itself, the directory that holds it, and the directory of its base.
    for (out, how) in [("a/x.toml", "is the input a/x.toml"), ("a", "holds the input a/x.toml"), ("b", "holds the input b/base.toml")] {
        let o = resist(t.path(), &["run", "a/x.toml", "--out", out, "--force"], &[]);
        failed_with(&o, 2, &[how, "an output is never one of the inputs"]);
        assert_eq!(tree(t.path()), before, "--out {out}: the inputs must be untouched");
    }
    let s = small_sweep(&t.path().join("a"));
    let o = resist(t.path(), &["sweep", &format!("a/{s}"), "--out", "a", "--force"], &[]);
    failed_with(&o, 2, &["holds the input a/small.toml"]);
    assert!(t.path().join("a/small.toml").exists());
}

#[test]
fn a_failed_merge_leaves_nothing_and_a_retry_works() {
    let t = tempfile::tempdir().unwrap();
    let s = shards(t.path());
    // A point file changed after it was written: the merge fails part way.
    let runs = t.path().join("s2/points/p000003.runs.jsonl");
    let text = fs::read_to_string(&runs).unwrap();
    fs::write(&runs, text.replacen("\"ok\"", "\"failed\"", 1)).unwrap();
    let o = resist(t.path(), &["merge", "s1", "s2", "--out", "merged"], &[]);
    failed_with(&o, 2, &["p000003.runs.jsonl", "does not match its blake3"]);
    assert_eq!(entries(t.path()), vec!["s1", "s2", "small.toml", "whole"], "no partial output, staging or lock may remain");
    // Resuming the shard runs the point again; the retry then succeeds.
    let o = ok(t.path(), &["sweep", &s, "--out", "s2", "--shard", "2/2", "--resume"]);
    assert!(stderr(&o).contains("running point 3 again"), "{}", stderr(&o));
    ok(t.path(), &["merge", "s1", "s2", "--out", "merged"]);
    same_results(&t.path().join("whole"), &t.path().join("merged"));
    assert_eq!(entries(t.path()), vec!["merged", "s1", "s2", "small.toml", "whole"]);
    // A merge that fails for a missing shard leaves the old output as it was.
    let before = tree(&t.path().join("merged"));
    let o = resist(t.path(), &["merge", "s1", "--out", "merged", "--force"], &[]);
    failed_with(&o, 2, &["design point 1 is in none of the shards"]);
    assert_eq!(tree(&t.path().join("merged")), before);
    assert_eq!(entries(t.path()), vec!["merged", "s1", "s2", "small.toml", "whole"]);
}

#[test]
fn merge_refuses_tampered_point_files() {
    let t = tempfile::tempdir().unwrap();
    shards(t.path());
    type Tamper = fn(&str) -> String;
    let cases: [(&str, Tamper); 4] = [
        ("p000001.runs.jsonl", |s| s.replacen("\"0.3\"", "\"0.4\"", 1)),
        ("p000001.runs.jsonl", |s| format!("{s}{}\n", s.lines().next().unwrap())),
        ("p000001.runs.jsonl", |_| String::new()),
        ("p000001.agg.csv", |s| s[..s.len() / 2].to_string()),
    ];
    for (file, tamper) in cases {
        let path = t.path().join("s2/points").join(file);
        let good = fs::read_to_string(&path).unwrap();
        let bad = tamper(&good);
        assert_ne!(good, bad);
        fs::write(&path, bad).unwrap();
        let o = resist(t.path(), &["merge", "s1", "s2", "--out", "merged"], &[]);
        failed_with(&o, 2, &[&format!("s2/points/{file}"), "does not match its blake3", "p000001.hash.json"]);
        assert!(!t.path().join("merged").exists());
        fs::write(&path, good).unwrap();
    }
    // A point record of another point is refused too.
    let points = t.path().join("s2/points");
    fs::copy(points.join("p000003.hash.json"), points.join("p000001.hash.json")).unwrap();
    let o = resist(t.path(), &["merge", "s1", "s2", "--out", "merged"], &[]);
    failed_with(&o, 2, &["p000001.hash.json", "the record of point 3"]);
}

#[test]
fn resume_runs_a_tampered_point_again_to_the_right_bytes() {
    let t = tempfile::tempdir().unwrap();
    let s = small_sweep(t.path());
    ok(t.path(), &["sweep", &s, "--out", "whole"]);
    ok(t.path(), &["sweep", &s, "--out", "k"]);
    let agg = t.path().join("k/points/p000002.agg.csv");
    let text = fs::read_to_string(&agg).unwrap();
    fs::write(&agg, &text[..text.len() - 10]).unwrap();
    let o = ok(t.path(), &["sweep", &s, "--out", "k", "--resume"]);
    assert!(stderr(&o).contains("p000002.agg.csv: does not match its blake3") && stderr(&o).contains("running point 2 again"), "{}", stderr(&o));
    same_results(&t.path().join("whole"), &t.path().join("k"));
    assert_eq!(fs::read_to_string(&agg).unwrap(), text);
}

#[test]
fn resume_clears_stale_temporaries() {
    let t = tempfile::tempdir().unwrap();
    let s = small_sweep(t.path());
    ok(t.path(), &["sweep", &s, "--out", "whole"]);
    ok(t.path(), &["sweep", &s, "--out", "k"]);
    // As a SIGKILL or a full disk leaves it: points 3.. unfinished, no results,
    // and temporaries of atomic writes and of the assembly.
    let k = t.path().join("k");
    for p in 3..6 {
        fs::remove_file(k.join(format!("points/p{p:06}.hash.json"))).unwrap();
    }
    for f in ["runs.csv", "aggregates.csv", "manifest.json"] {
        fs::remove_file(k.join(f)).unwrap();
    }
    for f in
        ["points/p000003.agg.tmp-99999", "points/p000004.runs.tmp-12", "points/p000005.hash.tmp-7", ".runs.csv.tmp", ".aggregates.csv.tmp", "manifest.tmp-31"]
    {
        fs::write(k.join(f), "half").unwrap();
    }
    ok(t.path(), &["sweep", &s, "--out", "k", "--resume"]);
    same_results(&t.path().join("whole"), &k);
    let stray: Vec<PathBuf> = tree(&k).into_iter().map(|(p, _)| p).filter(|p| p.to_string_lossy().contains("tmp")).collect();
    assert!(stray.is_empty(), "stale temporaries remain: {stray:?}");
    assert_eq!(tree(&k).len(), tree(&t.path().join("whole")).len());
}

fn run_small(dir: &Path, out: &str, force: bool) -> Output {
    let scenario = root().join("tests/data/small.toml");
    let mut args = vec!["run", scenario.to_str().unwrap(), "--out", out, "--days", "30"];
    if force {
        args.push("--force");
    }
    resist(dir, &args, &[])
}

#[test]
fn force_over_a_regular_file_leaves_nothing_hidden() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("o"), "a file where the output goes").unwrap();
    for _ in 0..2 {
        let o = run_small(t.path(), "o", true);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(t.path().join("o").is_dir());
        assert_eq!(entries(t.path()), vec!["o"], "nothing may be left hidden beside the output");
    }
}

#[test]
fn force_clears_a_stale_set_aside_output_and_staging() {
    let t = tempfile::tempdir().unwrap();
    assert!(run_small(t.path(), "o", false).status.success());
    // What a writer killed during its move left: a set-aside old output (a
    // directory, then a file) and a staging directory.
    fs::create_dir_all(t.path().join(".o.old/sub")).unwrap();
    fs::write(t.path().join(".o.old/sub/timeseries.csv"), "old").unwrap();
    fs::create_dir_all(t.path().join(".o.partial-99999")).unwrap();
    fs::write(t.path().join(".o.partial-99999/events.csv"), "half").unwrap();
    let o = run_small(t.path(), "o", true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(entries(t.path()), vec!["o"]);
    fs::write(t.path().join(".o.old"), "a file").unwrap();
    let o = run_small(t.path(), "o", true);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(entries(t.path()), vec!["o"]);
    assert_eq!(entries(&t.path().join("o")), vec!["events.csv", "manifest.json", "summary.json", "timeseries.csv"]);
}

/// Hold the lock of output `name` in `dir` as another resist would.
fn hold_lock(dir: &Path, name: &str) -> fs::File {
    let f = fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(format!(".{name}.lock"))).unwrap();
    f.try_lock().unwrap();
    f
}

#[test]
fn a_second_writer_of_one_output_is_refused_by_its_lock() {
    let t = tempfile::tempdir().unwrap();
    let held = hold_lock(t.path(), "o");
    let o = run_small(t.path(), "o", false);
    failed_with(&o, 2, &["o: another resist", ".o.lock", "choose another --out"]);
    assert_eq!(entries(t.path()), vec![".o.lock"], "a refused run writes nothing");
    let o = run_small(t.path(), "o", true);
    failed_with(&o, 2, &[".o.lock"]);
    drop(held);
    let o = run_small(t.path(), "o", false);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(entries(t.path()), vec!["o"], "the lock file goes with its holder");

    // Two resumes of one sweep directory: the second is told why.
    let s = small_sweep(t.path());
    ok(t.path(), &["sweep", &s, "--out", "sw", "--shard", "1/2"]);
    let before = tree(&t.path().join("sw"));
    let held = hold_lock(t.path(), "sw");
    let o = resist(t.path(), &["sweep", &s, "--out", "sw", "--resume"], &[]);
    failed_with(&o, 2, &["sw: another resist", ".sw.lock"]);
    assert_eq!(tree(&t.path().join("sw")), before);
    drop(held);
    ok(t.path(), &["sweep", &s, "--out", "sw", "--resume"]);
}

#[test]
fn two_runs_started_together_on_one_output_do_not_both_succeed() {
    let t = tempfile::tempdir().unwrap();
    let scenario = root().join("tests/data/small.toml");
    let start = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_resist"))
            .current_dir(t.path())
            .args(["run", scenario.to_str().unwrap(), "--out", "o"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start(), start());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let codes = [a.status.code(), b.status.code()];
    assert!(codes.contains(&Some(0)) && codes.contains(&Some(2)), "one must succeed and one be refused: {codes:?}\n{}\n{}", stderr(&a), stderr(&b));
    let refused = if a.status.success() { &b } else { &a };
    assert!(stderr(refused).contains("another resist") || stderr(refused).contains("already exists"), "{}", stderr(refused));
    assert_eq!(entries(t.path()), vec!["o"]);
}

#[test]
fn replay_checks_the_files_against_the_manifest() {
    let t = tempfile::tempdir().unwrap();
    assert!(run_small(t.path(), "r", false).status.success());
    let manifest = t.path().join("r/manifest.json");
    let replay = || resist(t.path(), &["replay", "r/manifest.json"], &[]);
    let o = replay();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("files match"), "{}", stdout(&o));

    // An edited file on disk.
    let ts = t.path().join("r/timeseries.csv");
    let good = fs::read_to_string(&ts).unwrap();
    fs::write(&ts, good.replacen('\n', "\n9", 2)).unwrap();
    let o = replay();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("r/timeseries.csv: does not match its blake3 in the manifest"), "{}", stdout(&o));
    fs::write(&ts, &good).unwrap();

    // A tampered hash in the manifest's `files`.
    let text = fs::read_to_string(&manifest).unwrap();
    let m: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events_hash = m["files"]["events.csv"].as_str().unwrap().to_string();
    fs::write(&manifest, text.replace(&events_hash, &"0".repeat(64))).unwrap();
    let o = replay();
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("events.csv") && stdout(&o).contains("does not match its blake3"), "{}", stdout(&o));

    // A scenario changed in the manifest, its hash left as it was: refused before running.
    let mut m = m.clone();
    let scenario = m["scenario"].as_str().unwrap().replacen("name = \"", "name = \"edited ", 1);
    assert_ne!(scenario, m["scenario"].as_str().unwrap());
    m["scenario"] = serde_json::Value::String(scenario);
    fs::write(&manifest, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let o = replay();
    failed_with(&o, 2, &["r/manifest.json", "scenario_hash", "hashes to"]);

    // A manifest made by an earlier resist, whose scenario lacks a parameter
    // added since (it takes its default): replayed, with a note.
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut older = original.clone();
    let lines: Vec<&str> = original["scenario"].as_str().unwrap().lines().filter(|l| !l.starts_with("placement =")).collect();
    let scenario = lines.join("\n") + "\n";
    assert_ne!(scenario, original["scenario"].as_str().unwrap(), "the scenario names epstein.placement");
    older["scenario_hash"] = serde_json::Value::String(blake3::hash(scenario.as_bytes()).to_hex()[..16].to_string());
    older["scenario"] = serde_json::Value::String(scenario);
    fs::write(&manifest, serde_json::to_string_pretty(&older).unwrap()).unwrap();
    let o = replay();
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), common::stderr(&o));
    assert!(common::stderr(&o).contains("parameters added since the run"), "{}", common::stderr(&o));
}

#[test]
fn merge_io_failures_name_the_path() {
    let t = tempfile::tempdir().unwrap();
    shards(t.path());
    fs::write(t.path().join("afile"), "not a directory").unwrap();
    let o = resist(t.path(), &["merge", "s1", "s2", "--out", "afile/merged"], &[]);
    failed_with(&o, 3, &["afile"]);
    // A point file that cannot be read is named too.
    let agg = t.path().join("s1/points/p000000.agg.csv");
    fs::remove_file(&agg).unwrap();
    fs::create_dir(&agg).unwrap();
    let o = resist(t.path(), &["merge", "s1", "s2", "--out", "merged"], &[]);
    failed_with(&o, 2, &["s1/points/p000000.agg.csv: cannot read it"]);
    assert!(!t.path().join("merged").exists());
}
