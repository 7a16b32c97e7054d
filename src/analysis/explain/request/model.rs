//! What `explain --request` reads and where it stops: the request as Envoy's router sees
//! it, the dump's routes, clusters and endpoints asked for by name, and the gaps where the
//! dump does not hold a step. Shared by every step of `analysis::explain::request`.

use crate::envoy::LoadError;
use crate::envoy::cluster::Cluster;
use crate::envoy::endpoint::ClusterLoadAssignment;
use crate::envoy::route::RouteConfiguration;

/// The request as Envoy's router sees it: `:method`, `:scheme`, `:authority` (from the URL,
/// or a `host` header given), `:path` (path and query) and the other headers, names
/// lower-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// `http` or `https` (Istio's VirtualService `scheme` match reads `:scheme`); empty for
    /// CONNECT.
    pub scheme: String,
    pub authority: String,
    pub path: String,
    /// Every header given, in order (`host` included when given); a name given twice has
    /// both values, which Envoy's matchers join with `,`.
    pub headers: Vec<(String, String)>,
}

impl HttpRequest {
    /// The value of a header as Envoy's matchers read it (`getAllOfHeaderAsString`): the
    /// values joined with `,`; pseudo-headers from the request line.
    pub fn header(&self, name: &str) -> Option<String> {
        match name {
            ":method" => return Some(self.method.clone()),
            ":scheme" if !self.scheme.is_empty() => return Some(self.scheme.clone()),
            ":authority" | "host" => return Some(self.authority.clone()),
            ":path" => return Some(self.path.clone()),
            _ => {}
        }
        let values: Vec<&str> = (self.headers.iter())
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(","))
    }
}

/// A step the dump does not hold, said plainly instead of guessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// The dump has no routes section (taken without RDS, or masked out).
    NoRoutesSection,
    /// The routes section has no route configuration of this name.
    RouteConfigMissing { name: String },
    /// The HCM uses scoped routes (SRDS), which meshscope does not follow.
    ScopedRoutes,
    /// The HCM names no route configuration at all.
    NoRouteConfig,
    /// The dump has no clusters section.
    NoClustersSection,
    /// The clusters section has no such cluster (Envoy answers 503, `NC`).
    ClusterMissing { name: String },
    /// The dump has no endpoints section: taken without `?include_eds`.
    NoEndpointsSection,
    /// The endpoints section has no load assignment for the cluster's EDS name.
    EndpointsMissing { service_name: String },
    /// The virtual host picks its routes with a matcher tree, which meshscope does not
    /// follow.
    VirtualHostMatcher,
}

/// What looking something up in the dump gave.
#[derive(Debug, Clone)]
pub enum Lookup<T> {
    Found(T),
    /// The section is there; the name is not in it.
    NotFound,
    /// The dump has no such section.
    NoSection,
}

/// The dump's routes, clusters and endpoints sections, asked for by name: `cmd/` answers
/// from the dump, decoding only what is asked for.
pub trait RoutingLookup<'a> {
    /// A route configuration by name (dynamic first, then static, as Envoy's RDS names
    /// them).
    fn route_config(&self, name: &str) -> Result<Lookup<RouteConfiguration<'a>>, LoadError>;
    /// An active cluster by name.
    fn cluster(&self, name: &str) -> Result<Lookup<Cluster<'a>>, LoadError>;
    /// The load assignment EDS delivered for `service_name`.
    fn load_assignment(
        &self,
        service_name: &str,
    ) -> Result<Lookup<ClusterLoadAssignment<'a>>, LoadError>;
}
