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
    /// The `--set KEY=VALUE` arguments the run was given, in order (their
    /// values are in `scenario` too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    /// The posterior the replicates drew their parameters from (`--posterior`);
    /// `scenario` is then the first replicate's, particle included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
pub struct Files {
    #[serde(rename = "timeseries.csv")]
    pub timeseries: String,
    #[serde(rename = "events.csv")]
    pub events: String,
    #[serde(rename = "summary.json")]
    pub summary: String,
    /// A region's run (a scenario with `[region]`) writes places.csv too.
    #[serde(rename = "places.csv", default, skip_serializing_if = "Option::is_none")]
    pub places: Option<String>,
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
            files: Files { timeseries: h(&r.timeseries), events: h(&r.events), summary: h(&r.summary), places: r.places.as_deref().map(h) },
            fingerprint: r.fingerprint.clone(),
            scenario: s.resolved.clone(),
            replicates: None,
            set: Vec::new(),
            posterior: None,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a manifest is plain data");
        s.push('\n');
        s
    }
}

/// `resist replay FILE`: a run's manifest, or a sweep's (then `sample` of its runs).
pub fn replay_any(path: &Path, sample: u64) -> Result<u8, Failure> {
    // A run's or a sweep's output directory stands for the manifest in it.
    let inside = path.join("manifest.json");
    let path = if path.is_dir() && inside.is_file() { inside.as_path() } else { path };
    let text = super::input::read_large(path).with_context(|| format!("{}: cannot read the manifest", path.display())).map_err(bad_input)?;
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| format!("{}: not a resist manifest", path.display())).map_err(bad_input)?;
    if value.get("sweep_hash").is_some() {
        return super::replay_sweep::replay_sweep(path, &value, sample);
    }
    replay(path)
}

/// `resist replay`: rerun from the manifest alone and compare fingerprints,
/// and check the run's files against the manifest's blake3: the replay's own
/// files always, and the files beside the manifest when they are there.
/// Exit 0 when all match, 1 when any differs (each named), 2 for a manifest
/// that is not one or whose scenario does not match its scenario hash.
pub fn replay(path: &Path) -> Result<u8, Failure> {
    let text = super::input::read_large(path).with_context(|| format!("{}: cannot read the manifest", path.display())).map_err(bad_input)?;
    let m: Manifest = serde_json::from_str(&text).with_context(|| format!("{}: not a resist manifest", path.display())).map_err(bad_input)?;
    // A manifest is data from disk: its days are checked as `--days` is.
    if !(1..=resist::scenario::MAX_DAYS).contains(&m.days) {
        return Err(bad_input(anyhow::anyhow!("{}: `days`: {} is out of range: allowed 1 to {}", path.display(), m.days, resist::scenario::MAX_DAYS)));
    }
    let name = format!("{} (scenario)", path.display());
    let scenario = Scenario::from_text(&name, &m.scenario).map_err(|e| bad_input(e.into()))?;
    let version = if m.resist_version != env!("CARGO_PKG_VERSION") {
        format!(" (the run was made by resist {}, this is {})", m.resist_version, env!("CARGO_PKG_VERSION"))
    } else {
        String::new()
    };
    // The hash is of the scenario as the run resolved it: a manifest whose
    // scenario was edited afterwards is refused.
    let recorded = blake3::hash(m.scenario.as_bytes()).to_hex()[..16].to_string();
    if recorded != m.scenario_hash {
        return Err(bad_input(anyhow::anyhow!(
            "{}: scenario_hash: the manifest says {}, but its scenario hashes to {recorded}: the manifest was changed, or is not this run's",
            path.display(),
            m.scenario_hash,
        )));
    }
    if !version.is_empty() {
        eprintln!("warning:{version}");
    }
    // A later resist may resolve the same scenario with parameters the run's
    // resist did not have (at their defaults): say so; the fingerprint tells
    // whether the results still agree.
    if scenario.hash() != m.scenario_hash {
        eprintln!(
            "note: this resist resolves the manifest's scenario to {} (parameters added since the run, at their defaults); the files below tell whether the run is reproduced",
            scenario.hash()
        );
    }
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut listed = vec![("timeseries.csv", &m.files.timeseries), ("events.csv", &m.files.events), ("summary.json", &m.files.summary)];
    if let Some(places) = &m.files.places {
        listed.push(("places.csv", places));
    }
    let mut differ = Vec::new();
    for &(file, expected) in &listed {
        let on_disk = dir.join(file);
        match std::fs::read(&on_disk) {
            Ok(bytes) if blake3::hash(&bytes).to_hex().as_str() == expected.as_str() => {}
            Ok(_) => differ.push(format!("{}: does not match its blake3 in the manifest (files.\"{file}\")", on_disk.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => eprintln!("note: {}: not beside the manifest; not checked", on_disk.display()),
            Err(e) => differ.push(format!("{}: cannot read it: {e}", on_disk.display())),
        }
    }
    let out = resist::sim::run_any(&scenario, RunKey::new(m.seed, m.replicate), m.days);
    let r = Rendered::of_outcome(&scenario, &out);
    for ((file, expected), produced) in listed.iter().zip([Some(&r.timeseries), Some(&r.events), Some(&r.summary), r.places.as_ref()]) {
        match produced {
            Some(p) if blake3::hash(p.as_bytes()).to_hex().as_str() == expected.as_str() => {}
            Some(_) => differ.push(format!("{}: files.\"{file}\": the replay's {file} does not match its blake3 in the manifest", path.display())),
            None => differ.push(format!("{}: files.\"{file}\": the replay writes no {file} (its scenario has no `[region]`)", path.display())),
        }
    }
    // A region's replay writes places.csv, which a manifest without it cannot vouch for.
    if r.places.is_some() && m.files.places.is_none() {
        differ.push(format!("{}: the replay writes places.csv, but the manifest lists no files.\"places.csv\"", path.display()));
    }
    if r.fingerprint != m.fingerprint {
        differ.push(format!("fingerprint differs: the manifest has {}, the replay gives {}", m.fingerprint, r.fingerprint));
    }
    if differ.is_empty() {
        println!("fingerprint matches: {}", r.fingerprint);
        println!("files match: {}", listed.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(", "));
        Ok(EXIT_OK)
    } else {
        for d in &differ {
            println!("{d}");
        }
        Ok(EXIT_MISMATCH)
    }
}
