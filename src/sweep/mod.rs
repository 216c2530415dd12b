//! Sweeps: a TOML design over a base scenario, expanded into runs with stable
//! ids and seeds. Pure: the binary reads the files, executes the runs and
//! writes the results (src/app/sweep.rs).
//!
//! A design point is one policy (a whole scenario) with one set of values for
//! the swept parameters; each point runs `replicates` times. Point `p`,
//! replicate `r` is run `p * replicates + r`. Its seed is, by default
//! (`seeding = "common"`), `rng::derive_seed(master seed, 0, r)`: replicate
//! r of every point and policy draws the same random numbers, so that a
//! difference between points comes from the points, not from the draws
//! (common random numbers). With `seeding = "independent"` it is
//! `rng::derive_seed(master seed, p, r)`. All is fixed before anything runs.

pub mod aggregate;
pub mod design;
mod file;
pub mod joe_kuo;
pub mod values;

pub use file::{is_sweep, load, load_with};

use std::collections::BTreeMap;

use crate::rng::{RunKey, derive_seed};
use crate::scenario::{Location, MAX_DAYS, Scenario, ScenarioError, locate_offset};
use values::{Swept, show};

/// The sweep file as written.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    pub scenario: Option<String>,
    pub name: Option<String>,
    pub seed: Option<i64>,
    pub seeding: Option<String>,
    pub replicates: Option<i64>,
    pub days: Option<i64>,
    pub design: Option<RawDesign>,
    pub parameters: Option<Vec<RawParameter>>,
    pub policies: Option<BTreeMap<String, String>>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDesign {
    pub kind: Option<String>,
    pub samples: Option<i64>,
    pub matrix: Option<String>,
    /// A Morris design's trajectories, grid levels and candidate trajectories to choose them from.
    pub trajectories: Option<i64>,
    pub levels: Option<i64>,
    pub candidates: Option<i64>,
    /// A posterior design's particles file (`resist calibrate`'s posterior.csv).
    pub posterior: Option<String>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParameter {
    pub key: String,
    pub values: Option<Vec<toml::Value>>,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub steps: Option<i64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Factorial,
    Zip,
    LatinHypercube,
    Sobol,
    Matrix,
    /// A Saltelli design for Sobol indices: `samples` base samples, each of k + 2 points.
    Saltelli,
    /// Morris trajectories for elementary effects: `trajectories` of k + 1 points each.
    Morris,
    /// `samples` parameter sets drawn by weight from a calibration's posterior particles.
    Posterior,
}

/// How a sweep's runs get their seeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seeding {
    /// Replicate r of every design point and policy shares its seed (common
    /// random numbers): the default, for paired comparisons.
    Common,
    /// Each run's seed derives from its point too.
    Independent,
}

impl Seeding {
    pub fn name(self) -> &'static str {
        match self {
            Seeding::Common => "common",
            Seeding::Independent => "independent",
        }
    }
}

/// A policy: a named whole scenario, given as its resolved TOML.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub name: String,
    pub resolved: String,
}

/// A validated sweep, expanded into design points.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    pub name: String,
    pub seed: u64,
    pub seeding: Seeding,
    pub replicates: u64,
    pub days: Option<u32>,
    pub kind: Kind,
    /// Swept parameter keys (dotted paths into the scenario).
    pub keys: Vec<String>,
    /// Each key's parameter: what its values mean (a flag's or choice's
    /// options are held as their index) and how runs.csv shows them.
    pub swept: Vec<Swept>,
    pub policies: Vec<Policy>,
    /// The base scenario, resolved (the policy `base` when the file lists no policies).
    pub base: String,
    /// Design points: (policy index, values of `keys`).
    pub points: Vec<(usize, Vec<f64>)>,
}

/// The files a sweep names, read by the caller: base and policy scenarios
/// (already loaded and resolved), and the sample matrix's text.
pub struct Inputs<'a> {
    pub sweep_name: &'a str,
    pub text: &'a str,
    /// Resolved base scenario, then each policy's, by name.
    pub base: &'a Scenario,
    pub policies: Vec<(String, Scenario)>,
    /// The sample matrix (its name for errors, and its text), if the design has one.
    pub matrix: Option<(String, String)>,
}

pub(crate) fn invalid(name: &str, text: &str, key: &str, message: String) -> ScenarioError {
    let layer = crate::scenario::Layer::parse(name, text.to_string());
    let at = layer.ok().and_then(|l| l.find(&key.split('.').collect::<Vec<_>>()).map(|(l, _)| l)).unwrap_or_else(|| locate_offset(name, text, 0));
    ScenarioError::Invalid { at, key: key.to_string(), message }
}

/// Where the n-th `[[parameters]]` entry sets `field` in the sweep file (the
/// entry's first key if it does not).
fn parameter_location(name: &str, text: &str, n: usize, field: &str) -> Location {
    entry_location(name, text, "parameters", n, field)
}

