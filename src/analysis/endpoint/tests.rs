use super::*;

fn cla(json: &str) -> ClusterLoadAssignment<'_> {
    serde_json::from_str(json).unwrap()
}

const TWO: &str = r#"{"cluster_name": "outbound|80||a.default.svc.cluster.local", "endpoints": [
  {"locality": {"region": "r", "sub_zone": "s"}, "lb_endpoints": [
    {"endpoint": {"address": {"socket_address": {"address": "10.0.0.1", "port_value": 80}},
                  "additional_addresses": [{"address": {"socket_address": {"address": "fd00::1", "port_value": 80}}}]},
     "health_status": "HEALTHY"},
    {"endpoint": {"address": {"envoy_internal_address": {"server_listener_name": "connect_originate", "endpoint_id": "10.0.0.2:80"}}},
     "healthStatus": 2}]},
  {"locality": {"region": "r", "zone": "z", "subZone": "s"}, "lbEndpoints": [
    {"endpoint": {"address": {"pipe": {"path": "/sock"}}}}, {}]}]}"#;

/// Follows `retrieveEndpointAddresses`, `LocalityToString` and `HealthStatus.String()`.
#[test]
fn rows_as_the_eds_writer_prints_them() {
    let c = cla(TWO);
    let rows = endpoint_rows(&c, &EndpointFilter::default());
    let got: Vec<(String, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.addresses.join(","),
                r.status.as_str(),
                r.locality.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "10.0.0.1:80,[fd00::1]:80".replace("[fd00::1]", "fd00::1"),
                "HEALTHY",
                "r"
            ),
            (
                "envoy://connect_originate/10.0.0.2:80".into(),
                "UNHEALTHY",
                "r"
            ),
            ("/sock".into(), "UNKNOWN", "r/z/s"),
            ("unknown".into(), "UNKNOWN", "r/z/s"),
        ]
    );
}

/// Follows `EndpointFilter.Verify`: any address without case, the primary port, the
/// cluster and the status name without case.
#[test]
fn filters_as_verify() {
    let c = cla(TWO);
    let count = |f: EndpointFilter| endpoint_rows(&c, &f).len();
    let by_address = |a: &str| EndpointFilter {
        address: a.into(),
        ..EndpointFilter::default()
    };
    assert_eq!(count(by_address("FD00::1:80")), 1);
    assert_eq!(count(by_address("10.0.0.1")), 0);
    let by_port = EndpointFilter {
        port: 80,
        ..EndpointFilter::default()
    };
    assert_eq!(count(by_port), 1);
    let by_status = EndpointFilter {
        status: "unhealthy".into(),
        ..EndpointFilter::default()
    };
    assert_eq!(count(by_status), 1);
    let by_cluster = EndpointFilter {
        cluster: "OUTBOUND|80||A.default.svc.cluster.local".into(),
        ..EndpointFilter::default()
    };
    assert_eq!(count(by_cluster), 4);
}

/// `retrieveSortedEndpointsSlice`: assignments without a kept endpoint are dropped, the
/// rest in the cluster order.
#[test]
fn assignments_sorted_and_dropped() {
    let a = cla(TWO);
    let b = cla(r#"{"cluster_name": "agent", "endpoints": [{"lb_endpoints": [{}]}]}"#);
    let empty = cla(r#"{"cluster_name": "0empty"}"#);
    let mut items = vec![&a, &empty, &b];
    select_assignments(&mut items, |c| c, &EndpointFilter::default());
    let names: Vec<&str> = items.iter().map(|c| c.cluster_name.as_ref()).collect();
    assert_eq!(names, ["outbound|80||a.default.svc.cluster.local", "agent"]);
}
