//! `meshscope wasm count`: loads each dump and the resources, builds one report per proxy,
//! renders it, and exits 1 on a problem verdict (or, with `--fail-on-unchecked`, on a plugin
//! not checked). In fleet mode (`-l`, `-A`, `--bug-report`)
//! each pod's report is summarised as its dump arrives, and the fleet summary is printed
//! instead: pods × plugins, signature groups, and the pods that differ from their
//! workload's majority.

mod fleet_mode;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use crate::analysis::listener::refused::refused_updates;
use crate::analysis::wasm::count::{
    PluginSelector, ProxyInput, ProxyReport, WasmCountReport, proxy_report,
};
use crate::analysis::wasm::identity::{IdentitySources, ListedPod, NodeNames, identify};
use crate::analysis::wasm::placement::{load_reduced, reduced_sites};
use crate::cli::UsageError;
use crate::cli::{WasmCountArgs, WasmOutput};
use crate::cmd::fleet::FleetFlags;
use crate::cmd::input::kube_options;
use crate::envoy::Sections;
use crate::envoy::dump::LISTENERS_TYPE;
use crate::envoy::missing::{SectionWording, required};
use crate::error::{Error, ExitCode};
use crate::istio::intent_resources::IntentResources;
use crate::render::structured;
use crate::render::terminal::Terminal;
use crate::render::wasm::table;
use crate::source::bug_report::{ArchivePod, BugReportFetch};
use crate::source::kube::fleet::FleetFetch;
use crate::source::kube::{KubeOptions, PodFetch};
use crate::source::resources;
use crate::source::target::{Positional, positional};
use crate::source::{self, DumpMask, DumpSource, RawInput};

/// What `wasm count` reads: the bootstrap (the proxy's node), the listeners and the ECDS
/// filters; a live fetch asks for these only.
const READS: Sections = Sections {
    listeners: true,
    ecds: true,
    bootstrap: true,
};

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
    /// Colour and width of the tables.
    term: Terminal,
    /// `--fail-on-unchecked`: a plugin not checked makes the exit code 1.
    fail_on_unchecked: bool,
}

fn options(args: &WasmCountArgs) -> Result<Options, Error> {
    let mut sources: Vec<DumpSource> = Vec::new();
    for arg in &args.pods {
        sources.push(match positional(arg)? {
            Positional::File(path) => DumpSource::File(path),
            Positional::Pod(reference) => DumpSource::Pod(PodFetch {
                reference,
                kube: kube_options(&args.kube),
                admin_port: args.kube.proxy_admin_port,
                path: DumpMask::Sections(READS).path(),
                query: DumpMask::Sections(READS).query(),
                timeout: args.kube.timeout,
            }),
        });
    }
    sources.extend(args.files.iter().cloned().map(DumpSource::File));
    let bug_report = args.fleet.bug_report.as_deref().map(|path| {
        BugReportFetch::new(
            path,
            args.kube.namespace.as_deref(),
            args.fleet.all_namespaces,
            args.fleet.selector.as_deref(),
        )
    });
    let fleets = FleetFlags {
        fleet: &args.fleet,
        kube: &args.kube,
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
    let has_pod = sources.iter().any(|s| matches!(s, DumpSource::Pod(_)));
    let from_cluster = args.resources.is_empty() && (has_pod || !fleets.is_empty());
    Ok(Options {
        fleets,
        bug_report,
        cluster: from_cluster.then(|| (kube_options(&args.kube), args.kube.timeout)),
        sources,
        resources: args.resources.clone(),
        only: args.plugin.as_deref().map(PluginSelector::new),
        namespace: args.kube.namespace.clone(),
        labels: args.labels.iter().cloned().collect(),
        root_namespace: args.root_namespace.clone(),
        output: args.output,
        detail: args.detail,
        term: Terminal::default(),
        fail_on_unchecked: args.fail_on_unchecked,
    })
}

/// Runs `wasm count`.
pub fn run(args: &WasmCountArgs, term: Terminal, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let opts = Options {
        term,
        ..options(args)?
    };
    let archive = match &opts.bug_report {
        Some(fetch) => Some(source::bug_report::open(fetch)?),
        None => None,
    };
    // Several clusters read their own plugins one by one (see `run_fleet`); only POD
    // arguments, which use the first context, need them up front.
    let per_cluster = opts.cluster.is_some() && opts.fleets.len() > 1 && opts.sources.is_empty();
    let plugins = match &opts.cluster {
        Some(_) if per_cluster => None,
        Some((kube, timeout)) => Some(resources::wasm_plugins_in_cluster(kube, *timeout)?),
        None if !opts.resources.is_empty() => {
            Some(resources::wasm_plugins_in_paths(&opts.resources)?)
        }
        None => archive
            .as_ref()
            .map(resources::wasm_plugins_in_archive)
            .transpose()?,
    };
    if opts.fleets.is_empty() && archive.is_none() {
        run_proxies(&opts, plugins.as_ref(), out)
    } else {
        fleet_mode::run_fleet(&opts, plugins.as_ref(), archive.as_ref(), out)
    }
}

/// One report per dump, in argument order; the first input that cannot be read stops it.
fn run_proxies(
    opts: &Options,
    plugins: Option<&IntentResources>,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let mut proxies = Vec::new();
    for src in &opts.sources {
        let raw = source::fetch::read(src)?;
        proxies.push(proxy(&raw, opts, plugins, None)?.0);
    }
    let report = WasmCountReport { proxies };
    match opts.output {
        WasmOutput::Table => table::write_report(out, &report, opts.term)?,
        format => write_structured(out, &report, format)?,
    }
    let unchecked = opts.fail_on_unchecked && report.has_unchecked();
    Ok(if report.has_problems() || unchecked {
        ExitCode::Found
    } else {
        ExitCode::Ok
    })
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

/// The report of one proxy's dump. `pod` is the bug report's view of the proxy, if any.
fn proxy(
    raw: &RawInput,
    opts: &Options,
    plugins: Option<&IntentResources>,
    pod: Option<&ArchivePod>,
) -> Result<(ProxyReport, NodeNames), Error> {
    let text = source::to_json_text(&raw.label, &raw.bytes)?;
    let doc = text.document(&raw.label);
    // Every listener is read, so they are decoded in the one pass over the text.
    let dump = load_reduced(&doc, READS)?;
    let section = required(
        dump.listeners,
        &raw.label,
        SectionWording::ConfigDump,
        LISTENERS_TYPE,
    )?;
    let refused_updates = refused_updates(&section);
    let listeners: Vec<_> = section
        .entries
        .into_iter()
        .map(|e| (e.state, e.raw))
        .collect();

    let identity = identify(&IdentitySources {
        node: dump.node.as_ref(),
        listed: pod.map(|p| ListedPod {
            namespace: &p.namespace,
            labels: p.labels.as_ref(),
        }),
        namespace: opts.namespace.as_deref(),
        labels: &opts.labels,
        root_namespace: &opts.root_namespace,
    });
    let kind = identity.context.kind;
    let input = ProxyInput {
        source: raw.label.clone(),
        context: identity.context,
        istio_version: identity.istio_version,
        identity_from: identity.identity_from,
        // Counting needs only the chains with Wasm filters; the intent check needs all.
        sites: reduced_sites(listeners, kind, plugins.is_none()),
        ecds: dump.ecds.as_deref(),
        refused_updates,
    };
    Ok((
        proxy_report(input, plugins, opts.only.as_ref()),
        identity.names,
    ))
}
