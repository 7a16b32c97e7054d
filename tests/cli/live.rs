//! Live inputs: `--admin URL` against a fake admin endpoint, and POD arguments through the
//! test API server (TLS, kubeconfig, port-forward). See: #7

use std::time::Duration;

use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};
use crate::support::{Output, Test};

const DUMP: &str = "testdata/dumps/istio-1.12-strict.json";
const LISTENER_QUERY: &str = "/config_dump?mask=dynamic_listeners,static_listeners";

pub(crate) fn dump() -> Vec<u8> {
    std::fs::read(crate::support::root().join(DUMP)).unwrap()
}

fn from_file(args: &[&str]) -> String {
    let mut all = vec!["pc", "listener", "-f", DUMP];
    all.extend_from_slice(args);
    Test::new(all).ok()
}

pub(crate) fn assert_error(out: &Output, expected: &str) {
    assert_eq!(
        out.code, 2,
        "stdout: {}\nstderr: {}",
        out.stdout, out.stderr
    );
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, format!("meshscope: error: {expected}\n"));
}

#[test]
fn admin_url_reads_the_listener_sections() {
    let admin = AdminServer::start(dump(), Fault::None);
    let url = admin.url();
    let out = Test::new(["pc", "listener", "--admin", &url, "--port", "15006"]).ok();
    assert_eq!(out, from_file(&["--port", "15006"]));
    assert_eq!(admin.requests(), [LISTENER_QUERY]);
}

#[test]
fn admin_url_ecds_asks_for_endpoints_and_accepts_a_prefix() {
    let admin = AdminServer::start(dump(), Fault::None);
    let url = format!("{}/", admin.url());
    Test::new(["pc", "ecds", "--admin", &url]).run();
    assert_eq!(admin.requests(), ["/config_dump?include_eds=true"]);
}

#[test]
fn admin_url_failures_are_one_line_each() {
    let refused = Test::new(["pc", "listener", "--admin", "http://127.0.0.1:1"]).run();
    assert_error(
        &refused,
        "http://127.0.0.1:1: cannot connect: Connection refused (os error 111)",
    );

    let admin = AdminServer::start(dump(), Fault::Status(503));
    let url = admin.url();
    let out = Test::new(["pc", "listener", "--admin", &url]).run();
    assert_error(
        &out,
        &format!("{url}: GET {LISTENER_QUERY}: HTTP 503 Service Unavailable"),
    );

    let admin = AdminServer::start(dump(), Fault::Delay(Duration::from_secs(10)));
    let url = admin.url();
    let out = Test::new(["pc", "listener", "--admin", &url, "--timeout", "300ms"]).run();
    assert_error(
        &out,
        &format!("{url}: no complete config dump within 0.3s (--timeout)"),
    );

    let admin = AdminServer::start(dump(), Fault::Truncate);
    let url = admin.url();
    let out = Test::new(["pc", "listener", "--admin", &url]).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(&format!(
            "meshscope: error: {url}: reading the config dump failed: "
        )),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);

    let out = Test::new(["pc", "listener", "--admin", "https://127.0.0.1:15000"]).run();
    assert_error(
        &out,
        "https://127.0.0.1:15000: not a usable admin URL: only http:// is supported (Envoy's admin port speaks plain HTTP)",
    );
}

/// A cluster with httpbin in `default` (one pending pod listed before the running one),
/// a pod without a sidecar, and a forbidden namespace.
pub(crate) fn cluster(admin: &AdminServer) -> FakeCluster {
    let labels = [("app", "httpbin")];
    FakeCluster::default()
        .pod(
            FakePod::new("httpbin-aaa", "default")
                .labels(&labels)
                .pending(),
        )
        .pod(
            FakePod::new("httpbin-xxx", "default")
                .labels(&labels)
                .admin(admin),
        )
        .pod(FakePod::new("plain", "default").without_sidecar())
        .pod(
            FakePod::new("httpbin-yyy", "apps")
                .labels(&labels)
                .admin(admin),
        )
        .deployment("httpbin", "default", &labels)
        .deployment("idle", "default", &[("app", "idle")])
        .forbid("secret")
}

pub(crate) fn live(api: &ApiServer, args: &[&str]) -> Output {
    let mut all = vec!["pc"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--kubeconfig", api.kubeconfig_str()]);
    Test::new(all).run()
}

#[test]
fn pod_by_name_and_namespace() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    let out = live(
        &api,
        &["listener", "httpbin-xxx.default", "--port", "15006"],
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, from_file(&["--port", "15006"]));
    assert_eq!(admin.requests(), [LISTENER_QUERY]);

    let out = live(
        &api,
        &[
            "listener",
            "pod/httpbin-yyy",
            "-n",
            "apps",
            "--port",
            "15006",
        ],
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, from_file(&["--port", "15006"]));
}

