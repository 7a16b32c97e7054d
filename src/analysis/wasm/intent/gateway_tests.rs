//! Unit tests of the gateway rules: istio/istio 1.30.0 `pilot/pkg/model/policyattachment.go`
//! `ShouldAttachPolicy` (who gets a plugin) and `pilot/pkg/model/extensions.go` `matchMode`,
//! `workloadModeForListenerClass`, `matchPorts` (which gateway chains: CLIENT class, the
//! listener's server port, the `opts.port` that `pilot/pkg/networking/core/gateway.go` gives
//! `ListenerInfo`).

use super::*;
use crate::analysis::wasm::placement::chain_sites;
use crate::envoy::Listener;
use crate::istio::wasm_plugin::{Phase, TargetRef, TrafficSelector, WorkloadMode};

const WASM: &str = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

/// One gateway listener on `port` whose HCM carries `plugins` (`ns.name` each).
fn gateway_sites(port: u32, plugins: &[&str]) -> Vec<ChainSite> {
    let filters: Vec<String> = plugins
        .iter()
        .map(|p| {
            format!(
                r#"{{"name":"extensions.istio.io/wasmplugin/{p}","config_discovery":{{"type_urls":["{WASM}"]}}}}"#
            )
        })
        .chain([r#"{"name":"envoy.filters.http.router"}"#.to_string()])
        .collect();
    let text = format!(
        r#"{{"name":"0.0.0.0_{port}","address":{{"socket_address":{{"address":"0.0.0.0","port_value":{port}}}}},
        "filter_chains":[{{"filters":[{{"name":"envoy.filters.network.http_connection_manager",
        "typed_config":{{"http_filters":[{}]}}}}]}}]}}"#,
        filters.join(",")
    );
    let l: Listener = serde_json::from_str(&text).unwrap();
    chain_sites(&[(ListenerState::Active, &l)], ProxyKind::Gateway)
}

fn plugin(namespace: &str, name: &str) -> WasmPluginSpec {
    WasmPluginSpec {
        phase: Phase::Authn,
        ..WasmPluginSpec::named(namespace, name)
    }
}

fn gateway_ref(kind: &str, name: &str) -> TargetRef {
    TargetRef {
        group: if kind == "Gateway" || kind == "GatewayClass" {
            "gateway.networking.k8s.io".into()
        } else {
            String::new()
        },
        kind: kind.into(),
        name: name.into(),
        namespace: String::new(),
    }
}

fn with_refs(mut p: WasmPluginSpec, refs: Vec<TargetRef>) -> WasmPluginSpec {
    p.target_refs = refs;
    p
}

/// A Gateway-API gateway `web` in `shop` (label gateway.networking.k8s.io/gateway-name=web).
fn gateway_api() -> ProxyContext {
    ProxyContext {
        kind: ProxyKind::Gateway,
        namespace: Some("shop".into()),
        labels: BTreeMap::from([
            (
                "gateway.networking.k8s.io/gateway-name".into(),
                "web".into(),
            ),
            ("app".into(), "web-istio".into()),
        ]),
        istio_minor: Some(30),
        root_namespace: "istio-system".into(),
    }
}

/// A classic `istio: ingressgateway` in istio-system.
fn classic() -> ProxyContext {
    ProxyContext {
        kind: ProxyKind::Gateway,
        namespace: Some("istio-system".into()),
        labels: BTreeMap::from([("istio".into(), "ingressgateway".into())]),
        istio_minor: Some(30),
        root_namespace: "istio-system".into(),
    }
}

