//! The file system side: reading scenario files for the core, and output
//! directories that appear whole or not at all. Files are written into a
//! hidden staging directory beside the target and renamed into place at the
//! end, so an interrupted or failed run leaves no half-written file under a
//! final name, and an existing directory is replaced only with `--force`.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::cli::{Failure, bad_input, io_failure};
use resist::scenario::{Scenario, ScenarioError};

/// Read scenario files from disk for the core (regular files, bounded: src/app/input.rs).
pub fn read_text(path: &Path) -> std::io::Result<String> {
    super::input::read_toml(path)
}

/// Load a scenario file (and its bases), mapping errors to exit code 2.
pub fn load_scenario(path: &Path) -> Result<Scenario, Failure> {
    Scenario::load(path, &read_text).map_err(|e: ScenarioError| bad_input(anyhow::Error::new(e)))
}

/// An output directory being written.
pub struct Staged {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl Staged {
    /// Check that `target` may be written (it does not exist, or `force`), and
    /// create the staging directory beside it.
    pub fn begin(target: &Path, force: bool) -> Result<Staged, Failure> {
        if target.exists() && !force {
            return Err(bad_input(anyhow::anyhow!(
                "{}: the output directory already exists; pass --force to replace it, or choose another with --out",
                target.display()
            )));
        }
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| bad_input(anyhow::anyhow!("{}: not a usable output directory name", target.display())))?;
        let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display())).map_err(io_failure)?;
        let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).ok();
        }
        fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display())).map_err(io_failure)?;
        Ok(Staged { target: target.to_path_buf(), staging, committed: false })
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Failure> {
        let path = self.staging.join(name);
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display())).map_err(io_failure)
    }

    /// Move the finished directory into place, replacing an old one.
    pub fn commit(mut self) -> Result<PathBuf, Failure> {
        let old = self.staging.with_extension("old");
        if self.target.exists() {
            fs::rename(&self.target, &old).with_context(|| format!("cannot move the old {} aside", self.target.display())).map_err(io_failure)?;
        }
        fs::rename(&self.staging, &self.target).with_context(|| format!("cannot move the results into {}", self.target.display())).map_err(io_failure)?;
        self.committed = true;
        if old.exists() {
            fs::remove_dir_all(&old).ok();
        }
        Ok(self.target.clone())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            fs::remove_dir_all(&self.staging).ok();
        }
    }
}

/// Write a single file atomically (a temporary file beside it, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display())).map_err(io_failure)?;
    fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display())).map_err(io_failure)
}
