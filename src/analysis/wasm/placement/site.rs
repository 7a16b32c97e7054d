//! Sites: each filter chain of a proxy's listeners with its direction, match, transport
//! and the Wasm filters it runs (HTTP and network), in execution order. Both the full
//! decoder's listeners and `wasm count`'s reduced ones become sites here.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::analysis::listener::cell_text::match_text;
use crate::analysis::listener::chain_match::ChainMatch;
use crate::envoy::filter::{ConfigDiscovery, HttpFilter, NetworkFilter, NetworkFilterConfig};
use crate::envoy::proto::Str;
use crate::envoy::{FilterChainMatch, ListenerState, TrafficDirection};
use crate::istio::wasm_filter::{self, WasmFilter};

/// What kind of proxy a dump comes from (the first field of the bootstrap `node.id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProxyKind {
    /// `sidecar~…`.
    Sidecar,
    /// `router~…`: an ingress or egress gateway.
    Gateway,
    /// `waypoint~…`.
    Waypoint,
    /// No bootstrap node in the dump.
    Unknown,
}

impl ProxyKind {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyKind::Sidecar => "sidecar",
            ProxyKind::Gateway => "gateway",
            ProxyKind::Waypoint => "waypoint",
            ProxyKind::Unknown => "unknown",
        }
    }

    /// Reads the node id's type prefix.
    pub fn from_node_id(id: &str) -> ProxyKind {
        match id.split('~').next() {
            Some("sidecar") => ProxyKind::Sidecar,
            Some("router") => ProxyKind::Gateway,
            Some("waypoint") => ProxyKind::Waypoint,
            _ => ProxyKind::Unknown,
        }
    }
}

/// Which traffic a listener carries, as `wasm count` groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
    Gateway,
    Unspecified,
}

impl Direction {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Gateway => "gateway",
            Direction::Unspecified => "unspecified",
        }
    }
}

/// Whether a filter is an HTTP filter (inside an HCM) or a network filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FilterLevel {
    Http,
    Network,
}

/// One Wasm filter in one chain, in filter order.
#[derive(Debug, Clone)]
pub struct SiteFilter {
    /// The filter's name (the ECDS resource name for ECDS filters).
    pub name: String,
    /// HTTP or network.
    pub level: FilterLevel,
    /// How it is delivered and who owns it.
    pub wasm: WasmFilter,
    /// Istio's own extension.
    pub builtin: bool,
    /// 1-based position in its filter list.
    pub position: usize,
    /// Length of that list.
    pub of: usize,
    /// The nearest filter before it that is not a user plugin.
    pub after: Option<String>,
    /// The nearest filter after it that is not a user plugin.
    pub before: Option<String>,
}

/// One filter chain of one listener, with its Wasm filters.
#[derive(Debug, Clone)]
pub struct ChainSite {
    /// Listener name.
    pub listener: String,
    /// Active, warming or draining.
    pub state: ListenerState,
    /// Inbound, outbound or gateway.
    pub direction: Direction,
    /// Chain name, `-` when empty.
    pub chain: String,
    /// The chain's match.
    pub chain_match: ChainMatch,
    /// `filter_chain_match.transport_protocol`, `any` when unset.
    pub transport: String,
    /// The port a plugin's `match.ports` compares with (DOMAIN.md §6.4): the chain's
    /// destination port on inbound (0 for passthrough), else the listener port; always 0 on
    /// a waypoint.
    pub port: u32,
    /// The chain has an HTTP connection manager (only those carry HTTP plugins).
    pub has_hcm: bool,
    /// Istio's blackhole chain.
    pub is_blackhole: bool,
    /// Wasm filters, network filters first, each list in execution order.
    pub filters: Vec<SiteFilter>,
}

impl ChainSite {
    /// `listener/chain (match)`, how verdicts name a chain.
    pub fn label(&self) -> String {
        format!(
            "{} {} ({})",
            self.listener,
            self.chain,
            match_text(&self.chain_match)
        )
    }
}

