//! `resist sweep` and `resist merge`: run a sweep's design points in parallel,
//! each point's replicates reduced as soon as they finish and written
//! atomically to its own files under OUT/points/, so that memory stays flat,
//! a killed sweep resumes where it stopped (`--resume`), and shards
//! (`--shard K/N`) are subsets of points that `resist merge` joins. The final
//! runs.csv and aggregates.csv are assembled from the point files in point
//! order: the same bytes whatever the threads, interruptions or shards.
//! Each point's record (pNNNNNN.hash.json, written last) marks it done and
//! holds the blake3 of its two files, so a point file changed, cut short or
//! emptied afterwards is caught before it is merged or built on.
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use rayon::prelude::*;
use resist::render::{Rendered, csv_field, timeseries_columns};
use resist::rng::RunKey;
use resist::scenario::{Scenario, ScenarioError};
use resist::sweep::Sweep;
use resist::sweep::aggregate::{Reduction, aggregate_header, flatten, summary_header};

use super::cli::{EXIT_INTERRUPTED, EXIT_OK, Failure, bad_input, interrupted, io_failure, was_interrupted};
use super::files::{Staged, StreamedFile, inputs_read, write_atomic};
use super::guard::{Lock, clear_temporaries, refuse_overlap, remove_any};
use super::manifest::platform;
use super::progress::Progress;

/// What a sweep's aggregates.csv holds (`--aggregates`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Aggregates {
    /// No aggregates.csv (runs.csv alone).
    None,
    /// Each outcome of runs.csv reduced over a point's replicates: one row a point and outcome.
    Summary,
    /// Each daily series reduced over a point's replicates: one row a point, day and column.
    #[default]
    Daily,
}

impl Aggregates {
    fn name(self) -> &'static str {
        match self {
            Aggregates::None => "none",
            Aggregates::Summary => "summary",
            Aggregates::Daily => "daily",
        }
    }
}

/// Whether a TOML file is a sweep (rather than a scenario).
pub fn is_sweep(text: &str) -> bool {
    resist::sweep::is_sweep(text)
}

