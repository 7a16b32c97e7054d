//! istioctl's `proxy-config ecds` rows (DOMAIN.md §4.8) and meshscope's wide columns.

use crate::envoy::EcdsFilter;
use crate::envoy::ecds::AgentStandIn;
use crate::istio::PluginRef;
use crate::util::go_sort::sort_slice;

/// One ECDS entry as a table row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcdsRow {
    pub name: String,
    /// `@type` without `type.googleapis.com/`, empty without a config.
    pub type_name: String,
    /// The WasmPlugin / TrafficExtension the name decodes to.
    pub plugin: Option<PluginRef>,
    pub source: Option<String>,
    pub sha256: Option<String>,
    pub failure_policy: Option<String>,
    pub runtime: Option<String>,
    pub last_updated: String,
    pub note: Option<String>,
}

/// Rows sorted by full type URL, then name (Go `sort.Slice`, as istioctl).
pub fn ecds_rows(filters: &[EcdsFilter<'_>]) -> Vec<EcdsRow> {
    let mut sorted: Vec<&EcdsFilter<'_>> = filters.iter().collect();
    sort_slice(&mut sorted, |a, b| {
        if a.type_url != b.type_url {
            return a.type_url.as_bytes() < b.type_url.as_bytes();
        }
        a.name.as_bytes() < b.name.as_bytes()
    });
    sorted.into_iter().map(row).collect()
}

fn row(f: &EcdsFilter<'_>) -> EcdsRow {
    let details = f.wasm_details().unwrap_or_default();
    let stand_in = f.agent_stand_in();
    // Any ECDS resource under a plugin name: the bare 1.12–1.20 form only for Wasm (or the
    // agent's stand-in for Wasm), since other ECDS names can have dots too.
    let plugin = PluginRef::from_ecds_name(&f.name, f.is_wasm() || stand_in.is_some());
    let note = stand_in.map(|s| match s {
        AgentStandIn::DenyAll => "agent deny-all stand-in: module fetch failed".to_string(),
        AgentStandIn::AllowAll => "agent allow-all stand-in: module fetch failed".to_string(),
    });
    EcdsRow {
        name: f.name.to_string(),
        type_name: f
            .type_url
            .strip_prefix("type.googleapis.com/")
            .unwrap_or(&f.type_url)
            .to_string(),
        plugin,
        source: details.source,
        sha256: details.sha256,
        failure_policy: details.failure_policy,
        runtime: details.runtime,
        last_updated: f.last_updated.to_string(),
        note,
    }
}
