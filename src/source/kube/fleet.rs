//! Fleet reads from one cluster (`-l`, `-A`): list the running sidecars a selector picks,
//! then fetch their dumps concurrently and bounded, delivering [`FleetItem`]s as each fetch
//! completes. Uses the parent module's client and port-forward; never parses a dump.

use std::time::Duration;

use ::kube::api::{Api, ListParams};
use k8s_openapi::api::core::v1::Pod;

use super::{KubeOptions, PodFetch, api_error, connect, port_forward_get};
use crate::source::Error;
use crate::source::fleet::{FleetItem, FleetPod, OwnerRef, PodMeta};
use crate::source::target::{has_sidecar, is_running};

/// A fleet request: every sidecar that `-l SELECTOR` selects in one namespace or all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetFetch {
    /// Cluster access; `kube.namespace` is the namespace unless `all_namespaces`.
    pub kube: KubeOptions,
    /// The label selector, as kubectl's `-l`.
    pub selector: String,
    /// `-A`.
    pub all_namespaces: bool,
    /// `--proxy-admin-port`.
    pub admin_port: u16,
    /// Query appended to `/config_dump` (`?mask=…` for `pc listener`, or empty).
    pub query: String,
    /// Bounds the listing, and each pod's fetch from port-forward to the last body byte.
    pub timeout: Duration,
    /// At most this many fetches at once (`--concurrency`).
    pub concurrency: usize,
    /// The cluster's name in labels and the CLUSTER column (the context, when several).
    pub cluster: Option<String>,
}

/// The receiving end of a fleet run: an iterator over its items, in completion order.
pub struct FleetItems(tokio::sync::mpsc::Receiver<FleetItem>);

impl Iterator for FleetItems {
    type Item = FleetItem;
    fn next(&mut self) -> Option<FleetItem> {
        self.0.blocking_recv()
    }
}

/// Lists the running sidecars `req` selects and fetches their dumps, at most
/// `req.concurrency` at once, on a background thread. Items arrive as each fetch completes.
///
/// Memory stays bounded by the concurrency, not the fleet: a fetch keeps its slot until the
/// consumer has taken its dump, so at most `concurrency` dumps wait (plus the one the
/// consumer holds). Each fetch runs as its own task, so fetches keep progressing while the
/// consumer is busy; only starting new ones waits for it.
pub fn fleet(req: FleetFetch) -> FleetItems {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    std::thread::spawn(move || {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(r) => r,
            Err(e) => {
                let _ = tx.blocking_send(FleetItem::Failed("fleet".to_string(), Error::Runtime(e)));
                return;
            }
        };
        runtime.block_on(run_fleet(req, tx));
    });
    FleetItems(rx)
}

async fn run_fleet(req: FleetFetch, tx: tokio::sync::mpsc::Sender<FleetItem>) {
    use futures::StreamExt;
    let prefix = req
        .cluster
        .as_deref()
        .map(|c| format!("{c}/"))
        .unwrap_or_default();
    let what = if req.selector.is_empty() {
        format!("{prefix}pods")
    } else {
        format!("{prefix}pods -l {}", req.selector)
    };
    let listed = async {
        let cluster = connect(&req.kube).await?;
        let pods: Api<Pod> = if req.all_namespaces {
            Api::all(cluster.client.clone())
        } else {
            Api::namespaced(cluster.client.clone(), &cluster.namespace)
        };
        let list = pods
            .list(&ListParams::default().labels(&req.selector))
            .await
            .map_err(|e| api_error(&what, e))?;
        let targets: Vec<FleetPod> = list
            .items
            .iter()
            .filter(|p| has_sidecar(p) && is_running(p))
            .filter_map(|p| fleet_pod(p, req.cluster.clone()))
            .collect();
        if targets.is_empty() {
            return Err(Error::NoSidecarSelected { what: what.clone() });
        }
        Ok((cluster, targets))
    };
    let (cluster, targets) = match tokio::time::timeout(req.timeout, listed).await {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => {
            let _ = tx.send(FleetItem::Failed(what, e)).await;
            return;
        }
        Err(_) => {
            let timeout = Error::Timeout {
                what: what.clone(),
                timeout: req.timeout,
            };
            let _ = tx.send(FleetItem::Failed(what, timeout)).await;
            return;
        }
    };
    if tx.send(FleetItem::Selected(targets.len())).await.is_err() {
        return;
    }
    let req = std::sync::Arc::new(req);
    let fetches = targets.into_iter().map(|pod| {
        let (client, req) = (cluster.client.clone(), req.clone());
        // Spawned, so a fetch progresses whether or not this loop is waiting on the consumer.
        tokio::spawn(async move {
            let label = pod.label();
            let pods: Api<Pod> = Api::namespaced(client, &pod.namespace);
            let one = PodFetch {
                reference: label.clone(),
                kube: req.kube.clone(),
                admin_port: req.admin_port,
                // A fleet reads dumps only.
                path: "/config_dump",
                query: req.query.clone(),
                timeout: req.timeout,
            };
            let result = tokio::time::timeout(
                req.timeout,
                port_forward_get(&pods, &pod.name, &label, &one),
            )
            .await
            .unwrap_or_else(|_| {
                Err(Error::Timeout {
                    what: label.clone(),
                    timeout: req.timeout,
                })
            });
            (pod, result)
        })
    });
    let mut results = futures::stream::iter(fetches).buffer_unordered(req.concurrency.max(1));
    while let Some(joined) = results.next().await {
        let item = match joined {
            Ok((pod, result)) => FleetItem::Pod(pod, result),
            // A fetch task only ends this way if it panicked; say so once, as one line.
            Err(e) => FleetItem::Failed(
                what.clone(),
                Error::Kube {
                    what: what.clone(),
                    message: format!("a fetch task failed: {e}"),
                },
            ),
        };
        if tx.send(item).await.is_err() {
            return;
        }
    }
}

/// A listed pod as a fleet member: its name, namespace, labels and controlling owner.
fn fleet_pod(pod: &Pod, cluster: Option<String>) -> Option<FleetPod> {
    let meta = &pod.metadata;
    let owner = meta
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true))
        .map(|o| OwnerRef {
            kind: o.kind.clone(),
            name: o.name.clone(),
        });
    Some(FleetPod {
        cluster,
        namespace: meta.namespace.clone()?,
        name: meta.name.clone()?,
        meta: Some(PodMeta {
            labels: meta.labels.clone().unwrap_or_default(),
            owner,
        }),
    })
}
