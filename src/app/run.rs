//! `resist run`: one scenario, one seed, outputs written whole into a
//! directory. With `--replicates N` it also runs replicates 1..N of the same
//! seed in parallel and writes their ensemble (ensemble.csv: each series'
//! mean, sd and 5/50/95% quantiles by day; replicates.csv: one summary row a
//! replicate); the first replicate's files stay the run's own, so its
//! fingerprint and `resist replay` work as for a single run.
#![allow(clippy::disallowed_methods)] // wall time for the manifest

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use resist::render::{Rendered, csv_field, timeseries_columns};
use resist::rng::RunKey;
use resist::scenario::{Model, Scenario};
use resist::sim::Simulation;
use resist::sweep::aggregate::{AGGREGATE_COLUMNS, Reduction, flatten};

use super::aligned::{days_from_call, since_call};
use super::cli::{EXIT_OK, Failure, bad_input, interrupted, io_failure, was_interrupted};
use super::files::{Staged, StreamedFile, inputs_read, load_scenario_with};
use super::guard::refuse_overlap;
use super::manifest::Manifest;
use super::progress::Progress;

/// Arguments of `resist run`.
#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Scenario file.
    #[arg(default_value = "scenarios/atarib.toml")]
    pub scenario: PathBuf,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Replicate number: runs with the same seed and another replicate are independent.
    #[arg(long, default_value_t = 0)]
    pub replicate: u64,
    /// Also run this many replicates in all (REPLICATE, REPLICATE+1, ...) and write their ensemble.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub replicates: u64,
    /// Days to simulate (default: the scenario's `days`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(resist::scenario::MAX_DAYS)))]
    pub days: Option<u32>,
    /// Output directory (default: out/<scenario file stem>-seed<seed>, then -r<replicate>, -n<replicates>,
    /// -d<days> and -set<hash> where these differ from the defaults).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the output directory if it exists.
    #[arg(long)]
    pub force: bool,
    /// Draw the charts into OUT/charts/ afterwards (as `resist plot OUT`).
    #[arg(long)]
    pub plot: bool,
    /// Threads for the replicates (default: all cores). The output does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=i64::from(super::cli::MAX_THREADS)))]
    pub threads: Option<u16>,
    /// Set a scenario key, as if written in the file: a dotted key and a TOML value (repeatable;
    /// e.g. --set amnesty.offer=false --set factions.isis.budget_usd=800).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub sets: Vec<String>,
    /// No progress on stderr (neither the bar on a terminal nor the lines off one).
    #[arg(long)]
    pub quiet: bool,
    /// A calibration's posterior.csv: each replicate runs at a particle drawn by weight (from the
    /// seed and its replicate number), so the ensemble carries the parameters' uncertainty as well as
    /// the replicates' noise; replicates.csv names each replicate's particle and values.
    #[arg(long, value_name = "FILE")]
    pub posterior: Option<PathBuf>,
}

/// The default output directory: out/<stem>-seed<seed>, with what else makes
/// the run differ from another of the same scenario and seed: `-r<R>` for a
/// replicate other than 0, `-n<N>` for an ensemble of N replicates, `-d<D>`
/// for days other than the scenario's, `-set<hash>` for `--set` arguments
/// (the first 8 hex digits of their blake3, in order).
pub fn default_out(a: &RunArgs, seed: u64, days: u32, scenario_days: u32) -> PathBuf {
    let stem = a.scenario.file_stem().and_then(|s| s.to_str()).unwrap_or("run");
    let mut name = format!("{stem}-seed{seed}");
    if a.replicate != 0 {
        name.push_str(&format!("-r{}", a.replicate));
    }
    if a.replicates > 1 {
        name.push_str(&format!("-n{}", a.replicates));
    }
    if days != scenario_days {
        name.push_str(&format!("-d{days}"));
    }
    if !a.sets.is_empty() {
        name.push_str(&format!("-set{}", &blake3::hash(a.sets.join("\n").as_bytes()).to_hex()[..8]));
    }
    PathBuf::from("out").join(name)
}

