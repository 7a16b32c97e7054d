//! `wasm count` on generated Istio 1.30 dumps of a waypoint, a Gateway-API gateway and a
//! classic ingress gateway, with the WasmPlugins and TrafficExtensions they were built from
//! (`testdata/manifests/wasm-count/{waypoint,gateway-api,ingress-classic}/`). The dumps follow
//! istio/istio 1.30.0 (`listener_waypoint.go`, `gateway.go`, `listener_builder.go`,
//! `model/extensions.go`); `testdata/dumps/generate.py` writes them. Unlike `wasm_gateway.rs`
//! and `wasm_waypoint.rs` (small inline dumps), these carry every filter istiod puts around a
//! plugin and an ECDS section, so attachment, order, ECDS and drift are checked together.
//! See: #16 (point 6)

use std::collections::BTreeSet;

use crate::support::{Test, assert_golden};

const WAYPOINT: &str = "testdata/dumps/istio-current-waypoint.json";
const WAYPOINT_DEFECT: &str = "testdata/dumps/istio-current-waypoint-defect.json";
const WAYPOINT_PLUGINS: &str = "testdata/manifests/wasm-count/waypoint/plugins.yaml";
const GATEWAY: &str = "testdata/dumps/istio-current-gateway-api.json";
const GATEWAY_DEFECT: &str = "testdata/dumps/istio-current-gateway-api-defect.json";
const GATEWAY_PLUGINS: &str = "testdata/manifests/wasm-count/gateway-api/plugins.yaml";
const INGRESS: &str = "testdata/dumps/istio-current-ingress-classic.json";
const INGRESS_PLUGINS: &str = "testdata/manifests/wasm-count/ingress-classic/plugins.yaml";

const REVIEWS: &str = "main_internal inbound-vip|9080|http|reviews.shop.svc.cluster.local (ALL)";
const RATINGS: &str = "main_internal inbound-vip|9080|http|ratings.shop.svc.cluster.local (ALL)";
const MONGODB: &str = "main_internal inbound-vip|27017|tcp|mongodb.shop.svc.cluster.local (ALL)";
const API: &str = "main_internal inbound-vip|80|http|api.example.com (ALL)";
const DIRECT_HTTP: &str = "main_internal direct-http (ALL)";
const HTTP_8080: &str = "0.0.0.0_8080 - (ALL)";
const HTTPS_8443: &str = "0.0.0.0_8443 - (SNI: web.example.com)";

/// One verdict of the JSON report.
#[derive(Debug)]
struct Row {
    verdict: String,
    plugin: String,
    filter: Option<String>,
    chains: Vec<String>,
    detail: String,
}

/// One run: the exit code, the JSON verdicts and the table (both formats agree on the code).
struct Run {
    code: i32,
    rows: Vec<Row>,
    table: String,
}

impl Run {
    /// The only verdict of `kind` for `plugin`.
    fn one(&self, kind: &str, plugin: &str) -> &Row {
        let found: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.verdict == kind && r.plugin == plugin)
            .collect();
        assert_eq!(found.len(), 1, "{kind} {plugin}: {:#?}", self.rows);
        found[0]
    }

    /// `(verdict, plugin)` of each verdict that is a problem (exit code 1).
    fn problems(&self) -> Vec<(&str, &str)> {
        self.rows
            .iter()
            .filter(|r| !matches!(r.verdict.as_str(), "expected-present" | "not-attached"))
            .map(|r| (r.verdict.as_str(), r.plugin.as_str()))
            .collect()
    }

    /// `(verdict, plugin)` of every verdict, sorted.
    fn kinds(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<_> = self
            .rows
            .iter()
            .map(|r| (r.verdict.as_str(), r.plugin.as_str()))
            .collect();
        out.sort();
        out
    }
}

