//! `envoy.config.cluster.v3.Cluster`, as far as istioctl's `proxy-config cluster` reads it
//! (the name, the discovery type and the metadata) and `explain --request` (load balancing,
//! TLS origination, outlier detection, circuit breakers, where its endpoints come from).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use serde_json::value::RawValue;

use crate::envoy::endpoint::ClusterLoadAssignment;
use crate::envoy::metadata::Metadata;
use crate::envoy::proto::{Str, opt_u32_lenient};

/// A cluster of the dump.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Cluster<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    /// `type`; absent means `STATIC`, the enum's zero (also when the cluster sets
    /// `cluster_type` instead, as Go's `GetType()` reads the oneof).
    #[serde(default, rename = "type")]
    pub discovery_type: DiscoveryType,
    #[serde(borrow, default)]
    pub metadata: Option<Metadata<'a>>,
    /// `LbPolicy` as written (a name or a number); absent is `ROUND_ROBIN`.
    #[serde(borrow, default, alias = "lbPolicy")]
    pub lb_policy: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "transportSocket")]
    pub transport_socket: Option<TransportSocket<'a>>,
    /// Per-endpoint transport sockets (Istio's auto mTLS: `tlsMode-istio`).
    #[serde(borrow, default, alias = "transportSocketMatches")]
    pub transport_socket_matches: Vec<TransportSocketMatch<'a>>,
    #[serde(borrow, default, alias = "outlierDetection")]
    pub outlier_detection: Option<OutlierDetection<'a>>,
    #[serde(default, alias = "circuitBreakers")]
    pub circuit_breakers: Option<CircuitBreakers>,
    #[serde(borrow, default, alias = "edsClusterConfig")]
    pub eds_cluster_config: Option<EdsClusterConfig<'a>>,
    /// The endpoints of a cluster that is not EDS.
    #[serde(borrow, default, alias = "loadAssignment")]
    pub load_assignment: Option<ClusterLoadAssignment<'a>>,
}

/// `envoy.config.core.v3.TransportSocket`: its name and config, kept raw.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TransportSocket<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: Option<&'a RawValue>,
}

/// `Cluster.TransportSocketMatch`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TransportSocketMatch<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "transportSocket")]
    pub transport_socket: Option<TransportSocket<'a>>,
}

/// `envoy.config.cluster.v3.OutlierDetection`, the fields that say when a host is ejected.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OutlierDetection<'a> {
    #[serde(
        default,
        alias = "consecutive5xx",
        deserialize_with = "opt_u32_lenient"
    )]
    pub consecutive_5xx: Option<u32>,
    #[serde(
        default,
        alias = "consecutiveGatewayFailure",
        deserialize_with = "opt_u32_lenient"
    )]
    pub consecutive_gateway_failure: Option<u32>,
    #[serde(borrow, default)]
    pub interval: Option<Str<'a>>,
    #[serde(borrow, default, alias = "baseEjectionTime")]
    pub base_ejection_time: Option<Str<'a>>,
    #[serde(
        default,
        alias = "maxEjectionPercent",
        deserialize_with = "opt_u32_lenient"
    )]
    pub max_ejection_percent: Option<u32>,
}

/// `envoy.config.cluster.v3.CircuitBreakers`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CircuitBreakers {
    #[serde(default)]
    pub thresholds: Vec<Thresholds>,
}

/// `CircuitBreakers.Thresholds`: one priority's limits (unset: Envoy's default of 1024, 3
/// retries).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Thresholds {
    /// `RoutingPriority` as written; absent is `DEFAULT`.
    #[serde(default)]
    pub priority: Option<serde_json::Value>,
    #[serde(
        default,
        alias = "maxConnections",
        deserialize_with = "opt_u32_lenient"
    )]
    pub max_connections: Option<u32>,
    #[serde(
        default,
        alias = "maxPendingRequests",
        deserialize_with = "opt_u32_lenient"
    )]
    pub max_pending_requests: Option<u32>,
    #[serde(default, alias = "maxRequests", deserialize_with = "opt_u32_lenient")]
    pub max_requests: Option<u32>,
    #[serde(default, alias = "maxRetries", deserialize_with = "opt_u32_lenient")]
    pub max_retries: Option<u32>,
}

/// `Cluster.EdsClusterConfig`: the name EDS knows the cluster's endpoints by.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EdsClusterConfig<'a> {
    #[serde(borrow, default, alias = "serviceName")]
    pub service_name: Str<'a>,
}

/// `Cluster.DiscoveryType` (envoy/config/cluster/v3/cluster.proto).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DiscoveryType {
    #[default]
    Static,
    StrictDns,
    LogicalDns,
    Eds,
    OriginalDst,
    /// A number this build has no name for.
    Number(i64),
    /// A name this build does not know, as written.
    Name(String),
}

const NAMES: [&str; 5] = ["STATIC", "STRICT_DNS", "LOGICAL_DNS", "EDS", "ORIGINAL_DST"];

impl DiscoveryType {
    fn from_number(n: i64) -> Self {
        match n {
            0 => DiscoveryType::Static,
            1 => DiscoveryType::StrictDns,
            2 => DiscoveryType::LogicalDns,
            3 => DiscoveryType::Eds,
            4 => DiscoveryType::OriginalDst,
            other => DiscoveryType::Number(other),
        }
    }

    /// The proto name; for a number without a name, the number (as Go's generated
    /// `String()` prints it).
    pub fn name(&self) -> String {
        let known = |i: usize| NAMES[i].to_string();
        match self {
            DiscoveryType::Static => known(0),
            DiscoveryType::StrictDns => known(1),
            DiscoveryType::LogicalDns => known(2),
            DiscoveryType::Eds => known(3),
            DiscoveryType::OriginalDst => known(4),
            DiscoveryType::Number(n) => n.to_string(),
            DiscoveryType::Name(s) => s.clone(),
        }
    }
}

impl<'de> Deserialize<'de> for DiscoveryType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DiscoveryType;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a discovery type name or number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DiscoveryType, E> {
                Ok(match NAMES.iter().position(|n| *n == v) {
                    Some(i) => DiscoveryType::from_number(i as i64),
                    None => DiscoveryType::Name(v.to_string()),
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DiscoveryType, E> {
                Ok(DiscoveryType::from_number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DiscoveryType, E> {
                i64::try_from(v)
                    .map(DiscoveryType::from_number)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_unit<E: de::Error>(self) -> Result<DiscoveryType, E> {
                Ok(DiscoveryType::Static)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> Cluster<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn type_by_name_or_number_and_static_when_absent() {
        assert_eq!(
            decode(r#"{"type":"EDS"}"#).discovery_type,
            DiscoveryType::Eds
        );
        assert_eq!(
            decode(r#"{"type":4}"#).discovery_type,
            DiscoveryType::OriginalDst
        );
        assert_eq!(
            decode(r#"{"name":"x"}"#).discovery_type,
            DiscoveryType::Static
        );
        assert_eq!(decode(r#"{"type":9}"#).discovery_type.name(), "9");
        assert_eq!(
            decode(r#"{"type":"STRICT_DNS"}"#).discovery_type.name(),
            "STRICT_DNS"
        );
    }
}
