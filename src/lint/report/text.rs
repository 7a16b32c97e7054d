//! `-o text`: findings grouped by file, each with its source line and a caret, then a summary.

use std::io::{self, Write};

use crate::lint::context::SourceFile;
use crate::lint::finding::{Finding, Severity};
use crate::util::sanitize::sanitize;

use super::json::summarize;

struct Paint(bool);

impl Paint {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

/// Longest source line shown whole; longer ones (a minified JSON dump is one line) are cut
/// to a window around the column.
const MAX_LINE: usize = 160;

/// The part of `line` to show, and the column within it.
fn excerpt(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_LINE {
        return (line.to_string(), column);
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(MAX_LINE / 3);
    let end = (start + MAX_LINE).min(chars.len());
    let mut shown = String::new();
    if start > 0 {
        shown.push('…');
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, at - start + 1 + usize::from(start > 0))
}

/// Writes the text report.
pub fn write(
    findings: &[Finding],
    files: &[SourceFile],
    unchecked: &[String],
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let p = Paint(color);
    let mut current: Option<&str> = None;
    for f in findings {
        if current != Some(f.path.as_str()) {
            if current.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", p.paint("1;4", &sanitize(&f.path)))?;
            current = Some(&f.path);
        }
        let (label, code) = match f.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
            Severity::Info => ("info", "1;36"),
        };
        writeln!(
            out,
            "  {}:{}: {}[{}] {}",
            f.line,
            f.column,
            p.paint(code, label),
            f.code,
            sanitize(&f.message)
        )?;
        let source = files
            .iter()
            .find(|s| s.label == f.path)
            .and_then(|s| s.text.lines().nth(f.line.saturating_sub(1)));
        if let Some(line) = source {
            let (line, column) = excerpt(line, f.column);
            let gutter = f.line.to_string();
            let pad = " ".repeat(gutter.len());
            writeln!(out, "  {pad} |")?;
            writeln!(out, "  {gutter} | {}", sanitize(&line))?;
            let caret_at: String = line
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(out, "  {pad} | {caret_at}{}", p.paint(code, "^"))?;
        }
        writeln!(out, "  = hint: {}", f.hint)?;
    }
    let s = summarize(findings);
    let not_checked = match unchecked.len() {
        0 => String::new(),
        1 => "; 1 input not checked (its error is on stderr)".to_string(),
        n => format!("; {n} inputs not checked (their errors are on stderr)"),
    };
    if findings.is_empty() && unchecked.is_empty() {
        writeln!(out, "no findings")
    } else if findings.is_empty() {
        writeln!(
            out,
            "no findings in the inputs that were checked{not_checked}"
        )
    } else {
        writeln!(out)?;
        writeln!(
            out,
            "{} error(s), {} warning(s), {} info{not_checked}",
            s.errors, s.warnings, s.info
        )
    }
}

#[cfg(test)]
mod excerpt_tests {
    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let (shown, column) = super::excerpt(&line, 501);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(column - 1), Some('X'));
        assert_eq!(super::excerpt("short", 3), ("short".to_string(), 3));
    }
}
