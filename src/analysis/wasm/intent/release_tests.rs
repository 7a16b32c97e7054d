//! Unit tests of the attachment rules release by release (`istio::policy_attachment`): one
//! test per change in istio/istio `pilot/pkg/model/policyattachment.go`, read at the X.Y.0
//! tags on each side — `WasmPluginWrapper.MatchListener` (1.19, selector only),
//! `getPolicyMatcher` (1.20–1.21), `ShouldAttachPolicy` (1.22, 1.24, 1.25).

use super::attach::{applies, applies_on_waypoint};
use super::*;
use crate::analysis::wasm::placement::chain_sites;
use crate::envoy::Listener;
use crate::istio::service_entry::ServiceEntryHosts;
use crate::istio::wasm_plugin::{Phase, TargetRef};

/// `main_internal`'s per-service chains for shop/reviews and the external api.example.com.
fn waypoint_chains() -> Vec<ChainSite> {
    let hcm = r#"[{"name":"envoy.filters.network.http_connection_manager","typed_config":{"http_filters":[{"name":"envoy.filters.http.router"}]}}]"#;
    let text = format!(
        r#"{{"name":"main_internal","filter_chains":[
        {{"name":"inbound-vip|9080|http|reviews.shop.svc.cluster.local","filters":{hcm}}},
        {{"name":"inbound-vip|443|http|api.example.com","filters":{hcm}}}]}}"#
    );
    let l: Listener = serde_json::from_str(&text).unwrap();
    chain_sites(&[(ListenerState::Active, &l)], ProxyKind::Waypoint)
}

fn plugin(namespace: &str) -> WasmPluginSpec {
    WasmPluginSpec {
        phase: Phase::Authn,
        ..WasmPluginSpec::named(namespace, "p")
    }
}

fn reference(group: &str, kind: &str, name: &str) -> TargetRef {
    TargetRef {
        group: group.into(),
        kind: kind.into(),
        name: name.into(),
        namespace: String::new(),
    }
}

/// `plugin(namespace)` with `targetRefs: [r]`.
fn targeting(namespace: &str, r: TargetRef) -> WasmPluginSpec {
    let mut p = plugin(namespace);
    p.target_refs = vec![r];
    p
}

fn proxy(kind: ProxyKind, label: &str, gateway: &str, minor: u32) -> ProxyContext {
    ProxyContext {
        kind,
        namespace: Some("shop".into()),
        labels: BTreeMap::from([(label.into(), gateway.into())]),
        istio_minor: Some(minor),
        root_namespace: "istio-system".into(),
    }
}

const LABEL: &str = "gateway.networking.k8s.io/gateway-name";
const GW: &str = "gateway.networking.k8s.io";

fn waypoint(minor: u32) -> ProxyContext {
    proxy(ProxyKind::Waypoint, LABEL, "waypoint", minor)
}

/// Whether `p` attaches on the waypoint's chain `chain` (0: reviews, 1: api.example.com).
fn on_waypoint(
    p: &WasmPluginSpec,
    minor: u32,
    chain: usize,
    entries: &[ServiceEntryHosts],
) -> Result<(), String> {
    applies_on_waypoint(
        p,
        &waypoint(minor),
        "shop",
        &waypoint_chains()[chain],
        entries,
    )
}

/// 1.25 added `if p.WorkloadNamespace != policyName.Namespace { continue }` before the
/// Gateway match: a root-namespace plugin naming the gateway attached until 1.24.
#[test]
fn a_root_namespace_gateway_ref_attaches_until_1_24() {
    let p = targeting("istio-system", reference(GW, "Gateway", "web"));
    let gateway = |m| proxy(ProxyKind::Gateway, LABEL, "web", m);
    assert_eq!(applies(&p, &gateway(24), "shop"), Ok(()));
    let why = applies(&p, &gateway(25), "shop").unwrap_err();
    assert!(
        why.contains("only from the gateway's own namespace"),
        "{why}"
    );
}

