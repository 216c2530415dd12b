//! `resist bench`: speed of both models at several sizes, from one command.
//!
//! The main model runs the shipped Atarib scenario with `people` set to each
//! size (people-days per second, bytes per person); Epstein's model runs the
//! shipped scenario with `width` set to each size (agent-steps per second,
//! bytes per agent). Each size is repeated; the table gives the median and the
//! range, the target beside each figure and whether it is met, and how the
//! cost grows from one size to the next (the exponent of time against size:
//! 1 is linear). Both scenarios are compiled in, so the command runs from any
//! directory and measures exactly the shipped files.
#![allow(clippy::disallowed_methods)] // wall clocks and /proc: this module measures time and memory

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::anyhow;
use rayon::prelude::*;
use serde::Serialize;

use resist::rng::{RunKey, derive_seed};
use resist::scenario::{Layer, Scenario, Sources};
use resist::world::World;

use super::cli::{EXIT_OK, Failure, bad_input, interrupted, was_interrupted};

mod epstein;
mod region;
use epstein::{EpsteinRow, WholeRunRow, epstein_all, epstein_whole_run};

const ATARIB: &str = include_str!("../../../scenarios/atarib.toml");
const EPSTEIN: &str = include_str!("../../../scenarios/epstein.toml");

/// Main-model sizes (people, a simulated year each): from the town to a
/// small city, so that the growth exponent spans more than an order of magnitude.
const PEOPLE: [u32; 4] = [30_000, 100_000, 300_000, 1_000_000];
/// Added by `--full`: one to two minutes and about 2 GB.
const FULL_PEOPLE: u32 = 10_000_000;
const WIDTHS: [u32; 3] = [40, 200, 1000];
const YEAR: u32 = 365;
const DEFAULT_REPEATS: u32 = 5;
/// Without `--repeats`, a size stops repeating once it has taken this long
/// (after at least one repeat), so that the defaults finish in about two minutes.
const SIZE_BUDGET_S: f64 = 15.0;
/// Epstein's steps a repeat are the scenario's, cut at big widths so that a
/// repeat is at most this many agent-steps (and at least `MIN_STEPS`).
const EPSTEIN_AGENT_STEPS: u64 = 20_000_000;
const MIN_STEPS: u32 = 10;
/// Runs of the sweep-throughput line (as `resist sweep` runs them: in parallel over runs).
const SWEEP_RUNS: u64 = 8;
/// "Cost linear in people": the fitted exponent of time against size may be at most this.
const LINEAR_EXPONENT: f64 = 1.1;
const EPSTEIN_RATE: f64 = 10e6;
/// Mesa 3.3.1's Epstein example at 40 x 40 with NetLogo's defaults, agent-steps
/// per second on one core of the machine of issue 18; a whole resist run at the
/// same size should beat it 1,000 times.
const MESA_40_RATE: f64 = 12.6e3;
const MESA_TIMES: f64 = 1000.0;
/// Steps of the whole-run measurement at 40 x 40 (about a second).
const WHOLE_RUN_STEPS: u32 = 20_000;
const ATARIB_SECONDS: f64 = 1.0;
const MILLION_SECONDS: f64 = 15.0;
const TEN_MILLION_SECONDS: f64 = 120.0;
const TEN_MILLION_BYTES: f64 = 16e9;

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    All,
    Resist,
    Epstein,
}

