//! What keeps outputs safe besides atomic writes: one writer per output
//! directory (a lock file beside it), and no output that is one of the
//! command's inputs (an output replaced with `--force` would destroy it).
#![allow(clippy::disallowed_methods)]

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, anyhow};

use super::cli::{Failure, bad_input, io_failure};

/// The parent directory and the file name of an output directory.
pub fn parent_and_name(target: &Path) -> Result<(PathBuf, String), Failure> {
    let name = target.file_name().and_then(|n| n.to_str()).ok_or_else(|| bad_input(anyhow!("{}: not a usable output directory name", target.display())))?;
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok((parent.to_path_buf(), name.to_string()))
}

/// An exclusive lock on an output directory: the file `.NAME.lock` beside it,
/// locked with the operating system's advisory lock (flock), which the kernel
/// releases when the process dies, so a crash leaves no lock that blocks.
/// The file holds the holder's process id, for the message the next writer
/// sees, and is removed when the lock is released.
pub struct Lock {
    path: PathBuf,
    file: Option<File>,
}

impl Lock {
    /// Take the lock of `target`, or fail with exit 2 naming the lock file
    /// when another process holds it.
    pub fn acquire(target: &Path) -> Result<Lock, Failure> {
        let (parent, name) = parent_and_name(target)?;
        fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display())).map_err(io_failure)?;
        // Named as the user named the output (no "./" before a bare name).
        let path = target.with_file_name(format!(".{name}.lock"));
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .with_context(|| format!("cannot create the lock file {}", path.display()))
                .map_err(io_failure)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let holder = fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    let who = if holder.is_empty() { String::new() } else { format!(" (process {holder})") };
                    return Err(bad_input(anyhow!(
                        "{}: another resist{who} is writing it (lock {}); wait for it to finish, or choose another --out",
                        target.display(),
                        path.display()
                    )));
                }
                Err(fs::TryLockError::Error(e)) => {
                    // Some shared file systems do not lock; a sweep there still runs.
                    eprintln!("warning: cannot lock {} ({e}); going on without the lock", path.display());
                    return Ok(Lock { path, file: None });
                }
            }
            // The previous holder removes the file before it unlocks: if the
            // path no longer names the file we locked, lock the new one.
            if same_file(&file, &path) {
                let mut f = &file;
                f.set_len(0).and_then(|_| writeln!(f, "{}", std::process::id())).ok();
                // Ctrl-C's exit at once removes it too (we still hold it then).
                super::cli::lock_held(&path, true);
                return Ok(Lock { path, file: Some(file) });
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Remove while still holding the lock, then unlock by closing.
        if let Some(file) = self.file.take() {
            fs::remove_file(&self.path).ok();
            super::cli::lock_held(&self.path, false);
            drop(file);
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

/// An absolute form of `path` with symbolic links resolved, also for a path
/// that does not exist yet (its longest existing prefix is resolved, the rest
/// applied as written).
pub fn canonical(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let parts: Vec<Component> = absolute.components().collect();
    for i in (0..=parts.len()).rev() {
        let prefix: PathBuf = parts[..i].iter().collect();
        if let Ok(mut out) = prefix.canonicalize() {
            for c in &parts[i..] {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::Normal(n) => out.push(n),
                    _ => {}
                }
            }
            return out;
        }
    }
    absolute
}

/// Refuse (exit 2) an output directory that is one of the inputs, holds one,
/// or lies inside one: replacing it would destroy what the command reads.
pub fn refuse_overlap(out: &Path, inputs: &[PathBuf]) -> Result<(), Failure> {
    let o = canonical(out);
    for input in inputs {
        let i = canonical(input);
        let how = if i == o {
            "is the input"
        } else if i.starts_with(&o) {
            "holds the input"
        } else if o.starts_with(&i) {
            "lies inside the input"
        } else {
            continue;
        };
        return Err(bad_input(anyhow!(
            "{}: the output directory {how} {}; an output is never one of the inputs: choose another --out",
            out.display(),
            input.display()
        )));
    }
    Ok(())
}

/// Remove a file, a symbolic link or a directory tree.
pub fn remove_any(path: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Whether a file name is one of this program's temporaries: `NAME.tmp-PID`
/// from an atomic write, or `.NAME.tmp` from a sweep's assembly.
pub fn is_temporary(name: &str) -> bool {
    name.rsplit_once(".tmp-").is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        || (name.starts_with('.') && name.ends_with(".tmp"))
}

/// Remove the temporaries a killed or failed writer left in `dir` (not
/// recursive). Only under the directory's lock: then no writer is at work.
pub fn clear_temporaries(dir: &Path) -> Result<usize, Failure> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(0) };
    let mut cleared = 0;
    for e in entries.flatten() {
        if e.file_name().to_str().is_some_and(is_temporary) {
            remove_any(&e.path()).with_context(|| format!("cannot remove the stale temporary {}", e.path().display())).map_err(io_failure)?;
            cleared += 1;
        }
    }
    Ok(cleared)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_are_told_from_results() {
        for t in ["p000000.agg.tmp-4242", "sweep.tmp-1", ".runs.csv.tmp", ".aggregates.csv.tmp", "run-00000001.tmp-77"] {
            assert!(is_temporary(t), "{t}");
        }
        for f in ["p000000.agg.csv", "runs.csv", "p000000.hash.json", "x.tmp-", "x.tmp-12a", "notes.tmp"] {
            assert!(!is_temporary(f), "{f}");
        }
    }

    #[test]
    fn a_path_that_does_not_exist_yet_is_resolved_through_its_existing_prefix() {
        let t = tempfile::tempdir().unwrap();
        let real = t.path().canonicalize().unwrap();
        assert_eq!(canonical(&t.path().join("new/../a/./b")), real.join("a/b"));
        fs::create_dir(t.path().join("d")).unwrap();
        assert_eq!(canonical(&t.path().join("d/../d")), real.join("d"));
    }

    #[test]
    fn a_held_lock_refuses_a_second_writer_and_is_removed_on_release() {
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("o");
        let Ok(first) = Lock::acquire(&out) else { panic!("the first lock") };
        let Err(second) = Lock::acquire(&out) else { panic!("a second lock is refused") };
        assert_eq!(second.code, 2);
        assert!(format!("{}", second.error).contains(".o.lock"), "{}", second.error);
        drop(first);
        assert!(!t.path().join(".o.lock").exists());
        let again = Lock::acquire(&out).ok();
        assert!(again.is_some());
    }
}
