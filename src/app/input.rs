//! Reading input files (scenarios, bases, policies, sweep files, sample
//! matrices) with bounds: only regular files, at most [`MAX_INPUT_BYTES`],
//! UTF-8 checked with the line and byte of the first bad byte. A device such
//! as /dev/zero, a pipe or a huge file is refused before it can exhaust memory
//! or block the program.
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::io::{Error, ErrorKind, Read};
use std::path::Path;

/// The largest data file read: a sample matrix of a million points is a few
/// tens of megabytes.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// The largest TOML file read (scenarios and sweeps, a few kilobytes each):
/// parsing holds some fifty times a file's size, so these are bounded tightly.
pub const MAX_TOML_BYTES: u64 = 1 << 20;

/// Read a text file of at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> std::io::Result<String> {
    // Checked before opening: opening a FIFO for reading would block.
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        let what = if meta.is_dir() { "a directory" } else { "not a regular file (a device, a pipe or a socket)" };
        return Err(Error::new(ErrorKind::InvalidInput, format!("{what}: allowed a regular file")));
    }
    let too_big = || Error::new(ErrorKind::InvalidData, format!("larger than {}: allowed files up to that size", size(limit)));
    if meta.len() > limit {
        return Err(too_big());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take` bounds a file that grows while it is read.
    fs::File::open(path)?.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..bad];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
        Error::new(ErrorKind::InvalidData, format!("not UTF-8 text: byte {} (line {line}, column {column}) is not valid UTF-8", bad + 1))
    })
}

/// A TOML input (scenario, base, policy, sweep file).
pub fn read_toml(path: &Path) -> std::io::Result<String> {
    read_bounded(path, MAX_TOML_BYTES)
}

/// A sample matrix or another large input.
pub fn read_large(path: &Path) -> std::io::Result<String> {
    read_bounded(path, MAX_INPUT_BYTES)
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 { format!("{} MiB", bytes >> 20) } else { format!("{} KiB", bytes >> 10) }
}

/// The files a scenario or a sweep names, each under its bound.
pub struct Bounded;

impl resist::scenario::ReadSource for Bounded {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        super::files::remember(path);
        read_toml(path)
    }

    fn read_data(&self, path: &Path) -> std::io::Result<String> {
        super::files::remember(path);
        read_large(path)
    }
}
