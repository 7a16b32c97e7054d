//! `wasm count`: goldens for the seed fixtures and the verdict fixture, exit codes, errors.

use crate::support::{Test, assert_golden};

const VERDICTS: &str = "testdata/dumps/wasm-verdicts.json";
const MANIFESTS: &str = "testdata/manifests/wasm-count/verdicts/";
const SEED: &str = "testdata/manifests/wasm-count/seed/";

#[test]
fn seed_fixtures_count_placements() {
    for fixture in [
        "istio-1.12-permissive",
        "istio-1.12-strict",
        "istio-1.12-disable",
        "istio-current-permissive",
        "istio-current-strict",
        "istio-current-disable",
    ] {
        let path = format!("testdata/dumps/{fixture}.json");
        // Without resources the plugin is not checked: exit 1 by default (#16 point 2).
        let out = Test::new(["wasm", "count", "-f", &path]).run();
        assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{fixture}");
        assert_golden(&format!("wasm-count/{fixture}.txt"), &out.stdout);
    }
    for fixture in ["istio-1.12-permissive", "istio-current-permissive"] {
        let path = format!("testdata/dumps/{fixture}.json");
        let out = Test::new(["wasm", "count", "-f", &path, "-o", "json"]).run();
        assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{fixture}");
        assert_golden(&format!("wasm-count/{fixture}.json"), &out.stdout);
    }
}

#[test]
fn seed_fixtures_with_the_seed_plugin_are_clean() {
    // 1.12 expects the plugin on inbound only; current Istio on outbound too (§6.4).
    for fixture in ["istio-1.12-permissive", "istio-current-permissive"] {
        let path = format!("testdata/dumps/{fixture}.json");
        let table = Test::new(["wasm", "count", "-f", &path, "--resources", SEED]).ok();
        assert_golden(&format!("wasm-count/{fixture}.resources.txt"), &table);
    }
}

#[test]
fn seed_counts_match_domain() {
    // DOMAIN.md §5.7: 6 / 3 / 3 on 1.12 (no ECDS section: unknown, never missing); 4 / 2 / 2
    // on virtualInbound for current Istio, plus the outbound placement.
    for (fixture, inbound, outbound) in [
        ("istio-1.12-permissive", 6, 0),
        ("istio-1.12-strict", 3, 0),
        ("istio-1.12-disable", 3, 0),
        ("istio-current-permissive", 4, 1),
        ("istio-current-strict", 2, 1),
        ("istio-current-disable", 2, 1),
    ] {
        let path = format!("testdata/dumps/{fixture}.json");
        let args = [
            "wasm",
            "count",
            "-f",
            &path,
            "-o",
            "json",
            "--fail-on-unchecked=false",
        ];
        let out = Test::new(args).ok();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let proxy = &v["proxies"][0];
        let plugin = &proxy["plugins"][0];
        assert_eq!(plugin["plugin"], "default/helloworld", "{fixture}");
        assert_eq!(
            plugin["by_listener"]["virtualInbound"], inbound,
            "{fixture}"
        );
        assert_eq!(
            plugin["by_direction"]["outbound"].as_u64().unwrap_or(0),
            outbound,
            "{fixture}"
        );
        let ecds_state = &proxy["ecds"][0]["state"];
        let want = if fixture.contains("1.12") {
            "unknown"
        } else {
            "present"
        };
        assert_eq!(ecds_state, want, "{fixture}");
        assert_eq!(proxy["problems"], 0, "{fixture}");
        assert_eq!(proxy["unchecked"], 1, "{fixture}");
    }
}

#[test]
fn verdict_fixture_reports_every_verdict_and_exits_1() {
    for (case, format) in [("txt", "table"), ("json", "json"), ("yaml", "yaml")] {
        let out = Test::new([
            "wasm",
            "count",
            "-f",
            VERDICTS,
            "--resources",
            MANIFESTS,
            "-o",
            format,
        ])
        .run();
        assert_eq!(out.code, 1, "{format}: {}", out.stderr);
        assert_eq!(out.stderr, "");
        assert_golden(&format!("wasm-count/wasm-verdicts.{case}"), &out.stdout);
    }
    let out = Test::new([
        "wasm",
        "count",
        "-f",
        VERDICTS,
        "--resources",
        MANIFESTS,
        "-o",
        "json",
    ])
    .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let kinds: Vec<&str> = v["proxies"][0]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["verdict"].as_str().unwrap())
        .collect();
    for want in [
        "expected-present",
        "expected-missing",
        "present-not-expected",
        "wrong-order",
        "ecds-missing",
        "agent-stand-in",
    ] {
        assert!(kinds.contains(&want), "{want} missing from {kinds:?}");
    }
}

