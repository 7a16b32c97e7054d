//! Live `wasm count`: one pod with the cluster's WasmPlugins, and fleet mode (`-l`, `-A`)
//! through the test API server. See: #7

use std::time::Duration;

use crate::live::{assert_error, cluster};
use crate::support::Test;
use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};

#[test]
fn wasm_count_reads_the_pod_and_the_cluster_wasm_plugins() {
    let fixture = "testdata/dumps/istio-current-permissive.json";
    let seed = "testdata/manifests/wasm-count/seed/helloworld.yaml";
    let admin = AdminServer::start(
        std::fs::read(crate::support::root().join(fixture)).unwrap(),
        Fault::None,
    );
    let plugin = std::fs::read_to_string(crate::support::root().join(seed)).unwrap();
    let api = ApiServer::start(cluster(&admin).wasm_plugins(&[&plugin]));
    let kubeconfig = api.kubeconfig_str();
    let live = Test::new(["wasm", "count", "httpbin-xxx", "--kubeconfig", kubeconfig]).ok();
    let offline = Test::new(["wasm", "count", "-f", fixture, "--resources", seed]).ok();
    assert_eq!(live, offline.replace(fixture, "pod/httpbin-xxx.default"));
    // Only what wasm count reads crosses the port-forward (the live run still equals the
    // file run above, so nothing it needs was masked away).
    assert_eq!(
        admin.requests(),
        ["/config_dump?mask=bootstrap,dynamic_listeners,static_listeners,ecds_filters"]
    );

    let no_crd = ApiServer::start(cluster(&admin));
    let out = Test::new([
        "wasm",
        "count",
        "httpbin-xxx",
        "--kubeconfig",
        no_crd.kubeconfig_str(),
    ])
    .run();
    assert_error(
        &out,
        "the cluster has no WasmPlugin CRD (extensions.istio.io): is Istio installed?",
    );

    let denied = ApiServer::start(cluster(&admin).wasm_plugins(&[]).forbid_wasm_plugins());
    let out = Test::new([
        "wasm",
        "count",
        "httpbin-xxx",
        "--kubeconfig",
        denied.kubeconfig_str(),
    ])
    .run();
    assert_error(
        &out,
        "/apis/extensions.istio.io/v1alpha1/wasmplugins: Kubernetes API error 403: wasmplugins.extensions.istio.io is forbidden: User \"meshscope-test-user\" cannot list resource \"wasmplugins\" in API group \"extensions.istio.io\" at the cluster scope",
    );
}

#[test]
fn wasm_count_fleet_reports_every_pod_and_each_failure() {
    let fixture = "testdata/dumps/istio-current-permissive.json";
    let body = std::fs::read(crate::support::root().join(fixture)).unwrap();
    let admin = AdminServer::start(body.clone(), Fault::None);
    let slow = AdminServer::start(body, Fault::Delay(Duration::from_secs(10)));
    let labels = [("app", "httpbin")];
    let mut cluster = FakeCluster::default();
    for i in 1..=3 {
        cluster = cluster.pod(
            FakePod::new(&format!("httpbin-{i}"), "default")
                .labels(&labels)
                .admin(&admin),
        );
    }
    let cluster = cluster
        .pod(
            FakePod::new("httpbin-4", "apps")
                .labels(&labels)
                .admin(&admin),
        )
        .pod(
            FakePod::new("httpbin-slow", "default")
                .labels(&labels)
                .admin(&slow),
        )
        .pod(
            FakePod::new("httpbin-s", "secret")
                .labels(&labels)
                .admin(&admin),
        )
        .pod(
            FakePod::new("httpbin-pending", "default")
                .labels(&labels)
                .pending(),
        )
        .pod(
            FakePod::new("httpbin-plain", "default")
                .labels(&labels)
                .without_sidecar(),
        )
        .pod(
            FakePod::new("other", "default")
                .labels(&[("app", "other")])
                .admin(&admin),
        )
        .forbid("secret");
    let api = ApiServer::start(cluster);
    let seed = "testdata/manifests/wasm-count/seed/";
    let args = [
        "wasm",
        "count",
        "-l",
        "app=httpbin",
        "-A",
        "--resources",
        seed,
        "--timeout",
        "1s",
    ];
    let mut all = args.to_vec();
    all.extend(["--kubeconfig", api.kubeconfig_str()]);
    let out = Test::new(&all).run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    // The fleet table: one row per readable pod (NAMESPACE POD ...), pending pods, pods
    // without a sidecar and other labels left out.
    let rows: Vec<(&str, &str)> = out
        .stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let mut cells = l.split_whitespace();
            (cells.next().unwrap(), cells.next().unwrap())
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("apps", "httpbin-4"),
            ("default", "httpbin-1"),
            ("default", "httpbin-2"),
            ("default", "httpbin-3"),
        ]
    );
    assert_eq!(
        out.stderr,
        "meshscope: error: pod/httpbin-s.secret: Kubernetes API error 403: pods \"httpbin-s\" is forbidden: User \"meshscope-test-user\" cannot create resource \"pods\" in API group \"\" in the namespace \"secret\"\n\
         meshscope: error: pod/httpbin-slow.default: no complete config dump within 1s (--timeout)\n"
    );

    // One namespace, every pod readable: the report alone, exit 0.
    let out = Test::new([
        "wasm",
        "count",
        "-l",
        "app=httpbin",
        "-n",
        "apps",
        "--resources",
        seed,
        "--kubeconfig",
        api.kubeconfig_str(),
    ])
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout.matches("\napps ").count(), 1, "{}", out.stdout);
    assert!(!out.stdout.contains("\ndefault "), "{}", out.stdout);
}

