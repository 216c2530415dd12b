//! The second stage of configuration: turning the raw mirror of the TOML into
//! typed, validated values. Each parameter is declared once, where it is
//! resolved, with its default, range, unit, meaning and source; the same
//! declarations produce the resolved scenario that `resist check` prints and the
//! scenario reference in docs/, so the documentation cannot drift from the code.

use super::error::{Location, ScenarioError};
use super::source::Sources;

/// A real-valued parameter's declaration.
#[derive(Clone, Copy, Debug)]
pub struct Real {
    pub default: f64,
    pub min: f64,
    pub max: f64,
    pub unit: &'static str,
    pub doc: &'static str,
    pub source: &'static str,
}

impl Real {
    /// A share between 0 and 1; declarations fill in default, meaning and source.
    pub const SHARE: Real = Real { default: 0.0, min: 0.0, max: 1.0, unit: "share", doc: "", source: "assumption" };
}

/// An integer parameter's declaration.
#[derive(Clone, Copy, Debug)]
pub struct Int {
    pub default: i64,
    pub min: i64,
    pub max: i64,
    pub unit: &'static str,
    pub doc: &'static str,
    pub source: &'static str,
}

/// One row of the scenario reference.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDoc {
    pub key: String,
    pub kind: &'static str,
    pub default: String,
    pub allowed: String,
    pub unit: &'static str,
    pub doc: &'static str,
    pub source: &'static str,
    /// The declared bounds of a number (`None` for text, choices and flags):
    /// what a sweep checks each point's value against before anything runs.
    pub range: Option<(f64, f64)>,
}

/// Walks the raw scenario, checking each value and recording the resolved one.
pub struct Check<'a> {
    sources: Option<&'a Sources>,
    path: Vec<String>,
    resolved: toml::Table,
    docs: Vec<ParamDoc>,
    /// Only check values: record neither the resolved scenario nor the
    /// reference (a sweep's check of many design points).
    quiet: bool,
}

impl<'a> Check<'a> {
    pub fn new(sources: Option<&'a Sources>) -> Self {
        Check { sources, path: Vec::new(), resolved: toml::Table::new(), docs: Vec::new(), quiet: false }
    }

    /// A check that only checks values (see `quiet`).
    pub fn quiet() -> Self {
        Check { quiet: true, ..Check::new(None) }
    }

    /// Resolve the parameters of a table `name` inside the current one.
    pub fn section<R>(&mut self, name: &str, f: impl FnOnce(&mut Self) -> Result<R, ScenarioError>) -> Result<R, ScenarioError> {
        self.path.push(name.to_string());
        let r = f(self);
        self.path.pop();
        r
    }

    pub fn key_path(&self, key: &str) -> String {
        let mut p = self.path.clone();
        p.push(key.to_string());
        p.join(".")
    }

    fn location(&self, key: &str) -> Location {
        match self.sources {
            Some(s) => {
                let mut p: Vec<&str> = self.path.iter().map(String::as_str).collect();
                p.push(key);
                s.locate(&p)
            }
            None => Location { file: "<defaults>".into(), line: 1, column: 1 },
        }
    }

    /// An error about `key` in the current table, located where it is set.
    pub fn fail(&self, key: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Invalid { at: self.location(key), key: self.key_path(key), message: message.into() }
    }

    /// An error about `key` in the sub-table `section` of the current one
    /// (a check across tables, made after they were resolved).
    pub fn fail_in(&mut self, section: &str, key: &str, message: impl Into<String>) -> ScenarioError {
        self.path.push(section.to_string());
        let e = self.fail(key, message);
        self.path.pop();
        e
    }

