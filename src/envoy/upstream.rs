//! `envoy.config.cluster.v3.Cluster` as `explain` follows a connection into it: how it finds
//! its hosts (discovery type, inline `load_assignment`, the EDS service name), which
//! transport socket a host gets (`transport_socket`, `transport_socket_matches`; the
//! internal upstream socket and what metadata it passes through; the upstream TLS ALPN),
//! how an `ORIGINAL_DST` cluster picks its host (`original_dst_lb_config`), and whether it
//! speaks HTTP/2 upstream. `pc cluster` reads the smaller [`crate::envoy::cluster::Cluster`].

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::envoy::cluster::DiscoveryType;
use crate::envoy::endpoint::ClusterLoadAssignment;
use crate::envoy::filter_chain::TransportSocket;
use crate::envoy::proto::{OrderedMap, Str};

/// Transport socket name of Envoy's internal upstream socket (`envoy.transport_sockets.
/// internal_upstream`; Istio names it `internal_upstream`).
pub const INTERNAL_UPSTREAM_SOCKET: &str = "envoy.transport_sockets.internal_upstream";

/// The key of `typed_extension_protocol_options` that holds the upstream HTTP options.
pub const HTTP_PROTOCOL_OPTIONS: &str = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

/// A cluster, as far as `explain` follows a connection through it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClusterUpstream<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(default, rename = "type")]
    pub discovery_type: DiscoveryType,
    #[serde(borrow, default, alias = "edsClusterConfig")]
    pub eds_cluster_config: Option<EdsClusterConfig<'a>>,
    #[serde(borrow, default, alias = "loadAssignment")]
    pub load_assignment: Option<ClusterLoadAssignment<'a>>,
    #[serde(borrow, default, alias = "transportSocket")]
    pub transport_socket: Option<TransportSocket<'a>>,
    #[serde(borrow, default, alias = "transportSocketMatches")]
    pub transport_socket_matches: Vec<TransportSocketMatch<'a>>,
    #[serde(default, alias = "originalDstLbConfig")]
    pub original_dst_lb_config: Option<OriginalDstLbConfig<'a>>,
    #[serde(borrow, default, alias = "typedExtensionProtocolOptions")]
    pub typed_extension_protocol_options: OrderedMap<'a, &'a RawValue>,
}

/// `Cluster.EdsClusterConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EdsClusterConfig<'a> {
    #[serde(borrow, default, alias = "serviceName")]
    pub service_name: Str<'a>,
}

/// `Cluster.TransportSocketMatch`: a transport socket for the hosts whose
/// `envoy.transport_socket_match` metadata holds every field of `match`.
#[derive(Debug, Clone, Deserialize)]
pub struct TransportSocketMatch<'a> {
    /// A `google.protobuf.Struct`: its fields, values kept raw.
    #[serde(borrow, default, rename = "match")]
    pub match_fields: OrderedMap<'a, &'a RawValue>,
    #[serde(borrow, default, alias = "transportSocket")]
    pub transport_socket: Option<TransportSocket<'a>>,
}

/// `Cluster.OriginalDstLbConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OriginalDstLbConfig<'a> {
    /// A `UInt32Value`: bare or `{"value": N}`.
    #[serde(
        default,
        alias = "upstreamPortOverride",
        deserialize_with = "uint32_value"
    )]
    pub upstream_port_override: Option<u32>,
    #[serde(borrow, default, alias = "metadataKey")]
    pub metadata_key: Option<MetadataKey<'a>>,
}

/// `envoy.type.metadata.v3.MetadataKey`: a filter name and a path of keys into its Struct.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetadataKey<'a> {
    #[serde(borrow, default)]
    pub key: Str<'a>,
    #[serde(borrow, default)]
    pub path: Vec<PathSegment<'a>>,
}

/// `MetadataKey.PathSegment`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PathSegment<'a> {
    #[serde(borrow, default)]
    pub key: Str<'a>,
}

fn uint32_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wrapped {
        Bare(u32),
        Value {
            #[serde(default)]
            value: u32,
        },
    }
    Ok(Option::<Wrapped>::deserialize(d)?.map(|w| match w {
        Wrapped::Bare(v) | Wrapped::Value { value: v } => v,
    }))
}