/// Where the n-th entry of the array of tables `array` sets `field` in a file
/// (the entry's first key if it does not).
pub(crate) fn entry_location(name: &str, text: &str, array: &str, n: usize, field: &str) -> Location {
    use toml::de::{DeTable, DeValue};
    let offset = DeTable::parse(text).ok().and_then(|doc| {
        let (_, list) = doc.get_ref().iter().find(|(k, _)| k.get_ref().as_ref() == array)?;
        let DeValue::Array(items) = list.get_ref() else { return None };
        let item = items.get(n)?;
        let DeValue::Table(t) = item.get_ref() else { return Some(item.span().start) };
        let first = t.iter().map(|(k, _)| k.span().start).min();
        Some(t.iter().find(|(k, _)| k.get_ref().as_ref() == field).map(|(k, _)| k.span().start).or(first).unwrap_or(item.span().start))
    });
    let offset = offset.unwrap_or_else(|| text.match_indices(&format!("[[{array}]]")).nth(n).map_or(0, |(k, _)| k));
    locate_offset(name, text, offset)
}

/// `a * b` for design sizes, `None` past `u64`.
fn times(a: u64, b: u64) -> Option<u64> {
    a.checked_mul(b)
}

impl Sweep {
    /// Validate the raw sweep against its scenarios and expand the design.
    /// Every size (steps, samples, points, runs, values held) is checked
    /// before anything is allocated for it.
    pub fn resolve(raw: &RawSweep, inp: &Inputs) -> Result<Sweep, ScenarioError> {
        let (name, text) = (inp.sweep_name, inp.text);
        let fail = |key: &str, m: String| invalid(name, text, key, m);
        let at_param = |n: usize, field: &str, m: String| ScenarioError::Invalid {
            at: parameter_location(name, text, n, field),
            key: if field.is_empty() { format!("parameters[{n}]") } else { format!("parameters[{n}].{field}") },
            message: m,
        };
        let seed = raw.seed.unwrap_or(1);
        if seed < 0 {
            return Err(fail("seed", format!("{seed} is out of range: allowed 0 to {}", i64::MAX)));
        }
        let seeding = match raw.seeding.as_deref().unwrap_or("common") {
            "common" => Seeding::Common,
            "independent" => Seeding::Independent,
            other => return Err(fail("seeding", format!("\"{other}\" is not one of the allowed values: \"common\", \"independent\""))),
        };
        let replicates = raw.replicates.unwrap_or(10);
        if !(1..=design::MAX_REPLICATES as i64).contains(&replicates) {
            return Err(fail("replicates", format!("{replicates} is out of range: allowed 1 to {}", design::MAX_REPLICATES)));
        }
        let days = match raw.days {
            Some(d) if !(1..=i64::from(MAX_DAYS)).contains(&d) => return Err(fail("days", format!("{d} is out of range: allowed 1 to {MAX_DAYS}"))),
            d => d.map(|d| d as u32),
        };
        let design = raw.design.clone().unwrap_or_default();
        let kind_name = design.kind.as_deref().unwrap_or("factorial");
        let Some(&(_, kind)) = KINDS.iter().find(|(n, _)| *n == kind_name) else {
            let allowed: Vec<String> = KINDS.iter().map(|(n, _)| format!("\"{n}\"")).collect();
            return Err(fail("design.kind", format!("\"{kind_name}\" is not one of the allowed values: {}", allowed.join(", "))));
        };
        let morris_only = [("trajectories", design.trajectories), ("levels", design.levels), ("candidates", design.candidates)];
        if let Some((field, _)) = morris_only.iter().find(|(_, v)| v.is_some() && kind != Kind::Morris) {
            return Err(fail(&format!("design.{field}"), format!("`{field}` belongs to a morris design, not a {kind_name} design")));
        }
        let policies = policies(inp);
        let tables: Vec<toml::Table> = policies.iter().map(|p| toml::from_str(&p.resolved).expect("a resolved scenario parses")).collect();
        let named: Vec<(&str, &toml::Table)> = policies.iter().map(|p| p.name.as_str()).zip(&tables).collect();
        let reference = crate::scenario::reference();
        // Every swept key once, each a parameter every policy has and a point may set.
        let params = raw.parameters.clone().unwrap_or_default();
        let mut swept = Vec::with_capacity(params.len());
        let mut first_of: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for (n, p) in params.iter().enumerate() {
            if let Some(&first) = first_of.get(p.key.as_str()) {
                let line = parameter_location(name, text, first, "key").line;
                return Err(at_param(
                    n,
                    "key",
                    format!("\"{}\" is swept twice (also parameters[{first}], line {line}): allowed each key once, with all its values in one entry", p.key),
                ));
            }
            first_of.insert(&p.key, n);
            swept.push(Swept::of(&reference, &named, &p.key).map_err(|m| at_param(n, "key", m))?);
        }
        let size = Size { policies: policies.len() as u64, replicates: replicates as u64 };
        let keys: Vec<String> = params.iter().map(|p| p.key.clone()).collect();
        let values: Vec<Vec<f64>> = match kind {
            Kind::Factorial | Kind::Zip => {
                let mut lists = Vec::new();
                for (n, (p, sw)) in params.iter().zip(&swept).enumerate() {
                    let list = match (&p.values, p.from, p.to, p.steps) {
                        (Some(v), None, None, None) if !v.is_empty() => {
                            let mut list = Vec::with_capacity(v.len());
                            for (i, x) in v.iter().enumerate() {
                                list.push(sw.index(x).map_err(|m| at_param(n, "values", format!("`{}`: value {} of the list: {m}", p.key, i + 1)))?);
                            }
                            list
                        }
                        (None, Some(_), Some(_), Some(_)) if sw.levels.is_some() => {
                            return Err(at_param(
                                n,
                                "from",
                                format!("`{}`: a flag or choice takes `values = [...]` of its options: allowed {}", p.key, sw.allowed()),
                            ));
                        }
                        (None, Some(a), Some(b), Some(s)) if s >= 2 => {
                            if s > design::MAX_POINTS as i64 {
                                return Err(at_param(n, "steps", format!("`{}`: steps = {s}: allowed 2 to {}", p.key, design::MAX_POINTS)));
                            }
                            sw.check(a).map_err(|m| at_param(n, "from", format!("`{}`: from = {m}", p.key)))?;
                            sw.check(b).map_err(|m| at_param(n, "to", format!("`{}`: to = {m}", p.key)))?;
                            let list = design::steps(a, b, s as usize);
                            for x in &list {
                                sw.check(*x).map_err(|m| {
                                    at_param(
                                        n,
                                        "steps",
                                        format!(
                                            "`{}`: from = {}, to = {}, steps = {s} gives {m}; choose steps that land on whole numbers",
                                            p.key,
                                            show(a),
                                            show(b)
                                        ),
                                    )
                                })?;
                            }
                            list
                        }
                        _ => {
                            return Err(at_param(
                                n,
                                "",
                                format!("`{}`: give either `values = [...]` (not empty) or `from`, `to` and `steps` (2 or more)", p.key),
                            ));
                        }
                    };
                    lists.push(list);
                }
                if kind == Kind::Zip && lists.windows(2).any(|w| w[0].len() != w[1].len()) {
                    return Err(fail("design.kind", "a zip design needs lists of equal length: allowed only parameters with as many values each".into()));
                }
                let counts: Vec<u64> = lists.iter().map(|l| l.len() as u64).collect();
                let (sets, shown) = if kind == Kind::Zip {
                    let n = counts.first().copied().unwrap_or(1);
                    (n, format!("{n} zipped values"))
                } else {
                    (counts.iter().try_fold(1u64, |a, &b| times(a, b)).unwrap_or(u64::MAX), counts.iter().map(u64::to_string).collect::<Vec<_>>().join(" x "))
                };
                size.check(sets, &shown, keys.len()).map_err(|m| fail("parameters", m))?;
                if params.is_empty() {
                    vec![Vec::new()]
                } else if kind == Kind::Factorial {
                    design::factorial(&lists)
                } else {
                    design::zip(&lists)
                }
            }
            Kind::LatinHypercube | Kind::Sobol | Kind::Saltelli | Kind::Morris => {
                let samples = if kind == Kind::Morris { 1 } else { design.samples.unwrap_or(0) };
                if !(1..=design::MAX_POINTS as i64).contains(&samples) {
                    return Err(fail(
                        "design.samples",
                        format!("{samples} samples: allowed 1 to {} (a {kind_name} design needs `samples`)", design::MAX_POINTS),
                    ));
                }
                if kind == Kind::Morris && design.samples.is_some() {
                    return Err(fail("design.samples", "a morris design has `trajectories`, not `samples`".into()));
                }
                if matches!(kind, Kind::Saltelli | Kind::Morris) && params.is_empty() {
                    return Err(fail("parameters", format!("a {kind_name} design needs at least one [[parameters]] entry with `min` and `max`")));
                }
                let mut bounds = Vec::new();
                for (n, (p, sw)) in params.iter().zip(&swept).enumerate() {
                    // A flag or choice is drawn among all its options, each equally often.
                    if sw.levels.is_some() {
                        if p.min.is_some() || p.max.is_some() || p.values.is_some() {
                            return Err(at_param(
                                n,
                                "",
                                format!(
                                    "`{}`: a sampled design draws a flag or choice among all its options ({}): allowed no `min`, `max` or `values`",
                                    p.key,
                                    sw.allowed()
                                ),
                            ));
                        }
                        bounds.push((sw.min, sw.max, true));
                        continue;
                    }
                    let (Some(lo), Some(hi)) = (p.min, p.max) else {
                        return Err(at_param(n, "", format!("`{}`: a sampled design needs `min` and `max`", p.key)));
                    };
                    sw.check(lo).map_err(|m| at_param(n, "min", format!("`{}`: min = {m}", p.key)))?;
                    sw.check(hi).map_err(|m| at_param(n, "max", format!("`{}`: max = {m}", p.key)))?;
                    if lo > hi {
                        return Err(at_param(n, "min", format!("`{}`: bounds reversed (min = {}, max = {}): allowed min <= max", p.key, show(lo), show(hi))));
                    }
                    bounds.push((lo, hi, sw.integer));
                }
                if kind == Kind::Sobol && bounds.len() > design::SOBOL_MAX_DIMENSIONS {
                    return Err(fail(
                        "design.kind",
                        format!("a sobol design of {} parameters: allowed at most {}", bounds.len(), design::SOBOL_MAX_DIMENSIONS),
                    ));
                }
                if kind == Kind::Saltelli && bounds.len() > crate::analysis::sobol::MAX_FACTORS {
                    return Err(fail(
                        "design.kind",
                        format!("a saltelli design of {} parameters: allowed at most {}", bounds.len(), crate::analysis::sobol::MAX_FACTORS),
                    ));
                }
                let k = bounds.len() as u64;
                let (sets, shown, field) = match kind {
                    Kind::Saltelli => (times(samples as u64, k + 2).unwrap_or(u64::MAX), format!("{samples} samples x {} (k + 2)", k + 2), "design.samples"),
                    Kind::Morris => {
                        let m = morris_settings(&design).map_err(|(f, m)| fail(&format!("design.{f}"), m))?;
                        (
                            times(m.trajectories as u64, k + 1).unwrap_or(u64::MAX),
                            format!("{} trajectories x {} (k + 1)", m.trajectories, k + 1),
                            "design.trajectories",
                        )
                    }
                    _ => (samples as u64, format!("{samples} samples"), "design.samples"),
                };
                size.check(sets, &shown, keys.len()).map_err(|m| fail(field, m))?;
                let unit = match kind {
                    Kind::Sobol => design::sobol(samples as usize, bounds.len()),
                    Kind::Saltelli => crate::analysis::sobol::saltelli(samples as usize, bounds.len()),
                    Kind::Morris => {
                        let m = morris_settings(&design).expect("checked above");
                        morris_design(seed as u64, &m, bounds.len()).map_err(|e| fail("design", e.to_string()))?.rows
                    }
                    _ => {
                        let mut rng = RunKey::new(seed as u64, u64::MAX).stream(crate::rng::Stream::Families, 0, 0);
                        design::latin_hypercube(samples as usize, bounds.len(), &mut rng)
                    }
                };
                unit.into_iter().map(|u| u.iter().zip(&bounds).map(|(x, &(lo, hi, integer))| design::scale(*x, lo, hi, integer)).collect()).collect()
            }
            Kind::Posterior => {
                let Some((pname, ptext)) = &inp.matrix else {
                    return Err(fail("design.posterior", "a posterior design needs `posterior = \"posterior.csv\"` (written by `resist calibrate`)".into()));
                };
                if !params.is_empty() {
                    return Err(fail("parameters", "a posterior design takes its parameters from the posterior's header: allowed no [[parameters]]".into()));
                }
                let samples = design.samples.unwrap_or(0);
                if !(1..=design::MAX_POINTS as i64).contains(&samples) {
                    return Err(fail("design.samples", format!("{samples} samples: allowed 1 to {} (a posterior design needs `samples`)", design::MAX_POINTS)));
                }
                let (swept, particles, weights) = posterior(pname, ptext, &reference, &named, size)?;
                size.check(samples as u64, &format!("{samples} samples"), swept.len()).map_err(|m| fail("design.samples", m))?;
                // Each sample draws from its own stream of the sweep's seed: the design is fixed by the sweep file and the posterior.
                let values: Vec<Vec<f64>> = (0..samples as u64)
                    .map(|i| {
                        let u: f64 = rand::RngExt::random(&mut crate::analysis::stream(seed as u64, "posterior design", 0, i));
                        particles[crate::rng::weighted(&weights, u)].clone()
                    })
                    .collect();
                let sweep = Self::expand(raw, seed as u64, seeding, replicates as u64, days, Kind::Posterior, swept, policies, &values);
                return Ok(Sweep { base: inp.base.resolved.clone(), ..sweep });
            }
            Kind::Matrix => {
                let Some((mname, mtext)) = &inp.matrix else {
                    return Err(fail("design.matrix", "a matrix design needs `matrix = \"file.csv\"`".into()));
                };
                if !params.is_empty() {
                    return Err(fail("parameters", "a matrix design takes its parameters from the matrix's header: allowed no [[parameters]]".into()));
                }
                let (swept, values) = matrix(mname, mtext, &reference, &named, size, false)?;
                let sweep = Self::expand(raw, seed as u64, seeding, replicates as u64, days, Kind::Matrix, swept, policies, &values);
                return Ok(Sweep { base: inp.base.resolved.clone(), ..sweep });
            }
        };
        let sweep = Self::expand(raw, seed as u64, seeding, replicates as u64, days, kind, swept, policies, &values);
        Ok(Sweep { base: inp.base.resolved.clone(), ..sweep })
    }

