//! `diff` checks each side's inbound modes against the PeerAuthentications that apply to its
//! proxy: from `--resources`, or from the cluster when a side is a pod (#7 item 4).

use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};
use crate::support::{Test, assert_golden, root};

const PA: &str = "testdata/manifests/peer-authentication";

fn dump(name: &str) -> String {
    format!("testdata/dumps/{name}.json")
}

#[test]
fn mesh_strict_flags_the_proxy_that_has_not_caught_up() {
    let args = [
        "diff",
        &dump("istio-1.12-permissive"),
        &dump("istio-1.12-strict"),
        "--port",
        "15006",
        "--resources",
        &format!("{PA}/mesh-strict.yaml"),
    ];
    let out = Test::new(args).run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    assert_golden("diff-policy/1.12-mesh-strict.txt", &out.stdout);
    let mut json = args.to_vec();
    json.extend(["-o", "json"]);
    let out = Test::new(&json).run();
    assert_eq!(out.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let sides = doc["policy"]["sides"].as_array().unwrap();
    let agree = |side: &serde_json::Value| -> Vec<bool> {
        side["ports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["agrees"].as_bool().unwrap())
            .collect()
    };
    assert_eq!(agree(&sides[0]), [false, false, false]);
    assert_eq!(agree(&sides[1]), [true, true, true]);
    assert_eq!(sides[0]["policy"]["ignored"][0]["id"], "default/relax");
}

#[test]
fn port_level_modes_and_ignored_root_selectors() {
    let out = Test::new([
        "diff",
        &dump("istio-current-permissive"),
        &dump("istio-current-mixed"),
        "--port",
        "15006",
        "--resources",
        &format!("{PA}/workload-ports.yaml"),
    ])
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    assert_golden("diff-policy/current-workload-ports.txt", &out.stdout);
}

#[test]
fn without_resources_nothing_is_checked_and_bad_resources_are_errors() {
    let plain = Test::new([
        "diff",
        "-f",
        &dump("istio-1.12-permissive"),
        "-f",
        &dump("istio-1.12-strict"),
        "-o",
        "json",
    ])
    .run();
    let doc: serde_json::Value = serde_json::from_str(&plain.stdout).unwrap();
    assert!(doc.get("policy").is_none());
    let out = Test::new([
        "diff",
        &dump("istio-1.12-permissive"),
        &dump("istio-1.12-strict"),
        "--resources",
        "testdata/manifests/cases/broken.yaml",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: testdata/manifests/cases/broken.yaml:3:11: unclosed bracket '['\n"
    );
}

/// Pod sides: the PeerAuthentications come from the cluster, at the version
/// `security.istio.io` serves (v1beta1 here, as before Istio 1.22).
#[test]
fn pod_sides_read_the_cluster_policies() {
    let read = |name: &str| std::fs::read(root().join(dump(name))).unwrap();
    let permissive = AdminServer::start(read("istio-1.12-permissive"), Fault::None);
    let strict = AdminServer::start(read("istio-1.12-strict"), Fault::None);
    let mesh_strict =
        std::fs::read_to_string(root().join(format!("{PA}/mesh-strict.yaml"))).unwrap();
    let documents: Vec<String> = mesh_strict
        .split("\n---\n")
        .map(|d| d.replace("security.istio.io/v1\n", "security.istio.io/v1beta1\n"))
        .collect();
    let documents: Vec<&str> = documents.iter().map(String::as_str).collect();
    let pods = FakeCluster::default()
        .pod(FakePod::new("httpbin-old", "default").admin(&permissive))
        .pod(FakePod::new("httpbin-new", "default").admin(&strict));
    let with_policies = ApiServer::start(pods.clone().peer_authentications("v1beta1", &documents));
    let files = Test::new([
        "diff",
        &dump("istio-1.12-permissive"),
        &dump("istio-1.12-strict"),
        "--resources",
        &format!("{PA}/mesh-strict.yaml"),
    ])
    .run();
    let live = Test::new(["diff", "httpbin-old", "httpbin-new"])
        .env("KUBECONFIG", with_policies.kubeconfig_str())
        .run();
    assert_eq!((live.code, live.stderr.as_str()), (1, ""));
    let policy = |text: &str| text[text.find("PeerAuthentication (").unwrap()..].to_string();
    assert_eq!(policy(&live.stdout), policy(&files.stdout));

    // No PeerAuthentication CRD: the diff stands, the check says why it was not done.
    let without = ApiServer::start(pods);
    let live = Test::new(["diff", "httpbin-old", "httpbin-new"])
        .env("KUBECONFIG", without.kubeconfig_str())
        .run();
    assert_eq!((live.code, live.stderr.as_str()), (1, ""));
    assert!(
        live.stdout.ends_with(
            "PeerAuthentication (the mode the policies give each proxy)\nnot checked: the cluster has no PeerAuthentication CRD (security.istio.io): is Istio installed?\n"
        ),
        "{}",
        live.stdout
    );
}

/// Pod sides take the kube flags of the other read commands (`-n`, `--kubeconfig`,
/// `--context`, `--timeout`, `--proxy-admin-port`) and fetch only what diff reads.
#[test]
fn pod_sides_take_the_kube_flags() {
    let read = |name: &str| std::fs::read(root().join(dump(name))).unwrap();
    let permissive = AdminServer::start(read("istio-1.12-permissive"), Fault::None);
    let strict = AdminServer::start(read("istio-1.12-strict"), Fault::None);
    let api = ApiServer::start(
        FakeCluster::default()
            .pod(FakePod::new("httpbin-old", "apps").admin(&permissive))
            .pod(FakePod::new("httpbin-new", "apps").admin(&strict)),
    );
    let files = Test::new([
        "diff",
        &dump("istio-1.12-permissive"),
        &dump("istio-1.12-strict"),
        "--port",
        "15006",
    ])
    .run();
    let live = Test::new([
        "diff",
        "httpbin-old",
        "pod/httpbin-new",
        "-n",
        "apps",
        "--port",
        "15006",
        "--kubeconfig",
        api.kubeconfig_str(),
        "--timeout",
        "20s",
    ])
    .run();
    assert_eq!((live.code, live.stderr.as_str()), (1, ""));
    // The report is the file run's, with the pods for the file names (the BEFORE line
    // is cut: its padding follows the label's length).
    let report = |text: &str| text[text.find("\n").unwrap()..].to_string();
    let report_of = |text: &str| {
        let r = report(text);
        // The live run adds the policy check (here: no PeerAuthentication CRD).
        r[..r.find("PeerAuthentication (").unwrap_or(r.len())]
            .trim_end()
            .to_string()
    };
    assert_eq!(
        report_of(&live.stdout)
            .replace("pod/httpbin-new.apps", "AFTER")
            .replace("pod/httpbin-old.apps", "BEFORE"),
        report_of(&files.stdout)
            .replace(&dump("istio-1.12-strict"), "AFTER")
            .replace(&dump("istio-1.12-permissive"), "BEFORE")
    );
    for admin in [&permissive, &strict] {
        assert_eq!(
            admin.requests(),
            ["/config_dump?mask=bootstrap,dynamic_listeners,static_listeners"]
        );
    }
    // The wrong port is the kubelet's refusal, one line.
    let out = Test::new([
        "diff",
        "httpbin-old",
        "httpbin-new",
        "-n",
        "apps",
        "--kubeconfig",
        api.kubeconfig_str(),
        "--proxy-admin-port",
        "15999",
    ])
    .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("15999"), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
}