/// Arguments of `resist bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    /// Which model to measure.
    #[arg(long, value_enum, default_value_t = Which::All)]
    model: Which,
    /// Sizes of the model chosen with --model (comma-separated): people for
    /// resist, grid widths for epstein.
    #[arg(long, value_delimiter = ',', value_name = "N,...", value_parser = clap::value_parser!(u32).range(1..), conflicts_with_all = ["people", "widths"])]
    sizes: Vec<u32>,
    /// Main-model sizes in people (default 30000,100000,300000,1000000).
    #[arg(long, value_delimiter = ',', value_name = "N,...", value_parser = clap::value_parser!(u32).range(1..))]
    people: Vec<u32>,
    /// Epstein grid widths (default 40,200,1000; the grid is width x width).
    #[arg(long, value_delimiter = ',', value_name = "W,...", value_parser = clap::value_parser!(u32).range(1..))]
    widths: Vec<u32>,
    /// Also 10,000,000 people for a year (one to two minutes and about 2 GB);
    /// with --region, also the Iraq region of 10,000,000 for five years (about 7 minutes).
    #[arg(long)]
    full: bool,
    /// Measure the region instead (issue 16): north-east Syria at three sizes
    /// for six years and on one thread (about 4 minutes), and with --full Iraq.
    #[arg(long)]
    region: bool,
    /// Repeats of each size (default 5, fewer once a size has taken 15 s).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1000))]
    repeats: Option<u32>,
    /// Days for every main-model run and steps for every Epstein run
    /// (default: 700 for Atarib, 365 for the sizes, Epstein's 500 cut to 20M agent-steps).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(resist::scenario::MAX_DAYS)))]
    days: Option<u32>,
    /// Threads of the pool the main model's days use (default: all cores; Epstein's model is one-threaded).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=u32::from(super::cli::MAX_THREADS) as i64))]
    threads: Option<u32>,
    /// Also write the results as JSON to this file.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
}

/// Median and range over repeats.
#[derive(Serialize, Clone, Copy, Debug)]
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(v: &[f64]) -> Spread {
        let mut s = v.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        let median = if n % 2 == 1 { s[n / 2] } else { (s[n / 2 - 1] + s[n / 2]) / 2.0 };
        Spread { median, min: s[0], max: s[n - 1] }
    }

    fn show(&self, f: fn(f64) -> String) -> String {
        format!("{} [{}-{}]", f(self.median), f(self.min), f(self.max))
    }
}

#[derive(Serialize, Debug)]
struct Target {
    want: String,
    met: bool,
}

#[derive(Serialize, Debug)]
struct ResistRow {
    /// "atarib": the shipped scenario as is; "size": `people` set, a year.
    case: &'static str,
    people: u32,
    days: u32,
    repeats: usize,
    build_s: Spread,
    simulate_s: Spread,
    /// Build and simulate: one replicate.
    total_s: Spread,
    person_days_per_s: Spread,
    /// Heap held by the people's columns and the network, after building.
    heap_bytes_per_person: f64,
    rss: Rss,
    target: Option<Target>,
}

/// Resident memory of one size: its peak (reset before the size where the
/// kernel allows, so it includes what the process already held) and before it.
#[derive(Serialize, Clone, Copy, Debug)]
struct Rss {
    peak_bytes: Option<u64>,
    before_bytes: Option<u64>,
}

#[derive(Serialize, Debug)]
struct GrowthStep {
    from: u64,
    to: u64,
    exponent: f64,
}

/// How time per day (or step) grows with size: exponent 1 is linear.
#[derive(Serialize, Debug)]
struct Growth {
    steps: Vec<GrowthStep>,
    fit_exponent: f64,
    target: Option<Target>,
}

#[derive(Serialize, Debug)]
struct SweepRow {
    runs: u64,
    people: u32,
    days: u32,
    threads: usize,
    repeats: usize,
    seconds: Spread,
    runs_per_s: Spread,
}

#[derive(Serialize, Debug, Default)]
struct Report {
    version: &'static str,
    profile: &'static str,
    threads: usize,
    hardware_threads: usize,
    /// Whether peak RSS is each size's own (else the process's high-water mark).
    peak_rss_per_size: bool,
    resist: Vec<ResistRow>,
    resist_growth: Option<Growth>,
    sweep: Option<SweepRow>,
    region: Vec<ResistRow>,
    region_growth: Option<Growth>,
    epstein: Vec<EpsteinRow>,
    epstein_growth: Option<Growth>,
    epstein_whole_run: Option<WholeRunRow>,
}

/// One repeat: building the model, then running it.
struct Sample {
    build: f64,
    run: f64,
}

