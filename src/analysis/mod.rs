//! Analysis of a model's outcomes over its inputs, generic over the function
//! that maps one to the other: global sensitivity (Sobol indices from a
//! Saltelli design, Morris elementary effects), scenario discovery (PRIM) and
//! calibration (approximate Bayesian computation with sequential Monte Carlo).
//!
//! Nothing here knows about scenarios, runs or files. Designs are points in
//! the unit cube; estimators take the outcome at each point; the calibration
//! takes a function that scores a batch of proposed parameter vectors. So the
//! same code serves `resist` sweeps and tests on functions with known answers,
//! and every random draw comes from a stream keyed by (seed, purpose, counters),
//! never from the order in which a caller evaluates points.

pub mod abc;
pub mod morris;
pub mod prim;
pub mod sobol;

use crate::rng::Rng;
use rand::SeedableRng;

/// What an analysis refuses, reported once at the edge.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error("{got} outcomes do not match the design's {expected} points")]
    Length { expected: usize, got: usize },
    #[error("the outcome does not vary across the design (variance 0): its indices are undefined")]
    Constant,
    #[error("the outcome at design point {0} is not a finite number")]
    NotFinite(usize),
    #[error("{0}")]
    Settings(String),
    #[error(
        "generation {generation}: {accepted} of {wanted} particles accepted after {attempts} attempts (the most allowed); \
         the tolerance {tolerance} is out of reach: stop earlier or raise the attempts allowed"
    )]
    Exhausted { generation: usize, accepted: usize, wanted: usize, attempts: u64, tolerance: f64 },
}

/// A stream for one analysis, keyed by the analysis's seed, its purpose and
/// two counters (for example a generation and an attempt), so that a draw
/// depends on what it is for, not on when or by which thread it is made.
pub fn stream(seed: u64, purpose: &str, a: u64, b: u64) -> Rng {
    let mut h = blake3::Hasher::new_derive_key("resist 1 analysis stream");
    h.update(&seed.to_le_bytes());
    h.update(&(purpose.len() as u64).to_le_bytes());
    h.update(purpose.as_bytes());
    h.update(&a.to_le_bytes());
    h.update(&b.to_le_bytes());
    Rng::from_seed(*h.finalize().as_bytes())
}

/// The mean of `x`.
pub(crate) fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// The sample standard deviation of `x` (n - 1 in the denominator; 0 for fewer than two values).
pub(crate) fn sd(x: &[f64]) -> f64 {
    if x.len() < 2 {
        return 0.0;
    }
    let m = mean(x);
    (x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64).sqrt()
}

/// The percentile interval of bootstrap estimates at confidence `level`
/// (for example 0.95 gives the 2.5% and 97.5% quantiles); NaNs are ignored.
pub(crate) fn percentile_interval(mut estimates: Vec<f64>, level: f64) -> (f64, f64) {
    estimates.retain(|v| v.is_finite());
    if estimates.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    estimates.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    (crate::sweep::aggregate::quantile(&estimates, tail), crate::sweep::aggregate::quantile(&estimates, 1.0 - tail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn analysis_streams_depend_on_purpose_and_counters_only() {
        let a: u64 = stream(1, "abc", 2, 3).random();
        assert_eq!(a, stream(1, "abc", 2, 3).random::<u64>());
        for mut other in [stream(2, "abc", 2, 3), stream(1, "abd", 2, 3), stream(1, "abc", 3, 3), stream(1, "abc", 2, 4)] {
            assert_ne!(other.random::<u64>(), a);
        }
    }

    #[test]
    fn percentile_interval_of_a_known_sample() {
        let v: Vec<f64> = (0..=100).map(f64::from).collect();
        let (lo, hi) = percentile_interval(v, 0.9);
        assert!((lo - 5.0).abs() < 1e-9 && (hi - 95.0).abs() < 1e-9, "{lo} {hi}");
    }
}