    /// Every policy crossed with every set of values, the policy varying slowest.
    #[allow(clippy::too_many_arguments)]
    fn expand(
        raw: &RawSweep,
        seed: u64,
        seeding: Seeding,
        replicates: u64,
        days: Option<u32>,
        kind: Kind,
        swept: Vec<Swept>,
        policies: Vec<Policy>,
        values: &[Vec<f64>],
    ) -> Sweep {
        let points = (0..policies.len()).flat_map(|p| values.iter().map(move |v| (p, v.clone()))).collect();
        let keys = swept.iter().map(|s| s.key.clone()).collect();
        let name = raw.name.clone().unwrap_or_else(|| "sweep".into());
        Sweep { name, seed, seeding, replicates, days, kind, keys, swept, policies, base: String::new(), points }
    }

    pub fn runs(&self) -> u64 {
        self.points.len() as u64 * self.replicates
    }

    /// The run id of a point's replicate, and its seed: under common
    /// seeding the seed of replicate r is the same at every point (that of
    /// point 0 under independent seeding).
    pub fn run(&self, point: usize, replicate: u64) -> (u64, u64) {
        let seeded_by = match self.seeding {
            Seeding::Common => 0,
            Seeding::Independent => point as u64,
        };
        (point as u64 * self.replicates + replicate, derive_seed(self.seed, seeded_by, replicate))
    }

