//! Calibration by approximate Bayesian computation with sequential Monte
//! Carlo (ABC-SMC; Toni et al. 2009, "Approximate Bayesian computation scheme
//! for parameter inference and model selection in dynamical systems", J. R.
//! Soc. Interface 6, 187-202; Beaumont, Cornuet, Marin and Robert 2009,
//! "Adaptive approximate Bayesian computation", Biometrika 96, 983-990).
//!
//! Generation 0 draws the particles from the prior (uniform over each free
//! parameter's range) and accepts them all. Generation t >= 1 has the
//! tolerance eps_t = the `quantile` (weighted) of generation t - 1's distances,
//! and proposes, attempt after attempt, a particle drawn from generation t - 1
//! by weight and moved by a Gaussian kernel whose variance is twice the
//! weighted variance of each parameter (Beaumont et al. 2009); a proposal
//! outside the prior is dropped unscored; a scored one is accepted if its
//! distance is at most eps_t. Accepted particle i gets the weight
//! prior(theta_i) / sum_j W_j K(theta_i | theta_j), normalised; the effective
//! sample size is 1 / sum W_i^2.
//!
//! Determinism: attempt a of generation t draws only from the stream (seed,
//! "abc", t, a), and the caller's model for that attempt is keyed by the same
//! pair ([`Proposal`]). Proposals are scored in batches (the caller may score a
//! batch in parallel, on several machines, or resume after a kill) and
//! accepted in attempt order until the generation is full, so the posterior is
//! the same whatever the batch size, the threads or the interruptions.
//! [`Proposer`] gives any attempt's proposal alone, so other machines can
//! score attempts ahead of the generation (`resist calibrate --shard`) and
//! hand in the distances it would have computed.

use super::{AnalysisError, stream};
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

/// A uniform prior: each free parameter between its lower and upper bound.
#[derive(Clone, Debug, PartialEq)]
pub struct Prior {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

impl Prior {
    fn contains(&self, theta: &[f64]) -> bool {
        theta.iter().zip(self.lower.iter().zip(&self.upper)).all(|(v, (lo, hi))| *lo <= *v && *v <= *hi)
    }
}

/// How a calibration proceeds.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Particles a generation.
    pub particles: usize,
    /// The quantile of the last generation's distances that becomes the next tolerance (0.5 is the median).
    pub quantile: f64,
    /// Attempts a batch: proposals scored together.
    pub batch: usize,
    /// The most attempts a generation may make before it gives up.
    pub max_attempts: u64,
}

/// One proposal to score: the caller runs its model at `theta`, keyed by
/// (`generation`, `attempt`) for its own random numbers, and returns a distance.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub generation: usize,
    pub attempt: u64,
    pub theta: Vec<f64>,
}

/// An accepted particle.
#[derive(Clone, Debug, PartialEq)]
pub struct Particle {
    pub theta: Vec<f64>,
    pub weight: f64,
    pub distance: f64,
    /// The attempt that proposed it (its model's key with the generation).
    pub attempt: u64,
}

/// A completed generation.
#[derive(Clone, Debug, PartialEq)]
pub struct Generation {
    pub index: usize,
    /// The tolerance it was accepted at (infinite for generation 0).
    pub tolerance: f64,
    pub particles: Vec<Particle>,
    /// Attempts used, and of them those scored (inside the prior).
    pub attempts: u64,
    pub scored: u64,
    /// Accepted over scored.
    pub acceptance: f64,
    pub effective_sample_size: f64,
}

