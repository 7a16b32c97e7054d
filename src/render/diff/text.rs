//! `diff -o text`: the report as comfy-table tables (modes, removed / added / changed chains,
//! Wasm placements), then the unified diff of the two `pc listener -o wide` tables. It only
//! lays out what `analysis::diff` decided; every name is sanitised.

use std::io::Write;

use crate::analysis::diff::what_if::PredictionSummary;
use crate::analysis::diff::{
    ChainSummary, Change, DiffReport, ListenerDiff, Presence, TlsSummary, WasmChange,
};
use crate::analysis::listener::cell_text::{destination_text, match_text};
use crate::analysis::mtls::mode::Inference;
use crate::istio::ecds_name::short_ecds_name;
use crate::render::diff::unified::write_unified_diff;
use crate::render::tables::layout::write_titled_table_fit;
use crate::render::terminal::{Terminal, wrap_text};
use crate::util::sanitize::sanitize;

/// How the two sides are named in the output.
pub struct Labels<'a> {
    /// BEFORE's input.
    pub before: &'a str,
    /// AFTER's input (or the prediction's label).
    pub after: &'a str,
}

/// The width the report's own tables fit (`None`: piped, every value whole). The unified
/// diff of the `-o wide` tables keeps full values either way: it compares them.
#[derive(Clone, Copy)]
struct Fit(Option<usize>);

impl Fit {
    /// A title, then the table fitted to the width.
    fn table(
        self,
        out: &mut dyn Write,
        title: &str,
        header: &[&str],
        rows: Vec<Vec<String>>,
    ) -> std::io::Result<()> {
        write_titled_table_fit(out, title, header, rows, self.0, None)
    }

    /// One line of text, wrapped to the width.
    fn line(self, out: &mut dyn Write, text: &str) -> std::io::Result<()> {
        match self.0 {
            Some(width) => writeln!(out, "{}", wrap_text(text, width)),
            None => writeln!(out, "{text}"),
        }
    }

    /// An ECDS filter name: shortened to the decoded plugin on a narrow terminal.
    fn filter(self, name: &str) -> String {
        match self.0 {
            Some(_) => cell(&short_ecds_name(name)),
            None => cell(name),
        }
    }

    /// A list of filter names, or `-`.
    fn filters(self, list: &[String]) -> String {
        if list.is_empty() {
            "-".to_string()
        } else {
            let names: Vec<_> = list.iter().map(|n| self.filter(n)).collect();
            names.join(",")
        }
    }
}

fn cell(s: &str) -> String {
    sanitize(s).into_owned()
}

/// Writes the whole report; `tables` are BEFORE's and AFTER's `pc listener -o wide` text.
pub fn write_report(
    out: &mut dyn Write,
    labels: &Labels<'_>,
    prediction: Option<&PredictionSummary>,
    report: &DiffReport,
    tables: &[String; 2],
    term: Terminal,
) -> std::io::Result<()> {
    let fit = Fit(term.width);
    writeln!(out, "BEFORE: {}", cell(labels.before))?;
    writeln!(out, "AFTER:  {}", cell(labels.after))?;
    if let Some(p) = prediction {
        let line = format!(
            "PREDICTION: AFTER is predicted for {} with Istio {} ({}); plaintext HTTP ALPN {}",
            p.mode,
            cell(&p.istio.version),
            cell(&p.istio.source),
            cell(&p.istio.plaintext_alpn.join(","))
        );
        fit.line(out, &line)?;
        for note in &p.notes {
            fit.line(out, &format!("  {}", cell(note)))?;
        }
    }
    writeln!(out)?;
    if report.equal {
        writeln!(out, "no differences")?;
        return Ok(());
    }
    let predicted = prediction.is_some();
    // Only the listeners that differ; the identical ones are counted in one line (JSON
    // keeps every listener).
    let identical = report.listeners.iter().filter(|l| l.is_equal()).count();
    for l in report.listeners.iter().filter(|l| !l.is_equal()) {
        write_listener(out, l, predicted, fit)?;
    }
    match identical {
        0 => {}
        1 => writeln!(out, "1 other listener is identical\n")?,
        n => writeln!(out, "{n} other listeners are identical\n")?,
    }
    write_wasm(out, &report.wasm, fit)?;
    writeln!(out, "pc listener -o wide")?;
    if tables[0] == tables[1] {
        return writeln!(out, "(the tables are equal)");
    }
    write_unified_diff(
        out,
        (&cell(labels.before), &tables[0]),
        (&cell(labels.after), &tables[1]),
        term.color,
    )
}

