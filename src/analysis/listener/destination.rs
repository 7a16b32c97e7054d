//! Where a chain sends its traffic, as istioctl's DESTINATION column reads it (DOMAIN.md
//! §4.3): the first HTTP connection manager or non-blackhole tcp_proxy decides. Data only;
//! `cell_text` spells it, and decisions (e.g. which passthrough clusters a proxy has) read
//! these values.

use crate::envoy::route::{RouteConfiguration, RouteMatch};
use crate::envoy::{FilterChain, NetworkFilterConfig};

/// A chain's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// One cluster: a tcp_proxy's, or an inline route config's single match-all route's.
    Cluster(String),
    /// An HCM whose routes come over RDS, by route config name.
    Rds(String),
    /// An HCM with an inline route config other than one match-all route.
    InlineRoute(Vec<InlineVirtualHost>),
    /// An HCM with neither an inline route config nor an RDS name.
    Http,
    /// An HCM or tcp_proxy without a `typed_config`, by filter name.
    Unconfigured(String),
    /// Neither an HCM nor a non-blackhole tcp_proxy.
    NonHttpNonTcp,
}

/// One virtual host of an inline route config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineVirtualHost {
    /// `domains`.
    pub domains: Vec<String>,
    /// Each route's match, in order.
    pub routes: Vec<RouteCondition>,
}

/// The path conditions of one route's match; empty strings are left out (istioctl skips them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteCondition {
    /// `prefix`.
    pub prefix: Option<String>,
    /// `path_separated_prefix`.
    pub path_separated_prefix: Option<String>,
    /// `path`.
    pub path: Option<String>,
    /// `safe_regex.regex`.
    pub regex: Option<String>,
}

/// DESTINATION of one chain.
pub fn chain_destination(chain: &FilterChain<'_>) -> Destination {
    for f in &chain.filters {
        match &f.config {
            NetworkFilterConfig::HttpConnectionManager(hcm) => {
                if let Some(rc) = &hcm.route_config {
                    return route_destination(rc);
                }
                return match &hcm.rds {
                    Some(rds) if !rds.route_config_name.is_empty() => {
                        Destination::Rds(rds.route_config_name.to_string())
                    }
                    _ => Destination::Http,
                };
            }
            NetworkFilterConfig::TcpProxy(t) if !t.is_blackhole => {
                return Destination::Cluster(t.cluster.to_string());
            }
            // istioctl dereferences a missing typed_config and crashes; say what is there.
            NetworkFilterConfig::None
                if f.name == crate::envoy::filter::HCM_NAME
                    || f.name == crate::envoy::filter::TCP_PROXY_NAME =>
            {
                return Destination::Unconfigured(f.name.to_string());
            }
            _ => {}
        }
    }
    Destination::NonHttpNonTcp
}

fn route_destination(rc: &RouteConfiguration<'_>) -> Destination {
    if let Some(cluster) = match_all_cluster(rc) {
        return Destination::Cluster(cluster.to_string());
    }
    Destination::InlineRoute(
        rc.virtual_hosts
            .iter()
            .map(|vh| InlineVirtualHost {
                domains: vh.domains.iter().map(|d| d.to_string()).collect(),
                routes: vh
                    .routes
                    .iter()
                    .map(|r| route_condition(&r.route_match))
                    .collect(),
            })
            .collect(),
    )
}

/// The cluster of a route config that is one `*` virtual host with one `/` prefix route.
fn match_all_cluster<'r>(rc: &'r RouteConfiguration<'_>) -> Option<&'r str> {
    let [vh] = rc.virtual_hosts.as_slice() else {
        return None;
    };
    if vh.domains.len() != 1 || vh.domains[0] != "*" {
        return None;
    }
    let [route] = vh.routes.as_slice() else {
        return None;
    };
    if route.route_match.prefix.as_deref() != Some("/") {
        return None;
    }
    route.route.as_ref()?.cluster.as_deref()
}

fn route_condition(m: &RouteMatch<'_>) -> RouteCondition {
    let non_empty = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_string);
    RouteCondition {
        prefix: non_empty(m.prefix.as_deref()),
        path_separated_prefix: non_empty(m.path_separated_prefix.as_deref()),
        path: non_empty(m.path.as_deref()),
        regex: m.safe_regex.as_ref().map(|r| r.regex.to_string()),
    }
}