    /// The scenario of a design point: its policy with the point's values set.
    pub fn scenario(&self, point: usize) -> Result<Scenario, ScenarioError> {
        let mut table: toml::Table = toml::from_str(&self.policies[self.points[point].0].resolved).expect("a resolved scenario parses");
        self.set_point(&mut table, point);
        let text = toml::to_string(&table).expect("a table serialises");
        Scenario::from_text(&format!("design point {point}"), &text)
    }

    /// Set a design point's values into its policy's resolved table.
    fn set_point(&self, table: &mut toml::Table, point: usize) {
        for (sw, v) in self.swept.iter().zip(&self.points[point].1) {
            set_following(table, &sw.key, sw.value(*v), &self.keys);
        }
    }

    /// A point's swept values as runs.csv and messages show them.
    pub fn shown_values(&self, point: usize) -> Vec<String> {
        self.swept.iter().zip(&self.points[point].1).map(|(sw, v)| sw.show(*v)).collect()
    }

    /// Build every design point's scenario, as a run would: how many points
    /// the scenario rejects (a combination of values its checks refuse, each
    /// value being in range), and the first `keep` of them with why.
    pub fn failing_points(&self, keep: usize) -> (usize, Vec<(usize, ScenarioError)>) {
        use rayon::prelude::*;
        let tables: Vec<toml::Table> = self.policies.iter().map(|p| toml::from_str(&p.resolved).expect("a resolved scenario parses")).collect();
        let (mut failed, mut first) = (0, Vec::new());
        // In chunks, so that a design of failing points holds only `keep` errors.
        for chunk in (0..self.points.len()).collect::<Vec<_>>().chunks(4096) {
            let errors: Vec<(usize, ScenarioError)> = chunk
                .par_iter()
                .filter_map(|&p| {
                    let mut table = tables[self.points[p].0].clone();
                    self.set_point(&mut table, p);
                    Scenario::check_values(table).err().map(|e| (p, e))
                })
                .collect();
            failed += errors.len();
            first.extend(errors.into_iter().take(keep.saturating_sub(first.len())));
        }
        (failed, first)
    }

