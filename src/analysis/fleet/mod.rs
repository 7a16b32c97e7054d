//! The fleet summary of `wasm count` (`-l`, `-A`): one row per pod with each plugin's
//! placement count, the pods grouped by identical placement signature, and the pods that
//! differ from their workload's majority, each with its reasons in plain words.
//!
//! Pure, and built for fleets: [`pod_summary`] keeps only what the comparison needs from a
//! pod's report (a few strings per plugin), so the caller drops the dump and the report as
//! soon as each pod is summarised; [`fleet_report`] then works on the summaries alone.
//!
//! # Signature
//! A pod's placement signature is, for each user plugin, the number of filter chains that
//! carry it, its ECDS state (present, missing, unknown, or the agent's deny-all / allow-all
//! stand-in) and its module identity. Two pods with equal signatures are in one group.
//!
//! # Module identity
//! A module is known by its digest, never by the ECDS entry's `version_info` (istiod bumps it
//! on every push, so equal modules show different versions): the `remote.sha256`, or the
//! digest the agent puts in a local module's file name (`…/<sha256>.wasm`); when neither is
//! known, the module's source (URI or file path). The WasmPlugin's `resourceVersion`, where
//! the VM environment carries it, is part of the identity too: a pod still on an older
//! version of the plugin object differs.
//!
//! # Majority
//! Pods are compared within their workload ([`workload`]), in their cluster and namespace.
//! The majority signature is the one most of the workload's readable pods share; a pod with
//! another signature is flagged `differs`, with one reason per plugin that differs. When two
//! signatures tie for most pods there is no majority: every pod of that workload is flagged
//! `no-majority`. A workload of one pod is never flagged.
//!
//! # Wire format (`-o json|yaml` in fleet mode, stable)
//! [`FleetReport`]: `plugins` (the plugin columns, sorted), `pods` ([`FleetRow`]: `cluster`,
//! `namespace`, `pod`, `workload` ([`Workload`]: `name`, `from`), `plugins` (plugin →
//! [`PluginState`]: `count`, `ecds`, `module` ([`ModuleId`]: `sha256`, `source`,
//! `resource_version`)), `problems`, `unchecked` (the pod's `not-checked` verdicts),
//! `unchecked_reason` (why its intent was not checked, `null` when it was), `group`, `flag`),
//! `unchecked` ([`UncheckedTally`]: `pods`, `plugins`, `reasons` (reason → pods)), `groups` ([`SignatureGroup`]: `group`,
//! `pods`, `plugins`), `deviations` ([`Deviation`]: `cluster`, `namespace`, `pod`, `workload`,
//! `flag`, `majority_group`, `majority_pods`, `workload_pods`, `reasons` ([`Reason`]:
//! `plugin`, `kind`, `detail`)) and `failures` ([`FleetFailure`]: `source`, `cluster`,
//! `namespace`, `pod`, `error`); with `--detail`, also `proxies` ([`FleetOutput`]). Fields are
//! only ever added; absent values are `null`.

mod failure;
mod reasons;
mod report;
mod signature;
pub mod workload;

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::wasm::count::ProxyReport;
use crate::analysis::wasm::intent::UncheckedReason;
use crate::analysis::wasm::placement::FilterLevel;
pub use failure::FleetFailure;
use reasons::differences;
pub use report::{
    Deviation, Flag, FleetOutput, FleetReport, FleetRow, Reason, ReasonKind, SignatureGroup,
    UncheckedTally,
};
use signature::Signature;
pub use signature::{ModuleId, PluginState, short_digest};
pub use workload::{Workload, WorkloadHints, workload_of};

/// Where a fleet pod is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PodId {
    /// The cluster (context) when several were read.
    pub cluster: Option<String>,
    /// The namespace.
    pub namespace: String,
    /// The pod's name.
    pub pod: String,
}

/// One readable pod, summarised for the comparison.
#[derive(Debug, Clone)]
pub struct PodSummary {
    /// Where it is.
    pub id: PodId,
    /// Its workload.
    pub workload: Workload,
    /// Its signature: plugin column → state.
    pub plugins: BTreeMap<String, PluginState>,
    /// Problem verdicts in the pod's own report.
    pub problems: usize,
    /// `not-checked` verdicts in the pod's own report.
    pub unchecked: usize,
    /// Why intent was not checked on the pod; `None` when it was.
    pub unchecked_reason: Option<UncheckedReason>,
}

/// The plugin column of a filter report: its `namespace/name`, else its filter name; a
/// network-level filter is told apart from an HTTP one of the same name.
fn column(plugin: Option<&str>, filter: &str, level: FilterLevel) -> String {
    let name = plugin.unwrap_or(filter);
    match level {
        FilterLevel::Http => name.to_string(),
        FilterLevel::Network => format!("{name} (network)"),
    }
}

