//! `meshscope wasm count`: loads each dump and the resources, builds one report per proxy,
//! renders it, and exits 1 on a problem verdict.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use crate::analysis::wasm_count::{
    PluginSelector, ProxyInput, ProxyReport, WasmCountReport, proxy_report,
};
use crate::analysis::wasm_intent::ProxyContext;
use crate::analysis::wasm_placement::{ProxyKind, chain_sites};
use crate::cli::{WasmCountArgs, WasmOutput};
use crate::cmd::{CommandError, input, resources};
use crate::envoy::{Document, Sections};
use crate::error::{Error, ExitCode};
use crate::istio::wasm_plugin::{WasmPluginSpec, wasm_plugin_of};
use crate::render::sanitize::sanitize;
use crate::render::{structured, wasm_table};
use crate::source::bug_report::{ArchivePod, BugReport, BugReportFetch};
use crate::source::kube::{FleetFetch, FleetItem, KubeOptions, PodFetch};
use crate::source::{self, DumpSource};

const LISTENERS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.ListenersConfigDump";

/// `wasm count` failures besides reading dumps.
#[derive(Debug, thiserror::Error)]
pub enum WasmCountError {
    /// Fleet pods that could not be read: one line each (the others were reported).
    #[error("{}", .0.join("\nmeshscope: error: "))]
    Inputs(Vec<String>),
    /// A `--bug-report` that could not be read (sanitised: names come from the archive).
    #[error("{0}")]
    BugReport(String),
}

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
                query: String::new(),
                timeout: args.timeout,
            })
        })
        .collect();
    sources.extend(args.files.iter().cloned().map(DumpSource::File));
    let contexts: Vec<Option<&String>> = if args.context.is_empty() {
        vec![None]
    } else {
        args.context.iter().map(Some).collect()
    };
    let several = contexts.len() > 1;
    let bug_report = args.bug_report.as_ref().map(|path| BugReportFetch {
        path: path.clone(),
        namespace: args.namespace.clone().filter(|_| !args.all_namespaces),
        selector: args.selector.clone(),
    });
    let live_fleet = bug_report.is_none() && (args.selector.is_some() || args.all_namespaces);
    let fleets: Vec<FleetFetch> = if live_fleet {
        contexts
            .into_iter()
            .map(|context| FleetFetch {
                kube: KubeOptions {
                    context: context.cloned(),
                    ..kube_options(args)
                },
                selector: args.selector.clone().unwrap_or_default(),
                all_namespaces: args.all_namespaces,
                admin_port: args.proxy_admin_port,
                timeout: args.timeout,
                concurrency: args.concurrency,
                label_prefix: match context {
                    Some(c) if several => format!("{c}/"),
                    _ => String::new(),
                },
            })
            .collect()
    } else {
        Vec::new()
    };
    if sources.is_empty() && fleets.is_empty() && bug_report.is_none() {
        return Err(CommandError::NeedsOneInput("wasm count").into());
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
    })
}

/// Runs `wasm count`.
pub fn run(args: &WasmCountArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let opts = options(args)?;
    let archive = match &opts.bug_report {
        Some(fetch) => Some(
            source::bug_report::open(fetch)
                .map_err(|e| WasmCountError::BugReport(sanitize(&e.to_string()).into_owned()))?,
        ),
        None => None,
    };
    let plugins = if let Some((kube, timeout)) = &opts.cluster {
        Some(cluster_plugins(kube, *timeout)?)
    } else if !opts.resources.is_empty() {
        Some(load_plugins(&opts.resources)?)
    } else if let Some(archive) = &archive {
        Some(archive_plugins(archive)?)
    } else {
        None
    };
    let mut proxies = Vec::new();
    for src in &opts.sources {
        let raw = input::read(src)?;
        proxies.push(proxy(&raw, &opts, plugins.as_deref(), None)?);
    }
    let mut failures = Vec::new();
    let mut reports = Vec::new();
    for fleet in &opts.fleets {
        // Several clusters: each is checked against its own WasmPlugins.
        let own = match &opts.cluster {
            Some((_, timeout)) if opts.fleets.len() > 1 => {
                Some(cluster_plugins(&fleet.kube, *timeout)?)
            }
            _ => None,
        };
        let fleet_plugins = own.as_deref().or(plugins.as_deref());
        let items = source::kube::fleet(fleet.clone());
        let fleet = Fleet {
            opts: &opts,
            plugins: fleet_plugins,
            archive: None,
        };
        fleet.read(items, &mut reports, &mut failures);
    }
    if let Some(archive) = &archive {
        let fleet = Fleet {
            opts: &opts,
            plugins: plugins.as_deref(),
            archive: Some(archive),
        };
        fleet.read(archive.fleet(), &mut reports, &mut failures);
    }
    reports.sort_by(|a, b| a.source.cmp(&b.source));
    proxies.extend(reports);
    failures.sort();
    let report = WasmCountReport { proxies };
    match opts.output {
        WasmOutput::Table => wasm_table::write_report(out, &report)?,
        WasmOutput::Json => structured::write_json(out, &report)?,
        WasmOutput::Yaml => {
            let value =
                serde_json::to_value(&report).map_err(|e| crate::render::RenderError::Encode {
                    format: "yaml",
                    message: e.to_string(),
                })?;
            structured::write_yaml(out, &value)?
        }
    }
    if !failures.is_empty() {
        return Err(WasmCountError::Inputs(failures).into());
    }
    Ok(if report.has_problems() {
        ExitCode::Found
    } else {
        ExitCode::Ok
    })
}

