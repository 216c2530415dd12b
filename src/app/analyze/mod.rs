//! `resist analyze`: read a finished sweep's runs.csv and manifest.json and
//! analyse its outcomes over its parameters with the core's generic
//! estimators (src/analysis): `sensitivity` (Sobol indices of a saltelli
//! design, elementary effects of a morris design) and `discover` (PRIM boxes
//! for a condition on the runs). Results go to DIR/<analysis>.csv and charts
//! to DIR/charts/, each file written atomically; the sweep's own files are
//! only read.
#![allow(clippy::disallowed_methods)]

mod discover;
mod sensitivity;

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::{Args, Subcommand};
use resist::sweep::RawSweep;

use super::cli::{Failure, bad_input, io_failure};

#[derive(Args)]
pub struct AnalyzeArgs {
    #[command(subcommand)]
    what: What,
}

#[derive(Subcommand)]
enum What {
    /// Global sensitivity of a sweep with a saltelli design (first-order and
    /// total Sobol indices) or a morris design (mu, mu*, sigma), with
    /// bootstrap intervals: DIR/sensitivity.csv and charts.
    Sensitivity(sensitivity::Options),
    /// Scenario discovery with PRIM: which ranges of the swept parameters hold
    /// the runs that meet a condition: DIR/discover.csv and charts.
    Discover(discover::Options),
}

pub fn analyze(args: &AnalyzeArgs) -> Result<u8, Failure> {
    match &args.what {
        What::Sensitivity(o) => sensitivity::run(o),
        What::Discover(o) => discover::run(o),
    }
}

/// A finished sweep's runs, read from DIR/runs.csv, with its sweep file.
struct SweepRuns {
    dir: PathBuf,
    sweep: RawSweep,
    /// The swept parameters, in the design's order.
    keys: Vec<String>,
    /// Policies in point order (points are numbered policy by policy).
    policies: Vec<String>,
    points: usize,
    replicates: usize,
    /// For a swept choice (words in runs.csv), its options in sorted order:
    /// the parameter's value in `Row::params` is the option's index.
    levels: Vec<Option<Vec<String>>>,
    /// Outcome columns (everything after the fixed and parameter columns).
    outcomes: Vec<String>,
    rows: Vec<Row>,
}

struct Row {
    point: usize,
    replicate: usize,
    params: Vec<f64>,
    /// Every outcome's cell as written (numbers, true/false, words, empty).
    cells: Vec<String>,
}

/// A cell as a number: numbers as such, `true`/`false` as 1/0; None for
/// anything else (a word, an empty cell).
pub(crate) fn number(cell: &str) -> Option<f64> {
    match cell {
        "true" => Some(1.0),
        "false" => Some(0.0),
        _ => cell.parse::<f64>().ok().filter(|v| v.is_finite()),
    }
}

