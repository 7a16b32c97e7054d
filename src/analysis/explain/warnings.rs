//! Warnings about a listener (DOMAIN.md §2.3, §3, §5.6): a refused update (§3.2: what
//! is explained is the version that runs), what Envoy would refuse to load (§3.2, from
//! `refusal`), and about its chains: chains whose match needs a listener filter the
//! listener lacks or disables for their port, chains no connection can reach, and what
//! happens to unmatched connections. "Never selected" is decided by enumeration, not guessed: per criterion the
//! distinct values the listener's matches use plus one that matches none, every combination
//! run through the selector, bounded at [`ENUMERATION_LIMIT`] combinations.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::analysis::explain::chain_select::{Connection, select_chain};
use crate::analysis::explain::inspector::{
    Inspector, InspectorState, inspector_state, needed_inspectors,
};
use crate::analysis::explain::refusal::{Refusal, load_refusals};
use crate::analysis::listener::matcher_paths::matcher_branches;
use crate::analysis::listener::refused::RefusedUpdate;
use crate::envoy::{CidrRange, FilterChainMatch, Listener, SourceType};

/// Above this many combinations the never-selected check is not run.
pub const ENUMERATION_LIMIT: u128 = 100_000;

/// Something about a listener's chains worth a warning. Chains are `filter_chains` indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// Envoy refused the listener's last update (`error_state`): the active version, which
    /// is what is explained, is what runs.
    RefusedUpdate(RefusedUpdate),
    /// The chain matches on what only `inspector` can see, and it does not run for `port`
    /// (`None`: the ports without chains of their own).
    MissingInspector {
        chain: usize,
        inspector: Inspector,
        state: InspectorState,
        port: Option<u32>,
    },
    /// Envoy would refuse to load the listener (DOMAIN.md §3.2): it never runs as dumped.
    WouldRefuse(Refusal),
    /// No connection reaches the chain.
    NeverSelected { chain: usize },
    /// The never-selected check would need this many combinations; not checked.
    NotChecked { combinations: u128 },
    /// Unmatched connections go to the default chain.
    DefaultChain { name: String },
    /// Unmatched connections are closed (`NR filter_chain_not_found`).
    NoDefaultChain,
}

/// Every warning for `listener`, in a fixed order.
pub fn listener_warnings(listener: &Listener<'_>) -> Vec<Warning> {
    let mut out: Vec<Warning> = load_refusals(listener)
        .into_iter()
        .map(Warning::WouldRefuse)
        .collect();
    let empty = FilterChainMatch::default();
    let uses_matcher = listener.filter_chain_matcher.is_some();
    let matches: Vec<&FilterChainMatch<'_>> = listener
        .filter_chains
        .iter()
        .map(|c| c.filter_chain_match.as_ref().unwrap_or(&empty))
        .collect();
    if !uses_matcher {
        let own_ports: BTreeSet<u32> = matches.iter().filter_map(|m| m.destination_port).collect();
        let other_port = (1..=u32::from(u16::MAX)).find(|p| !own_ports.contains(p));
        for (i, m) in matches.iter().enumerate() {
            for inspector in needed_inspectors(m) {
                let port = m.destination_port.or(other_port).unwrap_or(0);
                let state = inspector_state(listener, inspector, port);
                if state != InspectorState::Active {
                    out.push(Warning::MissingInspector {
                        chain: i,
                        inspector,
                        state,
                        port: m.destination_port,
                    });
                }
            }
        }
        match never_selected(&matches) {
            Ok(chains) => out.extend(
                chains
                    .into_iter()
                    .map(|chain| Warning::NeverSelected { chain }),
            ),
            Err(combinations) => out.push(Warning::NotChecked { combinations }),
        }
    } else if let Some(m) = &listener.filter_chain_matcher {
        let branches = matcher_branches(m);
        for (i, c) in listener.filter_chains.iter().enumerate() {
            if !branches.contains_key(c.name.as_ref()) {
                out.push(Warning::NeverSelected { chain: i });
            }
        }
    }
    // Without a default chain a connection no chain matches is closed; that is worth a
    // warning only where it can happen. Not when every chain matches everything, and not on
    // internal listeners (a waypoint's `main_internal`): their matcher closes connections
    // to services the waypoint does not serve by design (DOMAIN.md §3.1, #14 point 4).
    let catch_all = !uses_matcher && !matches.is_empty() && matches.iter().all(|m| m.is_empty());
    match &listener.default_filter_chain {
        Some(d) => out.push(Warning::DefaultChain {
            name: d.name.to_string(),
        }),
        None if catch_all || listener.is_internal() => {}
        None => out.push(Warning::NoDefaultChain),
    }
    out
}