/// One fleet's dumps, and what they are judged against.
struct Fleet<'a> {
    opts: &'a Options,
    plugins: Option<&'a [WasmPluginSpec]>,
    /// The bug report the dumps come from: its pods fill in what a dump's node lacks.
    archive: Option<&'a BugReport>,
}

impl Fleet<'_> {
    /// Builds each dump's report as it arrives; every pod that fails gets its own line after
    /// the report of the others (CLI.md: exit 2 still reports what could be read).
    fn read(
        &self,
        items: std::sync::mpsc::Receiver<FleetItem>,
        reports: &mut Vec<ProxyReport>,
        failures: &mut Vec<String>,
    ) {
        let progress = Progress::new();
        for item in items {
            let (label, result) = match item {
                FleetItem::Selected(n) => {
                    progress.start(n);
                    continue;
                }
                FleetItem::Pod(label, result) => (label, result),
            };
            let pod = self.archive.and_then(|a| a.pod(&label));
            let report = result.map_err(Error::from).and_then(|bytes| {
                let raw = input::RawInput { label, bytes };
                proxy(&raw, self.opts, self.plugins, pod)
            });
            match report {
                Ok(r) => reports.push(r),
                // Pod names come from the cluster or the archive: escaped for the terminal.
                Err(e) => failures.push(sanitize(&e.to_string()).into_owned()),
            }
            progress.advance(failures.len());
        }
        progress.finish();
    }
}

/// The report of one proxy's dump. `pod` is the bug report's view of the proxy, if any.
fn proxy(
    raw: &input::RawInput,
    opts: &Options,
    plugins: Option<&[WasmPluginSpec]>,
    pod: Option<&ArchivePod>,
) -> Result<ProxyReport, Error> {
    let text = source::to_json_text(&raw.label, &raw.bytes)?;
    let doc = Document {
        label: &raw.label,
        text: &text.json,
        from_yaml: text.from_yaml,
    };
    let dump = doc.load(Sections {
        listeners: true,
        ecds: true,
        bootstrap: true,
    })?;
    let section = dump.listeners.ok_or_else(|| CommandError::MissingSection {
        path: raw.label.clone(),
        context: "",
        type_url: LISTENERS_TYPE,
    })?;
    let listeners = section
        .entries
        .iter()
        .map(|e| Ok((e.state, doc.listener(e)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    let refs: Vec<_> = listeners.iter().map(|(s, l)| (*s, l)).collect();

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
        sites: chain_sites(&refs, kind),
        ecds: dump.ecds.as_deref(),
    };
    Ok(proxy_report(input, plugins, opts.only.as_ref()))
}

/// `1.N.P` (or `1.N-dev`) → N.
fn minor_of(version: &str) -> Option<u32> {
    let rest = version.strip_prefix("1.")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The fleet progress bar: on stderr, only when stderr is a terminal.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new() -> Progress {
        use std::io::IsTerminal;
        Progress(std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} pods read {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        }))
    }
    fn start(&self, pods: usize) {
        if let Some(bar) = &self.0 {
            bar.set_length(pods as u64);
        }
    }
    fn advance(&self, failed: usize) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
            if failed > 0 {
                bar.set_message(format!("({failed} failed)"));
            }
        }
    }
    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
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
    let crs = archive.crs().ok_or_else(|| {
        WasmCountError::BugReport(format!(
            "{}: the bug report has no cluster/crs (its WasmPlugins; --resources can give them)",
            sanitize(&archive.label())
        ))
    })?;
    Ok(resources::from_text(&sanitize(&crs.label), &crs.text)?
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