/// Read and validate a sweep file and the files it names (bounded reads),
/// with `--set key=value` overrides laid over every policy's scenario.
pub fn load_with(path: &Path, sets: &[String]) -> Result<(Sweep, String), Failure> {
    let layers = super::files::set_layers(sets)?;
    resist::sweep::load_with(path, &super::input::Bounded, &layers).map_err(|e: ScenarioError| bad_input(e.into()))
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

/// The state a sweep directory keeps for resuming and merging, and what its
/// manifest records: the sweep file, and the sweep as resolved from it and
/// the files it names (each policy's resolved scenario, the seeding, the
/// design's keys), so that the manifest alone says what ran.
#[derive(serde::Serialize, serde::Deserialize, PartialEq)]
struct State {
    sweep_hash: String,
    name: String,
    points: usize,
    runs: u64,
    sweep_toml: String,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    seeding: String,
    #[serde(default)]
    replicates: u64,
    #[serde(default)]
    days: Option<u32>,
    #[serde(default)]
    keys: Vec<String>,
    /// Each policy's name and resolved scenario (the base scenario is the
    /// policy `base` when the sweep lists none).
    #[serde(default)]
    policies: Vec<(String, String)>,
    /// The base scenario, resolved.
    #[serde(default)]
    base: String,
    #[serde(default)]
    aggregates: Aggregates,
}

/// A sweep directory's sweep.json; exit 2 naming it when it is missing or not one.
fn read_state(dir: &Path, purpose: &str) -> Result<State, Failure> {
    let path = dir.join("sweep.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| bad_input(anyhow!("{}: not a sweep directory {purpose} (cannot read {}: {e})", dir.display(), path.display())))?;
    serde_json::from_str(&text).map_err(|e| bad_input(anyhow!("{}: not a sweep's sweep.json: {e}", path.display())))
}

fn point_files(out: &Path, p: usize) -> (PathBuf, PathBuf) {
    (out.join("points").join(format!("p{p:06}.runs.jsonl")), out.join("points").join(format!("p{p:06}.agg.csv")))
}

fn point_record(out: &Path, p: usize) -> PathBuf {
    out.join("points").join(format!("p{p:06}.hash.json"))
}

/// What a finished point's record holds: whose point it is and the blake3 of
/// its runs.jsonl and agg.csv.
#[derive(serde::Serialize, serde::Deserialize)]
struct PointRecord {
    sweep_hash: String,
    point: usize,
    runs: String,
    aggregates: String,
}

/// A design point's files in a sweep directory.
enum PointState {
    /// No record: the point has not finished (or was written by a resist
    /// before records).
    Absent,
    /// The record and both files, which match it.
    Done,
    /// A record whose files do not match it; the message names the file.
    Bad(String),
}

/// The blake3 of a file, read in pieces.
fn hash_file(path: &Path) -> std::io::Result<String> {
    let f = std::fs::File::open(path)?;
    Ok(blake3::Hasher::new().update_reader(f)?.finalize().to_hex().to_string())
}

fn point_state(dir: &Path, p: usize, sweep_hash: &str) -> PointState {
    let record_path = point_record(dir, p);
    let Ok(text) = std::fs::read_to_string(&record_path) else { return PointState::Absent };
    let Ok(record) = serde_json::from_str::<PointRecord>(&text) else {
        return PointState::Bad(format!("{}: not a point record", record_path.display()));
    };
    if record.sweep_hash != sweep_hash || record.point != p {
        return PointState::Bad(format!(
            "{}: the record of point {} of sweep {}, not of point {p} of this sweep ({sweep_hash})",
            record_path.display(),
            record.point,
            record.sweep_hash
        ));
    }
    let (runs, agg) = point_files(dir, p);
    for (file, expected) in [(&runs, &record.runs), (&agg, &record.aggregates)] {
        match hash_file(file) {
            Ok(h) if h == *expected => {}
            Ok(_) => {
                return PointState::Bad(format!(
                    "{}: does not match its blake3 in {} (changed, cut short or emptied since it was written)",
                    file.display(),
                    record_path.display()
                ));
            }
            Err(e) => return PointState::Bad(format!("{}: cannot read it: {e}", file.display())),
        }
    }
    PointState::Done
}

/// Write a written point's record, the mark that it is done, from the
/// blake3 of its files taken as they were written (`run_point`).
fn record_point(out: &Path, sweep_hash: &str, p: usize, (runs, aggregates): (String, String)) -> Result<(), Failure> {
    let record = PointRecord { sweep_hash: sweep_hash.to_string(), point: p, runs, aggregates };
    write_atomic(&point_record(out, p), serde_json::to_string(&record).expect("plain data").as_bytes())
}

#[allow(clippy::too_many_arguments)]
/// How a sweep runs and what it writes, beyond the sweep file.
pub struct Options {
    pub threads: Option<usize>,
    pub resume: bool,
    pub force: bool,
    pub shard: Option<String>,
    pub keep_series: bool,
    pub aggregates: Aggregates,
    pub quiet: bool,
    /// `--set key=value` overrides for every policy's scenario.
    pub sets: Vec<String>,
}

pub fn sweep(file: &Path, out: &Path, o: &Options) -> Result<u8, Failure> {
    let (threads, resume, force, keep_series) = (o.threads, o.resume, o.force, o.keep_series);
    let (sweep, text) = load_with(file, &o.sets)?;
    let shard = o.shard.as_deref().map(parse_shard).transpose()?;
    // From here Ctrl-C stops the sweep cleanly, between the days of its runs.
    super::cli::cooperate(true);
    let state = State {
        sweep_hash: sweep.hash(),
        name: sweep.name.clone(),
        points: sweep.points.len(),
        runs: sweep.runs(),
        sweep_toml: text,
        seed: sweep.seed,
        seeding: sweep.seeding.name().to_string(),
        replicates: sweep.replicates,
        days: sweep.days,
        keys: sweep.keys.clone(),
        policies: sweep.policies.iter().map(|p| (p.name.clone(), p.resolved.clone())).collect(),
        base: sweep.base.clone(),
        aggregates: o.aggregates,
    };
    let state_path = out.join("sweep.json");
    refuse_overlap(out, &inputs_read())?;
    let _lock = Lock::acquire(out)?;
    if std::fs::symlink_metadata(out).is_ok() {
        if resume {
            let old = read_state(out, "to resume")?;
            if old != state {
                return Err(bad_input(anyhow!(
                    "{}: holds another sweep (hash {}, this one {}): resume only the same sweep file",
                    out.display(),
                    old.sweep_hash,
                    state.sweep_hash
                )));
            }
        } else if force {
            remove_any(out).with_context(|| format!("cannot remove {}", out.display())).map_err(io_failure)?;
        } else {
            return Err(bad_input(anyhow!(
                "{}: the output directory already exists; pass --resume to finish it, --force to replace it, or choose another with --out",
                out.display()
            )));
        }
    }
    std::fs::create_dir_all(out.join("points")).with_context(|| format!("cannot create {}", out.join("points").display())).map_err(io_failure)?;
    if keep_series {
        std::fs::create_dir_all(out.join("series")).with_context(|| format!("cannot create {}", out.join("series").display())).map_err(io_failure)?;
    }
    // Under the lock, a temporary is a killed or failed writer's: it goes.
    for dir in [out.to_path_buf(), out.join("points"), out.join("series")] {
        clear_temporaries(&dir)?;
    }
    write_atomic(&state_path, serde_json::to_string_pretty(&state).expect("plain data").as_bytes())?;
    super::cli::forced_exit().note(Some(format!(
        "the finished design points are kept in {}/points/ (the sweep's state in {}/sweep.json); {}",
        out.display(),
        out.display(),
        finish_with(file, out, shard)
    )));

    let mine: Vec<usize> = (0..sweep.points.len()).filter(|p| shard.is_none_or(|(k, n)| p % n == k - 1)).collect();
    // A finished point whose files no longer match its record runs again
    // (the run is deterministic: it gives the bytes it should have had).
    let mut todo: Vec<usize> = Vec::new();
    for &p in &mine {
        match point_state(out, p, &state.sweep_hash) {
            PointState::Done => {}
            PointState::Absent => todo.push(p),
            PointState::Bad(why) => {
                eprintln!("warning: {why}: running point {p} again");
                let record = point_record(out, p);
                std::fs::remove_file(&record).with_context(|| format!("cannot remove {}", record.display())).map_err(io_failure)?;
                todo.push(p);
            }
        }
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.unwrap_or(0)).build().map_err(|e| io_failure(e.into()))?;
    let width = pool.current_num_threads();
    let total = todo.len() as u64 * sweep.replicates;
    let bar = Progress::new(&sweep.name, total, (mine.len() - todo.len()) as u64 * sweep.replicates, "runs", o.quiet)
        .with_points((mine.len() - todo.len()) as u64, mine.len() as u64);
    // Batches of points big enough to keep every thread busy; each point
    // writes its own files as soon as its replicates are reduced.
    let batch = (4 * width).div_ceil(sweep.replicates as usize).max(1);
    for chunk in todo.chunks(batch) {
        if was_interrupted() {
            break;
        }
        let results: Vec<Result<Option<(String, String)>, Failure>> =
            pool.install(|| chunk.par_iter().map(|&p| run_point(out, &sweep, p, keep_series, o.aggregates, &bar)).collect());
        for (&p, r) in chunk.iter().zip(results) {
            // The point's record, written after its files, marks it done.
            if let Some(hashes) = r? {
                record_point(out, &state.sweep_hash, p, hashes)?;
                bar.point_done();
            }
        }
    }
    if was_interrupted() {
        bar.abandon();
        return Err(sweep_interrupted(
            file,
            out,
            shard,
            mine.iter().filter(|&&p| matches!(point_state(out, p, &state.sweep_hash), PointState::Done)).count(),
            mine.len(),
        ));
    }
    bar.finish();
    if shard.is_some() {
        eprintln!("{}: shard done: {} of {} points in {}; join the shards with `resist merge`", sweep.name, mine.len(), sweep.points.len(), out.display());
        return Ok(EXIT_OK);
    }
    let report = assemble(out, &state).map_err(|f| if f.code == EXIT_INTERRUPTED { sweep_interrupted(file, out, shard, mine.len(), mine.len()) } else { f })?;
    eprintln!("{report}\nwrote {}/{{{}}}", out.display(), written(&state).join(", "));
    Ok(EXIT_OK)
}

/// What an interrupted sweep leaves, truthfully: its finished points, kept
/// for `--resume`, and how to finish it.
fn sweep_interrupted(file: &Path, out: &Path, shard: Option<(usize, usize)>, finished: usize, of: usize) -> Failure {
    Failure {
        error: anyhow!(
            "interrupted; {finished} of {of} design points are finished and kept in {}/points/ (the sweep's state in {}/sweep.json); {}",
            out.display(),
            out.display(),
            finish_with(file, out, shard)
        ),
        code: EXIT_INTERRUPTED,
    }
}

fn finish_with(file: &Path, out: &Path, shard: Option<(usize, usize)>) -> String {
    let shard = shard.map(|(k, n)| format!(" --shard {k}/{n}")).unwrap_or_default();
    format!(
        "runs.csv, aggregates.csv and manifest.json were not written. Finish it with: resist sweep {} --out {}{shard} --resume",
        file.display(),
        out.display()
    )
}

/// The files a finished sweep directory holds (beside points/).
fn written(state: &State) -> Vec<&'static str> {
    if state.aggregates == Aggregates::None { vec!["runs.csv", "manifest.json"] } else { vec!["runs.csv", "aggregates.csv", "manifest.json"] }
}

/// One run's results: its runs.csv row, and its daily values for the aggregates.
struct RunResult {
    row: Vec<(String, String)>,
    values: Option<Vec<f64>>,
    series: Option<String>,
}

/// Run one design point and write its files; `false` if Ctrl-C stopped it
/// (then its point files are not written, and `--resume` runs it again;
/// with `--keep-series`, the series of its runs that finished stay, whole). Its replicates run a chunk at a time in
/// parallel, and each chunk is folded in replicate order into the point's
/// streaming reduction and its runs file, so that memory stays flat in the
/// number of replicates and the bytes do not depend on the threads.
/// Run a design point and write its files; returns the blake3 of its runs
/// and aggregates files, or `None` if Ctrl-C stopped it.
fn run_point(out: &Path, sweep: &Sweep, p: usize, keep_series: bool, aggregates: Aggregates, bar: &Progress) -> Result<Option<(String, String)>, Failure> {
    let scenario = sweep.scenario(p);
    let (runs_file, agg_file) = point_files(out, p);
    let mut runs = StreamedFile::create(&runs_file)?;
    let mut reduction = Reduction::default();
    // The same series aligned on each replicate's council call (rows whose column ends in "@call").
    let mut from_call = Reduction::default();
    let width = scenario.as_ref().map(|s| timeseries_columns(s).len()).unwrap_or(0);
    let days = scenario.as_ref().map(|s| sweep.days.unwrap_or(s.days) as usize).unwrap_or(0);
    let chunk = 4 * rayon::current_num_threads() as u64;
    let mut r0 = 0;
    while r0 < sweep.replicates {
        let r1 = (r0 + chunk).min(sweep.replicates);
        let results: Option<Vec<RunResult>> = (r0..r1).into_par_iter().map(|r| run_replicate(sweep, &scenario, p, r, keep_series)).collect();
        let Some(results) = results else { return Ok(None) };
        for (r, result) in (r0..r1).zip(results) {
            if let Some(series) = &result.series {
                let id = &result.row[0].1;
                write_atomic(&out.join("series").join(format!("run-{id:0>8}.csv")), series.as_bytes())?;
            }
            // Only a daily aggregates.csv needs the series reduced.
            if let Some(values) = result.values.filter(|_| aggregates == Aggregates::Daily) {
                let call = result.row.iter().find(|(k, _)| k == "uprising.day").and_then(|(_, v)| v.parse::<usize>().ok());
                if let Some(window) = call.and_then(|c| super::aligned::since_call(&values, width, c, days)) {
                    from_call.push(r, window);
                }
                reduction.push(r, values);
            }
            let mut line = serde_json::to_string(&result.row).expect("plain data");
            line.push('\n');
            runs.write_all(line.as_bytes()).map_err(|e| io_failure(anyhow::Error::new(e).context(format!("cannot write {}", runs_file.display()))))?;
        }
        bar.inc(r1 - r0);
        r0 = r1;
    }
    let columns = scenario.as_ref().map(timeseries_columns).unwrap_or_default();
    let mut agg = String::new();
    if aggregates == Aggregates::Daily {
        reduction.write_rows(p, &sweep.policies[sweep.points[p].0].name, &sweep.shown_values(p), &columns, &mut agg);
        if from_call.replicates() > 0 {
            let aligned: Vec<String> = columns.iter().map(|c| format!("{c}{}", super::aligned::SUFFIX)).collect();
            let mut rows = String::new();
            from_call.write_rows(p, &sweep.policies[sweep.points[p].0].name, &sweep.shown_values(p), &aligned, &mut rows);
            agg.push_str(&super::aligned::days_from_call(&rows, sweep.keys.len()));
        }
    }
    write_atomic(&agg_file, agg.as_bytes())?;
    // The point's record, written after both files (record_point), marks it done.
    let (_, runs_hash) = runs.finish()?;
    Ok(Some((runs_hash, blake3::hash(agg.as_bytes()).to_hex().to_string())))
}

/// One replicate of a design point; `None` if Ctrl-C stopped it.
fn run_replicate(sweep: &Sweep, scenario: &Result<Scenario, ScenarioError>, p: usize, r: u64, keep_series: bool) -> Option<RunResult> {
    let (run_id, seed) = sweep.run(p, r);
    let mut row = vec![
        ("run_id".to_string(), run_id.to_string()),
        ("point".into(), p.to_string()),
        ("policy".into(), sweep.policies[sweep.points[p].0].name.clone()),
        ("replicate".into(), r.to_string()),
        ("seed".into(), seed.to_string()),
    ];
    row.extend(sweep.keys.iter().cloned().zip(sweep.shown_values(p)));
    let outcome = match scenario.as_ref().map_err(|e| e.to_string()) {
        Ok(s) => run_one(s, sweep, seed, keep_series)?,
        Err(e) => Err(e),
    };
    Some(match outcome {
        Ok((summary, values, series, fingerprint)) => {
            row.push(("status".into(), "ok".into()));
            row.push(("fingerprint".into(), fingerprint));
            row.push(("error".into(), String::new()));
            flatten("", &summary, &mut row);
            RunResult { row, values: Some(values), series }
        }
        Err(e) => {
            row.push(("status".into(), "failed".into()));
            row.push(("fingerprint".into(), String::new()));
            row.push(("error".into(), e));
            RunResult { row, values: None, series: None }
        }
    })
}

/// A run's summary, daily values, timeseries.csv (with `--keep-series`) and fingerprint.
type Outcome = (serde_json::Value, Vec<f64>, Option<String>, String);

/// One run, or `None` if Ctrl-C stopped it between days.
fn run_one(s: &Scenario, sweep: &Sweep, seed: u64, keep_series: bool) -> Option<Result<Outcome, String>> {
    let days = sweep.days.unwrap_or(s.days);
    // A run that panics fails alone; the others go on.
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| resist::sim::run_any_until(s, RunKey::new(seed, 0), days, &was_interrupted)));
    let out = match out {
        Ok(out) => out?,
        Err(e) => {
            return Some(Err(format!(
                "the run failed: {}",
                e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default()
            )));
        }
    };
    // The run's own fingerprint, as `resist run --seed SEED` gives it: a
    // sweep's run is checked alone (`resist replay` of the sweep's manifest).
    let rendered = Rendered::of_outcome(s, &out);
    let series = keep_series.then_some(rendered.timeseries);
    Some(Ok((out.summary_value(), out.series_values(s), series, rendered.fingerprint)))
}

