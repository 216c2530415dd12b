//! `resist calibrate`: ABC-SMC end to end on Epstein's model, where the
//! data come from a run at a known legitimacy, so the posterior must find it;
//! the same bytes after a resume and with any number of threads; bad files
//! refused with what is allowed.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use common::{resist, stderr, stdout};

fn calibration(dir: &Path, target: &str, generations: u32) {
    let text = format!(
        "scenario = \"{}\"\nname = \"legitimacy\"\nseed = 4\ndays = 40\nparticles = 60\ngenerations = {generations}\n\
         [[free]]\nkey = \"epstein.legitimacy\"\nmin = 0.5\nmax = 0.95\n{target}",
        common::root().join("scenarios/epstein.toml").display()
    );
    std::fs::write(dir.join("c.toml"), text).unwrap();
}

fn posterior(dir: &Path) -> Vec<(f64, f64)> {
    let text = std::fs::read_to_string(dir.join("out/posterior.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("epstein.legitimacy,weight,distance,attempt"));
    lines
        .map(|l| {
            let c: Vec<f64> = l.split(',').map(|x| x.parse().unwrap()).collect();
            (c[0], c[1])
        })
        .collect()
}

#[test]
fn calibration_finds_the_legitimacy_that_made_the_data() {
    let tmp = tempfile::tempdir().unwrap();
    let truth = 0.7;
    // The data: a scenario at the true legitimacy, 8 replicates' mean of mean_active.
    std::fs::write(
        tmp.path().join("truth.toml"),
        format!("base = \"{}\"\n[epstein]\nlegitimacy = {truth}\n", common::root().join("scenarios/epstein.toml").display()),
    )
    .unwrap();
    let mut sum = 0.0;
    for r in 0..8 {
        let out = format!("obs{r}");
        let o = resist(tmp.path(), &["run", "truth.toml", "--out", &out, "--days", "40", "--replicate", &r.to_string()], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(tmp.path().join(&out).join("summary.json")).unwrap()).unwrap();
        sum += v["mean_active"].as_f64().expect("mean_active");
    }
    let observed = sum / 8.0;
    calibration(tmp.path(), &format!("[[target]]\noutcome = \"mean_active\"\nvalue = {observed}\nscale = 5\n"), 5);
    let o = resist(tmp.path(), &["calibrate", "c.toml", "--out", "out"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("epstein.legitimacy: posterior mean"), "{}", stdout(&o));
    let p = posterior(tmp.path());
    assert_eq!(p.len(), 60);
    let mean: f64 = p.iter().map(|(x, w)| x * w).sum();
    let sd = p.iter().map(|(x, w)| w * (x - mean).powi(2)).sum::<f64>().sqrt();
    assert!((mean - truth).abs() < 0.05, "posterior mean {mean} against the truth {truth}");
    assert!(sd < 0.06, "posterior sd {sd}: the data should narrow the prior (sd 0.13)");
    let table = std::fs::read_to_string(tmp.path().join("out/generations.csv")).unwrap();
    let tolerances: Vec<f64> = table.lines().skip(2).map(|l| l.split(',').nth(1).unwrap().parse().unwrap()).collect();
    assert!(tolerances.windows(2).all(|w| w[1] < w[0]), "tolerances fall: {tolerances:?}");
    for f in ["manifest.json", "charts/calibration-marginals.svg", "charts/calibration-pairs.png"] {
        assert!(tmp.path().join("out").join(f).is_file(), "{f}");
    }
    // A sweep over the posterior: its points are particles drawn by weight.
    std::fs::write(
        tmp.path().join("post.toml"),
        format!(
            "scenario = \"{}\"\nseed = 3\nreplicates = 1\ndays = 10\n[design]\nkind = \"posterior\"\nposterior = \"out/posterior.csv\"\nsamples = 12\n",
            common::root().join("scenarios/epstein.toml").display()
        ),
    )
    .unwrap();
    let o = resist(tmp.path(), &["sweep", "post.toml", "--out", "post"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let runs = std::fs::read_to_string(tmp.path().join("post/runs.csv")).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let c = header.iter().position(|h| *h == "epstein.legitimacy").expect("the posterior's parameter is a column");
    let drawn: Vec<f64> = runs.lines().skip(1).map(|l| l.split(',').nth(c).unwrap().parse().unwrap()).collect();
    assert_eq!(drawn.len(), 12);
    assert!(drawn.iter().all(|v| p.iter().any(|(x, _)| x == v)), "every point is a particle: {drawn:?}");
    // A file that is not a posterior is refused where it is named.
    std::fs::write(tmp.path().join("bad.csv"), "epstein.legitimacy\n0.7\n").unwrap();
    std::fs::write(tmp.path().join("post.toml"), std::fs::read_to_string(tmp.path().join("post.toml")).unwrap().replace("out/posterior.csv", "bad.csv"))
        .unwrap();
    let o = resist(tmp.path(), &["sweep", "post.toml", "--out", "post2"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.csv:1") && stderr(&o).contains("no `weight` column"), "{}", stderr(&o));
}

#[test]
fn a_calibration_resumed_after_a_kill_and_on_one_thread_gives_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    calibration(tmp.path(), "[[target]]\noutcome = \"mean_active\"\ninterval = [40, 60]\nscale = 5\n", 3);
    assert!(resist(tmp.path(), &["calibrate", "c.toml", "--out", "out"], &[]).status.success());
    let whole = std::fs::read_to_string(tmp.path().join("out/posterior.csv")).unwrap();
    let table = std::fs::read_to_string(tmp.path().join("out/generations.csv")).unwrap();
    // As if killed during the last generation: its file and the final outputs never written.
    for f in ["generations/002.json", "posterior.csv", "generations.csv", "manifest.json"] {
        std::fs::remove_file(tmp.path().join("out").join(f)).unwrap();
    }
    let o = resist(tmp.path(), &["calibrate", "c.toml", "--out", "out"], &[]);
    assert_eq!(o.status.code(), Some(2), "an existing output needs --resume or --force");
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    let o = resist(tmp.path(), &["calibrate", "c.toml", "--out", "out", "--resume", "--threads", "1"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("resuming after 2 saved generations"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(tmp.path().join("out/posterior.csv")).unwrap(), whole);
    assert_eq!(std::fs::read_to_string(tmp.path().join("out/generations.csv")).unwrap(), table);
}

#[test]
fn a_calibration_refuses_an_unknown_target_and_a_free_key_out_of_range() {
    let tmp = tempfile::tempdir().unwrap();
    calibration(tmp.path(), "[[target]]\noutcome = \"mean_activ\"\nvalue = 3\n", 2);
    let o = resist(tmp.path(), &["calibrate", "c.toml", "--out", "out"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("target `mean_activ` is not an outcome") && stderr(&o).contains("mean_active"), "{}", stderr(&o));
    let text = std::fs::read_to_string(tmp.path().join("c.toml")).unwrap().replace("max = 0.95", "max = 1.5").replace("mean_activ\"", "mean_active\"");
    std::fs::write(tmp.path().join("c.toml"), text).unwrap();
    let o = resist(tmp.path(), &["calibrate", "c.toml", "--out", "out"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("c.toml:") && stderr(&o).contains("free[0].max"), "{}", stderr(&o));
    assert!(!tmp.path().join("out").exists(), "nothing written for a refused file");
}

#[test]
fn the_shipped_atarib_calibration_runs_and_names_only_outcomes_the_model_reports() {
    // scenarios/calibration/atarib-targets.toml, cut to two particles and one
    // generation: its free keys, ranges and targets are valid and it runs end
    // to end (the full calibration takes about 15 minutes on two cores;
    // docs/model.md, section 9).
    let tmp = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(common::root().join("scenarios/calibration/atarib-targets.toml")).unwrap();
    let base = common::root().join("scenarios/atarib.toml");
    let text: String = shipped
        .lines()
        .map(|l| match l.split('=').next().map(str::trim) {
            Some("scenario") => format!("scenario = \"{}\"", base.display()),
            Some("particles") => "particles = 2".to_string(),
            Some("generations") => "generations = 1".to_string(),
            Some("replicates") => "replicates = 1".to_string(),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("[[target]]") && text.contains("[[free]]"), "the shipped file has targets and free parameters");
    std::fs::write(tmp.path().join("atarib.toml"), text).unwrap();
    let o = resist(tmp.path(), &["calibrate", "atarib.toml", "--out", "out"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let head = std::fs::read_to_string(tmp.path().join("out/posterior.csv")).unwrap();
    for key in ["mobilisation.anger_threshold", "factions.nusra.strategy.move_cost", "aftermath.rejoin_constant"] {
        assert!(head.lines().next().unwrap().contains(key), "{key} is a free parameter");
    }
}

#[test]
fn a_posterior_sweep_rounds_integer_parameters_as_the_calibration_ran_them() {
    // The shipped Atarib posterior moves `factions.nusra.fighting.reinforcements`
    // (an integer) continuously; the calibration's runs rounded it, and a sweep
    // over the posterior must read the particles the same way, not refuse them.
    let shipped = std::fs::read_to_string(common::root().join("scenarios/calibration/atarib-posterior.csv")).unwrap();
    let header = shipped.lines().next().unwrap();
    let c = header.split(',').position(|k| k == "factions.nusra.fighting.reinforcements").expect("an integer parameter among the free ones");
    assert!(
        shipped.lines().skip(1).any(|l| l.split(',').nth(c).is_some_and(|x| x.parse::<f64>().unwrap().fract() != 0.0)),
        "some particle holds a non-whole value"
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("post.toml"),
        format!(
            "scenario = \"{}\"\nseed = 3\nreplicates = 1\ndays = 5\n[design]\nkind = \"posterior\"\nposterior = \"{}\"\nsamples = 3\n",
            common::root().join("scenarios/atarib.toml").display(),
            common::root().join("scenarios/calibration/atarib-posterior.csv").display()
        ),
    )
    .unwrap();
    let o = resist(tmp.path(), &["sweep", "post.toml", "--out", "post"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let runs = std::fs::read_to_string(tmp.path().join("post/runs.csv")).unwrap();
    let cols: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let k = cols.iter().position(|x| *x == "factions.nusra.fighting.reinforcements").expect("the swept key is a column");
    for l in runs.lines().skip(1) {
        let v: f64 = l.split(',').nth(k).unwrap().parse().unwrap();
        assert_eq!(v.fract(), 0.0, "a whole number of fighters: {v}");
    }
}

#[test]
fn an_ensemble_over_the_posterior_draws_a_particle_a_replicate_the_same_on_any_thread_count() {
    // `resist run --replicates N --posterior FILE` (issue 15: uncertainty in
    // every answer): each replicate runs at a particle drawn by weight from
    // (seed, replicate); replicates.csv names it; threads change no byte; the
    // manifest holds the first replicate's scenario, so replay reproduces it.
    let tmp = tempfile::tempdir().unwrap();
    let post = common::root().join("scenarios/calibration/atarib-posterior.csv");
    let scenario = common::root().join("scenarios/atarib.toml");
    let run = |out: &str, threads: &str| {
        let o = resist(
            tmp.path(),
            &[
                "run",
                scenario.to_str().unwrap(),
                "--replicates",
                "6",
                "--days",
                "60",
                "--posterior",
                post.to_str().unwrap(),
                "--threads",
                threads,
                "--out",
                out,
            ],
            &[],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        std::fs::read_to_string(tmp.path().join(out).join("replicates.csv")).unwrap()
    };
    let one = run("one", "1");
    assert_eq!(one, run("two", "2"), "replicates.csv depends on the thread count");
    let header: Vec<&str> = one.lines().next().unwrap().split(',').collect();
    let c = header.iter().position(|k| *k == "posterior.particle").expect("a particle column");
    let k = header.iter().position(|k| *k == "posterior.mobilisation.anger_threshold").expect("the particle's values");
    let particles: Vec<&str> = one.lines().skip(1).map(|l| l.split(',').nth(c).unwrap()).collect();
    let mut distinct = particles.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() >= 3, "6 replicates drew {} particles: {particles:?}", distinct.len());
    // The value shown is the posterior's for that particle.
    let text = std::fs::read_to_string(&post).unwrap();
    let row = |i: usize| text.lines().nth(i + 1).unwrap().split(',').next().unwrap().parse::<f64>().unwrap();
    for l in one.lines().skip(1) {
        let cells: Vec<&str> = l.split(',').collect();
        let i: usize = cells[c].parse().unwrap();
        assert_eq!(cells[k].parse::<f64>().unwrap(), row(i), "replicate's anger threshold is its particle's");
    }
    let o = resist(tmp.path(), &["replay", "one/manifest.json"], &[]);
    assert!(o.status.success() && stdout(&o).contains("fingerprint matches"), "{}{}", stdout(&o), stderr(&o));
}

/// `resist calibrate c.toml --out OUT ARGS...` in `dir`; panics with its stderr unless it succeeds.
fn ok(dir: &Path, out: &str, args: &[&str]) -> String {
    let mut all = vec!["calibrate", "c.toml", "--out", out];
    all.extend_from_slice(args);
    let o = resist(dir, &all, &[]);
    assert!(o.status.success(), "{all:?}: {}", stderr(&o));
    stderr(&o)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn a_calibration_sharded_across_machines_gives_the_same_bytes_with_all_some_or_killed_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    calibration(dir, "[[target]]\noutcome = \"mean_active\"\ninterval = [40, 60]\nscale = 5\n", 3);
    ok(dir, "whole", &[]);
    // Each generation: N shards (as a job array would run them, each on its
    // own machine), then the unsharded run completes one generation from their scores.
    for n in [2, 3] {
        let out = format!("by{n}");
        for t in 0..3 {
            for k in 1..=n {
                let e = ok(dir, &out, &["--shard", &format!("{k}/{n}"), "--threads", "1"]);
                assert!(e.contains(&format!("generation {t} shard {k}/{n}: done")), "{e}");
            }
            let e = ok(dir, &out, &["--resume", "--one-generation"]);
            assert!(e.contains(&format!("generation {t}:")) && e.contains(&format!("scores taken from {n} shard files")), "{e}");
        }
        for f in ["posterior.csv", "generations.csv", "manifest.json"] {
            assert_eq!(read(dir, &format!("{out}/{f}")), read(dir, &format!("whole/{f}")), "{n} shards: {f}");
        }
    }
    // Only one of two shards ran (the other's machine failed): the run fills
    // the gaps. And a shard killed mid-way resumes from its file, to the same bytes.
    for t in 0..3 {
        ok(dir, "half", &["--shard", "1/2", "--generation", &t.to_string()]);
        if t == 1 {
            let file = "half/shards/g001/1-of-2.csv";
            let full = read(dir, file);
            let cut: Vec<&str> = full.lines().take(12).collect();
            std::fs::write(dir.join(file), cut.join("\n") + "\n").unwrap();
            let e = ok(dir, "half", &["--shard", "1/2", "--generation", "1"]);
            assert!(e.contains("resuming with 10 scores"), "{e}");
            assert_eq!(read(dir, file), full);
        }
        ok(dir, "half", &["--resume", "--one-generation"]);
    }
    for f in ["posterior.csv", "generations.csv", "manifest.json"] {
        assert_eq!(read(dir, &format!("half/{f}")), read(dir, &format!("whole/{f}")), "half the shards: {f}");
    }
    // A shard whose generation is saved, or of a finished calibration, has nothing to do.
    assert!(ok(dir, "half", &["--shard", "2/2", "--generation", "0"]).contains("generation 0 is already saved"));
    assert!(ok(dir, "half", &["--shard", "2/2"]).contains("the calibration is over (all generations done): nothing to do"));
}

#[test]
fn a_shard_needs_the_previous_generation_and_its_calibration() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    calibration(dir, "[[target]]\noutcome = \"mean_active\"\ninterval = [40, 60]\nscale = 5\n", 2);
    let o = resist(dir, &["calibrate", "c.toml", "--out", "out", "--shard", "1/2", "--generation", "1"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("generation 1 is proposed from generation 0, which is not saved"), "{}", stderr(&o));
    let o = resist(dir, &["calibrate", "c.toml", "--out", "out", "--shard", "3/2"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("1 <= K <= N"), "{}", stderr(&o));
    ok(dir, "out", &["--shard", "1/2"]);
    // The calibration file changes (another seed): its shard's scores are refused where they lie.
    let text = read(dir, "c.toml").replace("seed = 4", "seed = 5");
    std::fs::write(dir.join("c.toml"), text).unwrap();
    for args in [&["--resume"][..], &["--shard", "1/2"][..]] {
        let mut all = vec!["calibrate", "c.toml", "--out", "out"];
        all.extend_from_slice(args);
        let o = resist(dir, &all, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("shards/g000/1-of-2.csv: scores of another calibration"), "{args:?}: {}", stderr(&o));
    }
}
