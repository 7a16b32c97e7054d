//! The `wasm count` report of one proxy: the placement map, ECDS health and the verdicts,
//! narrowed to one plugin when asked.
//!
//! # Wire format (`-o json|yaml`, stable)
//! `{"proxies": [ProxyReport…]}`. Each [`ProxyReport`] has `source`, `proxy` ([`ProxyInfo`]),
//! `ecds_section` (whether the dump has one), `plugins` and `builtins` (each a
//! [`WasmFilterReport`]: `filter`, `plugin`, `plugin_kind`, `istio_versions`, `delivery`,
//! `level`, `runtime`, `builtin`, `total`, `by_listener`, `by_chain`, `by_transport`,
//! `by_direction`, `placements`), `ecds` ([`EcdsHealth`]), `intent` ([`IntentStatus`]),
//! `expected_order` ([`OrderEntry`]: `plugin`, `phase`, `priority`, `uncertain`, `filter_list`
//! `http` or `network`, each list in its own order), `verdicts` ([`Verdict`]: `verdict`, `plugin`, `filter`,
//! `chains`, `detail`, `reason`), `problems` (the number of problem verdicts), `unchecked`
//! (the number of `not-checked` verdicts) and `refused_updates`
//! (each listener update Envoy refused, [`RefusedUpdate`]: `listener`, `details`,
//! `last_update_attempt`, `has_active_version`; what is counted is the active version).
//! A plugin whose verdict could not be reached is a verdict `not-checked`, never a problem,
//! whose `reason` ([`UncheckedReason`](crate::analysis::wasm::intent::UncheckedReason)) says
//! why: `no-resources`, `resource-missing` (a waypoint chain's ServiceEntry),
//! `unknown-namespace` or `istio-version-not-modelled` (outside 1.12-1.30); `reason` is
//! `null` on every other verdict. When `intent` is not `checked`,
//! each user plugin the dump places (one entry per filter and level) and each plugin of the
//! resources that could apply (the proxy's namespace or the root namespace) has one.
//! Fields are only ever added; absent values are `null`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::listener::refused::RefusedUpdate;
use crate::analysis::wasm::drift::drift;
use crate::analysis::wasm::ecds::{EcdsHealth, ecds_health, ecds_verdicts};
use crate::analysis::wasm::intent::{
    IntentStatus, OrderEntry, ProxyContext, Verdict, VerdictKind, check_intent,
};
use crate::analysis::wasm::placement::{ChainSite, ProxyKind, WasmFilterReport, count_placements};
use crate::analysis::wasm::unchecked::{has_unchecked, is_version_modelled, unchecked_verdicts};
use crate::envoy::EcdsFilter;
use crate::istio::PluginRef;
use crate::istio::intent_resources::IntentResources;
use crate::istio::wasm_plugin::WasmPluginSpec;

/// The whole `wasm count` output.
#[derive(Debug, Clone, Serialize)]
pub struct WasmCountReport {
    /// One report per input dump, in argument order.
    pub proxies: Vec<ProxyReport>,
}

impl WasmCountReport {
    /// Whether any proxy has a problem verdict (exit code 1).
    pub fn has_problems(&self) -> bool {
        self.proxies.iter().any(|p| p.problems > 0)
    }

    /// Whether any proxy leaves something unchecked (exit code 1 with `--fail-on-unchecked`).
    pub fn has_unchecked(&self) -> bool {
        self.proxies.iter().any(ProxyReport::has_unchecked)
    }
}

impl ProxyReport {
    /// Whether intent was not checked, or a plugin's verdict could not be reached.
    pub fn has_unchecked(&self) -> bool {
        has_unchecked(self.intent, &self.verdicts)
    }
}

/// Who the proxy is, and where that came from.
#[derive(Debug, Clone, Serialize)]
pub struct ProxyInfo {
    /// `sidecar`, `gateway`, `waypoint` or `unknown`.
    pub kind: ProxyKind,
    /// The pod's namespace, when known.
    pub namespace: Option<String>,
    /// The pod's labels.
    pub labels: BTreeMap<String, String>,
    /// `node.metadata.ISTIO_VERSION`.
    pub istio_version: Option<String>,
    /// `bootstrap` (the dump's node.metadata), `bug-report` (where the archive keeps the dump,
    /// and the pod its `cluster/k8s-resources` lists), `flags` (--namespace/--labels) or `none`.
    pub identity_from: &'static str,
}

