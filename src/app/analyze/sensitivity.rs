//! `resist analyze sensitivity DIR`: Sobol indices (saltelli design) or
//! Morris measures (morris design) of each outcome of a sweep, per policy.
//!
//! By default the outcome at a design point is its mean over the point's
//! replicates, and the table also reports how much of the variance of those
//! means is replicate noise (measure `replicate_noise`: the mean within-point
//! variance over the replicates, divided by the variance of the point means),
//! since noise left in the means lowers every index. With `--per-replicate`
//! the indices are computed for each replicate on its own and the table gives
//! their mean, a 95% interval of that mean and their standard deviation
//! across replicates.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::anyhow;
use clap::Args;
use resist::analysis::{self, AnalysisError, morris, sobol};
use resist::chart::Chart;
use resist::sweep::{morris_design, morris_settings};

use super::{SweepRuns, num, number, read_sweep};
use crate::app::cli::{EXIT_OK, Failure, bad_input};
use crate::app::files::write_atomic;
use resist::render::csv_field as cell;

#[derive(Args)]
pub struct Options {
    /// Output directory of a finished `resist sweep` with a saltelli or morris design.
    dir: PathBuf,
    /// An outcome column of runs.csv to analyse (repeatable; default: every numeric outcome that varies).
    #[arg(long = "outcome", value_name = "COLUMN")]
    outcomes: Vec<String>,
    /// Indices per replicate, reported as their mean, its interval and their spread across replicates.
    #[arg(long)]
    per_replicate: bool,
    /// Saltelli designs: leave out the base samples (blocks of k + 2 points)
    /// in which the outcome is missing at some point (an event that did not
    /// happen there), and report how many were kept: the indices are then
    /// those of the outcome given the event.
    #[arg(long)]
    drop_missing: bool,
    /// Bootstrap resamples for the intervals.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(10..=100_000))]
    resamples: u32,
}

enum Method {
    Sobol { k: usize },
    Morris(morris::Design),
}

