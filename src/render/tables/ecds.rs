//! `pc ecds` tables: istioctl's `ECDS NAME  TYPE` and the wide one (padding 5, as istioctl).

use std::io::Write;

use crate::analysis::listener::ecds_rows::EcdsRow;
use crate::render::tables::layout::{write_go_table, write_own_go_table};

const WIDE_HEADER: [&str; 9] = [
    "ECDS NAME",
    "TYPE",
    "PLUGIN",
    "SOURCE",
    "SHA256",
    "FAILURE",
    "RUNTIME",
    "LAST UPDATED",
    "NOTE",
];

/// istioctl's table.
pub fn write_short(out: &mut dyn Write, rows: &[EcdsRow]) -> std::io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| vec![r.name.clone(), r.type_name.clone()])
        .collect();
    write_go_table(out, 5, &["ECDS NAME", "TYPE"], &cells)
}

/// The wide table; `-` where a value does not apply.
/// meshscope's own view: fitted to `width` on a terminal.
pub fn write_wide(
    out: &mut dyn Write,
    rows: &[EcdsRow],
    width: Option<usize>,
) -> std::io::Result<()> {
    let dash = |v: Option<&str>| match v {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "-".to_string(),
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                dash(Some(&r.type_name)),
                dash(r.plugin.as_ref().map(|p| p.to_string()).as_deref()),
                dash(r.source.as_deref()),
                dash(r.sha256.as_deref()),
                dash(r.failure_policy.as_deref()),
                dash(r.runtime.as_deref()),
                dash(Some(&r.last_updated)),
                dash(r.note.as_deref()),
            ]
        })
        .collect();
    write_own_go_table(out, 5, &WIDE_HEADER, &cells, width, None)
}
