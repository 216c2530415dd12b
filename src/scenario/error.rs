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
        // A command-line argument (`--set KEY=VALUE`) is one line: it is named alone.
        if self.file.starts_with("--set ") {
            return write!(f, "{}", self.file);
        }
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file named on the command line cannot be read (`what` it is: the scenario file, the sweep file).
    #[error("{}: cannot read the {what}: {}", path.display(), plain_io(cause))]
    Read { path: PathBuf, what: &'static str, cause: std::io::Error },
    #[error("{at}: malformed TOML: {message}")]
    Syntax { at: Location, message: String },
    #[error("{at}: `{key}`: {message}")]
    Invalid { at: Location, key: String, message: String },
    #[error("{at}: `base`: {message}")]
    Base { at: Location, message: String },
    /// A file that another names (a `base`, a sweep's scenario, policy or
    /// sample matrix) cannot be read: located where it is named.
    #[error("{at}: `{key}`: cannot read {}: {}", path.display(), plain_io(cause))]
    Referred { at: Location, key: String, path: PathBuf, cause: std::io::Error },
}

impl ScenarioError {
    /// The key path an error is about, where it names one.
    pub fn key(&self) -> Option<&str> {
        match self {
            ScenarioError::Invalid { key, .. } | ScenarioError::Referred { key, .. } => Some(key),
            ScenarioError::Base { .. } => Some("base"),
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

/// Serde's and the TOML parser's type names in words a scenario author uses.
pub fn plain_types(message: &str) -> String {
    // An integer beyond 64 bits: the parser names the Rust type it tried.
    if let Some(rest) = message.strip_prefix("invalid type: integer `")
        && let Some((digits, _)) = rest.split_once("` as i128")
    {
        return format!("{digits} is too large for an integer: allowed {} to {}", i64::MIN, i64::MAX);
    }
    message
        .replace("u64 value was too large", &format!("the integer is too large: allowed at most {}", i64::MAX))
        .replace("expected i64", "expected an integer")
        .replace("expected u64", "expected a non-negative integer")
        .replace("expected u32", "expected a non-negative integer")
        .replace("expected usize", "expected a non-negative integer")
        .replace("expected f64", "expected a number")
        .replace("expected a boolean", "expected true or false")
        .replace("expected a sequence", "expected a list `[...]`")
        .replace("expected a map", "expected a table")
        .replace("invalid type: map", "invalid type: table")
        .replace("invalid type: sequence", "invalid type: list")
        .replace("floating point `", "number `")
}