/// A point's runs file a row at a time: a point of many replicates is never held whole.
fn point_rows(out: &Path, p: usize) -> Result<impl Iterator<Item = Result<Vec<(String, String)>, Failure>>, Failure> {
    let path = point_files(out, p).0;
    let f = std::fs::File::open(&path).map_err(|e| io_failure(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))))?;
    Ok(std::io::BufReader::new(f).lines().enumerate().map(move |(i, l)| {
        l.map_err(|e| io_failure(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))))
            .and_then(|l| serde_json::from_str(&l).map_err(|e| bad_input(anyhow!("{}:{}: not a run's row: {e}", path.display(), i + 1))))
    }))
}

/// A point's summary aggregates (`--aggregates summary`): each outcome of
/// its runs reduced over its replicates, from its runs file, a row at a time.
fn summary_rows(out: &Path, p: usize, state: &State) -> Result<String, Failure> {
    let mut red = resist::sweep::aggregate::OutcomeReduction::new(state.runs / state.points.max(1) as u64);
    let (mut policy, mut params) = (String::new(), Vec::new());
    for row in point_rows(out, p)? {
        let row = row?;
        let field = |k: &str| row.iter().find(|(c, _)| c == k).map(|(_, v)| v.clone()).unwrap_or_default();
        if field("status") != "ok" {
            continue;
        }
        policy = field("policy");
        params = state.keys.iter().map(|k| field(k)).collect();
        let r: u64 = field("replicate").parse().unwrap_or(0);
        let after = row.iter().position(|(k, _)| k == "error").map_or(row.len(), |e| e + 1);
        red.push(r, &row[after..]);
    }
    let mut text = String::new();
    red.write_rows(p, &policy, &params, &mut text);
    Ok(text)
}

