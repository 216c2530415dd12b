//! `resist calibrate FILE --out DIR`: approximate Bayesian computation with
//! sequential Monte Carlo (src/analysis/abc.rs) over a scenario's free
//! parameters against target outcomes (src/calibrate.rs).
//!
//! Each generation is saved whole and atomically (DIR/generations/NNN.json)
//! as soon as it is complete, so a killed calibration resumes with
//! `--resume` from its last generation and gives the same bytes: attempt a of
//! generation t draws only from its own stream, and its runs' seeds derive
//! from (seed, t, a, replicate). At the end: DIR/posterior.csv (the last
//! generation's particles and weights), DIR/generations.csv (tolerance,
//! attempts, acceptance, effective sample size and the weighted mean and sd
//! of each parameter, per generation), DIR/manifest.json, and charts of the
//! posterior's marginals and pairs in DIR/charts/.
//!
//! `--shard K/N` scores a slice of the next generation's attempts into
//! DIR/shards/ on another machine ([`shard`]); the unsharded run uses those
//! scores instead of running the model again, so shards only save time and
//! the posterior is the same bytes however many of them ran.
#![allow(clippy::disallowed_methods)]

mod shard;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::Args;
use rayon::prelude::*;
use resist::analysis::AnalysisError;
use resist::analysis::abc::{self, Generation, Particle, Proposal};
use resist::calibrate::{Calibration, RawCalibration};
use resist::rng::RunKey;
use resist::scenario::{Layer, ScenarioError};

use super::analyze::number;
use super::cli::{EXIT_OK, Failure, bad_input, interrupted, io_failure, was_interrupted};
use super::files::write_atomic;
use super::guard::{Lock, refuse_overlap};

#[derive(Args)]
pub struct CalibrateArgs {
    /// Calibration file: base scenario, free parameters with their ranges, targets.
    file: PathBuf,
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Threads (default: all cores); the posterior is the same for any number.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Continue an interrupted calibration in OUT from its last saved generation
    /// (using the scores its shards saved in OUT/shards/).
    #[arg(long)]
    resume: bool,
    /// Replace OUT if it exists.
    #[arg(long, conflicts_with = "shard")]
    force: bool,
    /// Score only the K-th of N slices of the next generation's attempts (on
    /// another machine, say) into OUT/shards/; an unsharded run with --resume
    /// then uses the scores instead of running the model again, and runs
    /// whatever the shards left. Needs the generations before it saved in OUT.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// With --shard: the generation to score (default: the first not saved in
    /// OUT/generations). Refused until the generations before it are saved.
    #[arg(long, value_name = "T", requires = "shard")]
    generation: Option<usize>,
    /// Stop after completing one more generation (and write the outputs so
    /// far): a driver alternates the shards of a generation and this run.
    #[arg(long, conflicts_with = "shard")]
    one_generation: bool,
}

/// A saved generation, as DIR/generations/NNN.json holds it. Numbers are
/// kept as their f64 bit patterns, so that a resumed calibration continues
/// from exactly the values it saved (a decimal round trip through JSON need
/// not be exact).
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    calibration_hash: String,
    index: usize,
    tolerance: u64,
    attempts: u64,
    scored: u64,
    acceptance: u64,
    effective_sample_size: u64,
    /// Each particle: its parameter values, weight, distance (bits) and attempt.
    particles: Vec<(Vec<u64>, u64, u64, u64)>,
}

impl Saved {
    fn of(g: &Generation, hash: &str) -> Saved {
        Saved {
            calibration_hash: hash.to_string(),
            index: g.index,
            tolerance: g.tolerance.to_bits(),
            attempts: g.attempts,
            scored: g.scored,
            acceptance: g.acceptance.to_bits(),
            effective_sample_size: g.effective_sample_size.to_bits(),
            particles: g
                .particles
                .iter()
                .map(|p| (p.theta.iter().map(|v| v.to_bits()).collect(), p.weight.to_bits(), p.distance.to_bits(), p.attempt))
                .collect(),
        }
    }

    fn generation(self) -> Generation {
        Generation {
            index: self.index,
            tolerance: f64::from_bits(self.tolerance),
            particles: self
                .particles
                .into_iter()
                .map(|(theta, weight, distance, attempt)| Particle {
                    theta: theta.into_iter().map(f64::from_bits).collect(),
                    weight: f64::from_bits(weight),
                    distance: f64::from_bits(distance),
                    attempt,
                })
                .collect(),
            attempts: self.attempts,
            scored: self.scored,
            acceptance: f64::from_bits(self.acceptance),
            effective_sample_size: f64::from_bits(self.effective_sample_size),
        }
    }
}

