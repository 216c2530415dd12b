//! `resist sweep` and `resist merge`: run a sweep's design points in parallel,
//! each point's replicates reduced as soon as they finish and written
//! atomically to its own files under OUT/points/, so that memory stays flat,
//! a killed sweep resumes where it stopped (`--resume`), and shards
//! (`--shard K/N`) are subsets of points that `resist merge` joins. The final
//! runs.csv and aggregates.csv are assembled from the point files in point
//! order: the same bytes whatever the threads, interruptions or shards.
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use rayon::prelude::*;
use resist::render::{Rendered, csv_field, timeseries_columns};
use resist::rng::RunKey;
use resist::scenario::{Scenario, ScenarioError};
use resist::sweep::Sweep;
use resist::sweep::aggregate::{AGGREGATE_COLUMNS, aggregate, flatten};

use super::cli::{EXIT_OK, Failure, bad_input, interrupted, io_failure, was_interrupted};
use super::files::write_atomic;
use super::manifest::platform;

/// Whether a TOML file is a sweep (rather than a scenario).
pub fn is_sweep(text: &str) -> bool {
    resist::sweep::is_sweep(text)
}

/// Read and validate a sweep file and the files it names (bounded reads).
pub fn load(path: &Path) -> Result<(Sweep, String), Failure> {
    resist::sweep::load(path, &super::input::Bounded).map_err(|e: ScenarioError| bad_input(e.into()))
}

/// `--shard K/N`, 1 <= K <= N.
pub fn parse_shard(s: &str) -> Result<(usize, usize), Failure> {
    let bad = || bad_input(anyhow!("--shard {s}: allowed K/N with whole numbers 1 <= K <= N (the K-th of N shards)"));
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// The state a sweep directory keeps for resuming and merging.
#[derive(serde::Serialize, serde::Deserialize, PartialEq)]
struct State {
    sweep_hash: String,
    name: String,
    points: usize,
    runs: u64,
    sweep_toml: String,
}

fn point_files(out: &Path, p: usize) -> (PathBuf, PathBuf) {
    (out.join("points").join(format!("p{p:06}.runs.jsonl")), out.join("points").join(format!("p{p:06}.agg.csv")))
}

fn done(out: &Path, p: usize) -> bool {
    point_files(out, p).0.exists()
}

#[allow(clippy::too_many_arguments)]
pub fn sweep(file: &Path, out: &Path, threads: Option<usize>, resume: bool, force: bool, shard: Option<String>, keep_series: bool) -> Result<u8, Failure> {
    let (sweep, text) = load(file)?;
    let shard = shard.as_deref().map(parse_shard).transpose()?;
    let state = State { sweep_hash: sweep.hash(), name: sweep.name.clone(), points: sweep.points.len(), runs: sweep.runs(), sweep_toml: text };
    let state_path = out.join("sweep.json");
    if out.exists() {
        if resume {
            let old: State = std::fs::read_to_string(&state_path)
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .ok_or_else(|| bad_input(anyhow!("{}: not a sweep directory to resume (no sweep.json)", out.display())))?;
            if old != state {
                return Err(bad_input(anyhow!(
                    "{}: holds another sweep (hash {}, this one {}): resume only the same sweep file",
                    out.display(),
                    old.sweep_hash,
                    state.sweep_hash
                )));
            }
        } else if force {
            std::fs::remove_dir_all(out).with_context(|| format!("cannot remove {}", out.display())).map_err(io_failure)?;
        } else {
            return Err(bad_input(anyhow!(
                "{}: the output directory already exists; pass --resume to finish it, --force to replace it, or choose another with --out",
                out.display()
            )));
        }
    }
    std::fs::create_dir_all(out.join("points")).with_context(|| format!("cannot create {}", out.display())).map_err(io_failure)?;
    if keep_series {
        std::fs::create_dir_all(out.join("series")).map_err(|e| io_failure(e.into()))?;
    }
    write_atomic(&state_path, serde_json::to_string_pretty(&state).expect("plain data").as_bytes())?;

    let mine: Vec<usize> = (0..sweep.points.len()).filter(|p| shard.is_none_or(|(k, n)| p % n == k - 1)).collect();
    let todo: Vec<usize> = mine.iter().copied().filter(|&p| !done(out, p)).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.unwrap_or(0)).build().map_err(|e| io_failure(e.into()))?;
    let width = pool.current_num_threads();
    let total = todo.len() as u64 * sweep.replicates;
    let bar = progress(total, (mine.len() - todo.len()) as u64 * sweep.replicates, "runs");
    // Batches of points big enough to keep every thread busy.
    let batch = (4 * width).div_ceil(sweep.replicates as usize).max(1);
    for chunk in todo.chunks(batch) {
        if was_interrupted() {
            bar.abandon();
            return Err(interrupted());
        }
        let results: Vec<(usize, Vec<RunResult>)> = pool.install(|| chunk.par_iter().map(|&p| (p, run_point(&sweep, p, keep_series))).collect());
        for (p, runs) in results {
            write_point(out, &sweep, p, &runs)?;
            bar.inc(runs.len() as u64);
        }
    }
    bar.finish_and_clear();
    if shard.is_some() {
        eprintln!("{}: shard done: {} of {} points in {}; join the shards with `resist merge`", sweep.name, mine.len(), sweep.points.len(), out.display());
        return Ok(EXIT_OK);
    }
    assemble(out, &state)?;
    Ok(EXIT_OK)
}

