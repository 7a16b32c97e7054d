//! Flag groups shared by several commands, flattened into each (`#[command(flatten)]`).
//! A command whose wording or order differs adjusts the flattened flag with `mut_arg`, so
//! help and man pages stay as they were.

use std::path::PathBuf;

use clap::Args;

/// How a command reads pods: their namespace, the kubeconfig and its context, the time
/// bound of a fetch and the proxy's admin port. Every command that reads pods flattens this
/// one group, so the flags mean the same everywhere (#19).
#[derive(Debug, Clone, Args)]
pub struct KubeArgs {
    /// Namespace of the pod (default: the kubeconfig context's namespace, else 'default').
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Path to the kubeconfig file.
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use.
    // A list so that commands with a fleet mode (-l/-A) take it several times (their help
    // says so); single-proxy runs reject a second one.
    #[arg(long, value_name = "NAME")]
    pub context: Vec<String>,

    /// Time bound of each live fetch, e.g. 30s, 500ms, 2m.
    #[arg(long, value_name = "DURATION", default_value = "30s",
          value_parser = super::input::parse_duration)]
    pub timeout: std::time::Duration,

    /// Envoy proxy admin port used when reading from a pod.
    #[arg(long, default_value_t = 15000, value_name = "PORT")]
    pub proxy_admin_port: u16,
}

/// Fleet mode: the pods to read instead of one proxy, live (`-l`, `-A`) or from a bug report.
#[derive(Debug, Clone, Args)]
pub struct FleetArgs {
    /// Fleet mode: one summary row per running sidecar matching this label selector (as
    /// kubectl's -l) instead of one proxy's listeners.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Fleet mode across all namespaces (with or without -l).
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Fleet mode, offline: one summary row per proxy dump in an istioctl bug-report
    /// archive (.tar.gz or its unpacked folder); -l and -n pick from the pods it lists.
    /// Never contacts a cluster.
    #[arg(long, value_name = "PATH")]
    pub bug_report: Option<PathBuf>,

    /// Fleet mode: at most this many dumps fetched at once.
    #[arg(long, default_value_t = 16, value_name = "N")]
    pub concurrency: usize,
}

/// `-o` of the proxy-config commands.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format: short, wide, json, yaml, or jsonpath=TEMPLATE.
    #[arg(
        short = 'o',
        long = "output",
        default_value = "short",
        value_name = "FORMAT"
    )]
    pub output: super::OutputFormat,
}