/// One proxy's report.
#[derive(Debug, Clone, Serialize)]
pub struct ProxyReport {
    /// The dump's path (or pod).
    pub source: String,
    /// The proxy's identity.
    pub proxy: ProxyInfo,
    /// Whether the dump has an ECDS section (without one, ECDS state is unknown).
    pub ecds_section: bool,
    /// User plugins: ECDS filters named after a WasmPlugin/TrafficExtension, and inline
    /// Wasm filters that are not Istio's.
    pub plugins: Vec<WasmFilterReport>,
    /// Istio's own Wasm extensions.
    pub builtins: Vec<WasmFilterReport>,
    /// ECDS health of each ECDS-delivered user plugin.
    pub ecds: Vec<EcdsHealth>,
    /// Whether WasmPlugins were joined to the filters, or why not.
    pub intent: IntentStatus,
    /// The applicable plugins in expected execution order.
    pub expected_order: Vec<OrderEntry>,
    /// Verdicts, sorted by class then plugin.
    pub verdicts: Vec<Verdict>,
    /// Number of problem verdicts.
    pub problems: usize,
    /// Number of `not-checked` verdicts (plugins whose verdict could not be reached).
    pub unchecked: usize,
    /// Listener updates Envoy refused: the listeners counted are the versions that run,
    /// not the ones Envoy was last sent. A warning, not a problem verdict.
    pub refused_updates: Vec<RefusedUpdate>,
}

/// What one proxy's report is built from.
#[derive(Debug)]
pub struct ProxyInput<'r, 'a> {
    /// The dump's label.
    pub source: String,
    /// The proxy's identity.
    pub context: ProxyContext,
    /// `ISTIO_VERSION` as the node says.
    pub istio_version: Option<String>,
    /// Where the identity came from (see [`ProxyInfo::identity_from`]).
    pub identity_from: &'static str,
    /// Every filter chain of every listener.
    pub sites: Vec<ChainSite>,
    /// The ECDS section, `None` when the dump has none.
    pub ecds: Option<&'r [EcdsFilter<'a>]>,
    /// The listener updates Envoy refused.
    pub refused_updates: Vec<RefusedUpdate>,
}

/// `--plugin`: a plugin `name`, `namespace/name`, or a raw ECDS filter name.
#[derive(Debug, Clone)]
pub struct PluginSelector {
    only: String,
    /// `namespace/name` when `only` is a prefixed ECDS name.
    decoded: Option<String>,
}

impl PluginSelector {
    /// Reads the flag's value.
    pub fn new(only: &str) -> Self {
        PluginSelector {
            only: only.to_string(),
            decoded: PluginRef::from_ecds_name(only, false).map(|p| p.to_string()),
        }
    }

    /// Whether the filter (and the plugin it decodes to) is the one asked for.
    pub fn is_selected(&self, filter: &str, plugin: Option<&str>) -> bool {
        let only = self.only.as_str();
        if only == filter {
            return true;
        }
        plugin.is_some_and(|p| {
            p == only
                || self.decoded.as_deref() == Some(p)
                || (!only.contains('/') && p.split_once('/').is_some_and(|(_, n)| n == only))
        })
    }
}

