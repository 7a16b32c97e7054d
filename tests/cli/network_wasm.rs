//! #16 point 3: a NETWORK (L4) WasmPlugin on TCP chains is Wasm everywhere: `pc listener -o
//! wide`'s WASM column, `explain` (text, JSON, dot), `wasm count` (placements and intent),
//! `diff`'s Wasm placements and `lint --dump` (MS3002 for a missing ECDS entry, MS3003 for
//! the agent's deny-all network RBAC). The filter is recognised as Istio names it (DOMAIN.md
//! §6.1–6.2: `config_discovery` with the network Wasm type URL, the 1.30 ECDS name).

use crate::support::Test;

const DUMP: &str = "testdata/dumps/sidecar-network-wasm.json";
const BEFORE: &str = "testdata/dumps/sidecar-network-wasm-before.json";
const PLUGIN: &str = "default/tcp-audit";
const FILTER: &str =
    "extensions.istio.io/trafficextension/default.tcp-audit~istio-translated-wasmplugin";

#[test]
fn pc_listener_wide_shows_the_network_plugin() {
    let out = Test::new(["pc", "listener", "-f", DUMP, "-o", "wide"]).ok();
    let row = out.lines().find(|l| l.starts_with("10.96.0.20")).unwrap();
    assert!(row.contains(FILTER), "{out}");
}

#[test]
fn explain_marks_the_network_plugin_in_every_format() {
    let text = Test::new(["explain", "-f", DUMP, "--dst", "10.96.0.20:3306"]).ok();
    assert!(
        text.contains("(Wasm, delivered by ECDS, WasmPlugin default/tcp-audit)"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &Test::new([
            "explain",
            "-f",
            DUMP,
            "--dst",
            "10.96.0.20:3306",
            "-o",
            "json",
        ])
        .ok(),
    )
    .unwrap();
    let chain = &json["listeners"][0]["chains"][0];
    assert_eq!(chain["network_wasm_filters"][0]["name"], FILTER, "{chain}");
    let dot = Test::new([
        "explain",
        "-f",
        DUMP,
        "--dst",
        "10.96.0.20:3306",
        "-o",
        "dot",
    ])
    .ok();
    assert!(dot.contains("tcp-audit"), "{dot}");
}

/// istiod puts a NETWORK plugin on every TCP chain of the proxy (`PluginType_NETWORK`,
/// pilot/pkg/model/extensions.go): both chains carry it, so intent holds.
#[test]
fn wasm_count_counts_and_checks_the_network_plugin() {
    let out = Test::new([
        "wasm",
        "count",
        "-f",
        DUMP,
        "--resources",
        "testdata/manifests/wasm-count/network/",
    ])
    .run();
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("INTENT: checked"), "{}", out.stdout);
    let placements: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| {
            l.trim_start().starts_with(PLUGIN)
                && l.contains("before envoy.filters.network.tcp_proxy")
        })
        .collect();
    assert_eq!(placements.len(), 2, "{}", out.stdout);
    assert!(out.stdout.contains("expected-present"), "{}", out.stdout);
    assert!(!out.stdout.contains("expected-missing"), "{}", out.stdout);
}

#[test]
fn diff_counts_network_placements() {
    let out = Test::new(["diff", BEFORE, DUMP]).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains(FILTER) && l.contains("→"))
        .unwrap();
    assert!(line.contains("0 → 2"), "{}", out.stdout);
}

#[test]
fn lint_dump_checks_network_ecds_entries() {
    let missing = Test::new([
        "lint",
        "--dump",
        "testdata/dumps/sidecar-network-wasm-no-ecds.json",
    ])
    .run();
    assert!(
        missing.stdout.contains("warning[MS3002]"),
        "{}",
        missing.stdout
    );
    assert!(missing.stdout.contains(PLUGIN), "{}", missing.stdout);
    let deny = Test::new([
        "lint",
        "--dump",
        "testdata/dumps/sidecar-network-wasm-deny.json",
    ])
    .run();
    assert_eq!(deny.code, 1, "{}", deny.stdout);
    assert!(deny.stdout.contains("error[MS3003]"), "{}", deny.stdout);
    let clean = Test::new(["lint", "--dump", DUMP]).run();
    assert_eq!(clean.code, 0, "{}", clean.stdout);
}

/// #16 point 4: the proxy runs the module digest and config it was given; the resource now
/// pins another digest and config. `drift` names both fields with both values (istiod's
/// `buildWasmConfig`/`buildDataSource`; the agent's digest-named local copy).
#[test]
fn wasm_count_reports_drift_with_both_values() {
    let out = Test::new([
        "wasm",
        "count",
        "-f",
        DUMP,
        "--resources",
        "testdata/manifests/wasm-count/drift/",
    ])
    .run();
    assert_eq!(out.code, 1, "{}", out.stdout);
    let line = out.stdout.lines().find(|l| l.contains(" drift ")).unwrap();
    assert!(line.contains(PLUGIN), "{line}");
    let asked = "a1".repeat(32);
    let runs = "5e".repeat(32);
    assert!(
        line.contains(&format!("sha256: asked {asked}, runs {runs}")),
        "{line}"
    );
    assert!(
        line.contains(r#"pluginConfig: asked {"log":"errors"}, runs {"log":"all"}"#),
        "{line}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &Test::new([
            "wasm",
            "count",
            "-f",
            DUMP,
            "--resources",
            "testdata/manifests/wasm-count/drift/",
            "-o",
            "json",
        ])
        .run()
        .stdout,
    )
    .unwrap();
    let verdicts = json["proxies"][0]["verdicts"].as_array().unwrap();
    assert!(
        verdicts.iter().any(|v| v["verdict"] == "drift"),
        "{verdicts:?}"
    );
}