fn count(dump: &str, resources: &str) -> Run {
    let args = ["wasm", "count", "-f", dump, "--resources", resources];
    let json = Test::new(args.iter().chain(&["-o", "json"])).run();
    assert_eq!(json.stderr, "", "{dump}");
    let table = Test::new(args).run();
    assert_eq!(table.stderr, "", "{dump}");
    assert_eq!(table.code, json.code, "{dump}");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let text = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    let rows = v["proxies"][0]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Row {
            verdict: text(&r["verdict"]),
            plugin: text(&r["plugin"]),
            filter: r["filter"].as_str().map(str::to_string),
            chains: r["chains"].as_array().unwrap().iter().map(text).collect(),
            detail: text(&r["detail"]),
        })
        .collect();
    assert!(
        !json.stdout.contains("not-checked") && !table.stdout.contains("not checked"),
        "{}",
        table.stdout
    );
    Run {
        code: json.code,
        rows,
        table: table.stdout,
    }
}

/// `namespace/name` of every plugin in a manifest file (`metadata.name`/`namespace`, as
/// the files under `wasm-count/` write them, one key per line; ServiceEntries left out).
fn manifest_ids(path: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(crate::support::root().join(path)).unwrap();
    text.split("\n---\n")
        .filter(|doc| !doc.contains("\nkind: ServiceEntry\n"))
        .map(|doc| {
            let field = |key: &str| {
                doc.lines()
                    .find_map(|l| l.strip_prefix(&format!("  {key}: ")))
                    .unwrap()
                    .to_string()
            };
            format!("{}/{}", field("namespace"), field("name"))
        })
        .collect()
}

/// Every plugin of the manifests has a verdict, and none has two unless one is a problem.
fn assert_accounts_for_all(run: &Run, manifests: &str) {
    let got: BTreeSet<String> = run.rows.iter().map(|r| r.plugin.clone()).collect();
    assert_eq!(got, manifest_ids(manifests), "{}", run.table);
}

/// `ShouldAttachPolicy` with `IsWaypoint` and `buildWaypointInternal`/`buildWaypointHTTPFilters`:
/// each per-service chain of `main_internal` takes the extensions of
/// `ListenerInfo{Class: SidecarInbound}.WithService(svc)`, the direct chains those of no service;
/// `buildWaypointNetworkFilters` puts the NETWORK plugin on mongodb's TCP chain; the
/// ServiceEntry ref takes the chain of the entry's host (`svc.Registry == provider.External`,
/// the entry from the manifests). Every
/// plugin given is accounted for; the clean dump runs exactly what the manifests ask.
#[test]
fn clean_waypoint_accounts_for_every_plugin_and_exits_0() {
    let run = count(WAYPOINT, WAYPOINT_PLUGINS);
    assert_eq!(run.code, 0, "{}", run.table);
    assert!(run.table.ends_with("PROBLEMS: 0\n"), "{}", run.table);
    assert_accounts_for_all(&run, WAYPOINT_PLUGINS);
    assert_eq!(
        run.kinds(),
        [
            ("expected-present", "istio-system/mesh-stats"),
            ("expected-present", "shop/egress-audit"),
            ("expected-present", "shop/mongo-audit"),
            ("expected-present", "shop/ratings-header"),
            ("expected-present", "shop/reviews-auth"),
            ("not-attached", "shop/ratings-port-9080"),
            ("not-attached", "shop/reviews-by-selector"),
            ("not-attached", "shop/reviews-client-only"),
        ]
    );
    let chains = |p: &str| run.one("expected-present", p).chains.clone();
    assert_eq!(
        chains("istio-system/mesh-stats"),
        [REVIEWS, RATINGS, API, DIRECT_HTTP]
    );
    // The ServiceEntry ref, resolved through ServiceEntry shop/api in the manifests (1.24+).
    assert_eq!(chains("shop/egress-audit"), [API]);
    assert_eq!(chains("shop/reviews-auth"), [REVIEWS]);
    assert_eq!(chains("shop/ratings-header"), [RATINGS]);
    assert_eq!(chains("shop/mongo-audit"), [MONGODB]);
    // The native TrafficExtension keeps its own name; WasmPlugins are translated.
    assert_eq!(
        run.one("expected-present", "shop/ratings-header")
            .filter
            .as_deref(),
        Some("extensions.istio.io/trafficextension/shop.ratings-header")
    );
    let why = |p: &str| run.one("not-attached", p).detail.clone();
    assert!(why("shop/reviews-by-selector").contains("never takes a plugin by selector"));
    assert!(why("shop/reviews-client-only").contains("mode CLIENT never applies on a waypoint"));
    assert!(
        why("shop/ratings-port-9080").contains("ports never match on a waypoint"),
        "{}",
        why("shop/ratings-port-9080")
    );
    assert!(!run.table.contains("gateway"), "{}", run.table);
}