/// The next generation after `previous` (None: generation 0), scoring
/// proposals with `score`, which gets a batch and returns one distance for
/// each, in order (NaN counts as not accepted).
pub fn next_generation(
    previous: Option<&Generation>,
    prior: &Prior,
    settings: &Settings,
    seed: u64,
    mut score: impl FnMut(&[Proposal]) -> Vec<f64>,
) -> Result<Generation, AnalysisError> {
    check(prior, settings)?;
    let proposer = Proposer::new(previous, prior, seed);
    let index = proposer.generation;
    let tolerance = tolerance(previous, settings);
    let mut accepted: Vec<Particle> = Vec::with_capacity(settings.particles);
    let (mut attempt, mut scored) = (0u64, 0u64);
    while accepted.len() < settings.particles {
        if attempt >= settings.max_attempts {
            return Err(AnalysisError::Exhausted { generation: index, accepted: accepted.len(), wanted: settings.particles, attempts: attempt, tolerance });
        }
        let end = (attempt + settings.batch as u64).min(settings.max_attempts);
        let batch: Vec<Proposal> = (attempt..end).filter_map(|a| proposer.propose(a)).collect();
        let distances = score(&batch);
        assert_eq!(distances.len(), batch.len(), "one distance a proposal");
        // The attempts after the one that fills the generation are not used,
        // so the result does not depend on the batch size.
        let mut used_to = end;
        for (p, d) in batch.into_iter().zip(distances) {
            scored += 1;
            if d <= tolerance {
                accepted.push(Particle { theta: p.theta, weight: 1.0, distance: d, attempt: p.attempt });
                if accepted.len() == settings.particles {
                    used_to = p.attempt + 1;
                    break;
                }
            }
        }
        attempt = used_to;
    }
    if let (Some(g), Some(s)) = (previous, proposer.scale.as_deref()) {
        for p in accepted.iter_mut() {
            let denominator: f64 = g.particles.iter().map(|q| q.weight * kernel(&p.theta, &q.theta, s)).sum();
            // The prior's density is the same everywhere inside it.
            p.weight = 1.0 / denominator;
        }
    }
    let total: f64 = accepted.iter().map(|p| p.weight).sum();
    for p in accepted.iter_mut() {
        p.weight /= total;
    }
    let effective_sample_size = 1.0 / accepted.iter().map(|p| p.weight * p.weight).sum::<f64>();
    Ok(Generation {
        index,
        tolerance,
        particles: accepted,
        attempts: attempt,
        scored,
        acceptance: settings.particles as f64 / scored.max(1) as f64,
        effective_sample_size,
    })
}

fn check(prior: &Prior, settings: &Settings) -> Result<(), AnalysisError> {
    if prior.lower.is_empty()
        || prior.lower.len() != prior.upper.len()
        || prior.lower.iter().zip(&prior.upper).any(|(l, h)| l.partial_cmp(h) != Some(std::cmp::Ordering::Less))
    {
        return Err(AnalysisError::Settings("every free parameter needs a lower bound below its upper bound".into()));
    }
    if settings.particles < 2 || settings.batch == 0 || !(settings.quantile > 0.0 && settings.quantile < 1.0) {
        return Err(AnalysisError::Settings("at least 2 particles, a batch of at least 1 and a quantile strictly between 0 and 1".into()));
    }
    Ok(())
}

/// The tolerance of the generation after `previous`: the weighted
/// `quantile` of its distances (infinite for generation 0, which accepts all).
pub fn tolerance(previous: Option<&Generation>, settings: &Settings) -> f64 {
    previous.map_or(f64::INFINITY, |g| weighted_quantile(&g.particles, settings.quantile))
}

/// The proposals of the generation after `previous` (None: generation 0):
/// attempt a's is a pure function of (previous, prior, seed, a), so a shard
/// of the attempts computed on another machine (`resist calibrate --shard`)
/// proposes exactly what [`next_generation`] scores.
pub struct Proposer<'a> {
    previous: Option<&'a Generation>,
    prior: &'a Prior,
    seed: u64,
    generation: usize,
    /// The kernel's standard deviation for each parameter (None: generation 0).
    scale: Option<Vec<f64>>,
    /// The previous generation's weights, to draw a particle from.
    weights: Vec<f64>,
}

