//! Unit tests of the placement map.

use super::*;

const WASM: &str = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

fn listener(json: &str) -> Listener<'_> {
    serde_json::from_str(json).unwrap()
}

#[test]
fn maps_http_and_network_filters_with_positions() {
    let json = format!(
        r#"{{"name":"virtualInbound","traffic_direction":"INBOUND",
        "address":{{"socket_address":{{"address":"0.0.0.0","port_value":15006}}}},
        "filter_chains":[
         {{"name":"0.0.0.0_80","filter_chain_match":{{"destination_port":80,"transport_protocol":"tls"}},
          "filters":[{{"name":"extensions.istio.io/wasmplugin/default.net","config_discovery":{{"type_urls":["{n}"]}}}},
           {{"name":"envoy.filters.network.http_connection_manager","typed_config":{{"http_filters":[
            {{"name":"istio.metadata_exchange"}},
            {{"name":"default.hw","config_discovery":{{"type_urls":["{WASM}"]}}}},
            {{"name":"envoy.filters.http.router"}}]}}}}]}},
         {{"name":"virtualInbound-blackhole","filter_chain_match":{{"destination_port":15006}},
          "filters":[{{"name":"envoy.filters.network.tcp_proxy","typed_config":{{"cluster":"BlackHoleCluster"}}}}]}}]}}"#,
        n = crate::envoy::wasm::NETWORK_WASM_TYPE
    );
    let l = listener(&json);
    let sites = chain_sites(&[(ListenerState::Active, &l)], ProxyKind::Sidecar);
    assert_eq!(sites.len(), 2);
    assert_eq!((sites[0].port, sites[0].has_hcm), (80, true));
    assert_eq!((sites[1].port, sites[1].is_blackhole), (0, true));
    let reports = count_placements(&sites);
    let names: Vec<_> = reports.iter().map(|r| r.filter.as_str()).collect();
    assert_eq!(
        names,
        ["default.hw", "extensions.istio.io/wasmplugin/default.net"]
    );
    let hw = &reports[0];
    assert_eq!(hw.plugin.as_deref(), Some("default/hw"));
    assert_eq!(hw.istio_versions, Some("1.12-1.20"));
    assert_eq!(hw.by_transport.get("tls"), Some(&1));
    assert_eq!(hw.by_direction.get("inbound"), Some(&1));
    let p = &hw.placements[0];
    assert_eq!((p.position, p.of), (2, 3));
    assert_eq!(p.after.as_deref(), Some("istio.metadata_exchange"));
    assert_eq!(p.before.as_deref(), Some("envoy.filters.http.router"));
    assert_eq!(reports[1].level, FilterLevel::Network);
    assert_eq!(reports[1].istio_versions, Some("1.26-1.29"));
}

#[test]
fn gateway_listeners_are_gateway_direction() {
    let l = listener(r#"{"name":"0.0.0.0_8080","traffic_direction":"OUTBOUND"}"#);
    assert_eq!(
        ProxyKind::from_node_id("router~10.0.0.1~gw.ns~ns.svc"),
        ProxyKind::Gateway
    );
    let sites = chain_sites(&[(ListenerState::Active, &l)], ProxyKind::Gateway);
    assert!(sites.is_empty());
    assert_eq!(ProxyKind::from_node_id(""), ProxyKind::Unknown);
}

/// Waypoint chains are inbound (SERVER class) with listener port 0, as istiod builds them
/// (`pilot/pkg/networking/core/listener_waypoint.go`: `ListenerInfo{Class: SidecarInbound}`
/// and no port); before, they read direction `gateway` and the chain's port.
#[test]
fn waypoint_chains_are_inbound_with_port_0() {
    let l = listener(
        r#"{"name":"main_internal","traffic_direction":"INBOUND","filter_chains":[{"name":"inbound-vip|9080|http|reviews.default.svc.cluster.local",
        "filter_chain_match":{"destination_port":9080},
        "filters":[{"name":"envoy.filters.network.http_connection_manager","typed_config":{"http_filters":[
          {"name":"extensions.istio.io/wasmplugin/default.a","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}},
          {"name":"envoy.filters.http.router"}]}}]}]}"#,
    );
    let sites = chain_sites(&[(ListenerState::Active, &l)], ProxyKind::Waypoint);
    let got: Vec<_> = sites.iter().map(|s| (s.direction, s.port)).collect();
    assert_eq!(got, [(Direction::Inbound, 0)]);
    let sites = chain_sites(&[(ListenerState::Active, &l)], ProxyKind::Sidecar);
    assert_eq!(sites[0].port, 9080);
}
