//! Kubernetes access: one client built here from `--kubeconfig`/`--context` (or the
//! default config), a POD target resolved to a running pod with an `istio-proxy`, and its
//! config dump fetched through a port-forward to the admin port. Async; `cmd/` blocks on
//! it with [`super::admin::block_on`]. It never parses the dump.

use std::path::PathBuf;
use std::time::Duration;

use ::kube::api::{Api, ListParams};
use ::kube::config::{KubeConfigOptions, Kubeconfig};
use ::kube::{Client, Config};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Pod;

use super::Error;
use super::admin;
use super::target::{Target, TargetKind, has_sidecar, selector_string};

pub mod fleet;
pub mod logging;

/// How to reach the cluster: kubectl's flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubeOptions {
    /// `--kubeconfig`; else `KUBECONFIG`, `~/.kube/config` or the in-cluster config.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`; else the kubeconfig's current context.
    pub context: Option<String>,
    /// `-n`; else the context's namespace, else `default`.
    pub namespace: Option<String>,
}

/// A pod's dump request: where, which port, which query, how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodFetch {
    /// The POD argument as given.
    pub reference: String,
    /// Cluster access.
    pub kube: KubeOptions,
    /// `--proxy-admin-port`.
    pub admin_port: u16,
    /// The admin path: `/config_dump`, or `/clusters` for `pc endpoint`.
    pub path: &'static str,
    /// Query appended to the path (`?mask=…`, `?include_eds=true`, `?format=json`, or empty).
    pub query: String,
    /// Bounds the whole fetch, from the first API call to the last body byte.
    pub timeout: Duration,
}

/// A client and the namespace a bare pod name lives in.
pub struct Cluster {
    client: Client,
    namespace: String,
}

/// Builds the one client of a run, at the edge.
pub async fn connect(opts: &KubeOptions) -> Result<Cluster, Error> {
    let config = if opts.kubeconfig.is_some() || opts.context.is_some() {
        let kubeconfig = match &opts.kubeconfig {
            Some(path) => Kubeconfig::read_from(path),
            None => Kubeconfig::read(),
        }
        .map_err(|e| kubeconfig_error(opts.kubeconfig.as_deref(), &e))?;
        let options = KubeConfigOptions {
            context: opts.context.clone(),
            ..KubeConfigOptions::default()
        };
        Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|e| kubeconfig_error(opts.kubeconfig.as_deref(), &e))?
    } else {
        Config::infer()
            .await
            .map_err(|e| kubeconfig_error(None, &e))?
    };
    let namespace = opts
        .namespace
        .clone()
        .unwrap_or_else(|| config.default_namespace.clone());
    let client = Client::try_from(config).map_err(|e| Error::KubeConfig {
        message: one_line(&e),
    })?;
    Ok(Cluster { client, namespace })
}

/// Fetches the config dump of the pod `req` names, within `req.timeout`.
/// Returns the label errors and output show (`pod/name.namespace`) and the bytes.
pub async fn fetch_pod(req: &PodFetch) -> Result<(String, Vec<u8>), Error> {
    let work = async {
        let target = Target::parse(&req.reference)?;
        let cluster = connect(&req.kube).await?;
        let namespace = target
            .namespace
            .clone()
            .unwrap_or_else(|| cluster.namespace.clone());
        let pod = resolve_pod(&cluster.client, &target, &namespace).await?;
        let label = format!("pod/{pod}.{namespace}");
        let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), &namespace);
        let bytes = port_forward_get(&pods, &pod, &label, req).await?;
        Ok((label, bytes))
    };
    tokio::time::timeout(req.timeout, work)
        .await
        .map_err(|_| Error::Timeout {
            what: req.reference.clone(),
            timeout: req.timeout,
        })?
}

/// A custom resource group meshscope lists from a cluster: the group, its kinds as
/// (plural, Kind), the first of which must be served.
struct CustomResources {
    group: &'static str,
    kinds: &'static [(&'static str, &'static str)],
}

/// WasmPlugins and TrafficExtensions (TrafficExtensions only where the cluster serves them).
const EXTENSIONS: CustomResources = CustomResources {
    group: "extensions.istio.io",
    kinds: &[
        ("wasmplugins", "WasmPlugin"),
        ("trafficextensions", "TrafficExtension"),
    ],
};

/// PeerAuthentications (`v1` from Istio 1.22, `v1beta1` before; same schema).
const PEER_AUTHENTICATIONS: CustomResources = CustomResources {
    group: "security.istio.io",
    kinds: &[("peerauthentications", "PeerAuthentication")],
};