/// Which metadata an internal upstream socket hands to the internal listener
/// (`InternalUpstreamTransport.passthrough_metadata`), and the socket it wraps.
#[derive(Debug, Clone, Default)]
pub struct InternalUpstream {
    /// `(kind, name)`: kind `host` (the endpoint's metadata) or `cluster`.
    pub passthrough: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct InternalUpstreamFields<'a> {
    #[serde(borrow, default, alias = "passthroughMetadata")]
    passthrough_metadata: Vec<MetadataValueSource<'a>>,
}

#[derive(Deserialize)]
struct MetadataValueSource<'a> {
    #[serde(borrow, default)]
    kind: OrderedMap<'a, &'a RawValue>,
    #[serde(borrow, default)]
    name: Str<'a>,
}

#[derive(Deserialize)]
struct UpstreamTlsFields<'a> {
    #[serde(borrow, default, alias = "commonTlsContext")]
    common_tls_context: Option<CommonTlsFields<'a>>,
}

#[derive(Deserialize)]
struct CommonTlsFields<'a> {
    #[serde(borrow, default, alias = "alpnProtocols")]
    alpn_protocols: Vec<Str<'a>>,
}

#[derive(Deserialize)]
struct HttpProtocolOptionsFields<'a> {
    #[serde(borrow, default, alias = "explicitHttpConfig")]
    explicit_http_config: Option<OrderedMap<'a, &'a RawValue>>,
}

impl TransportSocket<'_> {
    /// The internal upstream socket's passthrough metadata; `None` for another socket.
    pub fn internal_upstream(&self) -> Option<InternalUpstream> {
        let named = self.name == INTERNAL_UPSTREAM_SOCKET || self.name == "internal_upstream";
        let typed = self
            .typed_config
            .is_some_and(|t| t.get().contains("InternalUpstreamTransport"));
        if !named && !typed {
            return None;
        }
        let fields: Option<InternalUpstreamFields> =
            (self.typed_config).and_then(|t| serde_json::from_str(t.get()).ok());
        let passthrough = fields.map_or_else(Vec::new, |f| {
            f.passthrough_metadata
                .iter()
                .map(|m| {
                    let kind = m.kind.0.first().map_or("", |(k, _)| k.as_ref());
                    (kind.to_string(), m.name.to_string())
                })
                .collect()
        });
        Some(InternalUpstream { passthrough })
    }

    /// The ALPN an upstream TLS socket offers; `None` for a socket that is not TLS.
    pub fn upstream_alpn(&self) -> Option<Vec<String>> {
        if !self.is_tls() {
            return None;
        }
        let fields: Option<UpstreamTlsFields> =
            (self.typed_config).and_then(|t| serde_json::from_str(t.get()).ok());
        Some(
            fields
                .and_then(|f| f.common_tls_context)
                .map(|c| c.alpn_protocols.iter().map(|a| a.to_string()).collect())
                .unwrap_or_default(),
        )
    }
}

impl<'a> ClusterUpstream<'a> {
    /// The name EDS answers under: `eds_cluster_config.service_name`, else the cluster's
    /// own name (Envoy's `EdsClusterImpl`).
    pub fn eds_service_name(&self) -> &str {
        match &self.eds_cluster_config {
            Some(c) if !c.service_name.is_empty() => &c.service_name,
            _ => &self.name,
        }
    }

    /// The transport socket a host with `match_metadata` (its `envoy.transport_socket_match`
    /// Struct, fields raw) gets: the first match whose every field the host has with the
    /// same value, else the cluster's `transport_socket` (Envoy's
    /// `TransportSocketMatcherImpl::resolve`).
    pub fn socket_for(
        &self,
        match_metadata: &[(Str<'a>, &'a RawValue)],
    ) -> Option<&TransportSocket<'a>> {
        let holds = |(k, v): &(Str<'a>, &'a RawValue)| {
            match_metadata
                .iter()
                .any(|(hk, hv)| hk == k && same_value(hv, v))
        };
        self.transport_socket_matches
            .iter()
            .find(|m| m.match_fields.0.iter().all(holds))
            .map_or(self.transport_socket.as_ref(), |m| {
                m.transport_socket.as_ref()
            })
    }

    /// True when the cluster speaks HTTP/2 upstream (`explicit_http_config.
    /// http2_protocol_options` in its HTTP protocol options), as HBONE's CONNECT needs.
    pub fn speaks_http2(&self) -> bool {
        self.typed_extension_protocol_options
            .0
            .iter()
            .filter(|(k, _)| k.as_ref() == HTTP_PROTOCOL_OPTIONS)
            .filter_map(|(_, v)| serde_json::from_str::<HttpProtocolOptionsFields>(v.get()).ok())
            .filter_map(|f| f.explicit_http_config)
            .any(|c| {
                c.0.iter().any(|(k, _)| {
                    k.as_ref() == "http2_protocol_options" || k.as_ref() == "http2ProtocolOptions"
                })
            })
    }
}

