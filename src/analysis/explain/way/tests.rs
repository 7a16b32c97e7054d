//! The hand-off rules of Envoy's `ActiveTcpSocket::newConnection` (a restored destination
//! on a `use_original_dst` listener goes to `ConnectionHandlerImpl::
//! getBalancedHandlerByAddress`: exact `IP:PORT`, then `0.0.0.0:PORT` / `[::]:PORT`, else
//! the capture listener's own chains), DOMAIN.md §3.1.

use super::*;

fn listener(json: &str) -> Listener<'_> {
    serde_json::from_str(json).unwrap()
}

const INBOUND: &str = r#"{"name":"virtualInbound","address":{"socket_address":{"address":"0.0.0.0","port_value":15006}},
    "listener_filters":[{"name":"envoy.filters.listener.original_dst"}]}"#;
const OUTBOUND: &str = r#"{"name":"virtualOutbound","address":{"socket_address":{"address":"0.0.0.0","port_value":15001}},
    "use_original_dst":true}"#;
const ANY_9080: &str = r#"{"name":"0.0.0.0_9080","address":{"socket_address":{"address":"0.0.0.0","port_value":9080}}}"#;
const VIP_9080: &str = r#"{"name":"10.96.1.1_9080","address":{"socket_address":{"address":"10.96.1.1","port_value":9080}}}"#;
const DNS: &str = r#"{"name":"10.96.0.10_53","address":{"socket_address":{"address":"10.96.0.10","port_value":53}}}"#;
const INTERNAL: &str = r#"{"name":"main_internal","internal_listener":{}}"#;

fn run(jsons: &[&str], dst: &str, port: u32, direction: Option<Direction>) -> Option<Way> {
    let ls: Vec<Listener<'_>> = jsons.iter().map(|j| listener(j)).collect();
    let refs: Vec<&Listener<'_>> = ls.iter().collect();
    let pod: [IpAddr; 1] = ["10.244.0.7".parse().unwrap()];
    way(&refs, dst.parse().unwrap(), port, direction, &pod)
}

fn hops(w: &Way) -> Vec<(usize, HopKind)> {
    w.hops.iter().map(|h| (h.listener, h.kind)).collect()
}

/// Outbound by default: `virtualOutbound` hands the connection to the listener bound to
/// the port; the `original_dst` restores 10.0.0.1:9080 first.
#[test]
fn outbound_is_handed_off_to_the_any_address_listener() {
    let all = [INBOUND, OUTBOUND, ANY_9080, DNS, INTERNAL];
    let w = run(&all, "10.0.0.1", 9080, None).unwrap();
    assert_eq!(
        hops(&w),
        vec![
            (1, HopKind::Captured(Direction::Outbound)),
            (2, HopKind::HandedOffAnyAddress)
        ]
    );
    assert!(!w.kept);
    assert_eq!(
        w.direction,
        Some((Direction::Outbound, DirectionSource::Default))
    );
}

/// `getBalancedHandlerByAddress` looks the exact address up first.
#[test]
fn exact_address_beats_the_any_address() {
    let all = [OUTBOUND, ANY_9080, VIP_9080];
    let w = run(&all, "10.96.1.1", 9080, None).unwrap();
    assert_eq!(hops(&w)[1], (2, HopKind::HandedOffExact));
    let w = run(&all, "10.0.0.7", 9080, None).unwrap();
    assert_eq!(hops(&w)[1], (1, HopKind::HandedOffAnyAddress));
}

/// No listener for the destination: the capture listener's own chains decide (Istio's
/// `PassthroughCluster` or `BlackHoleCluster`).
#[test]
fn without_a_bound_listener_virtual_outbound_keeps_the_connection() {
    let w = run(&[INBOUND, OUTBOUND, DNS], "10.0.0.1", 9080, None).unwrap();
    assert_eq!(hops(&w), vec![(1, HopKind::Captured(Direction::Outbound))]);
    assert!(w.kept);
}

/// `virtualInbound` has no `use_original_dst`: it keeps every connection, even one to a
/// port another listener binds.
#[test]
fn inbound_is_kept_by_virtual_inbound() {
    let all = [INBOUND, OUTBOUND, ANY_9080];
    let w = run(&all, "10.0.0.1", 9080, Some(Direction::Inbound)).unwrap();
    assert_eq!(hops(&w), vec![(0, HopKind::Captured(Direction::Inbound))]);
    assert!(w.kept);
    assert_eq!(
        w.direction,
        Some((Direction::Inbound, DirectionSource::Flag))
    );
}

/// A destination that is the pod's own address is inbound without `--direction`.
#[test]
fn the_pods_own_address_is_inbound() {
    let w = run(&[INBOUND, OUTBOUND, ANY_9080], "10.244.0.7", 9080, None).unwrap();
    assert_eq!(
        w.direction,
        Some((Direction::Inbound, DirectionSource::PodAddress))
    );
    assert_eq!(hops(&w), vec![(0, HopKind::Captured(Direction::Inbound))]);
}

/// A gateway has no capture listener: the listener bound to the destination takes it, and
/// a port nothing binds is refused.
#[test]
fn without_capture_listeners_the_bound_listener_takes_it() {
    let w = run(&[ANY_9080, DNS, INTERNAL], "10.0.0.1", 9080, None).unwrap();
    assert_eq!(hops(&w), vec![(0, HopKind::Bound)]);
    assert_eq!(w.direction, None);
    assert_eq!(run(&[ANY_9080, DNS], "10.0.0.1", 8080, None), None);
}

#[test]
fn ipv6_any_address_serves_ipv4_only_with_ipv4_compat() {
    let v6 = r#"{"name":"v6","address":{"socket_address":{"address":"::","port_value":9080}}}"#;
    let compat = r#"{"name":"c","address":{"socket_address":{"address":"::","port_value":9080,"ipv4_compat":true}}}"#;
    assert_eq!(run(&[v6], "10.0.0.1", 9080, None), None);
    assert!(run(&[v6], "fd00::1", 9080, None).is_some());
    assert!(run(&[compat], "10.0.0.1", 9080, None).is_some());
}

#[test]
fn additional_addresses_count() {
    let l = r#"{"name":"dual","address":{"socket_address":{"address":"0.0.0.0","port_value":9080}},
        "additional_addresses":[{"address":{"socket_address":{"address":"::","port_value":9080}}}]}"#;
    assert!(run(&[OUTBOUND, l], "fd00::1", 9080, None).is_some_and(|w| !w.kept));
}

/// Internal listeners have no socket: no hand-off reaches them.
#[test]
fn internal_listeners_are_never_handed_off_to() {
    let w = run(&[OUTBOUND, INTERNAL], "10.0.0.1", 9080, None).unwrap();
    assert!(w.kept);
}
