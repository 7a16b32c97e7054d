//! An in-process Kubernetes API server for CLI tests: real TLS with a per-run CA and a
//! client certificate (see `tls.rs`), a kubeconfig pointing at it, and just the API that
//! meshscope uses: discovery (`/api`, `/apis`), pods and deployments (get; list with
//! `labelSelector`), `Status` errors (403 for a forbidden namespace, 404 for what is not
//! there), and the pod `portforward` subresource over WebSocket (`portforward.rs`),
//! bridged to a fake admin server (`admin_server.rs`).
//!
//! ```ignore
//! let admin = AdminServer::start(dump, Fault::None);
//! let api = ApiServer::start(
//!     FakeCluster::default()
//!         .pod(FakePod::new("httpbin-xxx", "default").labels(&[("app", "httpbin")]).admin(&admin))
//!         .deployment("httpbin", "default", &[("app", "httpbin")]),
//! );
//! Test::new(["pc", "listener", "deploy/httpbin", "--kubeconfig", api.kubeconfig_str()]).ok();
//! ```

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::admin_server::AdminServer;
use super::api_json::{
    extensions_group, label_map, matches, networking_answer, networking_group, ok, pairs,
    query_param, security_group, status,
};
use super::rbac::Rbac;
use super::{portforward, runtime, tls};

/// A pod of the fake cluster.
#[derive(Debug, Clone)]
pub struct FakePod {
    pub name: String,
    pub namespace: String,
    pub labels: Vec<(String, String)>,
    pub running: bool,
    pub sidecar: bool,
    /// The pod's admin endpoint: where its port-forward to `admin_port` goes.
    pub admin: Option<SocketAddr>,
    /// The port the pod's Envoy admin listens on (15000).
    pub admin_port: u16,
    /// The port-forward stream closes right after it opens, with no error message.
    pub forward_drops: bool,
    /// The controlling owner (`ownerReferences` with `controller: true`): kind and name.
    pub owner: Option<(String, String)>,
}

impl FakePod {
    /// A running pod with an `istio-proxy` container and no admin endpoint yet.
    pub fn new(name: &str, namespace: &str) -> FakePod {
        FakePod {
            name: name.into(),
            namespace: namespace.into(),
            labels: Vec::new(),
            running: true,
            sidecar: true,
            admin: None,
            admin_port: 15000,
            forward_drops: false,
            owner: None,
        }
    }
    /// Sets the controlling owner, e.g. `("ReplicaSet", "httpbin-7d5b9c6f48")`.
    pub fn owner(mut self, kind: &str, name: &str) -> FakePod {
        self.owner = Some((kind.into(), name.into()));
        self
    }
    pub fn labels(mut self, labels: &[(&str, &str)]) -> FakePod {
        self.labels = pairs(labels);
        self
    }
    pub fn admin(mut self, admin: &AdminServer) -> FakePod {
        self.admin = Some(admin.addr);
        self
    }
    /// The port the pod's Envoy admin listens on, when not 15000.
    pub fn admin_port(mut self, port: u16) -> FakePod {
        self.admin_port = port;
        self
    }
    pub fn pending(mut self) -> FakePod {
        self.running = false;
        self
    }
    pub fn forward_drops(mut self) -> FakePod {
        self.forward_drops = true;
        self
    }
    pub fn without_sidecar(mut self) -> FakePod {
        self.sidecar = false;
        self
    }

    fn to_json(&self) -> Value {
        let mut containers = vec![json!({"name": "app", "image": "app"})];
        if self.sidecar {
            containers.push(json!({"name": "istio-proxy", "image": "proxyv2"}));
        }
        let owners: Vec<Value> = self
            .owner
            .iter()
            .map(|(kind, name)| {
                json!({"apiVersion": "apps/v1", "kind": kind, "name": name,
                       "uid": format!("uid-{name}"), "controller": true})
            })
            .collect();
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": self.name, "namespace": self.namespace, "labels": label_map(&self.labels),
                         "ownerReferences": owners},
            "spec": {"containers": containers},
            "status": {"phase": if self.running { "Running" } else { "Pending" }},
        })
    }
}

/// A deployment of the fake cluster: name, namespace, `matchLabels`.
pub type FakeDeployment = (String, String, Vec<(String, String)>);

