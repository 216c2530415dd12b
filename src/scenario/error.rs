//! Errors of scenario files: each names the file, line and column, the key path
//! and what is allowed, so that a user can fix the file without reading code.

use std::fmt;
use std::path::PathBuf;

/// A place in a scenario file (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{}: cannot read the scenario file: {}", path.display(), plain_io(cause))]
    Read { path: PathBuf, cause: std::io::Error },
    #[error("{at}: malformed TOML: {message}")]
    Syntax { at: Location, message: String },
    #[error("{at}: `{key}`: {message}")]
    Invalid { at: Location, key: String, message: String },
    #[error("{at}: `base`: {message}")]
    Base { at: Location, message: String },
}

impl ScenarioError {
    /// The key path an error is about, where it names one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ScenarioError::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }
}

/// An I/O error's message without Rust's "(os error N)" suffix.
fn plain_io(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Serde's type names in words a scenario author uses.
pub fn plain_types(message: &str) -> String {
    message
        .replace("expected i64", "expected an integer")
        .replace("expected u64", "expected a non-negative integer")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
}
