//! Envoy's filter chain selection for `filter_chain_match` listeners, simulated for one
//! connection (DOMAIN.md §3; envoyproxy/envoy `filter_chain_manager_impl.cc`).
//!
//! Nine criteria in a fixed order. At each one only the chains with the most specific value
//! that matches the connection survive; an empty field is the fallback of its own level only.
//! There is no backtracking: when a level leaves no chain, the default chain (if any) takes
//! the connection, otherwise Envoy closes it. Every chain that drops out is recorded with the
//! criterion that removed it and why. Pure: no I/O, no wording (render/ words the reasons).
//!
//! Where Envoy itself does not decide, neither does the simulation (DOMAIN.md §3): chains
//! without ranges and chains listing the catch-all range of the connection's family
//! (`0.0.0.0/0`, `::/0`) are two entries of one trie node, and `LcTrie::getData` hands back
//! either (`findFilterChainForDestinationIP` asserts one in debug builds); each is followed on
//! its own, and when they end differently the result is [`Chosen::Unspecified`]. Chains that
//! still match together after the last level are a listener Envoy refuses (§3.2).

use std::net::IpAddr;

use serde::Serialize;

use crate::envoy::{FilterChainMatch, SourceType};

/// The connection attributes Envoy matches chains on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub dst_port: u32,
    pub dst_ip: IpAddr,
    /// SNI from the TLS ClientHello, if any.
    pub server_name: Option<String>,
    /// `raw_buffer` or `tls` (or what another listener filter set).
    pub transport: String,
    /// ALPN values in client order (or the sniffed plaintext HTTP version).
    pub alpn: Vec<String>,
    pub direct_src_ip: IpAddr,
    /// True when the peer is on the same host (same IP or loopback).
    pub src_local: bool,
    pub src_ip: IpAddr,
    pub src_port: u32,
    /// Filter state `FilterStateInput` reads (`KEY=VALUE`; Istio's waypoints read
    /// `io.istio.connect_authority`, the CONNECT authority, DOMAIN.md §2.4, §3.1).
    pub filter_state: Vec<(String, String)>,
}

/// The nine criteria, in Envoy's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    DestinationPort,
    DestinationIp,
    ServerName,
    TransportProtocol,
    ApplicationProtocols,
    DirectSourceIp,
    SourceType,
    SourceIp,
    SourcePort,
}

impl Criterion {
    /// Every criterion in selection order.
    pub const ALL: [Criterion; 9] = [
        Criterion::DestinationPort,
        Criterion::DestinationIp,
        Criterion::ServerName,
        Criterion::TransportProtocol,
        Criterion::ApplicationProtocols,
        Criterion::DirectSourceIp,
        Criterion::SourceType,
        Criterion::SourceIp,
        Criterion::SourcePort,
    ];

    /// The `FilterChainMatch` field this criterion reads.
    pub fn field(self) -> &'static str {
        match self {
            Criterion::DestinationPort => "destination_port",
            Criterion::DestinationIp => "prefix_ranges",
            Criterion::ServerName => "server_names",
            Criterion::TransportProtocol => "transport_protocol",
            Criterion::ApplicationProtocols => "application_protocols",
            Criterion::DirectSourceIp => "direct_source_prefix_ranges",
            Criterion::SourceType => "source_type",
            Criterion::SourceIp => "source_prefix_ranges",
            Criterion::SourcePort => "source_ports",
        }
    }
}

/// Why a chain dropped out at its criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elimination {
    /// The chain's values do not fit the connection's value at all.
    Mismatch { wanted: Vec<String>, got: String },
    /// The chain leaves the field empty, but other chains name the connection's value
    /// (`winner`), and an empty field is only the fallback.
    Shadowed { winner: String },
    /// The chain fits through `own`, but `winner` is more specific.
    LessSpecific { own: String, winner: String },
}

/// A chain that was not selected, and the first criterion that ruled it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Index in the listener's `filter_chains`.
    pub chain: usize,
    pub criterion: Criterion,
    pub reason: Elimination,
}

/// The outcome of a selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// Index in `filter_chains`.
    Chain(usize),
    /// No chain matched; `default_filter_chain` takes the connection.
    Default,
    /// No chain matched and there is no default chain: Envoy closes the connection.
    Closed,
    /// Envoy may take any of several outcomes; none of them is certain.
    Unspecified(Tie),
}

