//! Scenario discovery with PRIM, the Patient Rule Induction Method (Friedman
//! and Fisher 1999, "Bump hunting in high-dimensional data", Statistics and
//! Computing 9, 123-143), as used for scenario discovery by Bryant and
//! Lempert (2010, "Thinking inside the box", Technol. Forecast. Soc. Change
//! 77, 34-49).
//!
//! Given sampled inputs and, for each sample, whether a condition of interest
//! holds, PRIM peels a box from the inputs' range: at each step it removes
//! the share `alpha` of the points in the box at the low or the high end of one
//! input, the one of all 2k choices that leaves the highest share of
//! points of interest (density) in the box, until fewer than `min_mass` of all
//! points would remain. The peeling trajectory records, for every box, its
//! coverage (the points of interest inside it over all points of interest),
//! density and mass (points inside over all). The analyst chooses a box on the
//! trajectory, trading coverage against density; [`choose`] picks the densest
//! box whose coverage is at least a given share.
//!
//! Peeling is patient: a step removes at least one point and at most about
//! alpha of the box, except where ties in an input (a whole number, a
//! switch) make the quantile take a whole level. Ties between choices go to
//! the one removing fewer points, then to the lower input, then the low end.

use super::AnalysisError;

/// A box: for each input, the lowest and highest value inside.
#[derive(Clone, Debug, PartialEq)]
pub struct Limits {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

/// One box of the peeling trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// Points inside the box.
    pub points: usize,
    pub limits: Limits,
}

/// The peeling trajectory of `x` (one row per sample, all rows as long) for
/// the samples where `interest` holds; its first box is the inputs' whole range.
// `j` names an input, read across the rows of `x`.
#[allow(clippy::needless_range_loop)]
pub fn peel(x: &[Vec<f64>], interest: &[bool], alpha: f64, min_mass: f64) -> Result<Vec<Step>, AnalysisError> {
    let n = x.len();
    if n == 0 || interest.len() != n {
        return Err(AnalysisError::Length { expected: n, got: interest.len() });
    }
    if !(alpha > 0.0 && alpha < 0.5 && (0.0..1.0).contains(&min_mass)) {
        return Err(AnalysisError::Settings(format!("alpha {alpha} and min_mass {min_mass}: allowed 0 < alpha < 0.5 and 0 <= min_mass < 1")));
    }
    let k = x[0].len();
    if let Some(bad) = x.iter().position(|r| r.len() != k || r.iter().any(|v| !v.is_finite())) {
        return Err(AnalysisError::NotFinite(bad));
    }
    let total_interest = interest.iter().filter(|b| **b).count();
    if total_interest == 0 {
        return Err(AnalysisError::Settings("no sample meets the condition: there is nothing to find".into()));
    }
    let mut inside: Vec<usize> = (0..n).collect();
    let mut limits = Limits { lower: vec![f64::INFINITY; k], upper: vec![f64::NEG_INFINITY; k] };
    for r in x {
        for ((lo, hi), v) in limits.lower.iter_mut().zip(limits.upper.iter_mut()).zip(r) {
            *lo = lo.min(*v);
            *hi = hi.max(*v);
        }
    }
    let record = |inside: &[usize], limits: &Limits| {
        let hits = inside.iter().filter(|&&i| interest[i]).count();
        Step {
            coverage: hits as f64 / total_interest as f64,
            density: hits as f64 / inside.len() as f64,
            mass: inside.len() as f64 / n as f64,
            points: inside.len(),
            limits: limits.clone(),
        }
    };
    let mut trajectory = vec![record(&inside, &limits)];
    let min_points = (min_mass * n as f64).ceil() as usize;
    let mut column = Vec::with_capacity(n);
    loop {
        if trajectory.last().is_some_and(|s| s.density >= 1.0) {
            break;
        }
        // The best peel: (density after, points removed, input, high end?, new bound).
        let mut best: Option<(f64, usize, usize, bool, f64)> = None;
        for j in 0..k {
            column.clear();
            column.extend(inside.iter().map(|&i| x[i][j]));
            column.sort_by(f64::total_cmp);
            let m = column.len();
            let cut = ((alpha * m as f64).floor() as usize).max(1);
            for high in [false, true] {
                // Remove the `cut` lowest (or highest) values and all values tied with the last removed.
                let edge = if high { column[m - cut] } else { column[cut - 1] };
                let keep = |v: f64| if high { v < edge } else { v > edge };
                let left: Vec<f64> = column.iter().copied().filter(|v| keep(*v)).collect();
                let kept = left.len();
                if kept == 0 || kept < min_points || kept == m {
                    continue;
                }
                let hits = inside.iter().filter(|&&i| interest[i] && keep(x[i][j])).count();
                let density = hits as f64 / kept as f64;
                let bound = if high { left[kept - 1] } else { left[0] };
                let better = match best {
                    None => true,
                    Some((d, removed, ..)) => density > d || (density == d && m - kept < removed),
                };
                if better {
                    best = Some((density, m - kept, j, high, bound));
                }
            }
        }
        let Some((_, _, j, high, bound)) = best else { break };
        inside.retain(|&i| if high { x[i][j] <= bound } else { x[i][j] >= bound });
        if high {
            limits.upper[j] = bound;
        } else {
            limits.lower[j] = bound;
        }
        trajectory.push(record(&inside, &limits));
    }
    Ok(trajectory)
}

