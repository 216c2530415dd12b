//! Variance-based global sensitivity: the Saltelli design and the first-order
//! and total Sobol indices estimated from it, with bootstrap intervals.
//!
//! Design (Saltelli 2002; Saltelli et al. 2010, "Variance based sensitivity
//! analysis of model output", Comput. Phys. Commun. 181, 259-270): two sample
//! matrices A and B of n rows in [0, 1)^k, taken as the first and the last k
//! coordinates of a 2k-dimensional Sobol sequence, and for each factor i the
//! matrix AB(i), which is A with its i-th column taken from B. The model runs
//! at n (k + 2) points.
//!
//! Estimators, with f_A, f_B and f_AB(i) the outcomes at the rows of each
//! matrix and V the variance of the outcomes at A and B together:
//! - first order (Saltelli et al. 2010, table 2 (b)):
//!   S_i = mean_j[ f_B(j) (f_AB(i)(j) - f_A(j)) ] / V;
//! - total (Jansen 1999, as recommended in Saltelli et al. 2010, table 2 (f)):
//!   ST_i = mean_j[ (f_A(j) - f_AB(i)(j))^2 ] / (2 V).
//!
//! Intervals resample the n base rows with replacement (each resample keeps a
//! base row's k + 2 outcomes together) and take percentile intervals.

use super::{AnalysisError, percentile_interval};
use crate::rng::Rng;
use crate::sweep::design;
use rand::RngExt;

/// The most factors a Saltelli design may have: its Sobol sequence has 2k dimensions.
pub const MAX_FACTORS: usize = design::SOBOL_MAX_DIMENSIONS / 2;

/// The points of a Saltelli design of `n` base samples over `k` factors, in
/// the unit cube: for each base sample j in order, the k + 2 rows A(j),
/// AB(1)(j), ..., AB(k)(j), B(j). Callers scale each column to its
/// parameter's range.
pub fn saltelli(n: usize, k: usize) -> Vec<Vec<f64>> {
    assert!((1..=MAX_FACTORS).contains(&k), "a Saltelli design needs 1 to {MAX_FACTORS} factors");
    let base = design::sobol(n, 2 * k);
    let mut rows = Vec::with_capacity(n * (k + 2));
    for p in base {
        let (a, b) = p.split_at(k);
        rows.push(a.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            rows.push(ab);
        }
        rows.push(b.to_vec());
    }
    rows
}

/// One factor's indices and their intervals.
#[derive(Clone, Debug, PartialEq)]
pub struct Indices {
    pub first: f64,
    pub first_low: f64,
    pub first_high: f64,
    pub total: f64,
    pub total_low: f64,
    pub total_high: f64,
}

/// Sobol indices of each of `k` factors from the outcomes `y` at the points of
/// [`saltelli`]`(n, k)`, in the same order, with `level` (for example 0.95)
/// percentile intervals from `resamples` bootstrap resamples drawn from `rng`.
pub fn indices(y: &[f64], k: usize, resamples: usize, level: f64, rng: &mut Rng) -> Result<Vec<Indices>, AnalysisError> {
    let width = k + 2;
    if k == 0 || y.is_empty() || !y.len().is_multiple_of(width) {
        return Err(AnalysisError::Length { expected: (y.len() / width.max(1)).max(1) * width, got: y.len() });
    }
    if let Some(bad) = y.iter().position(|v| !v.is_finite()) {
        return Err(AnalysisError::NotFinite(bad));
    }
    let n = y.len() / width;
    let all: Vec<usize> = (0..n).collect();
    let (first, total) = estimate(y, k, &all).ok_or(AnalysisError::Constant)?;
    let mut first_boot = vec![Vec::with_capacity(resamples); k];
    let mut total_boot = vec![Vec::with_capacity(resamples); k];
    let mut pick = vec![0usize; n];
    for _ in 0..resamples {
        for p in pick.iter_mut() {
            *p = rng.random_range(0..n);
        }
        if let Some((f, t)) = estimate(y, k, &pick) {
            for i in 0..k {
                first_boot[i].push(f[i]);
                total_boot[i].push(t[i]);
            }
        }
    }
    Ok((0..k)
        .map(|i| {
            let (first_low, first_high) = percentile_interval(std::mem::take(&mut first_boot[i]), level);
            let (total_low, total_high) = percentile_interval(std::mem::take(&mut total_boot[i]), level);
            Indices { first: first[i], first_low, first_high, total: total[i], total_low, total_high }
        })
        .collect())
}

