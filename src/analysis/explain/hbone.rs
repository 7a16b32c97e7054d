//! The way of an HBONE connection into a waypoint (DOMAIN.md §3.1, Ambient): mTLS HTTP/2
//! on `connect_terminate` (15008), whose HTTP connection manager routes the CONNECT request
//! to the internal upstream cluster `main_internal`, which leads to the internal listener
//! of that name; its `filter_chain_matcher` then selects the chain for the tunnelled
//! connection, whose destination is the CONNECT authority.
//!
//! Envoy: the route is the first of the virtual host the authority selects
//! (`RouteMatcher::findVirtualHost`: exact domain, longest `*.suffix`, longest `prefix.*`,
//! then `*`) whose match holds for a CONNECT request (`connect_matcher`,
//! `ConnectRouteEntryImpl`). An internal upstream cluster reaches a listener through its
//! endpoints' `envoy_internal_address.server_listener_name`; this way does not read the
//! dump's clusters (the way past a chain does, `upstream.rs`), so it follows Istio's naming
//! (the cluster is named after the listener) and says so.

use std::net::IpAddr;

use crate::analysis::explain::chain_select::{Chosen, Connection};
use crate::analysis::explain::matcher_eval::rules::MatcherSemantics;
use crate::analysis::explain::request::model::HttpRequest;
use crate::analysis::explain::request::virtual_host::{PortHandling, find_virtual_host};
use crate::analysis::explain::simulate;
use crate::analysis::explain::way::{HboneGap, Hop, HopKind, Way};
use crate::envoy::Listener;
use crate::envoy::filter::NetworkFilterConfig;
use crate::envoy::route::{RouteConfiguration, VirtualHost};

/// The HBONE way, as far as it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HboneWay {
    /// `connect_terminate`, then the internal listener.
    pub way: Way,
    /// The CONNECT route's cluster, once found.
    pub cluster: Option<String>,
    /// Set when the way stops before an internal listener.
    pub gap: Option<HboneGap>,
}

/// The way of an HBONE connection whose CONNECT authority is `authority`; `outer` is the
/// user's connection (source, ALPN of the tunnelled stream…), whose outer leg is mTLS
/// HTTP/2 to the terminating listener's port; `semantics` the matcher rules of the dump's
/// Envoy.
pub fn hbone_way(
    listeners: &[&Listener<'_>],
    authority: (IpAddr, u32),
    outer: &Connection,
    semantics: &MatcherSemantics,
) -> HboneWay {
    let stop = |hops: Vec<Hop>, cluster: Option<String>, gap: HboneGap| HboneWay {
        way: Way {
            hops,
            kept: false,
            direction: None,
        },
        cluster,
        gap: Some(gap),
    };
    let Some(terminate) = terminate_listener(listeners) else {
        return stop(Vec::new(), None, HboneGap::NoTerminateListener);
    };
    let first = vec![Hop {
        listener: terminate,
        kind: HopKind::HboneTerminated,
    }];
    let l = listeners[terminate];
    let socket = l.socket_address();
    let conn = Connection {
        dst_port: socket.map_or(15008, |a| a.port_value),
        dst_ip: socket
            .and_then(|a| a.address.parse().ok())
            .filter(|ip: &IpAddr| !ip.is_unspecified())
            .unwrap_or(outer.dst_ip),
        server_name: None,
        transport: "tls".to_string(),
        alpn: vec!["h2".to_string()],
        ..outer.clone()
    };
    let chain = match simulate(l, &conn, semantics).chosen {
        Chosen::Chain(i) => l.filter_chains.get(i),
        Chosen::Default => l.default_filter_chain.as_ref(),
        _ => None,
    };
    let Some(chain) = chain else {
        return stop(first, None, HboneGap::NoChain);
    };
    let hcm = chain.filters.iter().find_map(|f| match &f.config {
        NetworkFilterConfig::HttpConnectionManager(h) => Some(h),
        _ => None,
    });
    let route_config = match hcm {
        Some(h) if h.route_config.is_some() => h.route_config.as_ref(),
        Some(h) => {
            let route =
                (h.rds.as_ref()).map_or_else(String::new, |r| r.route_config_name.to_string());
            return stop(first, None, HboneGap::RouteFromRds { route });
        }
        None => None,
    };
    let authority_text = authority_text(authority);
    let Some(cluster) = route_config.and_then(|rc| connect_cluster(rc, &authority_text)) else {
        return stop(first, None, HboneGap::NoConnectRoute);
    };
    let internal = listeners
        .iter()
        .position(|l| l.is_internal() && l.name == cluster.as_str());
    let Some(internal) = internal else {
        let gap = HboneGap::NoInternalListener {
            cluster: cluster.clone(),
        };
        return stop(first, Some(cluster), gap);
    };
    let mut hops = first;
    hops.push(Hop {
        listener: internal,
        kind: HopKind::Tunnelled,
    });
    HboneWay {
        way: Way {
            hops,
            kept: false,
            direction: None,
        },
        cluster: Some(cluster),
        gap: None,
    }
}

/// The listener that terminates HBONE: Istio's `connect_terminate`, else the first one
/// with an inline route that matches CONNECT requests.
fn terminate_listener(listeners: &[&Listener<'_>]) -> Option<usize> {
    let has_connect_route = |l: &Listener<'_>| {
        l.filter_chains.iter().any(|c| {
            c.filters.iter().any(|f| match &f.config {
                NetworkFilterConfig::HttpConnectionManager(h) => (h.route_config.iter())
                    .flat_map(|rc| rc.virtual_hosts.iter())
                    .flat_map(|vh| vh.routes.iter())
                    .any(|r| r.route_match.connect_matcher.is_some()),
                _ => false,
            })
        })
    };
    let candidates = || {
        listeners
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.is_internal())
    };
    candidates()
        .find(|(_, l)| l.name == "connect_terminate")
        .or_else(|| candidates().find(|(_, l)| has_connect_route(l)))
        .map(|(i, _)| i)
}

/// The authority as a CONNECT request carries it: `IP:PORT`, an IPv6 IP in brackets.
fn authority_text((ip, port): (IpAddr, u32)) -> String {
    crate::analysis::explain::way::ip_port(ip, port)
}

/// The cluster of the first CONNECT route of the virtual host `authority` selects.
fn connect_cluster(rc: &RouteConfiguration<'_>, authority: &str) -> Option<String> {
    let vh = virtual_host(rc, authority)?;
    let route = vh
        .routes
        .iter()
        .find(|r| r.route_match.connect_matcher.is_some())?;
    route
        .route
        .as_ref()
        .and_then(|a| a.cluster.as_ref())
        .map(|c| c.to_string())
}

/// Envoy's virtual host for a CONNECT authority: `request::virtual_host`'s
/// `RouteMatcher::findVirtualHost`, with the configuration's port handling (the HCM's
/// `strip_*_host_port` options are not read here).
pub fn virtual_host<'v, 'a>(
    config: &'v RouteConfiguration<'a>,
    authority: &str,
) -> Option<&'v VirtualHost<'a>> {
    let request = HttpRequest {
        method: "CONNECT".to_string(),
        scheme: String::new(),
        authority: authority.to_string(),
        path: String::new(),
        headers: Vec::new(),
    };
    let port = if config.ignore_port_in_host_matching {
        PortHandling::Ignored
    } else {
        PortHandling::Kept
    };
    let chosen = find_virtual_host(config, &request, port).chosen?;
    config.virtual_hosts.get(chosen.index)
}

#[cfg(test)]
mod tests;
