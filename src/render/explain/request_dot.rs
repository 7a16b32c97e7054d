//! `explain --request -o dot`: the request's way after the chosen chain, drawn in the
//! chosen colour (route configuration → virtual host → route → clusters → endpoints), or
//! the octagon where it ends (NR, a redirect, a direct response, a gap).

use crate::analysis::explain::request::upstream::EndpointsSource;
use crate::analysis::explain::request::{
    Action, HttpTrace, RequestReport, RequestTrace, RouteSource, Upstream,
};
use crate::render::explain::request_upstream::gap_words;

/// The same red as the chosen chain.
const WAY: &str = "color=\"#c0392b\", penwidth=2.5";

fn node(s: &mut String, id: &str, shape: &str, label: &str, from: &str) {
    s.push_str(&format!(
        "  {id} [shape={shape}, label={}, {WAY}];\n  {from} -> {id} [{WAY}];\n",
        super::dot::label(&label.split('\n').map(str::to_string).collect::<Vec<_>>())
    ));
}

/// Appends the request's nodes, starting from node `from` (the chosen chain).
pub fn request_nodes(s: &mut String, lid: &str, from: &str, report: &RequestReport) {
    let r = &report.request;
    let rid = format!("{lid}_req");
    node(
        s,
        &rid,
        "note",
        &format!("{} {}\nHost {}", r.method, r.path, r.authority),
        from,
    );
    match &report.trace {
        RequestTrace::Http(t) => http_nodes(s, &rid, t),
        RequestTrace::Tcp { upstreams } => {
            let tid = format!("{rid}_tcp");
            node(s, &tid, "box", "tcp_proxy: no HTTP routing", &rid);
            upstream_nodes(s, &tid, upstreams);
        }
        RequestTrace::NoChain | RequestTrace::NoTerminal => {
            node(s, &format!("{rid}_none"), "octagon", "not followed", &rid);
        }
    }
}

fn http_nodes(s: &mut String, rid: &str, t: &HttpTrace) {
    let mut prev = rid.to_string();
    if let Some(src) = &t.source {
        let id = format!("{rid}_rc");
        let text = match src {
            RouteSource::Rds { name } => format!("route configuration {name} (RDS)"),
            RouteSource::Inline { name } => format!("route configuration {name} (inline)"),
        };
        node(s, &id, "box", &text, &prev);
        prev = id;
    }
    if let Some(vh) = &t.virtual_host {
        let id = format!("{rid}_vh");
        node(
            s,
            &id,
            "box",
            &format!("virtual host {}\ndomain {}", vh.name, vh.domain),
            &prev,
        );
        prev = id;
    }
    if let Some(g) = &t.gap {
        node(s, &format!("{rid}_gap"), "octagon", &gap_words(g), &prev);
        return;
    }
    let taken = t.taken.and_then(|i| t.routes.iter().find(|r| r.index == i));
    if let Some(route) = taken {
        let id = format!("{rid}_route");
        node(
            s,
            &id,
            "box",
            &format!("route {} ({})", route.name, route.index + 1),
            &prev,
        );
        prev = id;
    }
    if t.route_not_found() {
        node(
            s,
            &format!("{rid}_nr"),
            "octagon",
            "404 NR (route not found)",
            &prev,
        );
        return;
    }
    match &t.action {
        Some(Action::Redirect { .. }) => {
            node(s, &format!("{rid}_end"), "octagon", "redirect", &prev)
        }
        Some(Action::DirectResponse { status, .. }) => {
            node(
                s,
                &format!("{rid}_end"),
                "octagon",
                &format!("direct response {status}"),
                &prev,
            );
        }
        _ => upstream_nodes(s, &prev, &t.upstreams),
    }
}

fn upstream_nodes(s: &mut String, from: &str, ups: &[Upstream]) {
    for (i, u) in ups.iter().enumerate() {
        let id = format!("{from}_u{i}");
        let weight = u.weight.map_or(String::new(), |w| format!("\nweight {w}"));
        node(
            s,
            &id,
            "cylinder",
            &format!("cluster {}{weight}", u.name),
            from,
        );
        if let Some(g) = &u.gap {
            node(s, &format!("{id}_gap"), "octagon", &gap_words(g), &id);
            continue;
        }
        if u.source == EndpointsSource::OriginalDestination {
            node(
                s,
                &format!("{id}_e"),
                "ellipse",
                "original destination",
                &id,
            );
        }
        for (j, e) in u.endpoints.iter().enumerate() {
            let text = format!("{}\n{}", e.addresses.join(", "), e.health);
            node(s, &format!("{id}_e{j}"), "ellipse", &text, &id);
        }
    }
}