/// What the fake cluster holds.
#[derive(Debug, Clone, Default)]
pub struct FakeCluster {
    pub pods: Vec<FakePod>,
    /// Deployments: name, namespace, `matchLabels`.
    pub deployments: Vec<FakeDeployment>,
    /// Namespaces the test user may not read (403 on everything in them).
    pub forbidden: Vec<String>,
    /// The kubeconfig context's namespace, if any.
    pub context_namespace: Option<String>,
    /// WasmPlugins (JSON objects); `None`: the cluster has no WasmPlugin CRD.
    pub wasm_plugins: Option<Vec<Value>>,
    /// Listing WasmPlugins cluster-wide is forbidden (403).
    pub forbid_wasm_plugins: bool,
    /// PeerAuthentications and the one version `security.istio.io` serves (`v1` from
    /// Istio 1.22, `v1beta1` before); `None`: no PeerAuthentication CRD.
    pub peer_authentications: Option<(&'static str, Vec<Value>)>,
    /// Only what these Roles and ClusterRoles allow (403 otherwise); `None`: everything.
    pub rbac: Option<Rbac>,
    /// ConfigMaps: namespace, name, `data`.
    pub config_maps: Vec<(String, String, Value)>,
    /// ServiceEntries (`networking.istio.io/v1`); `None`: the group is not served.
    pub service_entries: Option<Vec<Value>>,
}

impl FakeCluster {
    pub fn pod(mut self, pod: FakePod) -> FakeCluster {
        self.pods.push(pod);
        self
    }
    pub fn deployment(mut self, name: &str, namespace: &str, selector: &[(&str, &str)]) -> Self {
        self.deployments
            .push((name.into(), namespace.into(), pairs(selector)));
        self
    }
    pub fn forbid(mut self, namespace: &str) -> FakeCluster {
        self.forbidden.push(namespace.into());
        self
    }
    /// Installs the WasmPlugin CRD with these objects (YAML or JSON documents).
    pub fn wasm_plugins(mut self, documents: &[&str]) -> FakeCluster {
        let items = documents
            .iter()
            .map(|d| serde_saphyr::from_str::<Value>(d).unwrap())
            .collect();
        self.wasm_plugins = Some(items);
        self
    }
    /// Serves `networking.istio.io/v1` with these ServiceEntries (YAML or JSON documents).
    pub fn service_entries(mut self, documents: &[&str]) -> FakeCluster {
        let items = documents
            .iter()
            .map(|d| serde_saphyr::from_str::<Value>(d).unwrap())
            .collect();
        self.service_entries = Some(items);
        self
    }
    /// Installs the PeerAuthentication CRD, serving `version` only, with these objects.
    pub fn peer_authentications(mut self, version: &'static str, documents: &[&str]) -> Self {
        let items = documents
            .iter()
            .map(|d| serde_saphyr::from_str::<Value>(d).unwrap())
            .collect();
        self.peer_authentications = Some((version, items));
        self
    }
    pub fn forbid_wasm_plugins(mut self) -> FakeCluster {
        self.forbid_wasm_plugins = true;
        self
    }
    /// Enforces RBAC: a request no rule of `rbac` allows gets the API server's 403.
    pub fn rbac(mut self, rbac: Rbac) -> FakeCluster {
        self.rbac = Some(rbac);
        self
    }
    /// A ConfigMap with this `data` (key, value pairs).
    pub fn config_map(mut self, namespace: &str, name: &str, data: &[(&str, &str)]) -> Self {
        let data = label_map(&pairs(data));
        self.config_maps.push((namespace.into(), name.into(), data));
        self
    }
    pub fn context_namespace(mut self, namespace: &str) -> FakeCluster {
        self.context_namespace = Some(namespace.into());
        self
    }
}

/// A running test API server and the kubeconfig that reaches it.
pub struct ApiServer {
    pub addr: SocketAddr,
    pub kubeconfig: PathBuf,
    pki: tls::Pki,
    dir: PathBuf,
}

impl Drop for ApiServer {
    /// The kubeconfig and PEM files go with the server (the listener lives on with the
    /// shared runtime, unused).
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl ApiServer {
    /// Generates the PKI, writes the kubeconfig, and starts serving `cluster`.
    pub fn start(cluster: FakeCluster) -> ApiServer {
        static RUN: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "meshscope-apiserver-{}-{}",
            std::process::id(),
            RUN.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let (pki, tls_config) = tls::generate(&dir);
        let listener = runtime()
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let namespace = cluster
            .context_namespace
            .as_ref()
            .map(|ns| format!("\n    namespace: {ns}"))
            .unwrap_or_default();
        let kubeconfig = dir.join("kubeconfig");
        std::fs::write(
            &kubeconfig,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n    server: https://{addr}\n    certificate-authority: {}\nusers:\n- name: test\n  user:\n    client-certificate: {}\n    client-key: {}\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: test{namespace}\ncurrent-context: test\n",
                pki.ca.display(),
                pki.client_cert.display(),
                pki.client_key.display(),
            ),
        )
        .unwrap();
        let cluster = Arc::new(cluster);
        let acceptor = TlsAcceptor::from(tls_config);
        runtime().spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, cluster) = (acceptor.clone(), cluster.clone());
                tokio::spawn(async move {
                    let Ok(stream) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = service_fn(move |req| {
                        let cluster = cluster.clone();
                        async move { Ok::<_, Infallible>(route(&cluster, req)) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .with_upgrades()
                        .await;
                });
            }
        });
        ApiServer {
            addr,
            kubeconfig,
            pki,
            dir,
        }
    }