/// `targetRefs` exists from 1.22 (`GetTargetRefs`); 1.20–1.21's `getPolicyMatcher` reads
/// `targetRef` only, so a plugin with only `targetRefs` has no ref there and no selector:
/// it applies to the whole namespace.
#[test]
fn target_refs_count_from_1_22_and_target_ref_from_1_20() {
    let elsewhere = targeting("shop", reference(GW, "Gateway", "api"));
    let gateway = |m| proxy(ProxyKind::Gateway, LABEL, "web", m);
    assert_eq!(applies(&elsewhere, &gateway(21), "shop"), Ok(()));
    assert!(applies(&elsewhere, &gateway(22), "shop").is_err());
    let mut singular = plugin("shop");
    singular.target_ref = Some(reference(GW, "Gateway", "api"));
    assert_eq!(applies(&singular, &gateway(19), "shop"), Ok(()));
    let legacy = proxy(ProxyKind::Gateway, "istio.io/gateway-name", "web", 20);
    let why = applies(&singular, &legacy, "shop").unwrap_err();
    assert!(why.contains("this proxy is gateway web"), "{why}");
    // A sidecar ignores a policy with a targetRef from 1.20, and never knew the field before.
    let sidecar = proxy(ProxyKind::Sidecar, "app", "x", 20);
    assert!(applies(&singular, &sidecar, "shop").is_err());
    let sidecar = proxy(ProxyKind::Sidecar, "app", "x", 19);
    assert_eq!(applies(&singular, &sidecar, "shop"), Ok(()));
}

/// `constants.GatewayNameLabel` was `istio.io/gateway-name` in 1.20; 1.21–1.23 fall back to
/// it (`KubernetesGatewayNameAndExists`, `workloadGatewayName`); 1.24 reads only the Gateway
/// API label, so a gateway with only the old label is a classic gateway there.
#[test]
fn the_gateway_name_label_follows_the_release() {
    let p = targeting("shop", reference(GW, "Gateway", "web"));
    let old = |m| proxy(ProxyKind::Gateway, "istio.io/gateway-name", "web", m);
    assert_eq!(applies(&p, &old(23), "shop"), Ok(()));
    let why = applies(&p, &old(24), "shop").unwrap_err();
    assert!(why.contains("classic gateways"), "{why}");
    let new = |m| proxy(ProxyKind::Gateway, LABEL, "web", m);
    let mut singular = plugin("shop");
    singular.target_ref = Some(reference(GW, "Gateway", "web"));
    assert!(applies(&singular, &new(20), "shop").is_err());
    assert_eq!(applies(&singular, &new(21), "shop"), Ok(()));
}

/// In 1.20–1.21 a waypoint skips a selector-only policy but one with neither selector nor
/// targetRef falls through to `policyMatchSelector` with a nil selector and attaches; from
/// 1.22 a waypoint takes nothing without targetRefs. Before 1.20 the selector decides.
#[test]
fn unscoped_plugins_reach_waypoints_only_in_1_20_and_1_21() {
    let bare = plugin("shop");
    assert_eq!(on_waypoint(&bare, 21, 0, &[]), Ok(()));
    assert!(on_waypoint(&bare, 22, 0, &[]).is_err());
    let mut selected = plugin("shop");
    selected.selector = Some(BTreeMap::from([(LABEL.into(), "waypoint".into())]));
    assert_eq!(on_waypoint(&selected, 19, 0, &[]), Ok(()));
    let why = on_waypoint(&selected, 21, 0, &[]).unwrap_err();
    assert!(why.contains("ignores selectors"), "{why}");
}

/// Service refs attach on waypoints from 1.22. 1.22–1.23 compare the name with the chain's
/// service and the ref's namespace with the waypoint's, not the policy's namespace; 1.24
/// (`WithService` keeps the service's namespace) needs the policy in the service's namespace.
#[test]
fn service_refs_by_release() {
    let from_root = targeting("istio-system", reference("", "Service", "reviews"));
    let mut singular = plugin("istio-system");
    singular.target_ref = Some(reference("", "Service", "reviews"));
    let why = on_waypoint(&singular, 21, 0, &[]).unwrap_err();
    assert!(
        why.contains("Istio 1.21 attaches only Gateway refs"),
        "{why}"
    );
    assert_eq!(on_waypoint(&from_root, 22, 0, &[]), Ok(()));
    assert_eq!(on_waypoint(&from_root, 23, 0, &[]), Ok(()));
    let why = on_waypoint(&from_root, 24, 0, &[]).unwrap_err();
    assert!(why.contains("not the service's namespace shop"), "{why}");
    let own = targeting("shop", reference("core", "Service", "reviews"));
    assert_eq!(on_waypoint(&own, 24, 0, &[]), Ok(()));
    assert!(on_waypoint(&own, 24, 1, &[]).is_err());
}

