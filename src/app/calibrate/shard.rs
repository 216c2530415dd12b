//! `resist calibrate FILE --out DIR --shard K/N`: score the K-th of N slices
//! of generation t's attempts (a = K-1, K-1+N, K-1+2N, ...) on any machine
//! that sees DIR, into DIR/shards/gTTT/K-of-N.csv.
//!
//! A shard proposes exactly what the unsharded run would (attempt a's
//! proposal is a pure function of generation t-1, the prior, the seed and a:
//! [`abc::Proposer`]) and runs the same model with the same seeds, so its
//! scores are the ones the unsharded run would compute. That run reads every
//! shard file of the generation it computes and takes a cached distance
//! instead of running the model; the attempts no shard scored it runs itself.
//! The shards are a cache: the posterior never depends on which of them ran,
//! or how far.
//!
//! A shard stops once it has accepted its share, ceil(particles / N), at the
//! tolerance eps_t (all attempts are accepted in generation 0), or its
//! attempts reach `max_attempts`. It rewrites its file atomically after each
//! batch, so a killed shard resumes from it; it locks its own file (not DIR),
//! so the shards of a generation run at once.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::anyhow;
use rayon::prelude::*;
use resist::analysis::abc::{self, Generation, Proposal};
use resist::calibrate::Calibration;

use super::super::cli::{EXIT_OK, Failure, bad_input, interrupted, io_failure, was_interrupted};
use super::super::files::write_atomic;
use super::super::guard::{Lock, is_temporary};
use super::super::progress::Progress;
use super::{CalibrateArgs, Saved, finished, saved, score};

/// The scores of a generation's shard files: attempt -> distance.
pub(super) struct Cached {
    pub scores: BTreeMap<u64, f64>,
    /// Shard files read.
    pub files: usize,
}

/// The directory of generation t's shard files.
fn generation_dir(out: &Path, t: usize) -> PathBuf {
    out.join("shards").join(format!("g{t:03}"))
}

/// What a shard file of generation t must say it scored: the calibration
/// (the hash --resume checks), the generation, and the saved generation t-1
/// its proposals came from (a fingerprint of its bits; `prior` for t = 0).
pub(super) fn header(hash: &str, t: usize, previous: Option<&Generation>) -> String {
    let previous = match previous {
        None => "prior".to_string(),
        Some(g) => {
            let body = serde_json::to_string(&Saved::of(g, hash)).expect("plain data");
            blake3::hash(body.as_bytes()).to_hex()[..16].to_string()
        }
    };
    format!("# resist calibrate scores, calibration {hash}, generation {t}, previous {previous}")
}

/// Read one shard file (written for the header `expected`): its scores, or
/// exit 2 naming the file if it belongs to another calibration or generation.
fn read(path: &Path, expected: &str) -> Result<BTreeMap<u64, f64>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| io_failure(anyhow!("cannot read {}: {e}", path.display())))?;
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    // The header's fields before the build (which is only recorded).
    let fields = |h: &str| h.split(", ").filter(|f| !f.starts_with("build ")).map(str::to_string).collect::<Vec<_>>();
    let (got, want) = (fields(first), fields(expected));
    if got != want {
        let field = |v: &[String], key: &str| v.iter().find_map(|f| f.strip_prefix(key).map(str::to_string)).unwrap_or_else(|| "none".into());
        let why = if !first.starts_with("# resist calibrate scores") {
            "not a shard's score file".to_string()
        } else if field(&got, "calibration ") != field(&want, "calibration ") {
            format!(
                "scores of another calibration (hash {}, this one {}: the calibration file or its base scenario changed)",
                field(&got, "calibration "),
                field(&want, "calibration ")
            )
        } else if field(&got, "generation ") != field(&want, "generation ") {
            format!("scores of generation {}, not {}", field(&got, "generation "), field(&want, "generation "))
        } else {
            "scores proposed from another previous generation than the one saved".to_string()
        };
        return Err(bad_input(anyhow!("{}: {why}; delete it, or run its shard again", path.display())));
    }
    if lines.next() != Some("attempt,distance") {
        return Err(bad_input(anyhow!("{}:2: expected the header `attempt,distance`", path.display())));
    }
    let mut scores = BTreeMap::new();
    for (n, line) in lines.enumerate() {
        let parsed = line.split_once(',').and_then(|(a, d)| Some((a.parse::<u64>().ok()?, d.parse::<f64>().ok()?)));
        let Some((a, d)) = parsed else {
            return Err(bad_input(anyhow!("{}:{}: `{line}` is not `attempt,distance`; delete the file, or run its shard again", path.display(), n + 3)));
        };
        scores.insert(a, d);
    }
    Ok(scores)
}

/// Every shard file of generation t, joined; two files that disagree about
/// an attempt are refused (the same calibration always scores it the same).
pub(super) fn cached(out: &Path, t: usize, expected: &str) -> Result<Cached, Failure> {
    let dir = generation_dir(out, t);
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "csv")).collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    let mut scores: BTreeMap<u64, f64> = BTreeMap::new();
    let mut from: BTreeMap<u64, usize> = BTreeMap::new();
    for (i, path) in paths.iter().enumerate() {
        for (a, d) in read(path, expected)? {
            match scores.get(&a) {
                Some(e) if e.to_bits() != d.to_bits() => {
                    return Err(bad_input(anyhow!(
                        "{} and {} disagree about attempt {a} ({e} and {d}): were they written by different builds of resist? Delete the wrong one",
                        paths[from[&a]].display(),
                        path.display()
                    )));
                }
                Some(_) => {}
                None => {
                    scores.insert(a, d);
                    from.insert(a, i);
                }
            }
        }
    }
    Ok(Cached { scores, files: paths.len() })
}

