//! `envoy.config.endpoint.v3.ClusterLoadAssignment`, as far as istioctl's `proxy-config
//! endpoint` and `eds` writers read it: the cluster name, localities and each endpoint's
//! addresses and health status.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::envoy::listener::Pipe;
use crate::envoy::listener::SocketAddress;
use crate::envoy::metadata::StructMetadata;

use crate::envoy::proto::{Str, opt_u32_lenient};

/// A load assignment of the dump.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClusterLoadAssignment<'a> {
    #[serde(borrow, default, alias = "clusterName")]
    pub cluster_name: Str<'a>,
    #[serde(borrow, default)]
    pub endpoints: Vec<LocalityLbEndpoints<'a>>,
}

/// The endpoints of one locality.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LocalityLbEndpoints<'a> {
    #[serde(borrow, default)]
    pub locality: Option<Locality<'a>>,
    #[serde(borrow, default, alias = "lbEndpoints")]
    pub lb_endpoints: Vec<LbEndpoint<'a>>,
    #[serde(
        default,
        alias = "loadBalancingWeight",
        deserialize_with = "opt_u32_lenient"
    )]
    pub load_balancing_weight: Option<u32>,
    #[serde(default, deserialize_with = "crate::envoy::proto::u32_lenient")]
    pub priority: u32,
}

/// `envoy.config.core.v3.Locality`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Locality<'a> {
    #[serde(borrow, default)]
    pub region: Str<'a>,
    #[serde(borrow, default)]
    pub zone: Str<'a>,
    #[serde(borrow, default, alias = "subZone")]
    pub sub_zone: Str<'a>,
}

/// One endpoint with its health.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LbEndpoint<'a> {
    #[serde(borrow, default)]
    pub endpoint: Option<Endpoint<'a>>,
    #[serde(default, alias = "healthStatus")]
    pub health_status: HealthStatus,
    /// The host's metadata: Istio puts the tunnel's original destination here
    /// (`envoy.filters.listener.original_dst`) and which transport socket the host takes
    /// (`envoy.transport_socket_match`).
    #[serde(borrow, default)]
    pub metadata: Option<StructMetadata<'a>>,
    #[serde(
        default,
        alias = "loadBalancingWeight",
        deserialize_with = "opt_u32_lenient"
    )]
    pub load_balancing_weight: Option<u32>,
}

/// `envoy.config.endpoint.v3.Endpoint`: its address and additional addresses.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Endpoint<'a> {
    #[serde(borrow, default)]
    pub address: Option<EndpointAddress<'a>>,
    #[serde(borrow, default, alias = "additionalAddresses")]
    pub additional_addresses: Vec<AdditionalAddress<'a>>,
}

/// `Endpoint.AdditionalAddress`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AdditionalAddress<'a> {
    #[serde(borrow, default)]
    pub address: Option<EndpointAddress<'a>>,
}

/// `envoy.config.core.v3.Address`, its internal address read as well.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EndpointAddress<'a> {
    #[serde(borrow, default, alias = "socketAddress")]
    pub socket_address: Option<SocketAddress<'a>>,
    #[serde(borrow, default)]
    pub pipe: Option<Pipe<'a>>,
    #[serde(borrow, default, alias = "envoyInternalAddress")]
    pub envoy_internal_address: Option<InternalAddress<'a>>,
}

/// `envoy.config.core.v3.EnvoyInternalAddress`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InternalAddress<'a> {
    #[serde(borrow, default, alias = "serverListenerName")]
    pub server_listener_name: Option<Str<'a>>,
    #[serde(borrow, default, alias = "endpointId")]
    pub endpoint_id: Str<'a>,
}

/// `envoy.config.core.v3.HealthStatus`: its number (a name is read as its number).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HealthStatus(pub i64);

/// The value names in number order (envoy/config/core/v3/health_check.proto).
const HEALTH_STATUS_NAMES: [&str; 6] = [
    "UNKNOWN",
    "HEALTHY",
    "UNHEALTHY",
    "DRAINING",
    "TIMEOUT",
    "DEGRADED",
];

impl HealthStatus {
    /// The name Go's `HealthStatus.String()` gives: the value's name, or its number.
    pub fn name(self) -> String {
        usize::try_from(self.0)
            .ok()
            .and_then(|i| HEALTH_STATUS_NAMES.get(i))
            .map_or_else(|| self.0.to_string(), |n| (*n).to_string())
    }
}

impl<'de> Deserialize<'de> for HealthStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = HealthStatus;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a HealthStatus name or number")
            }
            fn visit_unit<E: de::Error>(self) -> Result<HealthStatus, E> {
                Ok(HealthStatus(0))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<HealthStatus, E> {
                Ok(HealthStatus(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<HealthStatus, E> {
                i64::try_from(v)
                    .map(HealthStatus)
                    .map_err(|_| E::custom("HealthStatus out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<HealthStatus, E> {
                HEALTH_STATUS_NAMES
                    .iter()
                    .position(|n| *n == v)
                    .and_then(|i| i64::try_from(i).ok())
                    .map(HealthStatus)
                    .ok_or_else(|| E::custom(format!("unknown HealthStatus {v:?}")))
            }
        }
        d.deserialize_any(V)
    }
}

/// `envoy.admin.v3.Clusters`, what `/clusters?format=json` answers: each cluster kept raw
/// (printed by `-o json|yaml`) until read as a [`ClusterStatus`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClustersStatus<'a> {
    #[serde(borrow, default, alias = "clusterStatuses")]
    pub cluster_statuses: Vec<&'a serde_json::value::RawValue>,
}

/// `envoy.admin.v3.ClusterStatus`, as far as istioctl's `pc endpoint` reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClusterStatus<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "hostStatuses")]
    pub host_statuses: Vec<HostStatus<'a>>,
}

/// `envoy.admin.v3.HostStatus`: the host's address and health.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HostStatus<'a> {
    #[serde(borrow, default)]
    pub address: Option<EndpointAddress<'a>>,
    #[serde(default, alias = "healthStatus")]
    pub health_status: Option<HostHealthStatus>,
}

/// `envoy.admin.v3.HostHealthStatus`: the EDS health and the outlier detector's verdict.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct HostHealthStatus {
    #[serde(default, alias = "edsHealthStatus")]
    pub eds_health_status: HealthStatus,
    #[serde(default, alias = "failedOutlierCheck")]
    pub failed_outlier_check: bool,
}
