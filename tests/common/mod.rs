//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use resist::scenario::Scenario;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Load a scenario file from disk (relative to the repository root).
pub fn scenario(path: &str) -> Scenario {
    Scenario::load(&root().join(path), &|p: &Path| std::fs::read_to_string(p))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A scenario from TOML text.
pub fn scenario_text(text: &str) -> Scenario {
    Scenario::from_text("test.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

/// Run the `resist` binary in `dir` with extra environment variables.
pub fn resist(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_resist"));
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the resist binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Names of the entries of a directory, sorted (hidden ones included).
pub fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}
