//! Fleet summaries through the test API server: `wasm count -l` (pods × plugins, signature
//! groups, pods that differ from their workload's majority, failures one line each), and
//! fleet runs past proxies that stall, reset or cut their dump. See: #7, #8

use std::time::Duration;

use serde_json::Value;

use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};
use crate::support::{Test, assert_golden, root};

pub(crate) const FIXTURE: &str = "testdata/dumps/istio-current-permissive.json";
pub(crate) const SEED: &str = "testdata/manifests/wasm-count/seed/helloworld.yaml";
const FILTER: &str =
    "extensions.istio.io/trafficextension/default.helloworld~istio-translated-wasmplugin";
const SHA: &str = "d1294d5f5d1e29473e8bce0e97f9131c8338a8ac705a09181ad9382c7c4bcde9";
/// A generous bound on any one run: a guard against hangs, not a performance assertion.
pub(crate) const HANG: Duration = Duration::from_secs(120);

fn fixture() -> Value {
    serde_json::from_slice(&std::fs::read(root().join(FIXTURE)).unwrap()).unwrap()
}

fn bytes(dump: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(dump).unwrap()
}

/// The fixture's ECDS entries.
fn ecds_entries(dump: &mut Value) -> &mut Vec<Value> {
    dump["configs"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|c| c["@type"] == "type.googleapis.com/envoy.admin.v3.EcdsConfigDump")
        .unwrap()["ecds_filters"]
        .as_array_mut()
        .unwrap()
}

fn plugin_entry(dump: &mut Value) -> &mut Value {
    ecds_entries(dump)
        .iter_mut()
        .find(|e| e["ecds_filter"]["name"] == FILTER)
        .unwrap()
}

/// The same module pushed again: only ECDS `version_info` and `last_updated` change.
fn repushed(n: usize) -> Value {
    let mut dump = fixture();
    let entry = plugin_entry(&mut dump);
    entry["version_info"] = Value::from(format!("2026-05-19T10:00:00Z/{n}"));
    entry["last_updated"] = Value::from("2026-05-19T10:00:01.000Z");
    dump
}

/// The module file carries another digest.
fn other_module() -> Value {
    let text = serde_json::to_string(&fixture()).unwrap();
    let other = "ab".repeat(32);
    serde_json::from_str(&text.replace(SHA, &other)).unwrap()
}

/// The agent's deny-all RBAC stand-in under the plugin's ECDS name (DOMAIN.md §6.5).
fn deny_all() -> Value {
    let mut dump = fixture();
    plugin_entry(&mut dump)["ecds_filter"]["typed_config"] = serde_json::json!({
        "@type": "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC",
        "rules": {}, "rules_stat_prefix": "wasm-default-deny"
    });
    dump
}

/// The plugin on no chain and not in ECDS.
fn plugin_missing() -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Array(items) => {
                items.retain(|i| i.get("name").and_then(Value::as_str) != Some(FILTER));
                items.iter_mut().for_each(strip);
            }
            Value::Object(map) => map.values_mut().for_each(strip),
            _ => {}
        }
    }
    let mut dump = fixture();
    strip(&mut dump);
    ecds_entries(&mut dump).retain(|e| e["ecds_filter"]["name"] != FILTER);
    assert!(!serde_json::to_string(&dump).unwrap().contains(FILTER));
    dump
}

fn httpbin(name: &str, namespace: &str, admin: &AdminServer) -> FakePod {
    FakePod::new(name, namespace)
        .labels(&[("app", "httpbin"), ("pod-template-hash", "7d5b9c6f48")])
        .owner("ReplicaSet", "httpbin-7d5b9c6f48")
        .admin(admin)
}