/// A progress bar on a terminal; hidden when stderr is not one (logs, CI).
pub fn progress(total: u64, already: u64, unit: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total + already);
    bar.set_style(indicatif::ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {unit}, {{per_sec}}, {{eta}} left")).expect("a valid template"));
    bar.set_position(already);
    bar
}

/// One run's results: its runs.csv row, and its daily values for the aggregates.
struct RunResult {
    row: Vec<(String, String)>,
    values: Option<Vec<f64>>,
    series: Option<String>,
}

fn run_point(sweep: &Sweep, p: usize, keep_series: bool) -> Vec<RunResult> {
    let scenario = sweep.scenario(p);
    (0..sweep.replicates)
        .into_par_iter()
        .map(|r| {
            let (run_id, seed) = sweep.run(p, r);
            let mut row = vec![
                ("run_id".to_string(), run_id.to_string()),
                ("point".into(), p.to_string()),
                ("policy".into(), sweep.policies[sweep.points[p].0].name.clone()),
                ("replicate".into(), r.to_string()),
                ("seed".into(), seed.to_string()),
            ];
            row.extend(sweep.keys.iter().zip(&sweep.points[p].1).map(|(k, v)| (k.clone(), v.to_string())));
            let outcome = scenario.as_ref().map_err(|e| e.to_string()).and_then(|s| run_one(s, sweep, seed, keep_series));
            match outcome {
                Ok((summary, values, series)) => {
                    row.push(("status".into(), "ok".into()));
                    row.push(("error".into(), String::new()));
                    flatten("", &summary, &mut row);
                    RunResult { row, values: Some(values), series }
                }
                Err(e) => {
                    row.push(("status".into(), "failed".into()));
                    row.push(("error".into(), e));
                    RunResult { row, values: None, series: None }
                }
            }
        })
        .collect()
}

type Outcome = (serde_json::Value, Vec<f64>, Option<String>);

fn run_one(s: &Scenario, sweep: &Sweep, seed: u64, keep_series: bool) -> Result<Outcome, String> {
    let days = sweep.days.unwrap_or(s.days);
    // A run that panics fails alone; the others go on.
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| resist::sim::run_any(s, RunKey::new(seed, 0), days))).map_err(|e| {
        format!("the run failed: {}", e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default())
    })?;
    let series = keep_series.then(|| Rendered::of_outcome(s, &out).timeseries);
    Ok((out.summary_value(), out.series_values(s), series))
}

fn write_point(out: &Path, sweep: &Sweep, p: usize, runs: &[RunResult]) -> Result<(), Failure> {
    for r in runs {
        if let Some(series) = &r.series {
            let id = &r.row[0].1;
            write_atomic(&out.join("series").join(format!("run-{id:0>8}.csv")), series.as_bytes())?;
        }
    }
    let (runs_file, agg_file) = point_files(out, p);
    let values: Vec<Vec<f64>> = runs.iter().filter_map(|r| r.values.clone()).collect();
    let columns = sweep.scenario(p).map(|s| timeseries_columns(&s)).unwrap_or_default();
    let agg = aggregate(p, &sweep.policies[sweep.points[p].0].name, &columns, &values);
    write_atomic(&agg_file, agg.as_bytes())?;
    // The runs file last: its presence marks the point done.
    let mut lines = String::new();
    for r in runs {
        lines.push_str(&serde_json::to_string(&r.row).expect("plain data"));
        lines.push('\n');
    }
    write_atomic(&runs_file, lines.as_bytes())
}

