//! Fleet summaries as kubectl-style tables (Go text/tabwriter layout, padding 3, as `kubectl
//! get`): `wasm count -l` (pods × plugins, then the signature groups, then the pods that
//! differ from their workload's majority) and `pc listener -l` (one row per pod). It lays
//! out what `analysis::fleet` and `analysis::listener_summary` decided; every cell, header
//! cells named after plugins included, is sanitised.

use std::io::{self, Write};

use crate::analysis::fleet::{Flag, FleetReport, PluginState, short_digest};
use crate::analysis::listener::summary::{ListenerFleetReport, ListenerSummary};
use crate::analysis::wasm::ecds::EcdsState;
use crate::analysis::wasm::intent::UncheckedReason;
use crate::analysis::wasm::unchecked::MODELLED_MINORS;
use crate::render::tables::layout::write_own_go_table;
use crate::util::sanitize::sanitize;

/// Space between columns, as kubectl's printers.
const PADDING: usize = 3;

/// The state word after a count in the pods table: only the states that need a look.
fn state_mark(state: &PluginState) -> Option<&'static str> {
    match state.ecds {
        Some(EcdsState::DenyAllStandIn) => Some("deny-all"),
        Some(EcdsState::AllowAllStandIn) => Some("allow-all"),
        Some(EcdsState::Missing) => Some("ecds-missing"),
        _ => None,
    }
}

/// A pod's cell: the count, and a state word where one applies; `-` without the plugin.
fn pod_cell(state: Option<&PluginState>) -> String {
    match state {
        None => "-".to_string(),
        Some(s) => match state_mark(s) {
            Some(mark) => format!("{} {mark}", s.count),
            None => s.count.to_string(),
        },
    }
}

/// A group's cell: the count and what identifies the module (or the stand-in).
fn group_cell(state: Option<&PluginState>) -> String {
    let Some(s) = state else {
        return "-".to_string();
    };
    let mut cell = s.count.to_string();
    if let Some(mark) = state_mark(s) {
        cell.push(' ');
        cell.push_str(mark);
    }
    if let Some(m) = &s.module {
        match (&m.sha256, &m.source) {
            (Some(sha), _) => cell.push_str(&format!(" sha256:{}", short_digest(sha))),
            (None, Some(source)) => cell.push_str(&format!(" {source}")),
            (None, None) => {}
        }
        if let Some(rv) = &m.resource_version {
            cell.push_str(&format!(" rv:{rv}"));
        }
    }
    cell
}

fn clean(s: &str) -> String {
    sanitize(s).into_owned()
}

/// Writes the `wasm count` fleet summary; nothing when no pod could be read.
pub fn write_fleet(
    out: &mut dyn Write,
    report: &FleetReport,
    width: Option<usize>,
) -> io::Result<()> {
    if report.pods.is_empty() {
        return Ok(());
    }
    let clusters = report.pods.iter().any(|p| p.cluster.is_some());
    let plugins: Vec<String> = report.plugins.iter().map(|p| clean(p)).collect();

    let mut header: Vec<&str> = Vec::new();
    if clusters {
        header.push("CLUSTER");
    }
    header.extend(["NAMESPACE", "POD", "WORKLOAD"]);
    header.extend(plugins.iter().map(String::as_str));
    header.extend(["PROBLEMS", "GROUP", "FLAG"]);
    let rows: Vec<Vec<String>> = report
        .pods
        .iter()
        .map(|p| {
            let mut row = Vec::new();
            if clusters {
                row.push(p.cluster.clone().unwrap_or_else(|| "-".into()));
            }
            row.extend([p.namespace.clone(), p.pod.clone(), p.workload.name.clone()]);
            row.extend(report.plugins.iter().map(|k| pod_cell(p.plugins.get(k))));
            row.extend([
                p.problems.to_string(),
                p.group.to_string(),
                p.flag.as_str().to_string(),
            ]);
            row
        })
        .collect();
    write_own_go_table(out, PADDING, &header, &rows, width, None)?;

    writeln!(out)?;
    let mut header: Vec<&str> = vec!["GROUP", "PODS"];
    header.extend(plugins.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = report
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![g.group.to_string(), g.pods.to_string()];
            row.extend(report.plugins.iter().map(|k| group_cell(g.plugins.get(k))));
            row
        })
        .collect();
    write_own_go_table(out, PADDING, &header, &rows, width, None)?;

    write_deviations(out, report, clusters, width)?;
    write_unchecked(out, report)
}

/// The closing line of a fleet where intent was not checked on some pods: the summary never
/// reads clean for them.
fn write_unchecked(out: &mut dyn Write, report: &FleetReport) -> io::Result<()> {
    let tally = &report.unchecked;
    if tally.pods == 0 {
        return Ok(());
    }
    let reasons: Vec<String> = tally
        .reasons
        .iter()
        .map(|(reason, pods)| format!("{} on {pods}", reason_words(*reason)))
        .collect();
    writeln!(
        out,
        "\nNOT CHECKED: {} of {} pods, {} plugin(s) ({})",
        tally.pods,
        report.pods.len(),
        tally.plugins,
        reasons.join(", ")
    )
}

