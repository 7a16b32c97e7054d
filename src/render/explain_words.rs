//! The words of `explain`: chain paragraphs, elimination reasons, warnings and the inputs a
//! real sidecar could not see. Shared by the text and JSON outputs. Only lays out what
//! `analysis::explain` decided; every name from the dump goes through [`sanitize`].

use crate::analysis::chain_select::{Connection, Criterion, Elimination, got};
use crate::analysis::explain::{
    ChainInfo, Inspector, InspectorState, RouteInfo, Stage, TlsHandling, TrafficKind, Unseen,
    Warning,
};
use crate::envoy::SourceType;
use crate::envoy::wasm::WasmFilter;
use crate::render::sanitize::sanitize;

/// `name` sanitised and in backticks.
pub fn code(name: &str) -> String {
    format!("`{}`", sanitize(name))
}

fn code_list(items: &[impl AsRef<str>]) -> String {
    let v: Vec<String> = items.iter().map(|s| code(s.as_ref())).collect();
    v.join(", ")
}

/// 1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, 21st.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A chain's name for lists: `name` (Nth), or "the unnamed Nth chain".
pub fn chain_label(info: &ChainInfo) -> String {
    let pos = if info.is_default {
        "default".to_string()
    } else {
        ordinal(info.position)
    };
    if info.name.is_empty() {
        format!("unnamed chain ({pos})")
    } else {
        format!("{} ({pos})", code(&info.name))
    }
}

/// The criterion in words.
pub fn criterion_words(c: Criterion) -> &'static str {
    match c {
        Criterion::DestinationPort => "destination port",
        Criterion::DestinationIp => "destination IP",
        Criterion::ServerName => "server name (SNI)",
        Criterion::TransportProtocol => "transport protocol",
        Criterion::ApplicationProtocols => "application protocols (ALPN)",
        Criterion::DirectSourceIp => "direct source IP",
        Criterion::SourceType => "source type",
        Criterion::SourceIp => "source IP",
        Criterion::SourcePort => "source port",
    }
}

/// Why a chain dropped out, after "criterion: ".
pub fn reason_words(c: Criterion, reason: &Elimination, conn: &Connection) -> String {
    let g = got(c, conn);
    match reason {
        Elimination::Mismatch { wanted, got } => {
            let w = wanted.join(", ");
            match c {
                Criterion::DestinationPort => {
                    format!("the chain wants port {w}, the connection goes to port {got}")
                }
                Criterion::DestinationIp => {
                    format!("the chain wants destination IPs in {w}, the connection goes to {got}")
                }
                Criterion::ServerName if got.is_empty() => {
                    format!(
                        "the chain wants SNI {}, the connection has no SNI",
                        code_list(wanted)
                    )
                }
                Criterion::ServerName => format!(
                    "the chain wants SNI {}, the connection's SNI is {}",
                    code_list(wanted),
                    code(got)
                ),
                Criterion::TransportProtocol => {
                    format!("the chain wants {w}, the connection is {got}")
                }
                Criterion::ApplicationProtocols if got.is_empty() => format!(
                    "the chain wants one of the ALPN values {}, the connection has no ALPN",
                    code_list(wanted)
                ),
                Criterion::ApplicationProtocols => format!(
                    "the chain wants one of the ALPN values {}, the connection offers {}",
                    code_list(wanted),
                    code_list(&conn.alpn)
                ),
                Criterion::DirectSourceIp => {
                    format!("the chain wants direct source IPs in {w}, the peer is {got}")
                }
                Criterion::SourceType => {
                    format!("the chain wants {w} peers, the connection is {got}")
                }
                Criterion::SourceIp => {
                    format!("the chain wants source IPs in {w}, the connection comes from {got}")
                }
                Criterion::SourcePort => format!(
                    "the chain wants source ports {w}, the connection comes from port {got}"
                ),
            }
        }
        Elimination::Shadowed { winner } => match c {
            Criterion::DestinationPort => format!(
                "port {winner} has chains of its own, so chains without a port are never considered"
            ),
            Criterion::DestinationIp | Criterion::DirectSourceIp | Criterion::SourceIp => format!(
                "chains for the longer prefix {winner} take {g}; chains without ranges are only the fallback"
            ),
            _ => format!(
                "chains naming {} take this connection; chains without {} are only the fallback",
                code(winner),
                c.field()
            ),
        },
        Elimination::LessSpecific { own, winner } => match c {
            Criterion::DestinationIp | Criterion::DirectSourceIp | Criterion::SourceIp => {
                format!("the chain's {own} holds {g}, but {winner} is a longer prefix")
            }
            Criterion::ApplicationProtocols => format!(
                "the chain's {} is offered, but the client lists {} first",
                code(own),
                code(winner)
            ),
            _ => format!(
                "the chain's {} fits, but {} is more specific",
                code(own),
                code(winner)
            ),
        },
    }
}

