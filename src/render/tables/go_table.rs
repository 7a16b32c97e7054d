//! istioctl's Go tabwriter layout written straight out, for the plain tables whose lines all
//! have the header's number of cells and no colour (`pc cluster|route|endpoint` on a big
//! dump print tens of thousands of rows, and the general aligner held every cell twice).
//!
//! For such a table `tabwriter` (with minwidth 0) makes every column but the last one block
//! as wide as its widest cell plus the padding, pads each cell on the right, writes the last
//! cell as it is and ends each line with `\n`; [`GoTable`] writes exactly that, with a
//! cell's width counted as `tabwriter` counts it. Any other shape goes to the aligner. The
//! `tests/cli` goldens and the unit test below compare the two.

use std::io::{self, Write};

use tabwriter::TabWriter;
use unicode_width::UnicodeWidthChar;

use crate::util::sanitize::sanitize;

/// A Go table built a row at a time: the rows' sanitised cells are kept as text (a
/// sanitised cell holds no tab or newline, so those separate them), each column's width
/// kept up to date, so the caller's rows need not be turned into cells all at once. Parts
/// built apart (on the cores that decode their objects) join with [`GoTable::append`].
pub struct GoTable<'h> {
    header: &'h [&'h str],
    padding: usize,
    widths: Vec<usize>,
    /// Rows of cells, in order; one text per appended part, none copied.
    cells: Vec<String>,
    /// A row with another number of cells than the header: the aligner lays it out.
    ragged: bool,
}

impl<'h> GoTable<'h> {
    /// `tabwriter.NewWriter(w, 0, 8, padding, ' ', 0)` with `header` as its first line.
    pub fn new(header: &'h [&'h str], padding: usize) -> Self {
        GoTable {
            header,
            padding,
            widths: header.iter().map(|h| width(h)).collect(),
            cells: vec![String::new()],
            ragged: header.len() < 2,
        }
    }

    /// Adds a row; each cell is sanitised.
    pub fn push<S: AsRef<str>>(&mut self, row: &[S]) {
        self.ragged |= row.len() != self.header.len();
        let mut text = self.cells.pop().unwrap_or_default();
        for (col, cell) in row.iter().enumerate() {
            let clean = sanitize(cell.as_ref());
            if let Some(w) = self.widths.get_mut(col) {
                *w = (*w).max(width(&clean));
            }
            text.push_str(&clean);
            text.push('\t');
        }
        text.push('\n');
        self.cells.push(text);
    }

    /// Adds the rows of `other` (the same header's table) after these.
    pub fn append(&mut self, other: GoTable<'_>) {
        self.ragged |= other.ragged || other.header.len() != self.header.len();
        for (w, o) in self.widths.iter_mut().zip(&other.widths) {
            *w = (*w).max(*o);
        }
        self.cells
            .extend(other.cells.into_iter().filter(|c| !c.is_empty()));
        // Rows pushed next go to a text of their own.
        self.cells.push(String::new());
    }

    /// Writes the table.
    pub fn write(self, out: &mut dyn Write) -> io::Result<()> {
        let rows = self
            .cells
            .iter()
            .flat_map(|text| text.split_terminator('\n'))
            .map(|row| row.split_terminator('\t'));
        if self.ragged {
            return aligned(out, self.padding, self.header, rows);
        }
        let last = self.header.len() - 1;
        // Written a chunk at a time: the whole text would be one more copy of the table.
        let mut text = String::with_capacity(CHUNK + 4096);
        let mut line = |cells: &mut dyn Iterator<Item = &str>| -> io::Result<()> {
            for (col, cell) in cells.enumerate() {
                text.push_str(cell);
                if col < last {
                    let spaces = self.widths[col].saturating_sub(width(cell)) + self.padding;
                    text.extend(std::iter::repeat_n(' ', spaces));
                }
            }
            text.push('\n');
            if text.len() >= CHUNK {
                out.write_all(text.as_bytes())?;
                text.clear();
            }
            Ok(())
        };
        line(&mut self.header.iter().copied())?;
        for mut row in rows {
            line(&mut row)?;
        }
        out.write_all(text.as_bytes())
    }
}

/// Bytes of the table written at once.
const CHUNK: usize = 64 << 10;

/// Any other shape through the aligner, as `layout::write_painted_table` without colour
/// writes it (the cells are already sanitised).
fn aligned<'r>(
    out: &mut dyn Write,
    padding: usize,
    header: &[&str],
    rows: impl Iterator<Item = std::str::SplitTerminator<'r, char>>,
) -> io::Result<()> {
    let mut tw = TabWriter::new(Vec::new())
        .minwidth(0)
        .padding(padding)
        .ansi(false);
    writeln!(tw, "{}", header.join("\t"))?;
    for row in rows {
        writeln!(tw, "{}", row.collect::<Vec<_>>().join("\t"))?;
    }
    let bytes = tw
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    out.write_all(&bytes)
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

    fn both(header: &[&str], rows: &[Vec<String>], padding: usize) -> (String, String) {
        let mut table = GoTable::new(header, padding);
        for row in rows {
            table.push(row);
        }
        let mut ours = Vec::new();
        table.write(&mut ours).unwrap();
        let mut theirs = Vec::new();
        write_painted_table(&mut theirs, padding, header, rows, None).unwrap();
        (
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap(),
        )
    }

    #[test]
    fn writes_what_the_aligner_writes() {
        let cases: Vec<Vec<Vec<String>>> = vec![
            vec![],
            vec![vec!["a".into(), "".into(), "x".into()]],
            vec![vec!["".into(), "".into(), "".into()]],
            vec![
                vec!["ünïcødé".into(), "日本語".into(), "tail".into()],
                vec!["a\tb\u{1b}[31m".into(), "🙂".into(), "".into()],
                vec!["long long long".into(), "v".into(), "last\ncell".into()],
                vec!["e\u{301}".into(), "\u{200b}zw".into(), "n".into()],
            ],
            // Ragged: left to the aligner.
            vec![
                vec!["a".into()],
                vec!["b".into(), "c".into(), "d".into(), "e".into()],
            ],
        ];
        for rows in cases {
            for padding in [1, 5] {
                let (ours, theirs) = both(&["NAME", "VALUE", "NOTE"], &rows, padding);
                assert_eq!(ours, theirs);
            }
        }
        let one = vec![vec!["x".to_string()], vec!["yy".to_string()]];
        let (ours, theirs) = both(&["A"], &one, 5);
        assert_eq!(ours, theirs);
    }

    #[test]
    fn parts_appended_write_as_one_table() {
        let header = ["A", "B"];
        let rows: Vec<Vec<String>> = (0..7)
            .map(|i| vec!["x".repeat(i), format!("row {i}")])
            .collect();
        let mut whole = GoTable::new(&header, 5);
        for row in &rows {
            whole.push(row);
        }
        let mut joined = GoTable::new(&header, 5);
        for chunk in rows.chunks(3) {
            let mut part = GoTable::new(&header, 5);
            for row in chunk {
                part.push(row);
            }
            joined.append(part);
            joined.append(GoTable::new(&header, 5));
        }
        joined.push(&["last", "row"]);
        whole.push(&["last", "row"]);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        whole.write(&mut a).unwrap();
        joined.write(&mut b).unwrap();
        assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    }
}