/// How `wasm count` groups a listener's traffic.
pub(super) fn direction_of(proxy: ProxyKind, traffic: TrafficDirection) -> Direction {
    match (proxy, traffic) {
        (ProxyKind::Gateway, _) => Direction::Gateway,
        // istiod builds a waypoint's chains as inbound (`ListenerInfo{Class: SidecarInbound}`
        // in `pilot/pkg/networking/core/listener_waypoint.go`), which is what decides that a
        // CLIENT-mode plugin never applies there (DOMAIN.md §6.4).
        (ProxyKind::Waypoint, _) => Direction::Inbound,
        (_, TrafficDirection::Inbound) => Direction::Inbound,
        (_, TrafficDirection::Outbound) => Direction::Outbound,
        (_, TrafficDirection::Unspecified) => Direction::Unspecified,
    }
}

/// What a chain and its listener give a site.
pub(super) struct Site {
    pub(super) state: ListenerState,
    pub(super) direction: Direction,
    pub(super) listener_port: u32,
    pub(super) filters: Vec<SiteFilter>,
    pub(super) has_hcm: bool,
    pub(super) is_blackhole: bool,
}

pub(super) fn site_of(
    listener: &str,
    chain: &str,
    fcm: Option<&FilterChainMatch<'_>>,
    site: Site,
) -> ChainSite {
    let port = match site.direction {
        Direction::Inbound => fcm
            .and_then(|m| m.destination_port)
            .filter(|p| *p != site.listener_port)
            .unwrap_or(0),
        _ => site.listener_port,
    };
    let transport = fcm
        .map(|m| m.transport_protocol.to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "any".into());
    ChainSite {
        listener: listener.to_string(),
        state: site.state,
        direction: site.direction,
        chain: if chain.is_empty() {
            "-".into()
        } else {
            chain.to_string()
        },
        chain_match: ChainMatch::of(fcm),
        transport,
        port,
        has_hcm: site.has_hcm,
        is_blackhole: site.is_blackhole,
        filters: site.filters,
    }
}

/// Classifies a network filter as [`wasm_filter::classify`] does HTTP filters (same fields).
pub fn classify_network(f: &NetworkFilter<'_>) -> Option<WasmFilter> {
    let other_config = match f.config {
        NetworkFilterConfig::Other(raw) => Some(raw),
        _ => None,
    };
    classify_network_parts(&f.name, other_config, f.config_discovery.clone())
}

/// [`classify_network`] from a filter's parts: the classification sees the config only of
/// a filter that is neither terminal (`other_config`).
pub(super) fn classify_network_parts<'a>(
    name: &Str<'a>,
    other_config: Option<&'a RawValue>,
    config_discovery: Option<ConfigDiscovery<'a>>,
) -> Option<WasmFilter> {
    let as_http = HttpFilter {
        name: name.clone(),
        typed_config: other_config,
        config_discovery,
        ..HttpFilter::default()
    };
    wasm_filter::classify(&as_http)
}

pub(super) fn collect<S: AsRef<str>>(
    list: &[(S, Option<WasmFilter>)],
    level: FilterLevel,
) -> Vec<SiteFilter> {
    let is_user = |(name, w): &(S, Option<WasmFilter>)| {
        w.as_ref().is_some_and(|w| !w.is_builtin(name.as_ref()))
    };
    let mut out = Vec::new();
    for (i, (name, w)) in list.iter().enumerate() {
        let Some(w) = w else { continue };
        let name = name.as_ref();
        let anchor = |f: &(S, Option<WasmFilter>)| (!is_user(f)).then(|| f.0.as_ref().to_string());
        out.push(SiteFilter {
            name: name.to_string(),
            level,
            builtin: w.is_builtin(name),
            wasm: w.clone(),
            position: i + 1,
            of: list.len(),
            after: list[..i].iter().rev().find_map(anchor),
            before: list[i + 1..].iter().find_map(anchor),
        });
    }
    out
}
