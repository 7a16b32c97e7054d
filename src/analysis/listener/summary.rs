//! `pc listener` in fleet mode (`-l`, `-A`): one summary per proxy instead of its chain
//! table: how many listeners it has in each state, the inbound listener's chains, the mTLS
//! mode those chains imply per port, and the user Wasm plugins placed on them.
//!
//! Pure: reads decoded listeners. The inbound listener is Istio's `virtualInbound` (port
//! 15006 on sidecars); a proxy without one (a gateway) has no inbound figures.
//!
//! # Wire format (`pc listener -l … -o json|yaml`, stable)
//! [`ListenerFleetReport`]: `pods` ([`ListenerFleetRow`]: `cluster`, `namespace`, `pod`,
//! `listeners`, `warming`, `draining`, `inbound_chains`, `mtls` ([`PortModeSummary`]: `key`,
//! `mode`), `inbound_wasm` (plugin → placements)) and `failures`
//! ([`crate::analysis::fleet::FleetFailure`]). Fields are only ever added; absent values are `null`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::fleet::{FleetFailure, PodId};
use crate::analysis::mtls::mode::{InferredMode, infer_modes, is_virtual_inbound};
use crate::analysis::wasm::placement::{FilterLevel, ProxyKind, chain_sites, count_placements};
use crate::envoy::{Listener, ListenerState};

/// The mode of one inbound port or passthrough set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortModeSummary {
    /// `port 80`, `passthrough`, `passthrough :9090`, ...
    pub key: String,
    /// `STRICT`, `PERMISSIVE`, `DISABLE` or `unknown`.
    pub mode: InferredMode,
}

/// One proxy's listeners, summarised.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ListenerSummary {
    /// Active listeners.
    pub listeners: usize,
    /// Warming listeners (waiting for something, e.g. an ECDS resource).
    pub warming: usize,
    /// Draining listeners.
    pub draining: usize,
    /// Filter chains of the active `virtualInbound` (its default chain included); `null`
    /// without one.
    pub inbound_chains: Option<usize>,
    /// The mTLS mode per inbound port, as the chains imply it.
    pub mtls: Vec<PortModeSummary>,
    /// User Wasm plugins on the active `virtualInbound`: plugin (`namespace/name`, else the
    /// filter name) → filter chains carrying it.
    pub inbound_wasm: BTreeMap<String, usize>,
}

/// Summarises one proxy's listeners.
pub fn listener_summary(listeners: &[(ListenerState, &Listener<'_>)]) -> ListenerSummary {
    let mut s = ListenerSummary::default();
    for (state, _) in listeners {
        match state {
            ListenerState::Active => s.listeners += 1,
            ListenerState::Warming => s.warming += 1,
            ListenerState::Draining => s.draining += 1,
            // A refused update is not a listener Envoy has (the loader's entries hold none).
            ListenerState::Error => {}
        }
    }
    let inbound = listeners
        .iter()
        .find(|(state, l)| *state == ListenerState::Active && is_virtual_inbound(l));
    if let Some((state, l)) = inbound {
        s.inbound_chains = Some(l.chains().count());
        s.mtls = infer_modes(l)
            .into_iter()
            .map(|pm| PortModeSummary {
                key: pm.key.label(),
                mode: pm.inference.inferred_mode(),
            })
            .collect();
        let sites = chain_sites(&[(*state, *l)], ProxyKind::Unknown);
        for f in count_placements(&sites).into_iter().filter(|f| !f.builtin) {
            let name = f.plugin.unwrap_or(f.filter);
            let name = match f.level {
                FilterLevel::Http => name,
                FilterLevel::Network => format!("{name} (network)"),
            };
            *s.inbound_wasm.entry(name).or_default() += f.total;
        }
    }
    s
}

/// One row of the fleet listener summary.
#[derive(Debug, Clone, Serialize)]
pub struct ListenerFleetRow {
    /// The cluster, when several were read.
    pub cluster: Option<String>,
    /// The namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// Its summary.
    #[serde(flatten)]
    pub summary: ListenerSummary,
}

/// The fleet listener summary: readable pods, and the failures.
#[derive(Debug, Clone, Serialize)]
pub struct ListenerFleetReport {
    /// One row per readable pod, sorted by cluster, namespace and pod.
    pub pods: Vec<ListenerFleetRow>,
    /// Pods (or whole sources) that could not be read, sorted by label.
    pub failures: Vec<FleetFailure>,
}

/// Sorts the rows and failures into the report.
pub fn listener_fleet_report(
    mut rows: Vec<(PodId, ListenerSummary)>,
    mut failures: Vec<FleetFailure>,
) -> ListenerFleetReport {
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    failures.sort();
    ListenerFleetReport {
        pods: rows
            .into_iter()
            .map(|(id, summary)| ListenerFleetRow {
                cluster: id.cluster,
                namespace: id.namespace,
                pod: id.pod,
                summary,
            })
            .collect(),
        failures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INBOUND: &str = r#"{"name":"virtualInbound","traffic_direction":"INBOUND",
      "address":{"socket_address":{"address":"0.0.0.0","port_value":15006}},
      "filter_chains":[
       {"name":"virtualInbound-blackhole","filter_chain_match":{"destination_port":15006},
        "filters":[{"name":"envoy.filters.network.tcp_proxy",
          "typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
            "stat_prefix":"BlackHoleCluster","cluster":"BlackHoleCluster"}}]},
       {"name":"0.0.0.0_80","filter_chain_match":{"destination_port":80,"transport_protocol":"raw_buffer"},
        "filters":[{"name":"envoy.filters.network.http_connection_manager",
          "typed_config":{"http_filters":[
            {"name":"extensions.istio.io/wasmplugin/default.hw","config_discovery":{"type_urls":[]}},
            {"name":"envoy.filters.http.router"}]}}]}]}"#;
    const OUTBOUND: &str = r#"{"name":"0.0.0.0_8080","traffic_direction":"OUTBOUND",
      "address":{"socket_address":{"address":"0.0.0.0","port_value":8080}},"filter_chains":[]}"#;

    #[test]
    fn counts_states_inbound_chains_and_plugins() {
        let inbound: Listener = serde_json::from_str(INBOUND).unwrap();
        let outbound: Listener = serde_json::from_str(OUTBOUND).unwrap();
        let s = listener_summary(&[
            (ListenerState::Active, &inbound),
            (ListenerState::Active, &outbound),
            (ListenerState::Warming, &outbound),
        ]);
        assert_eq!((s.listeners, s.warming, s.draining), (2, 1, 0));
        assert_eq!(s.inbound_chains, Some(2));
        assert_eq!(
            s.inbound_wasm,
            BTreeMap::from([("default/hw".to_string(), 1)])
        );
        assert_eq!(s.mtls.len(), 1);
        assert_eq!(s.mtls[0].key, "port 80");

        // No inbound listener: no inbound figures.
        let s = listener_summary(&[(ListenerState::Active, &outbound)]);
        assert_eq!((s.listeners, s.inbound_chains), (1, None));
        assert!(s.mtls.is_empty() && s.inbound_wasm.is_empty());
    }
}
