//! manifest.json: everything needed to reproduce a run (the resolved
//! scenario, seed, replicate, days) and to check it (the fingerprint), with
//! the version, commit and platform that produced it. `resist replay` reruns
//! from it alone.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use anyhow::Context;
use resist::render::Rendered;
use resist::rng::RunKey;
use resist::scenario::Scenario;

use super::cli::{EXIT_MISMATCH, EXIT_OK, Failure, bad_input};

#[derive(serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub resist_version: String,
    pub git_commit: String,
    pub platform: String,
    pub scenario_file: String,
    pub scenario_name: String,
    pub scenario_hash: String,
    pub seed: u64,
    pub replicate: u64,
    pub days: u32,
    pub wall_seconds: f64,
    pub files: Files,
    pub fingerprint: String,
    /// The resolved scenario as TOML (every parameter).
    pub scenario: String,
    /// Replicates in the run's ensemble (ensemble.csv), when more than one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicates: Option<u64>,
}

#[derive(serde::Serialize, serde::Deserialize)]
pub struct Files {
    #[serde(rename = "timeseries.csv")]
    pub timeseries: String,
    #[serde(rename = "events.csv")]
    pub events: String,
    #[serde(rename = "summary.json")]
    pub summary: String,
}

pub fn platform() -> String {
    format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS)
}

impl Manifest {
    pub fn new(s: &Scenario, file: &Path, seed: u64, replicate: u64, days: u32, r: &Rendered, wall_seconds: f64) -> Manifest {
        let h = |t: &str| blake3::hash(t.as_bytes()).to_hex().to_string();
        Manifest {
            resist_version: env!("CARGO_PKG_VERSION").into(),
            git_commit: env!("RESIST_GIT_COMMIT").into(),
            platform: platform(),
            scenario_file: file.display().to_string(),
            scenario_name: s.name.clone(),
            scenario_hash: s.hash(),
            seed,
            replicate,
            days,
            wall_seconds: (wall_seconds * 1000.0).round() / 1000.0,
            files: Files { timeseries: h(&r.timeseries), events: h(&r.events), summary: h(&r.summary) },
            fingerprint: r.fingerprint.clone(),
            scenario: s.resolved.clone(),
            replicates: None,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest is plain data");
        s.push('\n');
        s
    }
}

/// `resist replay`: rerun from the manifest alone and compare fingerprints.
pub fn replay(path: &Path) -> Result<u8, Failure> {
    let text = super::input::read_large(path).with_context(|| format!("{}: cannot read the manifest", path.display())).map_err(bad_input)?;
    let m: Manifest = serde_json::from_str(&text).with_context(|| format!("{}: not a resist manifest", path.display())).map_err(bad_input)?;
    // A manifest is data from disk: its days are checked as `--days` is.
    if !(1..=resist::scenario::MAX_DAYS).contains(&m.days) {
        return Err(bad_input(anyhow::anyhow!("{}: `days`: {} is out of range: allowed 1 to {}", path.display(), m.days, resist::scenario::MAX_DAYS)));
    }
    let name = format!("{} (scenario)", path.display());
    let scenario = Scenario::from_text(&name, &m.scenario).map_err(|e| bad_input(e.into()))?;
    if scenario.hash() != m.scenario_hash {
        eprintln!("warning: the scenario resolves to hash {} here, the manifest says {}", scenario.hash(), m.scenario_hash);
    }
    if m.resist_version != env!("CARGO_PKG_VERSION") {
        eprintln!("warning: the run was made by resist {}, this is {}", m.resist_version, env!("CARGO_PKG_VERSION"));
    }
    let out = resist::sim::run_any(&scenario, RunKey::new(m.seed, m.replicate), m.days);
    let r = Rendered::of_outcome(&scenario, &out);
    if r.fingerprint == m.fingerprint {
        println!("fingerprint matches: {}", r.fingerprint);
        Ok(EXIT_OK)
    } else {
        println!("fingerprint differs: the manifest has {}, the replay gives {}", m.fingerprint, r.fingerprint);
        Ok(EXIT_MISMATCH)
    }
}