/// Every WasmPlugin and TrafficExtension in the cluster (all namespaces), as the API's
/// JSON list texts.
pub async fn extension_lists(opts: &KubeOptions, timeout: Duration) -> Result<Vec<String>, Error> {
    custom_resource_lists(opts, timeout, &EXTENSIONS).await
}

/// ServiceEntries (`networking.istio.io`, at its preferred version).
const SERVICE_ENTRIES: CustomResources = CustomResources {
    group: "networking.istio.io",
    kinds: &[("serviceentries", "ServiceEntry")],
};

/// Every ServiceEntry in the cluster (all namespaces), as the API's JSON list text.
pub async fn service_entry_lists(
    opts: &KubeOptions,
    timeout: Duration,
) -> Result<Vec<String>, Error> {
    custom_resource_lists(opts, timeout, &SERVICE_ENTRIES).await
}

/// Every PeerAuthentication in the cluster (all namespaces), as the API's JSON list text.
pub async fn peer_authentication_lists(
    opts: &KubeOptions,
    timeout: Duration,
) -> Result<Vec<String>, Error> {
    custom_resource_lists(opts, timeout, &PEER_AUTHENTICATIONS).await
}

/// Lists `wanted`'s kinds at the group's preferred served version (discovered, not
/// hard-coded), all namespaces.
async fn custom_resource_lists(
    opts: &KubeOptions,
    timeout: Duration,
    wanted: &CustomResources,
) -> Result<Vec<String>, Error> {
    let (required, required_kind) = wanted.kinds[0];
    let work = async {
        let cluster = connect(opts).await?;
        let what = format!("/apis/{}", wanted.group);
        let no_crd = || Error::NoCrd {
            kind: required_kind,
            group: wanted.group,
        };
        let group = match get_json(&cluster.client, &what).await {
            Err(Error::KubeApi { code: 404, .. }) => return Err(no_crd()),
            other => other?,
        };
        let version = group
            .pointer("/preferredVersion/groupVersion")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(no_crd)?
            .to_string();
        let resources = get_json(&cluster.client, &format!("/apis/{version}")).await?;
        let served: Vec<&str> = resources
            .get("resources")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.get("name").and_then(serde_json::Value::as_str))
            .collect();
        if !served.contains(&required) {
            return Err(no_crd());
        }
        let mut lists = Vec::new();
        for (plural, _) in wanted.kinds.iter().filter(|(p, _)| served.contains(p)) {
            let path = format!("/apis/{version}/{plural}");
            let request = http::Request::get(&path)
                .body(Vec::new())
                .map_err(|source| Error::KubeRequest {
                    what: path.clone(),
                    source,
                })?;
            let text = cluster
                .client
                .request_text(request)
                .await
                .map_err(|e| api_error(&path, e))?;
            lists.push(text);
        }
        Ok(lists)
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| Error::Timeout {
            what: format!("/apis/{}", wanted.group),
            timeout,
        })?
}

/// `GET path` as JSON.
async fn get_json(client: &Client, path: &str) -> Result<serde_json::Value, Error> {
    let request = http::Request::get(path)
        .body(Vec::new())
        .map_err(|source| Error::KubeRequest {
            what: path.to_string(),
            source,
        })?;
    client
        .request::<serde_json::Value>(request)
        .await
        .map_err(|e| api_error(path, e))
}

