//! `envoy.config.listener.v3.Listener` (DOMAIN.md §2): addresses, listener filters, chains.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::filter::ConfigDiscovery;
use crate::envoy::filter_chain::FilterChain;
use crate::envoy::matcher::Matcher;
use crate::envoy::proto::{self, ProtoEnum, Str};

/// A listener as the dump holds it. Unknown fields are ignored.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Listener<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    /// Absent on internal listeners (`main_internal`, `connect_originate`).
    #[serde(borrow, default)]
    pub address: Option<Address<'a>>,
    #[serde(borrow, default, alias = "additionalAddresses")]
    pub additional_addresses: Vec<AdditionalAddress<'a>>,
    #[serde(
        default,
        alias = "trafficDirection",
        deserialize_with = "proto::proto_enum"
    )]
    pub traffic_direction: TrafficDirection,
    /// Run in order before chain selection.
    #[serde(borrow, default, alias = "listenerFilters")]
    pub listener_filters: Vec<ListenerFilter<'a>>,
    #[serde(borrow, default, alias = "filterChains")]
    pub filter_chains: Vec<FilterChain<'a>>,
    /// Used when no chain matches; its `filter_chain_match` is ignored.
    #[serde(borrow, default, alias = "defaultFilterChain")]
    pub default_filter_chain: Option<FilterChain<'a>>,
    /// An xDS matcher tree that replaces every `filter_chain_match` (DOMAIN.md §2.4).
    #[serde(borrow, default, alias = "filterChainMatcher")]
    pub filter_chain_matcher: Option<Matcher<'a>>,
    /// Present (even `{}`) on internal listeners.
    #[serde(borrow, default, alias = "internalListener")]
    pub internal_listener: Option<&'a RawValue>,
    /// Hands each connection off to the listener bound to its original destination
    /// (Istio's `virtualOutbound`; DOMAIN.md §3.1). A `BoolValue`, so possibly null.
    #[serde(default, alias = "useOriginalDst")]
    pub use_original_dst: Option<bool>,
}

impl<'a> Listener<'a> {
    /// Every chain in `filter_chains` order, then the default chain.
    pub fn chains(&self) -> impl Iterator<Item = &FilterChain<'a>> {
        self.filter_chains
            .iter()
            .chain(self.default_filter_chain.as_ref())
    }

    /// The primary socket address and port, if the listener binds one.
    pub fn socket_address(&self) -> Option<&SocketAddress<'a>> {
        self.address.as_ref()?.socket_address.as_ref()
    }

    /// True for Envoy internal listeners.
    pub fn is_internal(&self) -> bool {
        self.internal_listener.is_some()
    }

    /// True when Envoy hands its connections off by original destination.
    pub fn hands_off(&self) -> bool {
        self.use_original_dst == Some(true)
    }

    /// True when the listener restores the original destination (the `original_dst`
    /// listener filter, by name or by its typed config), as iptables capture listeners do.
    pub fn restores_original_dst(&self) -> bool {
        self.listener_filters.iter().any(|f| {
            f.name.contains("original_dst")
                || f.typed_config
                    .is_some_and(|t| t.get().contains("OriginalDst"))
        })
    }

    /// Every socket address the listener binds: the primary one, then `additional_addresses`.
    pub fn socket_addresses(&self) -> impl Iterator<Item = &SocketAddress<'a>> {
        self.socket_address().into_iter().chain(
            self.additional_addresses
                .iter()
                .filter_map(|a| a.address.as_ref()?.socket_address.as_ref()),
        )
    }
}

/// `envoy.config.core.v3.Address`: one of a socket, a pipe, or an internal address.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Address<'a> {
    #[serde(borrow, default, alias = "socketAddress")]
    pub socket_address: Option<SocketAddress<'a>>,
    #[serde(borrow, default)]
    pub pipe: Option<Pipe<'a>>,
    #[serde(borrow, default, alias = "envoyInternalAddress")]
    pub envoy_internal_address: Option<&'a RawValue>,
}

impl Address<'_> {
    /// The text istioctl shows for this address: the IP, or the pipe path, else empty.
    pub fn display_address(&self) -> &str {
        if let Some(s) = &self.socket_address {
            return &s.address;
        }
        if let Some(p) = &self.pipe {
            return &p.path;
        }
        ""
    }
}

/// `envoy.config.core.v3.SocketAddress`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SocketAddress<'a> {
    #[serde(borrow, default)]
    pub address: Str<'a>,
    #[serde(default, alias = "portValue", deserialize_with = "proto::u32_lenient")]
    pub port_value: u32,
    /// On an IPv6 any-address, also serve IPv4 (not `v6only`).
    #[serde(default, alias = "ipv4Compat")]
    pub ipv4_compat: Option<bool>,
}

