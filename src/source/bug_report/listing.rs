//! `cluster/k8s-resources`, the output of `kubectl get --all-namespaces all,… -o yaml`:
//! the labels of every pod it lists, which `-l` is matched against.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Deserialize;

use crate::envoy::LoadError;
use crate::envoy::load_error::{Location, Position};
use crate::source::Error;

/// Pods' labels by (namespace, name).
pub(super) type PodLabels = BTreeMap<(String, String), BTreeMap<String, String>>;

/// The envelope of `kubectl get -o yaml` output: only what picking pods needs is decoded;
/// the rest (specs, statuses, CRD schemas) is skipped as it is parsed.
#[derive(Deserialize)]
struct List {
    #[serde(default)]
    items: Vec<Object>,
}

#[derive(Deserialize)]
struct Object {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    metadata: Metadata,
}

#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    name: String,
    #[serde(default)]
    namespace: String,
    /// Any scalar: a hand-made file may leave `"true"` or `"1"` unquoted.
    #[serde(default)]
    labels: BTreeMap<String, serde_json::Value>,
}

/// The labels of every pod in a `cluster/k8s-resources` List, parsed as it is read.
pub(super) fn pod_labels(label: &str, reader: &mut dyn Read) -> Result<PodLabels, Error> {
    // A real cluster's listing (every pod, config map, event and CRD schema) is far larger
    // than serde-saphyr's defaults allow; the alias limits stay, against alias bombs.
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_reader_input_bytes: None,
            max_events: usize::MAX,
            max_nodes: usize::MAX,
            max_total_scalar_bytes: usize::MAX,
        },
    };
    let list: List =
        serde_saphyr::from_reader_with_options(reader, options).map_err(|e| LoadError::Yaml {
            location: Location {
                path: label.to_string(),
                position: e.location().map(|l| Position {
                    line: l.line() as usize,
                    column: l.column() as usize,
                }),
            },
            message: crate::source::text::first_line(&e.to_string()),
        })?;
    Ok(list
        .items
        .into_iter()
        .filter(|o| o.kind == "Pod" && !o.metadata.name.is_empty())
        .map(|o| {
            let labels = o
                .metadata
                .labels
                .into_iter()
                .map(|(k, v)| match v {
                    serde_json::Value::String(s) => (k, s),
                    other => (k, other.to_string()),
                })
                .collect();
            let namespace = if o.metadata.namespace.is_empty() {
                "default".to_string()
            } else {
                o.metadata.namespace
            };
            ((namespace, o.metadata.name), labels)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pod_labels_from_a_list() {
        let text = "apiVersion: v1\nkind: List\nitems:\n\
            - apiVersion: v1\n  kind: Pod\n  metadata:\n    name: a\n    namespace: apps\n    labels: {app: web, ver: 1}\n  spec: {containers: [{name: x}]}\n\
            - apiVersion: v1\n  kind: Service\n  metadata: {name: a, namespace: apps, labels: {app: svc}}\n\
            - apiVersion: v1\n  kind: Pod\n  metadata: {name: b}\n";
        let pods = pod_labels("k8s", &mut text.as_bytes()).unwrap();
        let want: PodLabels = [
            (
                ("apps".to_string(), "a".to_string()),
                [("app", "web"), ("ver", "1")]
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            (("default".to_string(), "b".to_string()), BTreeMap::new()),
        ]
        .into();
        assert_eq!(pods, want);
    }

    #[test]
    fn a_bad_listing_names_its_entry_and_position() {
        let err = pod_labels("br/cluster/k8s-resources", &mut "items: [a, b\n".as_bytes())
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("br/cluster/k8s-resources:"), "{err}");
    }
}
