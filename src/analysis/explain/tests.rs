//! Tests for [`super::explain_listener`] and [`super::inspector_state`].

use super::*;

fn listener(json: &str) -> Listener<'_> {
    serde_json::from_str(json).unwrap()
}

#[test]
fn chain_info_reads_match_tls_and_pipeline() {
    let l = listener(
        r#"{"name":"virtualInbound","listener_filters":[{"name":"envoy.filters.listener.tls_inspector"}],
          "filter_chains":[
            {"name":"mtls","filter_chain_match":{"destination_port":80,"transport_protocol":"tls",
               "application_protocols":["istio-http/1.1"]},
             "transport_socket":{"name":"envoy.transport_sockets.tls","typed_config":{
               "@type":"type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
               "require_client_certificate":true}},
             "filters":[{"name":"istio.metadata_exchange","typed_config":{"@type":"x"}},
               {"name":"envoy.filters.network.http_connection_manager","typed_config":{
                 "http_filters":[{"name":"default.helloworld","config_discovery":{"type_urls":[
                   "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}},
                   {"name":"envoy.filters.http.router"}],
                 "route_config":{"name":"inbound|80||","virtual_hosts":[{"domains":["*"],
                   "routes":[{"match":{"prefix":"/"},"route":{"cluster":"inbound|80||"}}]}]}}}]},
            {"name":"pass","filter_chain_match":{"transport_protocol":"tls"},
             "filters":[{"name":"envoy.filters.network.tcp_proxy","typed_config":{"cluster":"c"}}]},
            {"name":"http","filter_chain_match":{"transport_protocol":"raw_buffer","application_protocols":["http/1.1"]}}
          ],
          "default_filter_chain":{"name":"d"}}"#,
    );
    let e = explain_listener(&l, &[]);
    assert_eq!(e.chains.len(), 4);
    let mtls = &e.chains[0];
    assert_eq!((mtls.position, mtls.total), (1, 3));
    assert_eq!(mtls.traffic, Some(TrafficKind::IstioMutualTls));
    assert_eq!(mtls.needs, [Inspector::Tls]);
    assert_eq!(
        mtls.tls,
        TlsHandling::Terminates {
            require_client_certificate: true
        }
    );
    match &mtls.stages[1] {
        Stage::Http {
            filters,
            route: RouteInfo::Inline { name, clusters },
        } => {
            assert!(filters[0].is_user_wasm && !filters[1].is_user_wasm);
            assert_eq!(
                (name.as_str(), clusters.as_slice()),
                ("inbound|80||", &["inbound|80||".to_string()][..])
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(e.chains[1].tls, TlsHandling::PassesThrough);
    assert_eq!(e.chains[2].traffic, Some(TrafficKind::PlaintextHttp));
    assert_eq!(e.chains[2].needs, [Inspector::Http]);
    assert!(e.chains[3].is_default);
    assert_eq!(
        e.warnings.last(),
        Some(&Warning::DefaultChain { name: "d".into() })
    );
    // The plaintext-ALPN chain needs an HTTP inspector the listener lacks.
    assert!(e.warnings.contains(&Warning::MissingInspector {
        chain: 2,
        inspector: Inspector::Http,
        state: InspectorState::Absent,
        port: None,
    }));
}

#[test]
fn inspector_state_follows_filter_disabled() {
    let l = listener(
        r#"{"listener_filters":[{"name":"envoy.filters.listener.http_inspector",
             "filter_disabled":{"or_match":{"rules":[{"destination_port_range":{"start":80,"end":81}}]}}},
           {"name":"custom","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"}}]}"#,
    );
    assert_eq!(
        inspector_state(&l, Inspector::Http, 80),
        InspectorState::Disabled
    );
    assert_eq!(
        inspector_state(&l, Inspector::Http, 81),
        InspectorState::Active
    );
    assert_eq!(
        inspector_state(&l, Inspector::Tls, 80),
        InspectorState::Active
    );
    let none = listener("{}");
    assert_eq!(
        inspector_state(&none, Inspector::Tls, 80),
        InspectorState::Absent
    );
}
