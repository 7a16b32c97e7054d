//! `explain --request`'s wiring: the dump's routes, clusters and endpoints sections
//! answered by name for `analysis::explain::request` (each entry's name read alone, only
//! the one asked for decoded whole), and the request built from the flags.

use std::net::IpAddr;

use serde::Deserialize;

use crate::analysis::explain::Simulation;
use crate::analysis::explain::chain_select::Chosen;
use crate::analysis::explain::request::service_address::{ServiceAddress, service_address};
use crate::analysis::explain::request::virtual_host::port_start;
use crate::analysis::explain::request::{
    HttpRequest, Lookup, RequestReport, RoutingLookup, follow_request,
};
use crate::cli::{ExplainArgs, RequestArg, UsageError};
use crate::envoy::cluster::Cluster;
use crate::envoy::dump::{ClustersSection, EndpointsSection, RoutesSection, RoutingSections};
use crate::envoy::endpoint::ClusterLoadAssignment;
use crate::envoy::proto::Str;
use crate::envoy::route::RouteConfiguration;
use crate::envoy::{Document, Listener, LoadError};
use crate::error::Error;

/// The sections `--request` reads beside the listeners.
pub(super) const REQUEST_READS: RoutingSections = RoutingSections {
    clusters: true,
    routes: true,
    endpoints: true,
    ..RoutingSections::NONE
};

/// The request Envoy's router sees: `:authority` from a `host` header when given, else
/// from the URL.
pub(super) fn http_request(arg: &RequestArg, headers: &[(String, String)]) -> HttpRequest {
    let host = headers.iter().rev().find(|(n, _)| n == "host");
    HttpRequest {
        method: arg.method.clone(),
        scheme: arg.scheme.clone().unwrap_or_else(|| "http".to_string()),
        authority: host
            .map(|(_, v)| v.clone())
            .or_else(|| arg.authority.clone())
            .unwrap_or_default(),
        path: arg.path.clone(),
        headers: headers
            .iter()
            .filter(|(n, _)| n != "host")
            .cloned()
            .collect(),
    }
}

/// The dump's sections, by name.
pub(super) struct DumpLookup<'d, 'a> {
    pub doc: &'d Document<'a>,
    pub routes: Option<RoutesSection<'a>>,
    pub clusters: Option<ClustersSection<'a>>,
    pub endpoints: Option<EndpointsSection<'a>>,
}

#[derive(Deserialize)]
struct Named<'a> {
    #[serde(borrow, default)]
    name: Str<'a>,
}

#[derive(Deserialize)]
struct ClusterNamed<'a> {
    #[serde(borrow, default, alias = "clusterName")]
    cluster_name: Str<'a>,
}

impl<'a> RoutingLookup<'a> for DumpLookup<'_, 'a> {
    fn route_config(&self, name: &str) -> Result<Lookup<RouteConfiguration<'a>>, LoadError> {
        let Some(s) = &self.routes else {
            return Ok(Lookup::NoSection);
        };
        // RDS names are unique among the dynamic configurations; Envoy's static ones are
        // looked at after them.
        for e in s
            .dynamic_route_configs
            .iter()
            .chain(&s.static_route_configs)
        {
            let named: Named<'a> = self.doc.decode(e.raw, &e.json_path())?;
            if named.name == name {
                return Ok(Lookup::Found(self.doc.route_config(e)?));
            }
        }
        Ok(Lookup::NotFound)
    }

    fn cluster(&self, name: &str) -> Result<Lookup<Cluster<'a>>, LoadError> {
        let Some(s) = &self.clusters else {
            return Ok(Lookup::NoSection);
        };
        // Warming clusters do not serve yet: only active and static ones are looked at.
        for e in s.dynamic_active_clusters.iter().chain(&s.static_clusters) {
            let named: Named<'a> = self.doc.decode(e.raw, &e.json_path())?;
            if named.name == name {
                return Ok(Lookup::Found(self.doc.cluster(e)?));
            }
        }
        Ok(Lookup::NotFound)
    }

    fn load_assignment(
        &self,
        service_name: &str,
    ) -> Result<Lookup<ClusterLoadAssignment<'a>>, LoadError> {
        let Some(s) = &self.endpoints else {
            return Ok(Lookup::NoSection);
        };
        for e in s
            .dynamic_endpoint_configs
            .iter()
            .chain(&s.static_endpoint_configs)
        {
            let named: ClusterNamed<'a> = self.doc.decode(e.raw, &e.json_path())?;
            if named.cluster_name == service_name {
                return Ok(Lookup::Found(self.doc.load_assignment(e)?));
            }
        }
        Ok(Lookup::NotFound)
    }
}