/// 20 httpbin pods: 16 in `default` (13 as the plan says, some re-pushed with other ECDS
/// versions; one without the plugin, one with another module, one with the deny-all
/// stand-in), 2 in `apps`, one that never answers in time and one in a forbidden namespace.
fn twenty_pods() -> (Vec<AdminServer>, FakeCluster) {
    let plugin = std::fs::read_to_string(root().join(SEED)).unwrap();
    let good = AdminServer::start(bytes(&fixture()), Fault::None);
    let repush_a = AdminServer::start(bytes(&repushed(10)), Fault::None);
    let repush_b = AdminServer::start(bytes(&repushed(11)), Fault::None);
    let missing = AdminServer::start(bytes(&plugin_missing()), Fault::None);
    let module = AdminServer::start(bytes(&other_module()), Fault::None);
    let deny = AdminServer::start(bytes(&deny_all()), Fault::None);
    let slow = AdminServer::start(bytes(&fixture()), Fault::Delay(Duration::from_secs(30)));
    let mut cluster = FakeCluster::default().wasm_plugins(&[&plugin]);
    for i in 1..=13 {
        let admin = match i % 3 {
            0 => &repush_a,
            1 => &good,
            _ => &repush_b,
        };
        cluster = cluster.pod(httpbin(&format!("httpbin-{i:02}"), "default", admin));
    }
    let cluster = cluster
        .pod(httpbin("httpbin-nowasm", "default", &missing))
        .pod(httpbin("httpbin-rebuilt", "default", &module))
        .pod(httpbin("httpbin-denied", "default", &deny))
        .pod(httpbin("httpbin-a1", "apps", &good))
        .pod(httpbin("httpbin-a2", "apps", &repush_a))
        .pod(httpbin("httpbin-slow", "default", &slow))
        .pod(httpbin("httpbin-s", "secret", &good))
        .pod(
            FakePod::new("other", "default")
                .labels(&[("app", "other")])
                .admin(&good),
        )
        .forbid("secret");
    let servers = vec![good, repush_a, repush_b, missing, module, deny, slow];
    (servers, cluster)
}

const FLEET_ERRORS: &str = "meshscope: error: pod/httpbin-s.secret: Kubernetes API error 403: pods \"httpbin-s\" is forbidden: User \"meshscope-test-user\" cannot create resource \"pods\" in API group \"\" in the namespace \"secret\"\n\
    meshscope: error: pod/httpbin-slow.default: no complete config dump within 2s (--timeout)\n";

