//! `pc log` flags: istioctl's (`--level`, `-r/--reset`, `-l/--selector`), with `--admin`.
//! Live only: `-f` is accepted by the parser only to be refused with a clear line.

use std::path::PathBuf;

use clap::Args;

/// `pc log` flags.
#[derive(Debug, Args)]
#[command(mut_arg("namespace", |a| a.help(
    "Namespace of the pod, and of -l (default: the kubeconfig context's namespace, else \
     'default')",
)))]
pub struct LogArgs {
    /// The pod to read: name[.namespace], pod/name[.namespace], or deploy/name[.namespace]
    /// for every running pod of the deployment (as istioctl).
    #[arg(value_name = "POD", conflicts_with_all = ["selector", "admin"])]
    pub pod: Option<String>,

    /// Label selector: every running sidecar it selects in the namespace.
    #[arg(short = 'l', long, value_name = "SELECTOR", conflicts_with = "admin")]
    pub selector: Option<String>,

    /// Envoy admin endpoint to POST URL/logging to (e.g. http://localhost:15000).
    #[arg(long, value_name = "URL")]
    pub admin: Option<String>,

    /// Comma-separated minimum per-logger level of messages to output, in the form of
    /// [<logger>:]<level>,[<logger>:]<level>,... or <level> to change all active loggers,
    /// where logger components can be listed by running "meshscope proxy-config log
    /// <pod-name[.namespace]>", and level can be one of [trace, debug, info, warning,
    /// error, critical, off].
    #[arg(long, value_name = "LEVELS")]
    pub level: Option<String>,

    /// Reset levels to default value (warning), or the proxy log level of the sidecar
    /// injector's values as istioctl reads them.
    #[arg(short = 'r', long)]
    pub reset: bool,

    /// Istio system namespace, where --reset reads the sidecar injector's ConfigMap
    /// (istioctl's -i/--istioNamespace).
    #[arg(
        short = 'i',
        long = "istio-namespace",
        alias = "istioNamespace",
        default_value = "istio-system",
        value_name = "NAMESPACE"
    )]
    pub istio_namespace: String,

    /// Refused: a config dump holds no log levels.
    #[arg(short = 'f', long = "file", value_name = "PATH", hide = true)]
    pub file: Option<PathBuf>,

    /// `-n`, `--kubeconfig`, `--context`, `--timeout`, `--proxy-admin-port`.
    #[command(flatten)]
    pub kube: super::KubeArgs,
}