impl Chosen {
    /// The chains that may take the connection.
    pub fn chains(&self) -> Vec<usize> {
        match self {
            Chosen::Chain(i) => vec![*i],
            Chosen::Unspecified(t) => t
                .outcomes
                .iter()
                .filter_map(|o| match o {
                    Chosen::Chain(i) => Some(*i),
                    _ => None,
                })
                .collect(),
            Chosen::Default | Chosen::Closed => Vec::new(),
        }
    }

    /// True when chain `i` may take the connection, certainly or as one of a tie.
    pub fn may_be(&self, i: usize) -> bool {
        self.chains().contains(&i)
    }
}

/// Outcomes Envoy picks between without a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tie {
    /// Each a chain, the default chain or closing; in `filter_chains` order, at least two.
    pub outcomes: Vec<Chosen>,
    pub kind: TieKind,
}

/// Why a [`Tie`] is left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TieKind {
    /// At this IP criterion, chains without ranges and chains listing the catch-all range
    /// share one trie node: Envoy loads the listener and follows either (DOMAIN.md §3).
    CatchAllNode(Criterion),
    /// The chains match the connection together to the last level: their matching rules
    /// overlap, which Envoy refuses at load time (DOMAIN.md §3.2).
    Overlap,
}

/// The result of [`select_chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    pub chosen: Chosen,
    /// The criterion at which no chain was left, when selection failed.
    pub failed_at: Option<Criterion>,
    /// How many chains were still in the running when selection failed.
    pub left_when_failed: usize,
    /// Every chain not chosen, in `filter_chains` order.
    pub verdicts: Vec<Verdict>,
}

/// How well a chain's field fits: `None` = not at all; a higher rank is more specific.
/// The text names the value that matched (for "a more specific chain wins").
fn assess(c: Criterion, m: &FilterChainMatch<'_>, conn: &Connection) -> Option<(u32, String)> {
    match c {
        Criterion::DestinationPort => match m.destination_port {
            None => Some((0, String::new())),
            Some(p) if p == conn.dst_port => Some((1, p.to_string())),
            Some(_) => None,
        },
        Criterion::DestinationIp => assess_ip(&m.prefix_ranges, conn.dst_ip),
        Criterion::ServerName => assess_server_name(&m.server_names, conn.server_name.as_deref()),
        Criterion::TransportProtocol => match m.transport_protocol.as_ref() {
            "" => Some((0, String::new())),
            t if t == conn.transport => Some((1, t.to_string())),
            _ => None,
        },
        Criterion::ApplicationProtocols => {
            if m.application_protocols.is_empty() {
                return Some((0, String::new()));
            }
            // The earlier in the client's list, the stronger: the first listed value wins.
            let n = conn.alpn.len() as u32;
            let pos = conn
                .alpn
                .iter()
                .position(|a| m.application_protocols.iter().any(|p| p == a))?;
            Some((n - pos as u32, conn.alpn[pos].clone()))
        }
        Criterion::DirectSourceIp => assess_ip(&m.direct_source_prefix_ranges, conn.direct_src_ip),
        Criterion::SourceType => match (m.source_type, conn.src_local) {
            (SourceType::Any, _) => Some((0, String::new())),
            (SourceType::SameIpOrLoopback, true) => Some((1, "SAME_IP_OR_LOOPBACK".into())),
            (SourceType::External, false) => Some((1, "EXTERNAL".into())),
            _ => None,
        },
        Criterion::SourceIp => assess_ip(&m.source_prefix_ranges, conn.src_ip),
        Criterion::SourcePort => {
            if m.source_ports.is_empty() {
                Some((0, String::new()))
            } else if m.source_ports.contains(&conn.src_port) {
                Some((1, conn.src_port.to_string()))
            } else {
                None
            }
        }
    }
}

