//! `resist check FILE`: validate a scenario and print it resolved, or
//! validate a sweep, list its design, and build every design point's
//! scenario as a run would, listing the points that would fail (exit 2 if
//! any), so that a sweep is not started to find out.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::anyhow;
use resist::scenario::{Model, Scenario, ScenarioError};
use resist::sweep::Sweep;

use super::cli::{EXIT_OK, Failure, bad_input, out};

/// How many failing points `check` names; the rest are counted.
const SHOWN_FAILURES: usize = 20;

pub fn check(file: &Path, sets: &[String]) -> Result<u8, Failure> {
    let text =
        super::files::read_text(file).map_err(|cause| bad_input(ScenarioError::Read { path: file.to_path_buf(), what: "file to check", cause }.into()))?;
    if super::sweep::is_sweep(&text) {
        let (sweep, _) = super::sweep::load_with(file, sets)?;
        return check_sweep(file, &sweep);
    }
    let s = super::files::load_scenario_with(file, sets)?;
    out(&used_sections(&s))?;
    eprintln!("{}: valid (scenario hash {})", file.display(), s.hash());
    Ok(EXIT_OK)
}

/// The resolved scenario with only the sections its model uses: no
/// `[epstein]` for the main model, and for Epstein's model only the keys
/// common to both and `[epstein]`. What is left out is at its defaults and
/// unused, so the text is still a valid scenario that runs the same.
fn used_sections(s: &Scenario) -> String {
    let mut table: toml::Table = toml::from_str(&s.resolved).expect("a resolved scenario parses");
    match s.model {
        Model::Resist => {
            table.remove("epstein");
        }
        Model::Epstein => table.retain(|k, _| matches!(k, "name" | "description" | "model" | "seed" | "days" | "epstein")),
    }
    toml::to_string_pretty(&table).expect("a table of plain values always serialises")
}

fn check_sweep(file: &Path, sweep: &Sweep) -> Result<u8, Failure> {
    let mut text = format!(
        "sweep \"{}\": {} design points x {} replicates = {} runs (seed {}, {} seeding, hash {})\n",
        sweep.name,
        sweep.points.len(),
        sweep.replicates,
        sweep.runs(),
        sweep.seed,
        sweep.seeding.name(),
        sweep.hash()
    );
    let _ = writeln!(text, "policies: {}", sweep.policies.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "));
    let _ = writeln!(text, "parameters: {}", sweep.keys.join(", "));
    for (p, (policy, _)) in sweep.points.iter().enumerate().take(20) {
        let set: Vec<String> = sweep.keys.iter().zip(sweep.shown_values(p)).map(|(k, v)| format!("{k} = {v}")).collect();
        let _ = writeln!(text, "  point {p}: {} [{}]", sweep.policies[*policy].name, set.join(", "));
    }
    if sweep.points.len() > 20 {
        let _ = writeln!(text, "  ... {} more", sweep.points.len() - 20);
    }
    out(&text)?;
    let (failed, first) = sweep.failing_points(SHOWN_FAILURES);
    if failed == 0 {
        eprintln!("{}: valid: every one of {} design points builds its scenario", file.display(), sweep.points.len());
        return Ok(EXIT_OK);
    }
    for (p, e) in &first {
        eprintln!("{}: {}", file.display(), describe(sweep, *p, e));
    }
    if failed > first.len() {
        eprintln!("{}: ... and {} more failing points", file.display(), failed - first.len());
    }
    Err(bad_input(anyhow!(
        "{}: {failed} of {} design points fail (listed above): their runs would only record the error; change the values or the scenario",
        file.display(),
        sweep.points.len()
    )))
}

/// A failing point in the sweep's terms: its number, policy and values, and
/// the key and reason the scenario gives (its location would be in the
/// point's generated scenario, which no file holds).
fn describe(sweep: &Sweep, p: usize, e: &ScenarioError) -> String {
    let policy = &sweep.points[p].0;
    let set: Vec<String> = sweep.keys.iter().zip(sweep.shown_values(p)).map(|(k, v)| format!("{k} = {v}")).collect();
    let why = match e {
        ScenarioError::Invalid { key, message, .. } => format!("`{key}`: {message}"),
        e => e.to_string(),
    };
    let policy = &sweep.policies[*policy].name;
    if set.is_empty() { format!("point {p} (policy {policy}): {why}") } else { format!("point {p} (policy {policy}, {}): {why}", set.join(", ")) }
}
