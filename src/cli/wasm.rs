//! `meshscope wasm`: Wasm filters on Envoy proxies, checked against the WasmPlugins that
//! asked for them.

use std::path::PathBuf;

use clap::{ArgAction, Args, Subcommand};

/// Flags of the wasm group.
#[derive(Debug, Args)]
#[command(
    after_help = "Exit status: 0 no problem verdict; 1 a problem verdict, or (wasm count, unless --fail-on-unchecked=false) a plugin not checked; 2 an input could not be read, parsed or fetched, or bad flags."
)]
pub struct WasmArgs {
    #[command(subcommand)]
    pub command: WasmCommand,
}

/// The wasm subcommands.
#[derive(Debug, Subcommand)]
pub enum WasmCommand {
    /// Where every Wasm filter sits on each proxy, and whether that matches the WasmPlugins.
    ///
    /// Counts each Wasm filter's placements (total, per listener, filter chain, transport
    /// protocol and direction) and its position among Istio's own filters; Istio's built-ins
    /// are listed apart. With --resources (or the WasmPlugins of the cluster or bug report the
    /// dumps come from), each WasmPlugin and TrafficExtension is joined to its filters:
    /// expected and present, expected but missing, present but not expected, wrong order,
    /// ECDS missing, or replaced by the agent's RBAC stand-in. Exits 1 when a problem verdict
    /// appears. On a gateway or waypoint every plugin given is accounted for: a plugin istiod
    /// attaches nowhere there is listed as not-attached with istiod's reason. A plugin whose
    /// verdict cannot be reached (no resources; a ServiceEntry targetRef on a waypoint chain
    /// whose host no given ServiceEntry declares; an unknown namespace; an Istio version
    /// outside 1.12-1.30) is listed as not-checked, never as clean, and exits 1 too unless
    /// --fail-on-unchecked=false. Attachment follows the dump's Istio release: targetRef
    /// from 1.20, targetRefs from 1.22, Service refs on waypoints from 1.22, ServiceEntry
    /// refs from 1.24, GatewayClass refs from 1.25.
    ///
    /// Fleet mode (-l SELECTOR, -A, --bug-report) reads every sidecar selected and prints a
    /// summary instead of one report per proxy: a table of pods × plugins (the number of
    /// filter chains carrying each plugin; "-" where a pod lacks it; "deny-all", "allow-all"
    /// or "ecds-missing" after the count where the agent's stand-in or no ECDS resource is
    /// there) with each pod's GROUP (pods sharing one placement signature: counts, ECDS state
    /// and module, known by its sha256, else its source, and the WasmPlugin's
    /// resourceVersion; never by the ECDS version_info) and FLAG; then the groups; then each
    /// pod that differs from its workload's majority, with the reasons. A pod's workload is
    /// its controller (a Deployment for a ReplicaSet's pods), else the dump's node OWNER or
    /// WORKLOAD_NAME, else its service.istio.io/canonical-name, app.kubernetes.io/name or app
    /// label, within its cluster and namespace. With several --context, a CLUSTER column
    /// comes first.
    /// --detail adds each pod's full report after the summary. Exits 1 when a pod differs
    /// from its majority, has a problem verdict or (unless --fail-on-unchecked=false) a plugin
    /// not checked; 2 when any pod could not be read (after printing the others; one error
    /// line per such pod).
    #[command(after_help = "Examples:\n  \
        # How often the plugin is placed, and where\n  \
        meshscope wasm count -f config_dump.json\n\n  \
        # Checked against the WasmPlugins that should apply\n  \
        meshscope wasm count -f config_dump.json --resources manifests/\n\n  \
        # One plugin, as JSON\n  \
        meshscope wasm count -f config_dump.json --plugin default/helloworld -o json\n\n  \
        # Every httpbin sidecar in the cluster, and the pods that differ from the others\n  \
        meshscope wasm count -l app=httpbin -A\n\n  \
        # Two clusters in one table (CLUSTER column)\n  \
        meshscope wasm count -l app=httpbin -A --context east --context west\n\n  \
        # Every sidecar of an istioctl bug report, offline\n  \
        meshscope wasm count --bug-report bug-report.tar.gz -A\n\n  \
        # Counts only, without failing for the plugins left unchecked\n  \
        meshscope wasm count -f config_dump.json --fail-on-unchecked=false\n\n\
        Exit status: 0 no problem verdict; 1 a problem verdict, a plugin not checked (unless\n\
        --fail-on-unchecked=false) or, in fleet mode, a pod that differs from its majority; 2 an input could not be read, parsed or fetched, or bad flags (fleet mode: after printing the others).")]
    Count(WasmCountArgs),
}

