//! Attitudes that relax exponentially (fear, grievance, stigma, efficacy's
//! deviation from its baseline), stored against a shared scale so that the
//! day's relaxation costs O(1) instead of a pass over every person.
//!
//! A value is `stored[i] * scale`. Relaxing everyone by a factor `k` is
//! `scale *= k`; writing a value divides by the scale. Because relaxation is
//! linear, the sum over people relaxes by the same factor, so observation reads
//! means from a running sum rather than re-scanning the column. When the scale
//! falls below [`RENORMALISE_BELOW`] the column is rewritten at scale 1 and the
//! sum recomputed exactly, in a fixed order, so that rounding never drifts and
//! results never depend on the thread count.

use rayon::prelude::*;

use crate::rng::CHUNK;

/// Rewrite the column once the shared scale has fallen this far, to keep
/// stored values well inside f32's range and precision.
pub const RENORMALISE_BELOW: f64 = 1.0 / 1024.0;

/// A column of values in [0, 1] that relax toward zero at a common daily rate.
#[derive(Clone, Debug, Default)]
pub struct Relaxing {
    stored: Vec<f32>,
    /// Lowest value: 0 for attitudes, -1 for signed deviations (efficacy's lift).
    lo: f32,
    scale: f64,
    /// Sum of stored values over the people who count (see [`Relaxing::exclude`]).
    sum_stored: f64,
}

impl Relaxing {
    pub fn new(values: Vec<f32>) -> Self {
        let sum_stored = chunked_sum(&values);
        Relaxing {
            stored: values,
            lo: 0.0,
            scale: 1.0,
            sum_stored,
        }
    }

    /// A column of signed deviations in [-1, 1] that relax toward zero.
    pub fn new_signed(values: Vec<f32>) -> Self {
        Relaxing {
            lo: -1.0,
            ..Relaxing::new(values)
        }
    }

    pub fn len(&self) -> usize {
        self.stored.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stored.is_empty()
    }

    #[inline]
    pub fn get(&self, i: usize) -> f32 {
        ((f64::from(self.stored[i]) * self.scale) as f32).clamp(self.lo, 1.0)
    }

    /// Set person `i`'s value (clamped to [0, 1]).
    #[inline]
    pub fn set(&mut self, i: usize, v: f32) {
        let s = (f64::from(v.clamp(self.lo, 1.0)) / self.scale) as f32;
        self.sum_stored += f64::from(s) - f64::from(self.stored[i]);
        self.stored[i] = s;
    }

    /// Move person `i`'s value a share `rate` of the way to 1 (saturating rise).
    #[inline]
    pub fn raise(&mut self, i: usize, rate: f32) {
        let v = self.get(i);
        self.set(i, v + rate * (1.0 - v));
    }

    /// Stop counting person `i` in the sum (they left or died); their value is kept.
    pub fn exclude(&mut self, i: usize) {
        self.sum_stored -= f64::from(self.stored[i]);
    }

    /// Count person `i` in the sum again.
    pub fn include(&mut self, i: usize) {
        self.sum_stored += f64::from(self.stored[i]);
    }

    /// Sum of the values of the people counted.
    pub fn sum(&self) -> f64 {
        self.sum_stored * self.scale
    }

    /// One day of relaxation by `factor` (in (0, 1]).
    pub fn relax(&mut self, factor: f64, counted: impl Fn(usize) -> bool + Sync) {
        self.scale *= factor;
        if self.scale < RENORMALISE_BELOW {
            self.renormalise(counted);
        }
    }

    /// Rewrite stored values at scale 1 and recompute the sum exactly.
    pub fn renormalise(&mut self, counted: impl Fn(usize) -> bool + Sync) {
        let scale = self.scale as f32;
        let partial: Vec<f64> = self
            .stored
            .par_chunks_mut(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut s = 0.0f64;
                for (j, x) in chunk.iter_mut().enumerate() {
                    *x *= scale;
                    if counted(c * CHUNK + j) {
                        s += f64::from(*x);
                    }
                }
                s
            })
            .collect();
        self.scale = 1.0;
        self.sum_stored = partial.iter().sum();
    }

    /// Keep the entries where `map[i] != u32::MAX` (after people were removed).
    pub fn compact(&mut self, map: &[u32], counted: impl Fn(usize) -> bool + Sync) {
        let mut w = 0;
        for (r, &new) in map.iter().enumerate() {
            if new != u32::MAX {
                self.stored[w] = self.stored[r];
                w += 1;
            }
        }
        self.stored.truncate(w);
        self.renormalise(counted);
    }

    /// Append people (arrivals) with the given values.
    pub fn extend(&mut self, values: impl IntoIterator<Item = f32>) {
        for v in values {
            let s = (f64::from(v.clamp(self.lo, 1.0)) / self.scale) as f32;
            self.sum_stored += f64::from(s);
            self.stored.push(s);
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.stored.capacity() * 4
    }
}

/// Sum in fixed chunks combined in order: the same bits whatever the threads.
pub fn chunked_sum(v: &[f32]) -> f64 {
    let partial: Vec<f64> = v
        .par_chunks(CHUNK)
        .map(|c| c.iter().map(|&x| f64::from(x)).sum::<f64>())
        .collect();
    partial.iter().sum()
}

/// The daily factor of a half-life in days (0 means no memory at all).
pub fn daily_factor(half_life_days: f64) -> f64 {
    if half_life_days <= 0.0 {
        0.0
    } else {
        (-std::f64::consts::LN_2 / half_life_days).exp()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relaxing_by_scale_matches_relaxing_each_value() {
        let mut r = Relaxing::new(vec![0.5, 1.0, 0.0, 0.25]);
        let mut plain = [0.5f64, 1.0, 0.0, 0.25];
        let k = daily_factor(3.0);
        for day in 0..200 {
            r.relax(k, |_| true);
            for x in plain.iter_mut() {
                *x *= k;
            }
            if day == 50 {
                r.set(2, 0.9);
                plain[2] = 0.9;
            }
        }
        for (i, p) in plain.iter().enumerate() {
            assert!(
                (f64::from(r.get(i)) - p).abs() < 1e-6,
                "{i}: {} vs {p}",
                r.get(i)
            );
        }
        assert!((r.sum() - plain.iter().sum::<f64>()).abs() < 1e-6);
    }

    #[test]
    fn half_life_halves() {
        let mut r = Relaxing::new(vec![0.8]);
        let k = daily_factor(30.0);
        for _ in 0..30 {
            r.relax(k, |_| true);
        }
        assert!((r.get(0) - 0.4).abs() < 1e-5);
    }

    #[test]
    fn excluded_people_leave_the_sum() {
        let mut r = Relaxing::new(vec![0.5, 0.5]);
        r.exclude(0);
        assert!((r.sum() - 0.5).abs() < 1e-12);
        r.renormalise(|i| i != 0);
        assert!((r.sum() - 0.5).abs() < 1e-12);
    }
}