pub fn bench(args: &BenchArgs) -> Result<u8, Failure> {
    let (people, widths, default_people) = sizes(args)?;
    // Every size is validated before any is measured, so that a bad one fails at once.
    let people = scenarios(args, &people, "--people", "scenarios/atarib.toml", ATARIB, "population.people")?;
    let widths = scenarios(args, &widths, "--widths", "scenarios/epstein.toml", EPSTEIN, "epstein.width")?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0) as usize)
        .build()
        .map_err(|e| bad_input(anyhow!("--threads: cannot start a thread pool: {e}")))?;
    let threads = pool.current_num_threads();
    let hardware_threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    let per_size = reset_peak();
    crate::outln!("resist {} bench: {profile} build, {threads} threads in the pool, {hardware_threads} hardware threads", env!("CARGO_PKG_VERSION"))?;
    if cfg!(debug_assertions) {
        crate::outln!("WARNING: a debug build is many times slower; measure with `cargo run --release -- bench`")?;
    }
    match args.repeats {
        Some(n) => crate::outln!("repeats: {n} of every size")?,
        None => crate::outln!("repeats: {DEFAULT_REPEATS} of every size, fewer once a size has taken {SIZE_BUDGET_S} s (--repeats N forces N)")?,
    }
    crate::outln!("figures: median [min-max] over repeats; every repeat does the same work (seed fixed, replicate 0), so the spread is the machine's noise")?;
    if per_size {
        crate::outln!("peak RSS: each size's own, counting what the process held before it (rss.before_bytes in the JSON)")?;
    } else {
        crate::outln!("peak RSS: the process's high-water mark so far (it could not be reset per size; sizes run in increasing order)")?;
    }
    let mut report = Report { version: env!("CARGO_PKG_VERSION"), profile, threads, hardware_threads, peak_rss_per_size: per_size, ..Report::default() };
    if args.region {
        pool.install(|| region::region_all(args.repeats, args.days, args.full, threads, &mut report))?;
    } else if !people.is_empty() {
        pool.install(|| resist_all(args, &people, default_people, threads, &mut report))?;
    }
    if !widths.is_empty() && !args.region {
        epstein_all(args, &widths, &mut report)?;
        epstein_whole_run(args, &widths, &mut report)?;
    }
    if let Some(path) = &args.json {
        let mut text = serde_json::to_string_pretty(&report).map_err(|e| super::cli::io_failure(anyhow!("cannot render the results: {e}")))?;
        text.push('\n');
        super::files::write_atomic(path, text.as_bytes())?;
        crate::outln!("wrote {}", path.display())?;
    }
    Ok(EXIT_OK)
}

/// The sizes to measure, in increasing order (peak RSS is a high-water mark),
/// and whether the main model's are the defaults.
fn sizes(a: &BenchArgs) -> Result<(Vec<u32>, Vec<u32>, bool), Failure> {
    let (resist, epstein) = (a.model != Which::Epstein, a.model != Which::Resist);
    if !a.sizes.is_empty() && a.model == Which::All {
        return Err(bad_input(anyhow!(
            "--sizes means people for the main model and grid widths for Epstein's: choose one with --model resist or --model epstein, or give --people and --widths"
        )));
    }
    for (given, option, wanted, model) in
        [(!a.people.is_empty() || a.full, "--people and --full", resist, "resist"), (!a.widths.is_empty(), "--widths", epstein, "epstein")]
    {
        if given && !wanted {
            let chosen = if a.model == Which::Resist { "resist" } else { "epstein" };
            return Err(bad_input(anyhow!("{option} measure the {model} model, which --model {chosen} leaves out")));
        }
    }
    // --sizes conflicts with --people and --widths (clap), so at most one is given.
    let given = |own: &[u32], m: Which| [own, if a.model == m { &a.sizes } else { &[] }].concat();
    let (mut people, mut widths) = (given(&a.people, Which::Resist), given(&a.widths, Which::Epstein));
    let default_people = resist && people.is_empty();
    if default_people {
        people = PEOPLE.to_vec();
    }
    if a.full {
        people.push(FULL_PEOPLE);
    }
    if epstein && widths.is_empty() {
        widths = WIDTHS.to_vec();
    }
    for v in [&mut people, &mut widths] {
        v.sort_unstable();
        v.dedup();
    }
    Ok((people, widths, default_people))
}

