//! `resist run`: one scenario, one seed, outputs written whole into a directory.
#![allow(clippy::disallowed_methods)] // wall time for the manifest

use std::path::{Path, PathBuf};
use std::time::Instant;

use resist::render::Rendered;
use resist::rng::RunKey;
use resist::scenario::Model;
use resist::sim::Simulation;

use super::cli::{EXIT_OK, Failure, interrupted, was_interrupted};
use super::files::{Staged, load_scenario};
use super::manifest::Manifest;

pub fn run(scenario_path: &Path, seed: Option<u64>, replicate: u64, days: Option<u32>, out: Option<PathBuf>, force: bool) -> Result<u8, Failure> {
    let scenario = load_scenario(scenario_path)?;
    let seed = seed.unwrap_or(scenario.seed);
    let days = days.unwrap_or(scenario.days);
    if days == 0 {
        return Err(super::cli::bad_input(anyhow::anyhow!("--days: 0 is out of range: allowed 1 to 100000")));
    }
    let out = out.unwrap_or_else(|| {
        let stem = scenario_path.file_stem().and_then(|s| s.to_str()).unwrap_or("run");
        PathBuf::from("out").join(format!("{stem}-seed{seed}"))
    });
    let staged = Staged::begin(&out, force)?;
    let started = Instant::now();
    let key = RunKey::new(seed, replicate);
    // Step the model so that Ctrl-C stops between days (or steps).
    let (rendered, size) = match scenario.model {
        Model::Resist => {
            let mut sim = Simulation::new(&scenario, key, days);
            while !sim.done() {
                if was_interrupted() {
                    return Err(interrupted());
                }
                sim.step();
            }
            let output = sim.finish();
            let people = output.summary.people_start;
            (Rendered::of(&scenario, &output), format!("{people} people"))
        }
        Model::Epstein => {
            let mut m = resist::epstein::Model::new(&scenario.epstein, key);
            for _ in 0..days {
                if was_interrupted() {
                    return Err(interrupted());
                }
                m.step();
            }
            let agents = m.agents();
            (Rendered::of_outcome(&scenario, &resist::sim::Outcome::Epstein(m.finish())), format!("{agents} agents"))
        }
    };
    let wall = started.elapsed().as_secs_f64();
    let manifest = Manifest::new(&scenario, scenario_path, seed, replicate, days, &rendered, wall);
    staged.write("timeseries.csv", rendered.timeseries.as_bytes())?;
    staged.write("events.csv", rendered.events.as_bytes())?;
    staged.write("summary.json", rendered.summary.as_bytes())?;
    staged.write("manifest.json", manifest.to_json().as_bytes())?;
    if was_interrupted() {
        return Err(interrupted());
    }
    let dir = staged.commit()?;
    eprintln!(
        "{}: {} days of {size} (seed {seed}, replicate {replicate}) in {wall:.2} s\nwrote {}/{{timeseries.csv, events.csv, summary.json, manifest.json}}\nfingerprint {}",
        scenario.name,
        days,
        dir.display(),
        rendered.fingerprint
    );
    Ok(EXIT_OK)
}
