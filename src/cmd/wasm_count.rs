//! `meshscope wasm count`: loads each dump and the resources, builds one report per proxy,
//! renders it, and exits 1 on a problem verdict. In fleet mode (`-l`, `-A`, `--bug-report`)
//! each pod's report is summarised as its dump arrives, and the fleet summary is printed
//! instead: pods × plugins, signature groups, and the pods that differ from their
//! workload's majority.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use crate::analysis::fleet::{
    FleetOutput, PodId, PodSummary, WorkloadHints, fleet_report, pod_summary, workload_of,
};
use crate::analysis::wasm::count::{
    PluginSelector, ProxyInput, ProxyReport, WasmCountReport, proxy_report,
};
use crate::analysis::wasm::intent::ProxyContext;
use crate::analysis::wasm::placement::{ListenerChains, ProxyKind, reduced_sites};
use crate::cli::UsageError;
use crate::cli::{WasmCountArgs, WasmOutput};
use crate::cmd::fleet::{self, FleetFlags, drain, pod_id};
use crate::envoy::Sections;
use crate::error::{Error, ExitCode};
use crate::istio::wasm_plugin::{WasmPluginSpec, wasm_plugin_of};
use crate::render::structured;
use crate::render::tables::fleet as fleet_table;
use crate::render::wasm::table;
use crate::source::bug_report::{ArchivePod, BugReport, BugReportFetch};
use crate::source::fleet::FleetPod;
use crate::source::fleet::{Failures, Progress};
use crate::source::kube::{FleetFetch, KubeOptions, PodFetch};
use crate::source::resources;
use crate::source::{self, DumpMask, DumpSource, RawInput};

/// What `wasm count` reads: the bootstrap (the proxy's node), the listeners and the ECDS
/// filters; a live fetch asks for these only.
const READS: Sections = Sections {
    listeners: true,
    ecds: true,
    bootstrap: true,
};

const LISTENERS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.ListenersConfigDump";

/// Options resolved from the flags before any I/O.
struct Options {
    sources: Vec<DumpSource>,
    /// `-l` / `-A`: the sidecars to read, one request per cluster (`--context`).
    fleets: Vec<FleetFetch>,
    /// `--bug-report`: the offline fleet (then `-n`/`-l`/`-A` pick from the archive).
    bug_report: Option<BugReportFetch>,
    /// Where to read WasmPlugins / TrafficExtensions from when no `--resources` is given.
    cluster: Option<(KubeOptions, std::time::Duration)>,
    resources: Vec<PathBuf>,
    only: Option<PluginSelector>,
    namespace: Option<String>,
    labels: BTreeMap<String, String>,
    root_namespace: String,
    output: WasmOutput,
    /// Fleet mode: keep and print each pod's full report after the summary.
    detail: bool,
}

fn options(args: &WasmCountArgs) -> Result<Options, Error> {
    let mut sources: Vec<DumpSource> = args
        .pods
        .iter()
        .map(|pod| {
            DumpSource::Pod(PodFetch {
                reference: pod.clone(),
                kube: kube_options(args),
                admin_port: args.proxy_admin_port,
                query: DumpMask::Sections(READS).query(),
                timeout: args.timeout,
            })
        })
        .collect();
    sources.extend(args.files.iter().cloned().map(DumpSource::File));
    let bug_report = args.bug_report.as_deref().map(|path| {
        BugReportFetch::new(
            path,
            args.namespace.as_deref(),
            args.all_namespaces,
            args.selector.as_deref(),
        )
    });
    // With --bug-report, -l/-A pick from the archive: no live fleet.
    let live = bug_report.is_none();
    let fleets = FleetFlags {
        selector: args.selector.as_deref().filter(|_| live),
        all_namespaces: args.all_namespaces && live,
        contexts: &args.context,
        kubeconfig: args.kubeconfig.as_ref(),
        namespace: args.namespace.as_deref(),
        admin_port: args.proxy_admin_port,
        timeout: args.timeout,
        concurrency: args.concurrency,
        mask: DumpMask::Sections(READS),
    }
    .requests();
    if sources.is_empty() && fleets.is_empty() && bug_report.is_none() {
        return Err(UsageError::NeedsOneInput {
            command: "wasm count",
        }
        .into());
    }
    // CLI.md: resources come from the cluster only when the dumps do.
    let from_cluster = args.resources.is_empty() && (!args.pods.is_empty() || !fleets.is_empty());
    Ok(Options {
        fleets,
        bug_report,
        cluster: from_cluster.then(|| (kube_options(args), args.timeout)),
        sources,
        resources: args.resources.clone(),
        only: args.plugin.as_deref().map(PluginSelector::new),
        namespace: args.namespace.clone(),
        labels: args.labels.iter().cloned().collect(),
        root_namespace: args.root_namespace.clone(),
        output: args.output,
        detail: args.detail,
    })
}

