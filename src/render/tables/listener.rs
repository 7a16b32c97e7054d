//! `pc listener` tables: istioctl's layout, and the wide one with CHAIN, STATE, WASM and MODE.

use std::io::Write;

use std::borrow::Cow;

use colored::Colorize;

use crate::analysis::listener::cell_text::{destination_text, match_text};
use crate::analysis::listener::rows::{ChainRow, ListenerRow, RowMatch};
use crate::analysis::mtls::mode::InferredMode;
use crate::envoy::ListenerState;
use crate::istio::ecds_name::short_ecds_name;
use crate::render::matcher_branch::branch_text;
use crate::render::tables::layout::{write_go_table, write_own_go_table};
use crate::render::terminal::Terminal;

const VERBOSE_HEADER: [&str; 4] = ["ADDRESSES", "PORT", "MATCH", "DESTINATION"];
const WIDE_HEADER: [&str; 9] = [
    "ADDRESSES",
    "PORT",
    "MATCH",
    "DESTINATION",
    "CHAIN",
    "STATE",
    "WASM",
    "MODE",
    "LISTENER",
];

/// `--verbose=false`: one row per listener.
pub fn write_listener_rows(out: &mut dyn Write, rows: &[ListenerRow]) -> std::io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.addresses.clone(),
                r.port.to_string(),
                r.kind.as_str().to_string(),
            ]
        })
        .collect();
    write_go_table(out, 1, &["ADDRESSES", "PORT", "TYPE"], &cells)
}

/// `pc all`'s listener tables: a NAME column `listener/<name>` first (listener.go
/// `PrintListenerSummary` with `includeConfigType`); `chains` is the verbose table, else
/// `listeners` the one row per listener.
pub fn write_named_listener_tables(
    out: &mut dyn Write,
    chains: Option<&[ChainRow]>,
    listeners: &[ListenerRow],
) -> std::io::Result<()> {
    let named = |name: &str| format!("listener/{name}");
    match chains {
        Some(rows) => {
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        named(&r.listener),
                        r.addresses.clone(),
                        r.port.to_string(),
                        match_cell(&r.chain_match),
                        destination_text(&r.destination),
                    ]
                })
                .collect();
            let mut header = vec!["NAME"];
            header.extend(VERBOSE_HEADER);
            write_go_table(out, 1, &header, &cells)
        }
        None => {
            let cells: Vec<Vec<String>> = listeners
                .iter()
                .map(|r| {
                    vec![
                        named(&r.name),
                        r.addresses.clone(),
                        r.port.to_string(),
                        r.kind.as_str().to_string(),
                    ]
                })
                .collect();
            write_go_table(out, 1, &["NAME", "ADDRESSES", "PORT", "TYPE"], &cells)
        }
    }
}

/// istioctl's waypoint view (`--waypoint`): `LISTENER CHAIN MATCH DESTINATION`, Go
/// tabwriter with padding 1 like the default table.
pub fn write_waypoint_rows(
    out: &mut dyn Write,
    rows: &[crate::analysis::listener::waypoint::WaypointRow],
) -> std::io::Result<()> {
    use crate::analysis::listener::waypoint::WaypointMatch;
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.listener.clone(),
                r.chain.clone(),
                match &r.matches {
                    WaypointMatch::Path(p) => p.clone(),
                    WaypointMatch::Criteria(m) => match_text(m),
                },
                destination_text(&r.destination),
            ]
        })
        .collect();
    write_go_table(
        out,
        1,
        &["LISTENER", "CHAIN", "MATCH", "DESTINATION"],
        &cells,
    )
}

/// The default table (istioctl parity) or, with `wide`, meshscope's wide table.
/// `-o wide` is meshscope's own: on a terminal (`term.width`) it fits the width, with ECDS
/// names shortened to their plugin; the default table never changes.
pub fn write_chain_rows(
    out: &mut dyn Write,
    rows: &[ChainRow],
    wide: bool,
    term: Terminal,
) -> std::io::Result<()> {
    let narrow = term.width.is_some();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.addresses.clone(),
                r.port.to_string(),
                match_cell(&r.chain_match),
                destination_text(&r.destination),
            ];
            if wide {
                row.push(dash_if_empty(&r.chain));
                row.push(r.state.as_str().to_string());
                let wasm: Vec<Cow<'_, str>> = if narrow {
                    r.wasm.iter().map(|w| short_ecds_name(w)).collect()
                } else {
                    r.wasm.iter().map(|w| Cow::from(w.as_str())).collect()
                };
                row.push(dash_if_empty(&wasm.join(",")));
                row.push(mode_cell(r.mode).to_string());
                row.push(dash_if_empty(&r.listener));
            }
            row
        })
        .collect();
    let paint = |row: usize, column: usize, text: &str| paint_state(rows, row, column, text);
    match (wide, term.color) {
        (true, true) => write_own_go_table(out, 1, &WIDE_HEADER, &cells, term.width, Some(&paint)),
        (true, false) => write_own_go_table(out, 1, &WIDE_HEADER, &cells, term.width, None),
        _ => write_go_table(out, 1, &VERBOSE_HEADER, &cells),
    }
}

/// MATCH: the chain's criteria, or (wide, matcher listeners) one branch, `NONE` for none.
fn match_cell(m: &RowMatch) -> String {
    match m {
        RowMatch::Criteria(m) => match_text(m),
        RowMatch::Branch(branch) => branch_text(branch),
        RowMatch::NoBranch => "NONE".to_string(),
    }
}

/// MODE: the mode's PeerAuthentication spelling, `unknown`, or `-` off `virtualInbound`.
fn mode_cell(mode: Option<InferredMode>) -> &'static str {
    mode.map_or("-", InferredMode::as_str)
}

fn dash_if_empty(s: &str) -> String {
    if s.is_empty() {
        "-".to_string()
    } else {
        s.to_string()
    }
}

/// Warming, draining and refused (error) stand out on a terminal; active stays plain. Decided from the
/// row's state, not from the cell's text.
fn paint_state(rows: &[ChainRow], row: usize, column: usize, text: &str) -> Option<String> {
    const STATE_COLUMN: usize = 5;
    if column != STATE_COLUMN {
        return None;
    }
    match rows.get(row)?.state {
        ListenerState::Warming => Some(text.yellow().to_string()),
        ListenerState::Draining => Some(text.dimmed().to_string()),
        ListenerState::Error => Some(text.red().to_string()),
        _ => None,
    }
}
