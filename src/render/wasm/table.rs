//! `wasm count` tables (comfy-table, meshscope's own layout): per proxy a heading, the
//! plugins with their placement breakdown, every placement, ECDS health, the expected order,
//! the verdicts and Istio's built-ins. It only lays out what `analysis::wasm_count` decided.

use std::collections::BTreeMap;
use std::io::Write;

use crate::analysis::listener::cell_text::match_text;
use crate::analysis::wasm::count::{ProxyReport, WasmCountReport};
use crate::analysis::wasm::intent::{IntentStatus, UncheckedReason, VerdictKind};
use crate::analysis::wasm::placement::WasmFilterReport;
use crate::analysis::wasm::unchecked::MODELLED_MINORS;
use colored::Colorize;

use crate::istio::ecds_name::short_ecds_name;
use crate::render::refused_update::{Reading, refused_update_words};
use crate::render::tables::layout::{Paint, write_titled_table_fit};
use crate::render::terminal::{Terminal, wrap_text};
use crate::util::sanitize::sanitize;

fn cell(s: &str) -> String {
    sanitize(s).into_owned()
}

fn opt(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty())
        .map_or_else(|| "-".to_string(), cell)
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    map.iter()
        .map(|(k, v)| format!("{}: {v}", cell(k)))
        .collect::<Vec<_>>()
        .join("\n")
}

fn label(f: &WasmFilterReport) -> String {
    f.plugin.as_deref().map_or_else(|| cell(&f.filter), cell)
}

/// A filter name as a cell: on a terminal (a width to fit) an ECDS name is shortened to
/// its plugin, `ns/name`.
fn filter_cell(name: &str, term: Terminal) -> String {
    if term.width.is_some() {
        cell(&short_ecds_name(name))
    } else {
        cell(name)
    }
}

/// Writes every proxy's tables, fitted to `term.width` when there is one.
pub fn write_report(
    out: &mut dyn Write,
    report: &WasmCountReport,
    term: Terminal,
) -> std::io::Result<()> {
    for (i, p) in report.proxies.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let mut text = Vec::new();
        write_proxy(&mut text, p, term)?;
        match term.width {
            // Table lines already fit; the wrap only reaches the long heading lines.
            Some(w) => out.write_all(wrap_text(&String::from_utf8_lossy(&text), w).as_bytes())?,
            None => out.write_all(&text)?,
        }
    }
    Ok(())
}

/// Problems in red, a clean verdict in green; decided from the verdict, not the text.
fn paint_verdict(p: &ProxyReport, row: usize, column: usize, text: &str) -> Option<String> {
    if column != 0 {
        return None;
    }
    let v = p.verdicts.get(row)?;
    Some(if v.verdict.is_problem() {
        text.red().to_string()
    } else if v.verdict == VerdictKind::NotChecked {
        text.yellow().to_string()
    } else {
        text.green().to_string()
    })
}

fn write_heading(out: &mut dyn Write, p: &ProxyReport) -> std::io::Result<()> {
    let kind = p.proxy.kind.as_str();
    writeln!(
        out,
        "PROXY {} ({kind}, namespace {}, Istio {}; identity from {})",
        cell(&p.source),
        opt(p.proxy.namespace.as_deref()),
        opt(p.proxy.istio_version.as_deref()),
        p.proxy.identity_from
    )?;
    let ecds = if p.ecds_section {
        "ECDS: the dump has an ECDS section"
    } else {
        "ECDS: the dump has no ECDS section (Envoy before Istio 1.17 dumps none): ECDS state unknown"
    };
    let version;
    let intent = match p.intent {
        IntentStatus::Checked => "INTENT: checked against the given resources",
        IntentStatus::NoResources => "INTENT: not checked (no --resources)",
        IntentStatus::IstioVersionNotModelled => {
            version = format!(
                "INTENT: not checked (Istio {} is outside the modelled range 1.{}-1.{})",
                opt(p.proxy.istio_version.as_deref()),
                MODELLED_MINORS.start(),
                MODELLED_MINORS.end()
            );
            version.as_str()
        }
        IntentStatus::UnknownNamespace => {
            "INTENT: not checked (the proxy's namespace is unknown: use --namespace)"
        }
    };
    writeln!(out, "{ecds}\n{intent}")?;
    for r in &p.refused_updates {
        let words = refused_update_words(r, |n| format!("{:?}", cell(n)), Reading::Counted);
        writeln!(out, "WARNING: {}", cell(&words))?;
    }
    writeln!(out)
}