/// Runs `wasm count`.
pub fn run(args: &WasmCountArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let opts = options(args)?;
    let archive = match &opts.bug_report {
        Some(fetch) => Some(source::bug_report::open(fetch)?),
        None => None,
    };
    // Several clusters read their own plugins one by one (see `run_fleet`); only POD
    // arguments, which use the first context, need them up front.
    let per_cluster = opts.cluster.is_some() && opts.fleets.len() > 1 && opts.sources.is_empty();
    let plugins = match &opts.cluster {
        Some(_) if per_cluster => None,
        Some((kube, timeout)) => Some(cluster_plugins(kube, *timeout)?),
        None if !opts.resources.is_empty() => Some(load_plugins(&opts.resources)?),
        None => archive.as_ref().map(archive_plugins).transpose()?,
    };
    if opts.fleets.is_empty() && archive.is_none() {
        run_proxies(&opts, plugins.as_deref(), out)
    } else {
        run_fleet(&opts, plugins.as_deref(), archive.as_ref(), out)
    }
}

/// One report per dump, in argument order; the first input that cannot be read stops it.
fn run_proxies(
    opts: &Options,
    plugins: Option<&[WasmPluginSpec]>,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let mut proxies = Vec::new();
    for src in &opts.sources {
        let raw = source::fetch::read(src)?;
        proxies.push(proxy(&raw, opts, plugins, None)?.0);
    }
    let report = WasmCountReport { proxies };
    match opts.output {
        WasmOutput::Table => table::write_report(out, &report)?,
        format => write_structured(out, &report, format)?,
    }
    Ok(if report.has_problems() {
        ExitCode::Found
    } else {
        ExitCode::Ok
    })
}

/// A pod of the fleet, summarised; its full report only with `--detail`.
struct FleetResult {
    summary: PodSummary,
    detail: Option<ProxyReport>,
}