    /// A stable name for the whole sweep: changes whenever any run would.
    pub fn hash(&self) -> String {
        let mut h = blake3::Hasher::new();
        h.update(format!("{}|{}|{:?}|{:?}|{:?}|{}\n", self.seed, self.replicates, self.days, self.kind, self.keys, self.seeding.name()).as_bytes());
        for p in &self.policies {
            h.update(p.name.as_bytes());
            h.update(p.resolved.as_bytes());
        }
        for (p, v) in &self.points {
            h.update(format!("{p}:{v:?}\n").as_bytes());
        }
        h.finalize().to_hex()[..16].to_string()
    }
}

/// A run's scenario rebuilt from what a sweep recorded of it: its policy's
/// resolved scenario and its swept values as runs.csv shows them (a number,
/// `true`/`false`, an option's name). For `resist replay` of a sweep's
/// manifest; an error says which key or value is not one the policy takes.
pub fn recorded_scenario(policy: &Policy, keys: &[String], shown: &[String]) -> Result<Scenario, String> {
    let mut table: toml::Table = toml::from_str(&policy.resolved).map_err(|e| format!("policy \"{}\": not a resolved scenario: {e}", policy.name))?;
    let reference = crate::scenario::reference();
    for (key, text) in keys.iter().zip(shown) {
        let sw = Swept::of(&reference, &[(policy.name.as_str(), &table)], key)?;
        let written = match (&sw.levels, text.as_str()) {
            (Some(_), "true") => toml::Value::Boolean(true),
            (Some(_), "false") => toml::Value::Boolean(false),
            (Some(_), name) => toml::Value::String(name.to_string()),
            (None, x) => toml::Value::Float(x.parse::<f64>().map_err(|_| format!("`{key}`: \"{x}\" is not a number"))?),
        };
        let v = sw.index(&written).map_err(|m| format!("`{key}`: {m}"))?;
        set_following(&mut table, key, sw.value(v), keys);
    }
    let text = toml::to_string(&table).expect("a table serialises");
    Scenario::from_text(&format!("policy {}", policy.name), &text).map_err(|e| e.to_string())
}

/// The design kinds by the name a sweep file gives them.
const KINDS: [(&str, Kind); 8] = [
    ("factorial", Kind::Factorial),
    ("zip", Kind::Zip),
    ("latin_hypercube", Kind::LatinHypercube),
    ("sobol", Kind::Sobol),
    ("matrix", Kind::Matrix),
    ("saltelli", Kind::Saltelli),
    ("morris", Kind::Morris),
    ("posterior", Kind::Posterior),
];

/// A Morris design's settings, as the sweep file gives them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MorrisSettings {
    pub trajectories: usize,
    pub levels: usize,
    pub candidates: usize,
}

