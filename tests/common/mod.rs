//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use resist::scenario::Scenario;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Load a scenario file from disk (relative to the repository root).
pub fn scenario(path: &str) -> Scenario {
    Scenario::load(&root().join(path), &|p: &Path| std::fs::read_to_string(p)).unwrap_or_else(|e| panic!("{e}"))
}

/// A scenario from TOML text.
pub fn scenario_text(text: &str) -> Scenario {
    Scenario::from_text("test.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

/// Run the `resist` binary in `dir` with extra environment variables.
pub fn resist(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_resist"));
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the resist binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Names of the entries of a directory, sorted (hidden ones included).
pub fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).map(|r| r.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
    v.sort();
    v
}

/// A scenario from the shipped `scenarios/<base>` with TOML overrides, as a
/// user would write it (`base = "..."` and the changed keys).
pub fn variant(base: &str, overrides: &str) -> Scenario {
    let path = root().join("scenarios").join("variant.toml");
    let text = format!("base = \"{base}\"\n{overrides}");
    let reader = move |p: &Path| {
        if p == path { Ok(text.clone()) } else { std::fs::read_to_string(p) }
    };
    Scenario::load(&root().join("scenarios").join("variant.toml"), &reader).unwrap_or_else(|e| panic!("{e}"))
}

/// Run `replicates` replicates in parallel, keeping what `keep` extracts.
pub fn replicates<T: Send>(s: &Scenario, seed: u64, replicates: u64, days: u32, keep: impl Fn(&resist::sim::RunOutput) -> T + Sync) -> Vec<T> {
    use rayon::prelude::*;
    (0..replicates).into_par_iter().map(|r| keep(&resist::sim::run(s, resist::rng::RunKey::new(seed, r), days))).collect()
}

pub fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

pub fn sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)).sqrt()
}

/// The 99% confidence interval of mean(a) - mean(b) (Welch, normal approximation).
pub fn diff_ci(a: &[f64], b: &[f64]) -> (f64, f64) {
    let d = mean(a) - mean(b);
    let se = (sd(a).powi(2) / a.len() as f64 + sd(b).powi(2) / b.len() as f64).sqrt();
    (d - 2.576 * se, d + 2.576 * se)
}

/// The 99% confidence interval of a mean.
pub fn mean_ci(a: &[f64]) -> (f64, f64) {
    let se = sd(a) / (a.len() as f64).sqrt();
    (mean(a) - 2.576 * se, mean(a) + 2.576 * se)
}

/// Pearson correlation.
pub fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// A scenario from a test file `tests/data/<base>` with TOML overrides (the
/// ablation twins of the pattern tests).
pub fn data_variant(base: &str, overrides: &str) -> Scenario {
    let dir = root().join("tests").join("data");
    let path = dir.join("variant.toml");
    let text = format!("base = \"{base}\"\n{overrides}");
    let reader = move |p: &Path| if p == path { Ok(text.clone()) } else { std::fs::read_to_string(p) };
    Scenario::load(&dir.join("variant.toml"), &reader).unwrap_or_else(|e| panic!("{e}"))
}

/// Mean of the paired differences a - b (replicate by replicate: common
/// random numbers) and its interval, `t` standard errors either side.
pub fn paired_interval(a: &[f64], b: &[f64], t: f64) -> (f64, f64, f64) {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    let (m, h) = (mean(&d), t * sd(&d) / (d.len() as f64).sqrt());
    (m, m - h, m + h)
}
