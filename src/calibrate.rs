//! Calibration files: which parameters of a scenario are free (each with a
//! uniform prior over a range), which outcomes are targets (each an observed
//! value or interval, a scale and a weight), and how the ABC-SMC of
//! [`crate::analysis::abc`] proceeds. Read in two stages like scenarios and
//! sweeps: [`RawCalibration`] mirrors the TOML (unknown keys refused), and
//! [`Calibration::resolve`] checks it against the base scenario's parameters.
//!
//! The distance of a run's outcomes x to the targets is
//!     d = sqrt( sum_i w_i (e_i / s_i)^2 ),
//! where e_i is how far x_i lies outside target i's interval (0 inside; an
//! observed value is an interval of width 0), s_i its scale and w_i its
//! weight. An outcome a run does not have (no uprising, say) puts the run at
//! an infinite distance: it is never accepted.

use serde::Deserialize;

use crate::analysis::abc::{Prior, Settings};
use crate::scenario::{Scenario, ScenarioError};
use crate::sweep::values::Swept;
use crate::sweep::{entry_location, invalid, set_numeric};

/// The most particles a generation, generations, and runs a particle.
pub const MAX_PARTICLES: i64 = 100_000;
pub const MAX_GENERATIONS: i64 = 100;
pub const MAX_REPLICATES: i64 = 1000;

/// A calibration file as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalibration {
    pub scenario: Option<String>,
    pub name: Option<String>,
    pub seed: Option<i64>,
    pub days: Option<i64>,
    pub particles: Option<i64>,
    pub generations: Option<i64>,
    pub quantile: Option<f64>,
    pub replicates: Option<i64>,
    pub final_tolerance: Option<f64>,
    pub min_acceptance: Option<f64>,
    pub max_attempts: Option<i64>,
    pub free: Option<Vec<RawFree>>,
    pub target: Option<Vec<RawTarget>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFree {
    pub key: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub outcome: String,
    pub value: Option<f64>,
    pub interval: Option<Vec<f64>>,
    pub scale: Option<f64>,
    pub weight: Option<f64>,
}

/// One target: an outcome (a column of runs.csv), the interval it should lie in, its scale and weight.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub outcome: String,
    pub low: f64,
    pub high: f64,
    pub scale: f64,
    pub weight: f64,
}

/// A validated calibration.
#[derive(Clone, Debug, PartialEq)]
pub struct Calibration {
    pub name: String,
    pub seed: u64,
    pub days: Option<u32>,
    pub replicates: u32,
    pub generations: usize,
    pub final_tolerance: f64,
    pub min_acceptance: f64,
    pub settings: Settings,
    pub keys: Vec<String>,
    pub prior: Prior,
    pub targets: Vec<Target>,
    /// The base scenario, resolved.
    pub base: String,
}