/// The most trajectories, and candidate trajectories, a Morris design may have.
pub const MORRIS_MAX_CANDIDATES: i64 = 1000;

/// Check a Morris design's settings: trajectories 2 to 1000, levels even from
/// 2 to 100 (default 4), candidates from the trajectories to 1000 (default the
/// trajectories: no selection). On failure, the field and why.
pub fn morris_settings(d: &RawDesign) -> Result<MorrisSettings, (&'static str, String)> {
    let trajectories = d.trajectories.unwrap_or(0);
    if !(2..=MORRIS_MAX_CANDIDATES).contains(&trajectories) {
        return Err(("trajectories", format!("{trajectories} trajectories: allowed 2 to {MORRIS_MAX_CANDIDATES} (a morris design needs `trajectories`)")));
    }
    let levels = d.levels.unwrap_or(4);
    if !(2..=100).contains(&levels) || levels % 2 != 0 {
        return Err(("levels", format!("{levels} levels: allowed even numbers 2 to 100")));
    }
    let candidates = d.candidates.unwrap_or(trajectories);
    if !(trajectories..=MORRIS_MAX_CANDIDATES).contains(&candidates) {
        return Err(("candidates", format!("{candidates} candidates: allowed {trajectories} (the trajectories) to {MORRIS_MAX_CANDIDATES}")));
    }
    Ok(MorrisSettings { trajectories: trajectories as usize, levels: levels as usize, candidates: candidates as usize })
}

/// The Morris design of a sweep with master seed `seed` over `factors`
/// parameters, in the unit cube: its own stream of the seed, so `resist
/// analyze` can rebuild it from the sweep file alone.
pub fn morris_design(seed: u64, m: &MorrisSettings, factors: usize) -> Result<crate::analysis::morris::Design, crate::analysis::AnalysisError> {
    let mut rng = crate::analysis::stream(seed, "morris design", 0, 0);
    crate::analysis::morris::design(m.trajectories, factors, m.levels, m.candidates, &mut rng)
}

fn policies(inp: &Inputs) -> Vec<Policy> {
    if inp.policies.is_empty() {
        vec![Policy { name: "base".into(), resolved: inp.base.resolved.clone() }]
    } else {
        inp.policies.iter().map(|(n, s)| Policy { name: n.clone(), resolved: s.resolved.clone() }).collect()
    }
}

/// How many points, runs and values a design may have, given its policies and replicates.
#[derive(Clone, Copy)]
struct Size {
    policies: u64,
    replicates: u64,
}

impl Size {
    /// Check a design of `sets` sets of values (described as `shown`) over `keys` parameters.
    fn check(self, sets: u64, shown: &str, keys: usize) -> Result<(), String> {
        let points = times(sets, self.policies).unwrap_or(u64::MAX);
        let what = if self.policies > 1 { format!("{} policies x {shown}", self.policies) } else { shown.to_string() };
        if points > design::MAX_POINTS as u64 {
            return Err(format!("the design has {} points ({what}): allowed at most {}", count(points), design::MAX_POINTS));
        }
        let runs = times(points, self.replicates).unwrap_or(u64::MAX);
        if runs > design::MAX_RUNS {
            return Err(format!("{points} points x {} replicates = {} runs: allowed at most {}", self.replicates, count(runs), design::MAX_RUNS));
        }
        let held = times(points, keys as u64).unwrap_or(u64::MAX);
        if held > design::MAX_VALUES {
            return Err(format!("{points} points x {keys} parameters = {} values: allowed at most {}", count(held), design::MAX_VALUES));
        }
        Ok(())
    }
}

fn count(n: u64) -> String {
    if n == u64::MAX { format!("more than {}", u64::MAX - 1) } else { n.to_string() }
}