/// Join the point files into runs.csv and aggregates.csv, and write the
/// manifest; every point is checked against its record first. Returns the
/// line that reports what was assembled.
fn assemble(out: &Path, state: &State) -> Result<String, Failure> {
    let mut missing: Vec<usize> = Vec::new();
    for p in 0..state.points {
        match point_state(out, p, &state.sweep_hash) {
            PointState::Done => {}
            PointState::Absent => missing.push(p),
            PointState::Bad(why) => return Err(bad_input(anyhow!("{why}: resume the sweep to run the point again"))),
        }
    }
    if !missing.is_empty() {
        return Err(bad_input(anyhow!(
            "{}: {} of {} design points are missing (first: {}): run the missing shards, or resume",
            out.display(),
            missing.len(),
            state.points,
            missing[0]
        )));
    }
    let io = |path: &Path, what: &str| {
        let at = format!("{what} {}", path.display());
        move |e: std::io::Error| io_failure(anyhow::Error::new(e).context(at))
    };
    // Columns: every key, in order of first appearance over points in order.
    let mut columns: Vec<String> = Vec::new();
    for p in 0..state.points {
        for row in point_rows(out, p)? {
            for (k, _) in row? {
                if !columns.contains(&k) {
                    columns.push(k);
                }
            }
        }
    }
    let (mut failed, mut total) = (0u64, 0u64);
    // Both files are hashed as they are written, never read back whole.
    let write_err = |e: std::io::Error| io_failure(anyhow::Error::new(e).context(format!("cannot write into {}", out.display())));
    let mut runs_csv = StreamedFile::create(&out.join("runs.csv"))?;
    {
        let mut w = BufWriter::new(&mut runs_csv);
        writeln!(w, "{}", columns.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",")).map_err(write_err)?;
        for p in 0..state.points {
            if was_interrupted() {
                return Err(interrupted());
            }
            for row in point_rows(out, p)? {
                let row = row?;
                total += 1;
                failed += u64::from(row.iter().any(|(k, v)| k == "status" && v == "failed"));
                let line: Vec<String> = columns.iter().map(|c| row.iter().find(|(k, _)| k == c).map(|(_, v)| csv_field(v)).unwrap_or_default()).collect();
                writeln!(w, "{}", line.join(",")).map_err(write_err)?;
            }
        }
        w.flush().map_err(write_err)?;
    }
    let agg_hash = match state.aggregates {
        Aggregates::None => None,
        Aggregates::Daily => {
            let mut agg_csv = StreamedFile::create(&out.join("aggregates.csv"))?;
            {
                let mut w = BufWriter::new(&mut agg_csv);
                writeln!(w, "{}", aggregate_header(&state.keys)).map_err(write_err)?;
                for p in 0..state.points {
                    if was_interrupted() {
                        return Err(interrupted());
                    }
                    let path = point_files(out, p).1;
                    let mut f = std::fs::File::open(&path).map_err(io(&path, "cannot read"))?;
                    std::io::copy(&mut f, &mut w).map_err(write_err)?;
                }
                w.flush().map_err(write_err)?;
            }
            Some(agg_csv.finish()?.1)
        }
        Aggregates::Summary => {
            let mut agg_csv = StreamedFile::create(&out.join("aggregates.csv"))?;
            {
                let mut w = BufWriter::new(&mut agg_csv);
                writeln!(w, "{}", summary_header(&state.keys)).map_err(write_err)?;
                for p in 0..state.points {
                    if was_interrupted() {
                        return Err(interrupted());
                    }
                    let text = summary_rows(out, p, state)?;
                    w.write_all(text.as_bytes()).map_err(write_err)?;
                }
                w.flush().map_err(write_err)?;
            }
            Some(agg_csv.finish()?.1)
        }
    };
    let (_, runs_hash) = runs_csv.finish()?;
    let mut files = serde_json::Map::new();
    files.insert("runs.csv".into(), runs_hash.clone().into());
    if let Some(h) = &agg_hash {
        files.insert("aggregates.csv".into(), h.clone().into());
    }
    let policies: serde_json::Map<String, serde_json::Value> = state.policies.iter().map(|(n, r)| (n.clone(), r.clone().into())).collect();
    let manifest = serde_json::json!({
        "resist_version": env!("CARGO_PKG_VERSION"),
        "git_commit": env!("RESIST_GIT_COMMIT"),
        "platform": platform(),
        "sweep": state.name,
        "sweep_hash": state.sweep_hash,
        "seed": state.seed,
        "seeding": state.seeding,
        "replicates": state.replicates,
        "days": state.days,
        "parameters": state.keys,
        "points": state.points,
        "runs": total,
        "failed_runs": failed,
        "aggregates": state.aggregates.name(),
        "files": files,
        "fingerprint": blake3::hash(format!("{runs_hash}{}", agg_hash.unwrap_or_default()).as_bytes()).to_hex().to_string(),
        "sweep_toml": state.sweep_toml,
        "base_scenario": state.base,
        "policies": policies,
    });
    let mut text = serde_json::to_string_pretty(&manifest).expect("plain data");
    text.push('\n');
    write_atomic(&out.join("manifest.json"), text.as_bytes())?;
    // Paired differences against the first policy (or point): derived from runs.csv, so not in the fingerprint.
    super::compare::write(out, None)?;
    Ok(format!("{}: {total} runs ({failed} failed) of {} design points", state.name, state.points))
}

