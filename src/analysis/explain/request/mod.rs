//! `explain --request`: one HTTP request followed past the chain Envoy selected, in
//! Envoy's order (source/common/router/config_impl.cc): the HCM's route configuration
//! (inline, or by RDS name from the dump's routes section), the virtual host
//! (`RouteMatcher::findVirtualHost`, in `virtual_host`), the first route whose match holds
//! (`VirtualHostImpl::getRouteFromEntries`, in `route_match` and `header_match`), its
//! action, the cluster(s) and their endpoints (in `upstream`). A tcp_proxy chain has no
//! request: its cluster(s) and endpoints are followed instead. Where the dump does not
//! hold a step, the trace says so as a [`Gap`]; nothing is guessed. Pure data; the words
//! are `render::explain::request`'s.

pub mod header_match;
pub mod model;
pub mod route_match;
pub mod service_address;
pub mod upstream;
pub mod virtual_host;

use crate::envoy::LoadError;
use crate::envoy::route::RouteConfiguration;
use crate::envoy::{FilterChain, NetworkFilterConfig};

pub use model::{Gap, HttpRequest, Lookup, RoutingLookup};
pub use route_match::{
    HeaderCheck, HeaderRule, Miss, PathRule, RouteOutcome, RouteVerdict, Undecided,
};
pub use upstream::{Action, ClusterFacts, IstioCluster, TlsOrigination, Upstream};
pub use virtual_host::{DomainRule, HostLookup, PortHandling, VirtualHostMatch};

/// Where the HCM's routes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteSource {
    Inline { name: String },
    Rds { name: String },
}

/// The request through an HTTP connection manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpTrace {
    pub source: Option<RouteSource>,
    /// The lookup of the virtual host; `None` when no route configuration was found.
    pub host: Option<HostLookup>,
    /// The chosen virtual host; `None` with `host` set is Envoy's `NR` (route not found).
    pub virtual_host: Option<VirtualHostMatch>,
    /// Every domain of the route configuration, in order, when no virtual host took the
    /// request (what was tried).
    pub tried_domains: Vec<String>,
    /// The routes checked, in order, up to the one taken (or all of them).
    pub routes: Vec<RouteVerdict>,
    /// The route taken, an index into `routes`; `None` with a virtual host is `NR` too.
    pub taken: Option<usize>,
    pub action: Option<Action>,
    pub upstreams: Vec<Upstream>,
    pub gap: Option<Gap>,
    /// The virtual host's `require_tls` (`EXTERNAL_ONLY` or `ALL`): Envoy answers a request
    /// whose `x-forwarded-proto` is not `https` with a redirect to https before reading any
    /// route (`VirtualHostImpl::getRouteFromEntries`); the routes are followed as if it came
    /// over TLS.
    pub require_tls: Option<String>,
}

impl HttpTrace {
    /// Envoy's `NR` (route not found, 404) for certain: the routes were read and no
    /// virtual host, or no route of it, takes the request (an undecidable route might).
    pub fn route_not_found(&self) -> bool {
        let undecidable =
            (self.routes.iter()).any(|r| matches!(r.outcome, RouteOutcome::Undecidable(_)));
        self.host.is_some()
            && self.gap.is_none()
            && (self.virtual_host.is_none() || (self.taken.is_none() && !undecidable))
    }
}

/// The request and what became of it after one listener's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestReport {
    pub request: HttpRequest,
    pub trace: RequestTrace,
}

/// What `--request` found after the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestTrace {
    /// The chain's HTTP connection manager routes the request.
    Http(Box<HttpTrace>),
    /// The chain ends in tcp_proxy: no request routing (`--request` does not apply); its
    /// cluster(s) and endpoints.
    Tcp { upstreams: Vec<Upstream> },
    /// No chain takes the connection, or which one is unspecified: nothing to follow.
    NoChain,
    /// The chain ends in neither an HTTP connection manager nor tcp_proxy.
    NoTerminal,
}

