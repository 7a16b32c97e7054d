//! Owned copies of a chain's match, for explanations that outlive the dump they read.

use crate::envoy::FilterChainMatch;

/// A copy of a match that owns its strings.
pub fn owned_match(m: &FilterChainMatch<'_>) -> FilterChainMatch<'static> {
    let own = |v: &[std::borrow::Cow<'_, str>]| -> Vec<std::borrow::Cow<'static, str>> {
        v.iter().map(|s| s.to_string().into()).collect()
    };
    let ranges = |v: &[crate::envoy::CidrRange<'_>]| -> Vec<crate::envoy::CidrRange<'static>> {
        v.iter()
            .map(|r| crate::envoy::CidrRange {
                address_prefix: r.address_prefix.to_string().into(),
                prefix_len: r.prefix_len,
            })
            .collect()
    };
    FilterChainMatch {
        destination_port: m.destination_port,
        prefix_ranges: ranges(&m.prefix_ranges),
        server_names: own(&m.server_names),
        transport_protocol: m.transport_protocol.to_string().into(),
        application_protocols: own(&m.application_protocols),
        direct_source_prefix_ranges: ranges(&m.direct_source_prefix_ranges),
        source_type: m.source_type,
        source_prefix_ranges: ranges(&m.source_prefix_ranges),
        source_ports: m.source_ports.clone(),
    }
}