impl<'a> Proposer<'a> {
    pub fn new(previous: Option<&'a Generation>, prior: &'a Prior, seed: u64) -> Proposer<'a> {
        Proposer {
            previous,
            prior,
            seed,
            generation: previous.map_or(0, |g| g.index + 1),
            scale: previous.map(kernel_scale),
            weights: previous.map(|g| g.particles.iter().map(|p| p.weight).collect()).unwrap_or_default(),
        }
    }

    /// The generation it proposes for.
    pub fn generation(&self) -> usize {
        self.generation
    }

    /// Attempt `a`'s proposal, or None if it falls outside the prior (then it costs no run).
    pub fn propose(&self, a: u64) -> Option<Proposal> {
        let mut rng = stream(self.seed, "abc", self.generation as u64, a);
        let theta: Vec<f64> = match (self.previous, self.scale.as_deref()) {
            (Some(g), Some(s)) => {
                let u: f64 = rng.random();
                let from = &g.particles[crate::rng::weighted(&self.weights, u)].theta;
                from.iter()
                    .zip(s)
                    .map(|(v, sd)| {
                        let z: f64 = StandardNormal.sample(&mut rng);
                        v + sd * z
                    })
                    .collect()
            }
            _ => self.prior.lower.iter().zip(&self.prior.upper).map(|(lo, hi)| lo + (hi - lo) * rng.random::<f64>()).collect(),
        };
        self.prior.contains(&theta).then_some(Proposal { generation: self.generation, attempt: a, theta })
    }
}

/// The kernel's standard deviation for each parameter: the square root of
/// twice its weighted variance in the generation (Beaumont et al. 2009).
fn kernel_scale(g: &Generation) -> Vec<f64> {
    let k = g.particles[0].theta.len();
    (0..k)
        .map(|j| {
            let m: f64 = g.particles.iter().map(|p| p.weight * p.theta[j]).sum();
            let v: f64 = g.particles.iter().map(|p| p.weight * (p.theta[j] - m).powi(2)).sum();
            (2.0 * v).sqrt().max(1e-12)
        })
        .collect()
}

/// The Gaussian kernel's density (up to a constant, the same for all pairs) of moving `from` to `to`.
fn kernel(to: &[f64], from: &[f64], sd: &[f64]) -> f64 {
    let z: f64 = to.iter().zip(from).zip(sd).map(|((a, b), s)| ((a - b) / s).powi(2)).sum();
    (-0.5 * z).exp()
}

