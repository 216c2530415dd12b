//! Morris's elementary effects: a screening of many factors with few runs.
//!
//! Design (Morris 1991, "Factorial sampling plans for preliminary
//! computational experiments", Technometrics 33, 161-174): r trajectories of
//! k + 1 points on a grid of p levels in [0, 1]^k; each step of a trajectory
//! moves one factor, in a random order, by delta = p / (2 (p - 1)), up if it
//! can and down otherwise. Optionally (Campolongo, Cariboni and Saltelli 2007,
//! "An effective screening design for sensitivity analysis of large models",
//! Environ. Model. Softw. 22, 1509-1518), r trajectories are chosen from a
//! larger set of candidates to spread them out: here greedily, adding each
//! time the candidate farthest (sum of point-to-point distances) from those
//! already chosen, starting from the farthest pair.
//!
//! Measures per factor over its r elementary effects EE = (f(x + delta e_i) -
//! f(x)) / delta: mu (mean), mu* (mean of absolute values; Campolongo et al.
//! 2007) with a bootstrap interval, and sigma (standard deviation; interactions
//! and non-linearity).

use super::{AnalysisError, mean, percentile_interval, sd};
use crate::rng::Rng;
use rand::RngExt;

/// A candidate trajectory: its points and its steps (factor, signed delta).
type Trajectory = (Vec<Vec<f64>>, Vec<(usize, f64)>);

/// A Morris design: the points, trajectory after trajectory, each of k + 1
/// rows, and for each step which factor moved and by how much.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    pub factors: usize,
    pub levels: usize,
    pub rows: Vec<Vec<f64>>,
    /// For trajectory t and step s (1..=k), `steps[t * k + s - 1]` = (factor, signed delta).
    pub steps: Vec<(usize, f64)>,
}

impl Design {
    pub fn trajectories(&self) -> usize {
        self.rows.len() / (self.factors + 1)
    }
}

/// One factor's measures.
#[derive(Clone, Debug, PartialEq)]
pub struct Effects {
    pub mu: f64,
    pub mu_star: f64,
    pub mu_star_low: f64,
    pub mu_star_high: f64,
    pub sigma: f64,
}

/// `trajectories` trajectories over `factors` factors on `levels` levels (even,
/// at least 2), chosen from `candidates` (at least `trajectories`; equal means
/// no selection), all drawn from `rng`.
pub fn design(trajectories: usize, factors: usize, levels: usize, candidates: usize, rng: &mut Rng) -> Result<Design, AnalysisError> {
    if factors == 0 || trajectories < 2 {
        return Err(AnalysisError::Settings("a Morris design needs at least one factor and two trajectories".into()));
    }
    if levels < 2 || !levels.is_multiple_of(2) {
        return Err(AnalysisError::Settings(format!("{levels} levels: a Morris design needs an even number of levels, at least 2")));
    }
    if candidates < trajectories {
        return Err(AnalysisError::Settings(format!("{candidates} candidates for {trajectories} trajectories: need at least as many")));
    }
    let delta = levels as f64 / (2.0 * (levels - 1) as f64);
    let grid = (levels - 1) as f64;
    let mut pool: Vec<Trajectory> = Vec::with_capacity(candidates);
    for _ in 0..candidates {
        let mut x: Vec<f64> = (0..factors).map(|_| rng.random_range(0..levels) as f64 / grid).collect();
        let mut order: Vec<usize> = (0..factors).collect();
        for i in (1..factors).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut rows = vec![x.clone()];
        let mut steps = Vec::with_capacity(factors);
        for &i in &order {
            // Levels below the middle step up, the others down, so the
            // grid's levels are all used and every point stays in [0, 1].
            let d = if x[i] + delta <= 1.0 + 1e-12 { delta } else { -delta };
            x[i] = (x[i] + d).clamp(0.0, 1.0);
            rows.push(x.clone());
            steps.push((i, d));
        }
        pool.push((rows, steps));
    }
    let chosen = if candidates == trajectories { (0..trajectories).collect() } else { spread(&pool, trajectories) };
    let mut rows = Vec::with_capacity(trajectories * (factors + 1));
    let mut steps = Vec::with_capacity(trajectories * factors);
    for c in chosen {
        rows.extend(pool[c].0.iter().cloned());
        steps.extend(pool[c].1.iter().copied());
    }
    Ok(Design { factors, levels, rows, steps })
}