/// The index of the densest box of `trajectory` whose coverage is at least
/// `min_coverage` (the first box, the whole range, always qualifies when
/// `min_coverage` <= 1); ties go to the earlier, larger box.
pub fn choose(trajectory: &[Step], min_coverage: f64) -> usize {
    let mut best = 0;
    for (i, s) in trajectory.iter().enumerate() {
        if s.coverage + 1e-12 >= min_coverage && s.density > trajectory[best].density {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stream;
    use rand::RngExt;

    #[test]
    fn prim_finds_a_planted_box_and_leaves_idle_inputs_whole() {
        // Interest where x1 > 0.7 and x2 < 0.4, x3 idle: a box of mass 0.12.
        let mut rng = stream(1, "test", 0, 0);
        let x: Vec<Vec<f64>> = (0..4000).map(|_| (0..3).map(|_| rng.random::<f64>()).collect()).collect();
        let y: Vec<bool> = x.iter().map(|r| r[0] > 0.7 && r[1] < 0.4).collect();
        let t = peel(&x, &y, 0.05, 0.05).unwrap();
        // Coverage never rises and mass falls at every step.
        for w in t.windows(2) {
            assert!(w[1].coverage <= w[0].coverage && w[1].mass < w[0].mass);
        }
        let b = &t[choose(&t, 0.8)];
        assert!(b.density > 0.8, "{b:?}");
        assert!((b.limits.lower[0] - 0.7).abs() < 0.06, "{b:?}");
        assert!((b.limits.upper[1] - 0.4).abs() < 0.06, "{b:?}");
        assert!(b.limits.lower[2] < 0.05 && b.limits.upper[2] > 0.95, "x3 should stay whole: {b:?}");
        assert!((t[0].density - 0.12).abs() < 0.02 && t[0].coverage == 1.0 && t[0].mass == 1.0);
    }

    #[test]
    fn ties_in_a_switch_peel_a_whole_level() {
        // x1 a switch (0 or 1), interest only where x1 = 1.
        let x: Vec<Vec<f64>> = (0..100).map(|i| vec![(i % 2) as f64, i as f64 / 100.0]).collect();
        let y: Vec<bool> = x.iter().map(|r| r[0] == 1.0).collect();
        let t = peel(&x, &y, 0.1, 0.05).unwrap();
        let b = &t[choose(&t, 1.0)];
        assert_eq!((b.density, b.coverage, b.limits.lower[0]), (1.0, 1.0, 1.0));
    }

    #[test]
    fn nothing_to_find_is_an_error() {
        assert!(peel(&[vec![0.0], vec![1.0]], &[false, false], 0.05, 0.05).is_err());
        assert!(peel(&[vec![0.0], vec![1.0]], &[true], 0.05, 0.05).is_err());
        assert!(peel(&[vec![0.0], vec![1.0]], &[true, false], 0.6, 0.05).is_err());
    }
}
