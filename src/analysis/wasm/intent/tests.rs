//! Unit tests: one case per verdict class the intent check produces (the ECDS classes are
//! tested in `wasm_ecds`).

use super::*;
use crate::analysis::wasm::placement::chain_sites;
use crate::envoy::Listener;
use crate::istio::wasm_plugin::{Phase, TrafficSelector, WorkloadMode};

const WASM: &str = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

fn hcm(plugins: &[&str]) -> String {
    let mut filters: Vec<String> = vec![r#"{"name":"istio.metadata_exchange"}"#.into()];
    for p in plugins {
        filters.push(format!(
            r#"{{"name":"extensions.istio.io/wasmplugin/{p}","config_discovery":{{"type_urls":["{WASM}"]}}}}"#
        ));
    }
    filters.push(r#"{"name":"envoy.filters.http.router"}"#.into());
    format!(
        r#"{{"name":"envoy.filters.network.http_connection_manager","typed_config":{{"http_filters":[{}]}}}}"#,
        filters.join(",")
    )
}

/// virtualInbound (port 80 chain + passthrough) and outbound 0.0.0.0_8000.
fn sites(inbound80: &[&str], passthrough: &[&str], outbound: &[&str]) -> Vec<ChainSite> {
    let inbound = format!(
        r#"{{"name":"virtualInbound","traffic_direction":"INBOUND",
        "address":{{"socket_address":{{"address":"0.0.0.0","port_value":15006}}}},
        "filter_chains":[
          {{"name":"0.0.0.0_80","filter_chain_match":{{"destination_port":80}},"filters":[{}]}},
          {{"name":"virtualInbound-catchall-http","filters":[{}]}}]}}"#,
        hcm(inbound80),
        hcm(passthrough)
    );
    let out = format!(
        r#"{{"name":"0.0.0.0_8000","traffic_direction":"OUTBOUND",
        "address":{{"socket_address":{{"address":"0.0.0.0","port_value":8000}}}},
        "filter_chains":[{{"filters":[{}]}}]}}"#,
        hcm(outbound)
    );
    let a: Listener = serde_json::from_str(&inbound).unwrap();
    let b: Listener = serde_json::from_str(&out).unwrap();
    chain_sites(
        &[(ListenerState::Active, &a), (ListenerState::Active, &b)],
        ProxyKind::Sidecar,
    )
}

fn spec(name: &str, phase: Phase, priority: Option<i64>) -> WasmPluginSpec {
    WasmPluginSpec {
        selector: Some(BTreeMap::from([("app".into(), "httpbin".into())])),
        phase,
        priority,
        ..WasmPluginSpec::named("default", name)
    }
}

fn ctx() -> ProxyContext {
    ProxyContext {
        kind: ProxyKind::Sidecar,
        namespace: Some("default".into()),
        labels: BTreeMap::from([("app".into(), "httpbin".into())]),
        istio_minor: Some(30),
        root_namespace: "istio-system".into(),
    }
}

fn kinds(r: &IntentReport) -> Vec<(VerdictKind, String, usize)> {
    r.verdicts
        .iter()
        .map(|v| (v.verdict, v.plugin.clone(), v.chains.len()))
        .collect()
}

#[test]
fn expected_and_present_everywhere() {
    let all = ["default.a"];
    let r = check_intent(
        &ctx(),
        &[spec("a", Phase::Authn, None)],
        &MeshFacts::default(),
        &sites(&all, &all, &all),
    );
    assert_eq!(r.status, IntentStatus::Checked);
    assert_eq!(
        kinds(&r),
        [(VerdictKind::ExpectedPresent, "default/a".into(), 3)]
    );
}

#[test]
fn expected_but_missing_names_the_chains() {
    let mut p = spec("a", Phase::Authn, None);
    p.matches = vec![TrafficSelector {
        mode: WorkloadMode::Server,
        ports: vec![80],
    }];
    let r = check_intent(&ctx(), &[p], &MeshFacts::default(), &sites(&[], &[], &[]));
    assert_eq!(
        kinds(&r),
        [(VerdictKind::ExpectedMissing, "default/a".into(), 1)]
    );
    assert_eq!(
        r.verdicts[0].chains,
        ["virtualInbound 0.0.0.0_80 (Addr: *:80)"]
    );
}