impl Calibration {
    /// Check the raw file (named `name`, text `text`) against the base scenario.
    pub fn resolve(raw: &RawCalibration, name: &str, text: &str, base: &Scenario) -> Result<Calibration, ScenarioError> {
        let fail = |key: &str, m: String| invalid(name, text, key, m);
        let at = |array: &str, n: usize, field: &str, m: String| ScenarioError::Invalid {
            at: entry_location(name, text, array, n, field),
            key: if field.is_empty() { format!("{array}[{n}]") } else { format!("{array}[{n}].{field}") },
            message: m,
        };
        let int = |key: &str, v: Option<i64>, default: i64, lo: i64, hi: i64| -> Result<i64, ScenarioError> {
            let v = v.unwrap_or(default);
            if (lo..=hi).contains(&v) { Ok(v) } else { Err(fail(key, format!("{v} is out of range: allowed {lo} to {hi}"))) }
        };
        let share = |key: &str, v: Option<f64>, default: f64, lo: f64, hi: f64| -> Result<f64, ScenarioError> {
            let v = v.unwrap_or(default);
            if v.is_finite() && v > lo && v < hi { Ok(v) } else { Err(fail(key, format!("{v} is out of range: allowed strictly between {lo} and {hi}"))) }
        };
        let seed = int("seed", raw.seed, 1, 0, i64::MAX)? as u64;
        let days = match raw.days {
            None => None,
            Some(_) => Some(int("days", raw.days, 1, 1, i64::from(crate::scenario::MAX_DAYS))? as u32),
        };
        let particles = int("particles", raw.particles, 200, 2, MAX_PARTICLES)? as usize;
        let generations = int("generations", raw.generations, 5, 1, MAX_GENERATIONS)? as usize;
        let replicates = int("replicates", raw.replicates, 1, 1, MAX_REPLICATES)? as u32;
        let max_attempts = int("max_attempts", raw.max_attempts, 100 * particles as i64, particles as i64, 1_000_000_000)? as u64;
        let quantile = share("quantile", raw.quantile, 0.5, 0.0, 1.0)?;
        let min_acceptance = raw.min_acceptance.unwrap_or(0.0);
        if !(0.0..1.0).contains(&min_acceptance) {
            return Err(fail("min_acceptance", format!("{min_acceptance} is out of range: allowed 0 to below 1")));
        }
        let final_tolerance = raw.final_tolerance.unwrap_or(0.0);
        if !(final_tolerance.is_finite() && final_tolerance >= 0.0) {
            return Err(fail("final_tolerance", format!("{final_tolerance}: allowed 0 or more")));
        }
        let table: toml::Table = toml::from_str(&base.resolved).expect("a resolved scenario parses");
        let reference = crate::scenario::reference();
        let free = raw.free.clone().unwrap_or_default();
        if free.is_empty() {
            return Err(fail("free", "no free parameter: allowed one or more [[free]] entries with `key`, `min` and `max`".into()));
        }
        let (mut keys, mut lower, mut upper) = (Vec::new(), Vec::new(), Vec::new());
        for (n, f) in free.iter().enumerate() {
            if keys.contains(&f.key) {
                return Err(at("free", n, "key", format!("\"{}\" is free twice: allowed each key once", f.key)));
            }
            let swept = Swept::of(&reference, &[("base", &table)], &f.key).map_err(|m| at("free", n, "key", m))?;
            let (Some(lo), Some(hi)) = (f.min, f.max) else {
                return Err(at("free", n, "", format!("`{}`: a free parameter needs `min` and `max` (its uniform prior)", f.key)));
            };
            swept.check(lo).map_err(|m| at("free", n, "min", format!("`{}`: min = {m}", f.key)))?;
            swept.check(hi).map_err(|m| at("free", n, "max", format!("`{}`: max = {m}", f.key)))?;
            if lo >= hi {
                return Err(at("free", n, "min", format!("`{}`: min {lo} is not below max {hi}", f.key)));
            }
            keys.push(f.key.clone());
            lower.push(lo);
            upper.push(hi);
        }
        let mut targets = Vec::new();
        for (n, t) in raw.target.clone().unwrap_or_default().iter().enumerate() {
            let (low, high) = match (t.value, t.interval.as_deref()) {
                (Some(v), None) if v.is_finite() => (v, v),
                (None, Some([a, b])) if a.is_finite() && b.is_finite() && a <= b => (*a, *b),
                (None, Some(_)) => return Err(at("target", n, "interval", format!("`{}`: an interval is [low, high] with low <= high", t.outcome))),
                _ => return Err(at("target", n, "", format!("`{}`: give either `value = x` or `interval = [low, high]`", t.outcome))),
            };
            let scale = t.scale.unwrap_or_else(|| if high > low { high - low } else { low.abs().max(1.0) });
            if !(scale.is_finite() && scale > 0.0) {
                return Err(at("target", n, "scale", format!("`{}`: scale {scale}: allowed a number above 0", t.outcome)));
            }
            let weight = t.weight.unwrap_or(1.0);
            if !(weight.is_finite() && weight > 0.0) {
                return Err(at("target", n, "weight", format!("`{}`: weight {weight}: allowed a number above 0", t.outcome)));
            }
            targets.push(Target { outcome: t.outcome.clone(), low, high, scale, weight });
        }
        if targets.is_empty() {
            return Err(fail("target", "no target: allowed one or more [[target]] entries with `outcome` and `value` or `interval`".into()));
        }
        Ok(Calibration {
            name: raw.name.clone().unwrap_or_else(|| "calibration".into()),
            seed,
            days,
            replicates,
            generations,
            final_tolerance,
            min_acceptance,
            settings: Settings { particles, quantile, batch: 64, max_attempts },
            keys,
            prior: Prior { lower, upper },
            targets,
            base: base.resolved.clone(),
        })
    }

