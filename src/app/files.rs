//! The file system side: reading scenario files for the core, and output
//! directories that appear whole or not at all. Files are written into a
//! hidden staging directory beside the target and renamed into place at the
//! end, so an interrupted or failed run leaves no half-written file under a
//! final name, and an existing directory is replaced only with `--force`.
//! Every file read is remembered as an input, so that no output replaces one.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

use super::cli::{Failure, bad_input, io_failure};
use super::guard::{Lock, parent_and_name, remove_any};
use resist::scenario::{Scenario, ScenarioError};

/// The files this command has read (scenarios, their bases, sweep files).
static INPUTS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Note that `path` was read: an output may never be one of the inputs.
pub fn remember(path: &Path) {
    INPUTS.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_path_buf());
}

/// Read scenario files from disk for the core (regular files, bounded: src/app/input.rs).
pub fn read_text(path: &Path) -> std::io::Result<String> {
    remember(path);
    super::input::read_toml(path)
}

/// The files read so far: the inputs an output may not be.
pub fn inputs_read() -> Vec<PathBuf> {
    INPUTS.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Load a scenario file (and its bases), mapping errors to exit code 2.
pub fn load_scenario(path: &Path) -> Result<Scenario, Failure> {
    load_scenario_with(path, &[])
}

/// The layers of `--set KEY=VALUE` arguments, the last given on top (it wins).
pub fn set_layers(sets: &[String]) -> Result<Vec<resist::scenario::Layer>, Failure> {
    sets.iter().rev().map(|a| resist::scenario::Layer::set(a).map_err(|e| bad_input(anyhow::Error::new(e)))).collect()
}

/// [`load_scenario`] with `--set KEY=VALUE` overrides.
pub fn load_scenario_with(path: &Path, sets: &[String]) -> Result<Scenario, Failure> {
    let layers = set_layers(sets)?;
    Scenario::load_with(path, &read_text, &layers).map_err(|e: ScenarioError| bad_input(anyhow::Error::new(e)))
}

/// An output directory being written, under its lock.
pub struct Staged {
    target: PathBuf,
    staging: PathBuf,
    /// Where the replaced directory (or file) waits while the new one moves in.
    old: PathBuf,
    committed: bool,
    _lock: Lock,
}

impl Staged {
    /// Take the lock of `target`, check that it may be written (it does not
    /// exist, or `force`), clear what a killed writer left beside it, and
    /// create the staging directory.
    pub fn begin(target: &Path, force: bool) -> Result<Staged, Failure> {
        let lock = Lock::acquire(target)?;
        if fs::symlink_metadata(target).is_ok() && !force {
            return Err(bad_input(anyhow::anyhow!(
                "{}: the output directory already exists; pass --force to replace it, or choose another with --out",
                target.display()
            )));
        }
        let (parent, name) = parent_and_name(target)?;
        // Under the lock no other writer of `target` is at work: any staging
        // or set-aside directory of it is a killed writer's, and goes.
        let partial = format!(".{name}.partial-");
        let old = parent.join(format!(".{name}.old"));
        for e in fs::read_dir(&parent).with_context(|| format!("cannot list {}", parent.display())).map_err(io_failure)?.flatten() {
            let n = e.file_name();
            if n.to_str().is_some_and(|n| n.starts_with(&partial) || n == format!(".{name}.old")) {
                remove_any(&e.path()).with_context(|| format!("cannot remove the stale {}", e.path().display())).map_err(io_failure)?;
            }
        }
        let staging = parent.join(format!("{partial}{}", std::process::id()));
        fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display())).map_err(io_failure)?;
        Ok(Staged { target: target.to_path_buf(), staging, old, committed: false, _lock: lock })
    }

    /// The staging directory.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// The path `name` will have in the staging directory (for files written as streams).
    pub fn path(&self, name: &str) -> PathBuf {
        self.staging.join(name)
    }

    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Failure> {
        let path = self.staging.join(name);
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display())).map_err(io_failure)
    }

    /// Move the finished directory into place, replacing an old one.
    /// The old one (a directory or a file) is moved aside first and removed
    /// after; if the new one cannot move in, the old one is put back.
    pub fn commit(mut self) -> Result<PathBuf, Failure> {
        let old = &self.old;
        remove_any(old).with_context(|| format!("cannot remove the stale {}", old.display())).map_err(io_failure)?;
        let replacing = fs::symlink_metadata(&self.target).is_ok();
        if replacing {
            fs::rename(&self.target, old).with_context(|| format!("cannot move the old {} aside", self.target.display())).map_err(io_failure)?;
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            if replacing {
                fs::rename(old, &self.target).ok();
            }
            return Err(io_failure(anyhow::Error::new(e).context(format!("cannot move the results into {}", self.target.display()))));
        }
        self.committed = true;
        remove_any(old).with_context(|| format!("cannot remove the replaced {}", old.display())).map_err(io_failure)?;
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
    let written = fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()));
    let renamed = written.and_then(|_| fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display())));
    if renamed.is_err() {
        // A full disk or a failed rename leaves no temporary behind.
        fs::remove_file(&tmp).ok();
    }
    renamed.map_err(io_failure)
}

