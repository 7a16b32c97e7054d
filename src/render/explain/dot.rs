//! `explain -o dot`: a Graphviz digraph of listener → chains → filters. The chain a simulated
//! connection lands on and the edges to it are drawn bold red; when Envoy leaves the choice
//! open (DOMAIN.md §3), every candidate is drawn dashed orange. User Wasm filters are filled.
//! Layout only; `dot -Tsvg` renders it.

use std::io::Write;

use crate::analysis::explain::chain_select::Chosen;
use crate::analysis::explain::upstream::{HostFrom, Hosts, Leg, Lookup};
use crate::analysis::explain::{ChainInfo, ExplainedListener, Stage, TlsHandling, WayReport};
use crate::render::RenderError;
use crate::render::explain::request_dot::request_nodes;
use crate::render::explain::way::step_name;
use crate::render::explain::words::ordinal;
use crate::util::sanitize::sanitize;

const CHOSEN: &str = "color=\"#c0392b\", penwidth=2.5";
const UNSPECIFIED: &str = "color=\"#d68910\", penwidth=2.5, style=dashed";
const WASM: &str = "style=filled, fillcolor=\"#ffe08a\"";

/// A DOT string literal: sanitised, with `\` and `"` escaped.
pub(super) fn quote(s: &str) -> String {
    let clean = sanitize(s);
    let mut out = String::with_capacity(clean.len() + 2);
    out.push('"');
    for c in clean.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Joins label lines with DOT's `\n` (after quoting each line).
pub(super) fn label(lines: &[String]) -> String {
    let quoted: Vec<String> = lines
        .iter()
        .map(|l| {
            let q = quote(l);
            q[1..q.len() - 1].to_string()
        })
        .collect();
    format!("\"{}\"", quoted.join("\\n"))
}

/// Writes the graph.
pub fn write_explain_dot(
    out: &mut dyn Write,
    listeners: &[ExplainedListener],
    way: Option<&WayReport>,
) -> Result<(), RenderError> {
    let mut s = String::from(
        "digraph explain {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n  edge [color=\"#7f8c8d\"];\n",
    );
    if let Some(way) = way {
        way_nodes(&mut s, way, !listeners.is_empty());
    }
    for (li, l) in listeners.iter().enumerate() {
        let e = &l.explanation;
        let lid = format!("l{li}");
        s.push_str(&format!(
            "  {lid} [shape=folder, label={}];\n",
            label(&[
                format!("listener {}", e.name),
                if e.address.is_empty() && e.port == 0 {
                    "internal".to_string()
                } else {
                    format!("{}:{}", e.address, e.port)
                }
            ])
        ));
        let chosen = l.simulation.as_ref().map(|sim| &sim.chosen);
        let lands = |o: &Chosen, ci: usize, c: &ChainInfo| match o {
            Chosen::Chain(i) => *i == ci,
            Chosen::Default => c.is_default,
            _ => false,
        };
        let style_of = |ci: usize, c: &ChainInfo| match chosen {
            Some(Chosen::Unspecified(t)) => t
                .outcomes
                .iter()
                .any(|o| lands(o, ci, c))
                .then_some(UNSPECIFIED),
            Some(o) => lands(o, ci, c).then_some(CHOSEN),
            None => None,
        };
        for (ci, c) in e.chains.iter().enumerate() {
            chain_nodes(&mut s, &lid, ci, c, style_of(ci, c));
        }
        // The request goes on from the chain that certainly took the connection.
        let taken = (e.chains.iter().enumerate()).find(|(ci, c)| style_of(*ci, c) == Some(CHOSEN));
        if let (Some(r), Some((ci, _))) = (&l.request, taken) {
            request_nodes(&mut s, &lid, &format!("{lid}_c{ci}"), r);
        }
        let closed = match chosen {
            Some(Chosen::Closed) => Some(CHOSEN),
            Some(Chosen::Unspecified(t)) if t.outcomes.contains(&Chosen::Closed) => {
                Some(UNSPECIFIED)
            }
            _ => None,
        };
        if let Some(style) = closed {
            s.push_str(&format!(
                "  {lid}_closed [shape=octagon, {style}, label=\"no chain matches:\\nconnection closed\"];\n  {lid} -> {lid}_closed [{style}];\n"
            ));
        }
    }
    if let Some(way) = way {
        onward_nodes(&mut s, way, listeners);
    }
    s.push_str("}\n");
    out.write_all(s.as_bytes())?;
    Ok(())
}

/// The last node of the chain that takes the connection on listener `li` (its terminal
/// filter, as `chain_nodes` numbers them).
fn chosen_node(li: usize, l: &ExplainedListener) -> Option<String> {
    let chains = &l.explanation.chains;
    let ci = match &l.simulation.as_ref()?.chosen {
        Chosen::Chain(i) => Some(*i),
        Chosen::Default => chains.iter().position(|c| c.is_default),
        _ => None,
    }?;
    let nodes: usize = (chains.get(ci)?.stages.iter())
        .map(|st| match st {
            Stage::Http { filters, .. } => 1 + filters.len(),
            _ => 1,
        })
        .sum();
    Some(match nodes {
        0 => format!("l{li}_c{ci}"),
        n => format!("l{li}_c{ci}_f{}", n - 1),
    })
}

/// The way past the chain that takes the connection: each cluster (`u…`) from the chain
/// that sends to it, each internal listener reached (`l1`, `l2`, … in way order) from the
/// cluster whose host leads there, and where the way stops.
fn onward_nodes(s: &mut String, way: &WayReport, listeners: &[ExplainedListener]) {
    let mut chain = listeners.first().and_then(|l| chosen_node(0, l));
    let mut cluster: Option<String> = None;
    let mut edge_label = "cluster".to_string();
    let mut next_listener = 1;
    for (k, leg) in way.onward.iter().enumerate() {
        let id = format!("u{k}");
        match leg {
            Leg::RouteDecides => {
                s.push_str(&format!(
                    "  {id} [shape=octagon, label=\"the route decides the cluster\\n(per request)\"];\n"
                ));
                if let Some(from) = &chain {
                    s.push_str(&format!("  {from} -> {id};\n"));
                }
            }
            Leg::Cluster(c) => {
                let (shape, detail) = match &c.state {
                    Lookup::Found(f) => match &f.hosts {
                        Hosts::OriginalDst(h) => (
                            "component",
                            format!(
                                "{} → {}{}",
                                f.discovery,
                                match (&h.address, &h.from) {
                                    (Some(a), _) => a.as_str(),
                                    (None, HostFrom::FilterStateAtRunTime { .. }) => {
                                        "set at run time"
                                    }
                                    (None, _) => "no host",
                                },
                                h.tls_alpn
                                    .as_ref()
                                    .map(|a| format!(" (TLS {})", a.join(",")))
                                    .unwrap_or_default()
                            ),
                        ),
                        _ => ("component", f.discovery.clone()),
                    },
                    Lookup::NotInDump => ("octagon", "not in the dump".to_string()),
                    Lookup::NoSection => ("octagon", "no clusters section".to_string()),
                    Lookup::Warming => ("octagon", "only warming".to_string()),
                };
                s.push_str(&format!(
                    "  {id} [shape={shape}, label={}];\n",
                    label(&[format!("cluster {}", c.name), detail])
                ));
                if let Some(from) = &chain {
                    s.push_str(&format!(
                        "  {from} -> {id} [{CHOSEN}, label={}];\n",
                        quote(&edge_label)
                    ));
                }
                cluster = Some(id);
            }
            Leg::Internal(i) => {
                let Some(from) = &cluster else { continue };
                match &i.state {
                    Some(reached) => {
                        let li = next_listener;
                        next_listener += 1;
                        s.push_str(&format!(
                            "  {from} -> l{li} [{CHOSEN}, label={}];\n",
                            quote(&format!("internal_upstream {}", i.endpoint_id))
                        ));
                        chain = listeners.get(li).and_then(|l| chosen_node(li, l));
                        edge_label = match &reached.tunnel {
                            Some(t) => format!(
                                "tunnel {} {}",
                                if t.use_post { "POST" } else { "CONNECT" },
                                t.authority.as_deref().unwrap_or(&t.hostname)
                            ),
                            None => "cluster".to_string(),
                        };
                    }
                    None => s.push_str(&format!(
                        "  {id} [shape=octagon, label={}];\n  {from} -> {id};\n",
                        label(&[format!("no internal listener {}", i.listener)])
                    )),
                }
            }
        }
    }
}

/// The connection and the listeners before the one whose chains decide (`l0`), each edge
/// labelled with the step that led there.
fn way_nodes(s: &mut String, way: &WayReport, ends_on_l0: bool) {
    let direction = way.direction.map_or("", |(d, _)| match d {
        crate::analysis::explain::Direction::Outbound => "outbound",
        crate::analysis::explain::Direction::Inbound => "inbound",
    });
    let what = if way.hbone.is_some() {
        "HBONE connection for"
    } else {
        "connection to"
    };
    s.push_str(&format!(
        "  conn [shape=oval, label={}];\n",
        label(
            &[format!("{what} {}", way.destination), direction.to_string()]
                .into_iter()
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
        )
    ));
    // The last hop is `l0` when a listener is explained; otherwise every hop is drawn here
    // and the way ends on a stop.
    let drawn = if ends_on_l0 {
        way.hops.len().saturating_sub(1)
    } else {
        way.hops.len()
    };
    let mut from = "conn".to_string();
    for (n, hop) in way.hops.iter().take(drawn).enumerate() {
        let id = format!("h{n}");
        s.push_str(&format!(
            "  {id} [shape=folder, label={}];\n  {from} -> {id} [{CHOSEN}, label={}];\n",
            label(&[format!("listener {}", hop.listener), hop.address.clone()]),
            quote(step_name(hop.kind))
        ));
        from = id;
    }
    match way.hops.last() {
        Some(last) if ends_on_l0 => s.push_str(&format!(
            "  {from} -> l0 [{CHOSEN}, label={}];\n",
            quote(step_name(last.kind))
        )),
        None if way.hbone.is_none() => s.push_str(
            "  refused [shape=octagon, label=\"no listener takes it:\\nrefused\"];\n  conn -> refused;\n",
        ),
        _ => s.push_str(&format!(
            "  stop [shape=octagon, label=\"the way stops here\\n(see the text output)\"];\n  {from} -> stop;\n"
        )),
    }
}

fn chain_nodes(s: &mut String, lid: &str, ci: usize, c: &ChainInfo, chosen: Option<&str>) {
    let cid = format!("{lid}_c{ci}");
    let title = if c.is_default {
        format!("default chain {}", c.name)
    } else {
        format!("{} chain {}", ordinal(c.position), c.name)
    };
    // An unnamed chain keeps no dangling space after "chain".
    let title = title.trim_end().to_string();
    let mut lines = vec![title];
    match c.tls {
        TlsHandling::Terminates { .. } => lines.push("terminates TLS".into()),
        TlsHandling::PassesThrough => lines.push("TLS passed through".into()),
        TlsHandling::None => {}
    }
    let mut attrs = format!("label={}", label(&lines));
    if c.is_default && chosen != Some(UNSPECIFIED) {
        attrs.push_str(", style=dashed");
    }
    if let Some(style) = chosen {
        attrs.push_str(&format!(", {style}"));
    }
    s.push_str(&format!("  {cid} [{attrs}];\n"));
    let edge = chosen.map_or(String::new(), |style| format!(" [{style}]"));
    s.push_str(&format!("  {lid} -> {cid}{edge};\n"));
    let mut prev = cid.clone();
    let mut n = 0;
    let mut node = |s: &mut String, text: &str, wasm: bool, prev: &mut String| {
        let id = format!("{cid}_f{n}");
        n += 1;
        let mut a = format!("label={}", quote(text));
        if wasm {
            a.push_str(&format!(", {WASM}"));
        }
        if let Some(style) = chosen {
            a.push_str(&format!(", {style}"));
        }
        s.push_str(&format!("  {id} [{a}];\n  {prev} -> {id}{edge};\n"));
        *prev = id;
    };
    for st in &c.stages {
        match st {
            Stage::Other { name, wasm } => node(s, name, wasm.is_some(), &mut prev),
            Stage::TcpProxy { clusters, .. } => node(
                s,
                &format!("tcp_proxy → {}", clusters.join(", ")),
                false,
                &mut prev,
            ),
            Stage::Http { filters, .. } => {
                node(s, "http_connection_manager", false, &mut prev);
                for f in filters {
                    node(s, &f.name, f.is_user_wasm, &mut prev);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_dot_strings() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny"), r#""x\\ny""#);
        assert_eq!(label(&["a".into(), "b\"".into()]), r#""a\nb\"""#);
    }
}