/// Keeps what the comparison needs from one pod's report.
pub fn pod_summary(id: PodId, workload: Workload, report: &ProxyReport) -> PodSummary {
    let mut plugins = BTreeMap::new();
    for f in &report.plugins {
        let health = report.ecds.iter().find(|h| h.filter == f.filter);
        let module = health.and_then(|h| {
            let known = h.sha256.is_some() || h.source.is_some() || h.resource_version.is_some();
            known.then(|| ModuleId {
                sha256: h.sha256.clone(),
                source: h.sha256.is_none().then(|| h.source.clone()).flatten(),
                resource_version: h.resource_version.clone(),
            })
        });
        let state = PluginState {
            count: f.total,
            ecds: health.map(|h| h.state),
            module,
        };
        plugins.insert(column(f.plugin.as_deref(), &f.filter, f.level), state);
    }
    PodSummary {
        id,
        workload,
        plugins,
        problems: report.problems,
        unchecked: report.unchecked,
        unchecked_reason: report
            .intent
            .unchecked_reason()
            .filter(|_| report.has_unchecked()),
    }
}

type WorkloadKey = (Option<String>, String, String);

/// Groups the pods, finds each workload's majority and flags the pods that differ.
pub fn fleet_report(mut pods: Vec<PodSummary>, mut failures: Vec<FleetFailure>) -> FleetReport {
    pods.sort_by(|a, b| a.id.cmp(&b.id));
    failures.sort();
    let plugins: BTreeSet<&String> = pods.iter().flat_map(|p| p.plugins.keys()).collect();
    let plugins: Vec<String> = plugins.into_iter().cloned().collect();

    // Groups: by size, largest first, then by signature for a stable order.
    let mut sizes: BTreeMap<&Signature, usize> = BTreeMap::new();
    for p in &pods {
        *sizes.entry(&p.plugins).or_default() += 1;
    }
    let mut ordered: Vec<(&Signature, usize)> = sizes.into_iter().collect();
    ordered.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let group_of: BTreeMap<&Signature, usize> = ordered
        .iter()
        .enumerate()
        .map(|(i, (sig, _))| (*sig, i + 1))
        .collect();

    // Per workload: how many pods share each signature.
    let mut workloads: BTreeMap<WorkloadKey, BTreeMap<&Signature, usize>> = BTreeMap::new();
    for p in &pods {
        *workloads
            .entry(workload_key(p))
            .or_default()
            .entry(&p.plugins)
            .or_default() += 1;
    }

    let mut rows = Vec::with_capacity(pods.len());
    let mut deviations = Vec::new();
    for p in &pods {
        let counts = &workloads[&workload_key(p)];
        let total: usize = counts.values().sum();
        let top = counts.values().copied().max().unwrap_or(0);
        let leaders: Vec<&Signature> = counts
            .iter()
            .filter(|(_, n)| **n == top)
            .map(|(s, _)| *s)
            .collect();
        let (flag, majority, reasons) = match leaders.as_slice() {
            [majority] if *majority == &p.plugins => (Flag::Ok, Some(*majority), Vec::new()),
            [majority] => (
                Flag::Differs,
                Some(*majority),
                differences(&p.plugins, majority),
            ),
            _ => {
                let mut groups: Vec<usize> = counts.keys().map(|s| group_of[s]).collect();
                groups.sort_unstable();
                let groups: Vec<String> = groups.iter().map(ToString::to_string).collect();
                let detail = format!(
                    "no majority: the workload's {total} readable pods have {} different \
                     placement signatures (groups {})",
                    counts.len(),
                    groups.join(", ")
                );
                let reason = Reason {
                    plugin: None,
                    kind: ReasonKind::NoMajority,
                    detail,
                };
                (Flag::NoMajority, None, vec![reason])
            }
        };
        if flag != Flag::Ok {
            deviations.push(Deviation {
                cluster: p.id.cluster.clone(),
                namespace: p.id.namespace.clone(),
                pod: p.id.pod.clone(),
                workload: p.workload.name.clone(),
                flag,
                majority_group: majority.map(|m| group_of[m]),
                majority_pods: top,
                workload_pods: total,
                reasons,
            });
        }
        rows.push(FleetRow {
            cluster: p.id.cluster.clone(),
            namespace: p.id.namespace.clone(),
            pod: p.id.pod.clone(),
            workload: p.workload.clone(),
            plugins: p.plugins.clone(),
            problems: p.problems,
            unchecked: p.unchecked,
            unchecked_reason: p.unchecked_reason,
            group: group_of[&p.plugins],
            flag,
        });
    }
    let groups = ordered
        .iter()
        .enumerate()
        .map(|(i, (sig, n))| SignatureGroup {
            group: i + 1,
            pods: *n,
            plugins: (*sig).clone(),
        })
        .collect();
    let mut unchecked = UncheckedTally::default();
    for p in &pods {
        if let Some(reason) = p.unchecked_reason {
            unchecked.pods += 1;
            unchecked.plugins += p.unchecked;
            *unchecked.reasons.entry(reason).or_default() += 1;
        }
    }
    FleetReport {
        plugins,
        unchecked,
        pods: rows,
        groups,
        deviations,
        failures,
    }
}

fn workload_key(p: &PodSummary) -> WorkloadKey {
    (
        p.id.cluster.clone(),
        p.id.namespace.clone(),
        p.workload.name.clone(),
    )
}
#[cfg(test)]
use crate::analysis::wasm::ecds::EcdsState;

#[cfg(test)]
mod tests;