pub fn run(a: &RunArgs) -> Result<u8, Failure> {
    let scenario = load_scenario_with(&a.scenario, &a.sets)?;
    let seed = a.seed.unwrap_or(scenario.seed);
    let days = a.days.unwrap_or(scenario.days);
    if days == 0 {
        return Err(bad_input(anyhow::anyhow!("--days: 0 is out of range: allowed 1 to 100000")));
    }
    if !(1..=1_000_000).contains(&a.replicates) {
        return Err(bad_input(anyhow::anyhow!("--replicates: {} is out of range: allowed 1 to 1000000", a.replicates)));
    }
    // Replicates REPLICATE to REPLICATE + N - 1 run: the last must be a replicate number.
    if a.replicate.checked_add(a.replicates - 1).is_none() {
        return Err(bad_input(anyhow::anyhow!(
            "--replicate {} with --replicates {}: the last replicate would be past {}: allowed --replicate up to {}",
            a.replicate,
            a.replicates,
            u64::MAX,
            u64::MAX - (a.replicates - 1)
        )));
    }
    let draws = match &a.posterior {
        Some(path) => {
            let text = super::files::read_text(path).map_err(|e| bad_input(anyhow::anyhow!("{}: cannot read the posterior: {e}", path.display())))?;
            Some(resist::sweep::PosteriorDraws::read(&path.display().to_string(), &text, &scenario).map_err(|e| bad_input(e.into()))?)
        }
        None => None,
    };
    let out = a.out.clone().unwrap_or_else(|| default_out(a, seed, days, scenario.days));
    refuse_overlap(&out, &inputs_read())?;
    // From here Ctrl-C stops the run cleanly: the staging directory is removed.
    super::cli::cooperate(true);
    let staged = Staged::begin(&out, a.force)?;
    {
        let mut forced = super::cli::forced_exit();
        forced.remove(staged.dir());
        forced.note(Some(super::cli::NOTHING_WRITTEN.to_string()));
    }
    let started = Instant::now();
    let key = RunKey::new(seed, a.replicate);
    // The first replicate's scenario (its particle's, with --posterior) is the run's own.
    let first = match &draws {
        Some(d) => d.draw(&scenario, seed, a.replicate).map_err(|e| bad_input(e.into()))?.2,
        None => scenario.clone(),
    };
    let (rendered, size) = if a.replicates > 1 { ensemble(&scenario, draws.as_ref(), a, seed, days, &staged)? } else { single(&first, key, days, a.quiet)? };
    let wall = started.elapsed().as_secs_f64();
    let mut manifest = Manifest::new(&first, &a.scenario, seed, a.replicate, days, &rendered, wall);
    manifest.posterior = a.posterior.as_ref().map(|p| p.display().to_string());
    if a.replicates > 1 {
        manifest.replicates = Some(a.replicates);
    }
    manifest.set = a.sets.clone();
    staged.write("timeseries.csv", rendered.timeseries.as_bytes())?;
    staged.write("events.csv", rendered.events.as_bytes())?;
    staged.write("summary.json", rendered.summary.as_bytes())?;
    if let Some(places) = &rendered.places {
        staged.write("places.csv", places.as_bytes())?;
    }
    staged.write("manifest.json", manifest.to_json().as_bytes())?;
    let dir = {
        // A forced exit comes before or after the commit, never half-way.
        let mut forced = super::cli::forced_exit();
        if was_interrupted() {
            return Err(interrupted());
        }
        let staging = staged.dir().to_path_buf();
        let dir = staged.commit()?;
        forced.keep(&staging);
        forced.note(None);
        dir
    };
    super::cli::cooperate(false);
    let extra =
        format!("{}{}", if rendered.places.is_some() { ", places.csv" } else { "" }, if a.replicates > 1 { ", ensemble.csv, replicates.csv" } else { "" });
    eprintln!(
        "{}: {} days of {size} (seed {seed}, replicate {}{}) in {wall:.2} s\nwrote {}/{{timeseries.csv, events.csv, summary.json, manifest.json{extra}}}\nfingerprint {}",
        scenario.name,
        days,
        a.replicate,
        if a.replicates > 1 { format!(", {} replicates", a.replicates) } else { String::new() },
        dir.display(),
        rendered.fingerprint
    );
    if a.plot {
        super::plot::plot(&super::plot::ChartArgs::of(&dir))?;
    }
    Ok(EXIT_OK)
}