    /// One kubeconfig with a context per server (named as given), for `--context` given
    /// several times; the first is the current context.
    pub fn merged_kubeconfig(servers: &[(&str, &ApiServer)]) -> PathBuf {
        let (mut clusters, mut users, mut contexts) = (String::new(), String::new(), String::new());
        for (name, api) in servers {
            clusters += &format!(
                "- name: {name}\n  cluster:\n    server: https://{}\n    certificate-authority: {}\n",
                api.addr,
                api.pki.ca.display()
            );
            users += &format!(
                "- name: {name}\n  user:\n    client-certificate: {}\n    client-key: {}\n",
                api.pki.client_cert.display(),
                api.pki.client_key.display()
            );
            contexts +=
                &format!("- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\n");
        }
        let path = servers[0].1.kubeconfig.with_file_name("merged-kubeconfig");
        std::fs::write(
            &path,
            format!(
                "apiVersion: v1\nkind: Config\nclusters:\n{clusters}users:\n{users}contexts:\n{contexts}current-context: {}\n",
                servers[0].0
            ),
        )
        .unwrap();
        path
    }

    /// The kubeconfig path as a CLI argument.
    pub fn kubeconfig_str(&self) -> &str {
        self.kubeconfig.to_str().unwrap()
    }
}

/// The response to one API request.
fn route(cluster: &FakeCluster, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if let Some(message) = cluster
        .rbac
        .as_ref()
        .and_then(|r| r.deny(req.method().as_str(), &segments, &query))
    {
        return status(403, "Forbidden", &message);
    }
    let forbidden = |ns: &str, resource: &str, verb: &str| {
        cluster.forbidden.iter().any(|f| f == ns).then(|| {
            status(
                403,
                "Forbidden",
                &format!(
                    "{resource} is forbidden: User \"meshscope-test-user\" cannot {verb} resource \"{}\" in API group \"{}\" in the namespace \"{ns}\"",
                    resource.split(' ').next().unwrap_or(resource).trim_matches('"'),
                    if resource.starts_with("deployments") { "apps" } else { "" },
                ),
            )
        })
    };
    match segments.as_slice() {
        ["api"] => ok(json!({"kind": "APIVersions", "versions": ["v1"]})),
        ["apis"] => {
            let groups: Vec<Value> = cluster
                .wasm_plugins
                .iter()
                .map(|_| extensions_group())
                .chain(
                    cluster
                        .peer_authentications
                        .iter()
                        .map(|(version, _)| security_group(version)),
                )
                .chain(cluster.service_entries.iter().map(|_| networking_group()))
                .collect();
            ok(json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}))
        }
        ["apis", "security.istio.io", rest @ ..] => {
            let not_found = || {
                status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                )
            };
            let Some((version, items)) = &cluster.peer_authentications else {
                return not_found();
            };
            match rest {
                [] => ok(security_group(version)),
                [v] if v == version => ok(json!({
                    "kind": "APIResourceList", "apiVersion": "v1",
                    "groupVersion": format!("security.istio.io/{version}"),
                    "resources": [{"name": "peerauthentications", "singularName": "peerauthentication",
                                   "namespaced": true, "kind": "PeerAuthentication", "verbs": ["get", "list"]}],
                })),
                [v, "peerauthentications"] if v == version => ok(json!({
                    "apiVersion": format!("security.istio.io/{version}"), "kind": "PeerAuthenticationList",
                    "metadata": {"resourceVersion": "1"}, "items": items,
                })),
                _ => not_found(),
            }
        }
        ["apis", "networking.istio.io", rest @ ..] => cluster
            .service_entries
            .as_ref()
            .and_then(|items| networking_answer(rest, items))
            .map_or_else(
                || {
                    status(
                        404,
                        "NotFound",
                        "the server could not find the requested resource",
                    )
                },
                ok,
            ),
        ["apis", "extensions.istio.io", rest @ ..] => {
            let Some(items) = &cluster.wasm_plugins else {
                return status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                );
            };
            match rest {
                [] => ok(extensions_group()),
                ["v1alpha1"] => ok(json!({
                    "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "extensions.istio.io/v1alpha1",
                    "resources": [{"name": "wasmplugins", "singularName": "wasmplugin", "namespaced": true,
                                   "kind": "WasmPlugin", "verbs": ["get", "list"]}],
                })),
                ["v1alpha1", "wasmplugins"] if cluster.forbid_wasm_plugins => status(
                    403,
                    "Forbidden",
                    "wasmplugins.extensions.istio.io is forbidden: User \"meshscope-test-user\" cannot list resource \"wasmplugins\" in API group \"extensions.istio.io\" at the cluster scope",
                ),
                ["v1alpha1", "wasmplugins"] => ok(json!({
                    "apiVersion": "extensions.istio.io/v1alpha1", "kind": "WasmPluginList",
                    "metadata": {"resourceVersion": "1"}, "items": items,
                })),
                _ => status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                ),
            }
        }
        ["api", "v1", "pods"] => {
            let selector = query_param(&query, "labelSelector").unwrap_or_default();
            let items: Vec<Value> = cluster
                .pods
                .iter()
                .filter(|p| matches(&p.labels, &selector))
                .map(FakePod::to_json)
                .collect();
            ok(json!({"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": items}))
        }
        ["api", "v1", "namespaces", ns, "pods"] => {
            if let Some(r) = forbidden(ns, "pods", "list") {
                return r;
            }
            let selector = query_param(&query, "labelSelector").unwrap_or_default();
            let items: Vec<Value> = cluster
                .pods
                .iter()
                .filter(|p| p.namespace == *ns && matches(&p.labels, &selector))
                .map(FakePod::to_json)
                .collect();
            ok(json!({"apiVersion": "v1", "kind": "PodList", "metadata": {}, "items": items}))
        }
        ["api", "v1", "namespaces", ns, "pods", name, rest @ ..] => {
            let what = format!("pods \"{name}\"");
            if let Some(r) = forbidden(ns, &what, if rest.is_empty() { "get" } else { "create" }) {
                return r;
            }
            let Some(pod) = cluster
                .pods
                .iter()
                .find(|p| p.namespace == *ns && p.name == *name)
            else {
                return status(404, "NotFound", &format!("{what} not found"));
            };
            match rest {
                [] => ok(pod.to_json()),
                ["portforward"] => portforward::upgrade(req, pod, &query),
                _ => status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                ),
            }
        }
        ["api", "v1", "namespaces", ns, "configmaps", name] => {
            match cluster
                .config_maps
                .iter()
                .find(|(n, m, _)| n == ns && m == name)
            {
                Some((_, _, data)) => ok(json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": name, "namespace": ns}, "data": data})),
                None => status(404, "NotFound", &format!("configmaps \"{name}\" not found")),
            }
        }
        ["apis", "apps", "v1", "namespaces", ns, "deployments", name] => {
            let what = format!("deployments.apps \"{name}\"");
            if let Some(r) = forbidden(ns, &what, "get") {
                return r;
            }
            match cluster
                .deployments
                .iter()
                .find(|(n, dns, _)| n == name && dns == ns)
            {
                Some((n, dns, selector)) => ok(json!({
                    "apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": {"name": n, "namespace": dns},
                    "spec": {"selector": {"matchLabels": label_map(selector)},
                             "template": {"metadata": {"labels": label_map(selector)}, "spec": {"containers": []}}},
                })),
                None => status(404, "NotFound", &format!("{what} not found")),
            }
        }
        _ => status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
    }
}
