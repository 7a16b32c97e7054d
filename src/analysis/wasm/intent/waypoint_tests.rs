//! Unit tests of the waypoint rules: istio/istio 1.30.0 `pilot/pkg/model/policyattachment.go`
//! `ShouldAttachPolicy` with `IsWaypoint` and `WithService` (no selector ever; a `Service`
//! ref from the service's namespace; `GatewayClass istio-waypoint` from the root namespace)
//! and `pilot/pkg/networking/core/listener_waypoint.go` (per-service chains of
//! `main_internal` get `ListenerInfo{Class: SidecarInbound}.WithService(svc)`: SERVER class
//! in `extensions.go` `matchMode`, port 0 in `matchPorts`).

use super::*;
use crate::analysis::wasm::placement::chain_sites;
use crate::envoy::Listener;
use crate::istio::wasm_plugin::{Phase, TargetRef, TrafficSelector, WorkloadMode};

const WASM: &str = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

/// `main_internal` with an HTTP chain for shop/reviews carrying `plugins` (1.30 names of
/// WasmPlugins in `ns.name` form), a TCP chain for it, and a TCP chain for api.example.com.
fn waypoint_sites(plugins: &[&str]) -> Vec<ChainSite> {
    let filters: Vec<String> = plugins
        .iter()
        .map(|p| {
            format!(
                r#"{{"name":"extensions.istio.io/trafficextension/{p}~istio-translated-wasmplugin","config_discovery":{{"type_urls":["{WASM}"]}}}},"#
            )
        })
        .collect();
    let tcp = r#"{"name":"envoy.filters.network.tcp_proxy","typed_config":{"cluster":"x"}}"#;
    let text = format!(
        r#"{{"name":"main_internal","filter_chains":[
        {{"name":"inbound-vip|9080|http|reviews.shop.svc.cluster.local","filters":[{{"name":"envoy.filters.network.http_connection_manager",
          "typed_config":{{"http_filters":[{}{{"name":"envoy.filters.http.router"}}]}}}}]}},
        {{"name":"inbound-vip|9080|tcp|reviews.shop.svc.cluster.local","filters":[{tcp}]}},
        {{"name":"inbound-vip|443|tcp|api.example.com","filters":[{tcp}]}}]}}"#,
        filters.join("")
    );
    let l: Listener = serde_json::from_str(&text).unwrap();
    chain_sites(&[(ListenerState::Active, &l)], ProxyKind::Waypoint)
}

fn plugin(namespace: &str, name: &str, refs: &[(&str, &str)]) -> WasmPluginSpec {
    let target_refs: Vec<TargetRef> = refs
        .iter()
        .map(|(kind, name)| TargetRef {
            group: match *kind {
                "Service" => String::new(),
                "ServiceEntry" => "networking.istio.io".into(),
                _ => "gateway.networking.k8s.io".into(),
            },
            kind: kind.to_string(),
            name: name.to_string(),
            namespace: String::new(),
        })
        .collect();
    WasmPluginSpec {
        target_refs,
        phase: Phase::Authn,
        ..WasmPluginSpec::named(namespace, name)
    }
}

fn waypoint() -> ProxyContext {
    ProxyContext {
        kind: ProxyKind::Waypoint,
        namespace: Some("shop".into()),
        labels: BTreeMap::from([(
            "gateway.networking.k8s.io/gateway-name".into(),
            "waypoint".into(),
        )]),
        istio_minor: Some(30),
        root_namespace: "istio-system".into(),
    }
}

#[test]
fn waypoint_attaches_by_service_and_waypoint_class_only() {
    let with = |mut p: WasmPluginSpec, mode, ports: Vec<u32>| {
        p.matches = vec![TrafficSelector { mode, ports }];
        p
    };
    let mut selected = plugin("shop", "selector", &[]);
    selected.selector = Some(BTreeMap::from([("app".into(), "reviews".into())]));
    let plugins = [
        plugin("shop", "svc-ref", &[("Service", "reviews")]),
        plugin(
            "istio-system",
            "class",
            &[("GatewayClass", "istio-waypoint")],
        ),
        plugin("shop", "class-here", &[("GatewayClass", "istio-waypoint")]),
        selected,
        with(
            plugin("shop", "client", &[("Service", "reviews")]),
            WorkloadMode::Client,
            vec![],
        ),
        with(
            plugin("shop", "ports", &[("Service", "reviews")]),
            WorkloadMode::ClientAndServer,
            vec![9080],
        ),
        plugin("shop", "other-svc", &[("Service", "ratings")]),
        plugin("istio-system", "wrong-ns", &[("Service", "reviews")]),
        plugin("shop", "se", &[("ServiceEntry", "api")]),
    ];
    // In phase order: the proxy's namespace before the root namespace (order.rs).
    let sites = waypoint_sites(&["shop.svc-ref", "shop.other-svc", "istio-system.class"]);
    let r = check_intent(&waypoint(), &plugins, &MeshFacts::default(), &sites);
    assert_eq!(r.status, IntentStatus::Checked);
    let mut got: Vec<(VerdictKind, String, String, Vec<String>)> = r
        .verdicts
        .iter()
        .map(|v| {
            (
                v.verdict,
                v.plugin.clone(),
                v.detail.clone(),
                v.chains.clone(),
            )
        })
        .collect();
    got.sort();
    let kinds: Vec<_> = got.iter().map(|v| (v.0, v.1.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (VerdictKind::ExpectedPresent, "istio-system/class"),
            (VerdictKind::ExpectedPresent, "shop/svc-ref"),
            (VerdictKind::NotAttached, "istio-system/wrong-ns"),
            (VerdictKind::NotAttached, "shop/class-here"),
            (VerdictKind::NotAttached, "shop/client"),
            (VerdictKind::NotAttached, "shop/ports"),
            (VerdictKind::NotAttached, "shop/selector"),
            (VerdictKind::PresentNotExpected, "shop/other-svc"),
            (VerdictKind::NotChecked, "shop/se"),
        ]
    );
    let detail = |p: &str| &got.iter().find(|v| v.1 == p).unwrap().2;
    assert!(detail("istio-system/wrong-ns").contains("not the service's namespace shop"));
    assert!(detail("shop/class-here").contains("only from the root namespace (istio-system)"));
    assert!(detail("shop/client").contains("mode CLIENT never applies on a waypoint"));
    assert!(detail("shop/ports").contains("ports never match on a waypoint"));
    assert!(detail("shop/selector").contains("never takes a plugin by selector"));
    assert!(detail("shop/other-svc").contains("this chain serves service shop/reviews"));
    // The per-service HTTP chain, labelled inbound (SERVER class), never "gateway".
    assert_eq!(
        got[1].3,
        ["main_internal inbound-vip|9080|http|reviews.shop.svc.cluster.local (ALL)"]
    );
    assert!(
        r.verdicts
            .iter()
            .all(|v| v.verdict != VerdictKind::NotChecked
                || v.reason == Some(UncheckedReason::ResourceMissing))
    );
}

