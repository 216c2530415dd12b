//! Ctrl-C (SIGINT) at any moment: a run, an ensemble and a sweep stop
//! promptly with exit 130 (never by the signal), say truthfully what remains,
//! and leave nothing under a final name but a sweep's finished points, which
//! `--resume` finishes to the bytes of an uninterrupted sweep.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn start(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_resist")).current_dir(dir).args(args).stderr(Stdio::piped()).spawn().expect("the resist binary starts")
}

/// Send SIGINT after `after`, and wait for the exit: its code (None if the
/// signal killed it) and stderr. The 10 s bound is a liveness check, generous
/// for a loaded machine: a process that ignores Ctrl-C never ends.
fn interrupt(mut child: Child, after: Duration) -> (Option<i32>, String) {
    std::thread::sleep(after);
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success(), "kill -INT");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("still running 10 s after Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    (status.code(), err)
}

fn atarib() -> String {
    root().join("scenarios/atarib.toml").display().to_string()
}

/// Wait until the process runs its own code: the handler, installed first
/// thing in main, starts a thread. (Before that the loader is still mapping
/// the program, and a signal does to it what it does to any program.)
fn wait_for_main(child: &Child) {
    let task = format!("/proc/{}/task", child.id());
    let deadline = Instant::now() + Duration::from_secs(10);
    while fs::read_dir(&task).map(|d| d.count()).unwrap_or(0) < 2 {
        assert!(Instant::now() < deadline, "the handler's thread never started");
        std::thread::yield_now();
    }
}

#[test]
fn ctrl_c_in_the_first_milliseconds_exits_130_rather_than_dying_by_the_signal() {
    let t = tempfile::tempdir().unwrap();
    for _ in 0..5 {
        // While it parses the command line and loads the scenario.
        let child = start(t.path(), &["run", &atarib(), "--out", "early"]);
        wait_for_main(&child);
        let (code, err) = interrupt(child, Duration::ZERO);
        assert_eq!(code, Some(130), "exit code (None: killed by the signal): {err}");
        assert!(err.contains("interrupted"), "{err}");
        assert_eq!(entries(t.path()), Vec::<String>::new(), "nothing may remain");
    }
}

#[test]
fn ctrl_c_stops_an_ensemble_between_days_and_leaves_nothing() {
    let t = tempfile::tempdir().unwrap();
    // Long replicates (3000 days): a process that stopped only between
    // batches of replicates would run on for far longer than the bound.
    let child = start(t.path(), &["run", &atarib(), "--replicates", "24", "--days", "3000", "--threads", "2", "--out", "ens"]);
    let (code, err) = interrupt(child, Duration::from_millis(700));
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("interrupted; nothing was written under a final name"), "{err}");
    assert_eq!(entries(t.path()), Vec::<String>::new(), "no output and no staging directory may remain");
}

#[test]
fn ctrl_c_stops_a_sweep_whose_points_fit_in_one_batch_and_keeps_finished_points_for_resume() {
    let t = tempfile::tempdir().unwrap();
    // 2 points x 4 replicates: one batch on 2 threads, about 2 s in all.
    let file = t.path().join("batch.toml");
    fs::write(
        &file,
        format!("scenario = \"{}\"\nseed = 3\nreplicates = 4\ndays = 300\n[[parameters]]\nkey = \"amnesty.credibility\"\nvalues = [0.3, 0.6]\n", atarib()),
    )
    .unwrap();
    let child = start(t.path(), &["sweep", "batch.toml", "--out", "cut", "--threads", "2"]);
    let (code, err) = interrupt(child, Duration::from_millis(300));
    assert_eq!(code, Some(130), "{err}");
    // The message says what is kept, where, and how to finish.
    assert!(err.contains("design points are finished and kept in cut/points/"), "{err}");
    assert!(err.contains("runs.csv, aggregates.csv and manifest.json were not written"), "{err}");
    assert!(err.contains("resist sweep batch.toml --out cut --resume"), "{err}");
    // And it is so: the state and whole point pairs, no result, no temporary.
    let cut = t.path().join("cut");
    assert_eq!(entries(&cut), ["points", "sweep.json"]);
    let points = entries(&cut.join("points"));
    assert!(points.iter().all(|f| f.ends_with(".runs.jsonl") || f.ends_with(".agg.csv")), "{points:?}");
    assert_eq!(points.iter().filter(|f| f.ends_with(".runs.jsonl")).count(), points.iter().filter(|f| f.ends_with(".agg.csv")).count());
    let finished: usize = err.split(" of 2 design points").next().unwrap().rsplit(' ').next().unwrap().parse().unwrap();
    assert_eq!(points.len(), 2 * finished, "the message counts the points kept: {err}");
    // --resume finishes it to the bytes of an uninterrupted sweep.
    for args in [&["sweep", "batch.toml", "--out", "cut", "--resume", "--threads", "1"][..], &["sweep", "batch.toml", "--out", "whole"]] {
        let o = resist(t.path(), args, &[]);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    for f in ["runs.csv", "aggregates.csv"] {
        assert!(fs::read(cut.join(f)).unwrap() == fs::read(t.path().join("whole").join(f)).unwrap(), "{f} differs after the resume");
    }
}

#[test]
fn ctrl_c_ends_a_command_that_writes_nothing_at_once() {
    // `seeds` re-runs the fixtures (most of a second) and writes nothing:
    // Ctrl-C ends it at once with 130, not after the last fixture with 0.
    let t = tempfile::tempdir().unwrap();
    let seeds = root().join("seeds").display().to_string();
    let child = start(t.path(), &["seeds", "--dir", &seeds]);
    wait_for_main(&child);
    let (code, err) = interrupt(child, Duration::from_millis(50));
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert_eq!(entries(t.path()), Vec::<String>::new());
}
