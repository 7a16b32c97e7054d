//! The two sides of a diff as `pc listener -o wide` tables laid out together: shared
//! column widths, so that unchanged rows are identical lines in the unified diff.

use crate::analysis::listener::rows::ChainRow;
use crate::render::tables::listener;
use crate::render::terminal::Terminal;

/// Each side's table as text (no colour), both with the header, laid out as one table.
pub fn wide_tables(before: &[ChainRow], after: &[ChainRow]) -> std::io::Result<[String; 2]> {
    let mut all = before.to_vec();
    all.extend_from_slice(after);
    let mut buf = Vec::new();
    // Full values, no colour: the tables are compared line by line.
    listener::write_chain_rows(&mut buf, &all, true, Terminal::default())?;
    let text = String::from_utf8_lossy(&buf);
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.first().copied().unwrap_or_default();
    let split = (before.len() + 1).min(lines.len());
    let side = |rows: &[&str]| {
        let mut s = format!("{header}\n");
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    };
    Ok([
        side(lines.get(1..split).unwrap_or_default()),
        side(lines.get(split..).unwrap_or_default()),
    ])
}
