//! The fleet summary's output types: rows, signature groups, deviations and their reasons
//! (the wire format is described in the parent module's docs).

use std::collections::BTreeMap;

use serde::Serialize;

use super::failure::FleetFailure;
use super::signature::PluginState;
use super::workload::Workload;
use crate::analysis::wasm::count::ProxyReport;
use crate::analysis::wasm::intent::UncheckedReason;

/// A pod's flag in the fleet table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flag {
    /// As its workload's majority (or alone in its workload).
    Ok,
    /// Differs from its workload's majority.
    Differs,
    /// Its workload has no majority signature.
    NoMajority,
}

impl Flag {
    /// The word the table prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Ok => "ok",
            Flag::Differs => "differs",
            Flag::NoMajority => "no-majority",
        }
    }
}

/// One row of the fleet table.
#[derive(Debug, Clone, Serialize)]
pub struct FleetRow {
    /// The cluster, when several were read.
    pub cluster: Option<String>,
    /// The namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// Its workload.
    pub workload: Workload,
    /// Plugin column → state; a plugin the pod lacks is absent.
    pub plugins: BTreeMap<String, PluginState>,
    /// Problem verdicts in the pod's own report.
    pub problems: usize,
    /// `not-checked` verdicts in the pod's own report.
    pub unchecked: usize,
    /// Why the pod's intent was not checked; `null` when it was.
    pub unchecked_reason: Option<UncheckedReason>,
    /// Its signature group (1 = the most common signature).
    pub group: usize,
    /// How it compares with its workload's majority.
    pub flag: Flag,
}

/// Pods that share one placement signature.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureGroup {
    /// 1-based; groups are numbered by size, largest first.
    pub group: usize,
    /// How many pods.
    pub pods: usize,
    /// The signature: plugin → state.
    pub plugins: BTreeMap<String, PluginState>,
}

/// Why a pod differs from its workload's majority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonKind {
    /// The majority carries the plugin; this pod does not.
    PluginMissing,
    /// This pod carries a plugin the majority does not.
    PluginExtra,
    /// The plugin runs another module.
    OtherModule,
    /// The agent replaced the module with its deny-all RBAC filter.
    DenyAllStandIn,
    /// The agent replaced the module with its allow-all RBAC filter.
    AllowAllStandIn,
    /// Listeners reference the plugin but the ECDS section lacks it.
    EcdsMissing,
    /// Another ECDS state than the majority's (e.g. present where the majority has a stand-in).
    EcdsState,
    /// The plugin sits on another number of filter chains.
    PlacementCount,
    /// The workload has no majority signature.
    NoMajority,
}

/// One reason, in plain words.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// The plugin concerned; `null` for `no-majority`.
    pub plugin: Option<String>,
    /// The class.
    pub kind: ReasonKind,
    /// One sentence.
    pub detail: String,
}

/// A pod flagged against its workload's majority.
#[derive(Debug, Clone, Serialize)]
pub struct Deviation {
    /// The cluster, when several were read.
    pub cluster: Option<String>,
    /// The namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// Its workload's name.
    pub workload: String,
    /// `differs` or `no-majority`.
    pub flag: Flag,
    /// The majority's signature group; `null` without a majority.
    pub majority_group: Option<usize>,
    /// Pods with the majority signature (with no majority: the largest tied count).
    pub majority_pods: usize,
    /// Readable pods of the workload.
    pub workload_pods: usize,
    /// Why, one entry per plugin that differs.
    pub reasons: Vec<Reason>,
}

/// The pods whose intent was not checked, and their plugins.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UncheckedTally {
    /// Pods with something not checked.
    pub pods: usize,
    /// `not-checked` verdicts over those pods.
    pub plugins: usize,
    /// How many pods each reason covers.
    pub reasons: BTreeMap<UncheckedReason, usize>,
}

/// The whole fleet summary.
#[derive(Debug, Clone, Serialize)]
pub struct FleetReport {
    /// The plugin columns, sorted.
    pub plugins: Vec<String>,
    /// The pods left unchecked (exit code 1 with `--fail-on-unchecked`).
    pub unchecked: UncheckedTally,
    /// One row per readable pod, sorted by cluster, namespace and pod.
    pub pods: Vec<FleetRow>,
    /// Signature groups, largest first.
    pub groups: Vec<SignatureGroup>,
    /// Flagged pods, in row order.
    pub deviations: Vec<Deviation>,
    /// Pods (or whole sources) that could not be read, sorted by label.
    pub failures: Vec<FleetFailure>,
}

/// `wasm count -l … -o json|yaml`: the summary's fields, plus `proxies` (every readable pod's
/// full report, as `wasm count` prints one proxy's) with `--detail`.
#[derive(Debug, Serialize)]
pub struct FleetOutput<'a> {
    /// The summary.
    #[serde(flatten)]
    pub summary: &'a FleetReport,
    /// Each pod's report, sorted by source; only with `--detail`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxies: Option<&'a [ProxyReport]>,
}

impl FleetReport {
    /// Whether any pod has a problem verdict or differs from its majority (exit code 1).
    pub fn has_findings(&self) -> bool {
        !self.deviations.is_empty() || self.pods.iter().any(|p| p.problems > 0)
    }

    /// Whether any pod left something unchecked (not a finding: `--fail-on-unchecked` decides).
    pub fn has_unchecked(&self) -> bool {
        self.unchecked.pods > 0
    }
}
