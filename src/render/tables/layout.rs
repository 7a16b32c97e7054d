//! Tables. istioctl-parity tables go through `tabwriter` (a port of Go's text/tabwriter,
//! which istioctl uses: padding 1 for listeners, 5 for ecds); every cell is sanitised.

use std::io::{self, Write};

use tabwriter::TabWriter;
use unicode_width::UnicodeWidthStr;

use crate::render::tables::go_table::GoTable;
use crate::util::sanitize::sanitize;

/// Writes `header` and `rows` as Go's `tabwriter.NewWriter(w, 0, 8, padding, ' ', 0)` would.
pub fn write_go_table(
    out: &mut dyn Write,
    padding: usize,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    let mut table = GoTable::new(header, padding);
    for row in rows {
        table.push(row);
    }
    table.write(out)
}

/// Paints a sanitised cell: `(row, column, text)` → the coloured text, or `None` to keep
/// it. The row index lets the caller decide from its typed row, not from the cell text.
pub type Paint<'p> = &'p dyn Fn(usize, usize, &str) -> Option<String>;

/// [`write_go_table`] with colour: escapes take no width, so columns stay aligned.
pub fn write_painted_table(
    out: &mut dyn Write,
    padding: usize,
    header: &[&str],
    rows: &[Vec<String>],
    paint: Option<Paint<'_>>,
) -> io::Result<()> {
    let mut tw = TabWriter::new(Vec::new())
        .minwidth(0)
        .padding(padding)
        .ansi(paint.is_some());
    writeln!(tw, "{}", header.join("\t"))?;
    for (index, row) in rows.iter().enumerate() {
        let cells: Vec<_> = row
            .iter()
            .enumerate()
            .map(|(col, c)| {
                let clean = sanitize(c);
                match paint.and_then(|p| p(index, col, &clean)) {
                    Some(painted) => painted.into(),
                    None => clean,
                }
            })
            .collect();
        writeln!(tw, "{}", cells.join("\t"))?;
    }
    let bytes = tw
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    out.write_all(&bytes)
}

/// meshscope's own tables (comfy-table's layout, no borders): a title line, the table with
/// trailing spaces trimmed, then a blank line. Cells must already be sanitised. Fitted to
/// `width` (long cells wrapped) when one is given and the table is wider; `paint` colours
/// cells after the layout is decided.
pub fn write_titled_table_fit(
    out: &mut dyn Write,
    title: &str,
    header: &[&str],
    rows: Vec<Vec<String>>,
    width: Option<usize>,
    paint: Option<Paint<'_>>,
) -> io::Result<()> {
    writeln!(out, "{title}")?;
    match width {
        Some(w) if natural_width(header, &rows, 2, 0) > w => {
            write_fitted(out, header, &painted(&rows, paint), w, (1, 1))?
        }
        _ => write_plain_table(out, header, &rows, paint)?,
    }
    writeln!(out)
}

/// A Go-style table ([`write_painted_table`]) for meshscope's own views (`-o wide`, fleet):
/// fitted to `width` when one is given and the table is wider, long cells wrapped onto
/// further lines; unchanged otherwise (piped output keeps every value whole).
pub fn write_own_go_table(
    out: &mut dyn Write,
    padding: usize,
    header: &[&str],
    rows: &[Vec<String>],
    width: Option<usize>,
    paint: Option<Paint<'_>>,
) -> io::Result<()> {
    match width {
        Some(w) if natural_width(header, rows, padding, padding) > w => {
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|r| r.iter().map(|c| sanitize(c).into_owned()).collect())
                .collect();
            let pad = u16::try_from(padding).unwrap_or(1);
            write_fitted(out, header, &painted(&rows, paint), w, (0, pad))
        }
        _ => write_painted_table(out, padding, header, rows, paint),
    }
}

