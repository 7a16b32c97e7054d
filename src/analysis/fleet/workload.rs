//! Which workload a fleet pod belongs to: the set of pods that should carry the same Wasm
//! placements, so a pod can be compared with the others of its workload.
//!
//! The first source that answers wins:
//! 1. the pod object's controlling owner, when the fleet source has pod objects. A
//!    ReplicaSet a Deployment made is named `<deployment>-<pod-template-hash>` (and its pods
//!    carry that hash as the `pod-template-hash` label), so the suffix is cut to name the
//!    Deployment: every rollout revision of one Deployment is one workload, and a pod left
//!    on an old revision shows up as different from the majority;
//! 2. the dump's bootstrap `node.metadata`: `OWNER`
//!    (`kubernetes://apis/apps/v1/namespaces/NS/deployments/NAME`), then `WORKLOAD_NAME`,
//!    both written by Istio's injector from the same owner chain;
//! 3. the labels Istio reads a canonical service name from:
//!    `service.istio.io/canonical-name`, `app.kubernetes.io/name`, `app`;
//! 4. the pod's own name (a workload of one, never flagged).
//!
//! The workload is keyed with the cluster and namespace by the caller; its kind is not part
//! of the key (a Deployment and a StatefulSet of one name in one namespace are one workload).

use std::collections::BTreeMap;

use serde::Serialize;

/// Where a workload name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadFrom {
    /// The pod object's controlling owner.
    PodOwner,
    /// The dump's bootstrap `node.metadata` (`OWNER` or `WORKLOAD_NAME`).
    Bootstrap,
    /// A canonical-name label.
    Label,
    /// Nothing else said: the pod is its own workload.
    Pod,
}

/// A pod's workload.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Workload {
    /// The workload's name (no kind, no namespace).
    pub name: String,
    /// Where the name came from.
    pub from: WorkloadFrom,
}

/// What is known about a pod that can name its workload.
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkloadHints<'a> {
    /// The pod object's controlling owner: kind and name.
    pub owner: Option<(&'a str, &'a str)>,
    /// The pod's labels (from the pod object, else the dump's `node.metadata.LABELS`).
    pub labels: Option<&'a BTreeMap<String, String>>,
    /// `node.metadata.OWNER`.
    pub node_owner: Option<&'a str>,
    /// `node.metadata.WORKLOAD_NAME`.
    pub node_workload_name: Option<&'a str>,
}

/// Labels Istio takes a workload's canonical service name from, in its order.
const NAME_LABELS: [&str; 3] = [
    "service.istio.io/canonical-name",
    "app.kubernetes.io/name",
    "app",
];

/// The workload of `pod` (see the module docs for the order).
pub fn workload_of(hints: &WorkloadHints<'_>, pod: &str) -> Workload {
    let found = |name: &str, from| Workload {
        name: name.to_string(),
        from,
    };
    if let Some((kind, name)) = hints.owner.filter(|(_, n)| !n.is_empty()) {
        let hash = hints.labels.and_then(|l| l.get("pod-template-hash"));
        let name = match hash {
            Some(h) if kind == "ReplicaSet" && !h.is_empty() => name
                .strip_suffix(h.as_str())
                .and_then(|n| n.strip_suffix('-'))
                .filter(|n| !n.is_empty())
                .unwrap_or(name),
            _ => name,
        };
        return found(name, WorkloadFrom::PodOwner);
    }
    let node_owner = hints
        .node_owner
        .and_then(|o| o.strip_prefix("kubernetes://"))
        .and_then(|o| o.rsplit('/').next())
        .filter(|n| !n.is_empty());
    if let Some(name) = node_owner.or(hints.node_workload_name.filter(|n| !n.is_empty())) {
        return found(name, WorkloadFrom::Bootstrap);
    }
    let label = hints.labels.and_then(|labels| {
        NAME_LABELS
            .iter()
            .find_map(|k| labels.get(*k).filter(|v| !v.is_empty()))
    });
    match label {
        Some(name) => found(name, WorkloadFrom::Label),
        None => found(pod, WorkloadFrom::Pod),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        crate::istio::selector::label_map(pairs)
    }

    #[test]
    fn each_source_in_order() {
        let hashed = labels(&[("pod-template-hash", "7d5b9c6f48"), ("app", "web")]);
        let plain = labels(&[("app", "web"), ("app.kubernetes.io/name", "web-kube")]);
        let cases: [(WorkloadHints<'_>, &str, WorkloadFrom); 8] = [
            (
                WorkloadHints {
                    owner: Some(("ReplicaSet", "httpbin-7d5b9c6f48")),
                    labels: Some(&hashed),
                    node_workload_name: Some("other"),
                    ..Default::default()
                },
                "httpbin",
                WorkloadFrom::PodOwner,
            ),
            // A ReplicaSet of its own (no matching hash) keeps its name.
            (
                WorkloadHints {
                    owner: Some(("ReplicaSet", "standalone")),
                    labels: Some(&hashed),
                    ..Default::default()
                },
                "standalone",
                WorkloadFrom::PodOwner,
            ),
            (
                WorkloadHints {
                    owner: Some(("StatefulSet", "db")),
                    ..Default::default()
                },
                "db",
                WorkloadFrom::PodOwner,
            ),
            (
                WorkloadHints {
                    node_owner: Some(
                        "kubernetes://apis/apps/v1/namespaces/default/deployments/httpbin",
                    ),
                    node_workload_name: Some("ignored"),
                    labels: Some(&plain),
                    ..Default::default()
                },
                "httpbin",
                WorkloadFrom::Bootstrap,
            ),
            (
                WorkloadHints {
                    node_workload_name: Some("reviews-v1"),
                    labels: Some(&plain),
                    ..Default::default()
                },
                "reviews-v1",
                WorkloadFrom::Bootstrap,
            ),
            (
                WorkloadHints {
                    labels: Some(&plain),
                    ..Default::default()
                },
                "web-kube",
                WorkloadFrom::Label,
            ),
            (
                WorkloadHints {
                    labels: Some(&labels(&[("app", "web")])),
                    node_workload_name: Some(""),
                    ..Default::default()
                },
                "web",
                WorkloadFrom::Label,
            ),
            (WorkloadHints::default(), "pod-1", WorkloadFrom::Pod),
        ];
        for (i, (hints, name, from)) in cases.iter().enumerate() {
            let w = workload_of(hints, "pod-1");
            assert_eq!((w.name.as_str(), w.from), (*name, *from), "case {i}");
        }
    }
}
