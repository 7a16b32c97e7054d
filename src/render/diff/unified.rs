//! A unified diff of two texts (the `similar` crate), optionally coloured line by line.

use std::io::Write;

use colored::Colorize;
use similar::TextDiff;

/// Writes the unified diff of `before` → `after` with `---`/`+++` headers; nothing when equal.
pub fn write_unified_diff(
    out: &mut dyn Write,
    before: (&str, &str),
    after: (&str, &str),
    color: bool,
) -> std::io::Result<()> {
    let diff = TextDiff::from_lines(before.1, after.1);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(before.0, after.0)
        .to_string();
    for line in text.lines() {
        let painted = match line.as_bytes().first() {
            _ if !color => line.to_string(),
            Some(b'+') => line.green().to_string(),
            Some(b'-') => line.red().to_string(),
            Some(b'@') => line.cyan().to_string(),
            _ => line.to_string(),
        };
        writeln!(out, "{painted}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_hunks_with_headers() {
        let mut out = Vec::new();
        write_unified_diff(&mut out, ("a", "x\ny\n"), ("b", "x\nz\n"), false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "--- a\n+++ b\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n");
        let mut out = Vec::new();
        write_unified_diff(&mut out, ("a", "x\n"), ("b", "x\n"), false).unwrap();
        assert!(out.is_empty());
    }
}