fn inspector_words(i: Inspector) -> &'static str {
    match i {
        Inspector::Tls => "the TLS inspector",
        Inspector::Http => "the HTTP inspector",
    }
}

fn state_words(state: InspectorState, port: Option<u32>) -> String {
    match (state, port) {
        (InspectorState::Absent, _) => "absent from the listener".to_string(),
        (_, Some(p)) => format!("disabled for port {p}"),
        (_, None) => "disabled for the ports without chains of their own".to_string(),
    }
}

/// What a real sidecar could not see.
pub fn unseen_words(u: &Unseen, port: u32) -> String {
    match u {
        Unseen::NeedsTlsInspector { what, state } => format!(
            "{what}: the TLS inspector is {}, so a real sidecar sees raw_buffer with no SNI or ALPN",
            state_words(*state, Some(port))
        ),
        Unseen::SniOnPlaintext => {
            "SNI: only the TLS inspector sets it, and only on TLS connections".to_string()
        }
        Unseen::NeedsHttpInspector { state } => format!(
            "ALPN on a plaintext connection: the HTTP inspector is {}, so the connection carries no ALPN",
            state_words(*state, Some(port))
        ),
        Unseen::NotSniffable { value } => format!(
            "ALPN {} on a plaintext connection: the HTTP inspector only sets http/1.0, http/1.1 or h2c",
            code(value)
        ),
    }
}

/// One warning, in words.
pub fn warning_words(w: &Warning, chains: &[ChainInfo], uses_matcher: bool) -> String {
    let label = |i: usize| {
        chains
            .get(i)
            .map_or_else(|| format!("chain {i}"), chain_label)
    };
    match w {
        Warning::MissingInspector {
            chain,
            inspector,
            state,
            port,
        } => format!(
            "chain {} matches on what only {} ({}) sets, but it is {}: the chain is never selected that way",
            label(*chain),
            inspector_words(*inspector),
            code(inspector.filter_name()),
            state_words(*state, *port)
        ),
        Warning::IdenticalMatches { first, second } => format!(
            "chains {} and {} have identical matches: Envoy rejects the listener (\"has the same matching rules defined\")",
            label(*first),
            label(*second)
        ),
        Warning::NeverSelected { chain } if uses_matcher => format!(
            "chain {} can never be selected: no filter_chain_matcher branch leads to it",
            label(*chain)
        ),
        Warning::NeverSelected { chain } => format!(
            "chain {} can never be selected: no combination of the values in the listener's matches reaches it",
            label(*chain)
        ),
        Warning::NotChecked { combinations } => format!(
            "never-selected chains not checked: {combinations} combinations of match values exceed the limit of 100000"
        ),
        Warning::DefaultChain { name } => format!(
            "connections no chain matches go to the default chain {}",
            code(name)
        ),
        Warning::NoDefaultChain => "the listener has no default chain: a connection no chain matches is closed (no_filter_chain_match; access log NR filter_chain_not_found)".to_string(),
    }
}

/// The plain-language paragraph of one chain.
pub fn chain_paragraph(info: &ChainInfo) -> String {
    let name = if info.name.is_empty() {
        "The unnamed chain".to_string()
    } else {
        format!("Chain {}", code(&info.name))
    };
    let mut p = if info.is_default {
        format!("{name} is the default chain: it takes every connection no other chain matches.")
    } else if !info.matcher_branches.is_empty() {
        let branches: Vec<String> = info.matcher_branches.iter().map(|b| code(b)).collect();
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
    let names: Vec<&str> = before
        .iter()
        .map(|st| match st {
            Stage::Other { name } => name.as_str(),
            Stage::Http { .. } => "envoy.filters.network.http_connection_manager",
            Stage::TcpProxy { .. } => "envoy.filters.network.tcp_proxy",
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
        s.push_str(&format!("the network {word} {}", code_list(&names)));
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
                    "Requests are routed by the inline route {} to {} {}.",
                    code(name),
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
        Some(Stage::TcpProxy { clusters, .. }) => s.push_str(&format!(
            "the TCP proxy, which forwards the bytes to {} {}.",
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