/// The acceptance case of #7: 20 pods, 3 that differ and 2 that fail.
#[test]
fn wasm_count_fleet_flags_the_pods_that_differ_and_lists_each_failure() {
    let (_servers, cluster) = twenty_pods();
    let api = ApiServer::start(cluster);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "wasm",
            "count",
            "-l",
            "app=httpbin",
            "-A",
            "--timeout",
            "2s",
            "--kubeconfig",
            api.kubeconfig_str(),
        ];
        args.extend_from_slice(extra);
        Test::new(args).deadline(HANG).run()
    };
    let out = run(&[]);
    // Failures take precedence: exit 2, the 18 readable pods still on stdout.
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(out.stderr, FLEET_ERRORS);
    assert_golden("wasm-count/fleet-twenty.txt", &out.stdout);
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 18, "{}", out.stdout);
    let flagged: Vec<&str> = rows
        .iter()
        .filter(|r| !r.ends_with(" ok"))
        .map(|r| r.split_whitespace().nth(1).unwrap())
        .collect();
    assert_eq!(
        flagged,
        ["httpbin-denied", "httpbin-nowasm", "httpbin-rebuilt"]
    );

    let out = run(&["-o", "json"]);
    assert_eq!((out.code, out.stderr.as_str()), (2, FLEET_ERRORS));
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["pods"].as_array().unwrap().len(), 18);
    let reasons: Vec<(String, String)> = report["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            assert_eq!(d["majority_group"], 1);
            assert_eq!(
                (d["majority_pods"].as_u64(), d["workload_pods"].as_u64()),
                (Some(13), Some(16))
            );
            let r = &d["reasons"][0];
            (
                d["pod"].as_str().unwrap().to_string(),
                r["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("httpbin-denied", "deny-all-stand-in"),
        ("httpbin-nowasm", "plugin-missing"),
        ("httpbin-rebuilt", "other-module"),
    ];
    assert_eq!(reasons, want.map(|(p, k)| (p.to_string(), k.to_string())));
    let failed: Vec<&str> = report["failures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["pod"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["httpbin-s", "httpbin-slow"]);
    // Module identity is the digest; re-pushed ECDS versions are one group with the rest.
    assert_eq!(report["groups"][0]["pods"], 15);
    assert_eq!(
        report["groups"][0]["plugins"]["default/helloworld"]["module"]["sha256"],
        SHA
    );
    assert_eq!(report["pods"][0]["workload"]["from"], "pod-owner");
}

/// #16 point 4: a fleet of 20 proxies of one workload where 2 run another module. The
/// fleet groups pods by module identity (the digest, never ECDS `version_info`) and shows
/// exactly those 2 as the odd ones out, each with the module it runs.
#[test]
fn a_fleet_of_twenty_shows_the_two_on_another_module() {
    let good = AdminServer::start(bytes(&fixture()), Fault::None);
    let repush = AdminServer::start(bytes(&repushed(7)), Fault::None);
    let module = AdminServer::start(bytes(&other_module()), Fault::None);
    let plugin = std::fs::read_to_string(root().join(SEED)).unwrap();
    let mut cluster = FakeCluster::default().wasm_plugins(&[&plugin]);
    for i in 1..=20 {
        let admin = match i {
            7 | 15 => &module,
            i if i % 2 == 0 => &repush,
            _ => &good,
        };
        cluster = cluster.pod(httpbin(&format!("httpbin-{i:02}"), "default", admin));
    }
    let api = ApiServer::start(cluster);
    let out = Test::new([
        "wasm",
        "count",
        "-l",
        "app=httpbin",
        "-n",
        "default",
        "--kubeconfig",
        api.kubeconfig_str(),
        "-o",
        "json",
    ])
    .deadline(HANG)
    .run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["pods"].as_array().unwrap().len(), 20);
    let odd: Vec<(&str, &str)> = report["deviations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["pod"].as_str().unwrap(),
                d["reasons"][0]["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        odd,
        [
            ("httpbin-07", "other-module"),
            ("httpbin-15", "other-module")
        ]
    );
    // The majority group is the 18 on the digest the plan pins; the other group is the 2.
    let groups = report["groups"].as_array().unwrap();
    assert_eq!(groups[0]["pods"], 18);
    assert_eq!(
        groups[0]["plugins"]["default/helloworld"]["module"]["sha256"],
        SHA
    );
    assert_eq!(groups[1]["pods"], 2);
    assert_eq!(
        groups[1]["plugins"]["default/helloworld"]["module"]["sha256"],
        "ab".repeat(32)
    );
    drop((good, repush, module));
}

/// Readable pods only: a deviation alone exits 1; a uniform workload exits 0.
#[test]
fn wasm_count_fleet_exit_codes_without_failures() {
    let plugin = std::fs::read_to_string(root().join(SEED)).unwrap();
    let good = AdminServer::start(bytes(&fixture()), Fault::None);
    let repush = AdminServer::start(bytes(&repushed(12)), Fault::None);
    let module = AdminServer::start(bytes(&other_module()), Fault::None);
    let api = ApiServer::start(
        FakeCluster::default()
            .wasm_plugins(&[&plugin])
            .pod(httpbin("httpbin-1", "default", &good))
            .pod(httpbin("httpbin-2", "default", &repush))
            .pod(httpbin("httpbin-3", "default", &good))
            .pod(httpbin("httpbin-4", "apps", &good))
            .pod(httpbin("httpbin-5", "apps", &module)),
    );
    let run = |namespace: &str| {
        Test::new([
            "wasm",
            "count",
            "-l",
            "app=httpbin",
            "-n",
            namespace,
            "--kubeconfig",
            api.kubeconfig_str(),
        ])
        .deadline(HANG)
        .run()
    };
    let out = run("default");
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    assert_eq!(
        out.stdout,
        "NAMESPACE   POD         WORKLOAD   default/helloworld   PROBLEMS   GROUP   FLAG\n\
         default     httpbin-1   httpbin    5                    0          1       ok\n\
         default     httpbin-2   httpbin    5                    0          1       ok\n\
         default     httpbin-3   httpbin    5                    0          1       ok\n\
         \n\
         GROUP   PODS   default/helloworld\n\
         1       3      5 sha256:d1294d5f5d1e\n"
    );
    // --detail: each pod's full report too, after the summary (JSON: "proxies").
    let out = Test::new([
        "wasm",
        "count",
        "-l",
        "app=httpbin",
        "-n",
        "default",
        "-o",
        "json",
        "--detail",
        "--kubeconfig",
        api.kubeconfig_str(),
    ])
    .deadline(HANG)
    .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let sources: Vec<&str> = report["proxies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "pod/httpbin-1.default",
            "pod/httpbin-2.default",
            "pod/httpbin-3.default"
        ]
    );
    assert_eq!(report["pods"].as_array().unwrap().len(), 3);
    // A 1–1 split: no majority, both flagged, exit 1.
    let out = run("apps");
    assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{}", out.stdout);
    assert_eq!(
        out.stdout.matches(" no-majority\n").count(),
        2,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "no majority: the workload's 2 readable pods have 2 different placement signatures (groups 1, 2)"
        ),
        "{}",
        out.stdout
    );
}

