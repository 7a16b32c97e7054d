//! Listeners Envoy refuses to load (DOMAIN.md §3.2): a listener that fails these checks is
//! NACKed and never runs, so simulating it as if active needs that said first. Each check
//! follows the Envoy code that refuses: proto validation of `FilterChainMatch` (PGV rules in
//! `listener_components.proto`), then per chain in order `FilterChainManagerImpl::
//! verifyNoDuplicateMatchers` and `setupFilterChainMatcher`, whose classic path inserts
//! every combination of the match's values into the decision tree and fails in
//! `addFilterChainForSourcePorts` when one is already taken
//! (`source/common/listener_manager/filter_chain_manager_impl.cc`). Envoy stops at the first;
//! all are returned, in the order Envoy meets them. Pure data; `render/` words it.

use std::collections::HashMap;

use crate::envoy::{CidrRange, FilterChainMatch, Listener, SourceType};

/// Above this many decision-tree paths in one listener the overlap check is not run.
pub const PATH_LIMIT: usize = 1_000_000;

/// One reason Envoy would refuse a listener. Chains are `filter_chains` indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A port outside 1–65535: PGV `uint32 {lte: 65535 gte: 1}` on `destination_port` and on
    /// each `source_ports` item.
    PortOutOfRange {
        chain: usize,
        field: PortField,
        value: u32,
    },
    /// The chain's `filter_chain_match` equals an earlier one field by field, lists in order
    /// (`MessageUtil` equality in `verifyNoDuplicateMatchers`).
    SameMatchingRules { chain: usize, same_as: usize },
    /// A server name with a `*` that is not a leading `*.` (`isWildcardServerName`).
    PartialWildcard { chain: usize, server_name: String },
    /// The chain takes a path through the decision tree that `with` (an earlier chain, or
    /// the chain itself through a repeated value) already takes.
    OverlappingRules {
        chain: usize,
        with: usize,
        path: TreePath,
    },
    /// With `filter_chain_matcher`, a chain without a name.
    UnnamedChain { chain: usize },
    /// With `filter_chain_matcher`, a chain whose name an earlier chain has.
    DuplicateName {
        chain: usize,
        first: usize,
        name: String,
    },
}

impl Refusal {
    /// The chain Envoy names (or would stop at).
    pub fn chain(&self) -> usize {
        match self {
            Refusal::PortOutOfRange { chain, .. }
            | Refusal::SameMatchingRules { chain, .. }
            | Refusal::PartialWildcard { chain, .. }
            | Refusal::OverlappingRules { chain, .. }
            | Refusal::UnnamedChain { chain }
            | Refusal::DuplicateName { chain, .. } => *chain,
        }
    }
}

/// Which port field is out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortField {
    DestinationPort,
    SourcePorts,
}

/// One path through Envoy's decision tree: the value keyed at each level, as Envoy keys it
/// (CIDRs normalised by `CidrRange::asString`, server names lower-cased, `*.` wildcards as
/// their suffix; an empty field is the empty key, a port 0).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TreePath {
    pub destination_port: u32,
    pub destination_ip: String,
    pub server_name: String,
    pub transport_protocol: String,
    pub application_protocol: String,
    pub direct_source_ip: String,
    pub source_type: SourceType,
    pub source_ip: String,
    pub source_port: u32,
}

/// Every reason Envoy would refuse `listener`, in the order Envoy checks them.
pub fn load_refusals(listener: &Listener<'_>) -> Vec<Refusal> {
    let empty = FilterChainMatch::default();
    let matches: Vec<&FilterChainMatch<'_>> = listener
        .filter_chains
        .iter()
        .map(|c| c.filter_chain_match.as_ref().unwrap_or(&empty))
        .collect();
    let mut out = port_refusals(&matches);
    if listener.filter_chain_matcher.is_some() {
        // setupFilterChainMatcher: names only; each chain's match is ignored.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (chain, c) in listener.filter_chains.iter().enumerate() {
            if c.name.is_empty() {
                out.push(Refusal::UnnamedChain { chain });
            } else if let Some(&first) = seen.get(c.name.as_ref()) {
                out.push(Refusal::DuplicateName {
                    chain,
                    first,
                    name: c.name.to_string(),
                });
            } else {
                seen.insert(c.name.as_ref(), chain);
            }
        }
        return out;
    }
    let total: usize = matches.iter().map(|m| path_count(m)).sum();
    let mut taken: HashMap<TreePath, usize> = HashMap::new();
    for (chain, m) in matches.iter().enumerate() {
        if let Some(same_as) = (0..chain).find(|&f| matches[f] == *m) {
            out.push(Refusal::SameMatchingRules { chain, same_as });
            continue;
        }
        for name in m.server_names.iter() {
            if name.contains('*') && !name.starts_with("*.") {
                out.push(Refusal::PartialWildcard {
                    chain,
                    server_name: name.to_string(),
                });
            }
        }
        if total > PATH_LIMIT {
            continue;
        }
        let mut reported: Vec<usize> = Vec::new();
        for path in tree_paths(m) {
            match taken.get(&path) {
                Some(&with) if !reported.contains(&with) => {
                    reported.push(with);
                    out.push(Refusal::OverlappingRules { chain, with, path });
                }
                Some(_) => {}
                None => {
                    taken.insert(path, chain);
                }
            }
        }
    }
    out
}

