//! `envoy.config.listener.v3.FilterChain` and its `FilterChainMatch` (DOMAIN.md §2.1–2.2).

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::filter::NetworkFilter;
use crate::envoy::proto::{self, ProtoEnum, Str};
use crate::util::cidr::Cidr;

/// One filter chain: what it matches, its network filters, and its transport socket.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FilterChain<'a> {
    /// Chain name (may be empty; required with `filter_chain_matcher`).
    #[serde(borrow, default)]
    pub name: Str<'a>,
    /// What connections this chain takes; absent or `{}` matches everything.
    #[serde(borrow, default, alias = "filterChainMatch")]
    pub filter_chain_match: Option<FilterChainMatch<'a>>,
    /// Network filters in order; the terminal filter comes last.
    #[serde(borrow, default)]
    pub filters: Vec<NetworkFilter<'a>>,
    /// `envoy.transport_sockets.tls` here means the chain terminates TLS.
    #[serde(borrow, default, alias = "transportSocket")]
    pub transport_socket: Option<TransportSocket<'a>>,
    /// Chain metadata, kept raw.
    #[serde(borrow, default)]
    pub metadata: Option<&'a RawValue>,
}

/// `envoy.config.listener.v3.FilterChainMatch`; an empty field is a wildcard.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct FilterChainMatch<'a> {
    #[serde(
        default,
        alias = "destinationPort",
        deserialize_with = "proto::opt_u32_lenient"
    )]
    pub destination_port: Option<u32>,
    #[serde(borrow, default, alias = "prefixRanges")]
    pub prefix_ranges: Vec<CidrRange<'a>>,
    #[serde(borrow, default, alias = "serverNames")]
    pub server_names: Vec<Str<'a>>,
    #[serde(borrow, default, alias = "transportProtocol")]
    pub transport_protocol: Str<'a>,
    #[serde(borrow, default, alias = "applicationProtocols")]
    pub application_protocols: Vec<Str<'a>>,
    #[serde(borrow, default, alias = "directSourcePrefixRanges")]
    pub direct_source_prefix_ranges: Vec<CidrRange<'a>>,
    #[serde(default, alias = "sourceType", deserialize_with = "proto::proto_enum")]
    pub source_type: SourceType,
    #[serde(borrow, default, alias = "sourcePrefixRanges")]
    pub source_prefix_ranges: Vec<CidrRange<'a>>,
    #[serde(
        default,
        alias = "sourcePorts",
        deserialize_with = "proto::vec_u32_lenient"
    )]
    pub source_ports: Vec<u32>,
}

impl FilterChainMatch<'_> {
    /// True when every field is a wildcard (the match takes any connection).
    pub fn is_empty(&self) -> bool {
        *self == FilterChainMatch::default()
    }
}

/// `envoy.config.core.v3.CidrRange`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CidrRange<'a> {
    #[serde(borrow, default, alias = "addressPrefix")]
    pub address_prefix: Str<'a>,
    /// Absent means 0 (proto3 default).
    #[serde(
        default,
        alias = "prefixLen",
        deserialize_with = "proto::opt_u32_lenient"
    )]
    pub prefix_len: Option<u32>,
}

impl CidrRange<'_> {
    /// The prefix length, 0 when absent.
    pub fn prefix_len(&self) -> u32 {
        self.prefix_len.unwrap_or(0)
    }

    /// The range as prefix math; `None` when the address is not an IP or the length is
    /// too long for its family.
    pub fn cidr(&self) -> Option<Cidr> {
        Cidr::parse(&self.address_prefix, self.prefix_len())
    }
}

/// `FilterChainMatch.ConnectionSourceType`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceType {
    #[default]
    Any,
    SameIpOrLoopback,
    External,
}

impl ProtoEnum for SourceType {
    const NAMES: &'static [&'static str] = &["ANY", "SAME_IP_OR_LOOPBACK", "EXTERNAL"];
    fn from_index(index: usize) -> Self {
        match index {
            1 => SourceType::SameIpOrLoopback,
            2 => SourceType::External,
            _ => SourceType::Any,
        }
    }
    fn unknown() -> Self {
        SourceType::Any
    }
}

/// `envoy.config.core.v3.TransportSocket`; its config stays raw until a command needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct TransportSocket<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: Option<&'a RawValue>,
}
