//! `lint --list-rules`: the selected rules as a table (code, name, severity, summary).

use std::io::{self, Write};

use crate::lint::rules::Rule;

/// One row per rule, in the order given; no trailing spaces.
pub fn write_rule_list(rules: &[&'static Rule], out: &mut dyn Write) -> io::Result<()> {
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::NOTHING)
        .force_no_tty();
    table.set_header(["CODE", "NAME", "SEVERITY", "SUMMARY"]);
    for r in rules {
        table.add_row([r.code, r.name, r.severity.as_str(), r.summary]);
    }
    writeln!(
        out,
        "{}",
        table
            .to_string()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    )
}
