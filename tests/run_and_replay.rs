//! The `resist` command as a user meets it: runs are byte-identical for the
//! same scenario and seed (whatever the thread count), differ for another
//! seed, replay from their manifest, and never overwrite without --force.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;

use common::*;

const FILES: [&str; 3] = ["timeseries.csv", "events.csv", "summary.json"];

fn run_in(dir: &std::path::Path, out: &str, seed: &str, threads: &str) -> std::process::Output {
    let scenario = root().join("tests/data/small.toml");
    resist(dir, &["run", scenario.to_str().unwrap(), "--seed", seed, "--out", out], &[("RAYON_NUM_THREADS", threads)])
}

#[test]
fn same_seed_gives_identical_bytes_with_one_or_two_threads_and_another_seed_differs() {
    let t = tempfile::tempdir().unwrap();
    for (out, seed, threads) in [("a", "5", "1"), ("b", "5", "2"), ("c", "5", "2"), ("d", "6", "2")] {
        let o = run_in(t.path(), out, seed, threads);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for f in FILES {
        let a = fs::read(t.path().join("a").join(f)).unwrap();
        assert_eq!(a, fs::read(t.path().join("b").join(f)).unwrap(), "{f}: 1 thread vs 2");
        assert_eq!(a, fs::read(t.path().join("c").join(f)).unwrap(), "{f}: twice with 2 threads");
    }
    assert_ne!(
        fs::read(t.path().join("a/timeseries.csv")).unwrap(),
        fs::read(t.path().join("d/timeseries.csv")).unwrap(),
        "another seed must give another run"
    );
}

#[test]
fn replay_confirms_a_run_and_flags_a_tampered_manifest() {
    let t = tempfile::tempdir().unwrap();
    let o = run_in(t.path(), "r", "11", "2");
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest = t.path().join("r/manifest.json");
    let o = resist(t.path(), &["replay", manifest.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("fingerprint matches"));
    // The run's directory stands for its manifest.
    let o = resist(t.path(), &["replay", "r"], &[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // Change the seed in the manifest: the replay must no longer match.
    let text = fs::read_to_string(&manifest).unwrap();
    let tampered = text.replace("\"seed\": 11,", "\"seed\": 12,");
    assert_ne!(text, tampered);
    fs::write(&manifest, tampered).unwrap();
    let o = resist(t.path(), &["replay", manifest.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("fingerprint differs"));
}

#[test]
fn manifest_records_what_reproduces_the_run() {
    let t = tempfile::tempdir().unwrap();
    let o = run_in(t.path(), "m", "3", "2");
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value = serde_json::from_str(&fs::read_to_string(t.path().join("m/manifest.json")).unwrap()).unwrap();
    for key in ["resist_version", "git_commit", "platform", "scenario_hash", "seed", "replicate", "days", "wall_seconds", "fingerprint", "scenario", "files"] {
        assert!(m.get(key).is_some(), "manifest lacks {key}");
    }
    let ts = fs::read_to_string(t.path().join("m/timeseries.csv")).unwrap();
    let ev = fs::read_to_string(t.path().join("m/events.csv")).unwrap();
    assert_eq!(m["fingerprint"].as_str().unwrap(), resist::render::fingerprint(&ts, &ev));
    assert_eq!(m["seed"].as_u64(), Some(3));
    // One row a day, plus day 0 and the header.
    assert_eq!(ts.lines().count(), 120 + 2);
}

#[test]
fn existing_output_is_kept_without_force_and_replaced_with_it() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("o");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "mine").unwrap();
    let o = run_in(t.path(), "o", "1", "2");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists") && stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(entries(&out), vec!["keep.txt"]);
    assert_eq!(entries(t.path()), vec!["o"], "no staging directory may be left behind");

    let scenario = root().join("tests/data/small.toml");
    let o = resist(t.path(), &["run", scenario.to_str().unwrap(), "--out", "o", "--force"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(entries(&out), vec!["events.csv", "manifest.json", "summary.json", "timeseries.csv"]);
    assert_eq!(entries(t.path()), vec!["o"]);
}

#[test]
fn check_prints_a_resolved_scenario_that_reads_back_to_the_same_scenario() {
    let t = tempfile::tempdir().unwrap();
    let o = resist(&root(), &["check", "scenarios/atarib.toml"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    // Every parameter appears, defaults included.
    for key in ["kin_degree", "fear_half_life_days", "duration_mean_days", "threshold_sd"] {
        assert!(text.contains(key), "resolved scenario lacks {key}");
    }
    let path = t.path().join("resolved.toml");
    fs::write(&path, &text).unwrap();
    let again = resist(&root(), &["check", path.to_str().unwrap()], &[]);
    assert!(again.status.success());
    assert_eq!(stdout(&again), text);
    assert_eq!(common::scenario("scenarios/atarib.toml"), resist::scenario::Scenario::from_text("r", &text).unwrap());
}

#[test]
fn interrupted_run_leaves_nothing_under_a_final_name() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("big.toml"), "[population]\npeople = 6000000\n").unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_resist"))
        .current_dir(t.path())
        .args(["run", "big.toml", "--out", "out", "--days", "100000"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let kill = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("interrupted"));
    assert_eq!(entries(t.path()), vec!["big.toml"], "no output and no staging directory may remain");
}