pub fn run(o: &Options) -> Result<u8, Failure> {
    let s = read_sweep(&o.dir)?;
    let design = s.sweep.design.clone().unwrap_or_default();
    let kind = design.kind.clone().unwrap_or_else(|| "factorial".into());
    let k = s.keys.len();
    let seed = s.sweep.seed.unwrap_or(1).max(0) as u64;
    let per = s.points_per_policy();
    let method = match kind.as_str() {
        "saltelli" => {
            let n = design.samples.unwrap_or(0).max(0) as usize;
            if n * (k + 2) != per {
                return Err(bad_input(anyhow!(
                    "{}: a saltelli design of {n} samples over {k} parameters has {} points a policy, but runs.csv has {per}",
                    o.dir.display(),
                    n * (k + 2)
                )));
            }
            Method::Sobol { k }
        }
        "morris" => {
            let m = morris_settings(&design).map_err(|(f, m)| bad_input(anyhow!("{}: design.{f}: {m}", o.dir.display())))?;
            let d = morris_design(seed, &m, k).map_err(|e| bad_input(anyhow!("{}: {e}", o.dir.display())))?;
            if d.rows.len() != per {
                return Err(bad_input(anyhow!("{}: the morris design has {} points a policy, but runs.csv has {per}", o.dir.display(), d.rows.len())));
            }
            Method::Morris(d)
        }
        other => {
            return Err(bad_input(anyhow!(
                "{}: a {other} design: sensitivity needs a sweep with `[design] kind = \"saltelli\"` (Sobol indices) or `kind = \"morris\"` (elementary effects); for any design, `resist analyze discover` finds the parameter ranges behind a condition",
                o.dir.display()
            )));
        }
    };
    let chosen: Vec<usize> = if o.outcomes.is_empty() {
        (0..s.outcomes.len()).filter(|&c| varies(&s, c)).collect()
    } else {
        o.outcomes.iter().map(|n| s.outcome_index(n)).collect::<Result<_, _>>()?
    };
    let charted: Vec<usize> = if o.outcomes.is_empty() {
        chosen.iter().copied().filter(|&c| resist::chart::sweep::OUTCOMES.iter().any(|(name, _)| *name == s.outcomes[c])).collect()
    } else {
        chosen.clone()
    };
    let mut csv = String::from("policy,outcome,method,parameter,measure,value,low,high,replicate_sd\n");
    let mut charts: Vec<Chart> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut summary = String::new();
    for (pi, policy) in s.policies.iter().enumerate() {
        for &c in &chosen {
            let name = &s.outcomes[c];
            let kept = match (&method, o.drop_missing && !o.per_replicate) {
                (Method::Sobol { k }, true) => Some(complete_blocks(&s, pi, c, *k)),
                _ => None,
            };
            if kept.as_ref().is_some_and(|b| b.kept < 2) {
                missing.push(format!("{name} ({policy}: fewer than 2 complete base samples)"));
                continue;
            }
            let means = match kept.as_ref().map_or_else(|| point_means(&s, pi, c), |b| Ok((b.means.clone(), b.noise))) {
                Ok(m) => m,
                // Chosen by default: an outcome some runs do not have (no uprising, no reconciliation) is left out, and said so.
                Err(_) if o.outcomes.is_empty() => {
                    missing.push(format!("{name} ({policy})"));
                    continue;
                }
                Err(p) => {
                    return Err(bad_input(anyhow!(
                        "{}: outcome `{name}`: design point {p} has no numeric value in any successful run (the event it measures never happened there); Sobol indices and elementary effects need a value at every point: choose an outcome every run has, or a count or share that is 0 when the event is absent, or (saltelli designs) give --drop-missing for the indices given the event",
                        o.dir.display()
                    )));
                }
            };
            let mut rng = analysis::stream(seed, "sensitivity bootstrap", pi as u64, c as u64);
            let resamples = o.resamples as usize;
            let result = if o.per_replicate {
                per_replicate(&s, pi, c, &method, &mut rng)
            } else {
                match &method {
                    Method::Sobol { k } => sobol::indices(&means.0, *k, resamples, 0.95, &mut rng).map(Measures::Sobol),
                    Method::Morris(d) => morris::effects(d, &means.0, resamples, 0.95, &mut rng).map(Measures::Morris),
                }
            };
            let measures = match result {
                Ok(m) => m,
                Err(AnalysisError::Constant) => {
                    skipped.push(format!("{name} ({policy})"));
                    continue;
                }
                Err(e) => return Err(bad_input(anyhow!("{}: outcome `{name}`: {e}", o.dir.display()))),
            };
            let prefix = format!("{},{},", cell(policy), cell(name));
            measures.write(&mut csv, &prefix, &s.keys);
            if let Some(b) = &kept {
                let _ = writeln!(csv, "{prefix}sobol,(base samples),kept,{},,,", b.kept);
                if b.kept < b.total {
                    let _ = writeln!(summary, "{policy} / {name}: {} of {} base samples kept (the rest miss the outcome somewhere)", b.kept, b.total);
                }
            }
            if !o.per_replicate && s.replicates > 1 {
                let _ = writeln!(csv, "{prefix}{},(replicates),replicate_noise,{},,,", measures.method(), num(means.1));
            }
            if charted.contains(&c) {
                let _ = writeln!(summary, "{policy} / {name}: {}", measures.headline(&s.keys));
                let stem =
                    resist::chart::file_stem(&format!("sensitivity-{}{}", if s.policies.len() > 1 { format!("{policy}-") } else { String::new() }, name));
                let title = format!("{}: {name}{}", measures.title(), if s.policies.len() > 1 { format!(" ({policy})") } else { String::new() });
                let chart = match &measures {
                    Measures::Sobol(x) | Measures::SobolReplicates(x, _) => resist::chart::analysis::sobol(&stem, &title, &s.keys, x),
                    Measures::Morris(x) | Measures::MorrisReplicates(x, _) => resist::chart::analysis::morris(&stem, &title, &s.keys, x),
                };
                charts.push(chart.map_err(|e| crate::app::cli::io_failure(anyhow::Error::new(e)))?);
            }
        }
    }
    write_atomic(&o.dir.join("sensitivity.csv"), csv.as_bytes())?;
    if !charts.is_empty() {
        crate::app::plot::write(&o.dir, &charts)?;
    }
    crate::app::cli::out(&summary)?;
    if !missing.is_empty() {
        eprintln!("left out {} outcomes missing at some design points (events that did not happen there): {}", missing.len(), missing.join(", "));
    }
    if !skipped.is_empty() {
        eprintln!("skipped {} outcomes that do not vary across the design: {}", skipped.len(), skipped.join(", "));
    }
    eprintln!("wrote {}/sensitivity.csv and {} charts to {}/charts/", o.dir.display(), charts.len(), o.dir.display());
    Ok(EXIT_OK)
}

/// Whether an outcome column is numeric and takes more than one value.
fn varies(s: &SweepRuns, c: usize) -> bool {
    let mut first: Option<f64> = None;
    for r in &s.rows {
        if let Some(v) = number(&r.cells[c]) {
            match first {
                None => first = Some(v),
                Some(f) if f != v => return true,
                _ => {}
            }
        }
    }
    false
}

/// An outcome's sums over each point's replicates, for policy `pi`.
struct Sums {
    sum: Vec<f64>,
    sq: Vec<f64>,
    n: Vec<usize>,
}