/// A shard file's text: the header, then each scored attempt's distance in
/// Rust's shortest decimal that reads back as the same f64.
fn render(header: &str, scores: &BTreeMap<u64, f64>) -> String {
    let mut text = format!("{header}, build {} {}\nattempt,distance\n", env!("CARGO_PKG_VERSION"), env!("RESIST_GIT_COMMIT"));
    for (a, d) in scores {
        let _ = writeln!(text, "{a},{d}");
    }
    text
}

pub(super) fn shard(args: &CalibrateArgs, c: &Calibration, hash: &str, (k, n): (usize, usize), pool: &rayon::ThreadPool) -> Result<u8, Failure> {
    let out = &args.out;
    let done = saved(out, hash, c.generations)?;
    let t = args.generation.unwrap_or(done.len());
    if t > done.len() {
        return Err(bad_input(anyhow!(
            "{}: generation {t} is proposed from generation {}, which is not saved in {} ({} saved): complete it first with `resist calibrate FILE --out {} --resume --one-generation`",
            out.display(),
            t - 1,
            out.join("generations").display(),
            done.len(),
            out.display()
        )));
    }
    if t < done.len() {
        eprintln!("{}: generation {t} is already saved in {}: nothing to do", out.display(), out.join("generations").display());
        return Ok(EXIT_OK);
    }
    if let Some(reason) = finished(c, &done) {
        eprintln!("{}: the calibration is over ({reason}): nothing to do", out.display());
        return Ok(EXIT_OK);
    }
    let previous = done.last();
    let proposer = abc::Proposer::new(previous, &c.prior, c.seed);
    let tolerance = abc::tolerance(previous, &c.settings);
    let path = generation_dir(out, t).join(format!("{k}-of-{n}.csv"));
    let _lock = Lock::acquire(&path)?;
    // Under its lock, a temporary of this file is a killed writer's.
    let stem = format!("{k}-of-{n}.");
    if let Ok(entries) = std::fs::read_dir(generation_dir(out, t)) {
        for e in entries.flatten() {
            if e.file_name().to_str().is_some_and(|f| f.starts_with(&stem) && is_temporary(f)) {
                std::fs::remove_file(e.path()).ok();
            }
        }
    }
    let header = header(hash, t, previous);
    let mut scores = if path.exists() { read(&path, &header)? } else { BTreeMap::new() };
    let resumed = scores.len();
    let quota = c.settings.particles.div_ceil(n) as u64;
    let what = format!("{} generation {t} shard {k}/{n}", c.name);
    if resumed > 0 {
        eprintln!("{what}: resuming with {resumed} scores from {}", path.display());
    }
    let bar = Progress::new(&what, quota, 0, "accepted", false);
    let mut attempts = (k as u64 - 1..c.settings.max_attempts).step_by(n);
    let (most, width) = (c.settings.batch.max(4 * pool.current_num_threads()) as u64, pool.current_num_threads() as u64);
    let (mut accepted, mut proposed, mut last, mut written) = (0u64, 0u64, None, path.exists());
    'batches: loop {
        // As many attempts as the share still needs at the acceptance seen so
        // far (at first the last generation's), in whole rounds of the
        // threads: a shard scores little past its share.
        let rate = if accepted > 0 { accepted as f64 / proposed as f64 } else { previous.map_or(1.0, |g| g.acceptance) };
        let needed = ((quota - accepted) as f64 / rate.max(1e-6)).ceil().min(most as f64) as u64;
        let chunk: Vec<u64> = attempts.by_ref().take(needed.div_ceil(width).max(1).saturating_mul(width).min(most) as usize).collect();
        if chunk.is_empty() {
            break;
        }
        let proposals: Vec<Proposal> = chunk.iter().filter_map(|&a| proposer.propose(a)).collect();
        let todo: Vec<&Proposal> = proposals.iter().filter(|p| !scores.contains_key(&p.attempt)).collect();
        let d: Vec<Option<f64>> = pool.install(|| todo.par_iter().map(|p| score(c, p)).collect());
        let mut stopped = false;
        for (p, d) in todo.iter().zip(d) {
            match d {
                Some(d) => {
                    scores.insert(p.attempt, d);
                }
                None => stopped = true,
            }
        }
        if !todo.is_empty() {
            write_atomic(&path, render(&header, &scores).as_bytes())?;
            written = true;
        }
        if stopped || was_interrupted() {
            bar.abandon();
            eprintln!("{what}: stopped; {} scores are saved in {}: run the same command again to continue", scores.len(), path.display());
            return Err(interrupted());
        }
        last = chunk.last().copied();
        proposed += proposals.len() as u64;
        for p in &proposals {
            if scores[&p.attempt] <= tolerance {
                accepted += 1;
                bar.inc(1);
                if accepted >= quota {
                    last = Some(p.attempt);
                    break 'batches;
                }
            }
        }
    }
    if !written {
        write_atomic(&path, render(&header, &scores).as_bytes())?;
    }
    bar.finish();
    let reached = if accepted >= quota {
        format!("accepted {accepted}, its share of {} particles", c.settings.particles)
    } else {
        format!("reached max_attempts ({}) with {accepted} accepted", c.settings.max_attempts)
    };
    eprintln!(
        "{what}: done: {reached} by attempt {}; {} scores in {}; when the shards are done, `resist calibrate {} --out {} --resume --one-generation` completes the generation",
        last.map_or_else(|| "none".into(), |a| a.to_string()),
        scores.len(),
        path.display(),
        args.file.display(),
        out.display()
    );
    Ok(EXIT_OK)
}