/// The weighted `q`-quantile of the particles' distances: the smallest
/// distance whose cumulative weight reaches q.
fn weighted_quantile(particles: &[Particle], q: f64) -> f64 {
    let mut order: Vec<(f64, f64)> = particles.iter().map(|p| (p.distance, p.weight)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cumulative = 0.0;
    for (d, w) in &order {
        cumulative += w;
        if cumulative >= q - 1e-12 {
            return *d;
        }
    }
    order.last().map_or(f64::INFINITY, |p| p.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The model: the mean of 20 draws of N(mu, 1), keyed by the proposal.
    fn sample_mean(p: &Proposal) -> f64 {
        let mut rng = stream(99, "model", p.generation as u64, p.attempt);
        (0..20).map(|_| p.theta[0] + <StandardNormal as Distribution<f64>>::sample(&StandardNormal, &mut rng)).sum::<f64>() / 20.0
    }

    fn calibrate(batch: usize, generations: usize) -> Vec<Generation> {
        let observed = 1.3;
        let prior = Prior { lower: vec![-10.0], upper: vec![10.0] };
        let settings = Settings { particles: 500, quantile: 0.5, batch, max_attempts: 2_000_000 };
        let mut out: Vec<Generation> = Vec::new();
        for _ in 0..generations {
            let g = next_generation(out.last(), &prior, &settings, 7, |b: &[Proposal]| b.iter().map(|p| (sample_mean(p) - observed).abs()).collect()).unwrap();
            out.push(g);
        }
        out
    }

    #[test]
    fn abc_recovers_the_known_posterior_of_a_normal_mean() {
        // With a flat prior and the sample mean (sufficient) of 20 draws, the
        // posterior is N(1.3, 1/20): sd 0.224. ABC's tolerance adds a little.
        let gens = calibrate(97, 9);
        let last = gens.last().unwrap();
        let m: f64 = last.particles.iter().map(|p| p.weight * p.theta[0]).sum();
        let v: f64 = last.particles.iter().map(|p| p.weight * (p.theta[0] - m).powi(2)).sum();
        assert!((m - 1.3).abs() < 0.05, "posterior mean {m}");
        assert!(v.sqrt() > 0.18 && v.sqrt() < 0.28, "posterior sd {}", v.sqrt());
        for w in gens.windows(2) {
            assert!(w[1].tolerance < w[0].tolerance, "tolerances must fall");
        }
        assert!(last.tolerance < 0.05, "final tolerance {}", last.tolerance);
        assert!(last.effective_sample_size > 100.0 && last.effective_sample_size <= 500.0 + 1e-9);
        let total: f64 = last.particles.iter().map(|p| p.weight).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn the_posterior_is_the_same_whatever_the_batch_size() {
        let a = calibrate(1, 3);
        let b = calibrate(64, 3);
        assert_eq!(a, b);
    }

    #[test]
    fn the_per_attempt_proposer_gives_exactly_the_proposals_a_generation_scores() {
        // A prior whose edge the particles crowd (the model favours mu near 0.95),
        // so that some of generation 1's moves fall outside it and cost no run.
        let prior = Prior { lower: vec![0.0, -1.0], upper: vec![1.0, 1.0] };
        let settings = Settings { particles: 40, quantile: 0.5, batch: 7, max_attempts: 100_000 };
        let model = |b: &[Proposal]| b.iter().map(|p| (sample_mean(p) - 0.95).abs() + p.theta[1].abs()).collect::<Vec<f64>>();
        let mut previous: Option<Generation> = None;
        let mut outside = 0;
        for t in 0..3 {
            let mut scored: Vec<Proposal> = Vec::new();
            let g = next_generation(previous.as_ref(), &prior, &settings, 11, |b: &[Proposal]| {
                scored.extend_from_slice(b);
                model(b)
            })
            .unwrap();
            let proposer = Proposer::new(previous.as_ref(), &prior, 11);
            assert_eq!(proposer.generation(), t);
            // Every attempt the generation went through (and the rest of its last batch):
            // the proposer's Some are exactly the proposals scored, bit for bit, in order.
            let last = scored.last().unwrap().attempt;
            let alone: Vec<Proposal> = (0..=last).filter_map(|a| proposer.propose(a)).collect();
            assert_eq!(alone, scored, "generation {t}");
            outside += (0..=last).filter(|a| proposer.propose(*a).is_none()).count();
            for p in &g.particles {
                assert_eq!(proposer.propose(p.attempt).map(|q| q.theta), Some(p.theta.clone()));
            }
            assert_eq!(tolerance(previous.as_ref(), &settings), g.tolerance);
            previous = Some(g);
        }
        assert!(outside > 0, "some proposals fell outside the prior");
    }

    #[test]
    fn an_unreachable_tolerance_stops_with_a_clear_error() {
        let prior = Prior { lower: vec![0.0], upper: vec![1.0] };
        let settings = Settings { particles: 10, quantile: 0.5, batch: 8, max_attempts: 100 };
        let g0 = next_generation(None, &prior, &settings, 1, |b: &[Proposal]| b.iter().map(|p| p.attempt as f64).collect()).unwrap();
        // Distances that grow with the attempt never reach the median of the first ones again.
        let e = next_generation(Some(&g0), &prior, &settings, 1, |b: &[Proposal]| b.iter().map(|p| 1000.0 + p.attempt as f64).collect());
        assert!(matches!(e, Err(AnalysisError::Exhausted { generation: 1, accepted: 0, .. })), "{e:?}");
        assert!(next_generation(None, &Prior { lower: vec![1.0], upper: vec![0.0] }, &settings, 1, |_| vec![]).is_err());
    }
}