/// The name of the pod to read: the pod itself, or the deployment's first running pod.
async fn resolve_pod(client: &Client, target: &Target, namespace: &str) -> Result<String, Error> {
    let pods: Api<Pod> = Api::namespaced(client.clone(), namespace);
    let pod = match target.kind {
        TargetKind::Pod => pods
            .get(&target.name)
            .await
            .map_err(|e| api_error(&format!("pod/{}.{namespace}", target.name), e))?,
        TargetKind::Deployment => {
            let what = format!("deployment/{}.{namespace}", target.name);
            let selector = deployment_selector(client, namespace, &target.name).await?;
            let list = pods
                .list(&ListParams::default().labels(&selector))
                .await
                .map_err(|e| api_error(&what, e))?;
            list.items
                .into_iter()
                .find(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
                .ok_or(Error::NoRunningPod { what })?
        }
    };
    let name = pod.metadata.name.clone().unwrap_or_default();
    if !has_sidecar(&pod) {
        return Err(Error::NoSidecar {
            pod: format!("pod/{name}.{namespace}"),
        });
    }
    Ok(name)
}

/// One `GET /config_dump` (or `/clusters`) through a port-forward; the kubelet's message on the error
/// channel (e.g. nothing listening on the port) wins over the HTTP failure it causes.
async fn port_forward_get(
    pods: &Api<Pod>,
    pod: &str,
    label: &str,
    req: &PodFetch,
) -> Result<Vec<u8>, Error> {
    let path = format!("{}{}", req.path, req.query);
    port_forward_send(pods, pod, label, req.admin_port, &hyper::Method::GET, &path).await
}

/// One `method path` to the pod's `port` through a port-forward (`port_forward_get`'s
/// exchange, any method: `pc log` posts).
async fn port_forward_send(
    pods: &Api<Pod>,
    pod: &str,
    label: &str,
    port: u16,
    method: &hyper::Method,
    path: &str,
) -> Result<Vec<u8>, Error> {
    let mut forwarder = pods
        .portforward(pod, &[port])
        .await
        .map_err(|e| api_error(label, e))?;
    let forward_error = |message: String| Error::PortForward {
        pod: label.to_string(),
        port,
        message,
    };
    let (Some(stream), Some(errors)) = (forwarder.take_stream(port), forwarder.take_error(port))
    else {
        return Err(forward_error("no stream for the port".to_string()));
    };
    let host = format!("localhost:{port}");
    let fetch = admin::send(stream, method, label, &host, path);
    tokio::pin!(fetch);
    tokio::pin!(errors);
    // Poll each future only until it completes: a completed future is never polled again.
    let first = tokio::select! {
        r = &mut fetch => Ok(r),
        m = &mut errors => Err(m),
    };
    let result = match first {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => match tokio::time::timeout(Duration::from_millis(200), &mut errors).await {
            Ok(Some(message)) => Err(forward_error(message)),
            _ => Err(e),
        },
        Err(Some(message)) => Err(forward_error(message)),
        // The error channel closed without a message: the HTTP exchange decides.
        Err(None) => fetch.await,
    };
    forwarder.abort();
    result
}

/// A kube error as one line: the API's own `Status` message where there is one.
fn api_error(what: &str, e: ::kube::Error) -> Error {
    match e {
        ::kube::Error::Api(status) => Error::KubeApi {
            what: what.to_string(),
            code: status.code,
            message: one_line(&status.message),
        },
        other => Error::Kube {
            what: what.to_string(),
            message: one_line(&error_chain(&other)),
        },
    }
}

/// A kubeconfig that cannot be read or used, said on one line.
///
/// The YAML parser's message quotes the lines around the mistake, and a kubeconfig's lines
/// hold tokens and keys: only the message before that excerpt is kept. A parse error is
/// placed as `PATH:LINE:COL` when the path is known.
fn kubeconfig_error(path: Option<&std::path::Path>, e: &dyn std::fmt::Display) -> Error {
    let text = e.to_string();
    let message: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim_start().starts_with("-->"))
        .collect();
    let message = one_line(&message.join(" "))
        .replace("'\"", "'")
        .replace("\"'", "'");
    if let (Some(path), Some((line, column, what))) = (path, yaml_position(&message)) {
        return Error::KubeConfigAt {
            path: path.display().to_string(),
            line,
            column,
            message: what.to_string(),
        };
    }
    Error::KubeConfig { message }
}

/// `… line L column C: what` → (L, C, what).
fn yaml_position(message: &str) -> Option<(usize, usize, &str)> {
    let at = message.find("line ")?;
    let rest = &message[at + "line ".len()..];
    let (line, rest) = rest.split_once(" column ")?;
    let (column, what) = rest.split_once(": ")?;
    Some((line.parse().ok()?, column.parse().ok()?, what.trim()))
}

/// An error and its causes, `: `-joined, each said once (kube wraps hyper wraps io).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let part = c.to_string();
        if !text.contains(&part) {
            text = format!("{text}: {part}");
        }
        cause = c.source();
    }
    text.strip_prefix("ServiceError: ")
        .unwrap_or(&text)
        .to_string()
}

/// The error text on one line (kube's messages can embed newlines and debug output).
fn one_line(e: &dyn std::fmt::Display) -> String {
    e.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The label selector of deployment `name` as a `-l` string; a deployment without one has
/// no pod to pick.
pub(crate) async fn deployment_selector(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<String, Error> {
    let what = format!("deployment/{name}.{namespace}");
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    let deployment = deployments
        .get(name)
        .await
        .map_err(|e| api_error(&what, e))?;
    let selector = deployment
        .spec
        .as_ref()
        .map(|s| selector_string(&s.selector))
        .unwrap_or_default();
    if selector.is_empty() {
        return Err(Error::NoRunningPod { what });
    }
    Ok(selector)
}
