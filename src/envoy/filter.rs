//! Network filters, and the two Istio terminals decoded by filter **name** (DOMAIN.md §1.4,
//! §2.2): the HTTP connection manager and tcp_proxy. Any other filter keeps its config raw.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::envoy::proto::{BorrowedStr, Str};
use crate::envoy::route::RouteConfiguration;

/// Filter name of the HTTP connection manager (istioctl matches this exact name).
pub const HCM_NAME: &str = "envoy.filters.network.http_connection_manager";
/// Filter name of the TCP proxy.
pub const TCP_PROXY_NAME: &str = "envoy.filters.network.tcp_proxy";
/// Cluster name that marks Istio's blackhole chain (istioctl's `isBlackholeCluster`).
pub const BLACKHOLE_CLUSTER: &str = "BlackHoleCluster";

/// A network filter: its name and its config, decoded for HCM and tcp_proxy.
#[derive(Debug, Clone)]
pub struct NetworkFilter<'a> {
    pub name: Str<'a>,
    pub config: NetworkFilterConfig<'a>,
    /// Present when the config comes through ECDS.
    pub config_discovery: Option<ConfigDiscovery<'a>>,
}

/// The decoded `typed_config` of a network filter.
#[derive(Debug, Clone)]
pub enum NetworkFilterConfig<'a> {
    /// No `typed_config` (e.g. delivered by `config_discovery`).
    None,
    HttpConnectionManager(Box<HttpConnectionManager<'a>>),
    TcpProxy(TcpProxy<'a>),
    /// Any other filter: the config as the dump holds it.
    Other(&'a RawValue),
}

/// `envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HttpConnectionManager<'a> {
    #[serde(borrow, default, alias = "statPrefix")]
    pub stat_prefix: Str<'a>,
    /// HTTP filters in execution order, router last.
    #[serde(borrow, default, alias = "httpFilters")]
    pub http_filters: Vec<HttpFilter<'a>>,
    #[serde(borrow, default)]
    pub rds: Option<Rds<'a>>,
    #[serde(borrow, default, alias = "routeConfig")]
    pub route_config: Option<RouteConfiguration<'a>>,
    #[serde(borrow, default, alias = "scopedRoutes")]
    pub scoped_routes: Option<&'a RawValue>,
    /// Strip the Host header's port before routing when it is the listener's port.
    #[serde(default, alias = "stripMatchingHostPort")]
    pub strip_matching_host_port: bool,
    /// Strip any port from the Host header before routing.
    #[serde(default, alias = "stripAnyHostPort")]
    pub strip_any_host_port: bool,
}

/// `HttpConnectionManager.rds`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Rds<'a> {
    #[serde(borrow, default, alias = "routeConfigName")]
    pub route_config_name: Str<'a>,
}

/// `envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HttpFilter<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "configDiscovery")]
    pub config_discovery: Option<ConfigDiscovery<'a>>,
    #[serde(default, alias = "isOptional")]
    pub is_optional: bool,
    #[serde(default)]
    pub disabled: bool,
}

/// `envoy.config.core.v3.ExtensionConfigSource`: the filter's config comes through ECDS.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ConfigDiscovery<'a> {
    #[serde(borrow, default, alias = "configSource")]
    pub config_source: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "defaultConfig")]
    pub default_config: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "typeUrls")]
    pub type_urls: Vec<Str<'a>>,
    #[serde(default, alias = "applyDefaultConfigWithoutWarming")]
    pub apply_default_config_without_warming: bool,
}

/// `envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`, as far as we read it.
#[derive(Debug, Clone, Default)]
pub struct TcpProxy<'a> {
    pub stat_prefix: Str<'a>,
    pub cluster: Str<'a>,
    pub weighted_clusters: Vec<WeightedCluster<'a>>,
    /// Some string in the config names `BlackHoleCluster` (istioctl's blackhole test).
    pub is_blackhole: bool,
    /// Set when the proxy tunnels the connection in an HTTP CONNECT (or POST) request.
    pub tunneling_config: Option<TunnelingConfig<'a>>,
}

/// `TcpProxy.WeightedCluster.ClusterWeight`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WeightedCluster<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(default, deserialize_with = "crate::envoy::proto::opt_u32_lenient")]
    pub weight: Option<u32>,
}