/// The sample matrix: a header of swept keys, then one row of values a point.
fn matrix(
    mname: &str,
    mtext: &str,
    reference: &[crate::scenario::ParamDoc],
    named: &[(&str, &toml::Table)],
    size: Size,
    round_integers: bool,
) -> Result<(Vec<Swept>, Vec<Vec<f64>>), ScenarioError> {
    let at = |line: usize, column: usize| Location { file: mname.to_string(), line, column };
    let mut lines = mtext.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((hl, header)) = lines.next() else {
        return Err(ScenarioError::Invalid {
            at: at(1, 1),
            key: "header".into(),
            message: "the sample matrix is empty: allowed a header of parameter keys, then one row of numbers per design point".into(),
        });
    };
    let keys: Vec<String> = header.split(',').map(|k| k.trim().trim_matches('"').to_string()).collect();
    let mut swept = Vec::with_capacity(keys.len());
    let mut first_of: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (c, k) in keys.iter().enumerate() {
        let column = |m: String| ScenarioError::Invalid { at: at(hl + 1, c + 1), key: format!("column {}", c + 1), message: m };
        if let Some(first) = first_of.get(k.as_str()) {
            return Err(column(format!("\"{k}\" is a column twice (also column {}): allowed each key once", first + 1)));
        }
        first_of.insert(k, c);
        swept.push(Swept::of(reference, named, k).map_err(column)?);
    }
    let rows = lines.clone().count() as u64;
    size.check(rows, &format!("{rows} rows"), keys.len()).map_err(|m| ScenarioError::Invalid { at: at(hl + 1, 1), key: "rows".into(), message: m })?;
    let mut values = Vec::with_capacity(rows as usize);
    for (ln, line) in lines {
        let row: Vec<&str> = line.split(',').map(str::trim).collect();
        if row.len() != keys.len() {
            return Err(ScenarioError::Invalid {
                at: at(ln + 1, 1),
                key: "row".into(),
                message: format!("{} values for {} columns: allowed exactly one value per column", row.len(), keys.len()),
            });
        }
        let mut v = Vec::with_capacity(row.len());
        for (c, x) in row.iter().enumerate() {
            let cell = |m: String| ScenarioError::Invalid { at: at(ln + 1, c + 1), key: keys[c].clone(), message: m };
            let f = if swept[c].levels.is_some() {
                // An option as written: true, false, or a choice's name (quoted or not).
                let written = match *x {
                    "true" => toml::Value::Boolean(true),
                    "false" => toml::Value::Boolean(false),
                    name => toml::Value::String(name.trim_matches('"').to_string()),
                };
                swept[c].index(&written).map_err(cell)?
            } else {
                let mut f = x.parse::<f64>().map_err(|_| cell(format!("\"{x}\" is not a number: allowed {}", swept[c].allowed())))?;
                if round_integers && swept[c].integer {
                    f = f.round();
                }
                swept[c].check(f).map_err(cell)?;
                f
            };
            v.push(f);
        }
        values.push(v);
    }
    Ok((swept, values))
}

/// A posterior's parameters, particles and weights.
type Particles = (Vec<Swept>, Vec<Vec<f64>>, Vec<f64>);

/// A posterior file: its parameter columns (checked as a matrix's), the
/// particles and their weights. The columns `weight` (required), `distance`
/// and `attempt` are not parameters.
fn posterior(
    pname: &str,
    ptext: &str,
    reference: &[crate::scenario::ParamDoc],
    named: &[(&str, &toml::Table)],
    size: Size,
) -> Result<Particles, ScenarioError> {
    let at = |line: usize, column: usize| Location { file: pname.to_string(), line, column };
    let lines: Vec<(usize, &str)> = ptext.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).collect();
    let Some(&(hl, header)) = lines.first() else {
        return Err(ScenarioError::Invalid {
            at: at(1, 1),
            key: "header".into(),
            message: "the posterior is empty: allowed `resist calibrate`'s posterior.csv".into(),
        });
    };
    let names: Vec<&str> = header.split(',').map(|k| k.trim().trim_matches('"')).collect();
    let extra = ["weight", "distance", "attempt"];
    let Some(w) = names.iter().position(|n| *n == "weight") else {
        return Err(ScenarioError::Invalid {
            at: at(hl + 1, 1),
            key: "header".into(),
            message: "no `weight` column: allowed `resist calibrate`'s posterior.csv (parameter columns, then weight, distance, attempt)".into(),
        });
    };
    let keep: Vec<usize> = (0..names.len()).filter(|c| !extra.contains(&names[*c])).collect();
    // The parameter columns alone, as a sample matrix, keeping the line numbers.
    let mut text = String::new();
    let mut weights = Vec::with_capacity(lines.len());
    let mut written = 0;
    for (k, &(ln, line)) in lines.iter().enumerate() {
        // Blank lines where the file has them, so errors name the file's own lines.
        while written < ln {
            text.push('\n');
            written += 1;
        }
        written += 1;
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if k > 0 {
            let weight = cells.get(w).and_then(|x| x.parse::<f64>().ok()).filter(|v| v.is_finite() && *v >= 0.0).ok_or_else(|| ScenarioError::Invalid {
                at: at(ln + 1, w + 1),
                key: "weight".into(),
                message: "a particle's weight must be a number 0 or above".into(),
            })?;
            weights.push(weight);
        }
        text.push_str(&keep.iter().map(|&c| cells.get(c).copied().unwrap_or("")).collect::<Vec<_>>().join(","));
        text.push('\n');
    }
    if weights.iter().sum::<f64>() <= 0.0 {
        return Err(ScenarioError::Invalid {
            at: at(hl + 1, w + 1),
            key: "weight".into(),
            message: "the weights sum to 0: allowed a posterior with some weight".into(),
        });
    }
    // A calibration moves an integer parameter continuously and its runs
    // round it (`set_value`): its particles are read the same way.
    let (keys, particles) = matrix(pname, &text, reference, named, size, true)?;
    Ok((keys, particles, weights))
}

/// A calibration's posterior, read for `resist run --replicates N --posterior
/// FILE`: each replicate runs the scenario at a particle drawn by weight, so
/// an ensemble carries the parameters' uncertainty with the replicates' noise.
pub struct PosteriorDraws {
    swept: Vec<Swept>,
    particles: Vec<Vec<f64>>,
    weights: Vec<f64>,
}

impl PosteriorDraws {
    /// Read posterior file `name` (text `text`) against scenario `base`.
    pub fn read(name: &str, text: &str, base: &Scenario) -> Result<PosteriorDraws, ScenarioError> {
        let table: toml::Table = toml::from_str(&base.resolved).expect("a resolved scenario parses");
        let named = [("scenario", &table)];
        let (swept, particles, weights) = posterior(name, text, &crate::scenario::reference(), &named, Size { policies: 1, replicates: 1 })?;
        Ok(PosteriorDraws { swept, particles, weights })
    }