/// The request followed from the chain `sim` selected on `listener`.
pub(super) fn follow<'a>(
    listener: &Listener<'_>,
    sim: &Simulation,
    request: &HttpRequest,
    dump: &DumpLookup<'_, 'a>,
) -> Result<RequestReport, LoadError> {
    let chain = match sim.chosen {
        Chosen::Chain(i) => listener.filter_chains.get(i),
        Chosen::Default => listener.default_filter_chain.as_ref(),
        Chosen::Closed | Chosen::Unspecified(_) => None,
    };
    let trace = follow_request(chain, request, sim.connection.dst_port, dump)?;
    Ok(RequestReport {
        request: request.clone(),
        trace,
    })
}

/// Where the connection of a `--request` without `--dst` goes, from its URL.
pub(super) enum UrlTarget {
    /// The URL's host is an IP address (port: the URL's, else the scheme's); or a name
    /// with `--port`, whose listener then takes the connection to the default IP.
    Address(Option<IpAddr>, u32),
    /// A name: the address the dump lists for it (see [`service_ip`]).
    Name { host: String, port: u32 },
}

/// The target of `--request` when no destination flag is given.
pub(super) fn url_target(args: &ExplainArgs) -> Option<UrlTarget> {
    let request = args.request.as_ref()?;
    if args.dst.is_some() || args.dst_port.is_some() || args.authority.is_some() {
        return None;
    }
    let authority = request.authority.clone().unwrap_or_default();
    let default_port = if request.scheme.as_deref() == Some("https") {
        443
    } else {
        80
    };
    let (host, port) = match port_start(&authority) {
        Some(i) => (&authority[..i], authority[i + 1..].parse().ok()),
        None => (authority.as_str(), None),
    };
    let port = port.unwrap_or(default_port);
    let ip = (host.trim_start_matches('[').trim_end_matches(']'))
        .parse::<IpAddr>()
        .ok();
    Some(match ip {
        Some(ip) => UrlTarget::Address(Some(ip), port),
        None if args.port.is_some() => UrlTarget::Address(None, port),
        None => UrlTarget::Name {
            host: host.to_string(),
            port,
        },
    })
}

/// The address the application's connection to `host:port` goes to: the one the dump's
/// route configuration for the port lists beside the name (Istio's `generateVirtualHostDomains`),
/// as the mesh's DNS answers it; else a usage error asking for `--dst`.
pub(super) fn service_ip(
    lookup: &DumpLookup<'_, '_>,
    host: &str,
    port: u32,
) -> Result<IpAddr, Error> {
    let needs = |found| {
        Error::from(UsageError::RequestNeedsDestination {
            host: if host.is_empty() {
                "(none)".to_string()
            } else {
                host.to_string()
            },
            port,
            found,
        })
    };
    match lookup.route_config(&port.to_string())? {
        Lookup::Found(config) => match service_address(&config, host) {
            ServiceAddress::One(ip) => Ok(ip),
            ServiceAddress::None => Err(needs("no address")),
            ServiceAddress::Several(_) => Err(needs("several addresses")),
        },
        Lookup::NotFound | Lookup::NoSection => Err(needs("nothing (it is not in the dump)")),
    }
}
