//! `-o github`: GitHub Actions workflow commands, one line per finding.

use std::io::{self, Write};

use crate::lint::finding::{Finding, Severity};

/// Escapes a property value (`%`, CR, LF, `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Escapes the message (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Writes `::error file=…,line=…,col=…,title=CODE::message`.
pub fn write(findings: &[Finding], unchecked: &[String], out: &mut dyn Write) -> io::Result<()> {
    // An input that could not be checked is an error annotation too: a CI run must not
    // read as clean.
    for u in unchecked {
        writeln!(out, "::error title=not checked::{}", data(u))?;
    }
    for f in findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},title={}::{}",
            property(&f.path),
            f.line,
            f.column,
            property(&format!("{} {}", f.code, f.name)),
            data(&format!("{} ({})", f.message, f.hint))
        )?;
    }
    Ok(())
}