/// A file written as a stream: into a temporary beside its final name (named
/// as [`write_atomic`]'s), hashed (blake3) as the bytes go by so that it is
/// never read back whole, and renamed into place by [`StreamedFile::finish`].
/// Dropped unfinished (an error, Ctrl-C), it removes its temporary.
pub struct StreamedFile {
    path: PathBuf,
    tmp: PathBuf,
    out: Option<std::io::BufWriter<fs::File>>,
    hasher: blake3::Hasher,
}

impl StreamedFile {
    pub fn create(path: &Path) -> Result<StreamedFile, Failure> {
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let file = fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display())).map_err(io_failure)?;
        super::cli::forced_exit().remove(&tmp);
        Ok(StreamedFile { path: path.to_path_buf(), tmp, out: Some(std::io::BufWriter::new(file)), hasher: blake3::Hasher::new() })
    }

    /// Flush, and move the file into place; returns its path and its blake3 (hex).
    pub fn finish(mut self) -> Result<(PathBuf, String), Failure> {
        let out = self.out.take().expect("finished once");
        let mut forced = super::cli::forced_exit();
        forced.keep(&self.tmp);
        let cannot = |e: std::io::Error| io_failure(anyhow::Error::new(e).context(format!("cannot write {}", self.tmp.display())));
        out.into_inner().map_err(|e| cannot(e.into_error()))?;
        if let Err(e) = fs::rename(&self.tmp, &self.path) {
            fs::remove_file(&self.tmp).ok();
            return Err(io_failure(anyhow::Error::new(e).context(format!("cannot replace {}", self.path.display()))));
        }
        Ok((self.path.clone(), self.hasher.finalize().to_hex().to_string()))
    }
}

impl std::io::Write for StreamedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.as_mut().expect("not finished").write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.as_mut().expect("not finished").flush()
    }
}

impl Drop for StreamedFile {
    fn drop(&mut self) {
        if self.out.take().is_some() {
            fs::remove_file(&self.tmp).ok();
            super::cli::forced_exit().keep(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_atomic_write_leaves_no_temporary() {
        let t = tempfile::tempdir().unwrap();
        // A non-empty directory cannot be replaced by a file: the rename fails.
        let target = t.path().join("x.csv");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("keep"), "mine").unwrap();
        let e = write_atomic(&target, b"new").expect_err("the write fails");
        assert_eq!(e.code, 3);
        assert!(format!("{:#}", e.error).contains("x.csv"), "{:#}", e.error);
        let mut left: Vec<String> = fs::read_dir(t.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, vec!["x.csv"]);
    }
}
