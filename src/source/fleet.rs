//! A fleet: many proxies' dumps arriving one at a time, from a cluster (`kube.rs`: `-l`,
//! `-A`, one stream per `--context`) or from any other source that can name its pods (an
//! `istioctl bug-report` archive). Fleet commands in `cmd/` consume [`FleetItem`]s and never
//! see where the bytes came from; this file owns only the item types.
//!
//! Items arrive in completion order, not pod order: consumers sort what they print.

use std::collections::BTreeMap;

use super::Error;

/// The controller that owns a pod (its `ownerReferences` entry with `controller: true`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRef {
    /// `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, ...
    pub kind: String,
    /// The owner's name.
    pub name: String,
}

/// What the pod object says about the pod, when the source has the object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PodMeta {
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// The controlling owner, if any.
    pub owner: Option<OwnerRef>,
}

/// One pod of a fleet: where it lives, and its pod object's metadata when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetPod {
    /// The `--context` it was read through, when several were given (the CLUSTER column).
    pub cluster: Option<String>,
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's name.
    pub name: String,
    /// Labels and owner from the pod object; `None` when the source has no pod object.
    pub meta: Option<PodMeta>,
}

impl FleetPod {
    /// The label errors show: `[CONTEXT/]pod/NAME.NAMESPACE`.
    pub fn label(&self) -> String {
        let cluster = self
            .cluster
            .as_deref()
            .map(|c| format!("{c}/"))
            .unwrap_or_default();
        format!("{cluster}pod/{}.{}", self.name, self.namespace)
    }
}

/// What a fleet source reports, in this order: how many pods it will deliver, then each pod
/// as its fetch completes. A source that fails as a whole (the listing is forbidden, no pod
/// matches) sends one [`FleetItem::Failed`] instead.
#[derive(Debug)]
pub enum FleetItem {
    /// The listing is done: this many pods will follow.
    Selected(usize),
    /// One pod and its config dump, or why there is none.
    Pod(FleetPod, Result<Vec<u8>, Error>),
    /// The source itself failed; the string names what was asked (`pods -l app=x`).
    Failed(String, Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_the_cluster_when_there_is_one() {
        let mut pod = FleetPod {
            cluster: None,
            namespace: "default".into(),
            name: "httpbin-1".into(),
            meta: None,
        };
        assert_eq!(pod.label(), "pod/httpbin-1.default");
        pod.cluster = Some("east".into());
        assert_eq!(pod.label(), "east/pod/httpbin-1.default");
    }
}
