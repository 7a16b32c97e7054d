//! Which listeners could take a connection to `IP:PORT` when the user names no listener
//! (`explain --dst-port` without `--port`; DOMAIN.md §3.1). Envoy picks the listener by the
//! socket the connection arrives on, and a capture listener with `use_original_dst` hands
//! the connection off by its restored destination: to the listener bound to exactly that
//! `IP:PORT`, else to the any-address listener on `PORT` (Envoy
//! `ConnectionHandlerImpl::getBalancedHandlerByAddress`). Whether a connection arrives
//! inbound or outbound is not in the dump, so every listener that could take it is kept.

use std::net::IpAddr;

use crate::envoy::{Listener, SocketAddress};

/// Why a listener could take the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidacy {
    /// It binds the destination `IP:PORT` (or the any-address on `PORT`): connections
    /// arrive on its socket or are handed off to it.
    Bound,
    /// It restores the original destination and keeps the connection (Istio's
    /// `virtualInbound`).
    Captures,
    /// It hands connections off by original destination, but no listener is bound to this
    /// one, so its own chains decide (Istio's `virtualOutbound` to an unknown port).
    CapturesNoHandOff,
    /// An internal listener: reached by internal redirection, whatever the port.
    Internal,
}

/// For each listener, why it could take a connection to `dst_ip:dst_port`, or `None`.
pub fn candidates(
    listeners: &[&Listener<'_>],
    dst_ip: IpAddr,
    dst_port: u32,
) -> Vec<Option<Candidacy>> {
    let exact = listeners
        .iter()
        .any(|l| binds(l, dst_port, |a| parse(a) == Some(dst_ip)));
    // The kernel and Envoy's hand-off both prefer the exact address to the any-address.
    let bound = |l: &Listener<'_>| {
        if exact {
            binds(l, dst_port, |a| parse(a) == Some(dst_ip))
        } else {
            binds(l, dst_port, |a| serves_as_any_address(a, dst_ip))
        }
    };
    let hand_off_target = listeners.iter().any(|l| bound(l));
    listeners
        .iter()
        .map(|l| {
            if l.is_internal() {
                Some(Candidacy::Internal)
            } else if bound(l) {
                Some(Candidacy::Bound)
            } else if l.hands_off() {
                (!hand_off_target).then_some(Candidacy::CapturesNoHandOff)
            } else if l.restores_original_dst() {
                Some(Candidacy::Captures)
            } else {
                None
            }
        })
        .collect()
}

fn binds(l: &Listener<'_>, port: u32, fits: impl Fn(&SocketAddress<'_>) -> bool) -> bool {
    l.socket_addresses()
        .any(|a| a.port_value == port && fits(a))
}

fn parse(a: &SocketAddress<'_>) -> Option<IpAddr> {
    a.address.parse().ok()
}

/// An any-address of the destination's family; an IPv6 one with `ipv4_compat` also
/// serves IPv4.
fn serves_as_any_address(a: &SocketAddress<'_>, dst: IpAddr) -> bool {
    match (parse(a), dst) {
        (Some(IpAddr::V4(b)), IpAddr::V4(_)) => b.is_unspecified(),
        (Some(IpAddr::V6(b)), IpAddr::V6(_)) => b.is_unspecified(),
        (Some(IpAddr::V6(b)), IpAddr::V4(_)) => b.is_unspecified() && a.ipv4_compat == Some(true),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
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

    fn run(jsons: &[&str], ip: &str, port: u32) -> Vec<Option<Candidacy>> {
        let ls: Vec<Listener<'_>> = jsons.iter().map(|j| listener(j)).collect();
        let refs: Vec<&Listener<'_>> = ls.iter().collect();
        candidates(&refs, ip.parse().unwrap(), port)
    }

    /// `getBalancedHandlerByAddress`: a listener bound to the port takes the hand-off, so
    /// `virtualOutbound` does not keep the connection; `virtualInbound` always keeps it.
    #[test]
    fn bound_listener_takes_the_hand_off_from_virtual_outbound() {
        let got = run(
            &[INBOUND, OUTBOUND, ANY_9080, DNS, INTERNAL],
            "10.0.0.1",
            9080,
        );
        assert_eq!(
            got,
            vec![
                Some(Candidacy::Captures),
                None,
                Some(Candidacy::Bound),
                None,
                Some(Candidacy::Internal)
            ]
        );
    }

    #[test]
    fn without_a_bound_listener_virtual_outbound_keeps_the_connection() {
        let got = run(&[INBOUND, OUTBOUND, DNS], "10.0.0.1", 9080);
        assert_eq!(
            got,
            vec![
                Some(Candidacy::Captures),
                Some(Candidacy::CapturesNoHandOff),
                None
            ]
        );
    }

    /// The exact `IP:PORT` listener wins over the any-address one.
    #[test]
    fn exact_address_beats_the_any_address() {
        let got = run(&[ANY_9080, VIP_9080], "10.96.1.1", 9080);
        assert_eq!(got, vec![None, Some(Candidacy::Bound)]);
        let got = run(&[ANY_9080, VIP_9080], "10.0.0.7", 9080);
        assert_eq!(got, vec![Some(Candidacy::Bound), None]);
    }

    #[test]
    fn ipv6_any_address_serves_ipv4_only_with_ipv4_compat() {
        let v6 = r#"{"name":"v6","address":{"socket_address":{"address":"::","port_value":9080}}}"#;
        let compat = r#"{"name":"c","address":{"socket_address":{"address":"::","port_value":9080,"ipv4_compat":true}}}"#;
        assert_eq!(run(&[v6], "10.0.0.1", 9080), vec![None]);
        assert_eq!(run(&[v6], "fd00::1", 9080), vec![Some(Candidacy::Bound)]);
        assert_eq!(
            run(&[compat], "10.0.0.1", 9080),
            vec![Some(Candidacy::Bound)]
        );
    }

    #[test]
    fn additional_addresses_count() {
        let l = r#"{"name":"dual","address":{"socket_address":{"address":"0.0.0.0","port_value":9080}},
            "additional_addresses":[{"address":{"socket_address":{"address":"::","port_value":9080}}}]}"#;
        assert_eq!(run(&[l], "fd00::1", 9080), vec![Some(Candidacy::Bound)]);
    }
}