/// Proto validation runs on the whole listener before any chain is built.
fn port_refusals(matches: &[&FilterChainMatch<'_>]) -> Vec<Refusal> {
    let valid = |p: u32| (1..=65535).contains(&p);
    let mut out = Vec::new();
    for (chain, m) in matches.iter().enumerate() {
        if let Some(value) = m.destination_port.filter(|&p| !valid(p)) {
            out.push(Refusal::PortOutOfRange {
                chain,
                field: PortField::DestinationPort,
                value,
            });
        }
        if let Some(&value) = m.source_ports.iter().find(|&&p| !valid(p)) {
            out.push(Refusal::PortOutOfRange {
                chain,
                field: PortField::SourcePorts,
                value,
            });
        }
    }
    out
}

/// How many tree paths a match takes (the product of its list lengths, empty lists as one).
fn path_count(m: &FilterChainMatch<'_>) -> usize {
    [
        m.prefix_ranges.len(),
        m.server_names.len(),
        m.application_protocols.len(),
        m.direct_source_prefix_ranges.len(),
        m.source_prefix_ranges.len(),
        m.source_ports.len(),
    ]
    .iter()
    .fold(1usize, |n, &len| n.saturating_mul(len.max(1)))
}

/// `CidrRange::create(...).asString()`: the network address and length; an empty list is
/// Envoy's `EMPTY_STRING` key. A range that does not parse keeps its text.
fn ip_keys(ranges: &[CidrRange<'_>]) -> Vec<String> {
    if ranges.is_empty() {
        return vec![String::new()];
    }
    ranges
        .iter()
        .map(|r| match r.cidr() {
            Some(c) => format!("{}/{}", c.network(), c.len),
            None => format!("{}/{}", r.address_prefix, r.prefix_len()),
        })
        .collect()
}

fn or_empty<T: Clone>(values: Vec<T>, empty: T) -> Vec<T> {
    if values.is_empty() {
        vec![empty]
    } else {
        values
    }
}

/// Every path the match inserts, in Envoy's nesting order.
fn tree_paths(m: &FilterChainMatch<'_>) -> Vec<TreePath> {
    let server_names = or_empty(
        m.server_names
            .iter()
            .map(|n| {
                // Envoy keys `*.example.com` as `.example.com`.
                let lower = n.to_ascii_lowercase();
                match lower.strip_prefix('*') {
                    Some(rest) if rest.starts_with('.') => rest.to_string(),
                    _ => lower,
                }
            })
            .collect(),
        String::new(),
    );
    let alpns = or_empty(
        m.application_protocols
            .iter()
            .map(|a| a.to_string())
            .collect(),
        String::new(),
    );
    let dst_ips = ip_keys(&m.prefix_ranges);
    let direct = ip_keys(&m.direct_source_prefix_ranges);
    let srcs = ip_keys(&m.source_prefix_ranges);
    let src_ports = or_empty(m.source_ports.clone(), 0);
    let mut out = Vec::new();
    for dst in &dst_ips {
        for sni in &server_names {
            for alpn in &alpns {
                for d in &direct {
                    for s in &srcs {
                        for &sp in &src_ports {
                            out.push(TreePath {
                                destination_port: m.destination_port.unwrap_or(0),
                                destination_ip: dst.clone(),
                                server_name: sni.clone(),
                                transport_protocol: m.transport_protocol.to_string(),
                                application_protocol: alpn.clone(),
                                direct_source_ip: d.clone(),
                                source_type: m.source_type,
                                source_ip: s.clone(),
                                source_port: sp,
                            });
                        }
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
