//! The command line: subcommands, their arguments, and the mapping of every
//! failure to one exit code (README.md, "Exit codes").

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use clap::{Parser, Subcommand};

/// Exit codes (README.md, "Exit codes").
pub const EXIT_OK: u8 = 0;
pub const EXIT_MISMATCH: u8 = 1;
pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_IO: u8 = 3;
pub const EXIT_INTERRUPTED: u8 = 130;

/// The most threads `--threads` may ask for: far more than any machine's
/// cores, few enough that the pool can be started.
pub const MAX_THREADS: u16 = 1024;

/// A failure and the exit code it ends the program with.
pub struct Failure {
    pub error: anyhow::Error,
    pub code: u8,
}

pub fn bad_input(error: anyhow::Error) -> Failure {
    Failure { error, code: EXIT_BAD_INPUT }
}

pub fn io_failure(error: anyhow::Error) -> Failure {
    Failure { error, code: EXIT_IO }
}

pub fn interrupted() -> Failure {
    Failure { error: anyhow::anyhow!("interrupted; {NOTHING_WRITTEN}"), code: EXIT_INTERRUPTED }
}

/// What an interrupted run leaves.
pub const NOTHING_WRITTEN: &str = "nothing was written under a final name";
/// A stop that is not a failure: the reader of standard output went away
/// (`resist params | head -1`). The program ends at once with exit 0 and no
/// message, as Unix tools do.
pub fn quiet_stop() -> Failure {
    Failure { error: anyhow::anyhow!("standard output was closed"), code: EXIT_OK }
}

/// Write to standard output; a closed pipe is a [`quiet_stop`], any other
/// failure exit 3.
pub fn out(text: &str) -> Result<(), Failure> {
    let mut o = std::io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|()| o.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(quiet_stop()),
        Err(e) => Err(io_failure(anyhow::Error::new(e).context("cannot write to standard output"))),
    }
}

/// `println!` through [`out`]: `outln!(...)?` in a function returning `Result<_, Failure>`.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::app::cli::out("\n")
    };
    ($($arg:tt)*) => {
        $crate::app::cli::out(&format!("{}\n", format_args!($($arg)*)))
    };
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
static COOPERATIVE: AtomicBool = AtomicBool::new(false);

/// Whether Ctrl-C was pressed; long loops check it and stop cleanly.
pub fn was_interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// How long a cooperating command has, after Ctrl-C, to stop by itself
/// (its loops check the flag at least once a simulated day) before the
/// process exits anyway, as from a second Ctrl-C.
const GRACE: Duration = Duration::from_secs(1);

/// Install the Ctrl-C (SIGINT) handler: the first thing `main` does, so that
/// no signal, however early, kills the process. While a command cooperates
/// (see [`cooperate`]) Ctrl-C sets the flag its loops check, and the command
/// stops cleanly with exit 130; otherwise (parsing the command line, loading
/// files, commands that write nothing half-way) and on a second Ctrl-C, or if
/// the command has not stopped within [`GRACE`], the process exits with 130
/// at once, removing what [`forced_exit`] was told to.
pub fn install_interrupt_handler() {
    // No handler is fatal to install: the default (death by the signal) remains.
    let _ = ctrlc::set_handler(|| {
        if !COOPERATIVE.load(Ordering::SeqCst) || INTERRUPTED.swap(true, Ordering::SeqCst) {
            exit_interrupted();
        }
        std::thread::spawn(|| {
            std::thread::sleep(GRACE);
            exit_interrupted();
        });
    });
}

/// Whether Ctrl-C should only set the flag (`true`: the command checks it in
/// every long loop and cleans up) or end the process at once (`false`).
pub fn cooperate(on: bool) {
    COOPERATIVE.store(on, Ordering::SeqCst);
}

/// What an exit at once on Ctrl-C removes (staging directories and
/// temporaries not yet moved into place) and what it says of what remains.
/// Hold it (see [`forced_exit`]) while moving a result into place, so that
/// such an exit happens before or after, never half-way.
pub struct ForcedExit {
    remove: Vec<PathBuf>,
    note: Option<String>,
}