#[test]
fn plugin_flag_narrows_by_name_id_or_raw_name() {
    let raw = "extensions.istio.io/trafficextension/default.ratelimit~istio-translated-wasmplugin";
    for only in ["ratelimit", "default/ratelimit", raw] {
        let out = Test::new([
            "wasm",
            "count",
            "-f",
            VERDICTS,
            "--resources",
            MANIFESTS,
            "--plugin",
            only,
            "-o",
            "json",
        ])
        .run();
        assert_eq!(out.code, 1, "{only}");
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let proxy = &v["proxies"][0];
        assert_eq!(proxy["plugins"].as_array().unwrap().len(), 1, "{only}");
        let verdicts: Vec<_> = proxy["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["verdict"].as_str().unwrap(),
                    v["plugin"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            verdicts,
            [
                ("expected-present", "default/ratelimit"),
                ("ecds-missing", "default/ratelimit")
            ],
            "{only}"
        );
    }
    // A plugin without problems exits 0.
    Test::new([
        "wasm",
        "count",
        "-f",
        VERDICTS,
        "--resources",
        MANIFESTS,
        "--plugin",
        "client-metrics",
    ])
    .ok();
}

#[test]
fn identity_from_flags_when_the_dump_has_no_bootstrap() {
    let manifest = "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: helloworld, namespace: default}\nspec:\n  selector: {matchLabels: {app: reviews}}\n  url: oci://x/y:1\n";
    let args = |labels: &'static str| {
        [
            "wasm",
            "count",
            "-f",
            "testdata/dumps/listeners-only.json",
            "--resources",
            "-",
            "-n",
            "default",
            "--labels",
            labels,
            "-o",
            "json",
        ]
    };
    let out = Test::new(args("app=reviews,version=v1"))
        .stdin(manifest)
        .ok();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["proxies"][0]["proxy"]["identity_from"], "flags");
    assert_eq!(
        v["proxies"][0]["verdicts"][0]["verdict"],
        "expected-present"
    );
    let out = Test::new(args("app=httpbin")).stdin(manifest).run();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout.contains("present-not-expected"),
        "{}",
        out.stdout
    );
}

#[test]
fn errors_are_one_line_with_exit_2() {
    let out = Test::new(["wasm", "count"]).run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: wasm count requires pod name or --file parameter\n"
    );
    let out = Test::new(["wasm", "count", "-f", VERDICTS, "--resources", "-"])
        .stdin("a: [\n")
        .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with("meshscope: error: -:") && out.stderr.lines().count() == 1,
        "{}",
        out.stderr
    );
    // A bad flag value is a usage error: clap's whole message (#19).
    let out = Test::new(["wasm", "count", "-f", VERDICTS, "--labels", "novalue"]).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: invalid value 'novalue' for '--labels <K=V>': invalid label"),
        "{}",
        out.stderr
    );
}

/// A gateway dump with one plugin whose names carry control characters.
const GATEWAY_DUMP: &str = r#"{"configs":[
 {"@type":"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump","bootstrap":{"node":{
   "id":"router~10.244.0.7~ingress-7c9.istio-system~istio-system.svc.cluster.local",
   "metadata":{"NAMESPACE":"istio-system","LABELS":{"istio":"ingressgateway"},"ISTIO_VERSION":"1.24.1"}}}},
 {"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[
  {"name":"0.0.0.0_8080\u001b[31m","active_state":{"listener":{"name":"0.0.0.0_8080\u001b[31m",
   "address":{"socket_address":{"address":"0.0.0.0","port_value":8080}},
   "traffic_direction":"OUTBOUND",
   "filter_chains":[{"filters":[{"name":"envoy.filters.network.http_connection_manager",
    "typed_config":{"http_filters":[
     {"name":"extenstions.istio.io/wasmplugin/istio-system.gw-auth","config_discovery":{
       "type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}},
     {"name":"envoy.filters.http.router"}]}}]}]}}}]}]}"#;

/// A classic gateway is checked like a sidecar (istio/istio `policyattachment.go`
/// `ShouldAttachPolicy`: no gateway-name label, so the selector decides): the seed plugin in
/// `default` is not attached, with istiod's reason; the filter no resource asks for is a
/// problem.
#[test]
fn classic_gateways_are_checked_against_the_resources() {
    let out = Test::new([
        "wasm",
        "count",
        "-f",
        "-",
        "--resources",
        "testdata/manifests/wasm-count/seed/",
    ])
    .stdin(GATEWAY_DUMP)
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let out = out.stdout;
    assert!(
        out.contains("INTENT: checked against the given resources"),
        "{out}"
    );
    let row = |verdict: &str, plugin: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!(" {verdict} ")) && l.contains(plugin))
            .unwrap_or_else(|| panic!("no {verdict} row for {plugin}: {out}"))
            .to_string()
    };
    assert!(
        row("not-attached", "default/helloworld")
            .contains("its namespace default is neither the proxy's (istio-system)")
    );
    assert!(row("present-not-expected", "istio-system/gw-auth").contains("no such resource"));
    assert!(out.ends_with("PROBLEMS: 1\n"), "{out}");
    assert!(out.contains("1.21-1.25"), "{out}");
    assert!(out.contains("gateway: 1"), "{out}");
    // The escape sequence in the listener name is printed escaped, never raw.
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("0.0.0.0_8080\\u{1b}[31m"), "{out}");
}