/// The width of the unfitted table: each column's widest line plus `padding`, less the
/// padding the last column does not need (`trailing`).
fn natural_width(header: &[&str], rows: &[Vec<String>], padding: usize, trailing: usize) -> usize {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (col, cell) in row.iter().enumerate() {
            let widest = cell
                .split('\n')
                .map(UnicodeWidthStr::width)
                .max()
                .unwrap_or(0);
            match widths.get_mut(col) {
                Some(w) => *w = (*w).max(widest),
                None => widths.push(widest),
            }
        }
    }
    (widths.iter().map(|w| w + padding).sum::<usize>()).saturating_sub(trailing)
}

fn painted(rows: &[Vec<String>], paint: Option<Paint<'_>>) -> Vec<Vec<String>> {
    rows.iter()
        .enumerate()
        .map(|(r, row)| {
            row.iter()
                .enumerate()
                .map(|(c, cell)| {
                    paint
                        .and_then(|p| p(r, c, cell))
                        .unwrap_or_else(|| cell.clone())
                })
                .collect()
        })
        .collect()
}

/// The widths below which a column keeps its lines whole, tried in order.
const LINE_FLOORS: [usize; 2] = [24, 16];

/// The widths a column's longest word may claim when fitting a table, tried in order.
const WORD_FLOORS: [usize; 5] = [20, 16, 12, 10, 8];