/// ServiceEntry refs attach from 1.24, on the chains of the entry's hosts, from the entry's
/// namespace (`svc.Registry == provider.External`).
#[test]
fn service_entry_refs_from_1_24() {
    let entries = [ServiceEntryHosts {
        namespace: "shop".into(),
        name: "api".into(),
        hosts: vec!["api.example.com".into()],
    }];
    let p = targeting(
        "shop",
        reference("networking.istio.io", "ServiceEntry", "api"),
    );
    let why = on_waypoint(&p, 23, 1, &entries).unwrap_err();
    assert!(
        why.contains("attaches no ServiceEntry refs (from 1.24)"),
        "{why}"
    );
    assert_eq!(on_waypoint(&p, 24, 1, &entries), Ok(()));
    let why = on_waypoint(&p, 24, 0, &entries).unwrap_err();
    assert!(why.contains("Kubernetes service shop/reviews"), "{why}");
    let other = targeting(
        "shop",
        reference("networking.istio.io", "ServiceEntry", "other"),
    );
    let why = on_waypoint(&other, 30, 1, &entries).unwrap_err();
    assert!(why.contains("ServiceEntry shop/api"), "{why}");
}

/// `GatewayClass istio-waypoint` from the root namespace reaches every waypoint from 1.25.
#[test]
fn gateway_class_refs_from_1_25() {
    let p = targeting(
        "istio-system",
        reference(GW, "GatewayClass", "istio-waypoint"),
    );
    let why = on_waypoint(&p, 24, 0, &[]).unwrap_err();
    assert!(
        why.contains("attaches no GatewayClass refs (from 1.25)"),
        "{why}"
    );
    assert_eq!(on_waypoint(&p, 25, 0, &[]), Ok(()));
    assert_eq!(on_waypoint(&p, 25, 1, &[]), Ok(()));
}

/// TrafficExtension is new in 1.30: an older istiod has no such kind and builds nothing for it.
#[test]
fn traffic_extensions_from_1_30() {
    let mut p = targeting("shop", reference(GW, "Gateway", "web"));
    p.kind = PluginKind::TrafficExtension;
    let gateway = |m| proxy(ProxyKind::Gateway, LABEL, "web", m);
    let why = applies(&p, &gateway(29), "shop").unwrap_err();
    assert!(why.contains("Istio 1.29 has no TrafficExtension"), "{why}");
    assert_eq!(applies(&p, &gateway(30), "shop"), Ok(()));
}

/// 1.25's `WasmPluginsByListenerInfo` looks in the namespace of each chain's service too, so
/// a plugin in the service's namespace reaches a waypoint in another namespace; 1.24 looked
/// only in the waypoint's and the root namespace.
#[test]
fn a_shared_waypoint_takes_plugins_from_the_service_namespace_from_1_25() {
    let p = targeting("shop", reference("", "Service", "reviews"));
    let infra = |minor| ProxyContext {
        namespace: Some("infra".into()),
        ..waypoint(minor)
    };
    let site = &waypoint_chains()[0];
    let why = applies_on_waypoint(&p, &infra(24), "infra", site, &[]).unwrap_err();
    assert!(
        why.contains("neither the proxy's (infra) nor the root namespace"),
        "{why}"
    );
    assert_eq!(
        applies_on_waypoint(&p, &infra(25), "infra", site, &[]),
        Ok(())
    );
    // The other service's chain: the namespace is looked in, the ref does not fit.
    let other = targeting("shop", reference("", "Service", "ratings"));
    assert!(applies_on_waypoint(&other, &infra(25), "infra", site, &[]).is_err());
}