/// A shipped scenario under a one-key override, validated as a user's file
/// would be (so that a size the model cannot take is refused with the reason).
fn scenarios(args: &BenchArgs, sizes: &[u32], option: &str, base_name: &str, base: &str, key: &str) -> Result<Vec<Scenario>, Failure> {
    let option = if args.sizes.is_empty() { option } else { "--sizes" };
    let (table, name) = key.split_once('.').expect("table.key");
    let one = |value: u32| {
        let fail = |e: resist::scenario::ScenarioError| bad_input(anyhow!("{option} {value}: {e}"));
        let layers = vec![
            Layer::parse(&format!("resist bench {option}"), format!("[{table}]\n{name} = {value}\n")).map_err(fail)?,
            Layer::parse(base_name, base.to_string()).map_err(fail)?,
        ];
        Scenario::from_sources(&Sources { layers }).map_err(fail)
    };
    sizes.iter().map(|&v| one(v)).collect()
}

fn resist_all(args: &BenchArgs, scenarios: &[Scenario], default_people: bool, threads: usize, report: &mut Report) -> Result<(), Failure> {
    crate::outln!()?;
    crate::outln!("main model: scenarios/atarib.toml with `people` set to each size; build = the society, simulate = the days,")?;
    crate::outln!("total = one replicate (the target's measure); heap B/p = bytes a person in the columns and network")?;
    crate::outln!(
        "{:<6} {:>11} {:>5} {:>4} {:>8} {:>22} {:>8} {:>20} {:>8} {:>9}  target",
        "case",
        "people",
        "days",
        "reps",
        "build s",
        "simulate s",
        "total s",
        "people-days/s",
        "heap B/p",
        "peak RSS"
    )?;
    // The shipped scenario as a user runs it (its own size and days), with the defaults.
    let atarib = Scenario::from_text("scenarios/atarib.toml", ATARIB).map_err(|e| bad_input(anyhow!(e)))?;
    let atarib_days = args.days.unwrap_or(atarib.days);
    if default_people {
        let row = resist_case(&atarib, "atarib", atarib_days, args.repeats, threads)?;
        print_resist(&row)?;
        report.resist.push(row);
    }
    for s in scenarios {
        let row = resist_case(s, "size", args.days.unwrap_or(YEAR), args.repeats, threads)?;
        print_resist(&row)?;
        report.resist.push(row);
    }
    let points: Vec<(u64, f64)> =
        report.resist.iter().filter(|r| r.case == "size").map(|r| (u64::from(r.people), r.simulate_s.median / f64::from(r.days))).collect();
    report.resist_growth = growth(&points, "people", "time a day", true)?;
    if default_people {
        let (s, days) = (&atarib, atarib_days);
        let samples = repeat(args.repeats, || {
            let t = Instant::now();
            // Each run with its derived seed, as `resist sweep` runs them.
            let d: u32 = (0..SWEEP_RUNS).into_par_iter().map(|r| resist::sim::run(s, RunKey::new(derive_seed(s.seed, 0, r), 0), days).summary.days).sum();
            black_box(d);
            Ok(Sample { build: 0.0, run: t.elapsed().as_secs_f64() })
        })?;
        let seconds: Vec<f64> = samples.iter().map(|x| x.run).collect();
        let rates: Vec<f64> = seconds.iter().map(|t| SWEEP_RUNS as f64 / t).collect();
        let row = SweepRow {
            runs: SWEEP_RUNS,
            people: s.population.people,
            days,
            threads,
            repeats: samples.len(),
            seconds: Spread::of(&seconds),
            runs_per_s: Spread::of(&rates),
        };
        let what = format!("{SWEEP_RUNS} Atarib runs ({days} days) in parallel on {threads} threads");
        crate::outln!("sweep throughput, {what}: {} s = {} runs/s ({} reps)", row.seconds.show(secs), row.runs_per_s.show(|x| format!("{x:.1}")), row.repeats)?;
        report.sweep = Some(row);
    }
    Ok(())
}

