//! ECDS health of each ECDS-delivered user Wasm filter (DOMAIN.md §6.2, §6.5): the entry's
//! version, module and failure policy, the listeners that reference it and their state, and
//! the two ECDS verdicts: referenced but absent, and replaced by the agent's RBAC stand-in.
//!
//! A dump without an ECDS section (Envoy before Istio 1.17) leaves the state "unknown", never
//! "missing".

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::wasm::intent::{Verdict, VerdictKind};
use crate::analysis::wasm::placement::WasmFilterReport;
use crate::envoy::EcdsFilter;
use crate::envoy::ecds::AgentStandIn;

/// What the ECDS section holds for a filter name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EcdsState {
    /// An entry with a Wasm (or other) config.
    Present,
    /// The dump has an ECDS section without this name: listeners referencing it are blocked.
    Missing,
    /// The dump has no ECDS section at all.
    Unknown,
    /// The agent replaced the module with a deny-all RBAC filter.
    DenyAllStandIn,
    /// The agent replaced the module with an allow-all RBAC filter.
    AllowAllStandIn,
}

impl EcdsState {
    /// The state as the table prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            EcdsState::Present => "present",
            EcdsState::Missing => "missing",
            EcdsState::Unknown => "unknown",
            EcdsState::DenyAllStandIn => "deny-all stand-in",
            EcdsState::AllowAllStandIn => "allow-all stand-in",
        }
    }
}

/// One ECDS-delivered user filter.
#[derive(Debug, Clone, Serialize)]
pub struct EcdsHealth {
    /// The filter (= ECDS resource) name.
    pub filter: String,
    /// `namespace/name` of the plugin it decodes to.
    pub plugin: Option<String>,
    /// What the ECDS section holds.
    pub state: EcdsState,
    /// The entry's `version_info`.
    pub version_info: Option<String>,
    /// The entry's `last_updated`.
    pub last_updated: Option<String>,
    /// The module: remote URI, or `file://` + the agent's local copy.
    pub source: Option<String>,
    /// The module's sha256, when known.
    pub sha256: Option<String>,
    /// FAIL_CLOSED, FAIL_OPEN or FAIL_RELOAD.
    pub failure_policy: Option<String>,
    /// The VM runtime.
    pub runtime: Option<String>,
    /// The WasmPlugin's `resourceVersion`, when the VM environment carries it.
    pub resource_version: Option<String>,
    /// Each referencing listener and its state (`active`, `warming`, `draining`).
    pub listeners: BTreeMap<String, Vec<&'static str>>,
    /// What else the module's config says, for the drift check against the resource
    /// (`drift.rs`); its differences are reported as verdicts, not in this record.
    #[serde(skip)]
    pub module: ModuleConfig,
}