    /// The base scenario with the free parameters set to `theta`.
    pub fn scenario(&self, theta: &[f64]) -> Result<Scenario, ScenarioError> {
        let mut table: toml::Table = toml::from_str(&self.base).expect("a resolved scenario parses");
        for (k, v) in self.keys.iter().zip(theta) {
            set_numeric(&mut table, k, *v, &self.keys);
        }
        Scenario::from_text("calibration particle", &toml::to_string(&table).expect("a table serialises"))
    }

    /// The seed of replicate `r` of the run scoring attempt `attempt` of `generation`.
    pub fn run_seed(&self, generation: usize, attempt: u64, r: u32) -> u64 {
        use rand::RngExt;
        crate::analysis::stream(self.seed, "calibration run", generation as u64, attempt.wrapping_mul(u64::from(MAX_REPLICATES as u32)) + u64::from(r)).random()
    }

    /// The distance of outcomes (in the targets' order; None where a run lacks one) to the targets.
    pub fn distance(&self, outcomes: &[Option<f64>]) -> f64 {
        let mut sum = 0.0;
        for (t, x) in self.targets.iter().zip(outcomes) {
            let Some(x) = x.filter(|v| v.is_finite()) else { return f64::INFINITY };
            let e = if x < t.low {
                t.low - x
            } else if x > t.high {
                x - t.high
            } else {
                0.0
            };
            sum += t.weight * (e / t.scale).powi(2);
        }
        sum.sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Scenario {
        Scenario::from_text("base.toml", "name = \"b\"\n").unwrap()
    }

    fn resolve(text: &str) -> Result<Calibration, ScenarioError> {
        let raw: RawCalibration = toml::from_str(text).map_err(|e| ScenarioError::Invalid {
            at: crate::scenario::locate_offset("c.toml", text, 0),
            key: String::new(),
            message: e.to_string(),
        })?;
        Calibration::resolve(&raw, "c.toml", text, &base())
    }

    const GOOD: &str = "particles = 10\n[[free]]\nkey = \"amnesty.credibility\"\nmin = 0.2\nmax = 1.0\n\
                        [[target]]\noutcome = \"uprising.day\"\ninterval = [250, 290]\n[[target]]\noutcome = \"uprising.abstention_rate\"\nvalue = 0.9\nscale = 0.05\nweight = 2\n";

    #[test]
    fn a_calibration_resolves_and_measures_distance_outside_intervals() {
        let c = resolve(GOOD).unwrap();
        assert_eq!(c.keys, vec!["amnesty.credibility".to_string()]);
        assert_eq!(c.targets[0].scale, 40.0);
        assert_eq!(c.distance(&[Some(270.0), Some(0.9)]), 0.0);
        // 20 days past the interval (scale 40), 0.1 short (scale 0.05, weight 2): sqrt(0.25 + 8).
        assert!((c.distance(&[Some(310.0), Some(0.8)]) - (0.25f64 + 8.0).sqrt()).abs() < 1e-12);
        assert_eq!(c.distance(&[None, Some(0.9)]), f64::INFINITY);
        let s = c.scenario(&[0.4]).unwrap();
        assert!(s.resolved.contains("credibility = 0.4"));
        assert_ne!(c.run_seed(1, 2, 0), c.run_seed(1, 2, 1));
        assert_ne!(c.run_seed(1, 2, 0), c.run_seed(2, 2, 0));
    }

    #[test]
    fn bad_calibrations_name_line_key_and_what_is_allowed() {
        let e = resolve(&GOOD.replace("amnesty.credibility", "amnesty.nonsense")).unwrap_err().to_string();
        assert!(e.contains("c.toml:3") && e.contains("free[0].key"), "{e}");
        let e = resolve(&GOOD.replace("max = 1.0", "max = 0.1")).unwrap_err().to_string();
        assert!(e.contains("not below max"), "{e}");
        let e = resolve(&GOOD.replace("interval = [250, 290]", "interval = [290, 250]")).unwrap_err().to_string();
        assert!(e.contains("target[0].interval") && e.contains("low <= high"), "{e}");
        let e = resolve(&GOOD.replace("particles = 10", "particles = 1")).unwrap_err().to_string();
        assert!(e.contains("particles") && e.contains("allowed 2 to"), "{e}");
        let e = resolve("[[free]]\nkey = \"amnesty.credibility\"\nmin = 0.2\nmax = 1.0\n").unwrap_err().to_string();
        assert!(e.contains("no target"), "{e}");
        assert!(toml::from_str::<RawCalibration>("particle = 3").is_err(), "unknown keys are refused");
    }
}