fn load(path: &Path) -> Result<(Calibration, String), Failure> {
    let name = path.display().to_string();
    let text = super::input::read_toml(path).map_err(|e| bad_input(anyhow!("{name}: cannot read the calibration file: {e}")))?;
    let layer = Layer::parse(&name, text).map_err(|e| bad_input(e.into()))?;
    let raw: RawCalibration = toml::from_str(&layer.text).map_err(|e| bad_input(layer.type_error(&e).into()))?;
    let Some(base) = raw.scenario.as_deref() else {
        return Err(bad_input(anyhow!("{name}: `scenario` missing: allowed the path of the base scenario, relative to the calibration file")));
    };
    let base_path = path.parent().unwrap_or(Path::new("")).join(base);
    let base = super::files::load_scenario(&base_path)?;
    let c = Calibration::resolve(&raw, &name, &layer.text, &base).map_err(|e: ScenarioError| bad_input(e.into()))?;
    Ok((c, layer.text))
}

/// The outcomes of one run, flattened as in runs.csv.
fn outcomes(o: &resist::sim::Outcome) -> Vec<(String, String)> {
    let mut row = Vec::new();
    resist::sweep::aggregate::flatten("", &o.summary_value(), &mut row);
    row
}

/// A proposal's distance: its runs' outcomes averaged over replicates; None if Ctrl-C stopped it.
fn score(c: &Calibration, p: &Proposal) -> Option<f64> {
    let Ok(s) = c.scenario(&p.theta) else { return Some(f64::INFINITY) };
    let days = c.days.unwrap_or(s.days);
    let mut sums: Vec<Option<f64>> = vec![Some(0.0); c.targets.len()];
    for r in 0..c.replicates {
        let out = resist::sim::run_any_until(&s, RunKey::new(c.run_seed(p.generation, p.attempt, r), 0), days, &was_interrupted)?;
        let row = outcomes(&out);
        for (t, sum) in c.targets.iter().zip(sums.iter_mut()) {
            let v = row.iter().find(|(k, _)| *k == t.outcome).and_then(|(_, v)| number(v));
            *sum = match (*sum, v) {
                (Some(a), Some(b)) => Some(a + b),
                _ => None,
            };
        }
    }
    let means: Vec<Option<f64>> = sums.iter().map(|s| s.map(|v| v / f64::from(c.replicates))).collect();
    Some(c.distance(&means))
}

