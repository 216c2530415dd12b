//! The README's "Analysing results" snippets, run against a real sweep's
//! output: docs/examples/analyse.py (pandas) and docs/examples/analyse.R.
//! Off CI a missing interpreter skips its half; on CI (the `CI` variable set)
//! it fails: .ci/run installs Debian's python3-pandas and r-base-core.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// The first of `candidates` for which `probe` succeeds.
fn interpreter(candidates: &[&str], probe: &[&str]) -> Option<String> {
    candidates.iter().find(|c| Command::new(c).args(probe).output().is_ok_and(|o| o.status.success())).map(|c| c.to_string())
}

fn run_example(dir: &Path, program: &str, script: &str) -> String {
    let o = Command::new(program).current_dir(dir).arg(root().join("docs/examples").join(script)).arg("sweep").output().expect("the interpreter runs");
    let (out, err) = (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned());
    assert!(o.status.success(), "{script} failed:\n{out}\n{err}");
    out
}

fn missing(what: &str) {
    assert!(std::env::var_os("CI").is_none(), "CI needs {what} for this test: .ci/run installs it from Debian");
    eprintln!("SKIPPED: no {what} on this machine (apt-get install python3-pandas r-base-core)");
}

#[test]
fn the_readme_analysis_snippets_run_on_a_real_sweep() {
    let t = tempfile::tempdir().unwrap();
    let grid = root().join("tests/data/sweep/grid.toml").display().to_string();
    let o = resist(t.path(), &["sweep", &grid, "--out", "sweep", "--quiet"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    match interpreter(&["python3", "/usr/bin/python3"], &["-c", "import pandas"]) {
        Some(python) => {
            let out = run_example(t.path(), &python, "analyse.py");
            // The grid's 24 points, its swept keys, and the daily series.
            assert!(out.contains("amnesty.credibility") && out.contains("factions.isis.coercion.acts_per_week"), "{out}");
            assert!(out.contains("sem") && out.contains("day"), "{out}");
        }
        None => missing("python3 with pandas"),
    }
    match interpreter(&["Rscript", "/usr/bin/Rscript"], &["--version"]) {
        Some(r) => {
            let out = run_example(t.path(), &r, "analyse.R");
            assert!(out.contains("amnesty.credibility") && out.contains("difference") && out.contains("q95"), "{out}");
        }
        None => missing("R (Rscript)"),
    }
}

#[test]
fn every_line_the_readme_quotes_from_the_examples_is_in_them() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme.split("## Analysing results").nth(1).expect("a section \"Analysing results\"").split("\n## ").next().unwrap();
    let examples = ["analyse.py", "analyse.R"].map(|f| std::fs::read_to_string(root().join("docs/examples").join(f)).unwrap()).join("\n");
    let quoted: Vec<&str> = section.lines().filter_map(|l| l.strip_prefix("    ")).collect();
    assert!(quoted.len() >= 10, "the section quotes the examples");
    for line in quoted {
        assert!(examples.lines().any(|e| e.trim() == line.trim()), "README quotes a line that is in neither example: {line}");
    }
}