static FORCED_EXIT: Mutex<ForcedExit> = Mutex::new(ForcedExit { remove: Vec::new(), note: None });

/// Lock files held, removed on a forced exit too. Apart from the plan above:
/// a lock is released (dropped) inside moves made while the plan is held, so
/// it must not need the plan's mutex.
static LOCKS_HELD: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remove the lock file `path` on a forced exit (`held`), or no longer (`!held`).
pub fn lock_held(path: &Path, held: bool) {
    let mut locks = LOCKS_HELD.lock().unwrap_or_else(|e| e.into_inner());
    locks.retain(|p| p != path);
    if held {
        locks.push(path.to_path_buf());
    }
}

/// The forced exit's plan, locked.
pub fn forced_exit() -> MutexGuard<'static, ForcedExit> {
    FORCED_EXIT.lock().unwrap_or_else(|e| e.into_inner())
}

impl ForcedExit {
    /// Remove `path` (a file or a directory) on a forced exit.
    pub fn remove(&mut self, path: &Path) {
        self.remove.push(path.to_path_buf());
    }

    /// No longer remove `path`: it was moved into place or removed.
    pub fn keep(&mut self, path: &Path) {
        self.remove.retain(|p| p != path);
    }

    /// What remains after a forced exit, said after "interrupted; ".
    pub fn note(&mut self, note: Option<String>) {
        self.note = note;
    }
}

#[allow(clippy::disallowed_methods)] // removing the staging files
fn exit_interrupted() -> ! {
    let plan = forced_exit();
    for p in &plan.remove {
        let _ = std::fs::remove_dir_all(p).or_else(|_| std::fs::remove_file(p));
    }
    // Still held by this process: no other writer has them yet.
    for p in LOCKS_HELD.lock().unwrap_or_else(|e| e.into_inner()).iter() {
        let _ = std::fs::remove_file(p);
    }
    match &plan.note {
        Some(note) => eprintln!("error: interrupted; {note}"),
        None => eprintln!("error: interrupted"),
    }
    // The plan stays locked: nothing is moved into place while the process ends.
    std::process::exit(i32::from(EXIT_INTERRUPTED))
}

