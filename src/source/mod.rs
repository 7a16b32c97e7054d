//! Where configuration comes from: files, stdin, and (later) admin URLs and pods.
//! `cmd/` calls [`load_text`] and never sees how the bytes were fetched.

pub mod file;
pub mod text;
pub mod tree;

use std::path::PathBuf;

pub use file::read_input;
pub use text::{InputText, to_json_text};
pub use tree::manifest_files;

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}: no such file or directory")]
    NotFound(String),
    #[error("{0}: is a directory, expected a config dump file")]
    IsDirectory(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Load(#[from] crate::envoy::LoadError),
    /// Live pod access is not part of this build yet.
    #[error(
        "{0}: reading a pod through the Kubernetes API is not supported by this build; save the dump \
         with `kubectl exec {0} -c istio-proxy -- pilot-agent request GET config_dump > dump.json` and use -f"
    )]
    PodUnsupported(String),
    /// Admin-URL access is not part of this build yet.
    #[error(
        "{0}: reading from an admin URL is not supported by this build; save the dump with \
         `curl {0}/config_dump > dump.json` and use -f"
    )]
    AdminUnsupported(String),
}

/// A resolved dump source (CLI.md "Where configuration comes from").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DumpSource {
    /// A file path, or `-` for stdin.
    File(PathBuf),
    /// An Envoy admin base URL.
    Admin(String),
    /// A pod reference (`name[.namespace]`, `pod/…`, `deploy/…`).
    Pod(String),
}