/// The estimators over the base rows `rows` (with repeats, for a resample);
/// None when the outcome does not vary over them.
fn estimate(y: &[f64], k: usize, rows: &[usize]) -> Option<(Vec<f64>, Vec<f64>)> {
    let width = k + 2;
    let m = rows.len() as f64;
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    for &j in rows {
        for v in [y[j * width], y[j * width + k + 1]] {
            sum += v;
            sum_sq += v * v;
        }
    }
    let mean = sum / (2.0 * m);
    let var = (sum_sq / (2.0 * m) - mean * mean).max(0.0);
    if var <= f64::EPSILON * mean.abs().max(1.0) * 16.0 {
        return None;
    }
    let mut first = vec![0.0; k];
    let mut total = vec![0.0; k];
    for &j in rows {
        let fa = y[j * width];
        let fb = y[j * width + k + 1];
        for i in 0..k {
            let fab = y[j * width + 1 + i];
            first[i] += fb * (fab - fa);
            total[i] += (fa - fab) * (fa - fab);
        }
    }
    for i in 0..k {
        first[i] /= m * var;
        total[i] /= 2.0 * m * var;
    }
    Some((first, total))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stream;
    use std::f64::consts::PI;

    /// Ishigami and Homma (1990) with a = 7, b = 0.1 on [-pi, pi]^3, whose
    /// indices are known in closed form.
    fn ishigami(x: &[f64]) -> f64 {
        let z: Vec<f64> = x.iter().map(|u| -PI + 2.0 * PI * u).collect();
        z[0].sin() + 7.0 * z[1].sin().powi(2) + 0.1 * z[2].powi(4) * z[0].sin()
    }

    #[test]
    fn saltelli_rows_swap_one_column_of_a_for_b() {
        let rows = saltelli(4, 3);
        assert_eq!(rows.len(), 4 * 5);
        for j in 0..4 {
            let (a, b) = (&rows[j * 5], &rows[j * 5 + 4]);
            for i in 0..3 {
                let ab = &rows[j * 5 + 1 + i];
                for c in 0..3 {
                    assert_eq!(ab[c], if c == i { b[c] } else { a[c] });
                }
            }
        }
    }

    #[test]
    fn ishigami_indices_match_their_closed_form() {
        // Analytical values: V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2.
        let (a, b) = (7.0f64, 0.1f64);
        let v = a * a / 8.0 + b * PI.powi(4) / 5.0 + b * b * PI.powi(8) / 18.0 + 0.5;
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let exact_first = [v1 / v, v2 / v, 0.0];
        let exact_total = [(v1 + v13) / v, v2 / v, v13 / v];
        let n = 1 << 13;
        let y: Vec<f64> = saltelli(n, 3).iter().map(|x| ishigami(x)).collect();
        let got = indices(&y, 3, 200, 0.95, &mut stream(1, "test", 0, 0)).unwrap();
        for i in 0..3 {
            assert!((got[i].first - exact_first[i]).abs() < 0.02, "S{} = {} against {}", i + 1, got[i].first, exact_first[i]);
            assert!((got[i].total - exact_total[i]).abs() < 0.02, "ST{} = {} against {}", i + 1, got[i].total, exact_total[i]);
            assert!(got[i].first_low <= got[i].first && got[i].first <= got[i].first_high);
            assert!(got[i].total_low <= got[i].total && got[i].total <= got[i].total_high);
            assert!(got[i].total_high - got[i].total_low < 0.1, "interval too wide: {:?}", got[i]);
        }
    }

    #[test]
    fn an_additive_function_has_first_order_equal_to_total() {
        // y = x1 + 2 x2 + 0 x3 on uniforms: shares 1/5, 4/5, 0 of the variance.
        let y: Vec<f64> = saltelli(4096, 3).iter().map(|x| x[0] + 2.0 * x[1]).collect();
        let got = indices(&y, 3, 50, 0.95, &mut stream(2, "test", 0, 0)).unwrap();
        for (i, want) in [0.2, 0.8, 0.0].iter().enumerate() {
            assert!((got[i].first - want).abs() < 0.01, "{:?}", got[i]);
            assert!((got[i].total - want).abs() < 0.01, "{:?}", got[i]);
        }
        assert_eq!(got[2].total, 0.0);
    }

    #[test]
    fn a_constant_outcome_and_a_wrong_length_are_refused() {
        let mut rng = stream(3, "test", 0, 0);
        assert_eq!(indices(&[1.0; 10], 3, 10, 0.95, &mut rng), Err(AnalysisError::Constant));
        assert!(matches!(indices(&[1.0; 11], 3, 10, 0.95, &mut rng), Err(AnalysisError::Length { .. })));
        assert_eq!(indices(&[1.0, 2.0, f64::NAN, 1.0, 0.5], 3, 10, 0.95, &mut rng), Err(AnalysisError::NotFinite(2)));
    }
}