/// Fleet mode: every dump is summarised as it arrives and dropped; the summary table (or
/// JSON/YAML) of every readable pod is printed, then one error line per pod that failed.
/// The pods come from the live clusters and from the bug report, each a stream of fleet
/// items drained alike.
fn run_fleet(
    opts: &Options,
    plugins: Option<&[WasmPluginSpec]>,
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
                match cluster_plugins(&fleet.kube, *timeout) {
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
        let fleet_plugins = own.as_deref().or(plugins);
        let items = source::kube::fleet(fleet.clone());
        drain(items, &progress, &mut failures, &mut results, |pod, raw| {
            let (report, node) = proxy(raw, opts, fleet_plugins, None)?;
            Ok(fleet_result(
                pod_id(pod),
                Some(pod),
                report,
                &node,
                opts.detail,
            ))
        });
    }
    if let Some(archive) = archive {
        drain(
            archive.fleet(),
            &progress,
            &mut failures,
            &mut results,
            |pod, raw| {
                // The archive's pod fills in what a dump's bootstrap node lacks.
                let listed = archive.pod(&pod.label());
                let (report, node) = proxy(raw, opts, plugins, listed)?;
                Ok(fleet_result(
                    pod_id(pod),
                    Some(pod),
                    report,
                    &node,
                    opts.detail,
                ))
            },
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
            fleet_table::write_fleet(out, &report)?;
            if opts.detail && !details.is_empty() {
                writeln!(out)?;
                table::write_report(out, &WasmCountReport { proxies: details })?;
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
    Ok(if report.has_findings() {
        ExitCode::Found
    } else {
        ExitCode::Ok
    })
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

/// JSON or YAML of a report.
fn write_structured(
    out: &mut dyn Write,
    value: &impl serde::Serialize,
    format: WasmOutput,
) -> Result<(), Error> {
    let format = if format == WasmOutput::Yaml {
        structured::Format::Yaml
    } else {
        structured::Format::Json
    };
    Ok(structured::write(out, value, format)?)
}

/// What the bootstrap node says about who the proxy is, beyond namespace and labels.
#[derive(Debug, Default)]
struct NodeNames {
    /// `NAME`: the pod's name.
    name: Option<String>,
    /// `OWNER`.
    owner: Option<String>,
    /// `WORKLOAD_NAME`.
    workload_name: Option<String>,
}

/// The report of one proxy's dump. `pod` is the bug report's view of the proxy, if any.
fn proxy(
    raw: &RawInput,
    opts: &Options,
    plugins: Option<&[WasmPluginSpec]>,
    pod: Option<&ArchivePod>,
) -> Result<(ProxyReport, NodeNames), Error> {
    let text = source::to_json_text(&raw.label, &raw.bytes)?;
    let doc = text.document(&raw.label);
    // Every listener is read, so they are decoded in the one pass over the text.
    let dump = doc.load_decoded::<ListenerChains>(READS)?;
    let section = dump
        .listeners
        .ok_or_else(|| crate::envoy::MissingError::Section {
            path: raw.label.clone(),
            context: "",
            type_url: LISTENERS_TYPE,
        })?;
    let listeners: Vec<_> = section
        .entries
        .into_iter()
        .map(|e| (e.state, e.raw))
        .collect();

    let node = dump.node.as_ref();
    let kind = node.map_or(ProxyKind::Unknown, |n| ProxyKind::from_node_id(&n.id));
    let node_ns = node.and_then(|n| n.metadata.namespace.as_deref().map(str::to_string));
    let node_labels: BTreeMap<String, String> = node
        .map(|n| {
            n.metadata
                .labels
                .0
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let istio_version = node.and_then(|n| n.metadata.istio_version.as_deref().map(str::to_string));
    let own = |v: Option<&std::borrow::Cow<'_, str>>| v.map(|s| s.to_string());
    let names = NodeNames {
        name: node.and_then(|n| own(n.metadata.name.as_ref())),
        owner: node.and_then(|n| own(n.metadata.owner.as_ref())),
        workload_name: node.and_then(|n| own(n.metadata.workload_name.as_ref())),
    };
    let from_bootstrap = node_ns.is_some();
    let identity_from = if from_bootstrap {
        "bootstrap"
    } else if pod.is_some() {
        "bug-report"
    } else if opts.namespace.is_some() || !opts.labels.is_empty() {
        "flags"
    } else {
        "none"
    };
    let context = ProxyContext {
        kind,
        // The dump's node first; then where the bug report keeps it and the pod it lists;
        // then the flags.
        namespace: node_ns
            .or_else(|| pod.map(|p| p.namespace.clone()))
            .or_else(|| opts.namespace.clone()),
        labels: if !node_labels.is_empty() {
            node_labels
        } else if let Some(labels) = pod.and_then(|p| p.labels.clone()) {
            labels
        } else {
            opts.labels.clone()
        },
        istio_minor: istio_version.as_deref().and_then(minor_of),
        root_namespace: opts.root_namespace.clone(),
    };
    let input = ProxyInput {
        source: raw.label.clone(),
        context,
        istio_version,
        identity_from,
        // Counting needs only the chains with Wasm filters; the intent check needs all.
        sites: reduced_sites(listeners, kind, plugins.is_none()),
        ecds: dump.ecds.as_deref(),
    };
    Ok((proxy_report(input, plugins, opts.only.as_ref()), names))
}

/// `1.N.P` (or `1.N-dev`) → N.
fn minor_of(version: &str) -> Option<u32> {
    let rest = version.strip_prefix("1.")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Cluster access for POD arguments, from the `wasm count` flags.
fn kube_options(args: &WasmCountArgs) -> KubeOptions {
    KubeOptions {
        kubeconfig: args.kubeconfig.clone(),
        context: args.context.first().cloned(),
        namespace: args.namespace.clone(),
    }
}

/// Every WasmPlugin and Wasm TrafficExtension in the cluster.
fn cluster_plugins(
    kube: &KubeOptions,
    timeout: std::time::Duration,
) -> Result<Vec<WasmPluginSpec>, Error> {
    let lists = source::block_on(source::kube::extension_lists(kube, timeout))??;
    Ok(resources::from_cluster_lists(&lists)?
        .iter()
        .filter_map(wasm_plugin_of)
        .collect())
}

/// Every WasmPlugin and Wasm TrafficExtension in the bug report's `cluster/crs` List.
fn archive_plugins(archive: &BugReport) -> Result<Vec<WasmPluginSpec>, Error> {
    let crs = archive.crs().ok_or_else(|| source::Error::NoCrs {
        path: archive.label(),
    })?;
    Ok(resources::from_text(&crs.label, &crs.text)?
        .iter()
        .filter_map(wasm_plugin_of)
        .collect())
}

/// Reads every WasmPlugin and Wasm TrafficExtension under `paths`.
fn load_plugins(paths: &[PathBuf]) -> Result<Vec<WasmPluginSpec>, Error> {
    Ok(resources::from_paths(paths)?
        .iter()
        .filter_map(wasm_plugin_of)
        .collect())
}