fn write_proxy(out: &mut dyn Write, p: &ProxyReport, term: Terminal) -> std::io::Result<()> {
    let write_table = |out: &mut dyn Write, title: &str, header: &[&str], rows| {
        write_titled_table_fit(out, title, header, rows, term.width, None)
    };
    write_heading(out, p)?;
    if p.plugins.is_empty() {
        writeln!(out, "PLUGINS: none\n")?;
    } else {
        let rows = p
            .plugins
            .iter()
            .map(|f| {
                vec![
                    label(f),
                    cell(&f.filter),
                    opt(f.istio_versions),
                    f.total.to_string(),
                    counts(&f.by_listener),
                    counts(&f.by_chain),
                    counts(&f.by_transport),
                    counts(&f.by_direction),
                ]
            })
            .collect();
        let header = [
            "PLUGIN",
            "FILTER",
            "NAMING",
            "TOTAL",
            "LISTENERS",
            "CHAINS",
            "TRANSPORT",
            "DIRECTION",
        ];
        write_table(out, "PLUGINS", &header, rows)?;
        let rows = p
            .plugins
            .iter()
            .flat_map(|f| f.placements.iter().map(move |pl| (f, pl)))
            .map(|(f, pl)| {
                let mut position = format!("{}/{}", pl.position, pl.of);
                if let Some(a) = &pl.after {
                    position.push_str(&format!(" after {}", filter_cell(a, term)));
                }
                if let Some(b) = &pl.before {
                    position.push_str(&format!(" before {}", filter_cell(b, term)));
                }
                vec![
                    label(f),
                    cell(&pl.listener),
                    pl.listener_state.to_string(),
                    pl.direction.as_str().to_string(),
                    cell(&pl.chain),
                    cell(&match_text(&pl.chain_match)),
                    cell(&pl.transport),
                    position,
                ]
            })
            .collect();
        let header = [
            "PLUGIN",
            "LISTENER",
            "STATE",
            "DIRECTION",
            "CHAIN",
            "MATCH",
            "TRANSPORT",
            "POSITION",
        ];
        write_table(out, "PLACEMENTS", &header, rows)?;
    }
    if !p.ecds.is_empty() {
        let rows = p
            .ecds
            .iter()
            .map(|h| {
                let listeners = h
                    .listeners
                    .iter()
                    .map(|(l, s)| format!("{} ({})", cell(l), s.join(", ")))
                    .collect::<Vec<_>>()
                    .join("\n");
                vec![
                    h.plugin.as_deref().map_or_else(|| cell(&h.filter), cell),
                    h.state.as_str().to_string(),
                    opt(h.version_info.as_deref()),
                    opt(h.last_updated.as_deref()),
                    opt(h.source.as_deref()),
                    opt(h.sha256.as_deref().map(|s| s.get(..12).unwrap_or(s))),
                    opt(h.failure_policy.as_deref()),
                    listeners,
                ]
            })
            .collect();
        let header = [
            "PLUGIN",
            "ECDS",
            "VERSION",
            "LAST UPDATED",
            "SOURCE",
            "SHA256",
            "FAILURE",
            "LISTENERS",
        ];
        write_table(out, "ECDS", &header, rows)?;
    }
    if !p.expected_order.is_empty() {
        // Each filter list is numbered on its own; NETWORK plugins are said to be apart.
        let mut place = 0;
        let rows = p
            .expected_order
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let first_of_list = i == 0 || p.expected_order[i - 1].filter_list != e.filter_list;
                place = if first_of_list { 1 } else { place + 1 };
                let mut note: Vec<&str> = Vec::new();
                if e.filter_list == "network" {
                    note.push("network filters (own order)");
                }
                if e.uncertain {
                    note.push("uncertain (no creationTimestamp)");
                }
                vec![
                    place.to_string(),
                    cell(&e.plugin),
                    e.phase.to_string(),
                    e.priority
                        .map_or_else(|| "unset".to_string(), |p| p.to_string()),
                    note.join("; "),
                ]
            })
            .collect();
        write_table(
            out,
            "EXPECTED ORDER",
            &["#", "PLUGIN", "PHASE", "PRIORITY", "NOTE"],
            rows,
        )?;
    }
    if !p.verdicts.is_empty() {
        let rows = p
            .verdicts
            .iter()
            .map(|v| {
                vec![
                    v.verdict.as_str().to_string(),
                    cell(&v.plugin),
                    v.chains
                        .iter()
                        .map(|c| cell(c))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    cell(&v.detail),
                ]
            })
            .collect();
        let paint = |row: usize, column: usize, text: &str| paint_verdict(p, row, column, text);
        write_titled_table_fit(
            out,
            "VERDICTS",
            &["VERDICT", "PLUGIN", "WHERE", "DETAIL"],
            rows,
            term.width,
            term.color.then_some(&paint as Paint<'_>),
        )?;
    }
    if !p.builtins.is_empty() {
        let rows = p
            .builtins
            .iter()
            .map(|f| {
                vec![
                    cell(&f.filter),
                    f.delivery.to_string(),
                    if f.level == crate::analysis::wasm::placement::FilterLevel::Http {
                        "http"
                    } else {
                        "network"
                    }
                    .to_string(),
                    opt(f.runtime.as_deref()),
                    f.total.to_string(),
                    counts(&f.by_listener),
                ]
            })
            .collect();
        let header = [
            "FILTER",
            "DELIVERY",
            "LEVEL",
            "RUNTIME",
            "TOTAL",
            "LISTENERS",
        ];
        write_table(out, "ISTIO BUILT-INS", &header, rows)?;
    }
    let problems = p.problems.to_string();
    let problems = match (term.color, p.problems) {
        (false, _) => problems,
        (true, 0) if p.has_unchecked() => problems,
        (true, 0) => problems.green().to_string(),
        (true, _) => problems.red().to_string(),
    };
    // Intent checked can still leave single plugins unchecked (a ServiceEntry ref on a
    // waypoint): their verdicts carry the reason.
    let reason = p
        .intent
        .unchecked_reason()
        .or_else(|| p.verdicts.iter().find_map(|v| v.reason));
    let Some(reason) = reason.filter(|_| p.has_unchecked()) else {
        return writeln!(out, "PROBLEMS: {problems}");
    };
    // No plugin in the dump or the resources: what is unchecked is whether one is missing.
    let plugins = match p.unchecked {
        0 => "whether a plugin is missing".to_string(),
        1 => "1 plugin".to_string(),
        n => format!("{n} plugins"),
    };
    let words = format!("NOT CHECKED: {plugins} ({})", reason_words(reason, p));
    let words = if term.color {
        words.yellow().to_string()
    } else {
        words
    };
    writeln!(out, "PROBLEMS: {problems}; {words}")
}

/// Why intent was not checked, in the words of the summary line.
fn reason_words(reason: UncheckedReason, p: &ProxyReport) -> String {
    match reason {
        UncheckedReason::NoResources => "no --resources".to_string(),
        UncheckedReason::ResourceMissing => format!(
            "the ServiceEntry behind a {} chain is not among the resources",
            p.proxy.kind.as_str()
        ),
        UncheckedReason::UnknownNamespace => {
            "the proxy's namespace is unknown: give --namespace".to_string()
        }
        UncheckedReason::IstioVersionNotModelled => format!(
            "Istio {} is outside the modelled range 1.{}-1.{}",
            opt(p.proxy.istio_version.as_deref()),
            MODELLED_MINORS.start(),
            MODELLED_MINORS.end()
        ),
    }
}