/// `envoy.config.core.v3.Pipe`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Pipe<'a> {
    #[serde(borrow, default)]
    pub path: Str<'a>,
}

/// `envoy.config.listener.v3.AdditionalAddress`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AdditionalAddress<'a> {
    #[serde(borrow, default)]
    pub address: Option<Address<'a>>,
}

/// `envoy.config.core.v3.TrafficDirection`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TrafficDirection {
    #[default]
    Unspecified,
    Inbound,
    Outbound,
}

impl ProtoEnum for TrafficDirection {
    const NAMES: &'static [&'static str] = &["UNSPECIFIED", "INBOUND", "OUTBOUND"];
    fn from_index(index: usize) -> Self {
        match index {
            1 => TrafficDirection::Inbound,
            2 => TrafficDirection::Outbound,
            _ => TrafficDirection::Unspecified,
        }
    }
    fn unknown() -> Self {
        TrafficDirection::Unspecified
    }
}

/// `envoy.config.listener.v3.ListenerFilter`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListenerFilter<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "configDiscovery")]
    pub config_discovery: Option<ConfigDiscovery<'a>>,
    /// The filter is skipped for connections this predicate matches.
    #[serde(default, alias = "filterDisabled")]
    pub filter_disabled: Option<ListenerFilterChainMatchPredicate>,
}

/// `envoy.config.listener.v3.ListenerFilterChainMatchPredicate`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListenerFilterChainMatchPredicate {
    #[serde(alias = "orMatch")]
    OrMatch(PredicateSet),
    #[serde(alias = "andMatch")]
    AndMatch(PredicateSet),
    #[serde(alias = "notMatch")]
    NotMatch(Box<ListenerFilterChainMatchPredicate>),
    #[serde(alias = "anyMatch")]
    AnyMatch(bool),
    /// Destination ports `[start, end)`.
    #[serde(alias = "destinationPortRange")]
    DestinationPortRange(PortRange),
}

/// The `rules` of an `or_match` / `and_match`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct PredicateSet {
    #[serde(default)]
    pub rules: Vec<ListenerFilterChainMatchPredicate>,
}

/// `envoy.type.v3.Int32Range`: `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct PortRange {
    #[serde(default, deserialize_with = "proto::u32_lenient")]
    pub start: u32,
    #[serde(default, deserialize_with = "proto::u32_lenient")]
    pub end: u32,
}

impl ListenerFilterChainMatchPredicate {
    /// Whether the predicate matches a connection to `port` (the filter is then skipped).
    pub fn matches_port(&self, port: u32) -> bool {
        match self {
            Self::OrMatch(set) => set.rules.iter().any(|r| r.matches_port(port)),
            Self::AndMatch(set) => set.rules.iter().all(|r| r.matches_port(port)),
            Self::NotMatch(inner) => !inner.matches_port(port),
            Self::AnyMatch(any) => *any,
            Self::DestinationPortRange(r) => r.start <= port && port < r.end,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicate_matches_ports() {
        let json = r#"{"or_match":{"rules":[{"destination_port_range":{"start":80,"end":81}},
                       {"destinationPortRange":{"start":15006,"end":15007}}]}}"#;
        let p: ListenerFilterChainMatchPredicate = serde_json::from_str(json).unwrap();
        assert!(p.matches_port(80));
        assert!(p.matches_port(15006));
        assert!(!p.matches_port(81));
        let not: ListenerFilterChainMatchPredicate = serde_json::from_str(
            r#"{"not_match":{"destination_port_range":{"start":80,"end":81}}}"#,
        )
        .unwrap();
        assert!(!not.matches_port(80));
        assert!(not.matches_port(8080));
    }

    #[test]
    fn reads_both_spellings() {
        let snake = r#"{"name":"l","address":{"socket_address":{"address":"0.0.0.0","port_value":15006}},
                        "traffic_direction":"INBOUND","filter_chains":[{"name":"c"}]}"#;
        let camel = r#"{"name":"l","address":{"socketAddress":{"address":"0.0.0.0","portValue":"15006"}},
                        "trafficDirection":1,"filterChains":[{"name":"c"}]}"#;
        for json in [snake, camel] {
            let l: Listener = serde_json::from_str(json).unwrap();
            assert_eq!(l.socket_address().unwrap().port_value, 15006);
            assert_eq!(l.traffic_direction, TrafficDirection::Inbound);
            assert_eq!(l.filter_chains[0].name, "c");
        }
    }
}
