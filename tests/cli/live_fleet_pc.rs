//! Fleet runs of `pc listener` (`-l`, `-A`: one summary row per pod), listing failures, and
//! the rule that several `--context` need fleet mode. See: #7

use serde_json::Value;

use crate::live_fleet::{FIXTURE, HANG, SEED};
use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};
use crate::support::{Test, assert_golden, root};

#[test]
fn pc_listener_fleet_summarises_each_pod() {
    let dump = std::fs::read(root().join(FIXTURE)).unwrap();
    let strict = std::fs::read(root().join("testdata/dumps/istio-current-strict.json")).unwrap();
    let good = AdminServer::start(dump, Fault::None);
    let other = AdminServer::start(strict, Fault::None);
    let labels = [("app", "httpbin")];
    let api = ApiServer::start(
        FakeCluster::default()
            .pod(
                FakePod::new("httpbin-1", "default")
                    .labels(&labels)
                    .admin(&good),
            )
            .pod(
                FakePod::new("httpbin-2", "apps")
                    .labels(&labels)
                    .admin(&other),
            )
            .pod(
                FakePod::new("httpbin-3", "secret")
                    .labels(&labels)
                    .admin(&good),
            )
            .forbid("secret"),
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["pc", "listener", "-l", "app=httpbin", "-A"];
        args.extend_from_slice(extra);
        args.extend(["--kubeconfig", api.kubeconfig_str()]);
        Test::new(args).deadline(HANG).run()
    };
    let out = run(&[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: pod/httpbin-3.secret: Kubernetes API error 403: pods \"httpbin-3\" is forbidden: User \"meshscope-test-user\" cannot create resource \"pods\" in API group \"\" in the namespace \"secret\"\n"
    );
    assert_golden("pc-listener/fleet.txt", &out.stdout);
    // As istioctl's `pc listener`, only the listener sections are asked for.
    assert_eq!(
        good.requests(),
        ["/config_dump?mask=dynamic_listeners,static_listeners"]
    );

    let out = run(&["-o", "json"]);
    assert_eq!(out.code, 2);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["pods"][0]["pod"], "httpbin-2");
    // 5 placements in all; 4 on the inbound listener's chains.
    assert_eq!(report["pods"][1]["inbound_wasm"]["default/helloworld"], 4);
    assert_eq!(report["failures"][0]["pod"], "httpbin-3");
    let out = run(&["-o", "jsonpath={range .pods[*]}{.pod}{\"\\n\"}{end}"]);
    assert_eq!(out.stdout, "httpbin-2\nhttpbin-1\n");

    // Flags that pick within one proxy, or a single-proxy input, do not mix with -l.
    let out = run(&["--port", "15006"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "meshscope: error: --port selects within one proxy's output and does not apply in fleet mode (-l/-A)\n"
        )
    );
    let out = run(&["-f", FIXTURE]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "meshscope: error: POD, --file and --admin read one proxy; fleet mode (-l/-A) reads the pods it selects: give one or the other\n"
        )
    );
}

#[test]
fn several_contexts_need_fleet_mode() {
    let out = Test::new([
        "pc",
        "listener",
        "-f",
        FIXTURE,
        "--context",
        "a",
        "--context",
        "b",
    ])
    .run();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "meshscope: error: --context can be given once here; several contexts need fleet mode (-l/-A)\n"
        )
    );
}

/// A listing that fails (403, nothing selected) is one line; another cluster of the same
/// run is still read and printed.
#[test]
fn a_failed_listing_is_one_line_and_the_other_clusters_still_print() {
    let good = AdminServer::start(std::fs::read(root().join(FIXTURE)).unwrap(), Fault::None);
    let labels = [("app", "httpbin")];
    let east = ApiServer::start(
        FakeCluster::default()
            .pod(
                FakePod::new("httpbin-e", "secret")
                    .labels(&labels)
                    .admin(&good),
            )
            .forbid("secret"),
    );
    let west = ApiServer::start(
        FakeCluster::default().pod(
            FakePod::new("httpbin-w", "secret")
                .labels(&labels)
                .admin(&good),
        ),
    );
    let kubeconfig = ApiServer::merged_kubeconfig(&[("east", &east), ("west", &west)]);
    let out = Test::new([
        "pc",
        "listener",
        "-l",
        "app=httpbin",
        "-n",
        "secret",
        "--context",
        "east",
        "--context",
        "west",
        "--kubeconfig",
        kubeconfig.to_str().unwrap(),
    ])
    .deadline(HANG)
    .run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: east/pods -l app=httpbin: Kubernetes API error 403: pods is forbidden: User \"meshscope-test-user\" cannot list resource \"pods\" in API group \"\" in the namespace \"secret\"\n"
    );
    assert_eq!(
        out.stdout,
        "CLUSTER   NAMESPACE   POD         LISTENERS   WARMING   DRAINING   INBOUND CHAINS   MTLS         INBOUND WASM\n\
         west      secret      httpbin-w   6           0         0          8                PERMISSIVE   default/helloworld=4\n"
    );

    let out = Test::new([
        "wasm",
        "count",
        "-l",
        "app=nothing",
        "-A",
        "--kubeconfig",
        west.kubeconfig_str(),
        "--resources",
        SEED,
    ])
    .deadline(HANG)
    .run();
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            2,
            "",
            "meshscope: error: pods -l app=nothing: no running pod with an istio-proxy container matches\n"
        )
    );
}
