//! A policy that cannot be used, and exactly why: the file, the line and a plain-English reason,
//! printed as `file:line: reason` so that an editor can jump to it.

use std::fmt;

/// A policy file that cannot be used, and exactly why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    pub source_name: String,
    /// 1-based line of the offending value, when known.
    pub line: Option<usize>,
    pub reason: String,
}

impl PolicyError {
    pub fn new(source_name: &str, line: Option<usize>, reason: impl Into<String>) -> Self {
        Self {
            source_name: source_name.to_string(),
            line,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.source_name, line, self.reason),
            None => write!(f, "{}: {}", self.source_name, self.reason),
        }
    }
}
