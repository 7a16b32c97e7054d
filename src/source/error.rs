//! Why an input could not be read: one variant per way a file, an admin URL, a pod or a
//! bug report fails, each naming the input first.

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: is a directory, expected a config dump file")]
    IsDirectory { path: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Load(#[from] crate::envoy::LoadError),
    /// A POD argument that is not `name[.namespace]`, `pod/…` or `deploy/…`.
    #[error("{target}: not a pod reference: {reason}")]
    BadTarget { target: String, reason: String },
    /// An `--admin` value that is not a usable URL.
    #[error("{url}: not a usable admin URL: {reason}")]
    AdminUrl { url: String, reason: String },
    /// Nothing accepted the connection to the admin endpoint.
    #[error("{url}: cannot connect: {source}")]
    AdminConnect {
        url: String,
        #[source]
        source: std::io::Error,
    },
    /// The admin endpoint answered with an error status.
    #[error("{url}: {method} {path}: HTTP {status} {reason}")]
    AdminStatus {
        url: String,
        method: String,
        path: String,
        status: u16,
        reason: String,
    },
    /// The HTTP exchange with the admin endpoint broke (reset, closed mid-body, ...).
    #[cfg(feature = "cli")]
    #[error("{url}: reading the config dump failed: {source}")]
    AdminHttp {
        url: String,
        #[source]
        source: hyper::Error,
    },
    /// The fetch did not complete in time.
    #[error("{what}: no complete config dump within {}s (--timeout)", timeout.as_secs_f64())]
    Timeout {
        what: String,
        timeout: std::time::Duration,
    },
    /// A `pc log` call (or the pod lookup before it) did not complete in time.
    #[error("{what}: no answer within {}s (--timeout)", timeout.as_secs_f64())]
    NoAnswer {
        what: String,
        timeout: std::time::Duration,
    },
    /// The async runtime could not start.
    #[error("starting the I/O runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// No usable kubeconfig / client configuration.
    #[error("kubeconfig: {message}")]
    KubeConfig { message: String },
    /// A kubeconfig file that does not parse, placed in the file.
    #[error("{path}:{line}:{column}: invalid kubeconfig: {message}")]
    KubeConfigAt {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// The Kubernetes API answered with a `Status` error (403, 404, ...).
    #[error("{what}: Kubernetes API error {code}: {message}")]
    KubeApi {
        what: String,
        code: u16,
        message: String,
    },
    /// A request to the Kubernetes API that could not be built.
    #[cfg(feature = "cli")]
    #[error("{what}: Kubernetes API: {source}")]
    KubeRequest {
        what: String,
        #[source]
        source: http::Error,
    },
    /// The Kubernetes API could not be reached or spoke nonsense.
    #[error("{what}: Kubernetes API: {message}")]
    Kube { what: String, message: String },
    /// The pod has no Istio sidecar to read.
    #[error("{pod}: no istio-proxy container (is the pod in the mesh?)")]
    NoSidecar { pod: String },
    /// A fleet selector that selects no running sidecar.
    #[error("{what}: no running pod with an istio-proxy container matches")]
    NoSidecarSelected { what: String },
    /// A deployment without a running pod.
    #[error("{what}: no running pod matches the deployment's selector")]
    NoRunningPod { what: String },
    /// The cluster does not serve a resource kind meshscope needs.
    #[error("the cluster has no {kind} CRD ({group}): is Istio installed?")]
    NoCrd {
        kind: &'static str,
        group: &'static str,
    },
    /// A `-l` value that is not a label selector (checked locally for a bug report).
    #[error("{selector}: not a label selector: {reason}")]
    BadSelector { selector: String, reason: String },
    /// A `--bug-report` file that is not gzip-compressed.
    #[error("{path}: not a .tar.gz archive or a folder (expected istioctl bug-report's output)")]
    NotArchive { path: String },
    /// A `--bug-report` archive whose gzip or tar data is damaged.
    #[error("{path}: corrupt archive: {source}")]
    CorruptArchive {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A `--bug-report` path without a single proxy dump in the bug-report layout.
    #[error("{path}: not an istioctl bug report: no proxies/NAMESPACE/POD/config_dump in it")]
    NotBugReport { path: String },
    /// A bug report without a file a flag needs.
    #[error("{path}: the bug report has no {entry} (needed for {needed_for})")]
    BugReportLacks {
        path: String,
        entry: &'static str,
        needed_for: &'static str,
    },
    /// `wasm count --bug-report` without `--resources`, from an archive without the
    /// cluster's custom resources.
    #[error(
        "{path}: the bug report has no cluster/crs (its WasmPlugins; --resources can give them)"
    )]
    NoCrs { path: String },
    /// `-n`/`-l` leave no proxy of the bug report.
    #[error("{path}: no proxy in the bug report matches {what}")]
    NoProxySelected { path: String, what: String },
    /// The port-forward failed; the message is the kubelet's.
    #[error("{pod}: port-forward to port {port} failed: {message}")]
    PortForward {
        pod: String,
        port: u16,
        message: String,
    },
}