/// `TcpProxy.TunnelingConfig`: the request the proxy opens upstream for the connection.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TunnelingConfig<'a> {
    /// The request's host (the CONNECT authority), a format string (`%DOWNSTREAM_LOCAL_ADDRESS%`).
    #[serde(borrow, default)]
    pub hostname: Str<'a>,
    #[serde(default, alias = "usePost")]
    pub use_post: bool,
    #[serde(borrow, default, alias = "headersToAdd")]
    pub headers_to_add: Vec<HeaderValueOption<'a>>,
    #[serde(default, alias = "propagateResponseHeaders")]
    pub propagate_response_headers: bool,
}

/// `envoy.config.core.v3.HeaderValueOption`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HeaderValueOption<'a> {
    #[serde(borrow, default)]
    pub header: Option<HeaderValue<'a>>,
}

/// `envoy.config.core.v3.HeaderValue`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HeaderValue<'a> {
    #[serde(borrow, default)]
    pub key: Str<'a>,
    #[serde(borrow, default)]
    pub value: Str<'a>,
}

#[derive(Deserialize)]
struct TcpProxyFields<'a> {
    #[serde(borrow, default, alias = "statPrefix")]
    stat_prefix: Str<'a>,
    #[serde(borrow, default)]
    cluster: Str<'a>,
    #[serde(borrow, default, alias = "weightedClusters")]
    weighted_clusters: Option<WeightedClusters<'a>>,
    #[serde(borrow, default, alias = "tunnelingConfig")]
    tunneling_config: Option<TunnelingConfig<'a>>,
}

#[derive(Deserialize)]
struct WeightedClusters<'a> {
    #[serde(borrow, default)]
    clusters: Vec<WeightedCluster<'a>>,
}

impl<'a> TcpProxy<'a> {
    fn from_raw(raw: &'a RawValue) -> Result<Self, serde_json::Error> {
        let fields: TcpProxyFields<'a> = serde_json::from_str(raw.get())?;
        Ok(TcpProxy {
            stat_prefix: fields.stat_prefix,
            cluster: fields.cluster,
            weighted_clusters: fields
                .weighted_clusters
                .map(|w| w.clusters)
                .unwrap_or_default(),
            is_blackhole: is_blackhole(raw),
            tunneling_config: fields.tunneling_config,
        })
    }
}

/// What a network filter's `typed_config` is read into: the full model
/// ([`NetworkFilterConfig`]) or a reduction of it (`wasm count` reads only the HCM's HTTP
/// filters and the blackhole test). Which names are the two terminals, and when the HCM
/// is decoded in place, is decided once, by [`FilterFields`].
pub trait FilterConfig<'a>: Sized {
    /// No `typed_config` (e.g. delivered by `config_discovery`).
    fn none() -> Self;
    /// The HCM's `typed_config`, decoded in place as the next value of `map`.
    fn hcm_in_place<'de: 'a, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error>;
    /// The HCM's `typed_config`, when it came before the filter's name.
    fn hcm(raw: &'a RawValue) -> Result<Self, serde_json::Error>;
    /// tcp_proxy's `typed_config`.
    fn tcp_proxy(raw: &'a RawValue) -> Result<Self, serde_json::Error>;
    /// Any other filter's `typed_config`.
    fn other(raw: &'a RawValue) -> Self;
}

impl<'a> FilterConfig<'a> for NetworkFilterConfig<'a> {
    fn none() -> Self {
        NetworkFilterConfig::None
    }
    fn hcm_in_place<'de: 'a, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        let hcm: HttpConnectionManager<'a> = map.next_value()?;
        Ok(NetworkFilterConfig::HttpConnectionManager(Box::new(hcm)))
    }
    fn hcm(raw: &'a RawValue) -> Result<Self, serde_json::Error> {
        serde_json::from_str(raw.get())
            .map(|h| NetworkFilterConfig::HttpConnectionManager(Box::new(h)))
    }
    fn tcp_proxy(raw: &'a RawValue) -> Result<Self, serde_json::Error> {
        TcpProxy::from_raw(raw).map(NetworkFilterConfig::TcpProxy)
    }
    fn other(raw: &'a RawValue) -> Self {
        NetworkFilterConfig::Other(raw)
    }
}

/// istioctl's blackhole test: it searches the encoded proto bytes, so any string value in
/// the config that holds the name counts.
pub fn is_blackhole(tcp_proxy_config: &RawValue) -> bool {
    tcp_proxy_config.get().contains(BLACKHOLE_CLUSTER)
}

