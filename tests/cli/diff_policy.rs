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

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap()
}

/// A port whose chains disagree with its policy is a finding: exit 1 in text and JSON,
/// even when the two sides are the same dump; exit 0 when every port agrees.
/// See: #19 point 7
#[test]
fn a_disagreement_exits_1_even_when_the_sides_are_equal() {
    let mesh_strict = format!("{PA}/mesh-strict.yaml");
    for (name, code) in [("istio-1.12-permissive", 1), ("istio-1.12-strict", 0)] {
        let d = dump(name);
        for output in ["text", "json"] {
            let out = Test::new(["diff", &d, &d, "--resources", &mesh_strict, "-o", output]).run();
            assert_eq!(
                (out.code, out.stderr.as_str()),
                (code, ""),
                "{name} {output}"
            );
            if output == "json" {
                let doc = json(&out.stdout);
                assert_eq!(doc["equal"], true, "{name}");
                let disagreeing = doc["policy"]["sides"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|s| s["ports"].as_array().unwrap())
                    .filter(|p| p["agrees"] == false)
                    .count();
                assert_eq!(disagreeing, if code == 1 { 6 } else { 0 }, "{name}");
            } else if code == 1 {
                assert!(
                    out.stdout.contains("\n6 port(s) disagree: "),
                    "{}",
                    out.stdout
                );
            }
        }
    }
}

/// `diff -f DUMP --resources PA…` checks one dump against its policies, with no second
/// copy of it: the PeerAuthentication section alone; exit 1 when a port disagrees.
/// See: #19 point 7
#[test]
fn one_dump_is_checked_against_the_policies_alone() {
    let mesh_strict = format!("{PA}/mesh-strict.yaml");
    let permissive = dump("istio-1.12-permissive");
    let out = Test::new(["diff", "-f", &permissive, "--resources", &mesh_strict]).run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    assert_golden("diff-policy/1.12-permissive-alone.txt", &out.stdout);
    // The same section as the two-sided run's BEFORE side.
    let both = Test::new([
        "diff",
        &permissive,
        &permissive,
        "--resources",
        &mesh_strict,
    ])
    .run();
    let before_rows = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with(" BEFORE ") || l.starts_with(" DUMP "))
            .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(before_rows(&out.stdout), before_rows(&both.stdout));
    assert_eq!(before_rows(&out.stdout).len(), 3);

    let out = Test::new([
        "diff",
        "-f",
        &permissive,
        "--resources",
        &mesh_strict,
        "-o",
        "json",
    ])
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let doc = json(&out.stdout);
    assert_eq!(doc["dump"], permissive.as_str());
    assert!(doc.get("listeners").is_none() && doc.get("equal").is_none());
    let sides = doc["policy"]["sides"].as_array().unwrap();
    assert_eq!(sides.len(), 1);
    assert_eq!(sides[0]["side"], "dump");
    assert_eq!(sides[0]["policy"]["mode"], "STRICT");

    // A dump that has the policy's mode: exit 0, as a positional argument or -f.
    let strict = dump("istio-1.12-strict");
    for args in [
        vec!["diff", "-f", &strict, "--resources", &mesh_strict],
        vec![
            "diff",
            &strict,
            "--port",
            "15006",
            "--resources",
            &mesh_strict,
        ],
    ] {
        let out = Test::new(&args).run();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{args:?}");
        assert!(!out.stdout.contains("disagree"), "{}", out.stdout);
    }
}

/// The check is all a one-dump run does: a dump it cannot be made on is an error, never
/// a clean exit. See: #19 point 7
#[test]
fn one_dump_that_cannot_be_checked_is_an_error() {
    let mesh_strict = format!("{PA}/mesh-strict.yaml");
    let cases = [
        (
            vec!["diff", "-f", "testdata/dumps/listeners-only.json"],
            "meshscope: error: testdata/dumps/listeners-only.json: no bootstrap node.metadata.NAMESPACE: the PeerAuthentication check needs the proxy's namespace\n",
        ),
        (
            vec![
                "diff",
                "-f",
                "testdata/dumps/istio-1.12-strict.json",
                "--port",
                "80",
            ],
            "meshscope: error: testdata/dumps/istio-1.12-strict.json: no virtualInbound listener to check against the PeerAuthentications\n",
        ),
    ];
    for (mut args, stderr) in cases {
        args.extend(["--resources", &mesh_strict]);
        let out = Test::new(&args).run();
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{args:?}");
        assert_eq!(out.stderr, stderr, "{args:?}");
    }
}
