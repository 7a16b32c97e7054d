//! `meshscope diff`: what changes between two dumps, read as PeerAuthentication modes, or
//! what one dump would become under another mode (`--what-if`).

use std::path::PathBuf;

use clap::Args;

/// `diff -o` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffOutput {
    /// The report, then a unified diff of the two `pc listener -o wide` tables.
    Text,
    /// The report as JSON (documented in the `analysis::diff` report types).
    Json,
}

/// The mode `--what-if` predicts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum WhatIfMode {
    /// Istio mTLS only.
    Strict,
    /// Istio mTLS and plaintext.
    Permissive,
    /// Plaintext only.
    Disable,
}

/// Compare two proxies' listeners: chains removed, added and changed, the mTLS mode per
/// inbound port on each side, and where each Wasm filter goes.
///
/// Chains are paired by their filter chain match (plus the chain name when two matches are
/// equal), never by position. A pair whose filters, transport socket (TLS termination) or
/// destination differ is "changed". With --what-if, the AFTER side is predicted from one
/// dump by rebuilding virtualInbound's chains for the new mode with Istio's rules, and the
/// report is labelled as a prediction. Exits 0 when equal, 1 when they differ (or the
/// prediction differs), 2 on error.
#[derive(Debug, Args)]
#[command(mut_arg("kubeconfig", |a| a.help("Path to the kubeconfig file (for pod sides)")))]
#[command(mut_arg("timeout", |a| a.help("Time bound of each pod side's fetch, e.g. 30s, 500ms, 2m")))]
#[command(mut_arg("context", |a| a
    .help("The kubeconfig context to use (for pod sides)")
    .action(clap::ArgAction::Set)))]
#[command(after_help = "Examples:\n  \
    # What turning on STRICT changed on the inbound listener\n  \
    meshscope diff permissive.json strict.json --port 15006\n\n  \
    # Force both sides to be files\n  \
    meshscope diff -f before.json -f after.json -o json\n\n  \
    # What STRICT would do, predicted from today's dump\n  \
    meshscope diff -f config_dump.json --what-if STRICT --port 15006\n\n  \
    # Did both proxies get the mode their PeerAuthentications ask for?\n  \
    meshscope diff before.json after.json --resources peer-authentications/\n\n  \
    # Two pods of one deployment, checked against the cluster's PeerAuthentications\n  \
    meshscope diff httpbin-7d5b9c6f48-m4n7t httpbin-7d5b9c6f48-x2k9p -n default\n\n\
    Exit status: 0 no differences; 1 differences (with --what-if: predicted ones); 2 an input could not be read, parsed or fetched, or bad flags.")]
pub struct DiffArgs {
    /// BEFORE and AFTER: each a dump file if such a path exists, otherwise a pod.
    #[arg(value_name = "BEFORE AFTER", num_args = 0..=2)]
    pub sides: Vec<String>,

    /// Envoy config dump files: BEFORE then AFTER, or the one dump of --what-if; '-' reads stdin.
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// Predict the AFTER side for this PeerAuthentication mode instead of reading it.
    #[arg(long, value_name = "MODE", value_enum, ignore_case = true)]
    pub what_if: Option<WhatIfMode>,

    /// Only listeners on this port (the listener's socket port, as pc listener --port).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub port: u32,

    /// PeerAuthentication manifests (files or directories; '-' reads stdin): each side's
    /// inbound modes are checked against the policy they compose to for that proxy. Without
    /// it, a side read from a pod is checked against the cluster's PeerAuthentications.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub resources: Vec<PathBuf>,

    /// Namespace of pod sides (default: the kubeconfig context's namespace, else 'default').
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    #[command(flatten)]
    pub kube: super::KubeArgs,

    /// Envoy proxy admin port used when reading from a pod.
    #[arg(long, default_value_t = 15000, value_name = "PORT")]
    pub proxy_admin_port: u16,

    /// The mesh root namespace (meshConfig rootNamespace), for the policy check.
    #[arg(long, default_value = "istio-system", value_name = "NAMESPACE")]
    pub root_namespace: String,

    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = DiffOutput::Text)]
    pub output: DiffOutput,
}
