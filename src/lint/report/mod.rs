//! Reporters: each renders the same list of findings (ruff `message/`).

pub mod github;
pub mod json;
pub mod rule_list;
pub mod sarif;
pub mod text;

use std::io::{self, Write};

use super::context::SourceFile;
use super::finding::Finding;
use super::rules::Rule;

/// `-o` of `lint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable, grouped by file, with the source line and a caret.
    Text,
    /// A JSON report: findings (code, severity, path, line, column, message, hint) and a summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

/// Writes `findings` in `format`.
/// Writes the report. `unchecked` holds one line per input that could not be checked (its
/// error): no format then reads as a clean result.
pub fn write(
    format: Format,
    findings: &[Finding],
    files: &[SourceFile],
    rules: &[&'static Rule],
    unchecked: &[String],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(findings, files, unchecked, color, out),
        Format::Json => json::write(findings, unchecked, out),
        Format::Sarif => sarif::write(findings, rules, unchecked, out),
        Format::Github => github::write(findings, unchecked, out),
    }
}
