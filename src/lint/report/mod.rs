//! Reporters: each renders the same list of findings (ruff `message/`).

pub mod github;
pub mod json;
pub mod rule_docs;
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

/// How a report is laid out beyond its format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout<'a> {
    /// Colour the text report's severities.
    pub color: bool,
    /// The URL of the `docs/rules` folder the rule pages are published under, if known:
    /// SARIF's `helpUri` is `<rules_url>/<CODE>.md` ([`rule_docs::page_url`]).
    pub rules_url: Option<&'a str>,
}

/// Writes the report of `findings` in `format`. `unchecked` holds one line per input that
/// could not be checked (its error): no format then reads as a clean result.
pub fn write(
    format: Format,
    findings: &[Finding],
    files: &[SourceFile],
    rules: &[&'static Rule],
    unchecked: &[String],
    layout: Layout<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(findings, files, unchecked, layout.color, out),
        Format::Json => json::write(findings, unchecked, out),
        Format::Sarif => sarif::write(findings, rules, unchecked, layout.rules_url, out),
        Format::Github => github::write(findings, unchecked, out),
    }
}
