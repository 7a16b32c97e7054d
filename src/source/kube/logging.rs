//! `pc log`'s cluster side: the pods to post to (a pod, every pod of a deployment as
//! istioctl's `InferPodsFromTypedResource`, or every pod `-l` selects as its
//! `getPodNameBySelector`; of those, the running sidecars), one `POST /logging?…` to a pod
//! through a port-forward, and the proxy log level the sidecar injector's values name
//! (istioctl's `getLogLevelFromConfigMap`). Never parses an answer.

use std::time::Duration;

use ::kube::api::{Api, ListParams};
use k8s_openapi::api::core::v1::{ConfigMap, Pod};

use super::{KubeOptions, api_error, connect, port_forward_send, resolve_pod};
use crate::source::Error;
use crate::source::target::{Target, TargetKind, has_sidecar, is_running};

/// A pod whose admin endpoint `pc log` posts to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogPod {
    /// The pod's name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
}

/// Which pods: a POD argument (a deployment names all its pods), or `-l`'s selector in
/// the namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodChoice {
    /// `name[.namespace]`, `pod/…`, `deploy/…`.
    Reference(String),
    /// `-l SELECTOR`.
    Selector(String),
}

/// The pods `choice` names, within `timeout`.
pub async fn log_pods(
    kube: &KubeOptions,
    choice: &PodChoice,
    timeout: Duration,
) -> Result<Vec<LogPod>, Error> {
    let what = match choice {
        PodChoice::Reference(r) => r.clone(),
        PodChoice::Selector(s) => format!("pods -l {s}"),
    };
    let work = async {
        let cluster = connect(kube).await?;
        let (namespace, selector) = match choice {
            PodChoice::Selector(selector) => (cluster.namespace.clone(), selector.clone()),
            PodChoice::Reference(reference) => {
                let target = Target::parse(reference)?;
                let namespace = target
                    .namespace
                    .clone()
                    .unwrap_or_else(|| cluster.namespace.clone());
                if target.kind == TargetKind::Pod {
                    let name = resolve_pod(&cluster.client, &target, &namespace).await?;
                    return Ok(vec![LogPod { name, namespace }]);
                }
                let selector =
                    super::deployment_selector(&cluster.client, &namespace, &target.name).await?;
                (namespace, selector)
            }
        };
        let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), &namespace);
        let list = pods
            .list(&ListParams::default().labels(&selector))
            .await
            .map_err(|e| api_error(&what, e))?;
        // Only pods with a running proxy answer on the admin port.
        let found: Vec<LogPod> = list
            .items
            .iter()
            .filter(|p| has_sidecar(p) && is_running(p))
            .map(|p| LogPod {
                name: p.metadata.name.clone().unwrap_or_default(),
                namespace: namespace.clone(),
            })
            .collect();
        if found.is_empty() {
            return Err(Error::NoSidecarSelected { what: what.clone() });
        }
        Ok(found)
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| Error::NoAnswer {
            what: what.clone(),
            timeout,
        })?
}

/// `POST /logging{query}` to `pod`'s admin `port`, within `timeout`: the answer's body.
pub async fn post_logging(
    kube: &KubeOptions,
    pod: &LogPod,
    port: u16,
    query: &str,
    timeout: Duration,
) -> Result<Vec<u8>, Error> {
    let label = format!("pod/{}.{}", pod.name, pod.namespace);
    let work = async {
        let cluster = connect(kube).await?;
        let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), &pod.namespace);
        let path = format!("/logging{query}");
        port_forward_send(&pods, &pod.name, &label, port, &hyper::Method::POST, &path).await
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| Error::NoAnswer {
            what: label.clone(),
            timeout,
        })?
}

/// The ConfigMap istioctl reads the injector's values from (`kubeinject.go`
/// `defaultInjectConfigMapName`, key `valuesConfigMapKey`), in istioctl's default
/// `--istioNamespace`.
/// The sidecar injector's ConfigMap and key (`kubeinject.GetValuesFromConfigMap` with no
/// revision), in the Istio namespace.
const INJECTOR: (&str, &str) = ("istio-sidecar-injector", "values");

/// `sidecarInjectorWebhook.global.proxy.logLevel` of the injector's values, as istioctl's
/// `getLogLevelFromConfigMap` reads it; `None` when the ConfigMap, its key or the field
/// is missing or unreadable (istioctl ignores why, and falls back).
pub async fn injector_log_level(
    kube: &KubeOptions,
    namespace: &str,
    timeout: Duration,
) -> Option<String> {
    let (name, key) = INJECTOR;
    let work = async {
        let cluster = connect(kube).await.ok()?;
        let maps: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), namespace);
        let map = maps.get(name).await.ok()?;
        let values = map.data?.remove(key)?;
        // istioctl unmarshals the values as YAML (JSON in practice, YAML where written so).
        let docs = crate::istio::yaml_tree::parse_documents(&values).ok()?;
        docs.first()?
            .path(&["sidecarInjectorWebhook", "global", "proxy", "logLevel"])
            .and_then(crate::istio::yaml_tree::Node::as_scalar)
            .map(str::to_string)
    };
    tokio::time::timeout(timeout, work).await.ok().flatten()
}