/// `wasm count` output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WasmOutput {
    /// Tables.
    Table,
    /// The report as JSON (documented in the `analysis::wasm_*` report types).
    Json,
    /// The report as YAML.
    Yaml,
}

/// `wasm count` flags.
#[derive(Debug, Args)]
#[command(mut_arg("selector", |a| a.help(
    "Fleet mode: every running sidecar matching this label selector (as kubectl's -l); with \
     --bug-report, matched against the pods the archive lists",
)))]
// --bug-report is listed before -A here (display order 5 and 6: the flags before them are
// --file, --plugin, --resources, --labels, -l).
#[command(mut_arg("bug_report", |a| a
    .help(
        "Fleet mode, offline: every proxy dump in an istioctl bug-report archive (.tar.gz or \
         its unpacked folder), checked against the WasmPlugins in its cluster/crs unless \
         --resources is given. Never contacts a cluster",
    )
    .conflicts_with("pods")
    .display_order(5)))]
#[command(mut_arg("all_namespaces", |a| a.display_order(6)))]
#[command(mut_arg("namespace", |a| a.help(
    "Namespace of POD arguments and of -l (default: the context's); with --bug-report, only \
     the proxies of this namespace (default: all). Also the proxy's namespace when a dump has \
     no bootstrap node.metadata.NAMESPACE",
)))]
#[command(mut_arg("kubeconfig", |a| a.help("Path to the kubeconfig file (for POD arguments)")))]
#[command(mut_arg("context", |a| a.help(
    "The kubeconfig context to use; repeatable in fleet mode (one run over several clusters, \
     each pod labelled CONTEXT/pod/NAME.NAMESPACE). POD arguments use the first",
)))]
pub struct WasmCountArgs {
    /// Pods to read: name[.namespace], pod/name[.namespace] or deploy/name[.namespace].
    #[arg(value_name = "POD")]
    pub pods: Vec<String>,

    /// Envoy config dump files (JSON or YAML); repeatable; '-' reads stdin.
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// Only this plugin: name, namespace/name, or the raw ECDS filter name.
    #[arg(long, value_name = "NAME")]
    pub plugin: Option<String>,

    /// WasmPlugin / TrafficExtension manifests (files or directories); '-' reads stdin.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub resources: Vec<PathBuf>,

    /// The proxy's labels (k=v,...) when the dump has no bootstrap node.metadata.LABELS.
    #[arg(long, value_name = "K=V", value_delimiter = ',', value_parser = parse_label)]
    pub labels: Vec<(String, String)>,

    #[command(flatten)]
    pub fleet: super::FleetArgs,

    /// Fleet mode: after the summary, print each pod's full report too (its PROXY tables;
    /// with -o json|yaml, a "proxies" list).
    #[arg(long)]
    pub detail: bool,

    #[command(flatten)]
    pub kube: super::KubeArgs,

    /// The mesh root namespace (meshConfig rootNamespace).
    #[arg(long, default_value = "istio-system", value_name = "NAMESPACE")]
    pub root_namespace: String,

    /// Exit 1 when a plugin's verdict could not be reached (no resources to check against;
    /// a ServiceEntry targetRef on a waypoint chain whose host no given ServiceEntry
    /// declares; an unknown namespace; an Istio version outside 1.12-1.30). Each such plugin is listed as
    /// not-checked either way; --fail-on-unchecked=false exits 0 for them.
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", value_name = "BOOL")]
    pub fail_on_unchecked: bool,

    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = WasmOutput::Table)]
    pub output: WasmOutput,
}

/// Parses one `key=value` label.
pub fn parse_label(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("invalid label {s:?}: expected key=value")),
    }
}