#[test]
fn deployment_reads_its_first_running_pod() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    let out = live(&api, &["listener", "deploy/httpbin"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, from_file(&[]));
    let out = live(
        &api,
        &["listener", "deployment/httpbin.default", "--port", "15006"],
    );
    assert_eq!(out.stdout, from_file(&["--port", "15006"]));
}

#[test]
fn namespace_comes_from_the_context() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin).context_namespace("apps"));
    let out = live(&api, &["listener", "httpbin-yyy", "--port", "15006"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, from_file(&["--port", "15006"]));
    // -n wins over the context's namespace.
    let out = live(
        &api,
        &[
            "listener",
            "httpbin-xxx",
            "-n",
            "default",
            "--port",
            "15006",
        ],
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let out = live(&api, &["listener", "httpbin-xxx"]);
    assert_error(
        &out,
        "pod/httpbin-xxx.apps: Kubernetes API error 404: pods \"httpbin-xxx\" not found",
    );
}

#[test]
fn cluster_failures_are_one_line_each() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    let cases: [(&[&str], &str); 6] = [
        (
            &["listener", "nope.default"],
            "pod/nope.default: Kubernetes API error 404: pods \"nope\" not found",
        ),
        (
            &["listener", "deploy/nope"],
            "deployment/nope.default: Kubernetes API error 404: deployments.apps \"nope\" not found",
        ),
        (
            &["listener", "httpbin.secret"],
            "pod/httpbin.secret: Kubernetes API error 403: pods \"httpbin\" is forbidden: User \"meshscope-test-user\" cannot get resource \"pods\" in API group \"\" in the namespace \"secret\"",
        ),
        (
            &["listener", "plain"],
            "pod/plain.default: no istio-proxy container (is the pod in the mesh?)",
        ),
        (
            &["listener", "deploy/idle"],
            "deployment/idle.default: no running pod matches the deployment's selector",
        ),
        (
            &["--proxy-admin-port", "15001", "listener", "httpbin-xxx"],
            "pod/httpbin-xxx.default: port-forward to port 15001 failed: error forwarding port 15001 to pod httpbin-xxx, uid : failed to execute portforward in network namespace: failed to connect to localhost:15001 inside namespace: connection refused",
        ),
    ];
    for (args, expected) in cases {
        assert_error(&live(&api, args), expected);
    }
}

#[test]
fn a_slow_pod_times_out() {
    let admin = AdminServer::start(dump(), Fault::Delay(Duration::from_secs(10)));
    let api = ApiServer::start(cluster(&admin));
    let out = live(&api, &["listener", "httpbin-xxx", "--timeout", "500ms"]);
    assert_error(
        &out,
        "httpbin-xxx: no complete config dump within 0.5s (--timeout)",
    );
}

#[test]
fn context_flag_and_unreachable_cluster() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    let out = live(&api, &["listener", "httpbin-xxx", "--context", "test"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    // KUBECONFIG is honoured when --kubeconfig is absent (kube's inference).
    let out = Test::new(["pc", "listener", "httpbin-xxx", "--port", "15006"])
        .env("KUBECONFIG", api.kubeconfig_str())
        .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, from_file(&["--port", "15006"]));
    let out = live(&api, &["listener", "httpbin-xxx", "--context", "nope"]);
    assert_error(&out, "kubeconfig: failed to load current context: nope");

    let dead =
        std::env::temp_dir().join(format!("meshscope-dead-{}.kubeconfig", std::process::id()));
    std::fs::write(
        &dead,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: d\n  cluster:\n    server: https://127.0.0.1:1\n    insecure-skip-tls-verify: true\nusers:\n- name: d\n  user: {}\ncontexts:\n- name: d\n  context: {cluster: d, user: d}\ncurrent-context: d\n",
    )
    .unwrap();
    let out = Test::new([
        "pc",
        "listener",
        "httpbin-xxx",
        "--kubeconfig",
        dead.to_str().unwrap(),
    ])
    .run();
    assert_error(
        &out,
        "pod/httpbin-xxx.default: Kubernetes API: client error (Connect): tcp connect error: Connection refused (os error 111)",
    );
    let _ = std::fs::remove_file(&dead);
}

/// The stream closes with no kubelet message: one line, never a panic (the error
/// channel's future is not polled again once it has finished).
#[test]
fn a_dropped_port_forward_is_one_line() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(
        FakeCluster::default().pod(FakePod::new("p", "default").admin(&admin).forward_drops()),
    );
    for _ in 0..5 {
        let out = live(&api, &["listener", "p"]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr
                .starts_with("meshscope: error: pod/p.default: reading the config dump failed: "),
            "{}",
            out.stderr
        );
        assert_eq!(out.stderr.lines().count(), 1);
    }
}
