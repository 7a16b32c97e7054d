use super::*;
use crate::analysis::explain::request::tests::{FakeDump, get};

fn route(json: &'static str) -> Route<'static> {
    serde_json::from_str(json).unwrap()
}

/// Follows `RouteEntryImplBase` (`WeightedClusterEntry`): each cluster with its weight, out
/// of the weights' sum when `total_weight` is not set.
#[test]
fn weighted_clusters_with_weights() {
    let a = action(
        &route(
            r#"{"route":{"weighted_clusters":{"clusters":[{"name":"v1","weight":80},{"name":"v2","weight":20}]}}}"#,
        ),
        &get("a", "/"),
    );
    assert_eq!(
        a,
        Action::WeightedClusters {
            clusters: vec![("v1".into(), 80), ("v2".into(), 20)],
            total: 100
        }
    );
    assert_eq!(a.targets().len(), 2);
}

/// Follows `RouteEntryImplBase::clusterEntry` for `cluster_header`: the cluster is the
/// request header's value; without the header, no cluster.
#[test]
fn cluster_header_from_the_request() {
    let r = route(r#"{"route":{"cluster_header":"X-Cluster"}}"#);
    let mut req = get("a", "/");
    assert!(action(&r, &req).targets().is_empty());
    req.headers.push(("x-cluster".into(), "c1".into()));
    assert_eq!(action(&r, &req).targets(), [("c1".to_string(), None)]);
}

/// Redirects and direct responses answer without a cluster.
#[test]
fn redirect_and_direct_response_have_no_cluster() {
    let r = route(r#"{"redirect":{"https_redirect":true,"host_redirect":"b"}}"#);
    let a = action(&r, &get("a", "/"));
    assert!(matches!(&a, Action::Redirect { scheme: Some(s), .. } if s == "https"));
    assert!(a.targets().is_empty());
    let r = route(r#"{"direct_response":{"status":502}}"#);
    assert_eq!(
        action(&r, &get("a", "/")),
        Action::DirectResponse {
            status: 502,
            has_body: false
        }
    );
}

/// Clusters: inline endpoints for non-EDS clusters, none listed for ORIGINAL_DST, Istio's
/// meanings, TLS origination per endpoint match, LB policy and circuit breakers.
#[test]
fn cluster_facts_and_endpoint_sources() {
    let dump = FakeDump {
        clusters: Some(vec![
            r#"{"name":"PassthroughCluster","type":"ORIGINAL_DST","lb_policy":"CLUSTER_PROVIDED"}"#,
            r#"{"name":"s","type":"STRICT_DNS","lb_policy":1,
               "load_assignment":{"endpoints":[{"lb_endpoints":[{"endpoint":{"address":{"socket_address":{"address":"api.example.com","port_value":443}}}}]}]},
               "transport_socket":{"name":"envoy.transport_sockets.tls","typed_config":{"sni":"api.example.com"}},
               "circuit_breakers":{"thresholds":[{"max_connections":10}]}}"#,
            r#"{"name":"m","type":"EDS","transport_socket_matches":[
               {"name":"tlsMode-istio","transport_socket":{"name":"envoy.transport_sockets.tls"}},
               {"name":"tlsMode-disabled","transport_socket":{"name":"envoy.transport_sockets.raw_buffer"}}]}"#,
        ]),
        endpoints: Some(vec![]),
        ..FakeDump::default()
    };
    let ups = upstreams(
        &[
            ("PassthroughCluster".into(), None),
            ("s".into(), None),
            ("m".into(), None),
        ],
        &dump,
    )
    .unwrap();
    assert_eq!(ups[0].istio, Some(IstioCluster::Passthrough));
    assert_eq!(ups[0].source, EndpointsSource::OriginalDestination);
    let s = ups[1].cluster.as_ref().unwrap();
    assert_eq!(s.lb_policy, "LEAST_REQUEST");
    assert_eq!(
        s.tls,
        TlsOrigination::Tls {
            sni: Some("api.example.com".into())
        }
    );
    assert_eq!(s.circuit_breakers[0].max_connections, Some(10));
    assert_eq!(ups[1].endpoints[0].addresses, ["api.example.com:443"]);
    let m = ups[2].cluster.as_ref().unwrap();
    assert_eq!(
        m.tls,
        TlsOrigination::PerEndpoint {
            matches: vec![
                ("tlsMode-istio".into(), true),
                ("tlsMode-disabled".into(), false)
            ]
        }
    );
    assert_eq!(
        ups[2].gap,
        Some(Gap::EndpointsMissing {
            service_name: "m".into()
        })
    );
    assert_eq!(
        istio_cluster("BlackHoleCluster"),
        Some(IstioCluster::BlackHole)
    );
}
