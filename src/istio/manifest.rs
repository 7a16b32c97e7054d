//! Kubernetes objects read from manifest files, with source positions.
//!
//! A file holds one or more documents; a `List` (or `*List`) contributes its `items`.
//! Only the object envelope is interpreted here; rules read `spec` through [`Node`].

use std::collections::BTreeMap;

use super::yaml_tree::{Node, Pos, SyntaxError, parse_documents};

/// One Kubernetes object from a manifest file.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Index of the file in the lint input (see [`ParsedFile`]).
    pub file: usize,
    /// `apiVersion`, e.g. `extensions.istio.io/v1alpha1`.
    pub api_version: String,
    /// `kind`, e.g. `WasmPlugin`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, or `default` when absent.
    pub namespace: String,
    /// Whether `metadata.namespace` was given.
    pub has_namespace: bool,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `metadata.creationTimestamp` (RFC 3339 text sorts by time).
    pub creation_timestamp: Option<String>,
    /// The whole object.
    pub node: Node,
}

impl Resource {
    /// The API group of `apiVersion` (empty for core).
    pub fn group(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map(|(g, _)| g)
            .unwrap_or("")
    }

    /// The version of `apiVersion`.
    pub fn version(&self) -> &str {
        self.api_version
            .rsplit_once('/')
            .map(|(_, v)| v)
            .unwrap_or(&self.api_version)
    }

    /// `spec`, when present.
    pub fn spec(&self) -> Option<&Node> {
        self.node.get("spec")
    }

    /// Where the object starts (its first key).
    pub fn pos(&self) -> Pos {
        self.node
            .entries()
            .first()
            .map(|(k, _)| k.pos)
            .unwrap_or(self.node.pos)
    }

    /// `namespace/name`, for messages.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// `spec.selector.matchLabels` of a WasmPlugin or PeerAuthentication: `None` when there is
/// no selector, empty when it has no labels (both select the whole namespace).
pub fn selector_labels(spec: &Node) -> Option<BTreeMap<String, String>> {
    let selector = spec.get("selector").filter(|s| !s.is_null())?;
    Some(
        selector
            .get("matchLabels")
            .map(Node::scalar_map)
            .unwrap_or_default(),
    )
}

/// Splits parsed documents into resources, unwrapping `List` objects.
pub fn resources_of(file: usize, text: &str) -> Result<Vec<Resource>, SyntaxError> {
    let mut out = Vec::new();
    for doc in parse_documents(text)? {
        collect(file, doc, &mut out);
    }
    Ok(out)
}

fn collect(file: usize, doc: Node, out: &mut Vec<Resource>) {
    let kind = doc.get("kind").and_then(Node::as_scalar).unwrap_or("");
    if kind == "List" || (kind.ends_with("List") && doc.get("items").is_some()) {
        if let Some(items) = doc.get("items") {
            for item in items.items() {
                collect(file, item.clone(), out);
            }
        }
        return;
    }
    if doc.entries().is_empty() {
        return;
    }
    out.push(resource_of(file, doc));
}

fn resource_of(file: usize, node: Node) -> Resource {
    let text = |path: &[&str]| {
        node.path(path)
            .and_then(Node::as_scalar)
            .unwrap_or("")
            .to_string()
    };
    let namespace = text(&["metadata", "namespace"]);
    Resource {
        file,
        api_version: text(&["apiVersion"]),
        kind: text(&["kind"]),
        name: text(&["metadata", "name"]),
        has_namespace: !namespace.is_empty(),
        namespace: if namespace.is_empty() {
            "default".into()
        } else {
            namespace
        },
        labels: node
            .path(&["metadata", "labels"])
            .map(Node::scalar_map)
            .unwrap_or_default(),
        annotations: node
            .path(&["metadata", "annotations"])
            .map(Node::scalar_map)
            .unwrap_or_default(),
        creation_timestamp: node
            .path(&["metadata", "creationTimestamp"])
            .and_then(Node::as_scalar)
            .map(str::to_string),
        node,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwraps_lists_and_defaults_namespace() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: b, namespace: x, labels: {k: v}}\n";
        let rs = resources_of(0, text).unwrap();
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].kind, "Service");
        assert_eq!(rs[0].namespace, "default");
        assert_eq!(rs[1].group(), "security.istio.io");
        assert_eq!(rs[1].labels.get("k").map(String::as_str), Some("v"));
        assert_eq!(rs[0].pos(), Pos { line: 4, column: 3 });
    }
}