impl Sums {
    fn of(s: &SweepRuns, pi: usize, c: usize) -> Sums {
        let per = s.points_per_policy();
        let base = pi * per;
        let mut sums = Sums { sum: vec![0.0; per], sq: vec![0.0; per], n: vec![0; per] };
        for r in s.rows.iter().filter(|r| r.point >= base && r.point < base + per) {
            if let Some(v) = number(&r.cells[c]) {
                sums.sum[r.point - base] += v;
                sums.sq[r.point - base] += v * v;
                sums.n[r.point - base] += 1;
            }
        }
        sums
    }

    /// The means at `points`, and the share of their variance that is
    /// replicate noise (the mean within-point variance of a mean, over the
    /// variance of the means).
    fn means(&self, points: &[usize]) -> (Vec<f64>, f64) {
        let (sum, sq, n) = (&self.sum, &self.sq, &self.n);
        let count = points.len().max(1) as f64;
        let means: Vec<f64> = points.iter().map(|&p| sum[p] / n[p] as f64).collect();
        let within =
            points.iter().map(|&p| if n[p] > 1 { (sq[p] - sum[p] * sum[p] / n[p] as f64) / (n[p] - 1) as f64 / n[p] as f64 } else { 0.0 }).sum::<f64>() / count;
        let m = means.iter().sum::<f64>() / count;
        let between = means.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / count;
        (means, if between > 0.0 { (within / between).min(1.0) } else { f64::NAN })
    }
}

/// The outcome's mean at each point of policy `pi`, in design order, and the
/// share of the means' variance that is replicate noise; Err(point) if a
/// point has no value.
fn point_means(s: &SweepRuns, pi: usize, c: usize) -> Result<(Vec<f64>, f64), usize> {
    let sums = Sums::of(s, pi, c);
    if let Some(p) = sums.n.iter().position(|&m| m == 0) {
        return Err(pi * s.points_per_policy() + p);
    }
    Ok(sums.means(&(0..sums.n.len()).collect::<Vec<_>>()))
}

/// A Saltelli design's point means over the base samples in which every
/// point has the outcome.
struct Blocks {
    means: Vec<f64>,
    noise: f64,
    kept: usize,
    total: usize,
}

/// Keep the base samples (blocks of k + 2 consecutive points: A, AB(1..k),
/// B) in which every point has a value; each block is an independent draw of
/// the estimators' sums, so the indices over the kept blocks are those of the
/// outcome given that it occurs.
fn complete_blocks(s: &SweepRuns, pi: usize, c: usize, k: usize) -> Blocks {
    let sums = Sums::of(s, pi, c);
    let block = k + 2;
    let total = sums.n.len() / block;
    let keep: Vec<usize> = (0..total).filter(|b| (b * block..(b + 1) * block).all(|p| sums.n[p] > 0)).collect();
    let points: Vec<usize> = keep.iter().flat_map(|b| b * block..(b + 1) * block).collect();
    let (means, noise) = sums.means(&points);
    Blocks { means, noise, kept: keep.len(), total }
}

enum Measures {
    Sobol(Vec<sobol::Indices>),
    Morris(Vec<morris::Effects>),
    /// Means over replicates (with the interval of the mean) and the spread across them.
    SobolReplicates(Vec<sobol::Indices>, Vec<[f64; 2]>),
    MorrisReplicates(Vec<morris::Effects>, Vec<[f64; 3]>),
}

