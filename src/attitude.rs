//! Attitudes that relax exponentially (fear, grievance, stigma, efficacy's
//! deviation from its baseline), stored against a shared scale so that the
//! day's relaxation costs O(1) instead of a pass over every person.
//!
//! A value is `stored[i] * scale + shift`. Relaxing everyone by a factor `k`
//! is `scale *= k, shift *= k`; raising everyone a share `a` of the way to 1
//! (a public execution frightens the whole town) is `scale *= 1 - a,
//! shift = shift (1 - a) + a`; writing one value inverts the map. Because both
//! are affine, the sum over people follows from a running sum and a count, so
//! observation reads means without re-scanning the column. When the scale
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
    shift: f64,
    /// Sum of stored values over the people who count (see [`Relaxing::exclude`]).
    sum_stored: f64,
    /// How many people count.
    counted: u64,
    /// Which people count, one bit each (an eighth of a byte a person): a
    /// value written for someone away or dead must not enter the sum.
    counts: Vec<u64>,
}

impl Relaxing {
    pub fn new(values: Vec<f32>) -> Self {
        let sum_stored = chunked_sum(&values);
        let counts = all_counted(values.len());
        Relaxing { counted: values.len() as u64, stored: values, lo: 0.0, scale: 1.0, shift: 0.0, sum_stored, counts }
    }

    /// A column of signed deviations in [-1, 1] that relax toward zero.
    pub fn new_signed(values: Vec<f32>) -> Self {
        Relaxing { lo: -1.0, ..Relaxing::new(values) }
    }

    pub fn len(&self) -> usize {
        self.stored.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stored.is_empty()
    }

    #[inline]
    pub fn get(&self, i: usize) -> f32 {
        ((f64::from(self.stored[i]) * self.scale + self.shift) as f32).clamp(self.lo, 1.0)
    }

    /// Set person `i`'s value (clamped to [0, 1]).
    #[inline]
    pub fn set(&mut self, i: usize, v: f32) {
        let s = ((f64::from(v.clamp(self.lo, 1.0)) - self.shift) / self.scale) as f32;
        if self.counts(i) {
            self.sum_stored += f64::from(s) - f64::from(self.stored[i]);
        }
        self.stored[i] = s;
    }

    /// Whether person `i` counts in the sum.
    #[inline]
    fn counts(&self, i: usize) -> bool {
        self.counts[i / 64] >> (i % 64) & 1 == 1
    }

    /// Move person `i`'s value a share `rate` of the way to 1 (saturating rise).
    #[inline]
    pub fn raise(&mut self, i: usize, rate: f32) {
        let v = self.get(i);
        self.set(i, v + rate * (1.0 - v));
    }

    /// Stop counting person `i` in the sum (they left or died); their value is kept.
    pub fn exclude(&mut self, i: usize) {
        if self.counts(i) {
            self.sum_stored -= f64::from(self.stored[i]);
            self.counted -= 1;
            self.counts[i / 64] &= !(1 << (i % 64));
        }
    }

    /// Count person `i` in the sum again.
    pub fn include(&mut self, i: usize) {
        if !self.counts(i) {
            self.sum_stored += f64::from(self.stored[i]);
            self.counted += 1;
            self.counts[i / 64] |= 1 << (i % 64);
        }
    }

    /// Sum of the values of the people counted.
    pub fn sum(&self) -> f64 {
        self.sum_stored * self.scale + self.counted as f64 * self.shift
    }

    /// Raise everyone a share `a` of the way to 1, in O(1).
    pub fn raise_all(&mut self, a: f64, counted: impl Fn(usize) -> bool + Sync) {
        let a = a.clamp(0.0, 1.0);
        self.scale *= 1.0 - a;
        self.shift = self.shift * (1.0 - a) + a;
        if self.scale < RENORMALISE_BELOW {
            self.renormalise(counted);
        }
    }

    /// One day of relaxation by `factor` (in (0, 1]).
    pub fn relax(&mut self, factor: f64, counted: impl Fn(usize) -> bool + Sync) {
        self.scale *= factor;
        self.shift *= factor;
        if self.scale < RENORMALISE_BELOW {
            self.renormalise(counted);
        }
    }

    /// Rewrite stored values at scale 1 and shift 0, and recompute the sum
    /// and count exactly.
    pub fn renormalise(&mut self, counted: impl Fn(usize) -> bool + Sync) {
        let (scale, shift, lo) = (self.scale, self.shift, self.lo);
        let partial: Vec<(f64, u64)> = self
            .stored
            .par_chunks_mut(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let (mut s, mut n) = (0.0f64, 0u64);
                for (j, x) in chunk.iter_mut().enumerate() {
                    *x = ((f64::from(*x) * scale + shift) as f32).clamp(lo, 1.0);
                    if counted(c * CHUNK + j) {
                        s += f64::from(*x);
                        n += 1;
                    }
                }
                (s, n)
            })
            .collect();
        self.scale = 1.0;
        self.shift = 0.0;
        self.sum_stored = partial.iter().map(|p| p.0).sum();
        self.counted = partial.iter().map(|p| p.1).sum();
        self.counts = vec![0; self.stored.len().div_ceil(64)];
        for i in (0..self.stored.len()).filter(|&i| counted(i)) {
            self.counts[i / 64] |= 1 << (i % 64);
        }
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

