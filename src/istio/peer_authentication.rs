//! PeerAuthentication resources as the mTLS policy reads them (DOMAIN.md §7): selector,
//! mode and per-port modes, with what decides between rivals (creationTimestamp, name).

use std::collections::BTreeMap;

use super::manifest::{Resource, selector_labels};
use super::yaml_tree::Node;

const GROUP: &str = "security.istio.io";

/// `mtls.mode`. `Unset` inherits from the level above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PeerMode {
    Unset,
    Disable,
    Permissive,
    Strict,
}

impl PeerMode {
    fn parse(node: Option<&Node>) -> PeerMode {
        match node.and_then(Node::as_scalar) {
            Some("DISABLE") => PeerMode::Disable,
            Some("PERMISSIVE") => PeerMode::Permissive,
            Some("STRICT") => PeerMode::Strict,
            _ => PeerMode::Unset,
        }
    }
}

/// One PeerAuthentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerAuthenticationSpec {
    pub namespace: String,
    pub name: String,
    /// RFC 3339 text; sorts by time.
    pub creation_timestamp: Option<String>,
    /// `selector.matchLabels`; `None` or empty selects the whole namespace.
    pub selector: Option<BTreeMap<String, String>>,
    /// `mtls.mode`.
    pub mode: PeerMode,
    /// `portLevelMtls`: container port → mode.
    pub port_modes: BTreeMap<u32, PeerMode>,
}

impl PeerAuthenticationSpec {
    /// Whether it has a non-empty selector (an empty one selects everything).
    pub fn has_selector(&self) -> bool {
        self.selector.as_ref().is_some_and(|s| !s.is_empty())
    }

    /// `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// The PeerAuthentication `r` is, if it is one (v1 and v1beta1 share the schema).
pub fn peer_authentication_of(r: &Resource) -> Option<PeerAuthenticationSpec> {
    if r.group() != GROUP || r.kind != "PeerAuthentication" {
        return None;
    }
    let spec = r.spec();
    let selector = spec.and_then(selector_labels);
    let port_modes = spec
        .and_then(|s| s.get("portLevelMtls"))
        .map(|ports| {
            ports
                .entries()
                .iter()
                .filter_map(|(k, v)| {
                    let port = k.as_scalar()?.parse().ok()?;
                    Some((port, PeerMode::parse(v.get("mode"))))
                })
                .collect()
        })
        .unwrap_or_default();
    Some(PeerAuthenticationSpec {
        namespace: r.namespace.clone(),
        name: r.name.clone(),
        creation_timestamp: r.creation_timestamp.clone(),
        selector,
        mode: PeerMode::parse(spec.and_then(|s| s.path(&["mtls", "mode"]))),
        port_modes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::istio::manifest::resources_of;

    #[test]
    fn reads_both_versions_and_port_modes() {
        let text = "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: a, namespace: foo}\nspec:\n  selector: {matchLabels: {app: x}}\n  mtls: {mode: STRICT}\n  portLevelMtls:\n    8080: {mode: DISABLE}\n    \"9090\": {}\n---\napiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata: {name: b}\nspec: {}\n---\napiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: c}\nspec: {url: x}\n";
        let pas: Vec<_> = resources_of(0, text)
            .unwrap()
            .iter()
            .filter_map(peer_authentication_of)
            .collect();
        assert_eq!(pas.len(), 2);
        assert_eq!(pas[0].mode, PeerMode::Strict);
        assert!(pas[0].has_selector());
        assert_eq!(
            pas[0].port_modes,
            BTreeMap::from([(8080, PeerMode::Disable), (9090, PeerMode::Unset)])
        );
        assert_eq!(
            (pas[1].id().as_str(), pas[1].mode),
            ("default/b", PeerMode::Unset)
        );
        assert!(!pas[1].has_selector());
    }
}
