//! The HBONE leg of a waypoint (DOMAIN.md §3.1): `connect_terminate`'s CONNECT route
//! (Envoy `RouteMatcher::findVirtualHost`, `ConnectRouteEntryImpl`) to the internal
//! listener its cluster names.

use super::*;

fn listener(json: &str) -> Listener<'_> {
    serde_json::from_str(json).unwrap()
}

fn terminate(route_config: &str) -> String {
    format!(
        r#"{{"name":"connect_terminate","address":{{"socket_address":{{"address":"0.0.0.0","port_value":15008}}}},
        "filter_chains":[{{"filters":[{{"name":"envoy.filters.network.http_connection_manager","typed_config":{{
          "@type":"type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
          "stat_prefix":"connect_terminate",{route_config}}}}}]}}]}}"#
    )
}

const CONNECT_TO_MAIN: &str = r#""route_config":{"name":"default","virtual_hosts":[{"name":"default","domains":["*"],
    "routes":[{"match":{"prefix":"/"},"route":{"cluster":"not-for-connect"}},
              {"match":{"connect_matcher":{}},"route":{"cluster":"main_internal"}}]}]}"#;
const INTERNAL: &str = r#"{"name":"main_internal","internal_listener":{}}"#;

fn conn() -> Connection {
    Connection {
        dst_port: 8000,
        dst_ip: "10.96.88.150".parse().unwrap(),
        server_name: None,
        transport: "raw_buffer".into(),
        alpn: Vec::new(),
        direct_src_ip: "10.0.0.2".parse().unwrap(),
        src_local: false,
        src_ip: "10.0.0.2".parse().unwrap(),
        src_port: 40000,
        filter_state: Vec::new(),
    }
}

fn run(jsons: &[&str]) -> HboneWay {
    let ls: Vec<Listener<'_>> = jsons.iter().map(|j| listener(j)).collect();
    let refs: Vec<&Listener<'_>> = ls.iter().collect();
    let c = conn();
    hbone_way(
        &refs,
        (c.dst_ip, c.dst_port),
        &c,
        &MatcherSemantics::current(),
    )
}

/// The first route whose match holds for CONNECT (`connect_matcher`) is taken; a prefix
/// route never matches a CONNECT request.
#[test]
fn the_connect_route_leads_to_the_internal_listener() {
    let t = terminate(CONNECT_TO_MAIN);
    let w = run(&[&t, INTERNAL]);
    assert_eq!(w.gap, None);
    assert_eq!(w.cluster.as_deref(), Some("main_internal"));
    let kinds: Vec<_> = w.way.hops.iter().map(|h| (h.listener, h.kind)).collect();
    assert_eq!(
        kinds,
        [(0, HopKind::HboneTerminated), (1, HopKind::Tunnelled)]
    );
}

#[test]
fn each_gap_is_named() {
    assert_eq!(run(&[INTERNAL]).gap, Some(HboneGap::NoTerminateListener));
    let t = terminate(CONNECT_TO_MAIN);
    assert_eq!(
        run(&[&t]).gap,
        Some(HboneGap::NoInternalListener {
            cluster: "main_internal".into()
        })
    );
    let rds = terminate(r#""rds":{"route_config_name":"hbone"}"#);
    assert_eq!(
        run(&[&rds, INTERNAL]).gap,
        Some(HboneGap::RouteFromRds {
            route: "hbone".into()
        })
    );
    let no_connect = terminate(
        r#""route_config":{"virtual_hosts":[{"domains":["*"],"routes":[{"match":{"prefix":"/"},"route":{"cluster":"x"}}]}]}"#,
    );
    assert_eq!(
        run(&[&no_connect, INTERNAL]).gap,
        Some(HboneGap::NoConnectRoute)
    );
}

/// `RouteMatcher::findVirtualHost`: exact, then the longest suffix wildcard, then the
/// longest prefix wildcard, then `*`; the host is compared with its port.
#[test]
fn virtual_host_follows_envoys_domain_order() {
    let rc: RouteConfiguration<'_> = serde_json::from_str(
        r#"{"virtual_hosts":[
            {"name":"any","domains":["*"]},
            {"name":"suffix","domains":["*.example.com:80"]},
            {"name":"longer-suffix","domains":["*.b.example.com:80"]},
            {"name":"prefix","domains":["api.*"]},
            {"name":"exact","domains":["API.example.com:80"]}]}"#,
    )
    .unwrap();
    let pick = |h: &str| virtual_host(&rc, h).map(|v| v.name.to_string());
    assert_eq!(pick("api.example.com:80").as_deref(), Some("exact"));
    assert_eq!(pick("x.b.example.com:80").as_deref(), Some("longer-suffix"));
    assert_eq!(pick("x.example.com:80").as_deref(), Some("suffix"));
    assert_eq!(pick("api.other:80").as_deref(), Some("prefix"));
    assert_eq!(pick("10.96.1.1:9080").as_deref(), Some("any"));
    // The port is part of the host: without it the exact domain does not hold.
    assert_eq!(pick("api.example.com").as_deref(), Some("prefix"));
}
