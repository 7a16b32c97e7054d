//! `envoy.config.route.v3.RouteConfiguration`, inline in an HCM or from the routes section,
//! as far as istioctl's DESTINATION, `proxy-config route` and `explain --request` read it.
//! The matchers a route's match holds are in `envoy::route_match`.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::metadata::Metadata;
use crate::envoy::proto::{Str, opt_u32_lenient};
pub use crate::envoy::route_match::SafeRegex;
use crate::envoy::route_match::{HeaderMatcher, QueryParameterMatcher, RuntimeFraction};

/// An inline route configuration inside an HCM.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RouteConfiguration<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "virtualHosts")]
    pub virtual_hosts: Vec<VirtualHost<'a>>,
    /// Match domains without the Host header's port (Istio sets it on sidecar routes).
    #[serde(default, alias = "ignorePortInHostMatching")]
    pub ignore_port_in_host_matching: bool,
    /// A header to select the virtual host by instead of `:authority`.
    #[serde(borrow, default, alias = "vhostHeader")]
    pub vhost_header: Str<'a>,
}

/// `envoy.config.route.v3.VirtualHost`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VirtualHost<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default)]
    pub domains: Vec<Str<'a>>,
    #[serde(borrow, default)]
    pub routes: Vec<Route<'a>>,
    /// Routes chosen by a matcher tree instead of `routes`.
    #[serde(borrow, default)]
    pub matcher: Option<&'a RawValue>,
    /// `TlsRequirementType` as written (`NONE`, `EXTERNAL_ONLY`, `ALL`, or 0–2).
    #[serde(borrow, default, alias = "requireTls")]
    pub require_tls: Option<&'a RawValue>,
}

/// `envoy.config.route.v3.Route`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Route<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, rename = "match")]
    pub route_match: RouteMatch<'a>,
    #[serde(borrow, default)]
    pub route: Option<RouteAction<'a>>,
    #[serde(borrow, default)]
    pub redirect: Option<RedirectAction<'a>>,
    #[serde(borrow, default, alias = "directResponse")]
    pub direct_response: Option<DirectResponseAction<'a>>,
    /// Istio names the VirtualService behind the route here (`pc route`).
    #[serde(borrow, default)]
    pub metadata: Option<Metadata<'a>>,
}

/// `envoy.config.route.v3.RouteMatch`: the path specifier and the other conditions.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RouteMatch<'a> {
    #[serde(borrow, default)]
    pub prefix: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub path: Option<Str<'a>>,
    #[serde(borrow, default, alias = "safeRegex")]
    pub safe_regex: Option<SafeRegex<'a>>,
    #[serde(borrow, default, alias = "pathSeparatedPrefix")]
    pub path_separated_prefix: Option<Str<'a>>,
    /// Set on routes that match HTTP CONNECT requests (HBONE's `connect_terminate`).
    #[serde(borrow, default, alias = "connectMatcher")]
    pub connect_matcher: Option<&'a RawValue>,
    /// `path_match_policy` (URI templates): a path specifier meshscope does not evaluate.
    #[serde(borrow, default, alias = "pathMatchPolicy")]
    pub path_match_policy: Option<&'a RawValue>,
    /// Whether prefix and path compare case-sensitively (default true).
    #[serde(default, alias = "caseSensitive")]
    pub case_sensitive: Option<bool>,
    #[serde(borrow, default, alias = "runtimeFraction")]
    pub runtime_fraction: Option<RuntimeFraction<'a>>,
    #[serde(borrow, default)]
    pub headers: Vec<HeaderMatcher<'a>>,
    #[serde(borrow, default, alias = "queryParameters")]
    pub query_parameters: Vec<QueryParameterMatcher<'a>>,
    /// Only gRPC requests (`content-type: application/grpc…`).
    #[serde(borrow, default)]
    pub grpc: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "tlsContext")]
    pub tls_context: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "dynamicMetadata")]
    pub dynamic_metadata: Vec<&'a RawValue>,
}

/// `envoy.config.route.v3.RouteAction`, the cluster part.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RouteAction<'a> {
    #[serde(borrow, default)]
    pub cluster: Option<Str<'a>>,
    #[serde(borrow, default, alias = "weightedClusters")]
    pub weighted_clusters: Option<WeightedClusters<'a>>,
    /// The cluster is named by this request header.
    #[serde(borrow, default, alias = "clusterHeader")]
    pub cluster_header: Option<Str<'a>>,
    #[serde(borrow, default, alias = "clusterSpecifierPlugin")]
    pub cluster_specifier_plugin: Option<Str<'a>>,
    #[serde(borrow, default, alias = "inlineClusterSpecifierPlugin")]
    pub inline_cluster_specifier_plugin: Option<&'a RawValue>,
}

/// `envoy.config.route.v3.WeightedCluster`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WeightedClusters<'a> {
    #[serde(borrow, default)]
    pub clusters: Vec<ClusterWeight<'a>>,
    /// Deprecated; without it the weights' sum is the total.
    #[serde(default, alias = "totalWeight", deserialize_with = "opt_u32_lenient")]
    pub total_weight: Option<u32>,
}

/// `WeightedCluster.ClusterWeight`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClusterWeight<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "clusterHeader")]
    pub cluster_header: Option<Str<'a>>,
    #[serde(default, deserialize_with = "opt_u32_lenient")]
    pub weight: Option<u32>,
}

/// `envoy.config.route.v3.RedirectAction`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RedirectAction<'a> {
    #[serde(borrow, default, alias = "schemeRedirect")]
    pub scheme_redirect: Option<Str<'a>>,
    #[serde(default, alias = "httpsRedirect")]
    pub https_redirect: bool,
    #[serde(borrow, default, alias = "hostRedirect")]
    pub host_redirect: Option<Str<'a>>,
    #[serde(default, alias = "portRedirect", deserialize_with = "opt_u32_lenient")]
    pub port_redirect: Option<u32>,
    #[serde(borrow, default, alias = "pathRedirect")]
    pub path_redirect: Option<Str<'a>>,
    #[serde(borrow, default, alias = "prefixRewrite")]
    pub prefix_rewrite: Option<Str<'a>>,
    /// `RedirectResponseCode`, a name or a number (default `MOVED_PERMANENTLY`, 301).
    #[serde(borrow, default, alias = "responseCode")]
    pub response_code: Option<&'a RawValue>,
}

/// `envoy.config.route.v3.DirectResponseAction`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DirectResponseAction<'a> {
    #[serde(default, deserialize_with = "crate::envoy::proto::u32_lenient")]
    pub status: u32,
    /// `body` (a `DataSource`), kept raw.
    #[serde(borrow, default)]
    pub body: Option<&'a RawValue>,
}