fn read_sweep(dir: &Path) -> Result<SweepRuns, Failure> {
    let manifest_path = dir.join("manifest.json");
    let runs_path = dir.join("runs.csv");
    if !manifest_path.is_file() || !runs_path.is_file() {
        return Err(bad_input(anyhow!(
            "{}: not a finished sweep: expected manifest.json and runs.csv (finish it with `resist sweep --resume`, or merge its shards)",
            dir.display()
        )));
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).map_err(|e| io_failure(anyhow!("cannot read {}: {e}", manifest_path.display())))?)
            .map_err(|e| bad_input(anyhow!("{}: not valid JSON: {e}", manifest_path.display())))?;
    let Some(text) = manifest.get("sweep_toml").and_then(|v| v.as_str()) else {
        return Err(bad_input(anyhow!("{}: no `sweep_toml`: this is not a sweep's manifest", manifest_path.display())));
    };
    let sweep: RawSweep = toml::from_str(text).map_err(|e| bad_input(anyhow!("{}: its sweep_toml does not parse: {e}", manifest_path.display())))?;
    let keys: Vec<String> = sweep.parameters.iter().flatten().map(|p| p.key.clone()).collect();
    let bad = |line: u64, m: String| bad_input(anyhow!("{}:{line}: {m}", runs_path.display()));
    let mut reader = csv::Reader::from_path(&runs_path).map_err(|e| io_failure(anyhow!("cannot read {}: {e}", runs_path.display())))?;
    let header: Vec<String> = reader.headers().map_err(|e| bad(1, e.to_string()))?.iter().map(str::to_string).collect();
    let col = |name: &str| header.iter().position(|h| h == name).ok_or_else(|| bad(1, format!("no column `{name}`")));
    let (c_point, c_policy, c_rep, c_status) = (col("point")?, col("policy")?, col("replicate")?, col("status")?);
    let c_keys: Vec<usize> = keys.iter().map(|k| col(k)).collect::<Result<_, _>>()?;
    let first_outcome = col("error")? + 1;
    let outcomes: Vec<String> = header[first_outcome..].to_vec();
    let (mut rows, mut policies, mut points, mut replicates) = (Vec::new(), Vec::<String>::new(), 0usize, 0usize);
    let mut raw_params: Vec<Vec<String>> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let r = record.map_err(|e| bad(line, e.to_string()))?;
        let int = |c: usize| r.get(c).and_then(|v| v.parse::<usize>().ok()).ok_or_else(|| bad(line, format!("`{}` is not a whole number", header[c])));
        let (point, replicate) = (int(c_point)?, int(c_rep)?);
        let policy = r.get(c_policy).unwrap_or("").to_string();
        if !policies.contains(&policy) {
            policies.push(policy);
        }
        points = points.max(point + 1);
        replicates = replicates.max(replicate + 1);
        if r.get(c_status) != Some("ok") {
            continue;
        }
        raw_params.push(c_keys.iter().map(|&c| r.get(c).unwrap_or("").to_string()).collect::<Vec<_>>());
        rows.push(Row { point, replicate, params: Vec::new(), cells: r.iter().skip(first_outcome).map(str::to_string).collect() });
    }
    if rows.is_empty() {
        return Err(bad_input(anyhow!("{}: no successful runs to analyse", runs_path.display())));
    }
    // A parameter column of numbers (true/false as 1/0) is used as is; one of
    // words (a swept choice) by the index of its option in sorted order.
    let mut levels = Vec::with_capacity(keys.len());
    for j in 0..keys.len() {
        if raw_params.iter().all(|p| number(&p[j]).is_some()) {
            levels.push(None);
            for (row, p) in rows.iter_mut().zip(&raw_params) {
                row.params.push(number(&p[j]).expect("checked"));
            }
        } else {
            let mut options: Vec<String> = raw_params.iter().map(|p| p[j].clone()).collect();
            options.sort();
            options.dedup();
            for (row, p) in rows.iter_mut().zip(&raw_params) {
                row.params.push(options.iter().position(|o| *o == p[j]).expect("listed") as f64);
            }
            levels.push(Some(options));
        }
    }
    Ok(SweepRuns { dir: dir.to_path_buf(), sweep, keys, policies, points, replicates, levels, outcomes, rows })
}

impl SweepRuns {
    fn outcome_index(&self, name: &str) -> Result<usize, Failure> {
        self.outcomes.iter().position(|o| o == name).ok_or_else(|| {
            let near: Vec<&String> = self.outcomes.iter().filter(|o| o.contains(name) || name.contains(o.as_str())).take(8).collect();
            let hint = if near.is_empty() {
                String::from("see the header of runs.csv")
            } else {
                format!("close: {}", near.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))
            };
            bad_input(anyhow!("{}: no outcome `{name}` in runs.csv ({hint})", self.dir.display()))
        })
    }

    /// A parameter's value as the sweep wrote it: a number, or a choice's option.
    fn shown(&self, j: usize, v: f64) -> String {
        match &self.levels[j] {
            Some(options) => options.get(v as usize).cloned().unwrap_or_default(),
            None => resist::chart::short(v),
        }
    }

    /// Design points per policy.
    fn points_per_policy(&self) -> usize {
        self.points / self.policies.len().max(1)
    }
}

/// A number as CSV writes it: empty for NaN.
fn num(v: f64) -> String {
    if v.is_finite() { format!("{v}") } else { String::new() }
}