/// One run, stepped so that Ctrl-C stops between days (or steps), with a
/// progress bar on a terminal.
fn single(scenario: &Scenario, key: RunKey, days: u32, quiet: bool) -> Result<(Rendered, String), Failure> {
    let bar = Progress::new(&scenario.name, u64::from(days), 0, "days", quiet);
    let out = match scenario.model {
        Model::Resist => {
            let mut sim = Simulation::new(scenario, key, days);
            while !sim.done() {
                if was_interrupted() {
                    bar.abandon();
                    return Err(interrupted());
                }
                sim.step();
                bar.inc(1);
            }
            let output = sim.finish();
            let people = output.summary.people_start;
            (Rendered::of(scenario, &output), format!("{people} people"))
        }
        Model::Epstein => {
            let mut m = resist::epstein::Model::new(&scenario.epstein, key);
            for _ in 0..days {
                if was_interrupted() {
                    bar.abandon();
                    return Err(interrupted());
                }
                m.step();
                bar.inc(1);
            }
            let agents = m.agents();
            (Rendered::of_outcome(scenario, &resist::sim::Outcome::Epstein(m.finish())), format!("{agents} agents"))
        }
    };
    bar.finish();
    Ok(out)
}

/// Replicates in parallel; the ensemble files go into the staged directory.
/// Each replicate's stream is keyed by (seed, replicate), so the bytes do not
/// depend on the thread count or on which thread ran what. Memory stays flat
/// in the number of replicates: they run a chunk at a time, each chunk folded
/// in replicate order into the streaming [`Reduction`] and its summaries
/// appended to a scratch file, from which replicates.csv is written at the end.
fn ensemble(
    scenario: &Scenario,
    draws: Option<&resist::sweep::PosteriorDraws>,
    a: &RunArgs,
    seed: u64,
    days: u32,
    staged: &Staged,
) -> Result<(Rendered, String), Failure> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(a.threads.map_or(0, usize::from)).build().map_err(|e| io_failure(e.into()))?;
    let bar = Progress::new(&scenario.name, a.replicates, 0, "replicates", a.quiet);
    let columns = timeseries_columns(scenario);
    let mut reduction = Reduction::default();
    // The same series from each replicate's council call on (ensemble-from-call.csv).
    let mut from_call = Reduction::default();
    let mut summaries = StreamedFile::create(&staged.path(".replicates.jsonl"))?;
    let mut keys = SummaryKeys::default();
    let mut first: Option<Rendered> = None;
    // Chunks keep every thread busy; their size does not change the bytes.
    let chunk = 4 * pool.current_num_threads() as u64;
    let stop = || was_interrupted();
    let mut r0 = 0;
    while r0 < a.replicates {
        let r1 = (r0 + chunk).min(a.replicates);
        let done: Option<Vec<_>> = pool.install(|| {
            (r0..r1)
                .into_par_iter()
                .map(|r| {
                    // A replicate's particle, if any, is drawn from (seed, replicate): the
                    // scenarios were checked when the posterior was read, so a draw cannot fail.
                    let drawn = draws.map(|d| d.draw(scenario, seed, a.replicate + r).expect("a posterior particle checked on reading"));
                    let s = drawn.as_ref().map_or(scenario, |d| &d.2);
                    // Ctrl-C stops every replicate between days.
                    let out = resist::sim::run_any_until(s, RunKey::new(seed, a.replicate + r), days, &stop)?;
                    let rendered = (r == 0).then(|| Rendered::of_outcome(s, &out));
                    Some((out.summary_value(), out.series_values(s), rendered, drawn.map(|d| (d.0, d.1))))
                })
                .collect()
        });
        let Some(done) = done else {
            bar.abandon();
            return Err(interrupted());
        };
        for (r, (summary, series, rendered, particle)) in (r0..r1).zip(done) {
            let mut row = vec![("replicate".to_string(), (a.replicate + r).to_string())];
            if let (Some((i, shown)), Some(d)) = (particle, draws) {
                row.push(("posterior.particle".to_string(), i.to_string()));
                for (k, v) in d.keys().into_iter().zip(shown) {
                    row.push((format!("posterior.{k}"), v));
                }
            }
            flatten("", &summary, &mut row);
            keys.add(&row);
            let mut line = serde_json::to_string(&row).expect("plain data");
            line.push('\n');
            summaries.write_all(line.as_bytes()).map_err(|e| io_failure(e.into()))?;
            if let Some(window) = summary["uprising"]["day"].as_u64().and_then(|call| since_call(&series, columns.len(), call as usize, days as usize)) {
                from_call.push(a.replicate + r, window);
            }
            reduction.push(a.replicate + r, series);
            if rendered.is_some() {
                first = rendered;
            }
            bar.inc(1);
        }
        r0 = r1;
    }
    bar.finish();
    let mut agg = String::from(AGGREGATE_COLUMNS);
    agg.push('\n');
    reduction.write_rows(0, &scenario.name, &[], &columns, &mut agg);
    staged.write("ensemble.csv", agg.as_bytes())?;
    if from_call.replicates() > 0 {
        let mut rows = String::new();
        from_call.write_rows(0, &scenario.name, &[], &columns, &mut rows);
        let agg = format!("{AGGREGATE_COLUMNS}\n{}", days_from_call(&rows, 0));
        staged.write("ensemble-from-call.csv", agg.as_bytes())?;
    }
    let scratch = summaries.finish()?.0;
    write_replicates_csv(&scratch, &staged.path("replicates.csv"), &keys)?;
    std::fs::remove_file(&scratch).map_err(|e| io_failure(e.into()))?;
    let first = first.expect("replicate 0 always runs");
    Ok((first, format!("{} replicates", a.replicates)))
}

