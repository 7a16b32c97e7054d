//! Where every Wasm filter sits on one proxy: per listener, filter chain, transport protocol
//! and direction, and its position among Istio's own filters (DOMAIN.md §5.7, §6.2–6.3).
//!
//! Pure: reads decoded listeners, returns sites (one per filter chain, for the intent check)
//! and a placement map (one entry per Wasm filter). Istio's built-ins are kept apart.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::analysis::listener::cell_text::{match_text, serialize_match};
use crate::analysis::listener::chain_match::ChainMatch;
use crate::envoy::filter::{ConfigDiscovery, HttpFilter, NetworkFilter, NetworkFilterConfig};
use crate::envoy::proto::Str;
use crate::envoy::{FilterChainMatch, Listener, ListenerState, TrafficDirection};
use crate::istio::wasm_filter::{self, WasmFilter};

mod reduced;
use crate::istio::{NamingScheme, PluginRef};
pub use reduced::{ListenerChains, load_reduced, reduced_sites};

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
    /// destination port on inbound (0 for passthrough), else the listener port.
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

/// Builds one site per chain of every listener, in dump order.
pub fn chain_sites(
    listeners: &[(ListenerState, &Listener<'_>)],
    proxy: ProxyKind,
) -> Vec<ChainSite> {
    sites(listeners, proxy, false)
}

/// [`chain_sites`] without the chains that carry no Wasm filter: all that counting
/// placements needs (checking intent needs every chain, to tell where a plugin is missing).
/// Most chains of a big dump carry none.
pub fn wasm_chain_sites(
    listeners: &[(ListenerState, &Listener<'_>)],
    proxy: ProxyKind,
) -> Vec<ChainSite> {
    sites(listeners, proxy, true)
}

fn sites(
    listeners: &[(ListenerState, &Listener<'_>)],
    proxy: ProxyKind,
    wasm_only: bool,
) -> Vec<ChainSite> {
    let reduced = listeners
        .iter()
        .map(|(state, l)| (*state, ListenerChains::from(*l)))
        .collect();
    reduced_sites(reduced, proxy, wasm_only)
}

/// How `wasm count` groups a listener's traffic.
fn direction_of(proxy: ProxyKind, traffic: TrafficDirection) -> Direction {
    match (proxy, traffic) {
        (ProxyKind::Gateway | ProxyKind::Waypoint, _) => Direction::Gateway,
        (_, TrafficDirection::Inbound) => Direction::Inbound,
        (_, TrafficDirection::Outbound) => Direction::Outbound,
        (_, TrafficDirection::Unspecified) => Direction::Unspecified,
    }
}

/// What a chain and its listener give a site.
struct Site {
    state: ListenerState,
    direction: Direction,
    listener_port: u32,
    filters: Vec<SiteFilter>,
    has_hcm: bool,
    is_blackhole: bool,
}

fn site_of(
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
fn classify_network_parts<'a>(
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

fn collect<S: AsRef<str>>(list: &[(S, Option<WasmFilter>)], level: FilterLevel) -> Vec<SiteFilter> {
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

/// One place a filter sits.
#[derive(Debug, Clone, Serialize)]
pub struct Placement {
    /// Listener name.
    pub listener: String,
    /// `active`, `warming` or `draining`.
    pub listener_state: &'static str,
    /// `inbound`, `outbound`, `gateway` or `unspecified`.
    pub direction: Direction,
    /// Chain name (`-` when empty).
    pub chain: String,
    /// The chain's match; serialised as `pc listener` prints it.
    #[serde(serialize_with = "serialize_match")]
    pub chain_match: ChainMatch,
    /// Transport protocol the chain matches (`any` when unset).
    pub transport: String,
    /// 1-based position in the chain's filter list.
    pub position: usize,
    /// Length of that list.
    pub of: usize,
    /// The nearest Istio (non-plugin) filter before it.
    pub after: Option<String>,
    /// The nearest Istio (non-plugin) filter after it.
    pub before: Option<String>,
}

/// One Wasm filter on one proxy: who it belongs to and every place it sits.
#[derive(Debug, Clone, Serialize)]
pub struct WasmFilterReport {
    /// The filter name (for ECDS filters, the ECDS resource name).
    pub filter: String,
    /// `namespace/name` of the WasmPlugin or TrafficExtension the name decodes to.
    pub plugin: Option<String>,
    /// `WasmPlugin` or `TrafficExtension`.
    pub plugin_kind: Option<&'static str>,
    /// The Istio releases whose naming scheme the name follows (`1.12-1.20`, …, `1.30+`).
    pub istio_versions: Option<&'static str>,
    /// `ecds` or `inline`.
    pub delivery: &'static str,
    /// `http` or `network`.
    pub level: FilterLevel,
    /// VM runtime of an inline filter.
    pub runtime: Option<String>,
    /// Istio's own extension (listed apart from user plugins).
    pub builtin: bool,
    /// Number of placements.
    pub total: usize,
    /// Placements per listener name.
    pub by_listener: BTreeMap<String, usize>,
    /// Placements per chain name.
    pub by_chain: BTreeMap<String, usize>,
    /// Placements per transport protocol.
    pub by_transport: BTreeMap<String, usize>,
    /// Placements per direction.
    pub by_direction: BTreeMap<String, usize>,
    /// Every placement, in dump order.
    pub placements: Vec<Placement>,
}

/// The placement map: one report per (filter name, level), user plugins and built-ins alike,
/// sorted by built-in last, then name.
pub fn count_placements(sites: &[ChainSite]) -> Vec<WasmFilterReport> {
    let mut map: BTreeMap<(bool, String, FilterLevel), WasmFilterReport> = BTreeMap::new();
    for site in sites {
        for f in &site.filters {
            let key = (f.builtin, f.name.clone(), f.level);
            let report = map.entry(key).or_insert_with(|| new_report(f));
            report.total += 1;
            *report.by_listener.entry(site.listener.clone()).or_default() += 1;
            *report.by_chain.entry(site.chain.clone()).or_default() += 1;
            *report
                .by_transport
                .entry(site.transport.clone())
                .or_default() += 1;
            *report
                .by_direction
                .entry(site.direction.as_str().to_string())
                .or_default() += 1;
            report.placements.push(Placement {
                listener: site.listener.clone(),
                listener_state: site.state.as_str(),
                direction: site.direction,
                chain: site.chain.clone(),
                chain_match: site.chain_match.clone(),
                transport: site.transport.clone(),
                position: f.position,
                of: f.of,
                after: f.after.clone(),
                before: f.before.clone(),
            });
        }
    }
    map.into_values().collect()
}

/// The plugin a filter name decodes to, with its naming scheme.
pub fn decode_plugin(f: &SiteFilter) -> Option<(PluginRef, NamingScheme)> {
    match &f.wasm {
        WasmFilter::Ecds { plugin: Some(_) } => PluginRef::decode(&f.name, true),
        _ => None,
    }
}

fn new_report(f: &SiteFilter) -> WasmFilterReport {
    let decoded = decode_plugin(f);
    let (delivery, runtime) = match &f.wasm {
        WasmFilter::Ecds { .. } => ("ecds", None),
        WasmFilter::Inline { runtime } => ("inline", Some(runtime.clone())),
    };
    WasmFilterReport {
        filter: f.name.clone(),
        plugin: decoded.as_ref().map(|(p, _)| p.to_string()),
        plugin_kind: decoded.as_ref().map(|(p, _)| match p.kind {
            crate::istio::PluginKind::WasmPlugin => "WasmPlugin",
            crate::istio::PluginKind::TrafficExtension => "TrafficExtension",
        }),
        istio_versions: decoded.map(|(_, s)| s.istio_versions()),
        delivery,
        level: f.level,
        runtime,
        builtin: f.builtin,
        total: 0,
        by_listener: BTreeMap::new(),
        by_chain: BTreeMap::new(),
        by_transport: BTreeMap::new(),
        by_direction: BTreeMap::new(),
        placements: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