/// Two JSON values are the same value (compared parsed, so spacing does not matter).
fn same_value(a: &RawValue, b: &RawValue) -> bool {
    a.get() == b.get()
        || matches!(
            (
                serde_json::from_str::<serde_json::Value>(a.get()),
                serde_json::from_str::<serde_json::Value>(b.get())
            ),
            (Ok(x), Ok(y)) if x == y
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_istio_connect_originate_cluster_in_both_spellings() {
        let snake = r#"{"name":"connect_originate","type":"ORIGINAL_DST","lb_policy":"CLUSTER_PROVIDED",
          "original_dst_lb_config":{"upstream_port_override":15008,
            "metadata_key":{"key":"envoy.filters.listener.original_dst","path":[{"key":"waypoint"}]}},
          "typed_extension_protocol_options":{"envoy.extensions.upstreams.http.v3.HttpProtocolOptions":
            {"@type":"x","explicit_http_config":{"http2_protocol_options":{"allow_connect":true}}}},
          "transport_socket":{"name":"tls","typed_config":{"@type":"y",
            "common_tls_context":{"alpn_protocols":["h2"]}}}}"#;
        let camel = r#"{"name":"connect_originate","type":"ORIGINAL_DST",
          "originalDstLbConfig":{"upstreamPortOverride":{"value":15008},
            "metadataKey":{"key":"envoy.filters.listener.original_dst","path":[{"key":"waypoint"}]}},
          "typedExtensionProtocolOptions":{"envoy.extensions.upstreams.http.v3.HttpProtocolOptions":
            {"@type":"x","explicitHttpConfig":{"http2ProtocolOptions":{"allowConnect":true}}}},
          "transportSocket":{"name":"tls","typedConfig":{"@type":"y",
            "commonTlsContext":{"alpnProtocols":["h2"]}}}}"#;
        for json in [snake, camel] {
            let c: ClusterUpstream = serde_json::from_str(json).unwrap();
            assert_eq!(c.discovery_type, DiscoveryType::OriginalDst);
            let lb = c.original_dst_lb_config.as_ref().unwrap();
            assert_eq!(lb.upstream_port_override, Some(15008));
            assert_eq!(lb.metadata_key.as_ref().unwrap().path[0].key, "waypoint");
            assert!(c.speaks_http2(), "{json}");
            let alpn = c.socket_for(&[]).unwrap().upstream_alpn();
            assert_eq!(alpn, Some(vec!["h2".to_string()]));
        }
    }

    /// Envoy's `TransportSocketMatcherImpl::resolve`: the first match whose fields the
    /// host's `envoy.transport_socket_match` metadata all holds, else the default socket.
    #[test]
    fn picks_the_socket_by_the_hosts_match_metadata() {
        let json = r#"{"name":"outbound|3306||db","type":"EDS",
          "transport_socket_matches":[
            {"name":"hbone","match":{"tunnel":"http"},"transport_socket":{"name":"internal_upstream",
              "typed_config":{"@type":"type.googleapis.com/envoy.extensions.transport_sockets.internal_upstream.v3.InternalUpstreamTransport",
                "passthrough_metadata":[{"kind":{"host":{}},"name":"envoy.filters.listener.original_dst"},
                                        {"kind":{"cluster":{}},"name":"istio"}]}}},
            {"name":"tlsMode-disabled","match":{},"transport_socket":{"name":"envoy.transport_sockets.raw_buffer"}}]}"#;
        let c: ClusterUpstream = serde_json::from_str(json).unwrap();
        let hbone: OrderedMap<&RawValue> = serde_json::from_str(r#"{"tunnel":"http"}"#).unwrap();
        let socket = c.socket_for(&hbone.0).unwrap();
        let internal = socket.internal_upstream().unwrap();
        assert_eq!(
            internal.passthrough,
            [
                (
                    "host".to_string(),
                    "envoy.filters.listener.original_dst".to_string()
                ),
                ("cluster".to_string(), "istio".to_string())
            ]
        );
        let plain = c.socket_for(&[]).unwrap();
        assert_eq!(plain.name, "envoy.transport_sockets.raw_buffer");
        assert!(plain.internal_upstream().is_none());
        assert_eq!(c.eds_service_name(), "outbound|3306||db");
    }
}
