//! `resist seeds`: check every reproducibility fixture in seeds/, or refresh
//! their fingerprints when the model changes on purpose (say why in the commit).
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use anyhow::Context;
use resist::fixture::Fixture;
use resist::render::Rendered;
use resist::rng::RunKey;

use super::cli::{EXIT_MISMATCH, EXIT_OK, Failure, bad_input, io_failure};
use super::files::{load_scenario, write_atomic};

pub fn seeds(dir: &Path, refresh: bool) -> Result<u8, Failure> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("{}: cannot list the fixtures", dir.display()))
        .map_err(bad_input)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut differ = 0;
    for path in &paths {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display())).map_err(io_failure)?;
        let fx = Fixture::parse(&path.display().to_string(), &text).map_err(|e| bad_input(e.into()))?;
        let scenario = load_scenario(&path.parent().unwrap_or(Path::new(".")).join(&fx.scenario))?;
        let out = resist::sim::run_any(&scenario, RunKey::new(fx.seed, fx.replicate), fx.days);
        let got = Rendered::of_outcome(&scenario, &out).fingerprint;
        if got == fx.fingerprint {
            crate::outln!("ok       {}", path.display())?;
        } else if refresh {
            write_atomic(path, Fixture::with_fingerprint(&text, &got).as_bytes())?;
            crate::outln!("updated  {}", path.display())?;
        } else {
            crate::outln!("DIFFERS  {} (expected {}, got {got})", path.display(), fx.fingerprint)?;
            differ += 1;
        }
    }
    Ok(if differ == 0 { EXIT_OK } else { EXIT_MISMATCH })
}