/// Chains no enumerated connection reaches, or `Err(count)` when over the limit.
pub fn never_selected(matches: &[&FilterChainMatch<'_>]) -> Result<Vec<usize>, u128> {
    let ports = port_values(matches.iter().filter_map(|m| m.destination_port));
    let dst_ips = ip_values(matches.iter().flat_map(|m| m.prefix_ranges.iter()));
    let mut snis: Vec<Option<String>> = vec![None];
    for n in matches.iter().flat_map(|m| m.server_names.iter()) {
        let v = match n.strip_prefix("*.") {
            Some(suffix) => format!("enumerated.{suffix}"),
            None => n.to_string(),
        };
        if !snis.contains(&Some(v.clone())) {
            snis.push(Some(v));
        }
    }
    let mut transports: Vec<String> = vec!["raw_buffer".into(), "tls".into()];
    for m in matches {
        let t = m.transport_protocol.to_string();
        if !t.is_empty() && !transports.contains(&t) {
            transports.push(t);
        }
    }
    let mut alpns: Vec<Vec<String>> = vec![Vec::new()];
    for a in matches.iter().flat_map(|m| m.application_protocols.iter()) {
        if !alpns.iter().any(|v| v.first().is_some_and(|x| x == a)) {
            alpns.push(vec![a.to_string()]);
        }
    }
    let direct = ip_values(
        matches
            .iter()
            .flat_map(|m| m.direct_source_prefix_ranges.iter()),
    );
    let locals = if matches.iter().any(|m| m.source_type != SourceType::Any) {
        vec![false, true]
    } else {
        vec![false]
    };
    let srcs = ip_values(matches.iter().flat_map(|m| m.source_prefix_ranges.iter()));
    let src_ports = port_values(matches.iter().flat_map(|m| m.source_ports.iter().copied()));
    let sizes = [
        ports.len(),
        dst_ips.len(),
        snis.len(),
        transports.len(),
        alpns.len(),
        direct.len(),
        locals.len(),
        srcs.len(),
        src_ports.len(),
    ];
    let total: u128 = sizes.iter().map(|&n| n as u128).product();
    if total > ENUMERATION_LIMIT {
        return Err(total);
    }
    let refs: Vec<Option<&FilterChainMatch<'_>>> = matches.iter().map(|m| Some(*m)).collect();
    let mut reached = vec![false; matches.len()];
    let mut idx = [0usize; 9];
    for _ in 0..total {
        let conn = Connection {
            dst_port: ports[idx[0]],
            dst_ip: dst_ips[idx[1]],
            server_name: snis[idx[2]].clone(),
            transport: transports[idx[3]].clone(),
            alpn: alpns[idx[4]].clone(),
            direct_src_ip: direct[idx[5]],
            src_local: locals[idx[6]],
            src_ip: srcs[idx[7]],
            src_port: src_ports[idx[8]],
            filter_state: Vec::new(),
        };
        // A chain that may take the connection in a tie Envoy leaves open is reachable.
        for i in select_chain(&refs, false, &conn).chosen.chains() {
            reached[i] = true;
        }
        // Mixed-radix increment.
        for (d, size) in sizes.iter().enumerate() {
            idx[d] += 1;
            if idx[d] < *size {
                break;
            }
            idx[d] = 0;
        }
    }
    Ok((0..matches.len()).filter(|&i| !reached[i]).collect())
}

/// The distinct ports plus one none of them uses.
fn port_values(used: impl Iterator<Item = u32>) -> Vec<u32> {
    let set: BTreeSet<u32> = used.collect();
    let mut out: Vec<u32> = set.iter().copied().collect();
    if let Some(free) = (1..=u32::from(u16::MAX)).find(|p| !set.contains(p)) {
        out.push(free);
    }
    out
}

/// The first and last address of every range, plus a documentation address per family
/// (RFC 5737 / RFC 3849) that the ranges are unlikely to hold.
fn ip_values<'r>(ranges: impl Iterator<Item = &'r CidrRange<'r>>) -> Vec<IpAddr> {
    let mut out: Vec<IpAddr> = Vec::new();
    let mut push = |ip: IpAddr| {
        if !out.contains(&ip) {
            out.push(ip);
        }
    };
    for c in ranges.filter_map(CidrRange::cidr) {
        push(c.network());
        push(c.last());
    }
    push(IpAddr::from([192, 0, 2, 1]));
    push(IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listener(json: &str) -> Listener<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn finds_unreachable_duplicate_and_inspector_gaps() {
        let l = listener(
            r#"{"name":"l","listener_filters":[{"name":"envoy.filters.listener.http_inspector",
                "filter_disabled":{"destination_port_range":{"start":80,"end":81}}}],
              "filter_chains":[
                {"name":"a","filter_chain_match":{"destination_port":80,"transport_protocol":"tls"}},
                {"name":"b","filter_chain_match":{"destination_port":80,"application_protocols":["http/1.1"]}},
                {"name":"c","filter_chain_match":{"destination_port":80,"application_protocols":["http/1.1"]}},
                {"name":"d","filter_chain_match":{"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}]}},
                {"name":"e","filter_chain_match":{"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}],"transport_protocol":"raw_buffer"}}
              ]}"#,
        );
        let w = listener_warnings(&l);
        let tls_missing = Warning::MissingInspector {
            chain: 0,
            inspector: Inspector::Tls,
            state: InspectorState::Absent,
            port: Some(80),
        };
        assert!(w.contains(&tls_missing), "{w:?}");
        assert!(w.contains(&Warning::MissingInspector {
            chain: 1,
            inspector: Inspector::Http,
            state: InspectorState::Disabled,
            port: Some(80),
        }));
        assert_eq!(
            w[0],
            Warning::WouldRefuse(Refusal::SameMatchingRules {
                chain: 2,
                same_as: 1
            })
        );
        // b and c overlap (either may be taken); d loses to e on raw_buffer, and tls
        // connections to other ports reach d.
        assert!(!w.contains(&Warning::NeverSelected { chain: 1 }));
        assert!(!w.contains(&Warning::NeverSelected { chain: 3 }));
        assert_eq!(w.last(), Some(&Warning::NoDefaultChain));
    }

    #[test]
    fn too_many_combinations_are_not_checked() {
        let chains: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    r#"{{"filter_chain_match":{{"destination_port":{},"server_names":["s{i}.example.com"],"application_protocols":["a{i}"]}}}}"#,
                    1000 + i
                )
            })
            .collect();
        let json = format!(r#"{{"filter_chains":[{}]}}"#, chains.join(","));
        let l = listener(&json);
        let w = listener_warnings(&l);
        assert!(w.iter().any(|w| matches!(w, Warning::NotChecked { combinations } if *combinations > ENUMERATION_LIMIT)), "{w:?}");
    }
}
