//! The way a connection takes through a proxy's listeners before chain selection
//! (DOMAIN.md §3.1): the listener iptables captures it on, then Envoy's hand-off by the
//! restored original destination, and so the listener whose chains decide.
//!
//! Envoy (`ActiveTcpListener::newConnection`, `ConnectionHandlerImpl::
//! getBalancedHandlerByAddress`): a listener with `use_original_dst` (Istio's
//! `virtualOutbound`) hands a connection whose destination was restored to the listener
//! bound to exactly that `IP:PORT`, else to the any-address listener on `PORT` (`[::]`
//! with `ipv4_compat` also serves IPv4); with neither, its own chains decide. A capture
//! listener without `use_original_dst` (`virtualInbound`) keeps every connection. A proxy
//! without capture listeners (a gateway, plain Envoy) takes a connection on the listener
//! bound to its destination.

use std::net::IpAddr;

use crate::analysis::explain::upstream::Leg;
use crate::envoy::{Listener, SocketAddress};

/// Which way a sidecar's connection goes: which capture listener iptables sends it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the application out (`virtualOutbound`, 15001).
    Outbound,
    /// Into the application (`virtualInbound`, 15006).
    Inbound,
}

/// How the direction was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectionSource {
    /// `--direction`.
    Flag,
    /// The destination IP is one of the pod's own (bootstrap `INSTANCE_IPS`): inbound.
    PodAddress,
    /// Neither: a connection the application opens, the usual question.
    Default,
}

/// Why a listener is on the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopKind {
    /// The capture listener iptables sends the connection to; it restores the original
    /// destination.
    Captured(Direction),
    /// Handed off to the listener bound to exactly the destination `IP:PORT`.
    HandedOffExact,
    /// Handed off to the any-address listener on the destination port.
    HandedOffAnyAddress,
    /// Bound to the destination (no capture listener on this proxy): connections arrive on
    /// its socket.
    Bound,
    /// Terminates an HBONE connection (mTLS, HTTP/2 CONNECT; a waypoint's
    /// `connect_terminate`).
    HboneTerminated,
    /// An internal listener the CONNECT route's cluster leads to; the tunnelled connection's
    /// destination is the CONNECT authority.
    Tunnelled,
}

/// One listener on the way, by its index in the listeners given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub listener: usize,
    pub kind: HopKind,
}

/// The way to the listener whose chains decide (the last hop).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Way {
    pub hops: Vec<Hop>,
    /// Whether a capture listener kept the connection: no listener was bound to its
    /// destination (outbound: Istio's passthrough or blackhole chain decides), or it never
    /// hands off (inbound).
    pub kept: bool,
    /// The direction used, when the proxy has capture listeners.
    pub direction: Option<(Direction, DirectionSource)>,
}

impl Way {
    /// The listener whose chains decide.
    pub fn last(&self) -> Option<usize> {
        self.hops.last().map(|h| h.listener)
    }
}

