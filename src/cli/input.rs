//! Where a read command's configuration comes from: a pod, a dump file, or an admin URL.

use std::path::PathBuf;

use clap::Args;

/// The config dump source of a single-proxy command (CLI.md "Where configuration comes from").
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// The pod to read: name[.namespace], pod/name[.namespace] or deploy/name[.namespace].
    #[arg(value_name = "POD")]
    pub pod: Option<String>,

    /// Envoy config dump file (JSON or YAML, snake_case or camelCase); '-' reads stdin.
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Envoy admin endpoint to GET URL/config_dump from (e.g. http://localhost:15000).
    #[arg(long, value_name = "URL")]
    pub admin: Option<String>,

    /// Namespace of the pod (default: the kubeconfig context's namespace, else 'default').
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// Path to the kubeconfig file.
    #[arg(long, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context to use.
    #[arg(long, value_name = "NAME")]
    pub context: Option<String>,
}
