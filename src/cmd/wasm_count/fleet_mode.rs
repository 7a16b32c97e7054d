//! `wasm count` in fleet mode (`-l`, `-A`, `--bug-report`): each pod's report is
//! summarised as its dump arrives, and the fleet summary is printed: pods × plugins,
//! signature groups, and the pods that differ from their workload's majority.

use std::io::Write;

use super::{Options, proxy, write_structured};
use crate::analysis::fleet::{
    FleetOutput, PodId, PodSummary, WorkloadHints, fleet_report, pod_summary, workload_of,
};
use crate::analysis::wasm::count::{ProxyReport, WasmCountReport};
use crate::analysis::wasm::identity::NodeNames;
use crate::cli::WasmOutput;
use crate::cmd::fleet::{self, drain, pod_id};
use crate::cmd::fleet::{Failures, Progress};
use crate::error::{Error, ExitCode};
use crate::istio::intent_resources::IntentResources;
use crate::render::tables::fleet as fleet_table;
use crate::render::wasm::table;
use crate::source::bug_report::{ArchivePod, BugReport};
use crate::source::fleet::FleetPod;
use crate::source::{self, RawInput, resources};

/// A pod of the fleet, summarised; its full report only with `--detail`.
struct FleetResult {
    summary: PodSummary,
    detail: Option<ProxyReport>,
}

/// Fleet mode: every dump is summarised as it arrives and dropped; the summary table (or
/// JSON/YAML) of every readable pod is printed, then one error line per pod that failed.
/// The pods come from the live clusters and from the bug report, each a stream of fleet
/// items drained alike.
pub(super) fn run_fleet(
    opts: &Options,
    plugins: Option<&IntentResources>,
    archive: Option<&BugReport>,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let mut failures = Failures::default();
    let mut results = Vec::new();
    // POD and -f inputs given with -l/-A join the table, named by their bootstrap node.
    for src in &opts.sources {
        let label = source::fetch::label(src);
        let read = source::fetch::read(src)
            .map_err(Error::from)
            .and_then(|raw| {
                let (report, node) = proxy(&raw, opts, plugins, None)?;
                let id = PodId {
                    cluster: None,
                    namespace: report
                        .proxy
                        .namespace
                        .clone()
                        .unwrap_or_else(|| "-".to_string()),
                    pod: node.name.clone().unwrap_or_else(|| raw.label.clone()),
                };
                Ok(fleet_result(id, None, report, &node, opts.detail))
            });
        match read {
            Ok(r) => results.push(r),
            Err(e) => failures.push(label, None, &e),
        }
    }
    let progress = Progress::new();
    for fleet in &opts.fleets {
        // Several clusters: each is checked against its own WasmPlugins; a cluster whose
        // plugins cannot be read is one failure, and the other clusters still run.
        let own = match &opts.cluster {
            Some((_, timeout)) if opts.fleets.len() > 1 => {
                match resources::wasm_plugins_in_cluster(&fleet.kube, *timeout) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        // The error names the API path; the line must name the cluster.
                        let cluster = fleet.cluster.clone().unwrap_or_default();
                        let line = format!("{cluster}: {e}");
                        failures.push_line(cluster, line);
                        continue;
                    }
                }
            }
            _ => None,
        };
        let fleet_plugins = own.as_ref().or(plugins);
        let items = source::kube::fleet::fleet(fleet.clone());
        drain(items, &progress, &mut failures, &mut results, |pod, raw| {
            pod_result(pod, raw, opts, fleet_plugins, None)
        });
    }
    if let Some(archive) = archive {
        drain(
            archive.fleet(),
            &progress,
            &mut failures,
            &mut results,
            // The archive's pod fills in what a dump's bootstrap node lacks.
            |pod, raw| pod_result(pod, raw, opts, plugins, archive.pod(&pod.label())),
        );
    }
    progress.finish();
    let mut summaries = Vec::with_capacity(results.len());
    let mut details = Vec::new();
    for r in results {
        summaries.push(r.summary);
        details.extend(r.detail);
    }
    details.sort_by(|a, b| a.source.cmp(&b.source));
    let report = fleet_report(summaries, failures.into_inner());
    match opts.output {
        WasmOutput::Table => {
            fleet_table::write_fleet(out, &report, opts.term.width)?;
            if opts.detail && !details.is_empty() {
                writeln!(out)?;
                table::write_report(out, &WasmCountReport { proxies: details }, opts.term)?;
            }
        }
        format => {
            let wire = FleetOutput {
                summary: &report,
                proxies: opts.detail.then_some(details.as_slice()),
            };
            write_structured(out, &wire, format)?
        }
    }
    fleet::check(&report.failures)?;
    let unchecked = opts.fail_on_unchecked && report.has_unchecked();
    Ok(if report.has_findings() || unchecked {
        ExitCode::Found
    } else {
        ExitCode::Ok
    })
}

/// One fleet pod's dump, reported and summarised.
fn pod_result(
    pod: &FleetPod,
    raw: &RawInput,
    opts: &Options,
    plugins: Option<&IntentResources>,
    listed: Option<&ArchivePod>,
) -> Result<FleetResult, Error> {
    let (report, node) = proxy(raw, opts, plugins, listed)?;
    Ok(fleet_result(
        pod_id(pod),
        Some(pod),
        report,
        &node,
        opts.detail,
    ))
}

/// Summarises one pod's report (and keeps it only for `--detail`).
fn fleet_result(
    id: PodId,
    pod: Option<&FleetPod>,
    report: ProxyReport,
    node: &NodeNames,
    detail: bool,
) -> FleetResult {
    let meta = pod.and_then(|p| p.meta.as_ref());
    let hints = WorkloadHints {
        owner: meta
            .and_then(|m| m.owner.as_ref())
            .map(|o| (o.kind.as_str(), o.name.as_str())),
        labels: Some(meta.map_or(&report.proxy.labels, |m| &m.labels)),
        node_owner: node.owner.as_deref(),
        node_workload_name: node.workload_name.as_deref(),
    };
    let workload = workload_of(&hints, &id.pod);
    FleetResult {
        summary: pod_summary(id, workload, &report),
        detail: detail.then_some(report),
    }
}