/// The planted faults of the defect waypoint, each against its plugin and chain: reviews-auth
/// (a Service ref to reviews) also on ratings' chain, mesh-stats missing from ratings' chain,
/// ratings-header's ECDS resource absent, reviews-auth running another sha256 and
/// mongo-audit another pluginConfig than asked (`buildWasmConfig`, `buildDataSource`).
#[test]
fn defective_waypoint_reports_each_fault_on_its_chain_and_exits_1() {
    let run = count(WAYPOINT_DEFECT, WAYPOINT_PLUGINS);
    assert_eq!(run.code, 1, "{}", run.table);
    assert!(run.table.ends_with("PROBLEMS: 5\n"), "{}", run.table);
    assert_accounts_for_all(&run, WAYPOINT_PLUGINS);
    assert_eq!(
        run.problems(),
        [
            ("expected-missing", "istio-system/mesh-stats"),
            ("present-not-expected", "shop/reviews-auth"),
            ("ecds-missing", "shop/ratings-header"),
            ("drift", "shop/mongo-audit"),
            ("drift", "shop/reviews-auth"),
        ]
    );
    let missing = run.one("expected-missing", "istio-system/mesh-stats");
    assert_eq!(missing.chains, [RATINGS]);
    let misplaced = run.one("present-not-expected", "shop/reviews-auth");
    assert_eq!(misplaced.chains, [RATINGS]);
    assert!(
        misplaced.detail.contains("Service reviews") && misplaced.detail.contains("shop/ratings"),
        "{}",
        misplaced.detail
    );
    let ecds = run.one("ecds-missing", "shop/ratings-header");
    assert_eq!(
        ecds.filter.as_deref(),
        Some("extensions.istio.io/trafficextension/shop.ratings-header")
    );
    assert_eq!(ecds.chains, ["main_internal"]);
    let sha = run.one("drift", "shop/reviews-auth");
    assert!(
        sha.detail.contains(
            "sha256: asked 08b46b8024ac499dbb223f47ae39e023a3fece7107a083d3db98bfe6cb2c8f75, \
             runs 6ae834263c7c0282bb4177b7745806de815ae2214136ad23806c4c86a0d0373a"
        ),
        "{}",
        sha.detail
    );
    let config = run.one("drift", "shop/mongo-audit");
    assert!(
        config
            .detail
            .contains(r#"pluginConfig: asked {"log":"writes"}, runs {"log":"all"}"#),
        "{}",
        config.detail
    );
    // Only the planted fields differ.
    assert!(!sha.detail.contains("pluginConfig") && !config.detail.contains("sha256"));
}

/// `ShouldAttachPolicy` on a Gateway-API gateway (a `Gateway` ref naming `web` from `shop`,
/// else the selector) and `buildGatewayListeners`/`buildHTTPConnectionManager`: both servers'
/// HCMs take the extensions of `ListenerInfo{Port: server port, Class: Gateway}`, so the
/// `ports: [8443]` plugin only on 8443 and `mode: SERVER` nowhere.
#[test]
fn clean_gateway_api_gateway_accounts_for_every_plugin_and_exits_0() {
    let run = count(GATEWAY, GATEWAY_PLUGINS);
    assert_eq!(run.code, 0, "{}", run.table);
    assert!(run.table.ends_with("PROBLEMS: 0\n"), "{}", run.table);
    assert_accounts_for_all(&run, GATEWAY_PLUGINS);
    assert_eq!(
        run.kinds(),
        [
            ("expected-present", "shop/tls-audit"),
            ("expected-present", "shop/web-auth"),
            ("expected-present", "shop/web-headers"),
            ("expected-present", "shop/web-metrics"),
            ("not-attached", "istio-system/waypoints-only"),
            ("not-attached", "shop/api-gateway-only"),
            ("not-attached", "shop/other-selector"),
            ("not-attached", "shop/server-only"),
            ("not-attached", "shop/web-service"),
        ]
    );
    let chains = |p: &str| run.one("expected-present", p).chains.clone();
    for p in ["shop/web-auth", "shop/web-headers", "shop/web-metrics"] {
        assert_eq!(chains(p), [HTTP_8080, HTTPS_8443], "{p}");
    }
    assert_eq!(chains("shop/tls-audit"), [HTTPS_8443]);
    let why = |p: &str| run.one("not-attached", p).detail.clone();
    assert!(why("shop/server-only").contains("mode SERVER never applies on a gateway"));
    assert!(why("shop/api-gateway-only").contains("this proxy is gateway web"));
    assert!(why("shop/web-service").contains("attaches only on waypoints"));
    assert!(why("istio-system/waypoints-only").contains("attaches only on waypoints"));
    assert!(why("shop/other-selector").contains("does not match the proxy's labels"));
}

/// The same kinds of faults on the gateway: tls-audit (ports [8443]) also on 8080,
/// web-metrics missing from 8443, web-headers' ECDS resource absent, web-auth running
/// another sha256 and tls-audit another pluginConfig.
#[test]
fn defective_gateway_api_gateway_reports_each_fault_on_its_chain_and_exits_1() {
    let run = count(GATEWAY_DEFECT, GATEWAY_PLUGINS);
    assert_eq!(run.code, 1, "{}", run.table);
    assert!(run.table.ends_with("PROBLEMS: 5\n"), "{}", run.table);
    assert_accounts_for_all(&run, GATEWAY_PLUGINS);
    assert_eq!(
        run.problems(),
        [
            ("expected-missing", "shop/web-metrics"),
            ("present-not-expected", "shop/tls-audit"),
            ("ecds-missing", "shop/web-headers"),
            ("drift", "shop/tls-audit"),
            ("drift", "shop/web-auth"),
        ]
    );
    assert_eq!(
        run.one("expected-missing", "shop/web-metrics").chains,
        [HTTPS_8443]
    );
    let misplaced = run.one("present-not-expected", "shop/tls-audit");
    assert_eq!(misplaced.chains, [HTTP_8080]);
    assert!(
        misplaced.detail.contains("excludes gateway port 8080"),
        "{}",
        misplaced.detail
    );
    let ecds = run.one("ecds-missing", "shop/web-headers");
    assert_eq!(
        ecds.filter.as_deref(),
        Some("extensions.istio.io/trafficextension/shop.web-headers")
    );
    assert_eq!(ecds.chains, ["0.0.0.0_8080", "0.0.0.0_8443"]);
    let sha = &run.one("drift", "shop/web-auth").detail;
    assert!(
        sha.contains(
            "sha256: asked 4c8b8131ec8e660a48e96a1509569d59fb3bb8628b0b4b5b063debfc9b83737d, \
             runs d6ba265c5859c68cf664fcf84af5df358fe473b2f94a412f82111f9570442cad"
        ),
        "{sha}"
    );
    let config = &run.one("drift", "shop/tls-audit").detail;
    assert!(
        config.contains(r#"pluginConfig: asked {"sample":10}, runs {"sample":100}"#),
        "{config}"
    );
}

/// `ShouldAttachPolicy` on a classic gateway (no gateway-name label): selectors only, so a
/// plugin with targetRefs never attaches, even a Gateway ref; the root namespace's plugin
/// without selector attaches; another namespace's does not.
#[test]
fn classic_ingress_gateway_attaches_by_selector_only_and_exits_0() {
    let run = count(INGRESS, INGRESS_PLUGINS);
    assert_eq!(run.code, 0, "{}", run.table);
    assert!(run.table.ends_with("PROBLEMS: 0\n"), "{}", run.table);
    assert_accounts_for_all(&run, INGRESS_PLUGINS);
    assert_eq!(
        run.kinds(),
        [
            ("expected-present", "istio-system/ingress-auth"),
            ("expected-present", "istio-system/mesh-headers"),
            ("not-attached", "istio-system/by-gateway-ref"),
            ("not-attached", "istio-system/server-only"),
            ("not-attached", "shop/shop-wide"),
        ]
    );
    let why = |p: &str| run.one("not-attached", p).detail.clone();
    assert!(why("istio-system/by-gateway-ref").contains("classic gateways"));
    assert!(why("istio-system/server-only").contains("mode SERVER never applies on a gateway"));
    assert!(why("shop/shop-wide").contains("neither the proxy's (istio-system)"));
}

/// The tables of the five runs, as goldens (`SNAPSHOTS=overwrite` rewrites them).
#[test]
fn wasm_count_tables_match_their_goldens() {
    for (dump, resources) in [
        (WAYPOINT, WAYPOINT_PLUGINS),
        (WAYPOINT_DEFECT, WAYPOINT_PLUGINS),
        (GATEWAY, GATEWAY_PLUGINS),
        (GATEWAY_DEFECT, GATEWAY_PLUGINS),
        (INGRESS, INGRESS_PLUGINS),
    ] {
        let name = dump
            .trim_start_matches("testdata/dumps/")
            .trim_end_matches(".json");
        assert_golden(
            &format!("wasm-count/fixtures/{name}.txt"),
            &count(dump, resources).table,
        );
    }
}

/// `pc listener -o wide` on the waypoint: the WASM column lists each chain's plugins as
/// `buildWaypointInternal` placed them (the NETWORK plugin on the TCP chain, mesh-stats on
/// direct-http, nothing on direct-tcp or connect_terminate).
#[test]
fn waypoint_listener_wide_shows_the_wasm_column() {
    let out = Test::new(["pc", "listener", "-f", WAYPOINT, "-o", "wide"]).ok();
    assert_golden("pc-listener/waypoint/istio-current-waypoint.wide.txt", &out);
    let row = |chain: &str| {
        out.lines()
            .find(|l| l.contains(&format!(" {chain} ")))
            .unwrap_or_else(|| panic!("{chain}:\n{out}"))
            .to_string()
    };
    assert!(
        row("inbound-vip|27017|tcp|mongodb.shop.svc.cluster.local").contains("shop.mongo-audit")
    );
    assert!(row("direct-http").contains("istio-system.mesh-stats"));
    assert!(!row("direct-tcp").contains("trafficextension"));
}

/// `explain` of a connection to mongodb through the waypoint's `main_internal`: the matcher
/// tree selects the TCP chain `buildWaypointNetworkFilters` built, and the NETWORK plugin
/// runs between metadata exchange and `istio.stats` (`buildCompleteNetworkFilters`).
#[test]
fn explain_names_the_network_plugin_on_the_tcp_chain() {
    let out = Test::new([
        "explain",
        "-f",
        WAYPOINT,
        "--port",
        "0",
        "--dst-ip",
        "10.96.120.13",
        "--dst-port",
        "27017",
    ])
    .ok();
    let main_internal = out
        .split("\n\nListener `connect_terminate`")
        .next()
        .unwrap();
    assert_golden("explain/waypoint-wasm/mongodb-tcp.txt", main_internal);
    assert!(
        main_internal.contains(
            "Selected: chain `inbound-vip|27017|tcp|mongodb.shop.svc.cluster.local` (3rd)."
        ),
        "{main_internal}"
    );
    assert!(
        main_internal.contains(
            "`istio.metadata_exchange`, `extensions.istio.io/trafficextension/shop.mongo-audit~istio-translated-wasmplugin` (Wasm, delivered by ECDS, WasmPlugin shop/mongo-audit), `istio.stats`"
        ),
        "{main_internal}"
    );
}
