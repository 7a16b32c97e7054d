//! What the Istio API server and validation webhook would reject, per Istio release
//! (DOMAIN.md §8). Each violation is reported once, worded by the first layer that
//! rejects it at the chosen version: CRD schema, then CRD CEL rules, then the webhook.
//!
//! Pure functions over [`Node`] trees; the lint rules MS0001–MS0005 pick their layer.

pub mod cel;
pub mod crd;
mod pattern;
mod peer_authentication;
pub mod releases;
pub mod schema;
mod selector;
mod traffic_extension;
pub mod url;
mod wasm_plugin;

#[cfg(test)]
mod tests;

use crate::istio::manifest::Resource;
use crate::istio::yaml_tree::{Node, Pos};
use releases::{Check, Rules};

/// Which layer rejects (or warns about) a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The CRD's OpenAPI schema (API server).
    Schema,
    /// A CEL rule of the CRD (API server).
    Cel,
    /// istiod's validating webhook / `istioctl validate`.
    Webhook,
    /// A webhook warning: accepted, but printed by kubectl.
    WebhookWarning,
    /// A field or kind that the chosen Istio release does not know.
    Version,
}

/// One rejection, with where it points and its wording.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The rejecting layer.
    pub layer: Layer,
    /// Where the offending field is.
    pub pos: Pos,
    /// The message that layer prints.
    pub message: String,
}

impl Violation {
    fn new(layer: Layer, pos: Pos, message: impl Into<String>) -> Violation {
        Violation {
            layer,
            pos,
            message: message.into(),
        }
    }
}

/// The Istio kinds meshscope validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IstioKind {
    WasmPlugin,
    PeerAuthentication,
    TrafficExtension,
}

/// Which validated kind a resource is, if any (any served or unserved version of the group).
pub fn istio_kind(r: &Resource) -> Option<IstioKind> {
    match (r.group(), r.kind.as_str()) {
        ("extensions.istio.io", "WasmPlugin") => Some(IstioKind::WasmPlugin),
        ("extensions.istio.io", "TrafficExtension") => Some(IstioKind::TrafficExtension),
        ("security.istio.io", "PeerAuthentication") => Some(IstioKind::PeerAuthentication),
        _ => None,
    }
}

/// Validates one resource at Istio minor release `version` (1.`version`).
pub fn validate(r: &Resource, version: u32) -> Vec<Violation> {
    let Some(kind) = istio_kind(r) else {
        return Vec::new();
    };
    let rules = Rules::at(version);
    let served = match kind {
        IstioKind::WasmPlugin => r.version() == "v1alpha1",
        IstioKind::TrafficExtension => {
            r.version() == "v1alpha1" && rules.has(Check::TrafficExtension)
        }
        IstioKind::PeerAuthentication => {
            r.version() == "v1beta1"
                || (r.version() == "v1" && rules.has(Check::PeerAuthenticationV1))
        }
    };
    let at = r.node.get("apiVersion").map_or(r.pos(), |n| n.pos);
    if !served {
        return vec![Violation::new(
            Layer::Version,
            at,
            format!(
                "no matches for kind \"{}\" in version \"{}\" (Istio 1.{version})",
                r.kind, r.api_version
            ),
        )];
    }
    let mut out = Vec::new();
    // `spec: null` is there but not an object: the API server's type check answers
    // (Istio's testdata/crds/wasm-invalid.yaml document `nil`), whatever is required.
    if let Some((key, value)) = r.node.entry("spec")
        && value.is_null()
    {
        out.push(Violation::new(
            Layer::Schema,
            key.pos,
            "spec: Invalid value: \"null\": spec in body must be of type object: \"null\"",
        ));
        return out;
    }
    let spec = r.node.get("spec");
    let Some(spec) = spec else {
        let required = match kind {
            IstioKind::WasmPlugin => rules.has(Check::WasmSchemaLimits),
            IstioKind::TrafficExtension => true,
            IstioKind::PeerAuthentication => false,
        };
        if required {
            out.push(Violation::new(
                Layer::Schema,
                r.pos(),
                "spec: Required value",
            ));
        } else if kind == IstioKind::WasmPlugin {
            out.push(Violation::new(
                Layer::Webhook,
                r.pos(),
                "url field needs to be set",
            ));
        }
        return out;
    };
    match kind {
        IstioKind::WasmPlugin => wasm_plugin::validate(spec, &rules, &mut out),
        IstioKind::PeerAuthentication => peer_authentication::validate(spec, &rules, &mut out),
        IstioKind::TrafficExtension => traffic_extension::validate(spec, &rules, &mut out),
    }
    api_server_first(out)
}

/// The API server validates the CRD schema and its CEL rules before it calls the
/// validating webhook: a document it rejects never reaches istiod, so neither the
/// webhook's errors nor its warnings are what the user sees.
fn api_server_first(out: Vec<Violation>) -> Vec<Violation> {
    let rejected = out
        .iter()
        .any(|v| matches!(v.layer, Layer::Schema | Layer::Cel));
    if !rejected {
        return out;
    }
    out.into_iter()
        .filter(|v| !matches!(v.layer, Layer::Webhook | Layer::WebhookWarning))
        .collect()
}

/// Validates with `--crd` schemas: a CRD for the resource's kind replaces the built-in schema
/// and CEL layers; the webhook checks of the chosen release still apply.
pub fn validate_with(r: &Resource, version: u32, crds: &[crd::CompiledCrd]) -> Vec<Violation> {
    let builtin = validate(r, version);
    let Some(from_crd) = crds
        .iter()
        .find_map(|c| crd::validate_against(r, c, version))
    else {
        return builtin;
    };
    let mut out: Vec<Violation> = builtin
        .into_iter()
        .filter(|v| matches!(v.layer, Layer::Webhook | Layer::WebhookWarning))
        .collect();
    out.extend(from_crd);
    out.sort_by_key(|v| v.pos);
    api_server_first(out)
}

/// Position of the key `name` in `node`, else the node itself.
fn key_pos(node: &Node, name: &str) -> Pos {
    node.entry(name).map_or(node.pos, |(k, _)| k.pos)
}
