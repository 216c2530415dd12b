//! `resist replay` of a sweep's manifest.json: re-run a sample of the
//! sweep's runs from the manifest (each policy's resolved scenario, the
//! seeding) and runs.csv beside it (each run's point values, seed and
//! fingerprint), and compare. Exit 0 when every sampled run gives its
//! recorded seed and fingerprint and runs.csv matches its blake3, 1 when any
//! differs (each named), 2 for a manifest or runs.csv that is not one.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use anyhow::anyhow;
use rayon::prelude::*;
use resist::render::Rendered;
use resist::rng::{RunKey, derive_seed};
use resist::sweep::{Policy, recorded_scenario};

use super::cli::{EXIT_MISMATCH, EXIT_OK, Failure, bad_input, was_interrupted};

/// The run ids of a sample of `n` of `runs`, spread evenly from the first to the last (all for 0).
pub fn sample_ids(runs: u64, n: u64) -> Vec<u64> {
    if n == 0 || n >= runs {
        return (0..runs).collect();
    }
    if n == 1 {
        return vec![0];
    }
    let mut ids: Vec<u64> = (0..n).map(|k| (u128::from(k) * u128::from(runs - 1) / u128::from(n - 1)) as u64).collect();
    ids.dedup();
    ids
}

/// One sampled run as runs.csv recorded it.
struct Recorded {
    id: u64,
    point: u64,
    policy: String,
    replicate: u64,
    seed: String,
    values: Vec<String>,
    status: String,
    fingerprint: String,
}

pub fn replay_sweep(path: &Path, m: &serde_json::Value, sample: u64) -> Result<u8, Failure> {
    let bad = |what: &str| bad_input(anyhow!("{}: {what}", path.display()));
    let policies: Vec<Policy> = match m.get("policies").and_then(|p| p.as_object()) {
        Some(p) => p.iter().map(|(name, r)| Policy { name: name.clone(), resolved: r.as_str().unwrap_or_default().to_string() }).collect(),
        None => return Err(bad("a sweep manifest without its resolved policies (made by an earlier resist): re-run the sweep to replay it")),
    };
    let seed = m.get("seed").and_then(|v| v.as_u64()).ok_or_else(|| bad("no `seed`"))?;
    let replicates = m.get("replicates").and_then(|v| v.as_u64()).filter(|&r| r > 0).ok_or_else(|| bad("no `replicates`"))?;
    let common = match m.get("seeding").and_then(|v| v.as_str()) {
        Some("common") => true,
        Some("independent") => false,
        _ => return Err(bad("`seeding`: allowed \"common\" or \"independent\"")),
    };
    let days = m.get("days").and_then(|v| v.as_u64()).map(|d| d as u32);
    let keys: Vec<String> =
        m.get("parameters").and_then(|v| v.as_array()).map(|a| a.iter().filter_map(|k| k.as_str().map(str::to_string)).collect()).unwrap_or_default();
    let runs = m.get("runs").and_then(|v| v.as_u64()).unwrap_or(0);
    let runs_csv = path.parent().unwrap_or(Path::new("")).join("runs.csv");
    let mut differ: Vec<String> = Vec::new();
    match std::fs::read(&runs_csv) {
        Ok(bytes) => {
            let expected = m.pointer("/files/runs.csv").and_then(|v| v.as_str()).unwrap_or_default();
            if blake3::hash(&bytes).to_hex().as_str() != expected {
                differ.push(format!("{}: does not match its blake3 in the manifest (files.\"runs.csv\")", runs_csv.display()));
            }
        }
        Err(e) => return Err(bad_input(anyhow!("{}: cannot read it ({e}): a sweep's replay needs the runs.csv beside its manifest", runs_csv.display()))),
    }
    let wanted = sample_ids(runs, sample);
    let mut r = csv::Reader::from_path(&runs_csv).map_err(|e| bad_input(anyhow!("{}: {e}", runs_csv.display())))?;
    let h: Vec<String> = r.headers().map_err(|e| bad_input(anyhow!("{}: {e}", runs_csv.display())))?.iter().map(str::to_string).collect();
    let col = |name: &str| h.iter().position(|c| c == name).ok_or_else(|| bad_input(anyhow!("{}: no `{name}` column", runs_csv.display())));
    let (c_id, c_point, c_policy, c_rep, c_seed, c_status, c_fp) =
        (col("run_id")?, col("point")?, col("policy")?, col("replicate")?, col("seed")?, col("status")?, col("fingerprint")?);
    let c_keys: Vec<usize> = keys.iter().map(|k| col(k)).collect::<Result<_, _>>()?;
    let mut chosen = Vec::with_capacity(wanted.len());
    let mut next = wanted.iter().peekable();
    for rec in r.records() {
        let rec = rec.map_err(|e| bad_input(anyhow!("{}: {e}", runs_csv.display())))?;
        let get = |k: usize| rec.get(k).unwrap_or("").to_string();
        let id: u64 = get(c_id).parse().map_err(|_| bad_input(anyhow!("{}: a run_id that is not a number", runs_csv.display())))?;
        if next.peek() == Some(&&id) {
            next.next();
            chosen.push(Recorded {
                id,
                point: get(c_point).parse().unwrap_or(u64::MAX),
                policy: get(c_policy),
                replicate: get(c_rep).parse().unwrap_or(u64::MAX),
                seed: get(c_seed),
                values: c_keys.iter().map(|&k| get(k)).collect(),
                status: get(c_status),
                fingerprint: get(c_fp),
            });
        }
    }
    if let Some(missing) = next.next() {
        differ.push(format!("{}: run {missing} is not in it (the manifest counts {runs} runs)", runs_csv.display()));
    }
    super::cli::cooperate(true);
    let checked: Vec<Option<Result<String, String>>> = chosen
        .par_iter()
        .map(|run| {
            if was_interrupted() {
                return None;
            }
            Some(check_run(run, &policies, &keys, seed, replicates, common, days))
        })
        .collect();
    if checked.iter().any(Option::is_none) {
        return Err(super::cli::interrupted());
    }
    let mut matched = 0;
    for res in checked.into_iter().flatten() {
        match res {
            Ok(line) => {
                matched += 1;
                println!("{line}");
            }
            Err(d) => differ.push(d),
        }
    }
    println!("{matched} of {} sampled runs (of {runs}) reproduced", chosen.len());
    if differ.is_empty() {
        Ok(EXIT_OK)
    } else {
        for d in &differ {
            println!("{d}");
        }
        Ok(EXIT_MISMATCH)
    }
}