    /// Insert people: `values[k]` goes before old index `before[k]`
    /// (positions in order); the column is rewritten at scale 1.
    pub fn insert(&mut self, before: &[usize], values: &[f32], counted: impl Fn(usize) -> bool + Sync) {
        // In place: the stored values at scale 1, then from the end each run
        // moves up by the number of newborns before it.
        let old = self.stored.len();
        for i in 0..old {
            self.stored[i] = self.get(i);
        }
        self.stored.extend(values[..before.len()].iter().map(|v| v.clamp(self.lo, 1.0)));
        let mut end = old;
        for k in (0..before.len()).rev() {
            let b = before[k].min(end);
            self.stored.copy_within(b..end, b + k + 1);
            self.stored[b + k] = values[k].clamp(self.lo, 1.0);
            end = b;
        }
        self.scale = 1.0;
        self.shift = 0.0;
        self.renormalise(counted);
    }

    /// Append people (arrivals) with the given values.
    pub fn extend(&mut self, values: impl IntoIterator<Item = f32>) {
        for v in values {
            let s = ((f64::from(v.clamp(self.lo, 1.0)) - self.shift) / self.scale) as f32;
            self.sum_stored += f64::from(s);
            self.counted += 1;
            let i = self.stored.len();
            self.stored.push(s);
            if i / 64 == self.counts.len() {
                self.counts.push(0);
            }
            self.counts[i / 64] |= 1 << (i % 64);
        }
    }

    pub fn heap_bytes(&self) -> usize {
        self.stored.capacity() * 4 + self.counts.capacity() * 8
    }
}

/// A bitset of `n` people, all counted.
fn all_counted(n: usize) -> Vec<u64> {
    let mut bits = vec![u64::MAX; n.div_ceil(64)];
    if !n.is_multiple_of(64)
        && let Some(last) = bits.last_mut()
    {
        *last = (1u64 << (n % 64)) - 1;
    }
    bits
}

/// Sum in fixed chunks combined in order: the same bits whatever the threads.
pub fn chunked_sum(v: &[f32]) -> f64 {
    let partial: Vec<f64> = v.par_chunks(CHUNK).map(|c| c.iter().map(|&x| f64::from(x)).sum::<f64>()).collect();
    partial.iter().sum()
}

/// The daily factor of a half-life in days (0 means no memory at all).
pub fn daily_factor(half_life_days: f64) -> f64 {
    if half_life_days <= 0.0 { 0.0 } else { (-std::f64::consts::LN_2 / half_life_days).exp() }
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
            assert!((f64::from(r.get(i)) - p).abs() < 1e-6, "{i}: {} vs {p}", r.get(i));
        }
        assert!((r.sum() - plain.iter().sum::<f64>()).abs() < 1e-6);
    }

    #[test]
    fn town_wide_raises_match_raising_each_value() {
        let mut r = Relaxing::new(vec![0.5, 0.0, 0.2]);
        let mut plain = [0.5f64, 0.0, 0.2];
        let k = daily_factor(10.0);
        for day in 0..300 {
            r.relax(k, |_| true);
            plain.iter_mut().for_each(|x| *x *= k);
            if day % 7 == 0 {
                r.raise_all(0.3, |_| true);
                plain.iter_mut().for_each(|x| *x += 0.3 * (1.0 - *x));
            }
            if day == 100 {
                r.raise(1, 0.5);
                plain[1] += 0.5 * (1.0 - plain[1]);
            }
        }
        for (i, p) in plain.iter().enumerate() {
            assert!((f64::from(r.get(i)) - p).abs() < 1e-5, "{i}: {} vs {p}", r.get(i));
        }
        assert!((r.sum() - plain.iter().sum::<f64>()).abs() < 1e-5);
    }

    #[test]
    fn a_value_written_for_someone_excluded_stays_out_of_the_sum() {
        let mut r = Relaxing::new(vec![0.5, 0.5, 0.5]);
        r.exclude(1);
        r.exclude(1);
        r.raise(1, 0.9);
        r.set(1, 1.0);
        assert!((r.sum() - 1.0).abs() < 1e-9, "only the two counted: {}", r.sum());
        r.include(1);
        r.include(1);
        assert!((r.sum() - 2.0).abs() < 1e-6, "counted again with its new value: {}", r.sum());
        r.relax(0.5, |_| true);
        assert!((r.sum() - 1.0).abs() < 1e-6);
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