/// A network filter's fields, its `typed_config` read into `C` by the filter's name.
#[derive(Debug, Clone)]
pub struct FilterFields<'a, C> {
    pub name: Str<'a>,
    pub config: C,
    pub config_discovery: Option<ConfigDiscovery<'a>>,
}

fn decode_config<'a, C: FilterConfig<'a>, E: de::Error>(
    name: &str,
    raw: &'a RawValue,
) -> Result<C, E> {
    let terminal = match name {
        HCM_NAME => C::hcm(raw),
        TCP_PROXY_NAME => C::tcp_proxy(raw),
        _ => return Ok(C::other(raw)),
    };
    terminal.map_err(|e| E::custom(format!("typed_config of {name}: {e}")))
}

impl<'de: 'a, 'a, C: FilterConfig<'a>> Deserialize<'de> for FilterFields<'a, C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FilterVisitor<'a, C>(std::marker::PhantomData<(&'a (), C)>);

        impl<'de: 'a, 'a, C: FilterConfig<'a>> Visitor<'de> for FilterVisitor<'a, C> {
            type Value = FilterFields<'a, C>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a network filter object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut name: Option<Str<'a>> = None;
                let mut config = C::none();
                let mut pending_raw: Option<&'a RawValue> = None;
                let mut config_discovery = None;
                while let Some(key) = map.next_key::<BorrowedStr<'a>>()? {
                    match key.0.as_ref() {
                        "name" => name = Some(map.next_value::<BorrowedStr<'a>>()?.0),
                        "typed_config" | "typedConfig" => match name.as_deref() {
                            // The usual order (name first): decode the HCM in place, so a
                            // wrong field inside it is reported at its own position.
                            Some(HCM_NAME) => config = C::hcm_in_place(&mut map)?,
                            _ => pending_raw = Some(map.next_value()?),
                        },
                        "config_discovery" | "configDiscovery" => {
                            config_discovery = Some(map.next_value()?)
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let name = name.unwrap_or_default();
                if let Some(raw) = pending_raw {
                    config = decode_config(&name, raw)?;
                }
                Ok(FilterFields {
                    name,
                    config,
                    config_discovery,
                })
            }
        }

        d.deserialize_map(FilterVisitor(std::marker::PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for NetworkFilter<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = FilterFields::<NetworkFilterConfig<'a>>::deserialize(d)?;
        Ok(NetworkFilter {
            name: f.name,
            config: f.config,
            config_discovery: f.config_discovery,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_terminals_by_name_in_either_key_order() {
        let hcm_first = r#"{"name":"envoy.filters.network.http_connection_manager",
            "typed_config":{"@type":"x","stat_prefix":"in","rds":{"route_config_name":"80"}}}"#;
        let hcm_last = r#"{"typedConfig":{"statPrefix":"in","rds":{"routeConfigName":"80"}},
            "name":"envoy.filters.network.http_connection_manager"}"#;
        for json in [hcm_first, hcm_last] {
            let f: NetworkFilter = serde_json::from_str(json).unwrap();
            match f.config {
                NetworkFilterConfig::HttpConnectionManager(h) => {
                    assert_eq!(h.rds.unwrap().route_config_name, "80")
                }
                other => panic!("{other:?}"),
            }
        }
        let tcp = r#"{"name":"envoy.filters.network.tcp_proxy",
            "typed_config":{"stat_prefix":"BlackHoleCluster","cluster":"BlackHoleCluster"}}"#;
        let f: NetworkFilter = serde_json::from_str(tcp).unwrap();
        assert!(matches!(f.config, NetworkFilterConfig::TcpProxy(ref t) if t.is_blackhole));
        let other = r#"{"name":"istio.stats","typed_config":{"@type":"y"}}"#;
        let f: NetworkFilter = serde_json::from_str(other).unwrap();
        assert!(matches!(f.config, NetworkFilterConfig::Other(_)));
    }

    #[test]
    fn wrong_type_inside_hcm_is_an_error() {
        let json = r#"{"name":"envoy.filters.network.http_connection_manager",
            "typed_config":{"http_filters":"nope"}}"#;
        assert!(serde_json::from_str::<NetworkFilter>(json).is_err());
    }
}
