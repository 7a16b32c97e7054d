//! CustomResourceDefinitions given with `lint --crd`: group, kind and each version's
//! `openAPIV3Schema` node (with source positions, though only the shape matters).

use super::manifest::Resource;
use super::yaml_tree::Node;

/// One version of a CRD.
#[derive(Debug, Clone)]
pub struct CrdVersion {
    /// e.g. `v1alpha1`.
    pub name: String,
    /// `served: true`.
    pub served: bool,
    /// `schema.openAPIV3Schema`.
    pub schema: Option<Node>,
}

/// A CustomResourceDefinition.
#[derive(Debug, Clone)]
pub struct Crd {
    /// `spec.group`.
    pub group: String,
    /// `spec.names.kind`.
    pub kind: String,
    /// `spec.versions`.
    pub versions: Vec<CrdVersion>,
}

/// The CRD an object stands for, if it is one.
pub fn crd_of(r: &Resource) -> Option<Crd> {
    if r.kind != "CustomResourceDefinition" {
        return None;
    }
    let spec = r.spec()?;
    let text = |n: Option<&Node>| n.and_then(Node::as_scalar).unwrap_or("").to_string();
    let versions = spec
        .get("versions")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|v| CrdVersion {
            name: text(v.get("name")),
            served: v.get("served").and_then(Node::as_scalar) != Some("false"),
            schema: v.path(&["schema", "openAPIV3Schema"]).cloned(),
        })
        .collect();
    Some(Crd {
        group: text(spec.get("group")),
        kind: text(spec.path(&["names", "kind"])),
        versions,
    })
}