    pub fn keys(&self) -> Vec<String> {
        self.swept.iter().map(|s| s.key.clone()).collect()
    }

    /// The particle replicate `replicate` of a run seeded `seed` draws (from
    /// the stream (seed, "posterior run", 0, replicate), so it does not
    /// depend on threads or on which replicates run), and `base` with its
    /// values set; with the values as the particle's columns show them.
    pub fn draw(&self, base: &Scenario, seed: u64, replicate: u64) -> Result<(usize, Vec<String>, Scenario), ScenarioError> {
        let u: f64 = rand::RngExt::random(&mut crate::analysis::stream(seed, "posterior run", 0, replicate));
        let i = crate::rng::weighted(&self.weights, u);
        let mut table: toml::Table = toml::from_str(&base.resolved).expect("a resolved scenario parses");
        let keys = self.keys();
        let mut shown = Vec::with_capacity(keys.len());
        for (sw, v) in self.swept.iter().zip(&self.particles[i]) {
            set_following(&mut table, &sw.key, sw.value(*v), &keys);
            shown.push(sw.show(*v));
        }
        let text = toml::to_string(&table).expect("a table serialises");
        Ok((i, shown, Scenario::from_text(&format!("posterior particle {i}"), &text)?))
    }
}

/// Set a key of a resolved table (integers stay integers: `resolve` let
/// only whole numbers through).
fn set_value(t: &mut toml::Table, key: &str, v: toml::Value) {
    let segs: Vec<&str> = key.split('.').collect();
    let mut cur = t;
    for seg in &segs[..segs.len() - 1] {
        cur = match cur.get_mut(*seg) {
            Some(toml::Value::Table(next)) => next,
            _ => return,
        };
    }
    let last = segs[segs.len() - 1];
    let value = match (cur.get(last), v) {
        (Some(toml::Value::Integer(_)), toml::Value::Float(x)) => toml::Value::Integer(x.round() as i64),
        (Some(toml::Value::Float(_)), toml::Value::Integer(x)) => toml::Value::Float(x as f64),
        (_, v) => v,
    };
    cur.insert(last.to_string(), value);
}

/// Set a number into a resolved table (a calibration's particle; `keys`: all the free keys).
pub(crate) fn set_numeric(t: &mut toml::Table, key: &str, v: f64, keys: &[String]) {
    set_following(t, key, toml::Value::Float(v), keys);
}

/// The value at a dotted key of a table.
fn get_value<'a>(t: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut segs = key.split('.').peekable();
    let mut cur = t;
    while let Some(seg) = segs.next() {
        let v = cur.get(seg)?;
        if segs.peek().is_none() {
            return Some(v);
        }
        cur = v.as_table()?;
    }
    None
}

/// Set `key` in a resolved table, and with it each key that takes its value
/// from it when not set (`aftermath::SHORTHANDS`), where that key still
/// holds the value it took (it was not set apart) and is not itself among
/// the `set` keys. Without this, sweeping `aftermath.followup` would change
/// nothing: its channels were filled in from it when the policy was resolved.
fn set_following(t: &mut toml::Table, key: &str, v: toml::Value, set: &[String]) {
    let before = get_value(t, key).cloned();
    for (source, followers) in crate::process::aftermath::SHORTHANDS {
        if source != key {
            continue;
        }
        for f in followers {
            let taken = get_value(t, f).cloned();
            let same = match (&taken, &before) {
                (Some(a), Some(b)) => a.as_float().or(a.as_integer().map(|i| i as f64)) == b.as_float().or(b.as_integer().map(|i| i as f64)),
                _ => false,
            };
            if same && !set.iter().any(|k| k == f) {
                set_value(t, f, v.clone());
            }
        }
    }
    set_value(t, key, v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_followup_moves_the_channels_that_took_its_value_but_not_those_set_apart() {
        let resolved = Scenario::from_text("s.toml", "name = \"s\"\n[aftermath]\nfollowup = 0.2\nmonitoring = 0.5\n").unwrap().resolved;
        let mut t: toml::Table = toml::from_str(&resolved).unwrap();
        set_following(&mut t, "aftermath.followup", toml::Value::Float(0.8), &["aftermath.followup".into()]);
        let a = t["aftermath"].as_table().unwrap();
        assert_eq!(a["followup"].as_float(), Some(0.8));
        assert_eq!((a["livelihood"].as_float(), a["mentoring"].as_float()), (Some(0.8), Some(0.8)), "channels that took followup's value follow it");
        assert_eq!(a["monitoring"].as_float(), Some(0.5), "a channel set apart keeps its value");
        // A channel swept beside followup is the sweep's to set.
        let mut t: toml::Table = toml::from_str(&resolved).unwrap();
        set_following(&mut t, "aftermath.followup", toml::Value::Float(0.8), &["aftermath.followup".into(), "aftermath.livelihood".into()]);
        assert_eq!(t["aftermath"]["livelihood"].as_float(), Some(0.2));
    }
}
