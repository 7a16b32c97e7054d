//! A lint finding: plain data that every reporter renders the same way.

use serde::Serialize;

/// How serious a finding is; ordered `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Probably a mistake; Istio accepts it.
    Warning,
    /// Istio would reject the document.
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule code, e.g. `MS1001`.
    pub code: &'static str,
    /// Rule name, e.g. `server-mode-on-gateway`.
    pub name: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The file as given on the command line (`-` for stdin).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// One-line fix.
    pub hint: &'static str,
    /// Index of the resource in the lint context, for inline suppression.
    pub resource: Option<usize>,
}