#[derive(Parser)]
#[command(name = "resist", version, about = "Deterministic agent-based simulation of community resistance to armed extremist factions")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario and write timeseries.csv, events.csv, summary.json and
    /// manifest.json; with --replicates, also the ensemble over replicates.
    Run(super::run::RunArgs),
    /// Validate a scenario file and print it fully resolved (every parameter
    /// its model uses, defaults included); or validate a sweep file and list its design.
    Check {
        scenario: PathBuf,
        /// Set a scenario key, as if written in the file: a dotted key and a TOML value (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
    },
    /// Run a sweep: a design over a base scenario, each point replicated, in parallel.
    Sweep {
        /// Sweep file.
        sweep: PathBuf,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Threads (default: all cores).
        #[arg(long, value_parser = clap::value_parser!(u16).range(1..=i64::from(MAX_THREADS)))]
        threads: Option<u16>,
        /// Finish an interrupted sweep in OUT without redoing its finished points.
        #[arg(long)]
        resume: bool,
        /// Replace OUT if it exists.
        #[arg(long)]
        force: bool,
        /// Run only the K-th of N shards of the design (join them with `resist merge`).
        #[arg(long, value_name = "K/N")]
        shard: Option<String>,
        /// Keep each run's timeseries.csv under OUT/series/.
        #[arg(long)]
        keep_series: bool,
        /// Draw the charts into OUT/charts/ afterwards (as `resist plot OUT`).
        #[arg(long)]
        plot: bool,
        /// What aggregates.csv holds: none (no file), summary (each outcome over a point's replicates), daily (each daily series).
        #[arg(long, value_enum, default_value_t = super::sweep::Aggregates::Daily)]
        aggregates: super::sweep::Aggregates,
        /// Set a key of the base scenario and every policy's, as if written in their files (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        sets: Vec<String>,
        /// No progress on stderr (neither the bar on a terminal nor the lines off one).
        #[arg(long)]
        quiet: bool,
    },
    /// Join shard directories of one sweep into the output one machine would have written.
    Merge {
        /// Shard directories.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Re-run a run from its manifest.json alone and compare fingerprints (exit 0 if they match, 1 if not);
    /// or, given a sweep's manifest.json, re-run a sample of its runs and compare each with its runs.csv row.
    Replay {
        /// A run's or a sweep's manifest.json, or the directory that holds it.
        manifest: PathBuf,
        /// For a sweep: how many of its runs to re-run, spread evenly over the run ids (0: all).
        #[arg(long, default_value_t = 8, value_name = "N")]
        sample: u64,
    },
    /// Print every scenario parameter with its default, range, unit and source.
    Params {
        /// As the Markdown of docs/scenario-reference.md.
        #[arg(long)]
        markdown: bool,
    },
    /// Draw the charts of a run's or a sweep's output directory into DIR/charts/ (PNG and SVG); for a sweep, also DIR/comparisons.csv.
    Plot(super::plot::ChartArgs),
    /// Write DIR/report/index.html: scenario, manifest, summary table, paired comparisons and every chart, in one file that opens offline.
    Report(super::plot::ChartArgs),
    /// Analyse a finished sweep: global sensitivity (saltelli or morris designs) or scenario discovery (PRIM).
    Analyze(super::analyze::AnalyzeArgs),
    /// Calibrate a scenario's free parameters against target outcomes (ABC-SMC): DIR/posterior.csv, generations.csv, charts.
    Calibrate(super::calibrate::CalibrateArgs),
    /// Measure speed: both models at several sizes, median and spread over repeats.
    Bench(super::bench::BenchArgs),
    /// Check the reproducibility fixtures in seeds/, or refresh their fingerprints.
    Seeds {
        /// Rewrite each fixture's fingerprint (when the model changed on purpose).
        #[arg(long)]
        refresh: bool,
        /// The fixtures' directory.
        #[arg(long, default_value = "seeds")]
        dir: PathBuf,
    },
}

pub fn main() -> Result<u8, Failure> {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { EXIT_OK };
            let _ = e.print();
            return Ok(code);
        }
    };
    match cli.command {
        Command::Run(args) => super::run::run(&args),
        Command::Check { scenario, sets } => super::check::check(&scenario, &sets),
        Command::Replay { manifest, sample } => super::manifest::replay_any(&manifest, sample),
        Command::Sweep { sweep, out, threads, resume, force, shard, keep_series, plot, aggregates, sets, quiet } => {
            let options =
                super::sweep::Options { threads: threads.map(usize::from), resume, force, shard: shard.clone(), keep_series, aggregates, quiet, sets };
            let code = super::sweep::sweep(&sweep, &out, &options)?;
            // The sweep is whole: Ctrl-C while charting ends at once and says no more.
            cooperate(false);
            forced_exit().note(None);
            if plot && shard.is_none() {
                super::plot::plot(&super::plot::ChartArgs::of(&out))?;
            }
            Ok(code)
        }

        Command::Merge { dirs, out, force } => super::sweep::merge(&dirs, &out, force),
        Command::Params { markdown } => {
            if markdown {
                out(&resist::scenario::reference_markdown())?;
            } else {
                let mut text = String::new();
                for d in resist::scenario::reference() {
                    text.push_str(&format!("{} = {}  [{}{}{}]  {}\n", d.key, d.default, d.allowed, if d.unit.is_empty() { "" } else { "; " }, d.unit, d.doc));
                }
                out(&text)?;
            }
            Ok(EXIT_OK)
        }
        Command::Seeds { refresh, dir } => super::seeds::seeds(&dir, refresh),
        Command::Bench(args) => {
            cooperate(true);
            super::bench::bench(&args)
        }
        Command::Plot(args) => super::plot::plot(&args),
        Command::Report(args) => super::report::report(&args),
        Command::Analyze(args) => super::analyze::analyze(&args),
        Command::Calibrate(args) => {
            cooperate(true);
            super::calibrate::calibrate(&args)
        }
    }
}
