//! One listener explained chain by chain: what each chain takes, which listener filters it
//! depends on, its filter pipeline with Wasm filters classified, and where it ends
//! (DOMAIN.md §2, §5, §6.2). Pure data; `render/explain/` words it.

use crate::analysis::explain::inspector::{Inspector, SNIFFED_ALPN, needed_inspectors};
use crate::analysis::explain::owned_match::owned_match;
use crate::analysis::explain::warnings::{Warning, listener_warnings};
use crate::analysis::listener::destination::{Destination, chain_destination};
use crate::analysis::listener::matcher_paths::{MatcherBranch, matcher_branches};
use crate::analysis::listener::refused::{RefusedUpdate, refused_update_of};
use crate::analysis::listener::rows::{listener_port, primary_address};
use crate::envoy::filter::TcpProxy;
use crate::envoy::route::RouteConfiguration;
use crate::envoy::{FilterChain, FilterChainMatch, Listener, NetworkFilterConfig};
use crate::istio::wasm_filter::{self, WasmFilter};

/// One listener, explained.
#[derive(Debug, Clone)]
pub struct ListenerExplanation {
    pub name: String,
    pub address: String,
    pub port: u32,
    /// True when the listener selects chains with `filter_chain_matcher`.
    pub uses_matcher: bool,
    /// `filter_chains` in order, then the default chain.
    pub chains: Vec<ChainInfo>,
    pub warnings: Vec<Warning>,
}

/// One chain, as data for its paragraph.
#[derive(Debug, Clone)]
pub struct ChainInfo {
    pub name: String,
    /// 1-based position among `filter_chains` (the default chain counts after them).
    pub position: usize,
    pub total: usize,
    pub is_default: bool,
    /// The chain's `filter_chain_match` (empty for the default chain and matcher listeners).
    pub conditions: FilterChainMatch<'static>,
    /// True on `filter_chain_matcher` listeners, where the match is the matcher's.
    pub in_matcher_listener: bool,
    /// For matcher listeners: the branches that lead here (empty: unreachable).
    pub matcher_branches: Vec<MatcherBranch>,
    /// What the ALPN list says about the peer.
    pub traffic: Option<TrafficKind>,
    /// Listener filters the chain's match depends on.
    pub needs: Vec<Inspector>,
    pub tls: TlsHandling,
    pub stages: Vec<Stage>,
    /// istioctl's DESTINATION.
    pub destination: Destination,
}

/// Who (by ALPN) a chain is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrafficKind {
    /// Istio's mTLS ALPN values (`istio`, `istio-peer-exchange`, `istio-http/*`, `istio-h2`).
    IstioMutualTls,
    /// Sniffed plaintext HTTP (`http/1.0`, `http/1.1`, `h2c`).
    PlaintextHttp,
}

/// What the chain does with TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsHandling {
    /// No TLS involved.
    None,
    /// A `DownstreamTlsContext` terminates TLS.
    Terminates { require_client_certificate: bool },
    /// The chain matches `tls` but has no transport socket: the bytes pass through.
    PassesThrough,
}

/// One network filter of the chain.
#[derive(Debug, Clone)]
pub enum Stage {
    Http {
        filters: Vec<HttpFilterInfo>,
        route: RouteInfo,
    },
    TcpProxy {
        clusters: Vec<String>,
        blackhole: bool,
        /// The bytes go in an HTTP request (`tunneling_config`: HBONE's CONNECT).
        tunnels: bool,
    },
    Other {
        name: String,
        /// A user network (L4) Wasm filter: how it is delivered (DOMAIN.md §6.2).
        wasm: Option<WasmFilter>,
    },
}

/// One HTTP filter and, for Wasm filters, how it is delivered.
#[derive(Debug, Clone)]
pub struct HttpFilterInfo {
    pub name: String,
    pub wasm: Option<WasmFilter>,
    /// A user's Wasm filter (not one of Istio's built-ins).
    pub is_user_wasm: bool,
}

/// Where an HCM's requests are routed.
#[derive(Debug, Clone)]
pub enum RouteInfo {
    Inline { name: String, clusters: Vec<String> },
    Rds { name: String },
    Scoped,
    Missing,
}

/// Explains every chain of `listener`, with the listener's warnings: first Envoy's refused
/// update of it, if `refused` (the dump's) holds one.
pub fn explain_listener(listener: &Listener<'_>, refused: &[RefusedUpdate]) -> ListenerExplanation {
    let uses_matcher = listener.filter_chain_matcher.is_some();
    let branches = listener
        .filter_chain_matcher
        .as_ref()
        .map(matcher_branches)
        .unwrap_or_default();
    let total = listener.filter_chains.len();
    let mut chains: Vec<ChainInfo> = listener
        .filter_chains
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut info = chain_info(c, i + 1, total, false, uses_matcher);
            info.matcher_branches = branches.get(c.name.as_ref()).cloned().unwrap_or_default();
            info
        })
        .collect();
    if let Some(d) = &listener.default_filter_chain {
        chains.push(chain_info(d, total + 1, total, true, uses_matcher));
    }
    ListenerExplanation {
        name: listener.name.to_string(),
        address: primary_address(listener).to_string(),
        port: listener_port(listener),
        uses_matcher,
        warnings: refused_update_of(refused, &listener.name)
            .map(|r| Warning::RefusedUpdate(r.clone()))
            .into_iter()
            .chain(listener_warnings(listener))
            .collect(),
        chains,
    }
}

