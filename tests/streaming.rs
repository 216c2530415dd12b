//! Ensembles and sweep points reduced as a stream: above the exact limit
//! (256 replicates) the mean and sd are still exact, the quantiles within
//! the documented bound, and the bytes the same on one and two threads.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;

use common::*;
use resist::rng::RunKey;
use resist::sweep::aggregate::EXACT_REPLICATES;

const TOWN: &str = "tests/data/sweep/town.toml";
const N: u64 = 300;

#[test]
fn an_ensemble_above_the_exact_limit_has_the_exact_mean_and_sd_and_the_same_bytes_on_one_and_two_threads() {
    assert!(N as usize > EXACT_REPLICATES);
    let t = tempfile::tempdir().unwrap();
    let town = root().join(TOWN).display().to_string();
    let n = N.to_string();
    for (threads, out) in [("1", "one"), ("2", "two")] {
        let o = resist(t.path(), &["run", &town, "--seed", "11", "--days", "30", "--replicates", &n, "--threads", threads, "--out", out], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for f in ["ensemble.csv", "replicates.csv"] {
        assert!(fs::read(t.path().join("one").join(f)).unwrap() == fs::read(t.path().join("two").join(f)).unwrap(), "{f} differs between 1 and 2 threads");
    }
    assert_eq!(fs::read_to_string(t.path().join("one/replicates.csv")).unwrap().lines().count(), N as usize + 1, "a row a replicate");

    // Against every replicate's series, held whole here.
    let s = scenario(TOWN);
    let runs: Vec<Vec<f64>> = (0..N).map(|r| resist::sim::run_any(&s, RunKey::new(11, r), 30).series_values(&s)).collect();
    let ensemble = fs::read_to_string(t.path().join("one/ensemble.csv")).unwrap();
    let rows: Vec<Vec<&str>> = ensemble.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), runs[0].len(), "a row a day and column");
    let (mut checks, mut outside) = (0, 0);
    for (cell, f) in rows.iter().enumerate() {
        assert_eq!(f[4], n, "every replicate counts: {f:?}");
        let mut v: Vec<f64> = runs.iter().map(|r| r[cell]).collect();
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt();
        let (got_mean, got_sd): (f64, f64) = (f[5].parse().unwrap(), f[6].parse().unwrap());
        assert!((got_mean - mean).abs() <= 1e-6 * (1.0 + mean.abs()), "mean of {f:?}: exact {mean}");
        assert!((got_sd - sd).abs() <= 1e-6 * (1.0 + sd), "sd of {f:?}: exact {sd}");
        // Quantiles: the estimate's rank among all replicates (a range, with
        // ties) within 3 standard errors of the documented bound.
        v.sort_by(f64::total_cmp);
        let k = EXACT_REPLICATES as f64;
        let nn = N as f64;
        for (q, field) in [(0.05, f[7]), (0.5, f[8]), (0.95, f[9])] {
            let est: f64 = field.parse().unwrap();
            let below = v.partition_point(|&x| x < est - 5e-7) as f64 / nn;
            let upto = v.partition_point(|&x| x <= est + 5e-7) as f64 / nn;
            let se = (q * (1.0 - q) / k * (nn - k) / (nn - 1.0)).sqrt();
            checks += 1;
            if q < below - 3.0 * se - 1.0 / nn || q > upto + 3.0 * se + 1.0 / nn {
                outside += 1;
            }
        }
    }
    assert_eq!(outside, 0, "{outside} of {checks} quantiles outside 3 standard errors of rank");
}

#[test]
fn a_sweep_point_above_the_exact_limit_is_the_same_bytes_on_one_and_two_threads() {
    let t = tempfile::tempdir().unwrap();
    fs::write(
        t.path().join("many.toml"),
        format!(
            "scenario = \"{}\"\nseed = 4\nreplicates = {N}\ndays = 20\n[[parameters]]\nkey = \"amnesty.credibility\"\nvalues = [0.2, 0.9]\n",
            root().join(TOWN).display()
        ),
    )
    .unwrap();
    for (threads, out) in [("1", "one"), ("2", "two")] {
        let o = resist(t.path(), &["sweep", "many.toml", "--threads", threads, "--out", out], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for f in ["runs.csv", "aggregates.csv", "manifest.json"] {
        assert!(fs::read(t.path().join("one").join(f)).unwrap() == fs::read(t.path().join("two").join(f)).unwrap(), "{f} differs between 1 and 2 threads");
    }
    let agg = fs::read_to_string(t.path().join("one/aggregates.csv")).unwrap();
    // The swept value sits after `policy`: `replicates` is the sixth column.
    assert!(agg.starts_with("point,policy,amnesty.credibility,day,column,replicates,"));
    assert!(agg.lines().skip(1).all(|l| l.split(',').nth(5) == Some("300")), "each row counts the point's 300 replicates");
    assert_eq!(fs::read_to_string(t.path().join("one/runs.csv")).unwrap().lines().count(), 2 * N as usize + 1);
}