/// The columns of replicates.csv: every key in order of first appearance.
#[derive(Default)]
struct SummaryKeys(Vec<String>);

impl SummaryKeys {
    fn add(&mut self, row: &[(String, String)]) {
        for (k, _) in row {
            if !self.0.contains(k) {
                self.0.push(k.clone());
            }
        }
    }
}

/// replicates.csv from the scratch file of flattened summaries (one JSON
/// line a replicate), a row at a time.
fn write_replicates_csv(scratch: &Path, to: &Path, keys: &SummaryKeys) -> Result<(), Failure> {
    let read = |e: std::io::Error| io_failure(anyhow::Error::new(e).context(format!("cannot read {}", scratch.display())));
    let lines = std::io::BufReader::new(std::fs::File::open(scratch).map_err(read)?).lines();
    let mut out = StreamedFile::create(to)?;
    let mut text = keys.0.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",");
    text.push('\n');
    out.write_all(text.as_bytes()).map_err(|e| io_failure(e.into()))?;
    for line in lines {
        let row: Vec<(String, String)> = serde_json::from_str(&line.map_err(read)?).map_err(|e| io_failure(e.into()))?;
        let mut text = keys.0.iter().map(|c| row.iter().find(|(k, _)| k == c).map(|(_, v)| csv_field(v)).unwrap_or_default()).collect::<Vec<_>>().join(",");
        text.push('\n');
        out.write_all(text.as_bytes()).map_err(|e| io_failure(e.into()))?;
    }
    out.finish()?;
    Ok(())
}
