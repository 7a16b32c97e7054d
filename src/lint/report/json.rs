//! `-o json`: one object with the findings and a summary.
//!
//! Wire format (stable):
//! `{"findings": [{"code", "name", "severity", "path", "line", "column", "message", "hint"}],
//!   "summary": {"errors", "warnings", "info"}}`; lines and columns are 1-based.

use std::io::{self, Write};

use serde::Serialize;

use crate::lint::finding::{Finding, Severity};

/// The JSON report.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    /// Findings sorted by file and position.
    pub findings: Vec<JsonFinding<'a>>,
    /// Counts per severity.
    pub summary: JsonSummary,
}

/// One finding.
#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub severity: Severity,
    pub path: &'a str,
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
    pub hint: &'a str,
}

/// Counts per severity.
#[derive(Debug, Serialize, Default)]
pub struct JsonSummary {
    pub errors: usize,
    pub warnings: usize,
    pub info: usize,
    /// Inputs that could not be checked (their errors are on stderr); left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<String>,
}

/// Counts findings per severity.
pub fn summarize(findings: &[Finding]) -> JsonSummary {
    let count = |s| findings.iter().filter(|f| f.severity == s).count();
    JsonSummary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        info: count(Severity::Info),
        not_checked: Vec::new(),
    }
}

/// Writes the report, pretty-printed, with a final newline.
pub fn write(findings: &[Finding], unchecked: &[String], out: &mut dyn Write) -> io::Result<()> {
    let report = JsonReport {
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                code: f.code,
                name: f.name,
                severity: f.severity,
                path: &f.path,
                line: f.line,
                column: f.column,
                message: &f.message,
                hint: f.hint,
            })
            .collect(),
        summary: JsonSummary {
            not_checked: unchecked.to_vec(),
            ..summarize(findings)
        },
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