/// Why a pod's intent was not checked, in a few words.
fn reason_words(reason: UncheckedReason) -> String {
    match reason {
        UncheckedReason::NoResources => "no --resources".to_string(),
        UncheckedReason::ResourceMissing => "a waypoint chain's ServiceEntry not given".to_string(),
        UncheckedReason::UnknownNamespace => "namespace unknown".to_string(),
        UncheckedReason::IstioVersionNotModelled => format!(
            "Istio version outside 1.{}-1.{}",
            MODELLED_MINORS.start(),
            MODELLED_MINORS.end()
        ),
    }
}

/// The pods that differ from their workload's majority, with the reasons; nothing when none.
fn write_deviations(
    out: &mut dyn Write,
    report: &FleetReport,
    clusters: bool,
    width: Option<usize>,
) -> io::Result<()> {
    if report.deviations.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    let mut header: Vec<&str> = Vec::new();
    if clusters {
        header.push("CLUSTER");
    }
    header.extend(["NAMESPACE", "POD", "WORKLOAD", "FLAG", "MAJORITY", "REASON"]);
    let mut rows = Vec::new();
    for d in &report.deviations {
        let majority = match (d.flag, d.majority_group) {
            (Flag::NoMajority, _) | (_, None) => "none".to_string(),
            (_, Some(g)) => format!(
                "group {g} ({} of {} pods)",
                d.majority_pods, d.workload_pods
            ),
        };
        for r in &d.reasons {
            let mut row = Vec::new();
            if clusters {
                row.push(d.cluster.clone().unwrap_or_else(|| "-".into()));
            }
            row.extend([
                d.namespace.clone(),
                d.pod.clone(),
                d.workload.clone(),
                d.flag.as_str().to_string(),
                majority.clone(),
                r.detail.clone(),
            ]);
            rows.push(row);
        }
    }
    write_own_go_table(out, PADDING, &header, &rows, width, None)
}

/// The MTLS cell: one mode when every inbound port has it, else `key=MODE` per port.
fn mtls_cell(s: &ListenerSummary) -> String {
    match s.mtls.first() {
        None => "-".to_string(),
        Some(first) if s.mtls.iter().all(|m| m.mode == first.mode) => {
            first.mode.as_str().to_string()
        }
        Some(_) => s
            .mtls
            .iter()
            .map(|m| format!("{}={}", m.key, m.mode.as_str()))
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Writes the `pc listener` fleet summary; nothing when no pod could be read.
pub fn write_listener_fleet(
    out: &mut dyn Write,
    report: &ListenerFleetReport,
    width: Option<usize>,
) -> io::Result<()> {
    if report.pods.is_empty() {
        return Ok(());
    }
    let clusters = report.pods.iter().any(|p| p.cluster.is_some());
    let mut header: Vec<&str> = Vec::new();
    if clusters {
        header.push("CLUSTER");
    }
    header.extend([
        "NAMESPACE",
        "POD",
        "LISTENERS",
        "WARMING",
        "DRAINING",
        "INBOUND CHAINS",
        "MTLS",
        "INBOUND WASM",
    ]);
    let rows: Vec<Vec<String>> = report
        .pods
        .iter()
        .map(|p| {
            let s = &p.summary;
            let mut row = Vec::new();
            if clusters {
                row.push(p.cluster.clone().unwrap_or_else(|| "-".into()));
            }
            let wasm = if s.inbound_wasm.is_empty() {
                "-".to_string()
            } else {
                s.inbound_wasm
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(",")
            };
            row.extend([
                p.namespace.clone(),
                p.pod.clone(),
                s.listeners.to_string(),
                s.warming.to_string(),
                s.draining.to_string(),
                s.inbound_chains
                    .map_or_else(|| "-".to_string(), |n| n.to_string()),
                mtls_cell(s),
                wasm,
            ]);
            row
        })
        .collect();
    write_own_go_table(out, PADDING, &header, &rows, width, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fleet::ModuleId;

    #[test]
    fn cells_show_counts_states_and_modules() {
        let module = ModuleId {
            sha256: Some("d1294d5f5d1e29473e8bce0e97f9131c8338a8ac705a09181ad9382c7c4bcde9".into()),
            source: None,
            resource_version: Some("7".into()),
        };
        let present = PluginState {
            count: 6,
            ecds: Some(EcdsState::Present),
            module: Some(module),
        };
        let deny = PluginState {
            count: 6,
            ecds: Some(EcdsState::DenyAllStandIn),
            module: None,
        };
        assert_eq!(pod_cell(None), "-");
        assert_eq!(pod_cell(Some(&present)), "6");
        assert_eq!(pod_cell(Some(&deny)), "6 deny-all");
        assert_eq!(group_cell(Some(&present)), "6 sha256:d1294d5f5d1e rv:7");
        assert_eq!(group_cell(Some(&deny)), "6 deny-all");
    }
}
