//! `deploy/rbac.yaml` grants what the live commands need, and no command needs more: every
//! live command runs against a test API server that enforces the manifest's rules (403
//! with the API server's wording for anything else). See: #7

use crate::live::assert_error;
use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};
use crate::support::rbac::Rbac;
use crate::support::{Output, Test};

const PLUGIN: &str = "testdata/manifests/wasm-count/seed/helloworld.yaml";
/// A current-Istio dump: it has the ECDS section `pc ecds` reads.
const DUMP: &str = "testdata/dumps/istio-current-permissive.json";

fn dump() -> Vec<u8> {
    std::fs::read(crate::support::root().join(DUMP)).unwrap()
}

fn manifest() -> String {
    std::fs::read_to_string(crate::support::root().join("deploy/rbac.yaml")).unwrap()
}

/// httpbin in `default` and `apps`, a Deployment, the WasmPlugin and PeerAuthentication
/// CRDs, and only what `rbac` allows.
fn cluster(admin: &AdminServer, rbac: Rbac) -> ApiServer {
    let labels = [("app", "httpbin")];
    let plugin = std::fs::read_to_string(crate::support::root().join(PLUGIN)).unwrap();
    ApiServer::start(
        FakeCluster::default()
            .pod(
                FakePod::new("httpbin-xxx", "default")
                    .labels(&labels)
                    .admin(admin),
            )
            .pod(
                FakePod::new("httpbin-yyy", "apps")
                    .labels(&labels)
                    .admin(admin),
            )
            .deployment("httpbin", "default", &labels)
            .wasm_plugins(&[&plugin])
            .peer_authentications("v1", &[])
            .rbac(rbac),
    )
}

fn run(api: &ApiServer, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--kubeconfig", api.kubeconfig_str()]);
    Test::new(all).run()
}

fn assert_allowed(api: &ApiServer, args: &[&str]) {
    let out = run(api, args);
    assert!(
        out.code != 2 && !out.stderr.contains("forbidden"),
        "{args:?} exited {}: {}",
        out.code,
        out.stderr
    );
}

#[test]
fn the_cluster_role_covers_every_live_command() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = cluster(
        &admin,
        Rbac::from_manifest(&manifest(), "ClusterRole", "meshscope-fleet-reader"),
    );
    for args in [
        &["pc", "listener", "httpbin-xxx.default", "--port", "15006"][..],
        &["pc", "listener", "deploy/httpbin"],
        &["pc", "listener", "-l", "app=httpbin", "-A"],
        &["pc", "ecds", "pod/httpbin-yyy", "-n", "apps"],
        &["explain", "httpbin-xxx", "--port", "15006"],
        &["wasm", "count", "httpbin-xxx"],
        &["wasm", "count", "-l", "app=httpbin", "-A"],
        &["wasm", "count", "-l", "app=httpbin", "-n", "apps"],
        &["diff", "httpbin-xxx", "httpbin-yyy.apps"],
    ] {
        assert_allowed(&api, args);
    }
    // With the rule, diff checks the modes against the cluster's (empty) policy.
    let out = run(&api, &["diff", "httpbin-xxx", "httpbin-yyy.apps"]);
    assert!(!out.stdout.contains("not checked"), "{}", out.stdout);
}

#[test]
fn the_role_covers_the_single_pod_commands_in_its_namespace() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = cluster(
        &admin,
        Rbac::from_manifest(&manifest(), "Role", "meshscope-reader"),
    );
    for args in [
        &["pc", "listener", "httpbin-xxx", "--port", "15006"][..],
        &["pc", "listener", "deploy/httpbin"],
        &["pc", "listener", "-l", "app=httpbin"],
        &["pc", "ecds", "httpbin-xxx"],
        &["explain", "httpbin-xxx", "--port", "15006"],
    ] {
        assert_allowed(&api, args);
    }
    // Outside its namespace, and for the cluster's WasmPlugins, it is refused (as the
    // manifest's header says: those need the ClusterRole).
    let out = run(&api, &["pc", "listener", "httpbin-yyy.apps"]);
    assert_error(
        &out,
        "pod/httpbin-yyy.apps: Kubernetes API error 403: pods \"httpbin-yyy\" is forbidden: User \"meshscope-test-user\" cannot get resource \"pods\" in API group \"\" in the namespace \"apps\"",
    );
    let out = run(&api, &["wasm", "count", "httpbin-xxx"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot list resource \"wasmplugins\""),
        "{}",
        out.stderr
    );
}

/// The enforcement is real: without the port-forward rule the fetch is refused, and the
/// user reads the API server's reason.
#[test]
fn a_missing_rule_is_refused_with_the_servers_reason() {
    let mut rbac = Rbac::from_manifest(&manifest(), "ClusterRole", "meshscope-fleet-reader");
    rbac.grants
        .retain(|(_, rule)| !rule.resources.iter().any(|r| r == "pods/portforward"));
    let admin = AdminServer::start(dump(), Fault::None);
    let api = cluster(&admin, rbac);
    let out = run(&api, &["pc", "listener", "httpbin-xxx"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("cannot create resource \"pods/portforward\" in API group \"\" in the namespace \"default\""),
        "{}",
        out.stderr
    );
    assert!(admin.requests().is_empty());
}

/// What the PeerAuthentication rule is for: without it `diff` of two pods cannot check
/// the modes against the cluster's policy, and says why.
#[test]
fn diff_without_the_peer_authentication_rule_says_why() {
    let mut rbac = Rbac::from_manifest(&manifest(), "ClusterRole", "meshscope-fleet-reader");
    rbac.grants
        .retain(|(_, rule)| !rule.resources.iter().any(|r| r == "peerauthentications"));
    let admin = AdminServer::start(dump(), Fault::None);
    let api = cluster(&admin, rbac);
    let out = run(&api, &["diff", "httpbin-xxx", "httpbin-yyy.apps"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(
        out.stdout.contains("not checked: /apis/security.istio.io/v1/peerauthentications: Kubernetes API error 403: peerauthentications.security.istio.io is forbidden: User \"meshscope-test-user\" cannot list resource \"peerauthentications\""),
        "{}",
        out.stdout
    );
}