/// The parts of an ECDS Wasm config the drift check compares with the resource.
#[derive(Debug, Clone, Default)]
pub struct ModuleConfig {
    /// The plugin configuration as JSON.
    pub configuration: Option<serde_json::Value>,
    /// `key_values` without `ISTIO_META_*`.
    pub env: BTreeMap<String, String>,
    /// `host_env_keys`.
    pub host_env_keys: Vec<String>,
    /// `ISTIO_META_WASM_IMAGE_PULL_POLICY`, when kept.
    pub image_pull_policy: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Health of every ECDS-delivered user filter in `reports`.
pub fn ecds_health(
    reports: &[WasmFilterReport],
    ecds: Option<&[EcdsFilter<'_>]>,
) -> Vec<EcdsHealth> {
    let mut out = Vec::new();
    for r in reports
        .iter()
        .filter(|r| !r.builtin && r.delivery == "ecds")
    {
        let mut listeners: BTreeMap<String, Vec<&'static str>> = BTreeMap::new();
        for p in &r.placements {
            let states = listeners.entry(p.listener.clone()).or_default();
            if !states.contains(&p.listener_state) {
                states.push(p.listener_state);
            }
        }
        let mut health = EcdsHealth {
            filter: r.filter.clone(),
            plugin: r.plugin.clone(),
            state: EcdsState::Unknown,
            version_info: None,
            last_updated: None,
            source: None,
            sha256: None,
            failure_policy: None,
            runtime: None,
            resource_version: None,
            listeners,
            module: ModuleConfig::default(),
        };
        if let Some(entries) = ecds {
            // The last entry of a name wins, as a later ECDS update replaces an earlier one.
            match entries.iter().rev().find(|e| e.name == r.filter.as_str()) {
                None => health.state = EcdsState::Missing,
                Some(e) => {
                    health.version_info = opt(&e.version_info);
                    health.last_updated = opt(&e.last_updated);
                    health.state = match e.agent_stand_in() {
                        Some(AgentStandIn::DenyAll) => EcdsState::DenyAllStandIn,
                        Some(AgentStandIn::AllowAll) => EcdsState::AllowAllStandIn,
                        None => EcdsState::Present,
                    };
                    if let Some(d) = e.wasm_details() {
                        health.source = d.source;
                        health.sha256 = d.sha256;
                        health.failure_policy = d.failure_policy;
                        health.runtime = d.runtime;
                        health.resource_version = d.resource_version;
                        health.module = ModuleConfig {
                            configuration: d.configuration,
                            env: d.env,
                            host_env_keys: d.host_env_keys,
                            image_pull_policy: d.image_pull_policy,
                        };
                    }
                }
            }
        }
        out.push(health);
    }
    out
}

/// The ECDS verdicts: missing entries and agent stand-ins.
pub fn ecds_verdicts(health: &[EcdsHealth]) -> Vec<Verdict> {
    let mut out = Vec::new();
    for h in health {
        let (verdict, detail) = match h.state {
            EcdsState::Missing => {
                let warming = h
                    .listeners
                    .values()
                    .filter(|s| s.contains(&"warming"))
                    .count();
                // An active listener runs Envoy's MissingConfigFilter in the filter's place
                // (`filter_chain_helper.cc`: every request gets a local 500); a warming one
                // waits for the config and takes no traffic yet; either way nothing passes.
                let waiting = match warming {
                    0 => String::new(),
                    n => format!(" ({n} warming)"),
                };
                (
                    VerdictKind::EcdsMissing,
                    format!(
                        "referenced by {} listener(s){waiting} but absent from the ECDS \
                         section: traffic through them is blocked",
                        h.listeners.len()
                    ),
                )
            }
            EcdsState::DenyAllStandIn => (
                VerdictKind::AgentStandIn,
                "the agent replaced the module with a deny-all RBAC filter (module failed to \
                 load): every request is denied"
                    .to_string(),
            ),
            EcdsState::AllowAllStandIn => (
                VerdictKind::AgentStandIn,
                "the agent replaced the module with an allow-all RBAC filter (module failed to \
                 load, FAIL_OPEN): the plugin does not run"
                    .to_string(),
            ),
            _ => continue,
        };
        let plugin = h.plugin.clone().unwrap_or_else(|| h.filter.clone());
        out.push(Verdict {
            verdict,
            plugins: vec![plugin.clone()],
            plugin,
            filter: Some(h.filter.clone()),
            chains: h.listeners.keys().cloned().collect(),
            detail,
            reason: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::wasm::placement::{ChainSite, ProxyKind, chain_sites, count_placements};
    use crate::envoy::{Document, Listener, ListenerState, Sections};

    const LISTENER: &str = r#"{"name":"0.0.0.0_8000","traffic_direction":"OUTBOUND",
      "filter_chains":[{"filters":[{"name":"envoy.filters.network.http_connection_manager",
       "typed_config":{"http_filters":[
        {"name":"extensions.istio.io/wasmplugin/default.a","config_discovery":{"type_urls":[]}},
        {"name":"extensions.istio.io/wasmplugin/default.b","config_discovery":{"type_urls":[]}},
        {"name":"extensions.istio.io/wasmplugin/default.c","config_discovery":{"type_urls":[]}}]}}]}]}"#;

    const ECDS: &str = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecds_filters":[
      {"version_info":"v1","ecds_filter":{"name":"extensions.istio.io/wasmplugin/default.a",
        "typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
          "config":{"vm_config":{"runtime":"envoy.wasm.runtime.v8"},"failure_policy":"FAIL_OPEN"}}}},
      {"ecds_filter":{"name":"extensions.istio.io/wasmplugin/default.b",
        "typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC","rules":{}}}}]}]}"#;

    fn sites() -> Vec<ChainSite> {
        let l: Listener = serde_json::from_str(LISTENER).unwrap();
        chain_sites(&[(ListenerState::Warming, &l)], ProxyKind::Sidecar)
    }

    #[test]
    fn present_stand_in_missing_and_unknown() {
        let reports = count_placements(&sites());
        let doc = Document::new("t", ECDS.as_bytes());
        let dump = doc
            .load(Sections {
                ecds: true,
                ..Sections::default()
            })
            .unwrap();
        let health = ecds_health(&reports, dump.ecds.as_deref());
        let states: Vec<_> = health.iter().map(|h| h.state).collect();
        assert_eq!(
            states,
            [
                EcdsState::Present,
                EcdsState::DenyAllStandIn,
                EcdsState::Missing
            ]
        );
        assert_eq!(health[0].failure_policy.as_deref(), Some("FAIL_OPEN"));
        assert_eq!(health[0].listeners["0.0.0.0_8000"], ["warming"]);
        let verdicts = ecds_verdicts(&health);
        let kinds: Vec<_> = verdicts.iter().map(|v| v.verdict).collect();
        assert_eq!(kinds, [VerdictKind::AgentStandIn, VerdictKind::EcdsMissing]);
        assert_eq!(verdicts[1].plugin, "default/c");
        assert!(verdicts.iter().all(|v| v.verdict.is_problem()));

        // No ECDS section: unknown, and no verdict.
        let health = ecds_health(&reports, None);
        assert!(health.iter().all(|h| h.state == EcdsState::Unknown));
        assert!(ecds_verdicts(&health).is_empty());
    }
}