/// `connect_terminate` has an HCM but `listener_waypoint.go` gives it no extensions; the
/// direct chains of `main_internal` (`WithService(nil)`) take only class-wide plugins.
#[test]
fn only_main_internal_carries_waypoint_plugins() {
    let text = r#"{"name":"connect_terminate","filter_chains":[{"name":"default","filters":[
        {"name":"envoy.filters.network.http_connection_manager","typed_config":{"http_filters":[
        {"name":"envoy.filters.http.router"}]}}]}]}"#;
    let terminate: Listener = serde_json::from_str(text).unwrap();
    let text = r#"{"name":"main_internal","filter_chains":[{"name":"direct-http","filters":[
        {"name":"envoy.filters.network.http_connection_manager","typed_config":{"http_filters":[
        {"name":"envoy.filters.http.router"}]}}]}]}"#;
    let direct: Listener = serde_json::from_str(text).unwrap();
    let sites = chain_sites(
        &[
            (ListenerState::Active, &terminate),
            (ListenerState::Active, &direct),
        ],
        ProxyKind::Waypoint,
    );
    let plugins = [
        plugin(
            "istio-system",
            "class",
            &[("GatewayClass", "istio-waypoint")],
        ),
        plugin("shop", "svc", &[("Service", "reviews")]),
    ];
    let r = check_intent(&waypoint(), &plugins, &MeshFacts::default(), &sites);
    let got: Vec<_> = r
        .verdicts
        .iter()
        .map(|v| (v.verdict, v.plugin.as_str(), v.chains.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                VerdictKind::ExpectedMissing,
                "istio-system/class",
                vec!["main_internal direct-http (ALL)".to_string()]
            ),
            (VerdictKind::NotAttached, "shop/svc", vec![]),
        ]
    );
    assert!(
        r.verdicts[1]
            .detail
            .contains("this is not a per-service chain")
    );
}

/// A Service bound to the waypoint without a chain makes only the plugins that would run on
/// it missing: a CLIENT-only `match` never runs on a waypoint chain (SERVER class), and a
/// TrafficExtension is nothing to a release before 1.30.
#[test]
fn unserved_services_skip_plugins_that_would_not_run_there() {
    use crate::istio::waypoint_binding::WaypointUser;
    let users = [WaypointUser {
        namespace: "shop".into(),
        name: "details".into(),
        waypoint: ("shop".into(), "waypoint".into()),
        bound_by: "istio.io/use-waypoint=waypoint".into(),
    }];
    let mesh = MeshFacts {
        service_entries: &[],
        waypoint_users: &users,
    };
    let server = plugin("shop", "server", &[("Service", "details")]);
    let mut client = plugin("shop", "client", &[("Service", "details")]);
    client.matches = vec![TrafficSelector {
        mode: WorkloadMode::Client,
        ports: Vec::new(),
    }];
    let mut te = plugin("shop", "te", &[("Service", "details")]);
    te.kind = PluginKind::TrafficExtension;
    let missing = |minor| {
        let mut ctx = waypoint();
        ctx.istio_minor = Some(minor);
        let r = check_intent(
            &ctx,
            &[server.clone(), client.clone(), te.clone()],
            &mesh,
            &waypoint_sites(&[]),
        );
        r.verdicts
            .into_iter()
            .filter(|v| v.verdict == VerdictKind::ExpectedMissing)
            .map(|v| v.plugin)
            .collect::<Vec<_>>()
    };
    assert_eq!(missing(30), ["shop/server", "shop/te"]);
    assert_eq!(missing(29), ["shop/server"]);
}

/// Attached through its service's namespace (1.25+) is still not served: ECDS answers by
/// name only for the proxy's and the root namespace (`WasmPluginsByName`,
/// `TrafficExtensionsByName`), so the present filter's verdict says its config never arrives.
#[test]
fn a_plugin_from_the_service_namespace_is_placed_but_never_served() {
    let p = plugin("shop", "audit", &[("Service", "reviews")]);
    let mut ctx = waypoint();
    ctx.namespace = Some("infra".into());
    let r = check_intent(
        &ctx,
        &[p],
        &MeshFacts::default(),
        &waypoint_sites(&["shop.audit"]),
    );
    let v = r
        .verdicts
        .iter()
        .find(|v| v.plugin == "shop/audit")
        .unwrap();
    assert_eq!(v.verdict, VerdictKind::ExpectedPresent);
    assert!(
        v.detail.contains("never serves its ECDS config"),
        "{}",
        v.detail
    );
}