/// Builds one proxy's report; `plugins` is `None` without `--resources`.
/// One `drift` verdict per ECDS entry whose config differs from the plugin it decodes to,
/// naming every differing field with both values.
fn drift_verdicts(specs: &[WasmPluginSpec], ecds: &[EcdsHealth]) -> Vec<Verdict> {
    let mut out = Vec::new();
    for health in ecds {
        let Some(id) = &health.plugin else { continue };
        let Some(spec) = specs.iter().find(|s| &s.id() == id) else {
            continue;
        };
        let fields = drift(spec, health);
        if fields.is_empty() {
            continue;
        }
        let words: Vec<String> = fields
            .iter()
            .map(|d| format!("{}: asked {}, runs {}", d.field, d.asked, d.runs))
            .collect();
        out.push(Verdict {
            verdict: VerdictKind::Drift,
            plugin: id.clone(),
            plugins: vec![id.clone()],
            filter: Some(health.filter.clone()),
            chains: health.listeners.keys().cloned().collect(),
            detail: format!(
                "the proxy runs another module or config than asked: {}",
                words.join("; ")
            ),
            reason: None,
        });
    }
    out
}

pub fn proxy_report(
    input: ProxyInput<'_, '_>,
    resources: Option<&IntentResources>,
    only: Option<&PluginSelector>,
) -> ProxyReport {
    let keep =
        |filter: &str, plugin: Option<&str>| only.is_none_or(|o| o.is_selected(filter, plugin));
    let (builtins, plugins_found): (Vec<_>, Vec<_>) = count_placements(&input.sites)
        .into_iter()
        .filter(|r| keep(&r.filter, r.plugin.as_deref()))
        .partition(|r| r.builtin);
    let ecds = ecds_health(&plugins_found, input.ecds);
    let mut verdicts = ecds_verdicts(&ecds);
    let specs: Option<Vec<WasmPluginSpec>> = resources.map(|r| {
        r.plugins
            .iter()
            .filter(|p| keep("", Some(&p.id())))
            .cloned()
            .collect()
    });
    let version = input.istio_version.as_deref();
    let (intent, expected_order) = match &specs {
        None => (IntentStatus::NoResources, Vec::new()),
        // Another release's rules could place plugins elsewhere: no verdict rather than a
        // wrong one.
        Some(_) if !is_version_modelled(version, input.context.istio_minor) => {
            (IntentStatus::IstioVersionNotModelled, Vec::new())
        }
        Some(specs) => {
            let mesh = resources
                .map(IntentResources::mesh_facts)
                .unwrap_or_default();
            let report = check_intent(&input.context, specs, &mesh, &input.sites);
            verdicts.extend(report.verdicts.into_iter().filter(|v| {
                v.plugins
                    .iter()
                    .any(|p| keep(v.filter.as_deref().unwrap_or(""), Some(p)))
            }));
            (report.status, report.expected_order)
        }
    };
    // What runs vs what was asked needs only the join by name, whatever the proxy kind.
    if let Some(specs) = &specs {
        verdicts.extend(drift_verdicts(specs, &ecds));
    }
    if let Some(reason) = intent.unchecked_reason() {
        verdicts.extend(unchecked_verdicts(
            reason,
            &input.context,
            version,
            &plugins_found,
            specs.as_deref(),
        ));
    }
    verdicts.sort_by(|a, b| (a.verdict, &a.plugin).cmp(&(b.verdict, &b.plugin)));
    let problems = verdicts.iter().filter(|v| v.verdict.is_problem()).count();
    let unchecked = verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::NotChecked)
        .count();
    ProxyReport {
        source: input.source,
        proxy: ProxyInfo {
            kind: input.context.kind,
            namespace: input.context.namespace,
            labels: input.context.labels,
            istio_version: input.istio_version,
            identity_from: input.identity_from,
        },
        ecds_section: input.ecds.is_some(),
        plugins: plugins_found,
        builtins,
        ecds,
        intent,
        expected_order,
        verdicts,
        problems,
        unchecked,
        refused_updates: input.refused_updates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_selector_forms() {
        let raw = "extensions.istio.io/wasmplugin/default.hw";
        for only in ["hw", "default/hw", raw] {
            let sel = PluginSelector::new(only);
            assert!(sel.is_selected(raw, Some("default/hw")), "{only}");
            // The resource side has no filter name: the decoded raw name still matches.
            assert!(sel.is_selected("", Some("default/hw")), "{only}");
        }
        assert!(!PluginSelector::new("other/hw").is_selected(raw, Some("default/hw")));
        assert!(!PluginSelector::new("h").is_selected(raw, Some("default/hw")));
    }
}