/// Re-run one recorded run: its seed must be the one the seeding gives, and
/// its fingerprint the recorded one.
fn check_run(run: &Recorded, policies: &[Policy], keys: &[String], seed: u64, replicates: u64, common: bool, days: Option<u32>) -> Result<String, String> {
    let what = format!("run {} (point {}, policy {}, replicate {})", run.id, run.point, run.policy, run.replicate);
    if run.point.checked_mul(replicates).and_then(|x| x.checked_add(run.replicate)) != Some(run.id) {
        return Err(format!("{what}: its run id is not point x replicates + replicate"));
    }
    let expected = derive_seed(seed, if common { 0 } else { run.point }, run.replicate);
    if run.seed != expected.to_string() {
        return Err(format!("{what}: seed {} recorded, the sweep's seeding gives {expected}", run.seed));
    }
    let policy = policies.iter().find(|p| p.name == run.policy).ok_or_else(|| format!("{what}: no policy \"{}\" in the manifest", run.policy))?;
    let scenario = match recorded_scenario(policy, keys, &run.values) {
        Ok(s) => s,
        Err(e) if run.status == "failed" => return Ok(format!("{what}: fails as recorded ({e})")),
        Err(e) => return Err(format!("{what}: its scenario cannot be rebuilt: {e}")),
    };
    if run.status != "ok" {
        return Err(format!("{what}: recorded as {}, but its scenario builds", run.status));
    }
    let out = resist::sim::run_any(&scenario, RunKey::new(expected, 0), days.unwrap_or(scenario.days));
    let fingerprint = Rendered::of_outcome(&scenario, &out).fingerprint;
    if fingerprint == run.fingerprint {
        Ok(format!("{what}: fingerprint matches: {fingerprint}"))
    } else {
        Err(format!("{what}: fingerprint differs: runs.csv has {}, the replay gives {fingerprint}", run.fingerprint))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_spread_from_the_first_run_to_the_last() {
        assert_eq!(sample_ids(100, 5), vec![0, 24, 49, 74, 99]);
        assert_eq!(sample_ids(3, 8), vec![0, 1, 2]);
        assert_eq!(sample_ids(10, 0).len(), 10);
        assert_eq!(sample_ids(10, 1), vec![0]);
    }
}
