//! istioctl's Go tabwriter layout written straight out, for the plain tables whose lines all
//! have the header's number of cells and no colour (`pc cluster|route|endpoint` on a big
//! dump print tens of thousands of rows, and the general aligner copied every cell twice).
//!
//! For such a table `tabwriter` (with minwidth 0) makes every column but the last one block
//! as wide as its widest cell plus the padding, pads each cell on the right, writes the last
//! cell as it is and ends each line with `\n`; this writes exactly that, with a cell's width
//! counted as `tabwriter` counts it. `tests/cli` goldens and the unit test below compare the
//! two.

use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

use crate::util::sanitize::sanitize;

/// True when every row has the header's cells and there are at least two columns: the
/// shape [`write_uniform`] lays out as `tabwriter` would (one column never aligns).
pub(super) fn is_uniform(header: &[&str], rows: &[Vec<String>]) -> bool {
    header.len() >= 2 && rows.iter().all(|r| r.len() == header.len())
}

/// Writes a table [`is_uniform`] accepts; every row cell is sanitised, as the aligner's
/// caller does.
pub(super) fn write_uniform(
    out: &mut dyn Write,
    padding: usize,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let last = header.len() - 1;
    let mut widths: Vec<usize> = header[..last].iter().map(|h| width(h)).collect();
    let mut bytes = header.iter().map(|h| h.len() + padding).sum::<usize>();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(&sanitize(cell)));
        }
        bytes += row.iter().map(|c| c.len() + padding).sum::<usize>();
    }
    let mut text = String::with_capacity(bytes + widths.iter().sum::<usize>());
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        for (col, cell) in cells.enumerate() {
            text.push_str(cell);
            if let Some(w) = widths.get(col) {
                let spaces = w.saturating_sub(width(cell)) + padding;
                text.extend(std::iter::repeat_n(' ', spaces));
            }
        }
        text.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        let clean: Vec<_> = row.iter().map(|c| sanitize(c)).collect();
        line(&mut clean.iter().map(|c| &**c));
    }
    out.write_all(text.as_bytes())
}

/// The columns `tabwriter` counts for a cell: each character's Unicode width, 0 for one
/// without (controls).
fn width(cell: &str) -> usize {
    if cell.is_ascii() {
        return cell.bytes().filter(|b| !b.is_ascii_control()).count();
    }
    cell.chars().map(|c| c.width().unwrap_or(0)).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tables::layout::write_painted_table;

    #[test]
    fn writes_what_the_aligner_writes() {
        let header = ["NAME", "VALUE", "NOTE"];
        let cases: Vec<Vec<Vec<String>>> = vec![
            vec![],
            vec![vec!["a".into(), "".into(), "x".into()]],
            vec![
                vec!["ünïcødé".into(), "日本語".into(), "tail".into()],
                vec!["a\tb\u{1b}[31m".into(), "🙂".into(), "".into()],
                vec!["long long long".into(), "v".into(), "last\ncell".into()],
                vec!["e\u{301}".into(), "\u{200b}zw".into(), "n".into()],
            ],
        ];
        for rows in cases {
            for padding in [1, 5] {
                assert!(is_uniform(&header, &rows));
                let mut ours = Vec::new();
                write_uniform(&mut ours, padding, &header, &rows).unwrap();
                let mut theirs = Vec::new();
                write_painted_table(&mut theirs, padding, &header, &rows, None).unwrap();
                assert_eq!(String::from_utf8(ours), String::from_utf8(theirs));
            }
        }
    }

    #[test]
    fn ragged_or_single_column_tables_are_left_to_the_aligner() {
        assert!(!is_uniform(&["A"], &[]));
        assert!(!is_uniform(&["A", "B"], &[vec!["x".into()]]));
    }
}
