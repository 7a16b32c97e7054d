//! `explain -o json`: one chain (see the wire format in `json.rs`).

use serde::Serialize;

use crate::analysis::explain::{ChainInfo, Stage, TlsHandling};
use crate::analysis::listener::cell_text::destination_text;
use crate::envoy::SourceType;
use crate::istio::wasm_filter::WasmFilter;
use crate::render::explain::paragraph::chain_paragraph;
use crate::render::matcher_branch::branch_text;

/// One chain.
#[derive(Debug, Serialize)]
pub struct ChainOut {
    pub index: Option<usize>,
    pub name: String,
    pub default: bool,
    #[serde(rename = "match")]
    pub match_: MatchOut,
    pub matcher_branches: Vec<String>,
    pub depends_on: Vec<&'static str>,
    pub tls: &'static str,
    pub require_client_certificate: bool,
    pub network_filters: Vec<String>,
    /// The user network (L4) Wasm filters among `network_filters`; left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub network_wasm_filters: Vec<HttpFilterOut>,
    pub http_filters: Vec<HttpFilterOut>,
    pub destination: String,
    pub description: String,
}

/// A chain's `filter_chain_match`; empty fields are left out.
#[derive(Debug, Default, Serialize)]
pub struct MatchOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_port: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prefix_ranges: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub server_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_protocol: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub application_protocols: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub direct_source_prefix_ranges: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_prefix_ranges: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_ports: Vec<u32>,
}

/// One HTTP filter.
#[derive(Debug, Serialize)]
pub struct HttpFilterOut {
    pub name: String,
    pub wasm: Option<WasmOut>,
}

/// How a Wasm filter is delivered.
#[derive(Debug, Serialize)]
pub struct WasmOut {
    pub delivery: &'static str,
    pub plugin: Option<String>,
    pub kind: Option<String>,
    /// False for Istio's own built-ins.
    pub user: bool,
}

fn ranges(r: &[crate::envoy::CidrRange<'_>]) -> Vec<String> {
    r.iter()
        .map(|r| format!("{}/{}", r.address_prefix, r.prefix_len()))
        .collect()
}

/// How a Wasm filter is delivered, as JSON.
fn wasm_out(w: &WasmFilter, user: bool) -> WasmOut {
    match w {
        WasmFilter::Ecds { plugin } => WasmOut {
            delivery: "ecds",
            plugin: plugin.as_ref().map(|p| p.to_string()),
            kind: plugin.as_ref().map(|p| format!("{:?}", p.kind)),
            user,
        },
        WasmFilter::Inline { .. } => WasmOut {
            delivery: "inline",
            plugin: None,
            kind: None,
            user,
        },
    }
}

/// A chain as JSON.
pub fn chain_out(c: &ChainInfo) -> ChainOut {
    let m = &c.conditions;
    let strings = |v: &[std::borrow::Cow<'_, str>]| v.iter().map(|s| s.to_string()).collect();
    let mut network_filters = Vec::new();
    let mut http_filters = Vec::new();
    let mut network_wasm = Vec::new();
    for st in &c.stages {
        match st {
            Stage::Http { filters, .. } => {
                network_filters.push("envoy.filters.network.http_connection_manager".to_string());
                http_filters.extend(filters.iter().map(|f| HttpFilterOut {
                    name: f.name.clone(),
                    wasm: f.wasm.as_ref().map(|w| wasm_out(w, f.is_user_wasm)),
                }));
            }
            Stage::TcpProxy { .. } => {
                network_filters.push("envoy.filters.network.tcp_proxy".to_string())
            }
            Stage::Other { name, wasm } => {
                network_filters.push(name.clone());
                if let Some(w) = wasm {
                    network_wasm.push(HttpFilterOut {
                        name: name.clone(),
                        wasm: Some(wasm_out(w, true)),
                    });
                }
            }
        }
    }
    ChainOut {
        index: (!c.is_default).then(|| c.position - 1),
        name: c.name.clone(),
        default: c.is_default,
        match_: MatchOut {
            destination_port: m.destination_port,
            prefix_ranges: ranges(&m.prefix_ranges),
            server_names: strings(&m.server_names),
            transport_protocol: (!m.transport_protocol.is_empty())
                .then(|| m.transport_protocol.to_string()),
            application_protocols: strings(&m.application_protocols),
            direct_source_prefix_ranges: ranges(&m.direct_source_prefix_ranges),
            source_type: match m.source_type {
                SourceType::Any => None,
                SourceType::SameIpOrLoopback => Some("SAME_IP_OR_LOOPBACK"),
                SourceType::External => Some("EXTERNAL"),
            },
            source_prefix_ranges: ranges(&m.source_prefix_ranges),
            source_ports: m.source_ports.clone(),
        },
        matcher_branches: c.matcher_branches.iter().map(branch_text).collect(),
        depends_on: c.needs.iter().map(|i| i.filter_name()).collect(),
        tls: match c.tls {
            TlsHandling::None => "none",
            TlsHandling::Terminates { .. } => "terminates",
            TlsHandling::PassesThrough => "passthrough",
        },
        require_client_certificate: matches!(
            c.tls,
            TlsHandling::Terminates {
                require_client_certificate: true
            }
        ),
        network_filters,
        network_wasm_filters: network_wasm,
        http_filters,
        destination: destination_text(&c.destination),
        description: chain_paragraph(c),
    }
}