/// Join the point files into runs.csv and aggregates.csv, and write the manifest.
fn assemble(out: &Path, state: &State) -> Result<(), Failure> {
    let missing: Vec<usize> = (0..state.points).filter(|&p| !done(out, p)).collect();
    if !missing.is_empty() {
        return Err(bad_input(anyhow!(
            "{}: {} of {} design points are missing (first: {}): run the missing shards, or resume",
            out.display(),
            missing.len(),
            state.points,
            missing[0]
        )));
    }
    let read_rows = |p: usize| -> Result<Vec<Vec<(String, String)>>, Failure> {
        let f = std::fs::File::open(point_files(out, p).0).map_err(|e| io_failure(e.into()))?;
        std::io::BufReader::new(f)
            .lines()
            .map(|l| l.map_err(|e| io_failure(e.into())).and_then(|l| serde_json::from_str(&l).map_err(|e| io_failure(e.into()))))
            .collect()
    };
    // Columns: every key, in order of first appearance over points in order.
    let mut columns: Vec<String> = Vec::new();
    for p in 0..state.points {
        for row in read_rows(p)? {
            for (k, _) in row {
                if !columns.contains(&k) {
                    columns.push(k);
                }
            }
        }
    }
    let (mut failed, mut total) = (0u64, 0u64);
    let runs_tmp = out.join(".runs.csv.tmp");
    {
        let mut w = BufWriter::new(std::fs::File::create(&runs_tmp).map_err(|e| io_failure(e.into()))?);
        writeln!(w, "{}", columns.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",")).map_err(|e| io_failure(e.into()))?;
        for p in 0..state.points {
            for row in read_rows(p)? {
                total += 1;
                failed += u64::from(row.iter().any(|(k, v)| k == "status" && v == "failed"));
                let line: Vec<String> = columns.iter().map(|c| row.iter().find(|(k, _)| k == c).map(|(_, v)| csv_field(v)).unwrap_or_default()).collect();
                writeln!(w, "{}", line.join(",")).map_err(|e| io_failure(e.into()))?;
            }
        }
        w.flush().map_err(|e| io_failure(e.into()))?;
    }
    let agg_tmp = out.join(".aggregates.csv.tmp");
    {
        let mut w = BufWriter::new(std::fs::File::create(&agg_tmp).map_err(|e| io_failure(e.into()))?);
        writeln!(w, "{AGGREGATE_COLUMNS}").map_err(|e| io_failure(e.into()))?;
        for p in 0..state.points {
            let text = std::fs::read(point_files(out, p).1).map_err(|e| io_failure(e.into()))?;
            w.write_all(&text).map_err(|e| io_failure(e.into()))?;
        }
        w.flush().map_err(|e| io_failure(e.into()))?;
    }
    let hash = |p: &Path| -> Result<String, Failure> { Ok(blake3::hash(&std::fs::read(p).map_err(|e| io_failure(e.into()))?).to_hex().to_string()) };
    let (runs_hash, agg_hash) = (hash(&runs_tmp)?, hash(&agg_tmp)?);
    std::fs::rename(&runs_tmp, out.join("runs.csv")).map_err(|e| io_failure(e.into()))?;
    std::fs::rename(&agg_tmp, out.join("aggregates.csv")).map_err(|e| io_failure(e.into()))?;
    let manifest = serde_json::json!({
        "resist_version": env!("CARGO_PKG_VERSION"),
        "git_commit": env!("RESIST_GIT_COMMIT"),
        "platform": platform(),
        "sweep": state.name,
        "sweep_hash": state.sweep_hash,
        "points": state.points,
        "runs": total,
        "failed_runs": failed,
        "files": { "runs.csv": runs_hash, "aggregates.csv": agg_hash },
        "fingerprint": blake3::hash(format!("{runs_hash}{agg_hash}").as_bytes()).to_hex().to_string(),
        "sweep_toml": state.sweep_toml,
    });
    let mut text = serde_json::to_string_pretty(&manifest).expect("plain data");
    text.push('\n');
    write_atomic(&out.join("manifest.json"), text.as_bytes())?;
    eprintln!(
        "{}: {total} runs ({failed} failed) of {} design points\nwrote {}/{{runs.csv, aggregates.csv, manifest.json}}",
        state.name,
        state.points,
        out.display()
    );
    Ok(())
}

/// `resist merge`: join shard directories into one sweep directory.
pub fn merge(dirs: &[PathBuf], out: &Path, force: bool) -> Result<u8, Failure> {
    let mut state: Option<State> = None;
    for d in dirs {
        let s: State = std::fs::read_to_string(d.join("sweep.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .ok_or_else(|| bad_input(anyhow!("{}: not a sweep directory (no sweep.json)", d.display())))?;
        if let Some(first) = &state
            && *first != s
        {
            return Err(bad_input(anyhow!("{}: a shard of another sweep (hash {}, expected {})", d.display(), s.sweep_hash, first.sweep_hash)));
        }
        state = Some(s);
    }
    let Some(state) = state else { return Err(bad_input(anyhow!("merge needs at least one shard directory"))) };
    if out.exists() {
        if !force {
            return Err(bad_input(anyhow!("{}: the output directory already exists; pass --force to replace it", out.display())));
        }
        std::fs::remove_dir_all(out).map_err(|e| io_failure(e.into()))?;
    }
    std::fs::create_dir_all(out.join("points")).map_err(|e| io_failure(e.into()))?;
    write_atomic(&out.join("sweep.json"), serde_json::to_string_pretty(&state).expect("plain data").as_bytes())?;
    for p in 0..state.points {
        let Some(d) = dirs.iter().find(|d| done(d, p)) else {
            return Err(bad_input(anyhow!("design point {p} is in none of the shards: run every shard K/N before merging")));
        };
        let (from_runs, from_agg) = point_files(d, p);
        let (to_runs, to_agg) = point_files(out, p);
        std::fs::copy(from_agg, to_agg).map_err(|e| io_failure(e.into()))?;
        std::fs::copy(from_runs, to_runs).map_err(|e| io_failure(e.into()))?;
    }
    assemble(out, &state)?;
    Ok(EXIT_OK)
}
