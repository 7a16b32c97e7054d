//! The placement map: one report per Wasm filter, with every place it sits and its counts
//! per listener, chain, transport and direction.

use std::collections::BTreeMap;

use serde::Serialize;

use super::site::{ChainSite, Direction, FilterLevel, SiteFilter};
use crate::analysis::listener::cell_text::serialize_match;
use crate::analysis::listener::chain_match::ChainMatch;
use crate::istio::wasm_filter::WasmFilter;
use crate::istio::{NamingScheme, PluginRef};

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
