//! Reading a sweep file and the files it names (the base scenario, each
//! policy's scenario, the sample matrix) through the caller's
//! [`ReadSource`]. Every error names the file and line, and the key, that it
//! is about: a file that cannot be read is reported where the sweep file
//! names it, a wrong type in the words of a sweep's author.

use std::path::Path;

use super::{Inputs, RawSweep, Sweep};
use crate::scenario::{Layer, Location, ReadSource, Scenario, ScenarioError, locate_offset};

/// The most policies a sweep may set side by side (each a whole scenario).
pub const MAX_POLICIES: usize = 100;

/// Whether a TOML text is a sweep (rather than a scenario).
pub fn is_sweep(text: &str) -> bool {
    toml::from_str::<toml::Table>(text)
        .is_ok_and(|t| ["replicates", "design", "parameters", "policies"].iter().any(|k| t.contains_key(*k)) || t.get("scenario").is_some_and(|v| v.is_str()))
}

/// Where a key path is set in the sweep file (its start if it is not).
fn at(layer: &Layer, path: &[&str]) -> Location {
    layer.find(path).map(|(l, _)| l).unwrap_or_else(|| locate_offset(&layer.name, &layer.text, 0))
}

/// Read and validate a sweep file and the files it names; the sweep and the
/// sweep file's text.
pub fn load(path: &Path, reader: &dyn ReadSource) -> Result<(Sweep, String), ScenarioError> {
    load_with(path, reader, &[])
}

/// [`load`], with `overrides` (the command line's `--set`) laid over the
/// base scenario and every policy's.
pub fn load_with(path: &Path, reader: &dyn ReadSource, overrides: &[Layer]) -> Result<(Sweep, String), ScenarioError> {
    let name = path.display().to_string();
    let text = reader.read(path).map_err(|cause| ScenarioError::Read { path: path.to_path_buf(), what: "sweep file", cause })?;
    let layer = Layer::parse(&name, text)?;
    let raw: RawSweep = toml::from_str(&layer.text).map_err(|e| layer.type_error(&e))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    // A scenario the sweep names: a read error is reported where it is named.
    let named = |key: &[&str], rel: &str| -> Result<Scenario, ScenarioError> {
        let file = dir.join(rel);
        Scenario::load_with(&file, reader, overrides).map_err(|e| match e {
            ScenarioError::Read { path, cause, .. } if path == file => ScenarioError::Referred { at: at(&layer, key), key: key.join("."), path, cause },
            e => e,
        })
    };
    let Some(base) = raw.scenario.as_deref() else {
        return Err(ScenarioError::Invalid {
            at: locate_offset(&name, &layer.text, 0),
            key: "scenario".into(),
            message: "missing: allowed the path of the base scenario, relative to the sweep file".into(),
        });
    };
    let base = named(&["scenario"], base)?;
    let listed = raw.policies.as_ref().map_or(0, |p| p.len());
    if listed > MAX_POLICIES {
        return Err(ScenarioError::Invalid {
            at: at(&layer, &["policies"]),
            key: "policies".into(),
            message: format!("{listed} policies: allowed at most {MAX_POLICIES}"),
        });
    }
    let mut policies = Vec::with_capacity(listed);
    for (pname, file) in raw.policies.iter().flatten() {
        policies.push((pname.clone(), named(&["policies", pname], file)?));
    }
    // A sample matrix, or a posterior's particles: a data file the design reads.
    let data = raw.design.as_ref().and_then(|d| d.matrix.as_deref().map(|m| ("matrix", m)).or(d.posterior.as_deref().map(|p| ("posterior", p))));
    let matrix = match data {
        Some((field, m)) => {
            let file = dir.join(m);
            let t = reader.read_data(&file).map_err(|cause| ScenarioError::Referred {
                at: at(&layer, &["design", field]),
                key: format!("design.{field}"),
                path: file.clone(),
                cause,
            })?;
            Some((file.display().to_string(), t))
        }
        None => None,
    };
    let inputs = Inputs { sweep_name: &name, text: &layer.text, base: &base, policies, matrix };
    let sweep = Sweep::resolve(&raw, &inputs)?;
    Ok((sweep, layer.text))
}