/// Follows `request` from `chain` (the one Envoy selected; `None` when none is certain):
/// `dst_port` is the connection's destination port (for `strip_matching_host_port`).
pub fn follow_request<'a>(
    chain: Option<&FilterChain<'_>>,
    request: &HttpRequest,
    dst_port: u32,
    dump: &dyn RoutingLookup<'a>,
) -> Result<RequestTrace, LoadError> {
    let Some(chain) = chain else {
        return Ok(RequestTrace::NoChain);
    };
    for filter in &chain.filters {
        match &filter.config {
            NetworkFilterConfig::HttpConnectionManager(hcm) => {
                return http_trace(hcm, request, dst_port, dump)
                    .map(|t| RequestTrace::Http(Box::new(t)));
            }
            // Istio's blackhole chain carries a tcp_proxy to BlackHoleCluster: followed
            // like any other, the cluster says what it means.
            NetworkFilterConfig::TcpProxy(t) => {
                let targets: Vec<(String, Option<u32>)> = if t.weighted_clusters.is_empty() {
                    vec![(t.cluster.to_string(), None)]
                } else {
                    (t.weighted_clusters.iter())
                        .map(|w| (w.name.to_string(), w.weight))
                        .collect()
                };
                let upstreams = upstream::upstreams(&targets, dump)?;
                return Ok(RequestTrace::Tcp { upstreams });
            }
            _ => {}
        }
    }
    Ok(RequestTrace::NoTerminal)
}

fn http_trace<'a>(
    hcm: &crate::envoy::filter::HttpConnectionManager<'_>,
    request: &HttpRequest,
    dst_port: u32,
    dump: &dyn RoutingLookup<'a>,
) -> Result<HttpTrace, LoadError> {
    let mut trace = HttpTrace {
        source: None,
        host: None,
        virtual_host: None,
        tried_domains: Vec::new(),
        routes: Vec::new(),
        taken: None,
        action: None,
        upstreams: Vec::new(),
        gap: None,
        require_tls: None,
    };
    let looked_up;
    let config: &RouteConfiguration<'_> = if let Some(inline) = &hcm.route_config {
        trace.source = Some(RouteSource::Inline {
            name: inline.name.to_string(),
        });
        inline
    } else if let Some(rds) = &hcm.rds {
        let name = rds.route_config_name.to_string();
        trace.source = Some(RouteSource::Rds { name: name.clone() });
        looked_up = dump.route_config(&name)?;
        match &looked_up {
            Lookup::Found(c) => c,
            Lookup::NotFound => {
                trace.gap = Some(Gap::RouteConfigMissing { name });
                return Ok(trace);
            }
            Lookup::NoSection => {
                trace.gap = Some(Gap::NoRoutesSection);
                return Ok(trace);
            }
        }
    } else {
        trace.gap = Some(if hcm.scoped_routes.is_some() {
            Gap::ScopedRoutes
        } else {
            Gap::NoRouteConfig
        });
        return Ok(trace);
    };
    let port = virtual_host::port_handling(hcm, config, dst_port);
    let lookup = virtual_host::find_virtual_host(config, request, port);
    trace.virtual_host = lookup.chosen.clone();
    let Some(chosen) = &lookup.chosen else {
        trace.tried_domains = (config.virtual_hosts.iter())
            .flat_map(|vh| vh.domains.iter().map(|d| d.to_string()))
            .collect();
        trace.host = Some(lookup);
        return Ok(trace);
    };
    trace.host = Some(lookup.clone());
    let Some(vh) = config.virtual_hosts.get(chosen.index) else {
        return Ok(trace);
    };
    trace.require_tls = (vh.require_tls.map(|r| r.get().trim_matches('"')))
        .and_then(|r| match r {
            "EXTERNAL_ONLY" | "1" => Some("EXTERNAL_ONLY"),
            "ALL" | "2" => Some("ALL"),
            _ => None,
        })
        .map(str::to_string);
    if vh.matcher.is_some() {
        trace.gap = Some(Gap::VirtualHostMatcher);
        return Ok(trace);
    }
    let (verdicts, taken) = route_match::route_from_entries(&vh.routes, request);
    trace.routes = verdicts;
    trace.taken = taken;
    let Some(route) = taken
        .and_then(|t| trace.routes.get(t))
        .and_then(|v| vh.routes.get(v.index))
    else {
        return Ok(trace);
    };
    let action = upstream::action(route, request);
    trace.upstreams = upstream::upstreams(&action.targets(), dump)?;
    trace.action = Some(action);
    Ok(trace)
}

#[cfg(test)]
mod tests;
