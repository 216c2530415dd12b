//! Factions as strategy profiles, not hard-coded names (MODEL.md, "Faction").
//! A scenario declares any number under `[factions.<name>]`; they are ordered
//! by name, and each person holds a grievance toward each.

use crate::scenario::{Check, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub label: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The key under `[factions]`: short, used in column names.
    pub name: String,
    pub label: String,
}

impl Params {
    pub fn resolve(name: &str, raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let label = c.text(
            "label",
            raw.label.as_deref(),
            name,
            "A readable name for charts and reports.",
        );
        Ok(Params {
            name: name.to_string(),
            label,
        })
    }
}

/// Faction names become column names: keep them to letters, digits and `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        && name.starts_with(|ch: char| ch.is_ascii_lowercase())
}