pub fn calibrate(args: &CalibrateArgs) -> Result<u8, Failure> {
    let (c, text) = load(&args.file)?;
    refuse_overlap(&args.out, &super::files::inputs_read())?;
    // Every target must name an outcome the model reports (a run of one day shows the names).
    let probe = c.scenario(&c.prior.lower.iter().zip(&c.prior.upper).map(|(a, b)| 0.5 * (a + b)).collect::<Vec<_>>()).map_err(|e| bad_input(e.into()))?;
    let names: Vec<String> = outcomes(&resist::sim::run_any(&probe, RunKey::new(c.seed, 0), 1)).into_iter().map(|(k, _)| k).collect();
    for t in &c.targets {
        if !names.contains(&t.outcome) {
            let near: Vec<&str> = names
                .iter()
                .filter(|n| n.contains(&t.outcome) || t.outcome.contains(n.as_str()) || n.split('.').next() == t.outcome.split('.').next())
                .map(String::as_str)
                .take(12)
                .collect();
            return Err(bad_input(anyhow!(
                "{}: target `{}` is not an outcome of the model; outcomes are the columns of a sweep's runs.csv{}",
                args.file.display(),
                t.outcome,
                if near.is_empty() { String::new() } else { format!(", e.g. {}", near.join(", ")) }
            )));
        }
    }
    let hash = blake3::hash(format!("{text}\n{}\n{:?}", c.base, c).as_bytes()).to_hex()[..16].to_string();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.map_or(0, usize::from))
        .build()
        .map_err(|e| io_failure(anyhow!("cannot start threads: {e}")))?;
    if let Some(s) = args.shard.as_deref() {
        let (k, n) = super::sweep::parse_shard(s)?;
        return shard::shard(args, &c, &hash, (k, n), &pool);
    }
    let _lock = Lock::acquire(&args.out)?;
    let gens_dir = args.out.join("generations");
    let exists = args.out.exists();
    if exists && !args.resume && !args.force {
        return Err(bad_input(anyhow!("{}: exists; give --resume to continue its calibration, --force to replace it, or another --out", args.out.display())));
    }
    if exists && args.force && !args.resume {
        std::fs::remove_dir_all(&args.out).map_err(|e| io_failure(anyhow!("cannot remove {}: {e}", args.out.display())))?;
    }
    std::fs::create_dir_all(&gens_dir).map_err(|e| io_failure(anyhow!("cannot create {}: {e}", gens_dir.display())))?;
    let mut done: Vec<Generation> = Vec::new();
    if args.resume {
        done = saved(&args.out, &hash, c.generations)?;
        eprintln!("resuming after {} saved generations", done.len());
    }
    let stop_reason;
    let mut computed = 0;
    loop {
        if let Some(reason) = finished(&c, &done) {
            stop_reason = reason;
            break;
        }
        if args.one_generation && computed == 1 {
            stop_reason = format!("--one-generation: generation {} saved; continue with --resume", done.len() - 1);
            break;
        }
        let previous = done.last();
        let index = done.len();
        // Scores the shards of this generation saved: used instead of runs.
        let cached = shard::cached(&args.out, index, &shard::header(&hash, index, previous))?;
        let mut stopped = false;
        let (mut ran, mut hits) = (0u64, 0u64);
        let next = abc::next_generation(previous, &c.prior, &c.settings, c.seed, |batch: &[Proposal]| {
            if stopped {
                return vec![f64::NAN; batch.len()];
            }
            let todo: Vec<&Proposal> = batch.iter().filter(|p| !cached.scores.contains_key(&p.attempt)).collect();
            ran += todo.len() as u64;
            hits += (batch.len() - todo.len()) as u64;
            let d: Vec<Option<f64>> = pool.install(|| todo.par_iter().map(|p| score(&c, p)).collect());
            if d.iter().any(Option::is_none) {
                stopped = true;
            }
            let mut fresh = d.into_iter();
            batch.iter().map(|p| cached.scores.get(&p.attempt).copied().unwrap_or_else(|| fresh.next().flatten().unwrap_or(f64::NAN))).collect()
        });
        if stopped || was_interrupted() {
            eprintln!("stopped in generation {index}; {index} generations are saved in {}: continue with --resume", gens_dir.display());
            return Err(interrupted());
        }
        let g = match next {
            Ok(g) => g,
            Err(e @ AnalysisError::Exhausted { .. }) => {
                stop_reason = e.to_string();
                break;
            }
            Err(e) => return Err(bad_input(anyhow!("{}: {e}", args.file.display()))),
        };
        let body = serde_json::to_string(&Saved::of(&g, &hash)).expect("plain data");
        write_atomic(&gens_dir.join(format!("{:03}.json", g.index)), body.as_bytes())?;
        let from_shards = if cached.files == 0 {
            String::new()
        } else {
            format!("; {hits} scores taken from {} shard file{}, {ran} run here", cached.files, if cached.files == 1 { "" } else { "s" })
        };
        eprintln!(
            "generation {}: tolerance {}, {} attempts ({} scored{from_shards}), acceptance {:.3}, effective sample size {:.1}",
            g.index,
            if g.tolerance.is_finite() { format!("{:.4}", g.tolerance) } else { "none (the prior)".into() },
            g.attempts,
            g.scored,
            g.acceptance,
            g.effective_sample_size
        );
        done.push(g);
        computed += 1;
    }
    if done.is_empty() {
        return Err(bad_input(anyhow!("{}: no generation completed: {stop_reason}", args.file.display())));
    }
    finish(args, &c, &text, &done, &stop_reason)
}

/// The generations saved in OUT/generations (the first `most` of them, up to
/// the first missing), refused if another calibration saved them.
fn saved(out: &Path, hash: &str, most: usize) -> Result<Vec<Generation>, Failure> {
    let mut done = Vec::new();
    for t in 0..most {
        let path = out.join("generations").join(format!("{t:03}.json"));
        let Ok(body) = std::fs::read_to_string(&path) else { break };
        let saved: Saved = serde_json::from_str(&body).map_err(|e| bad_input(anyhow!("{}: not a saved generation: {e}", path.display())))?;
        if saved.calibration_hash != hash {
            return Err(bad_input(anyhow!("{}: saved by another calibration (file or base scenario changed); use --force to start again", out.display())));
        }
        done.push(saved.generation());
    }
    Ok(done)
}

