//! Reproducibility fixtures (seeds/*.toml): a scenario, a seed, a number of
//! days and the fingerprint that run must give. `cargo test` checks each one;
//! `resist seeds refresh` rewrites the fingerprints when the model changes on
//! purpose.

use crate::scenario::{ScenarioError, locate_offset};

#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    /// The scenario file, relative to the fixture file.
    pub scenario: String,
    pub seed: u64,
    #[serde(default)]
    pub replicate: u64,
    pub days: u32,
    pub fingerprint: String,
}

impl Fixture {
    pub fn parse(name: &str, text: &str) -> Result<Fixture, ScenarioError> {
        toml::from_str(text).map_err(|e| ScenarioError::Syntax {
            at: locate_offset(name, text, e.span().map(|s| s.start).unwrap_or(0)),
            message: e.message().lines().next().unwrap_or("").to_string(),
        })
    }

    /// The fixture's text with a new fingerprint, keeping everything else.
    pub fn with_fingerprint(text: &str, fingerprint: &str) -> String {
        let mut out = String::new();
        for line in text.lines() {
            if line.trim_start().starts_with("fingerprint") {
                out.push_str(&format!("fingerprint = \"{fingerprint}\""));
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        out
    }
}
