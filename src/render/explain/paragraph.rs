//! The plain-language paragraph of one chain (the explain issue's model paragraph): what
//! connections it takes and who sets each attribute, the listener filters it depends on, its
//! filter pipeline in execution order with user Wasm filters marked, and where it ends.

use crate::analysis::explain::{ChainInfo, RouteInfo, Stage, TlsHandling, TrafficKind};
use crate::envoy::SourceType;
use crate::istio::wasm_filter::WasmFilter;
use crate::render::explain::words::{code, code_list, ordinal};
use crate::render::matcher_branch::branch_text;
use crate::util::sanitize::sanitize;

/// The plain-language paragraph of one chain.
pub fn chain_paragraph(info: &ChainInfo) -> String {
    let name = if info.name.is_empty() {
        "The unnamed chain".to_string()
    } else {
        format!("Chain {}", code(&info.name))
    };
    let mut p = if info.is_default {
        format!("{name} is the default chain: it takes every connection no other chain matches.")
    } else if info.in_matcher_listener && info.matcher_branches.is_empty() {
        format!(
            "{name} ({} of {}) is named by no filter_chain_matcher branch, so no connection reaches it.",
            ordinal(info.position),
            info.total
        )
    } else if info.in_matcher_listener {
        let branches: Vec<String> = info
            .matcher_branches
            .iter()
            .map(|b| code(&branch_text(b)))
            .collect();
        format!(
            "{name} ({} of {}) is selected by the filter_chain_matcher branch {}.",
            ordinal(info.position),
            info.total,
            branches.join(" or ")
        )
    } else if info.traffic.is_none() && info.conditions.is_empty() && info.stages.is_empty() {
        format!(
            "{name} ({} of {}) takes every connection.",
            ordinal(info.position),
            info.total
        )
    } else {
        format!(
            "{name} ({} of {}) takes {}.",
            ordinal(info.position),
            info.total,
            conditions_words(info)
        )
    };
    if !info.needs.is_empty() {
        let needs: Vec<String> = info.needs.iter().map(|i| code(i.filter_name())).collect();
        p.push_str(&format!(
            " It depends on the listener filter {}.",
            needs.join(" and ")
        ));
    }
    p.push(' ');
    p.push_str(&pipeline_words(info));
    p
}

fn conditions_words(info: &ChainInfo) -> String {
    let m = &info.conditions;
    let mut s = String::from("connections to ");
    s.push_str(&match m.destination_port {
        Some(p) => format!("destination port {p}"),
        None => "any destination port".to_string(),
    });
    let family_wide = |r: &crate::envoy::CidrRange<'_>| r.prefix_len() == 0;
    if m.prefix_ranges.is_empty() {
        s.push_str(" (any destination IP)");
    } else if let [r] = m.prefix_ranges.as_slice()
        && family_wide(r)
    {
        let family = if r.address_prefix.contains(':') {
            "IPv6"
        } else {
            "IPv4"
        };
        s.push_str(&format!(
            " with any {family} destination IP ({}/0)",
            sanitize(&r.address_prefix)
        ));
    } else {
        let r: Vec<String> = m
            .prefix_ranges
            .iter()
            .map(|r| format!("{}/{}", sanitize(&r.address_prefix), r.prefix_len()))
            .collect();
        s.push_str(&format!(" with a destination IP in {}", r.join(", ")));
    }
    match m.transport_protocol.as_ref() {
        "tls" => s.push_str(" that arrive as TLS (the TLS inspector saw a ClientHello; Envoy calls this transport `tls`)"),
        "raw_buffer" => s.push_str(" that arrive as plaintext (no listener filter detected TLS; Envoy calls this transport `raw_buffer`)"),
        "" => {}
        other => s.push_str(&format!(" with transport protocol {}", code(other))),
    }
    if !m.server_names.is_empty() {
        s.push_str(&format!(
            " for the server names (SNI) {}",
            code_list(&m.server_names)
        ));
    }
    if !m.application_protocols.is_empty() {
        if info.traffic == Some(TrafficKind::PlaintextHttp) {
            s.push_str(&format!(
                " and that the HTTP inspector recognised as {}",
                code_list(&m.application_protocols)
            ));
        } else {
            s.push_str(&format!(
                " and whose client offered one of the ALPN values {}",
                code_list(&m.application_protocols)
            ));
        }
    }
    if !m.direct_source_prefix_ranges.is_empty() {
        let r: Vec<String> = m
            .direct_source_prefix_ranges
            .iter()
            .map(|r| format!("{}/{}", sanitize(&r.address_prefix), r.prefix_len()))
            .collect();
        s.push_str(&format!(
            ", from directly connected peers in {}",
            r.join(", ")
        ));
    }
    match m.source_type {
        SourceType::Any => {}
        SourceType::SameIpOrLoopback => s.push_str(", from peers on the same host"),
        SourceType::External => s.push_str(", from other hosts"),
    }
    if !m.source_prefix_ranges.is_empty() {
        let r: Vec<String> = m
            .source_prefix_ranges
            .iter()
            .map(|r| format!("{}/{}", sanitize(&r.address_prefix), r.prefix_len()))
            .collect();
        s.push_str(&format!(", from source IPs in {}", r.join(", ")));
    }
    if !m.source_ports.is_empty() {
        let p: Vec<String> = m.source_ports.iter().map(u32::to_string).collect();
        s.push_str(&format!(", from source ports {}", p.join(", ")));
    }
    match info.traffic {
        Some(TrafficKind::IstioMutualTls) => {
            s.push_str(" — that is, traffic from another Istio sidecar over mutual TLS")
        }
        Some(TrafficKind::PlaintextHttp) => s.push_str(" — that is, plaintext HTTP"),
        None => {}
    }
    s
}