fn outcome(r: &IntentReport) -> Vec<(VerdictKind, String, String)> {
    let mut v: Vec<_> = r
        .verdicts
        .iter()
        .map(|v| (v.verdict, v.plugin.clone(), v.detail.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn gateway_api_gateway_attaches_by_gateway_ref_and_falls_back_to_the_selector() {
    let by_ref = with_refs(
        plugin("shop", "by-ref"),
        vec![gateway_ref("Gateway", "web")],
    );
    let other = with_refs(
        plugin("shop", "other-gw"),
        vec![gateway_ref("Gateway", "api")],
    );
    let service = with_refs(
        plugin("shop", "by-svc"),
        vec![gateway_ref("Service", "web")],
    );
    let mut selected = plugin("shop", "by-selector");
    selected.selector = Some(BTreeMap::from([("app".into(), "web-istio".into())]));
    let root_ref = with_refs(
        plugin("istio-system", "root-ref"),
        vec![gateway_ref("Gateway", "web")],
    );
    let sites = gateway_sites(8080, &["shop.by-ref", "shop.by-selector", "shop.other-gw"]);
    let r = check_intent(
        &gateway_api(),
        &[by_ref, other, service, selected, root_ref],
        &MeshFacts::default(),
        &sites,
    );
    assert_eq!(r.status, IntentStatus::Checked);
    let got = outcome(&r);
    let kinds: Vec<_> = got.iter().map(|(k, p, _)| (*k, p.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (VerdictKind::ExpectedPresent, "shop/by-ref"),
            (VerdictKind::ExpectedPresent, "shop/by-selector"),
            (VerdictKind::NotAttached, "istio-system/root-ref"),
            (VerdictKind::NotAttached, "shop/by-svc"),
            (VerdictKind::PresentNotExpected, "shop/other-gw"),
        ]
    );
    assert!(
        got[2]
            .2
            .contains("only from the gateway's own namespace (shop)"),
        "{got:#?}"
    );
    assert!(
        got[3]
            .2
            .contains("Service web, which attaches only on waypoints")
    );
    assert!(
        got[4]
            .2
            .contains("targetRefs name Gateway api, this proxy is gateway web"),
        "{got:#?}"
    );
}

#[test]
fn gateway_ref_needs_the_gateway_api_group_and_the_gateway_namespace() {
    let mut core = gateway_ref("Gateway", "web");
    core.group = String::new();
    let mut elsewhere = gateway_ref("Gateway", "web");
    elsewhere.namespace = "other".into();
    let p = with_refs(plugin("shop", "p"), vec![core, elsewhere]);
    let r = check_intent(
        &gateway_api(),
        &[p],
        &MeshFacts::default(),
        &gateway_sites(8080, &[]),
    );
    let got = outcome(&r);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, VerdictKind::NotAttached);
    assert!(
        got[0]
            .2
            .contains("of group core, not a gateway.networking.k8s.io Gateway")
    );
    assert!(got[0].2.contains("in namespace other"), "{}", got[0].2);
    // Any one fitting ref attaches (the loop in `ShouldAttachPolicy` returns on the first).
    let p = with_refs(
        plugin("shop", "p"),
        vec![gateway_ref("Gateway", "api"), gateway_ref("Gateway", "web")],
    );
    let r = check_intent(
        &gateway_api(),
        &[p],
        &MeshFacts::default(),
        &gateway_sites(8080, &[]),
    );
    assert_eq!(r.verdicts[0].verdict, VerdictKind::ExpectedMissing);
}

#[test]
fn classic_gateways_select_like_sidecars_and_ignore_target_refs() {
    let refs = with_refs(
        plugin("istio-system", "refs"),
        vec![gateway_ref("Gateway", "ingressgateway")],
    );
    let mut selected = plugin("istio-system", "selected");
    selected.selector = Some(BTreeMap::from([("istio".into(), "ingressgateway".into())]));
    let mut egress = plugin("istio-system", "egress");
    egress.selector = Some(BTreeMap::from([("istio".into(), "egressgateway".into())]));
    let everywhere = plugin("istio-system", "root-wide");
    let r = check_intent(
        &classic(),
        &[refs, selected, egress, everywhere],
        &MeshFacts::default(),
        &gateway_sites(8080, &["istio-system.selected", "istio-system.refs"]),
    );
    let got = outcome(&r);
    let kinds: Vec<_> = got.iter().map(|(k, p, _)| (*k, p.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (VerdictKind::ExpectedPresent, "istio-system/selected"),
            (VerdictKind::NotAttached, "istio-system/egress"),
            (VerdictKind::ExpectedMissing, "istio-system/root-wide"),
            (VerdictKind::PresentNotExpected, "istio-system/refs"),
        ]
    );
    assert!(
        got[1]
            .2
            .contains("selector istio=egressgateway does not match")
    );
    assert!(
        got[3].2.contains("targetRefs, which classic gateways"),
        "{got:#?}"
    );
}

#[test]
fn gateway_chains_are_client_class_and_match_the_listener_port() {
    let mode = |mode, ports: Vec<u32>| vec![TrafficSelector { mode, ports }];
    let mut server = plugin("istio-system", "server");
    server.matches = mode(WorkloadMode::Server, vec![]);
    let mut client = plugin("istio-system", "client");
    client.matches = mode(WorkloadMode::Client, vec![8080]);
    let mut port = plugin("istio-system", "port-443");
    port.matches = mode(WorkloadMode::ClientAndServer, vec![8443]);
    let r = check_intent(
        &classic(),
        &[server, client, port],
        &MeshFacts::default(),
        &gateway_sites(8080, &["istio-system.server", "istio-system.client"]),
    );
    let got = outcome(&r);
    let kinds: Vec<_> = got.iter().map(|(k, p, _)| (*k, p.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (VerdictKind::ExpectedPresent, "istio-system/client"),
            (VerdictKind::NotAttached, "istio-system/port-443"),
            (VerdictKind::PresentNotExpected, "istio-system/server"),
        ]
    );
    assert!(got[1].2.contains("excludes gateway port 8080"), "{got:#?}");
    assert!(
        got[2].2.contains("mode SERVER never applies on a gateway"),
        "{got:#?}"
    );
    // Not attached is an account, not a problem: it never makes the exit code 1.
    assert!(!VerdictKind::NotAttached.is_problem());
}