    fn record(&mut self, key: &str, value: toml::Value) {
        if self.quiet {
            return;
        }
        let mut t = &mut self.resolved;
        for seg in &self.path {
            let entry = t.entry(seg.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
            t = match entry {
                toml::Value::Table(t) => t,
                _ => unreachable!("a section path only ever holds tables"),
            };
        }
        t.insert(key.to_string(), value);
    }

    /// Leave a key out of the resolved scenario: one another key decides
    /// (`population.people` of a region that lists its towns), so that the
    /// resolved text reads back as the same scenario.
    pub fn forget(&mut self, section: &str, key: &str) {
        if let Some(toml::Value::Table(t)) = self.resolved.get_mut(section) {
            t.remove(key);
        }
    }

    #[allow(clippy::too_many_arguments)] // one row of the reference, field by field
    fn doc(&mut self, key: &str, kind: &'static str, default: String, allowed: String, unit: &'static str, doc: &'static str, source: &'static str) {
        self.docs.push(ParamDoc { key: self.key_path(key), kind, default, allowed, unit, doc, source, range: None });
    }

    /// Record the declared bounds of the parameter documented last.
    fn bounds(&mut self, min: f64, max: f64) {
        if let Some(d) = self.docs.last_mut() {
            d.range = Some((min, max));
        }
    }

    pub fn real(&mut self, key: &str, raw: Option<f64>, s: Real) -> Result<f64, ScenarioError> {
        if !self.quiet {
            self.doc(key, "real", fmt_real(s.default), format!("{} to {}", fmt_real(s.min), fmt_real(s.max)), s.unit, s.doc, s.source);
            self.bounds(s.min, s.max);
        }
        let v = raw.unwrap_or(s.default);
        if !v.is_finite() || v < s.min || v > s.max {
            let unit = if s.unit.is_empty() { String::new() } else { format!(" ({})", s.unit) };
            return Err(self.fail(key, format!("{} is out of range: allowed {} to {}{unit}", fmt_real(v), fmt_real(s.min), fmt_real(s.max))));
        }
        self.record(key, toml::Value::Float(v));
        Ok(v)
    }

    pub fn int(&mut self, key: &str, raw: Option<i64>, s: Int) -> Result<i64, ScenarioError> {
        if !self.quiet {
            self.doc(key, "integer", s.default.to_string(), format!("{} to {}", s.min, s.max), s.unit, s.doc, s.source);
            self.bounds(s.min as f64, s.max as f64);
        }
        let v = raw.unwrap_or(s.default);
        if v < s.min || v > s.max {
            let unit = if s.unit.is_empty() { String::new() } else { format!(" ({})", s.unit) };
            return Err(self.fail(key, format!("{v} is out of range: allowed {} to {}{unit}", s.min, s.max)));
        }
        self.record(key, toml::Value::Integer(v));
        Ok(v)
    }

    pub fn flag(&mut self, key: &str, raw: Option<bool>, default: bool, doc: &'static str, source: &'static str) -> bool {
        if !self.quiet {
            self.doc(key, "boolean", default.to_string(), "true or false".into(), "", doc, source);
        }
        let v = raw.unwrap_or(default);
        self.record(key, toml::Value::Boolean(v));
        v
    }

    /// A free text value (names, descriptions): recorded, never constrained.
    pub fn text(&mut self, key: &str, raw: Option<&str>, default: &str, doc: &'static str) -> String {
        if !self.quiet {
            self.doc(key, "string", format!("\"{default}\""), "any text".into(), "", doc, "");
        }
        let v = raw.unwrap_or(default).to_string();
        self.record(key, toml::Value::String(v.clone()));
        v
    }

    /// One of a fixed set of named options.
    pub fn choice<T: Copy>(
        &mut self,
        key: &str,
        raw: Option<&str>,
        options: &[(&str, T)],
        default: &str,
        doc: &'static str,
        source: &'static str,
    ) -> Result<T, ScenarioError> {
        let names: Vec<String> = options.iter().map(|(n, _)| format!("\"{n}\"")).collect();
        if !self.quiet {
            self.doc(key, "choice", format!("\"{default}\""), names.join(", "), "", doc, source);
        }
        let v = raw.unwrap_or(default);
        match options.iter().find(|(n, _)| *n == v) {
            Some((n, t)) => {
                self.record(key, toml::Value::String(n.to_string()));
                Ok(*t)
            }
            None => Err(self.fail(key, format!("\"{v}\" is not one of the allowed values: {}", names.join(", ")))),
        }
    }

    /// The resolved scenario as TOML text: every parameter, defaults included.
    pub fn resolved_toml(&self) -> String {
        toml::to_string_pretty(&self.resolved).expect("a table of plain values always serialises")
    }

    pub fn into_docs(self) -> Vec<ParamDoc> {
        self.docs
    }
}

/// Reals print with a decimal point so that they read back as reals.
pub fn fmt_real(v: f64) -> String {
    if v.is_finite() && v == v.trunc() && v.abs() < 1e15 { format!("{v:.1}") } else { format!("{v}") }
}