fn mode_cell(i: Option<&Inference>) -> String {
    match i {
        None => "-".to_string(),
        Some(Inference::Known { mode, protocol }) => format!("{mode} ({})", protocol.as_str()),
        Some(Inference::Unknown { reason }) => format!("unknown: {}", cell(reason)),
    }
}

fn write_listener(
    out: &mut dyn Write,
    l: &ListenerDiff,
    predicted: bool,
    fit: Fit,
) -> std::io::Result<()> {
    let name = match &l.address {
        Some(address) => format!("(unnamed) {}", cell(address)),
        None => cell(&l.name),
    };
    let presence = match l.presence {
        Presence::Both => "",
        Presence::OnlyBefore => " (only in BEFORE)",
        Presence::OnlyAfter => " (only in AFTER)",
    };
    let headline = format!(
        "listener {name}{presence}: {} removed, {} added, {} changed, {} unchanged",
        l.removed.len(),
        l.added.len(),
        l.changed.len(),
        l.unchanged
    );
    fit.line(out, &headline)?;
    writeln!(out)?;
    if !l.modes.is_empty() {
        let rows = l
            .modes
            .iter()
            .map(|m| {
                vec![
                    cell(&m.label),
                    mode_cell(m.before.as_ref()),
                    mode_cell(m.after.as_ref()),
                ]
            })
            .collect();
        fit.table(
            out,
            "mTLS mode (implied by the chains)",
            &["PORT", "BEFORE", "AFTER"],
            rows,
        )?;
    }
    if let Some(change) = &l.listener_filters {
        fit.line(out, &format!("listener {}", change_text(change)))?;
        writeln!(out)?;
    }
    let header = ["CHAIN", "MATCH", "DESTINATION", "TLS", "WASM"];
    if !l.removed.is_empty() {
        let rows = l.removed.iter().map(|c| chain_row(c, false, fit)).collect();
        fit.table(out, "removed (only in BEFORE)", &header, rows)?;
    }
    if !l.added.is_empty() {
        let rows = l
            .added
            .iter()
            .map(|c| chain_row(c, predicted, fit))
            .collect();
        let mut h = header.to_vec();
        if predicted {
            h.push("PREDICTED");
        }
        fit.table(out, "added (only in AFTER)", &h, rows)?;
    }
    if !l.changed.is_empty() {
        let rows = l
            .changed
            .iter()
            .map(|c| {
                let mut row = vec![
                    cell(&c.after.name),
                    cell(&match_text(&c.after.chain_match)),
                    c.changes
                        .iter()
                        .map(change_text)
                        .collect::<Vec<_>>()
                        .join("\n"),
                ];
                if predicted {
                    row.push(dash_lines(&c.after.predicted));
                }
                row
            })
            .collect();
        let mut h = vec!["CHAIN", "MATCH", "WHAT CHANGED"];
        if predicted {
            h.push("PREDICTED");
        }
        fit.table(out, "changed", &h, rows)?;
    }
    if !l.stopped_matching.is_empty() {
        let rows = l
            .stopped_matching
            .iter()
            .map(|c| {
                vec![
                    cell(&c.target),
                    if c.dst_ip.contains(':') {
                        format!("[{}]:{}", c.dst_ip, c.port)
                    } else {
                        format!("{}:{}", c.dst_ip, c.port)
                    },
                    c.kind.as_str().to_string(),
                    cell(&c.before_chain),
                ]
            })
            .collect();
        fit.table(
            out,
            "connections that would match no chain (Envoy closes them)",
            &["PORT", "DESTINATION", "CONNECTION", "BEFORE: CHAIN"],
            rows,
        )?;
    }
    Ok(())
}