/// Why the calibration is over after the generations `done`, if it is.
fn finished(c: &Calibration, done: &[Generation]) -> Option<String> {
    if done.len() >= c.generations {
        return Some("all generations done".into());
    }
    let last = done.last()?;
    if last.tolerance <= c.final_tolerance {
        return Some(format!("tolerance {} reached the final tolerance {}", last.tolerance, c.final_tolerance));
    }
    if last.index > 0 && last.acceptance < c.min_acceptance {
        return Some(format!("acceptance {:.4} fell below min_acceptance {}", last.acceptance, c.min_acceptance));
    }
    None
}

/// Weighted mean and sd of parameter j over a generation.
fn moments(g: &Generation, j: usize) -> (f64, f64) {
    let m: f64 = g.particles.iter().map(|p| p.weight * p.theta[j]).sum();
    let v: f64 = g.particles.iter().map(|p| p.weight * (p.theta[j] - m).powi(2)).sum();
    (m, v.sqrt())
}

fn finish(args: &CalibrateArgs, c: &Calibration, text: &str, done: &[Generation], stop_reason: &str) -> Result<u8, Failure> {
    let last = done.last().expect("one generation");
    let mut posterior = c.keys.join(",");
    posterior.push_str(",weight,distance,attempt\n");
    for p in &last.particles {
        for v in &p.theta {
            let _ = write!(posterior, "{v},");
        }
        let _ = writeln!(posterior, "{},{},{}", p.weight, p.distance, p.attempt);
    }
    let mut table = String::from("generation,tolerance,attempts,scored,acceptance,effective_sample_size");
    for k in &c.keys {
        let _ = write!(table, ",mean.{k},sd.{k}");
    }
    table.push('\n');
    for g in done {
        let tol = if g.tolerance.is_finite() { g.tolerance.to_string() } else { String::new() };
        let _ = write!(table, "{},{tol},{},{},{},{}", g.index, g.attempts, g.scored, g.acceptance, g.effective_sample_size);
        for j in 0..c.keys.len() {
            let (m, s) = moments(g, j);
            let _ = write!(table, ",{m},{s}");
        }
        table.push('\n');
    }
    write_atomic(&args.out.join("posterior.csv"), posterior.as_bytes())?;
    write_atomic(&args.out.join("generations.csv"), table.as_bytes())?;
    let fingerprint = blake3::hash(format!("{posterior}{table}").as_bytes()).to_hex().to_string();
    let manifest = serde_json::json!({
        "resist_version": env!("CARGO_PKG_VERSION"),
        "git_commit": env!("RESIST_GIT_COMMIT"),
        "platform": super::manifest::platform(),
        "calibration": c.name,
        "generations": done.len(),
        "stopped": stop_reason,
        "fingerprint": fingerprint,
        "calibration_toml": text,
        "base_scenario": c.base,
    });
    let mut m = serde_json::to_string_pretty(&manifest).expect("plain data");
    m.push('\n');
    write_atomic(&args.out.join("manifest.json"), m.as_bytes())?;
    let bounds: Vec<(f64, f64)> = c.prior.lower.iter().copied().zip(c.prior.upper.iter().copied()).collect();
    let particles: Vec<(Vec<f64>, f64)> = last.particles.iter().map(|p| (p.theta.clone(), p.weight)).collect();
    let title = format!("{}: posterior after generation {} (tolerance {})", c.name, last.index, tol(last.tolerance));
    let io = |e| io_failure(anyhow::Error::new(e));
    let charts = vec![
        resist::chart::analysis::marginals("calibration-marginals", &title, &c.keys, &bounds, &particles).map_err(io)?,
        resist::chart::analysis::pairs("calibration-pairs", &title, &c.keys, &bounds, &particles).map_err(io)?,
    ];
    super::plot::write(&args.out, &charts)?;
    let mut summary = format!("{}: {} generations ({stop_reason})\n", c.name, done.len());
    for (j, k) in c.keys.iter().enumerate() {
        let (m, s) = moments(last, j);
        let _ = writeln!(summary, "  {k}: posterior mean {m:.4}, sd {s:.4} (prior {} to {})", c.prior.lower[j], c.prior.upper[j]);
    }
    super::cli::out(&summary)?;
    eprintln!("wrote {}/{{posterior.csv, generations.csv, manifest.json}} and charts", args.out.display());
    Ok(EXIT_OK)
}

fn tol(t: f64) -> String {
    if t.is_finite() { format!("{t:.3}") } else { "none".into() }
}