fn pipeline_words(info: &ChainInfo) -> String {
    let mut s = String::from("It ");
    match info.tls {
        TlsHandling::Terminates {
            require_client_certificate: true,
        } => s.push_str(
            "terminates TLS (a `DownstreamTlsContext` requiring client certificates) and ",
        ),
        TlsHandling::Terminates { .. } => {
            s.push_str("terminates TLS (a `DownstreamTlsContext`) and ")
        }
        TlsHandling::PassesThrough => s.push_str(
            "does not terminate TLS (no transport socket: the encrypted bytes pass through) and ",
        ),
        TlsHandling::None => {}
    }
    let (terminal, before) = match info.stages.split_last() {
        Some((last, rest)) if !matches!(last, Stage::Other { .. }) => (Some(last), rest),
        _ => (None, info.stages.as_slice()),
    };
    // A user network Wasm filter is marked as the HTTP ones are (DOMAIN.md §6.2).
    let names: Vec<String> = before
        .iter()
        .map(|st| match st {
            Stage::Other {
                name,
                wasm: Some(w),
            } => format!("{} ({})", code(name), wasm_words(w)),
            Stage::Other { name, wasm: None } => code(name),
            Stage::Http { .. } => code("envoy.filters.network.http_connection_manager"),
            Stage::TcpProxy { .. } => code("envoy.filters.network.tcp_proxy"),
        })
        .collect();
    if names.is_empty() && terminal.is_none() {
        s.push_str("has no network filters.");
        return s;
    }
    s.push_str("runs ");
    if !names.is_empty() {
        let word = if names.len() == 1 {
            "filter"
        } else {
            "filters"
        };
        s.push_str(&format!("the network {word} {}", names.join(", ")));
        if terminal.is_some() {
            s.push_str(", then ");
        } else {
            s.push('.');
        }
    }
    match terminal {
        Some(Stage::Http { filters, route }) => {
            let list: Vec<String> = filters
                .iter()
                .map(|f| match (&f.wasm, f.is_user_wasm) {
                    (Some(w), true) => format!("{} ({})", code(&f.name), wasm_words(w)),
                    _ => code(&f.name),
                })
                .collect();
            s.push_str(&format!(
                "the HTTP connection manager with these HTTP filters, in order: {}. ",
                list.join(", ")
            ));
            s.push_str(&match route {
                RouteInfo::Inline { name, clusters } => format!(
                    "Requests are routed by {} to {} {}.",
                    if name.is_empty() {
                        "an unnamed inline route".to_string()
                    } else {
                        format!("the inline route {}", code(name))
                    },
                    if clusters.len() == 1 { "cluster" } else { "clusters" },
                    if clusters.is_empty() { "(none)".to_string() } else { code_list(clusters) }
                ),
                RouteInfo::Rds { name } => {
                    format!("Requests are routed by the route configuration {} (from RDS).", code(name))
                }
                RouteInfo::Scoped => "Requests are routed by scoped routes.".to_string(),
                RouteInfo::Missing => "It names no route configuration.".to_string(),
            });
        }
        Some(Stage::TcpProxy { blackhole: true, .. }) => s.push_str(
            "the TCP proxy to `BlackHoleCluster`, which drops the connection (Istio's guard against loops).",
        ),
        Some(Stage::TcpProxy {
            clusters, tunnels, ..
        }) => s.push_str(&format!(
            "the TCP proxy, which {} to {} {}.",
            if *tunnels {
                "tunnels the bytes in an HTTP request (tunneling_config)"
            } else {
                "forwards the bytes"
            },
            if clusters.len() == 1 { "cluster" } else { "clusters" },
            code_list(clusters)
        )),
        _ => {}
    }
    s
}

fn wasm_words(w: &WasmFilter) -> String {
    match w {
        WasmFilter::Ecds { plugin: Some(p) } => format!(
            "Wasm, delivered by ECDS, {:?} {}",
            p.kind,
            sanitize(&p.to_string())
        ),
        WasmFilter::Ecds { plugin: None } => "Wasm, delivered by ECDS".to_string(),
        WasmFilter::Inline { runtime } if runtime.is_empty() => "Wasm, inline".to_string(),
        WasmFilter::Inline { runtime } => format!("Wasm, inline, runtime {}", code(runtime)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::explain::explain_listener;
    use crate::envoy::Listener;

    /// #16 point 3: a `type: NETWORK` plugin is marked in the chain's words as HTTP ones are.
    #[test]
    fn network_wasm_filters_are_marked() {
        let l: Listener<'_> = serde_json::from_str(
            r#"{"name":"l","filter_chains":[{"filters":[
              {"name":"extensions.istio.io/wasmplugin/default.tcp-audit","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm"]}},
              {"name":"envoy.filters.network.tcp_proxy","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy","cluster":"c"}}]}]}"#,
        )
        .unwrap();
        let e = explain_listener(&l, &[]);
        let text = chain_paragraph(&e.chains[0]);
        assert!(
            text.contains("runs the network filter `extensions.istio.io/wasmplugin/default.tcp-audit` (Wasm, delivered by ECDS, WasmPlugin default/tcp-audit), then the TCP proxy"),
            "{text}"
        );
    }
}