/// Campolongo's distance between two trajectories: the sum over their points'
/// pairs of the Euclidean distance.
fn distance(a: &[Vec<f64>], b: &[Vec<f64>]) -> f64 {
    let mut d = 0.0;
    for p in a {
        for q in b {
            d += p.iter().zip(q).map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt();
        }
    }
    d
}

/// The `r` candidates chosen greedily for spread, in the order chosen (ties to the lower index).
fn spread(pool: &[Trajectory], r: usize) -> Vec<usize> {
    let m = pool.len();
    let mut d = vec![0.0; m * m];
    for a in 0..m {
        for b in a + 1..m {
            let v = distance(&pool[a].0, &pool[b].0);
            d[a * m + b] = v;
            d[b * m + a] = v;
        }
    }
    let (mut best, mut pair) = (f64::NEG_INFINITY, (0, 1));
    for a in 0..m {
        for b in a + 1..m {
            if d[a * m + b] > best {
                best = d[a * m + b];
                pair = (a, b);
            }
        }
    }
    let mut chosen = vec![pair.0, pair.1];
    let mut score: Vec<f64> = (0..m).map(|c| d[c * m + pair.0] + d[c * m + pair.1]).collect();
    while chosen.len() < r {
        let next = (0..m).filter(|c| !chosen.contains(c)).fold(None, |acc: Option<usize>, c| match acc {
            Some(b) if score[b] >= score[c] => Some(b),
            _ => Some(c),
        });
        let next = next.expect("enough candidates");
        chosen.push(next);
        for (c, s) in score.iter_mut().enumerate() {
            *s += d[c * m + next];
        }
    }
    chosen
}

