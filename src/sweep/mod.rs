//! Sweeps: a TOML design over a base scenario, expanded into runs with stable
//! ids and seeds. Pure: the binary reads the files, executes the runs and
//! writes the results (src/app/sweep.rs).
//!
//! A design point is one policy (a whole scenario) with one set of values for
//! the swept parameters; each point runs `replicates` times. Point `p`,
//! replicate `r` is run `p * replicates + r`, with the seed
//! `rng::derive_seed(master seed, p, r)`, all fixed before anything runs.

pub mod aggregate;
pub mod design;

use std::collections::BTreeMap;

use crate::rng::{RunKey, derive_seed};
use crate::scenario::{Location, Scenario, ScenarioError, locate_offset};

/// The sweep file as written.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    pub scenario: Option<String>,
    pub name: Option<String>,
    pub seed: Option<i64>,
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
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawParameter {
    pub key: String,
    pub values: Option<Vec<f64>>,
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
    pub replicates: u64,
    pub days: Option<u32>,
    pub kind: Kind,
    /// Swept parameter keys (dotted paths into the scenario).
    pub keys: Vec<String>,
    pub policies: Vec<Policy>,
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

fn invalid(name: &str, text: &str, key: &str, message: String) -> ScenarioError {
    let layer = crate::scenario::Layer::parse(name, text.to_string());
    let at = layer.ok().and_then(|l| l.find(&key.split('.').collect::<Vec<_>>()).map(|(l, _)| l)).unwrap_or_else(|| locate_offset(name, text, 0));
    ScenarioError::Invalid { at, key: key.to_string(), message }
}

/// Where the n-th `[[parameters]]` entry's `key` sits in the sweep file.
fn parameter_location(name: &str, text: &str, n: usize) -> Location {
    let offset = text.match_indices("[[parameters]]").nth(n).map_or(0, |(k, _)| k);
    locate_offset(name, text, offset)
}

impl Sweep {
    /// Validate the raw sweep against its scenarios and expand the design.
    pub fn resolve(raw: &RawSweep, inp: &Inputs) -> Result<Sweep, ScenarioError> {
        let (name, text) = (inp.sweep_name, inp.text);
        let fail = |key: &str, m: String| invalid(name, text, key, m);
        let seed = raw.seed.unwrap_or(1);
        if seed < 0 {
            return Err(fail("seed", format!("{seed} is out of range: allowed 0 to {}", i64::MAX)));
        }
        let replicates = raw.replicates.unwrap_or(10);
        if !(1..=1_000_000).contains(&replicates) {
            return Err(fail("replicates", format!("{replicates} is out of range: allowed 1 to 1000000")));
        }
        let days = match raw.days {
            Some(d) if !(1..=100_000).contains(&d) => return Err(fail("days", format!("{d} is out of range: allowed 1 to 100000"))),
            d => d.map(|d| d as u32),
        };
        let design = raw.design.clone().unwrap_or_default();
        let kinds =
            [("factorial", Kind::Factorial), ("zip", Kind::Zip), ("latin_hypercube", Kind::LatinHypercube), ("sobol", Kind::Sobol), ("matrix", Kind::Matrix)];
        let kind_name = design.kind.as_deref().unwrap_or("factorial");
        let Some(&(_, kind)) = kinds.iter().find(|(n, _)| *n == kind_name) else {
            return Err(fail(
                "design.kind",
                format!("\"{kind_name}\" is not one of the allowed values: \"factorial\", \"zip\", \"latin_hypercube\", \"sobol\", \"matrix\""),
            ));
        };
        // Every swept key must name a parameter of the base scenario.
        let resolved: toml::Table = toml::from_str(&inp.base.resolved).expect("a resolved scenario parses");
        let params = raw.parameters.clone().unwrap_or_default();
        for (n, p) in params.iter().enumerate() {
            if !numeric_at(&resolved, &p.key) {
                return Err(ScenarioError::Invalid {
                    at: parameter_location(name, text, n),
                    key: format!("parameters[{n}].key"),
                    message: format!(
                        "\"{}\" is not a numeric parameter of the scenario: allowed the keys `resist params` lists (factions by name, e.g. factions.isis.outreach.prize_usd)",
                        p.key
                    ),
                });
            }
        }
        let keys: Vec<String> = params.iter().map(|p| p.key.clone()).collect();
        let values: Vec<Vec<f64>> = match kind {
            Kind::Factorial | Kind::Zip => {
                let mut lists = Vec::new();
                for (n, p) in params.iter().enumerate() {
                    let at = parameter_location(name, text, n);
                    let list = match (&p.values, p.from, p.to, p.steps) {
                        (Some(v), None, None, None) if !v.is_empty() => v.clone(),
                        (None, Some(a), Some(b), Some(s)) if s >= 2 => (0..s).map(|k| a + (b - a) * k as f64 / (s - 1) as f64).collect(),
                        _ => {
                            return Err(ScenarioError::Invalid {
                                at,
                                key: format!("parameters[{n}]"),
                                message: format!("`{}`: give either `values = [...]` (not empty) or `from`, `to` and `steps` (2 or more)", p.key),
                            });
                        }
                    };
                    lists.push(list);
                }
                if kind == Kind::Zip && lists.windows(2).any(|w| w[0].len() != w[1].len()) {
                    return Err(fail("design.kind", "a zip design needs lists of equal length: allowed only parameters with as many values each".into()));
                }
                if params.is_empty() {
                    vec![Vec::new()]
                } else if kind == Kind::Factorial {
                    design::factorial(&lists)
                } else {
                    design::zip(&lists)
                }
            }
            Kind::LatinHypercube | Kind::Sobol => {
                let samples = design.samples.unwrap_or(0);
                if !(1..=1_000_000).contains(&samples) {
                    return Err(fail("design.samples", format!("{samples} samples: allowed 1 to 1000000 (a latin_hypercube or sobol design needs `samples`)")));
                }
                let mut bounds = Vec::new();
                for (n, p) in params.iter().enumerate() {
                    let at = parameter_location(name, text, n);
                    let (Some(lo), Some(hi)) = (p.min, p.max) else {
                        return Err(ScenarioError::Invalid {
                            at,
                            key: format!("parameters[{n}]"),
                            message: format!("`{}`: a sampled design needs `min` and `max`", p.key),
                        });
                    };
                    if !(lo.is_finite() && hi.is_finite()) || lo > hi {
                        return Err(ScenarioError::Invalid {
                            at,
                            key: format!("parameters[{n}]"),
                            message: format!("`{}`: bounds reversed or not finite (min = {lo}, max = {hi}): allowed min <= max", p.key),
                        });
                    }
                    bounds.push((lo, hi));
                }
                if kind == Kind::Sobol && bounds.len() > design::SOBOL_MAX_DIMENSIONS {
                    return Err(fail(
                        "design.kind",
                        format!("a sobol design of {} parameters: allowed at most {}", bounds.len(), design::SOBOL_MAX_DIMENSIONS),
                    ));
                }
                let unit = if kind == Kind::Sobol {
                    design::sobol(samples as usize, bounds.len())
                } else {
                    let mut rng = RunKey::new(seed as u64, u64::MAX).stream(crate::rng::Stream::Families, 0, 0);
                    design::latin_hypercube(samples as usize, bounds.len(), &mut rng)
                };
                unit.into_iter().map(|u| u.iter().zip(&bounds).map(|(x, (lo, hi))| lo + x * (hi - lo)).collect()).collect()
            }
            Kind::Matrix => {
                let Some((mname, mtext)) = &inp.matrix else {
                    return Err(fail("design.matrix", "a matrix design needs `matrix = \"file.csv\"`".into()));
                };
                if !params.is_empty() {
                    return Err(fail("parameters", "a matrix design takes its parameters from the matrix's header: allowed no [[parameters]]".into()));
                }
                return Self::with_matrix(raw, inp, seed as u64, replicates as u64, days, &resolved, mname, mtext);
            }
        };
        let policies = policies(inp);
        let points = (0..policies.len()).flat_map(|p| values.iter().map(move |v| (p, v.clone()))).collect();
        Ok(Sweep {
            name: raw.name.clone().unwrap_or_else(|| "sweep".into()),
            seed: seed as u64,
            replicates: replicates as u64,
            days,
            kind,
            keys,
            policies,
            points,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn with_matrix(
        raw: &RawSweep,
        inp: &Inputs,
        seed: u64,
        replicates: u64,
        days: Option<u32>,
        resolved: &toml::Table,
        mname: &str,
        mtext: &str,
    ) -> Result<Sweep, ScenarioError> {
        let at = |line: usize| Location { file: mname.to_string(), line, column: 1 };
        let mut lines = mtext.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err(ScenarioError::Invalid {
                at: at(1),
                key: "header".into(),
                message: "the sample matrix is empty: allowed a header of parameter keys, then one row of numbers per design point".into(),
            });
        };
        let keys: Vec<String> = header.split(',').map(|k| k.trim().trim_matches('"').to_string()).collect();
        for (c, k) in keys.iter().enumerate() {
            if !numeric_at(resolved, k) {
                return Err(ScenarioError::Invalid {
                    at: Location { file: mname.into(), line: 1, column: c + 1 },
                    key: format!("column {}", c + 1),
                    message: format!("\"{k}\" is not a numeric parameter of the scenario: allowed the keys `resist params` lists"),
                });
            }
        }
        let mut values = Vec::new();
        for (ln, line) in lines {
            let row: Vec<&str> = line.split(',').map(str::trim).collect();
            if row.len() != keys.len() {
                return Err(ScenarioError::Invalid {
                    at: at(ln + 1),
                    key: "row".into(),
                    message: format!("{} values for {} columns: allowed exactly one value per column", row.len(), keys.len()),
                });
            }
            let mut v = Vec::with_capacity(row.len());
            for (c, x) in row.iter().enumerate() {
                match x.parse::<f64>() {
                    Ok(f) if f.is_finite() => v.push(f),
                    _ => {
                        return Err(ScenarioError::Invalid {
                            at: Location { file: mname.into(), line: ln + 1, column: c + 1 },
                            key: keys[c].clone(),
                            message: format!("\"{x}\" is not a number: allowed finite numbers"),
                        });
                    }
                }
            }
            values.push(v);
        }
        let policies = policies(inp);
        let points = (0..policies.len()).flat_map(|p| values.iter().map(move |v| (p, v.clone()))).collect();
        Ok(Sweep { name: raw.name.clone().unwrap_or_else(|| "sweep".into()), seed, replicates, days, kind: Kind::Matrix, keys, policies, points })
    }

    pub fn runs(&self) -> u64 {
        self.points.len() as u64 * self.replicates
    }

    /// The run id, its point and replicate, and its seed.
    pub fn run(&self, point: usize, replicate: u64) -> (u64, u64) {
        (point as u64 * self.replicates + replicate, derive_seed(self.seed, point as u64, replicate))
    }

    /// The scenario of a design point: its policy with the point's values set.
    pub fn scenario(&self, point: usize) -> Result<Scenario, ScenarioError> {
        let (policy, values) = &self.points[point];
        let mut table: toml::Table = toml::from_str(&self.policies[*policy].resolved).expect("a resolved scenario parses");
        for (key, v) in self.keys.iter().zip(values) {
            set_numeric(&mut table, key, *v);
        }
        let text = toml::to_string(&table).expect("a table serialises");
        Scenario::from_text(&format!("design point {point}"), &text)
    }

    /// A stable name for the whole sweep: changes whenever any run would.
    pub fn hash(&self) -> String {
        let mut h = blake3::Hasher::new();
        h.update(format!("{}|{}|{:?}|{:?}|{:?}\n", self.seed, self.replicates, self.days, self.kind, self.keys).as_bytes());
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

fn policies(inp: &Inputs) -> Vec<Policy> {
    if inp.policies.is_empty() {
        vec![Policy { name: "base".into(), resolved: inp.base.resolved.clone() }]
    } else {
        inp.policies.iter().map(|(n, s)| Policy { name: n.clone(), resolved: s.resolved.clone() }).collect()
    }
}

fn numeric_at(t: &toml::Table, key: &str) -> bool {
    let mut cur = t;
    let segs: Vec<&str> = key.split('.').collect();
    for (k, seg) in segs.iter().enumerate() {
        match cur.get(*seg) {
            Some(toml::Value::Table(next)) if k + 1 < segs.len() => cur = next,
            Some(toml::Value::Float(_)) | Some(toml::Value::Integer(_)) if k + 1 == segs.len() => return true,
            _ => return false,
        }
    }
    false
}

/// Set a numeric key (integers stay integers, rounded).
fn set_numeric(t: &mut toml::Table, key: &str, v: f64) {
    let segs: Vec<&str> = key.split('.').collect();
    let mut cur = t;
    for seg in &segs[..segs.len() - 1] {
        cur = match cur.get_mut(*seg) {
            Some(toml::Value::Table(next)) => next,
            _ => return,
        };
    }
    let last = segs[segs.len() - 1];
    let value = match cur.get(last) {
        Some(toml::Value::Integer(_)) => toml::Value::Integer(v.round() as i64),
        _ => toml::Value::Float(v),
    };
    cur.insert(last.to_string(), value);
}
