//! The proxy's identity as the intent check reads it; apart from `intent.rs` so the rule
//! modules (`attach`, `fit`) read it without importing their parent.

use std::collections::BTreeMap;

use crate::analysis::wasm::placement::ProxyKind;

/// The proxy's identity, from the dump's bootstrap node or the flags.
#[derive(Debug, Clone)]
pub struct ProxyContext {
    /// Sidecar, gateway, waypoint, or unknown (no bootstrap node: treated as a sidecar).
    pub kind: ProxyKind,
    /// The pod's namespace, when known.
    pub namespace: Option<String>,
    /// The pod's labels.
    pub labels: BTreeMap<String, String>,
    /// Istio minor version (1.N), when the node says.
    pub istio_minor: Option<u32>,
    /// The mesh root namespace.
    pub root_namespace: String,
}