fn chain_info(
    c: &FilterChain<'_>,
    position: usize,
    total: usize,
    is_default: bool,
    uses_matcher: bool,
) -> ChainInfo {
    let conditions = match (&c.filter_chain_match, is_default || uses_matcher) {
        (Some(m), false) => owned_match(m),
        _ => FilterChainMatch::default(),
    };
    ChainInfo {
        name: c.name.to_string(),
        position,
        total,
        is_default,
        traffic: traffic_kind(&conditions),
        needs: needed_inspectors(&conditions),
        tls: tls_handling(c, &conditions),
        stages: c.filters.iter().map(stage).collect(),
        destination: chain_destination(c),
        in_matcher_listener: uses_matcher,
        matcher_branches: Vec::new(),
        conditions,
    }
}

fn traffic_kind(m: &FilterChainMatch<'_>) -> Option<TrafficKind> {
    let alpn = &m.application_protocols;
    if alpn.is_empty() {
        return None;
    }
    if alpn.iter().all(|a| a.starts_with("istio")) {
        return Some(TrafficKind::IstioMutualTls);
    }
    if alpn.iter().all(|a| SNIFFED_ALPN.contains(&a.as_ref())) && m.transport_protocol != "tls" {
        return Some(TrafficKind::PlaintextHttp);
    }
    None
}

fn tls_handling(c: &FilterChain<'_>, m: &FilterChainMatch<'_>) -> TlsHandling {
    match &c.transport_socket {
        Some(ts) if ts.name.contains("tls") || type_url_of(ts.typed_config).contains("Tls") => {
            let raw = ts.typed_config.map_or("", |r| r.get());
            let require = serde_json::from_str::<serde_json::Value>(raw)
                .ok()
                .and_then(|v| {
                    let f = v.get("require_client_certificate")?;
                    let f = f.get("value").unwrap_or(f);
                    f.as_bool()
                })
                .or_else(|| {
                    serde_json::from_str::<serde_json::Value>(raw)
                        .ok()?
                        .get("requireClientCertificate")?
                        .as_bool()
                })
                .unwrap_or(false);
            TlsHandling::Terminates {
                require_client_certificate: require,
            }
        }
        _ if m.transport_protocol == "tls" => TlsHandling::PassesThrough,
        _ => TlsHandling::None,
    }
}

fn type_url_of(raw: Option<&serde_json::value::RawValue>) -> String {
    raw.and_then(|r| serde_json::from_str::<serde_json::Value>(r.get()).ok())
        .and_then(|v| v.get("@type")?.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn stage(f: &crate::envoy::NetworkFilter<'_>) -> Stage {
    match &f.config {
        NetworkFilterConfig::HttpConnectionManager(hcm) => Stage::Http {
            filters: hcm
                .http_filters
                .iter()
                .map(|hf| {
                    let wasm = wasm_filter::classify(hf);
                    let is_user_wasm = wasm.as_ref().is_some_and(|w| !w.is_builtin(&hf.name));
                    HttpFilterInfo {
                        name: hf.name.to_string(),
                        wasm,
                        is_user_wasm,
                    }
                })
                .collect(),
            route: if let Some(rc) = &hcm.route_config {
                RouteInfo::Inline {
                    name: rc.name.to_string(),
                    clusters: route_clusters(rc),
                }
            } else if let Some(rds) = &hcm.rds {
                RouteInfo::Rds {
                    name: rds.route_config_name.to_string(),
                }
            } else if hcm.scoped_routes.is_some() {
                RouteInfo::Scoped
            } else {
                RouteInfo::Missing
            },
        },
        NetworkFilterConfig::TcpProxy(t) => Stage::TcpProxy {
            clusters: tcp_clusters(t),
            blackhole: t.is_blackhole,
            tunnels: t.tunneling_config.is_some(),
        },
        _ => Stage::Other {
            name: f.name.to_string(),
            wasm: crate::istio::wasm_filter::classify_network(f).filter(|w| !w.is_builtin(&f.name)),
        },
    }
}

fn tcp_clusters(t: &TcpProxy<'_>) -> Vec<String> {
    if !t.cluster.is_empty() {
        return vec![t.cluster.to_string()];
    }
    t.weighted_clusters
        .iter()
        .map(|w| w.name.to_string())
        .collect()
}

fn route_clusters(rc: &RouteConfiguration<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rc.virtual_hosts.iter().flat_map(|vh| vh.routes.iter()) {
        if let Some(c) = r.route.as_ref().and_then(|a| a.cluster.as_deref())
            && !out.iter().any(|o| o == c)
        {
            out.push(c.to_string());
        }
    }
    out
}
