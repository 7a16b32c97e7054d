//! Who a proxy is, for the intent check: its kind, namespace, labels and Istio minor,
//! taken from the dump's bootstrap node first, then from what a bug report lists for the
//! pod, then from the flags (`-n`, `--labels`). Also the node's own names, which the fleet
//! summary uses to name the pod and its workload.

use std::collections::BTreeMap;

use super::intent::ProxyContext;
use super::placement::ProxyKind;
use crate::envoy::Node;

/// What the bootstrap node says about who the proxy is, beyond namespace and labels.
#[derive(Debug, Default)]
pub struct NodeNames {
    /// `NAME`: the pod's name.
    pub name: Option<String>,
    /// `OWNER`.
    pub owner: Option<String>,
    /// `WORKLOAD_NAME`.
    pub workload_name: Option<String>,
}

/// A bug report's view of the pod: its directory's namespace, and its listed labels.
pub struct ListedPod<'a> {
    /// The `<namespace>` directory the dump sits in.
    pub namespace: &'a str,
    /// The pod's labels, when the archive lists the pod.
    pub labels: Option<&'a BTreeMap<String, String>>,
}

/// Everything the identity can come from, best first.
pub struct IdentitySources<'a> {
    /// The dump's bootstrap node.
    pub node: Option<&'a Node<'a>>,
    /// The bug report's pod, when the dump came from one.
    pub listed: Option<ListedPod<'a>>,
    /// `-n`.
    pub namespace: Option<&'a str>,
    /// `--labels`.
    pub labels: &'a BTreeMap<String, String>,
    /// The mesh root namespace.
    pub root_namespace: &'a str,
}

/// A proxy's identity and where it came from.
pub struct ProxyIdentity {
    /// What the intent check matches WasmPlugins against.
    pub context: ProxyContext,
    /// The node's `ISTIO_VERSION`, as written.
    pub istio_version: Option<String>,
    /// `bootstrap`, `bug-report`, `flags` or `none` (the report's `identity_from`).
    pub identity_from: &'static str,
    /// The node's own names, for the fleet summary.
    pub names: NodeNames,
}

/// Resolves the identity: the node first; then the bug report's pod; then the flags.
pub fn identify(sources: &IdentitySources<'_>) -> ProxyIdentity {
    let node = sources.node;
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
    let listed = sources.listed.as_ref();
    let identity_from = if node_ns.is_some() {
        "bootstrap"
    } else if listed.is_some() {
        "bug-report"
    } else if sources.namespace.is_some() || !sources.labels.is_empty() {
        "flags"
    } else {
        "none"
    };
    let context = ProxyContext {
        kind,
        namespace: node_ns
            .or_else(|| listed.map(|p| p.namespace.to_string()))
            .or_else(|| sources.namespace.map(str::to_string)),
        labels: if !node_labels.is_empty() {
            node_labels
        } else if let Some(labels) = listed.and_then(|p| p.labels) {
            labels.clone()
        } else {
            sources.labels.clone()
        },
        // Any text after the minor (`-dev`, a distribution's suffix) still names it.
        istio_minor: istio_version
            .as_deref()
            .and_then(crate::istio::version::parse)
            .map(|v| v.minor),
        root_namespace: sources.root_namespace.to_string(),
    };
    ProxyIdentity {
        context,
        istio_version,
        identity_from,
        names,
    }
}
