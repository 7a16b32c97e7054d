//! A chain's `filter_chain_match` as owned, ordered data: what `pc listener` shows in MATCH
//! and what the diff pairs chains by. Decisions compare these values, never the MATCH text
//! (`cell_text` spells it).

use crate::envoy::{CidrRange, FilterChainMatch, SourceType};

/// One `CidrRange`, its absent length read as 0 (proto3 default).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrefixRange {
    /// `address_prefix`.
    pub address_prefix: String,
    /// `prefix_len`.
    pub prefix_len: u32,
}

impl PrefixRange {
    /// The range as the match holds it.
    pub fn of(range: &CidrRange<'_>) -> PrefixRange {
        PrefixRange {
            address_prefix: range.address_prefix.to_string(),
            prefix_len: range.prefix_len(),
        }
    }
}

/// Every `filter_chain_match` field, in Envoy's field order; an absent match is the default
/// (all wildcards), as Envoy treats it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ChainMatch {
    /// `destination_port`.
    pub destination_port: Option<u32>,
    /// `prefix_ranges` (destination IP).
    pub prefix_ranges: Vec<PrefixRange>,
    /// `direct_source_prefix_ranges`.
    pub direct_source_prefix_ranges: Vec<PrefixRange>,
    /// `source_type`.
    pub source_type: SourceType,
    /// `source_prefix_ranges`.
    pub source_prefix_ranges: Vec<PrefixRange>,
    /// `source_ports`.
    pub source_ports: Vec<u32>,
    /// `server_names` (SNI).
    pub server_names: Vec<String>,
    /// `transport_protocol`.
    pub transport_protocol: String,
    /// `application_protocols` (ALPN).
    pub application_protocols: Vec<String>,
}

impl ChainMatch {
    /// The match of a chain (`None`: the chain has no `filter_chain_match`).
    pub fn of(m: Option<&FilterChainMatch<'_>>) -> ChainMatch {
        let Some(m) = m else {
            return ChainMatch::default();
        };
        let ranges = |v: &[CidrRange<'_>]| v.iter().map(PrefixRange::of).collect();
        let texts = |v: &[crate::envoy::proto::Str<'_>]| v.iter().map(|s| s.to_string()).collect();
        ChainMatch {
            destination_port: m.destination_port,
            prefix_ranges: ranges(&m.prefix_ranges),
            direct_source_prefix_ranges: ranges(&m.direct_source_prefix_ranges),
            source_type: m.source_type,
            source_prefix_ranges: ranges(&m.source_prefix_ranges),
            source_ports: m.source_ports.clone(),
            server_names: texts(&m.server_names),
            transport_protocol: m.transport_protocol.to_string(),
            application_protocols: texts(&m.application_protocols),
        }
    }
}