/// The table fitted to `width`: the widest column gives up a column at a time until the
/// table fits or every column is down to its floor (its longest word, capped so the floors
/// fit), then each cell is wrapped to its column (textwrap; words longer than the column
/// are broken). `padding` is the spaces left and right of each cell; `rows` may already be
/// painted (escapes take no width), `paint` is applied to each wrapped line.
fn write_fitted(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    width: usize,
    padding: (u16, u16),
) -> io::Result<()> {
    let (left, right) = (usize::from(padding.0), usize::from(padding.1));
    let table: Vec<Vec<&str>> = std::iter::once(header.to_vec())
        .chain(rows.iter().map(|r| r.iter().map(String::as_str).collect()))
        .collect();
    let columns = table.iter().map(Vec::len).max().unwrap_or(0);
    let measure = |f: &dyn Fn(&str) -> usize| -> Vec<usize> {
        (0..columns)
            .map(|col| {
                table
                    .iter()
                    .filter_map(|r| r.get(col))
                    .map(|c| f(c))
                    .max()
                    .unwrap_or(0)
                    .max(1)
            })
            .collect()
    };
    let mut widths = measure(&|c| {
        c.split('\n')
            .map(textwrap::core::display_width)
            .max()
            .unwrap_or(0)
    });
    let words = measure(&|c| {
        c.split_whitespace()
            .map(textwrap::core::display_width)
            .max()
            .unwrap_or(0)
    });
    let room = width.saturating_sub(columns * (left + right));
    // First short columns (up to 24) keep whole lines, while the long ones go to 16; then
    // every column to 16; then no word is broken; then words are capped (20, 16, …
    // columns). The widest column always gives first.
    let natural = widths.clone();
    let [whole, short] = LINE_FLOORS;
    // Columns that fit within `whole` keep their lines while the long ones go down to
    // `short`: a timestamp stays on one line beside a wrapped path.
    let long_give_first = natural.iter().map(|w| if *w <= whole { *w } else { short });
    let phases = std::iter::once(natural.iter().map(|w| (*w).min(whole)).collect::<Vec<_>>())
        .chain(std::iter::once(long_give_first.collect()))
        .chain(std::iter::once(
            natural.iter().map(|w| (*w).min(short)).collect(),
        ))
        .chain(std::iter::once(words.clone()))
        .chain(
            WORD_FLOORS
                .iter()
                .map(|cap| words.iter().map(|w| (*w).min(*cap)).collect::<Vec<_>>()),
        );
    for floors in phases.chain(std::iter::once(vec![1; columns])) {
        shrink_to(&mut widths, &floors, room);
        if widths.iter().sum::<usize>() <= room {
            break;
        }
    }
    let mut line = String::new();
    for row in &table {
        let cells: Vec<Vec<String>> = (0..columns)
            .map(|col| {
                let text = row.get(col).copied().unwrap_or("");
                let options = textwrap::Options::new(widths[col]).break_words(true);
                text.split('\n')
                    .flat_map(|l| textwrap::wrap(l, &options))
                    .map(|l| l.into_owned())
                    .collect()
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        for i in 0..height {
            line.clear();
            for (col, cell) in cells.iter().enumerate() {
                let text = cell.get(i).map_or("", String::as_str);
                pad(&mut line, left);
                line.push_str(text);
                pad(
                    &mut line,
                    widths[col] - textwrap::core::display_width(text).min(widths[col]) + right,
                );
            }
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// Lays out a table exactly as comfy-table does with its `NOTHING` preset (no borders, no
/// wrapping, cells left-aligned with one space of padding on each side, a cell's lines
/// split at `\n`), each line with its trailing spaces trimmed. comfy-table builds a padded
/// `String` per line of every cell and then the whole table as one more: on a `wasm count`
/// of a big dump (a 50,000-line table) that was most of the command's time, so the layout
/// is computed here and written line by line. `comfy_table_layout_is_reproduced` holds the
/// two to the same bytes.
fn write_plain_table(
    out: &mut dyn Write,
    header: &[&str],
    rows: &[Vec<String>],
    paint: Option<Paint<'_>>,
) -> io::Result<()> {
    let header: Vec<&str> = header.to_vec();
    let rows: Vec<Vec<&str>> = std::iter::once(header)
        .chain(rows.iter().map(|r| r.iter().map(String::as_str).collect()))
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    // A column is as wide as its widest line, and at least 1 (comfy-table's minimum).
    let mut widths = vec![1; columns];
    for row in &rows {
        for (col, cell) in row.iter().enumerate() {
            let widest = cell.split('\n').map(UnicodeWidthStr::width).max();
            widths[col] = widths[col].max(widest.unwrap_or(0));
        }
    }
    if widths.iter().any(|w| *w > usize::from(u16::MAX)) {
        // comfy-table counts widths in u16 and wraps lines wider than that.
        return write_comfy_table(out, &rows);
    }
    let mut line = String::new();
    for (row_index, row) in rows.iter().enumerate() {
        let cells: Vec<Vec<&str>> = row.iter().map(|c| c.split('\n').collect()).collect();
        // A missing cell still takes one line.
        let height = (0..columns)
            .map(|col| cells.get(col).map_or(1, Vec::len))
            .max()
            .unwrap_or(0);
        for i in 0..height {
            line.clear();
            for (col, width) in widths.iter().enumerate() {
                match cells.get(col).and_then(|c| c.get(i)) {
                    Some(text) => {
                        line.push(' ');
                        // Row 0 is the header; `paint` numbers the body rows from 0.
                        let colour = row_index
                            .checked_sub(1)
                            .and_then(|r| paint.and_then(|p| p(r, col, text)));
                        line.push_str(colour.as_deref().unwrap_or(text));
                        pad(&mut line, width - text.width() + 1);
                    }
                    None => pad(&mut line, width + 2),
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    Ok(())
}

/// Takes a column from the widest column above its floor until the widths fit `room`.
fn shrink_to(widths: &mut [usize], floors: &[usize], room: usize) {
    while widths.iter().sum::<usize>() > room {
        let widest = widths
            .iter()
            .zip(floors)
            .enumerate()
            .filter(|(_, (w, f))| w > f)
            .max_by_key(|(i, (w, _))| (**w, std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        match widest {
            Some(i) => widths[i] -= 1,
            None => return,
        }
    }
}

fn pad(line: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        line.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// The table through comfy-table itself (header first), trailing spaces trimmed.
fn write_comfy_table(out: &mut dyn Write, rows: &[Vec<&str>]) -> io::Result<()> {
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::NOTHING)
        .force_no_tty();
    if let Some((header, body)) = rows.split_first() {
        table.set_header(header.clone());
        for row in body {
            table.add_row(row.clone());
        }
    }
    for line in table.to_string().lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_like_go_tabwriter() {
        let mut out = Vec::new();
        let rows = vec![
            vec![
                "0.0.0.0".into(),
                "15006".into(),
                "Addr: *:15006".into(),
                "Non-HTTP/Non-TCP".into(),
            ],
            vec!["".into(), "0".into(), "ALL".into(), "".into()],
        ];
        write_go_table(
            &mut out,
            1,
            &["ADDRESSES", "PORT", "MATCH", "DESTINATION"],
            &rows,
        )
        .unwrap();
        let want = "ADDRESSES PORT  MATCH         DESTINATION\n\
                    0.0.0.0   15006 Addr: *:15006 Non-HTTP/Non-TCP\n          \
                    0     ALL           \n";
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    /// Random tables (multi-line, empty, wide-character and ragged cells) come out of
    /// `write_plain_table` byte for byte as comfy-table lays them out.
    #[test]
    fn comfy_table_layout_is_reproduced() {
        use proptest::prelude::*;
        let cell = proptest::string::string_regex("(|[a-z]{1,6}|ü|界|[a-z ]{0,4}\n[a-z]{0,3}|\n)")
            .unwrap();
        let row = proptest::collection::vec(cell, 0..5);
        let table = (
            proptest::collection::vec("[A-Z]{0,5}", 1..4),
            proptest::collection::vec(row, 0..6),
        );
        proptest!(|((header, rows) in table)| {
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let mut fast = Vec::new();
            write_plain_table(&mut fast, &header, &rows, None).unwrap();
            let mut all = vec![header.clone()];
            all.extend(rows.iter().map(|r| r.iter().map(String::as_str).collect::<Vec<_>>()));
            let mut reference = Vec::new();
            write_comfy_table(&mut reference, &all).unwrap();
            prop_assert_eq!(String::from_utf8(fast).unwrap(), String::from_utf8(reference).unwrap());
        });
    }

    /// One table laid out by Go's text/tabwriter (`testdata/tabwriter/gen.go`).
    #[derive(serde::Deserialize)]
    struct GoCase {
        padding: usize,
        rows: Vec<Vec<String>>,
        want: String,
    }

    /// Random ragged tables (printable ASCII, empty cells, one-cell and empty rows, padding 1
    /// and 5) must come out byte for byte as Go's `tabwriter.NewWriter(w, 0, 8, p, ' ', 0)`
    /// writes them.
    #[test]
    fn matches_go_tabwriter_golden() {
        let golden = include_str!("../../../testdata/tabwriter/golden.jsonl");
        let mut cases = 0;
        for (i, line) in golden.lines().enumerate() {
            let case: GoCase = serde_json::from_str(line).unwrap();
            let (header, rows) = case.rows.split_first().unwrap();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let mut out = Vec::new();
            write_go_table(&mut out, case.padding, &header, rows).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                case.want,
                "case {} (line {}): rows {:?}",
                i,
                i + 1,
                case.rows
            );
            cases += 1;
        }
        // Guards against a truncated or empty golden silently passing.
        assert!(cases >= 400, "only {cases} golden cases");
    }

    #[test]
    fn fitting_keeps_short_columns_whole_while_long_ones_wrap() {
        let header = ["WHEN", "PATH", "DIGEST"];
        let rows = vec![vec![
            "2026-05-18T08:41:07.491Z".to_string(),
            "file:///var/lib/istio/data/".to_string() + &"a".repeat(64) + "/module.wasm",
            "d".repeat(64),
        ]];
        let mut out = Vec::new();
        write_titled_table_fit(&mut out, "t", &header, rows, Some(70), None).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().all(|l| l.len() <= 70), "{text}");
        // The timestamp (24 columns) stays on one line; the two long columns wrap.
        assert!(text.contains(" 2026-05-18T08:41:07.491Z "), "{text}");
        assert!(text.lines().count() > 5, "{text}");
    }
}
