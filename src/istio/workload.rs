//! Workloads (pods and pod templates) and Services read from manifests, for selector matching.

use std::collections::BTreeMap;

use super::manifest::Resource;
use super::yaml_tree::Node;

/// Labels that mark gateway pods (classic Istio gateways, Gateway API gateways and waypoints).
const GATEWAY_API_LABELS: [&str; 3] = [
    "gateway.networking.k8s.io/gateway-name",
    "istio.io/gateway-name",
    "gateway.istio.io/managed",
];

/// A set of pods: a Pod, or the template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job.
#[derive(Debug, Clone)]
pub struct Workload {
    /// `Kind/namespace/name` of the object, for messages.
    pub id: String,
    /// The pods' namespace.
    pub namespace: String,
    /// The pods' labels.
    pub labels: BTreeMap<String, String>,
    /// Container ports the pods declare (numbers only).
    pub container_ports: Vec<i64>,
}

impl Workload {
    /// Pods managed by a Gateway API gateway or waypoint: selectors are ignored there.
    pub fn is_gateway_api(&self) -> bool {
        GATEWAY_API_LABELS
            .iter()
            .any(|l| self.labels.contains_key(*l))
    }

    /// Any gateway pod: classic (`istio: ingressgateway|egressgateway`) or Gateway API.
    pub fn is_gateway(&self) -> bool {
        self.is_gateway_api()
            || matches!(
                self.labels.get("istio").map(String::as_str),
                Some("ingressgateway" | "egressgateway")
            )
    }

    /// Whether `match_labels` is a subset of the pods' labels (an empty selector matches all).
    pub fn matches(&self, match_labels: &BTreeMap<String, String>) -> bool {
        super::selector::selects(match_labels, &self.labels)
    }
}

/// A Service's selector and ports.
#[derive(Debug, Clone)]
pub struct Service {
    /// The Service's namespace.
    pub namespace: String,
    /// `spec.selector`.
    pub selector: BTreeMap<String, String>,
    /// `(port, targetPort)` pairs; a named or missing targetPort is the port itself.
    pub ports: Vec<(i64, Option<i64>)>,
}

/// The workload an object stands for, if it is one.
pub fn workload_of(r: &Resource) -> Option<Workload> {
    let pod = match r.kind.as_str() {
        "Pod" => &r.node,
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" => {
            r.node.path(&["spec", "template"])?
        }
        "CronJob" => r.node.path(&["spec", "jobTemplate", "spec", "template"])?,
        _ => return None,
    };
    let container_ports = pod
        .path(&["spec", "containers"])
        .map(|c| {
            c.items()
                .iter()
                .flat_map(|c| c.get("ports").map(Node::items).unwrap_or_default())
                .filter_map(|p| p.get("containerPort").and_then(Node::as_i64))
                .collect()
        })
        .unwrap_or_default();
    Some(Workload {
        id: format!("{}/{}/{}", r.kind, r.namespace, r.name),
        namespace: r.namespace.clone(),
        labels: pod
            .path(&["metadata", "labels"])
            .map(Node::scalar_map)
            .unwrap_or_default(),
        container_ports,
    })
}

/// The Service an object stands for, if it is a core Service with a selector.
pub fn service_of(r: &Resource) -> Option<Service> {
    if r.kind != "Service" || !r.group().is_empty() {
        return None;
    }
    let spec = r.spec()?;
    let ports = spec
        .get("ports")
        .map(|p| {
            p.items()
                .iter()
                .filter_map(|p| {
                    let port = p.get("port").and_then(Node::as_i64)?;
                    let target = match p.get("targetPort") {
                        None => Some(port),
                        Some(t) => t.as_i64(),
                    };
                    Some((port, target))
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Service {
        namespace: r.namespace.clone(),
        selector: spec
            .get("selector")
            .map(Node::scalar_map)
            .unwrap_or_default(),
        ports,
    })
}