/// `resist merge`: join shard directories into one sweep directory. The
/// output is staged and moved into place whole, so a failed merge leaves
/// nothing; it may be none of the shards, nor hold one, nor lie inside one.
pub fn merge(dirs: &[PathBuf], out: &Path, force: bool) -> Result<u8, Failure> {
    let mut state: Option<State> = None;
    for d in dirs {
        let s = read_state(d, "to merge")?;
        if let Some(first) = &state
            && *first != s
        {
            return Err(bad_input(anyhow!("{}: a shard of another sweep (hash {}, expected {})", d.display(), s.sweep_hash, first.sweep_hash)));
        }
        state = Some(s);
    }
    let Some(state) = state else { return Err(bad_input(anyhow!("merge needs at least one shard directory"))) };
    refuse_overlap(out, dirs)?;
    let staged = Staged::begin(out, force)?;
    {
        // Ctrl-C during a merge ends it at once: the staging directory goes.
        let mut forced = super::cli::forced_exit();
        forced.remove(staged.dir());
        forced.note(Some(super::cli::NOTHING_WRITTEN.to_string()));
    }
    let to = staged.dir();
    let points = to.join("points");
    std::fs::create_dir_all(&points).with_context(|| format!("cannot create {}", points.display())).map_err(io_failure)?;
    write_atomic(&to.join("sweep.json"), serde_json::to_string_pretty(&state).expect("plain data").as_bytes())?;
    for p in 0..state.points {
        // The first shard that has the point supplies it, if its files match their record.
        let found = dirs.iter().find_map(|d| match point_state(d, p, &state.sweep_hash) {
            PointState::Absent => None,
            PointState::Done => Some(Ok(d)),
            PointState::Bad(why) => Some(Err(why)),
        });
        let d = match found {
            Some(Ok(d)) => d,
            Some(Err(why)) => return Err(bad_input(anyhow!("{why}: resume that shard to run the point again, then merge"))),
            None => {
                return Err(bad_input(anyhow!(
                    "design point {p} is in none of the shards (no points/p{p:06}.hash.json): run every shard K/N to its end before merging"
                )));
            }
        };
        let ((from_runs, from_agg), (to_runs, to_agg)) = (point_files(d, p), point_files(to, p));
        for (from, into) in [(from_agg, to_agg), (from_runs, to_runs), (point_record(d, p), point_record(to, p))] {
            std::fs::copy(&from, &into).with_context(|| format!("cannot copy {} into {}", from.display(), out.display())).map_err(io_failure)?;
        }
    }
    let report = assemble(to, &state)?;
    let dir = staged.commit()?;
    eprintln!("{report}\nwrote {}/{{runs.csv, aggregates.csv, manifest.json}}", dir.display());
    Ok(EXIT_OK)
}