/// See: #8 — a proxy that stalls mid-body, one that resets the connection mid-body and one
/// that sends half a dump: the run goes on past each, ends within the time bound, and
/// reports each once with its cause.
#[test]
fn fleet_runs_end_and_report_each_bad_pod_once() {
    let dump = std::fs::read(root().join(FIXTURE)).unwrap();
    let good = AdminServer::start(dump.clone(), Fault::None);
    let stall = AdminServer::start(dump.clone(), Fault::Stall);
    let reset = AdminServer::start(dump.clone(), Fault::Reset);
    let cut = AdminServer::start(dump, Fault::CutDump);
    let labels = [("app", "httpbin")];
    let pod = |name: &str, admin: &AdminServer| {
        FakePod::new(name, "default").labels(&labels).admin(admin)
    };
    let api = ApiServer::start(
        FakeCluster::default()
            .wasm_plugins(&[])
            .pod(pod("a-good", &good))
            .pod(pod("b-stalls", &stall))
            .pod(pod("c-resets", &reset))
            .pod(pod("d-cut", &cut))
            .pod(pod("e-good", &good)),
    );
    for command in [&["wasm", "count"][..], &["pc", "listener"][..]] {
        let mut args = command.to_vec();
        args.extend([
            "-l",
            "app=httpbin",
            "--timeout",
            "1s",
            "--kubeconfig",
            api.kubeconfig_str(),
        ]);
        let out = Test::new(&args).deadline(HANG).run();
        assert_eq!(out.code, 2, "{}", out.stderr);
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.len(), 3, "{}", out.stderr);
        assert_eq!(
            lines[0],
            "meshscope: error: pod/b-stalls.default: no complete config dump within 1s (--timeout)"
        );
        assert!(
            lines[1].starts_with(
                "meshscope: error: pod/c-resets.default: reading the config dump failed: "
            ),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].starts_with("meshscope: error: pod/d-cut.default:"),
            "{}",
            lines[2]
        );
        assert!(lines[2].contains("EOF"), "{}", lines[2]);
        let pods: Vec<&str> = out
            .stdout
            .lines()
            .skip(1)
            .take_while(|l| !l.is_empty())
            .map(|l| l.split_whitespace().nth(1).unwrap())
            .collect();
        assert_eq!(pods, ["a-good", "e-good"], "{}", out.stdout);
    }
}