#[test]
fn wasm_count_fleet_over_two_contexts() {
    let fixture = "testdata/dumps/istio-current-permissive.json";
    let seed = "testdata/manifests/wasm-count/seed/helloworld.yaml";
    let body = std::fs::read(crate::support::root().join(fixture)).unwrap();
    let plugin = std::fs::read_to_string(crate::support::root().join(seed)).unwrap();
    let admin = AdminServer::start(body, Fault::None);
    let labels = [("app", "httpbin")];
    let east = ApiServer::start(
        FakeCluster::default()
            .pod(
                FakePod::new("httpbin-e", "default")
                    .labels(&labels)
                    .admin(&admin),
            )
            .wasm_plugins(&[&plugin]),
    );
    let west = ApiServer::start(
        FakeCluster::default()
            .pod(
                FakePod::new("httpbin-w", "default")
                    .labels(&labels)
                    .admin(&admin),
            )
            .wasm_plugins(&[&plugin]),
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
        "--detail",
    ])
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    // --detail: after the summary, each pod's report exactly as one proxy's would be.
    let offline = Test::new(["wasm", "count", "-f", fixture, "--resources", seed]).ok();
    let detail = format!(
        "{}\n{}",
        offline.replace(fixture, "east/pod/httpbin-e.default"),
        offline.replace(fixture, "west/pod/httpbin-w.default")
    );
    let (summary, rest) = out.stdout.split_once("\n\nPROXY ").unwrap();
    assert_eq!(format!("PROXY {rest}"), detail);
    assert!(
        summary.starts_with("CLUSTER   NAMESPACE   POD"),
        "{summary}"
    );
    assert!(
        summary.contains("\neast      default     httpbin-e "),
        "{summary}"
    );
}

/// A waypoint read live: its ServiceEntry targetRef resolves through the cluster's
/// ServiceEntries (`networking.istio.io`, listed like the plugins; `ShouldAttachPolicy`'s
/// "ServiceEntry attached"). A cluster that serves none leaves that plugin `not-checked`
/// (`resource-missing`), never guessed, and the run still succeeds.
#[test]
fn wasm_count_on_a_live_waypoint_reads_the_cluster_service_entries() {
    let root = crate::support::root();
    let dump = std::fs::read(root.join("testdata/dumps/istio-current-waypoint.json")).unwrap();
    let manifests =
        std::fs::read_to_string(root.join("testdata/manifests/wasm-count/waypoint/plugins.yaml"))
            .unwrap();
    let docs: Vec<&str> = manifests.split("\n---\n").collect();
    let of_kind = |kind: &str| -> Vec<&str> {
        docs.iter()
            .copied()
            .filter(|d| d.contains(&format!("\nkind: {kind}\n")))
            .collect()
    };
    let admin = AdminServer::start(dump, Fault::None);
    let waypoint = || {
        FakeCluster::default()
            .pod(FakePod::new("waypoint-7b9c5d8f4-h2lqp", "shop").admin(&admin))
            .wasm_plugins(&of_kind("WasmPlugin"))
    };
    let egress = |api: &ApiServer| {
        let out = Test::new([
            "wasm",
            "count",
            "waypoint-7b9c5d8f4-h2lqp.shop",
            "--kubeconfig",
            api.kubeconfig_str(),
            "-o",
            "json",
        ])
        .run();
        assert_eq!(out.stderr, "");
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let verdict = v["proxies"][0]["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["plugin"] == "shop/egress-audit")
            .cloned()
            .unwrap_or_default();
        (verdict["verdict"].clone(), verdict["reason"].clone())
    };
    let with = ApiServer::start(waypoint().service_entries(&of_kind("ServiceEntry")));
    assert_eq!(
        egress(&with),
        ("expected-present".into(), serde_json::Value::Null)
    );
    let without = ApiServer::start(waypoint());
    assert_eq!(
        egress(&without),
        ("not-checked".into(), "resource-missing".into())
    );
}