/// The measures of each factor from the outcomes `y` at the design's rows, in
/// order, with `level` percentile intervals of mu* from `resamples`
/// resamples of the trajectories.
pub fn effects(design: &Design, y: &[f64], resamples: usize, level: f64, rng: &mut Rng) -> Result<Vec<Effects>, AnalysisError> {
    let k = design.factors;
    if y.len() != design.rows.len() {
        return Err(AnalysisError::Length { expected: design.rows.len(), got: y.len() });
    }
    if let Some(bad) = y.iter().position(|v| !v.is_finite()) {
        return Err(AnalysisError::NotFinite(bad));
    }
    let r = design.trajectories();
    // ee[i][t]: factor i's elementary effect in trajectory t.
    let mut ee = vec![vec![0.0; r]; k];
    for (t, (points, steps)) in y.chunks(k + 1).zip(design.steps.chunks(k)).enumerate() {
        for (s, &(i, d)) in steps.iter().enumerate() {
            ee[i][t] = (points[s + 1] - points[s]) / d;
        }
    }
    let mut pick = vec![0usize; r];
    let mut boot = vec![Vec::with_capacity(resamples); k];
    for _ in 0..resamples {
        for p in pick.iter_mut() {
            *p = rng.random_range(0..r);
        }
        for i in 0..k {
            boot[i].push(pick.iter().map(|&t| ee[i][t].abs()).sum::<f64>() / r as f64);
        }
    }
    Ok((0..k)
        .map(|i| {
            let abs: Vec<f64> = ee[i].iter().map(|v| v.abs()).collect();
            let (mu_star_low, mu_star_high) = percentile_interval(std::mem::take(&mut boot[i]), level);
            Effects { mu: mean(&ee[i]), mu_star: mean(&abs), mu_star_low, mu_star_high, sigma: sd(&ee[i]) }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stream;

    #[test]
    fn trajectories_move_one_factor_a_step_at_a_time_within_the_cube() {
        let d = design(10, 4, 4, 10, &mut stream(1, "test", 0, 0)).unwrap();
        assert_eq!(d.rows.len(), 10 * 5);
        let delta = 4.0 / 6.0;
        for t in 0..10 {
            let mut moved = [false; 4];
            for s in 1..=4 {
                let (a, b) = (&d.rows[t * 5 + s - 1], &d.rows[t * 5 + s]);
                let changed: Vec<usize> = (0..4).filter(|&i| a[i] != b[i]).collect();
                assert_eq!(changed.len(), 1);
                let (i, step) = d.steps[t * 4 + s - 1];
                assert_eq!(changed[0], i);
                assert!(((b[i] - a[i]) - step).abs() < 1e-12 && (step.abs() - delta).abs() < 1e-12);
                moved[i] = true;
                assert!(b.iter().all(|v| (0.0..=1.0).contains(v)));
            }
            assert!(moved.iter().all(|m| *m));
        }
    }

    #[test]
    fn a_linear_function_has_its_coefficients_as_effects_and_no_spread() {
        let c = [3.0, -1.0, 0.0, 0.5];
        let d = design(12, 4, 6, 40, &mut stream(2, "test", 0, 0)).unwrap();
        let y: Vec<f64> = d.rows.iter().map(|x| x.iter().zip(&c).map(|(a, b)| a * b).sum()).collect();
        let e = effects(&d, &y, 100, 0.95, &mut stream(2, "test", 1, 0)).unwrap();
        for i in 0..4 {
            assert!((e[i].mu - c[i]).abs() < 1e-9, "{:?}", e[i]);
            assert!((e[i].mu_star - c[i].abs()).abs() < 1e-9);
            assert!(e[i].sigma < 1e-9);
        }
    }

    #[test]
    fn an_interaction_shows_as_spread_and_an_idle_factor_as_nothing() {
        // y = x1 x2: each one's effect depends on the other (sigma > 0); x3 is idle.
        let d = design(30, 3, 4, 30, &mut stream(3, "test", 0, 0)).unwrap();
        let y: Vec<f64> = d.rows.iter().map(|x| x[0] * x[1]).collect();
        let e = effects(&d, &y, 100, 0.95, &mut stream(3, "test", 1, 0)).unwrap();
        assert!(e[0].sigma > 0.1 && e[1].sigma > 0.1, "{e:?}");
        assert!(e[0].mu_star > 0.2 && e[1].mu_star > 0.2);
        assert_eq!(e[2].mu_star, 0.0);
        assert!(e[0].mu_star_low <= e[0].mu_star && e[0].mu_star <= e[0].mu_star_high);
    }

    #[test]
    fn choosing_from_candidates_spreads_the_trajectories() {
        let total = |d: &Design| {
            let t: Vec<&[Vec<f64>]> = d.rows.chunks(d.factors + 1).collect();
            let mut s = 0.0;
            for a in 0..t.len() {
                for b in a + 1..t.len() {
                    s += distance(t[a], t[b]);
                }
            }
            s
        };
        let plain = design(6, 5, 4, 6, &mut stream(4, "test", 0, 0)).unwrap();
        let spread = design(6, 5, 4, 60, &mut stream(4, "test", 0, 0)).unwrap();
        assert!(total(&spread) > total(&plain), "{} against {}", total(&spread), total(&plain));
    }

    #[test]
    fn bad_designs_are_refused() {
        let mut rng = stream(5, "test", 0, 0);
        assert!(design(4, 3, 5, 4, &mut rng).is_err());
        assert!(design(4, 3, 4, 3, &mut rng).is_err());
        assert!(design(1, 3, 4, 3, &mut rng).is_err());
    }
}