/// `--context` twice: one table over both clusters, with a CLUSTER column; each cluster's
/// pods are compared within their own cluster.
#[test]
fn wasm_count_fleet_over_two_clusters_has_a_cluster_column() {
    let plugin = std::fs::read_to_string(root().join(SEED)).unwrap();
    let good = AdminServer::start(bytes(&fixture()), Fault::None);
    let deny = AdminServer::start(bytes(&deny_all()), Fault::None);
    let east = ApiServer::start(
        FakeCluster::default()
            .wasm_plugins(&[&plugin])
            .pod(httpbin("httpbin-e1", "default", &good))
            .pod(httpbin("httpbin-e2", "default", &good)),
    );
    let west = ApiServer::start(
        FakeCluster::default()
            .wasm_plugins(&[&plugin])
            .pod(httpbin("httpbin-w1", "default", &good))
            .pod(httpbin("httpbin-w2", "default", &deny))
            .pod(httpbin("httpbin-w3", "default", &good)),
    );
    let kubeconfig = ApiServer::merged_kubeconfig(&[("east", &east), ("west", &west)]);
    let out = Test::new([
        "wasm",
        "count",
        "-l",
        "app=httpbin",
        "--context",
        "west",
        "--context",
        "east",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
    ])
    .deadline(HANG)
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{}", out.stdout);
    assert_golden("wasm-count/fleet-two-clusters.txt", &out.stdout);
    let yaml = Test::new([
        "wasm",
        "count",
        "-l",
        "app=httpbin",
        "--context",
        "west",
        "--context",
        "east",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "-o",
        "yaml",
    ])
    .deadline(HANG)
    .run();
    assert_eq!(yaml.code, 1, "{}", yaml.stderr);
    let report: Value = serde_saphyr::from_str(&yaml.stdout).unwrap();
    assert_eq!(report["deviations"][0]["cluster"], "west");
    assert_eq!(
        report["deviations"][0]["reasons"][0]["kind"],
        "deny-all-stand-in"
    );
    assert!(report.get("proxies").is_none());
    assert!(
        out.stdout.starts_with("CLUSTER   NAMESPACE   POD"),
        "{}",
        out.stdout
    );
}

/// Several clusters: one whose WasmPlugins cannot be read is one line naming it; the other
/// cluster's pods are still read and printed.
#[test]
fn a_cluster_whose_plugins_are_forbidden_is_one_line() {
    let plugin = std::fs::read_to_string(root().join(SEED)).unwrap();
    let good = AdminServer::start(bytes(&fixture()), Fault::None);
    let east = ApiServer::start(
        FakeCluster::default()
            .wasm_plugins(&[])
            .forbid_wasm_plugins()
            .pod(httpbin("httpbin-e1", "default", &good)),
    );
    let west = ApiServer::start(FakeCluster::default().wasm_plugins(&[&plugin]).pod(httpbin(
        "httpbin-w1",
        "default",
        &good,
    )));
    let kubeconfig = ApiServer::merged_kubeconfig(&[("east", &east), ("west", &west)]);
    let out = Test::new([
        "wasm",
        "count",
        "-l",
        "app=httpbin",
        "--context",
        "east",
        "--context",
        "west",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
    ])
    .deadline(HANG)
    .run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "meshscope: error: east: /apis/extensions.istio.io/v1alpha1/wasmplugins: Kubernetes API error 403: wasmplugins.extensions.istio.io is forbidden: User \"meshscope-test-user\" cannot list resource \"wasmplugins\" in API group \"extensions.istio.io\" at the cluster scope\n"
    );
    let rows: Vec<&str> = out
        .stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), 1, "{}", out.stdout);
    assert!(
        rows[0].starts_with("west      default     httpbin-w1 "),
        "{}",
        out.stdout
    );

    // With --resources no cluster's plugins are read: both clusters' pods are checked
    // against the given ones.
    let out = Test::new([
        "wasm",
        "count",
        "-l",
        "app=httpbin",
        "--context",
        "east",
        "--context",
        "west",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
        "--resources",
        SEED,
        "-o",
        "json",
        "--detail",
    ])
    .deadline(HANG)
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{}", out.stdout);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    let clusters: Vec<&str> = report["pods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["cluster"].as_str().unwrap())
        .collect();
    assert_eq!(clusters, ["east", "west"]);
    for proxy in report["proxies"].as_array().unwrap() {
        assert_eq!(proxy["intent"], "checked", "{}", proxy["source"]);
    }
}