/// The way of a connection to `dst_ip:dst_port` that the proxy's own capture listeners
/// take (no `--port`). `direction` is `--direction`; `pod_ips` the proxy's own addresses.
/// `None`: no listener takes the connection (Envoy refuses it at the socket).
pub fn way(
    listeners: &[&Listener<'_>],
    dst_ip: IpAddr,
    dst_port: u32,
    direction: Option<Direction>,
    pod_ips: &[IpAddr],
) -> Option<Way> {
    let outbound = capture(listeners, Direction::Outbound);
    let inbound = capture(listeners, Direction::Inbound);
    if outbound.is_none() && inbound.is_none() {
        let listener = bound_to(listeners, dst_ip, dst_port, None)?.0;
        return Some(Way {
            hops: vec![Hop {
                listener,
                kind: HopKind::Bound,
            }],
            kept: false,
            direction: None,
        });
    }
    let (direction, source) = match direction {
        Some(d) => (d, DirectionSource::Flag),
        None if pod_ips.contains(&dst_ip) && inbound.is_some() => {
            (Direction::Inbound, DirectionSource::PodAddress)
        }
        None if outbound.is_some() => (Direction::Outbound, DirectionSource::Default),
        None => (Direction::Inbound, DirectionSource::Default),
    };
    let capture = match direction {
        Direction::Outbound => outbound,
        Direction::Inbound => inbound,
    };
    let Some(capture) = capture else {
        // A sidecar without this direction's capture listener: the destination's own.
        let listener = bound_to(listeners, dst_ip, dst_port, None)?.0;
        return Some(Way {
            hops: vec![Hop {
                listener,
                kind: HopKind::Bound,
            }],
            kept: false,
            direction: Some((direction, source)),
        });
    };
    Some(from_capture(
        listeners,
        capture,
        direction,
        dst_ip,
        dst_port,
        Some((direction, source)),
    ))
}

/// The way from the capture listener `capture` (found, or named by `--port`): its hand-off
/// when it has `use_original_dst`, else it keeps the connection.
pub fn from_capture(
    listeners: &[&Listener<'_>],
    capture: usize,
    direction: Direction,
    dst_ip: IpAddr,
    dst_port: u32,
    decided: Option<(Direction, DirectionSource)>,
) -> Way {
    let mut hops = vec![Hop {
        listener: capture,
        kind: HopKind::Captured(direction),
    }];
    let target = listeners[capture]
        .hands_off()
        .then(|| bound_to(listeners, dst_ip, dst_port, Some(capture)))
        .flatten();
    let kept = target.is_none();
    if let Some((listener, exact)) = target {
        let kind = if exact {
            HopKind::HandedOffExact
        } else {
            HopKind::HandedOffAnyAddress
        };
        hops.push(Hop { listener, kind });
    }
    Way {
        hops,
        kept,
        direction: decided,
    }
}

/// The capture listener of `direction`: outbound hands off by original destination
/// (`use_original_dst`), inbound restores it and keeps the connection (an `original_dst`
/// listener filter without `use_original_dst`). Istio's names win when several qualify.
pub fn capture(listeners: &[&Listener<'_>], direction: Direction) -> Option<usize> {
    let (name, fits): (&str, fn(&Listener<'_>) -> bool) = match direction {
        Direction::Outbound => ("virtualOutbound", |l| l.hands_off()),
        Direction::Inbound => ("virtualInbound", |l| {
            l.restores_original_dst() && !l.hands_off()
        }),
    };
    let fitting = || {
        listeners
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_internal() && fits(l))
    };
    fitting()
        .find(|(_, l)| l.name == name)
        .or_else(|| fitting().next())
        .map(|(i, _)| i)
}

/// The listener bound to `ip:port` (`true`: exactly) else to the any-address on `port`
/// (`false`), other than `except`. Envoy's lookup: exact address first, then the
/// any-address of the destination's family.
fn bound_to(
    listeners: &[&Listener<'_>],
    ip: IpAddr,
    port: u32,
    except: Option<usize>,
) -> Option<(usize, bool)> {
    let find = |fits: &dyn Fn(&SocketAddress<'_>) -> bool| {
        listeners.iter().enumerate().find_map(|(i, l)| {
            (Some(i) != except && !l.is_internal() && binds(l, port, fits)).then_some(i)
        })
    };
    find(&|a| parse(a) == Some(ip))
        .map(|i| (i, true))
        .or_else(|| find(&|a| serves_as_any_address(a, ip)).map(|i| (i, false)))
}

fn binds(l: &Listener<'_>, port: u32, fits: &dyn Fn(&SocketAddress<'_>) -> bool) -> bool {
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

/// One hop with its listener named, for the outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopReport {
    /// The listener's name (empty when it has none).
    pub listener: String,
    /// Its primary socket address, `IP:PORT` (`[IPv6]:PORT`); empty for an internal one.
    pub address: String,
    pub kind: HopKind,
}

/// The way of the simulated connection, for the outputs.
#[derive(Debug, Clone)]
pub struct WayReport {
    /// The destination, `IP:PORT` (`[IPv6]:PORT`).
    pub destination: String,
    /// Empty: no listener takes the connection.
    pub hops: Vec<HopReport>,
    pub kept: bool,
    pub direction: Option<(Direction, DirectionSource)>,
    /// For an HBONE connection (`--hbone`): its CONNECT leg.
    pub hbone: Option<HboneNote>,
    /// Past the last hop's chain: its cluster, that cluster's hosts, the internal listeners
    /// they lead to (outbound HBONE through `connect_originate`), in way order.
    pub onward: Vec<Leg>,
}

impl WayReport {
    /// `way` (of `listeners`) to `dst_ip:dst_port`; `None` is the way of a connection no
    /// listener takes.
    pub fn new(
        way: Option<&Way>,
        listeners: &[&Listener<'_>],
        dst_ip: IpAddr,
        dst_port: u32,
    ) -> WayReport {
        let hops = way.map_or_else(Vec::new, |w| {
            w.hops
                .iter()
                .map(|h| {
                    let l = listeners[h.listener];
                    HopReport {
                        listener: l.name.to_string(),
                        address: l.socket_address().map_or_else(String::new, |a| {
                            match a.address.parse::<IpAddr>() {
                                Ok(ip) => ip_port(ip, a.port_value),
                                Err(_) => format!("{}:{}", a.address, a.port_value),
                            }
                        }),
                        kind: h.kind,
                    }
                })
                .collect()
        });
        WayReport {
            destination: ip_port(dst_ip, dst_port),
            hops,
            kept: way.is_some_and(|w| w.kept),
            direction: way.and_then(|w| w.direction),
            hbone: None,
            onward: Vec::new(),
        }
    }
}

/// Where the way of an HBONE connection stops short of a chain, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HboneGap {
    /// No listener terminates HBONE (an HTTP connection manager with a CONNECT route).
    NoTerminateListener,
    /// The terminating listener's (the first hop's) chain selection did not pick one chain.
    NoChain,
    /// The chain's routes come from RDS, which `explain` does not read.
    RouteFromRds { route: String },
    /// No route of the virtual host for the authority matches a CONNECT request.
    NoConnectRoute,
    /// The CONNECT route's cluster names no internal listener of this dump.
    NoInternalListener { cluster: String },
}

/// What the outputs say of the HBONE leg.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HboneNote {
    /// The CONNECT authority, `IP:PORT`.
    pub authority: String,
    pub cluster: Option<String>,
    pub gap: Option<HboneGap>,
}

/// `IP:PORT`, the IPv6 address in brackets.
pub fn ip_port(ip: IpAddr, port: u32) -> String {
    match ip {
        IpAddr::V4(_) => format!("{ip}:{port}"),
        IpAddr::V6(_) => format!("[{ip}]:{port}"),
    }
}

#[cfg(test)]
mod tests;