impl Measures {
    fn method(&self) -> &'static str {
        match self {
            Measures::Sobol(_) | Measures::SobolReplicates(..) => "sobol",
            _ => "morris",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Measures::Sobol(_) => "Sobol indices with 95% bootstrap intervals",
            Measures::SobolReplicates(..) => "Sobol indices, mean over replicates with its 95% interval",
            Measures::Morris(_) => "Morris: mu* (95% bootstrap interval) against sigma",
            Measures::MorrisReplicates(..) => "Morris, mean over replicates: mu* (95% interval) against sigma",
        }
    }

    fn write(&self, csv: &mut String, prefix: &str, keys: &[String]) {
        let m = self.method();
        let mut row = |key: &str, measure: &str, v: f64, lo: f64, hi: f64, sd: f64| {
            let _ = writeln!(csv, "{prefix}{m},{},{measure},{},{},{},{}", cell(key), num(v), num(lo), num(hi), num(sd));
        };
        match self {
            Measures::Sobol(x) => {
                for (key, i) in keys.iter().zip(x) {
                    row(key, "first_order", i.first, i.first_low, i.first_high, f64::NAN);
                    row(key, "total", i.total, i.total_low, i.total_high, f64::NAN);
                }
            }
            Measures::SobolReplicates(x, sd) => {
                for ((key, i), sd) in keys.iter().zip(x).zip(sd) {
                    row(key, "first_order", i.first, i.first_low, i.first_high, sd[0]);
                    row(key, "total", i.total, i.total_low, i.total_high, sd[1]);
                }
            }
            Measures::Morris(x) => {
                for (key, e) in keys.iter().zip(x) {
                    row(key, "mu", e.mu, f64::NAN, f64::NAN, f64::NAN);
                    row(key, "mu_star", e.mu_star, e.mu_star_low, e.mu_star_high, f64::NAN);
                    row(key, "sigma", e.sigma, f64::NAN, f64::NAN, f64::NAN);
                }
            }
            Measures::MorrisReplicates(x, sd) => {
                for ((key, e), sd) in keys.iter().zip(x).zip(sd) {
                    row(key, "mu", e.mu, f64::NAN, f64::NAN, sd[0]);
                    row(key, "mu_star", e.mu_star, e.mu_star_low, e.mu_star_high, sd[1]);
                    row(key, "sigma", e.sigma, f64::NAN, f64::NAN, sd[2]);
                }
            }
        }
    }

    /// The most influential parameter, for the terminal.
    fn headline(&self, keys: &[String]) -> String {
        let (values, what): (Vec<f64>, &str) = match self {
            Measures::Sobol(x) | Measures::SobolReplicates(x, _) => (x.iter().map(|i| i.total).collect(), "total index"),
            Measures::Morris(x) | Measures::MorrisReplicates(x, _) => (x.iter().map(|e| e.mu_star).collect(), "mu*"),
        };
        let mut order: Vec<usize> = (0..values.len()).collect();
        order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
        order.iter().take(3).map(|&i| format!("{} ({what} {:.3})", keys[i], values[i])).collect::<Vec<_>>().join(", ")
    }
}

/// Indices for each replicate on its own: their mean, a 95% t interval of the
/// mean, and their standard deviation across replicates.
fn per_replicate(s: &SweepRuns, pi: usize, c: usize, method: &Method, rng: &mut resist::rng::Rng) -> Result<Measures, AnalysisError> {
    let per = s.points_per_policy();
    let base = pi * per;
    let mut y = vec![vec![f64::NAN; per]; s.replicates];
    for r in s.rows.iter().filter(|r| r.point >= base && r.point < base + per) {
        if let Some(v) = number(&r.cells[c]) {
            y[r.replicate][r.point - base] = v;
        }
    }
    // Replicates with every point present; each analysed without bootstrap (the spread across replicates is the interval).
    let complete: Vec<&Vec<f64>> = y.iter().filter(|v| v.iter().all(|x| x.is_finite())).collect();
    let mut columns: Vec<Vec<f64>> = Vec::new();
    for v in &complete {
        let flat: Vec<f64> = match method {
            Method::Sobol { k } => match sobol::indices(v, *k, 0, 0.95, rng) {
                Ok(x) => x.iter().flat_map(|i| [i.first, i.total]).collect(),
                Err(AnalysisError::Constant) => continue,
                Err(e) => return Err(e),
            },
            Method::Morris(d) => morris::effects(d, v, 0, 0.95, rng)?.iter().flat_map(|e| [e.mu, e.mu_star, e.sigma]).collect(),
        };
        columns.push(flat);
    }
    if columns.len() < 2 {
        return Err(AnalysisError::Constant);
    }
    let width = columns[0].len();
    let stat = |j: usize| {
        let v: Vec<f64> = columns.iter().map(|c| c[j]).collect();
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        let sd = (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt();
        let half = resist::chart::sweep::t975(v.len() - 1) * sd / n.sqrt();
        (m, m - half, m + half, sd)
    };
    let stats: Vec<(f64, f64, f64, f64)> = (0..width).map(stat).collect();
    Ok(match method {
        Method::Sobol { k } => {
            let x = (0..*k)
                .map(|i| {
                    let (f, t) = (stats[2 * i], stats[2 * i + 1]);
                    sobol::Indices { first: f.0, first_low: f.1, first_high: f.2, total: t.0, total_low: t.1, total_high: t.2 }
                })
                .collect();
            Measures::SobolReplicates(x, (0..*k).map(|i| [stats[2 * i].3, stats[2 * i + 1].3]).collect())
        }
        Method::Morris(d) => {
            let x = (0..d.factors)
                .map(|i| {
                    let (mu, ms, sg) = (stats[3 * i], stats[3 * i + 1], stats[3 * i + 2]);
                    morris::Effects { mu: mu.0, mu_star: ms.0, mu_star_low: ms.1, mu_star_high: ms.2, sigma: sg.0 }
                })
                .collect();
            Measures::MorrisReplicates(x, (0..d.factors).map(|i| [stats[3 * i].3, stats[3 * i + 1].3, stats[3 * i + 2].3]).collect())
        }
    })
}