/// Build and run replicate 0 of `s` for `days`, `repeats` times (see
/// `repeat`), with the peak memory: the samples, the peak, the rows built
/// (people of every place and pool) and the heap bytes a row.
fn timed_replicates(s: &Scenario, days: u32, repeats: Option<u32>) -> Result<(Vec<Sample>, Rss, u32, f64), Failure> {
    let (mut rows, mut heap) = (0u32, 0.0);
    let (samples, peak) = measured(|| {
        repeat(repeats, || {
            let t0 = Instant::now();
            let mut world = World::new(s, RunKey::new(s.seed, 0));
            let t1 = Instant::now();
            rows = world.society.people.len() as u32;
            heap = world.society.bytes_per_person();
            for _ in 0..days {
                // Between days, so that Ctrl-C stops a long size promptly.
                if was_interrupted() {
                    return Err(interrupted());
                }
                black_box(resist::process::day(&mut world, s));
            }
            let t2 = Instant::now();
            drop(black_box(world));
            Ok(Sample { build: (t1 - t0).as_secs_f64(), run: (t2 - t1).as_secs_f64() })
        })
    })?;
    Ok((samples, peak, rows, heap))
}

fn resist_case(s: &Scenario, case: &'static str, days: u32, repeats: Option<u32>, threads: usize) -> Result<ResistRow, Failure> {
    let people = s.population.people;
    let (samples, peak, _, heap) = timed_replicates(s, days, repeats)?;
    let build: Vec<f64> = samples.iter().map(|x| x.build).collect();
    let simulate: Vec<f64> = samples.iter().map(|x| x.run).collect();
    let total: Vec<f64> = samples.iter().map(|x| x.build + x.run).collect();
    let rates: Vec<f64> = simulate.iter().map(|t| f64::from(people) * f64::from(days) / t).collect();
    let total_s = Spread::of(&total);
    let on = if threads == 2 { String::new() } else { format!(" (measured on {threads})") };
    let target = match (case, people, days) {
        ("atarib", 30_000, 700) => Some(Target { want: format!("< {ATARIB_SECONDS} s"), met: total_s.median < ATARIB_SECONDS }),
        ("size", 1_000_000, YEAR) => Some(Target { want: format!("< {MILLION_SECONDS} s"), met: total_s.median < MILLION_SECONDS }),
        ("size", FULL_PEOPLE, YEAR) => Some(Target {
            want: format!("< {TEN_MILLION_SECONDS} s on 2 cores{on}, < {} GB", TEN_MILLION_BYTES / 1e9),
            met: total_s.median < TEN_MILLION_SECONDS && peak.peak_bytes.is_some_and(|p| (p as f64) < TEN_MILLION_BYTES),
        }),
        _ => None,
    };
    Ok(ResistRow {
        case,
        people,
        days,
        repeats: samples.len(),
        build_s: Spread::of(&build),
        simulate_s: Spread::of(&simulate),
        total_s,
        person_days_per_s: Spread::of(&rates),
        heap_bytes_per_person: heap,
        rss: peak,
        target,
    })
}

fn print_resist(r: &ResistRow) -> Result<(), Failure> {
    crate::outln!(
        "{:<6} {:>11} {:>5} {:>4} {:>8} {:>22} {:>8} {:>20} {:>8.0} {:>9}  {}",
        r.case,
        count(u64::from(r.people)),
        r.days,
        r.repeats,
        secs(r.build_s.median),
        r.simulate_s.show(secs),
        secs(r.total_s.median),
        r.person_days_per_s.show(rate),
        r.heap_bytes_per_person,
        r.rss.peak_bytes.map_or("-".into(), mem),
        show_target(r.target.as_ref())
    )
}

/// Repeat `one` `fixed` times, or by default up to `DEFAULT_REPEATS` times
/// until the size's time budget is spent; Ctrl-C stops between repeats.
fn repeat(fixed: Option<u32>, mut one: impl FnMut() -> Result<Sample, Failure>) -> Result<Vec<Sample>, Failure> {
    let started = Instant::now();
    let mut out = Vec::new();
    loop {
        if was_interrupted() {
            return Err(interrupted());
        }
        out.push(one()?);
        let n = out.len() as u32;
        let done = match fixed {
            Some(f) => n >= f,
            None => n >= DEFAULT_REPEATS || started.elapsed().as_secs_f64() >= SIZE_BUDGET_S,
        };
        if done {
            return Ok(out);
        }
    }
}

