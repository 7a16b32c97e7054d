//! `envoy.config.route.v3.RouteConfiguration`, inline in an HCM or from the routes section,
//! as far as istioctl's DESTINATION and `proxy-config route` read it.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::metadata::Metadata;
use crate::envoy::proto::Str;

/// An inline route configuration inside an HCM.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RouteConfiguration<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "virtualHosts")]
    pub virtual_hosts: Vec<VirtualHost<'a>>,
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
}

/// `envoy.config.route.v3.Route`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Route<'a> {
    #[serde(borrow, default, rename = "match")]
    pub route_match: RouteMatch<'a>,
    #[serde(borrow, default)]
    pub route: Option<RouteAction<'a>>,
    #[serde(borrow, default)]
    pub redirect: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "directResponse")]
    pub direct_response: Option<&'a RawValue>,
    /// Istio names the VirtualService behind the route here (`pc route`).
    #[serde(borrow, default)]
    pub metadata: Option<Metadata<'a>>,
}

/// `envoy.config.route.v3.RouteMatch` path specifiers (headers are not read).
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
}

/// `envoy.type.matcher.v3.RegexMatcher`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SafeRegex<'a> {
    #[serde(borrow, default)]
    pub regex: Str<'a>,
}

/// `envoy.config.route.v3.RouteAction`, the cluster part.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RouteAction<'a> {
    #[serde(borrow, default)]
    pub cluster: Option<Str<'a>>,
    #[serde(borrow, default, alias = "weightedClusters")]
    pub weighted_clusters: Option<&'a RawValue>,
}