#[test]
fn present_not_expected_says_why() {
    // SERVER mode on an outbound chain, a selector that does not match, and no resource at all.
    let mut server = spec("server", Phase::Authn, None);
    server.matches = vec![TrafficSelector {
        mode: WorkloadMode::Server,
        ports: vec![],
    }];
    let mut other = spec("other", Phase::Authn, None);
    other.selector = Some(BTreeMap::from([("app".into(), "reviews".into())]));
    let s = sites(
        &["default.server"],
        &["default.server"],
        &["default.server", "default.other", "default.gone"],
    );
    let r = check_intent(&ctx(), &[server, other], &MeshFacts::default(), &s);
    let found = kinds(&r);
    assert!(
        found.contains(&(VerdictKind::ExpectedPresent, "default/server".into(), 2)),
        "{found:?}"
    );
    let extra: Vec<_> = r
        .verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::PresentNotExpected)
        .map(|v| (v.plugin.as_str(), v.detail.as_str()))
        .collect();
    assert_eq!(extra.len(), 3, "{extra:?}");
    assert!(
        extra
            .iter()
            .any(|(p, d)| *p == "default/gone" && d.contains("stale or foreign"))
    );
    assert!(
        extra
            .iter()
            .any(|(p, d)| *p == "default/other" && d.contains("selector app=reviews"))
    );
    assert!(
        extra
            .iter()
            .any(|(p, d)| *p == "default/server" && d.contains("SERVER"))
    );
}

#[test]
fn wrong_order_by_priority_and_unset_priority() {
    let hi = spec("hi", Phase::Authn, Some(100));
    let lo = spec("lo", Phase::Authn, Some(10));
    let unset = spec("unset", Phase::Stats, None);
    let neg = spec("neg", Phase::Stats, Some(-1));
    let good = ["default.hi", "default.lo", "default.neg", "default.unset"];
    let bad = ["default.lo", "default.hi", "default.neg", "default.unset"];
    let bad_unset = ["default.hi", "default.lo", "default.unset", "default.neg"];
    let r = check_intent(
        &ctx(),
        &[hi, lo, unset, neg],
        &MeshFacts::default(),
        &sites(&good, &bad, &bad_unset),
    );
    let wrong: Vec<_> = r
        .verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::WrongOrder)
        .collect();
    assert_eq!(wrong.len(), 2, "{wrong:?}");
    assert_eq!(wrong[0].chains, ["0.0.0.0_8000 - (ALL)"]);
    assert_eq!(
        wrong[1].detail,
        "found default/lo -> default/hi -> default/neg -> default/unset; phase and priority say \
         default/hi -> default/lo -> default/neg -> default/unset"
    );
    let order: Vec<_> = r.expected_order.iter().map(|e| e.plugin.as_str()).collect();
    assert_eq!(
        order,
        ["default/hi", "default/lo", "default/neg", "default/unset"]
    );
}

#[test]
fn uncertain_ties_are_not_wrong_order() {
    let a = spec("a", Phase::Authz, Some(1));
    let b = spec("b", Phase::Authz, Some(1));
    let s = ["default.b", "default.a"];
    let r = check_intent(&ctx(), &[a, b], &MeshFacts::default(), &sites(&s, &s, &s));
    assert!(
        r.verdicts
            .iter()
            .all(|v| v.verdict == VerdictKind::ExpectedPresent)
    );
    assert!(r.expected_order.iter().all(|e| e.uncertain));
}

#[test]
fn unknown_namespaces_are_not_checked() {
    let mut c = ctx();
    c.namespace = None;
    let r = check_intent(&c, &[], &MeshFacts::default(), &[]);
    assert_eq!(r.status, IntentStatus::UnknownNamespace);
}

#[test]
fn old_istio_puts_plugins_on_inbound_only() {
    let mut c = ctx();
    c.istio_minor = Some(12);
    let all = ["default.a"];
    let r = check_intent(
        &c,
        &[spec("a", Phase::Authn, None)],
        &MeshFacts::default(),
        &sites(&all, &all, &[]),
    );
    assert_eq!(
        kinds(&r),
        [(VerdictKind::ExpectedPresent, "default/a".into(), 2)]
    );
}

/// A plugin with `match.ports` found on the inbound passthrough chain (port 0 in the site
/// model): the reason names the passthrough chains, never "inbound port 0" (#19).
#[test]
fn port_match_on_passthrough_chain_is_worded_as_passthrough() {
    let mut p = spec("a", Phase::Authn, None);
    p.matches = vec![TrafficSelector {
        mode: WorkloadMode::Server,
        ports: vec![80],
    }];
    let r = check_intent(
        &ctx(),
        &[p],
        &MeshFacts::default(),
        &sites(&["default.a"], &["default.a"], &[]),
    );
    let details: Vec<&str> = r
        .verdicts
        .iter()
        .filter(|v| v.verdict == VerdictKind::PresentNotExpected)
        .map(|v| v.detail.as_str())
        .collect();
    assert_eq!(
        details,
        [
            "not expected on these chains: its match (SERVER ports 80) excludes the inbound passthrough chains (no service port)"
        ]
    );
}