/// Ranges: the longest matching prefix ranks; no ranges act as `0.0.0.0/0` and `::/0`.
fn assess_ip(ranges: &[crate::envoy::CidrRange<'_>], ip: IpAddr) -> Option<(u32, String)> {
    if ranges.is_empty() {
        return Some((0, String::new()));
    }
    longest_match(ranges, ip)
}

/// The longest range among `ranges` that holds `ip`, as (length, range text).
fn longest_match(ranges: &[crate::envoy::CidrRange<'_>], ip: IpAddr) -> Option<(u32, String)> {
    ranges
        .iter()
        .filter_map(|r| r.cidr().filter(|c| c.contains(ip)).map(|c| (c, r)))
        .max_by_key(|(c, _)| c.len)
        .map(|(c, r)| (c.len, format!("{}/{}", r.address_prefix, c.len)))
}

/// Exact name first, then wildcards from the most to the least specific suffix.
fn assess_server_name(
    names: &[std::borrow::Cow<'_, str>],
    sni: Option<&str>,
) -> Option<(u32, String)> {
    if names.is_empty() {
        return Some((0, String::new()));
    }
    let sni = sni.filter(|s| !s.is_empty())?;
    names
        .iter()
        .filter_map(|n| wildcard_rank(n, sni).map(|r| (r, n.to_string())))
        .max_by_key(|(rank, _)| *rank)
}

/// How specifically server name `pattern` (exact, or `*.suffix`) matches `sni`: `u32::MAX`
/// for the exact name, else the number of labels in the wildcard's suffix; `None` when it
/// does not match. `*.example.com` matches `a.example.com` and `a.b.example.com`, not
/// `example.com`.
pub fn wildcard_rank(pattern: &str, sni: &str) -> Option<u32> {
    if pattern.eq_ignore_ascii_case(sni) {
        return Some(u32::MAX);
    }
    let suffix = pattern.strip_prefix("*.")?;
    let n = sni.len();
    let fits = n > suffix.len() + 1
        && sni
            .get(n - suffix.len()..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(suffix))
        && sni.as_bytes()[n - suffix.len() - 1] == b'.';
    fits.then(|| suffix.split('.').count() as u32)
}

/// The chain's own values for a criterion, as text (for "the chain wants ...").
pub fn wanted(c: Criterion, m: &FilterChainMatch<'_>) -> Vec<String> {
    let ranges = |r: &[crate::envoy::CidrRange<'_>]| {
        r.iter()
            .map(|r| format!("{}/{}", r.address_prefix, r.prefix_len()))
            .collect()
    };
    match c {
        Criterion::DestinationPort => m.destination_port.iter().map(u32::to_string).collect(),
        Criterion::DestinationIp => ranges(&m.prefix_ranges),
        Criterion::ServerName => m.server_names.iter().map(|s| s.to_string()).collect(),
        Criterion::TransportProtocol => vec![m.transport_protocol.to_string()],
        Criterion::ApplicationProtocols => m
            .application_protocols
            .iter()
            .map(|s| s.to_string())
            .collect(),
        Criterion::DirectSourceIp => ranges(&m.direct_source_prefix_ranges),
        Criterion::SourceType => vec![
            match m.source_type {
                SourceType::Any => "ANY",
                SourceType::SameIpOrLoopback => "SAME_IP_OR_LOOPBACK",
                SourceType::External => "EXTERNAL",
            }
            .to_string(),
        ],
        Criterion::SourceIp => ranges(&m.source_prefix_ranges),
        Criterion::SourcePort => m.source_ports.iter().map(u32::to_string).collect(),
    }
}

/// The connection's value for a criterion, as text.
pub fn got(c: Criterion, conn: &Connection) -> String {
    match c {
        Criterion::DestinationPort => conn.dst_port.to_string(),
        Criterion::DestinationIp => conn.dst_ip.to_string(),
        Criterion::ServerName => conn.server_name.clone().unwrap_or_default(),
        Criterion::TransportProtocol => conn.transport.clone(),
        Criterion::ApplicationProtocols => conn.alpn.join(","),
        Criterion::DirectSourceIp => conn.direct_src_ip.to_string(),
        Criterion::SourceType => if conn.src_local { "local" } else { "external" }.to_string(),
        Criterion::SourceIp => conn.src_ip.to_string(),
        Criterion::SourcePort => conn.src_port.to_string(),
    }
}

/// Runs Envoy's selection over `matches` (one per chain; `None` = match everything).
pub fn select_chain(
    matches: &[Option<&FilterChainMatch<'_>>],
    has_default: bool,
    conn: &Connection,
) -> Selection {
    let empty = FilterChainMatch::default();
    let matches: Vec<&FilterChainMatch<'_>> = matches.iter().map(|m| m.unwrap_or(&empty)).collect();
    let mut walk = Walk {
        matches: &matches,
        conn,
        verdicts: Vec::new(),
        failures: Vec::new(),
        leaves: Vec::new(),
        split: None,
    };
    walk.follow((0..matches.len()).collect(), 0);
    let Walk {
        mut verdicts,
        failures,
        leaves,
        split,
        ..
    } = walk;
    verdicts.sort_by_key(|v| v.chain);
    let no_chain = if has_default {
        Chosen::Default
    } else {
        Chosen::Closed
    };
    let mut outcomes: Vec<Chosen> = Vec::new();
    for leaf in &leaves {
        let found: Vec<Chosen> = if leaf.is_empty() {
            vec![no_chain.clone()]
        } else {
            leaf.iter().map(|&i| Chosen::Chain(i)).collect()
        };
        for o in found {
            if !outcomes.contains(&o) {
                outcomes.push(o);
            }
        }
    }
    outcomes.sort_by_key(|o| match o {
        Chosen::Chain(i) => *i,
        _ => usize::MAX,
    });
    let overlap = leaves.iter().any(|l| l.len() > 1);
    let chosen = match (outcomes.len(), overlap, split) {
        (0, ..) => no_chain,
        (1, ..) => outcomes.swap_remove(0),
        (_, false, Some(c)) => Chosen::Unspecified(Tie {
            outcomes,
            kind: TieKind::CatchAllNode(c),
        }),
        _ => Chosen::Unspecified(Tie {
            outcomes,
            kind: TieKind::Overlap,
        }),
    };
    let failure = failures.iter().min_by_key(|(c, _)| *c).copied();
    Selection {
        chosen,
        failed_at: failure.map(|(c, _)| c),
        left_when_failed: failure.map_or(0, |(_, n)| n),
        verdicts,
    }
}

/// One run of the decision tree, split where Envoy's trie holds two entries for one range.
struct Walk<'w, 'a> {
    matches: &'w [&'w FilterChainMatch<'a>],
    conn: &'w Connection,
    verdicts: Vec<Verdict>,
    /// Where a branch ran out of chains, with how many were still in it.
    failures: Vec<(Criterion, usize)>,
    /// The chains each branch ends with (empty: none matched).
    leaves: Vec<Vec<usize>>,
    /// The first criterion where the walk split.
    split: Option<Criterion>,
}

impl Walk<'_, '_> {
    fn follow(&mut self, mut alive: Vec<usize>, from: usize) {
        if alive.is_empty() {
            self.leaves.push(alive);
            return;
        }
        for (level, &c) in Criterion::ALL.iter().enumerate().skip(from) {
            let next = self.narrow(c, &alive);
            if next.is_empty() {
                self.failures.push((c, alive.len()));
                self.leaves.push(next);
                return;
            }
            if let Some((unlisted, listed)) = self.catch_all_split(c, &next) {
                self.split.get_or_insert(c);
                self.follow(unlisted, level + 1);
                self.follow(listed, level + 1);
                return;
            }
            alive = next;
        }
        self.leaves.push(alive);
    }

    /// The chains of `alive` with the most specific fit at `c`; the others get a verdict.
    fn narrow(&mut self, c: Criterion, alive: &[usize]) -> Vec<usize> {
        let ranks: Vec<Option<(u32, String)>> = alive
            .iter()
            .map(|&i| assess(c, self.matches[i], self.conn))
            .collect();
        let best = ranks.iter().flatten().max_by_key(|(r, _)| *r).cloned();
        let mut next = Vec::new();
        for (&i, rank) in alive.iter().zip(ranks) {
            let reason = match (&best, rank) {
                (Some((b, _)), Some((r, _))) if r == *b => {
                    next.push(i);
                    continue;
                }
                (_, None) => Elimination::Mismatch {
                    wanted: wanted(c, self.matches[i]),
                    got: got(c, self.conn),
                },
                (Some((_, winner)), Some((0, _))) => Elimination::Shadowed {
                    winner: winner.clone(),
                },
                (Some((_, winner)), Some((_, own))) => Elimination::LessSpecific {
                    own,
                    winner: winner.clone(),
                },
                (None, Some(_)) => continue, // cannot happen: a rank implies a best
            };
            self.verdicts.push(Verdict {
                chain: i,
                criterion: c,
                reason,
            });
        }
        next
    }

    /// At an IP criterion, survivors without ranges (Envoy's `EMPTY_STRING` key, expanded to
    /// `0.0.0.0/0` and `::/0` by `makeCidrListEntry`) and survivors listing the catch-all
    /// themselves are two trie entries of one range: (unlisted, listed) when both exist.
    fn catch_all_split(&self, c: Criterion, next: &[usize]) -> Option<(Vec<usize>, Vec<usize>)> {
        let ranges = |m: &FilterChainMatch<'_>| match c {
            Criterion::DestinationIp => m.prefix_ranges.len(),
            Criterion::DirectSourceIp => m.direct_source_prefix_ranges.len(),
            Criterion::SourceIp => m.source_prefix_ranges.len(),
            _ => 0,
        };
        let (unlisted, listed): (Vec<usize>, Vec<usize>) =
            next.iter().partition(|&&i| ranges(self.matches[i]) == 0);
        (!unlisted.is_empty() && !listed.is_empty()).then_some((unlisted, listed))
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod prop_tests;