/// Run `f` and return its peak resident memory: the kernel's high-water mark,
/// reset first where the kernel allows it.
fn measured<T>(f: impl FnOnce() -> Result<T, Failure>) -> Result<(T, Rss), Failure> {
    reset_peak();
    let before_bytes = status_bytes("VmRSS:");
    let out = f()?;
    Ok((out, Rss { peak_bytes: status_bytes("VmHWM:"), before_bytes }))
}

/// Reset the peak-RSS mark (Linux 4.0 and later: "5" into clear_refs), so
/// that each size's peak is its own rather than the largest so far.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// A size field of /proc/self/status ("VmHWM:", "VmRSS:"), in bytes.
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let rest = status.lines().find_map(|l| l.strip_prefix(field))?;
    rest.trim().trim_end_matches("kB").trim().parse::<u64>().ok().map(|kb| kb * 1024)
}

/// The exponent of time against size between successive sizes and fitted
/// over all (least squares on the logs), printed; `None` below two sizes.
fn growth(points: &[(u64, f64)], unit: &str, what: &str, linear_target: bool) -> Result<Option<Growth>, Failure> {
    if points.len() < 2 {
        return Ok(None);
    }
    crate::outln!("growth of {what} with {unit} (exponent 1 = linear):")?;
    let mut steps: Vec<GrowthStep> = Vec::new();
    for w in points.windows(2) {
        let (n, t) = ((w[1].0 as f64 / w[0].0 as f64), w[1].1 / w[0].1);
        let exponent = t.ln() / n.ln();
        crate::outln!("  {} -> {} {unit}: x{n:.2} {unit}, x{t:.2} {what}, exponent {exponent:.2}", count(w[0].0), count(w[1].0))?;
        steps.push(GrowthStep { from: w[0].0, to: w[1].0, exponent });
    }
    let (xs, ys): (Vec<f64>, Vec<f64>) = points.iter().map(|&(n, t)| ((n as f64).ln(), t.ln())).unzip();
    let (mx, my) = (xs.iter().sum::<f64>() / xs.len() as f64, ys.iter().sum::<f64>() / ys.len() as f64);
    let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let var: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let fit_exponent = cov / var;
    crate::outln!("  fitted over {} sizes: exponent {fit_exponent:.2}", points.len())?;
    // Judged between the two largest sizes: below them the working set still
    // fits the caches, which makes small towns cheaper a person, not big ones dearer.
    let last = steps.last().expect("two sizes or more").exponent;
    let target =
        linear_target.then(|| Target { want: format!("linear: exponent <= {LINEAR_EXPONENT} between the two largest sizes"), met: last <= LINEAR_EXPONENT });
    if let Some(t) = &target {
        crate::outln!("  {}", show_target(Some(t)))?;
    }
    Ok(Some(Growth { steps, fit_exponent, target }))
}

fn show_target(t: Option<&Target>) -> String {
    t.map_or_else(|| "-".into(), |t| format!("{}: {}", t.want, if t.met { "met" } else { "NOT MET" }))
}

fn secs(x: f64) -> String {
    match x {
        x if x < 0.1 => format!("{x:.4}"),
        x if x < 10.0 => format!("{x:.3}"),
        x => format!("{x:.1}"),
    }
}

fn rate(x: f64) -> String {
    match x {
        x if x >= 1e9 => format!("{:.2}G", x / 1e9),
        x if x >= 1e6 => format!("{:.1}M", x / 1e6),
        x if x >= 1e3 => format!("{:.1}k", x / 1e3),
        x => format!("{x:.0}"),
    }
}

fn mem(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 { format!("{:.2} GB", b / 1e9) } else { format!("{:.0} MB", b / 1e6) }
}

/// A count with thousands separators.
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