fn dash_lines(list: &[String]) -> String {
    if list.is_empty() {
        "-".to_string()
    } else {
        list.iter().map(|s| cell(s)).collect::<Vec<_>>().join("\n")
    }
}

fn chain_row(c: &ChainSummary, predicted: bool, fit: Fit) -> Vec<String> {
    let mut row = vec![
        cell(&c.name),
        cell(&match_text(&c.chain_match)),
        cell(&destination_text(&c.destination)),
        cell(&tls_words(&c.tls)),
        fit.filters(&c.wasm),
    ];
    if predicted {
        row.push(dash_lines(&c.predicted));
    }
    row
}

/// What a chain's transport socket does, in words.
fn tls_words(tls: &TlsSummary) -> String {
    match tls {
        TlsSummary::None => "no TLS termination".to_string(),
        TlsSummary::Tls { istio_mtls, alpn } => {
            let kind = if *istio_mtls {
                "Istio mTLS"
            } else {
                "TLS (not Istio mTLS)"
            };
            if alpn.is_empty() {
                kind.to_string()
            } else {
                format!("{kind} [{}]", alpn.join(","))
            }
        }
        TlsSummary::Other { name } => format!("transport socket {name}"),
    }
}

fn change_text(c: &Change) -> String {
    match c {
        Change::Name { before, after } => format!("name: {} → {}", cell(before), cell(after)),
        Change::Config { part, changes } => {
            let lines: Vec<String> = changes.iter().map(|c| format!("  {}", cell(c))).collect();
            format!("config of {}:\n{}", cell(part), lines.join("\n"))
        }
        Change::TransportSocket { before, after } => {
            format!(
                "transport socket: {} → {}",
                cell(&tls_words(before)),
                cell(&tls_words(after))
            )
        }
        Change::Destination { before, after } => {
            format!(
                "destination: {} → {}",
                cell(&destination_text(before)),
                cell(&destination_text(after))
            )
        }
        Change::Filters {
            added,
            removed,
            reordered,
        } => {
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("added {}", cell(&added.join(", "))));
            }
            if !removed.is_empty() {
                parts.push(format!("removed {}", cell(&removed.join(", "))));
            }
            if *reordered {
                parts.push("reordered".to_string());
            }
            format!("filters: {}", parts.join("; "))
        }
    }
}

fn write_wasm(out: &mut dyn Write, wasm: &[WasmChange], fit: Fit) -> std::io::Result<()> {
    if wasm.is_empty() {
        return Ok(());
    }
    let rows = wasm
        .iter()
        .map(|w| {
            let mut chains: Vec<String> = w
                .lost
                .iter()
                .map(|c| {
                    format!(
                        "- {} {} ({}): {}",
                        cell(&c.listener),
                        cell(&c.chain),
                        cell(&match_text(&c.chain_match)),
                        c.how
                    )
                })
                .collect();
            chains.extend(w.gained.iter().map(|c| {
                format!(
                    "+ {} {} ({}): {}",
                    cell(&c.listener),
                    cell(&c.chain),
                    cell(&match_text(&c.chain_match)),
                    c.how
                )
            }));
            vec![
                fit.filter(&w.filter),
                format!("{} → {}", w.before, w.after),
                if chains.is_empty() {
                    "-".to_string()
                } else {
                    chains.join("\n")
                },
            ]
        })
        .collect();
    fit.table(
        out,
        "Wasm placements (before → after)",
        &["FILTER", "COUNT", "CHAINS BEHIND THE CHANGE"],
        rows,
    )
}
