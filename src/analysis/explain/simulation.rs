//! A connection simulated against one listener: the chain Envoy selects (chain_select for
//! `filter_chain_match`, matcher_eval for matcher trees), and which of the given inputs a
//! real sidecar could not see because an inspector is absent or disabled for the port
//! (DOMAIN.md §2.3, §3, §5.6), or that contradicts what Envoy derives from the addresses
//! (the source type, §3.3). Pure data; `render/` words it.

use std::net::IpAddr;

use crate::analysis::explain::chain_select::{self, Chosen, Connection, Criterion, Verdict};
use crate::analysis::explain::explanation::ListenerExplanation;
use crate::analysis::explain::inspector::{
    Inspector, InspectorState, SNIFFED_ALPN, inspector_state,
};
use crate::analysis::explain::matcher_eval::rules::MatcherSemantics;
use crate::analysis::explain::matcher_eval::{MatcherResult, evaluate_matcher_as};
use crate::envoy::{FilterChainMatch, Listener};

/// A connection attribute the simulation was given but a real sidecar could not see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unseen {
    /// TLS, SNI or ALPN on TLS without a TLS inspector running for the port.
    NeedsTlsInspector {
        what: &'static str,
        state: InspectorState,
    },
    /// SNI on a plaintext connection.
    SniOnPlaintext,
    /// ALPN on plaintext without a running HTTP inspector.
    NeedsHttpInspector { state: InspectorState },
    /// A plaintext ALPN value the HTTP inspector never sets.
    NotSniffable { value: String },
    /// Without `original_dst` the destination is the listener's own address and port.
    NoOriginalDst { listener_port: u32 },
    /// The source type given contradicts the addresses, which are what Envoy decides it
    /// from (DOMAIN.md §3.3); the simulation keeps the value given.
    SourceTypeContradicted {
        given_local: bool,
        src_ip: IpAddr,
        dst_ip: IpAddr,
    },
}

/// Envoy's source type for a connection (`Network::Utility::isSameIpOrLoopback`): local
/// when the peer is the canonical loopback address (`isLoopbackAddress`: exactly `127.0.0.1`
/// or `::1`) or has the destination's own IP; any other address of the host is external
/// (DOMAIN.md §3.3).
pub fn is_same_ip_or_loopback(src_ip: IpAddr, dst_ip: IpAddr) -> bool {
    let loopback = match src_ip {
        IpAddr::V4(v4) => v4 == std::net::Ipv4Addr::LOCALHOST,
        IpAddr::V6(v6) => v6 == std::net::Ipv6Addr::LOCALHOST,
    };
    loopback || src_ip == dst_ip
}

/// The simulated selection for one connection.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub connection: Connection,
    pub chosen: Chosen,
    pub failed_at: Option<Criterion>,
    pub left_when_failed: usize,
    /// Classic listeners: every chain not chosen, with what ruled it out.
    pub verdicts: Vec<Verdict>,
    /// Matcher listeners: the matcher's answer.
    pub matcher: Option<MatcherResult>,
    /// The matcher's action named a chain the listener does not have: Envoy closes the
    /// connection (DOMAIN.md §2.4).
    pub missing_chain: Option<String>,
    pub unseen: Vec<Unseen>,
}

/// Simulates Envoy's chain selection on `listener` for `conn`; a `filter_chain_matcher` is
/// evaluated with the rules of `semantics` (the dump's Envoy release).
pub fn simulate(
    listener: &Listener<'_>,
    conn: &Connection,
    semantics: &MatcherSemantics,
) -> Simulation {
    let has_default = listener.default_filter_chain.is_some();
    let unseen = unseen_inputs(listener, conn);
    if let Some(m) = &listener.filter_chain_matcher {
        let result = evaluate_matcher_as(m, conn, semantics);
        let index = result
            .chain_name
            .as_ref()
            .and_then(|n| listener.filter_chains.iter().position(|c| c.name == *n));
        let missing_chain = result.chain_name.clone().filter(|_| index.is_none());
        // DOMAIN.md §2.4: the default chain only when the whole tree does not match. An
        // action naming a chain the listener lacks yields no chain, and Envoy closes the
        // connection (filter_chain_manager_impl.cc `FilterChainNameAction::get` returns
        // nullptr, which `findFilterChainUsingMatcher` returns as is).
        let chosen = match (index, &missing_chain) {
            (Some(i), _) => Chosen::Chain(i),
            (None, Some(_)) => Chosen::Closed,
            (None, None) if has_default => Chosen::Default,
            (None, None) => Chosen::Closed,
        };
        return Simulation {
            connection: conn.clone(),
            chosen,
            failed_at: None,
            left_when_failed: 0,
            verdicts: Vec::new(),
            matcher: Some(result),
            missing_chain,
            unseen,
        };
    }
    let matches: Vec<Option<&FilterChainMatch<'_>>> = listener
        .filter_chains
        .iter()
        .map(|c| c.filter_chain_match.as_ref())
        .collect();
    let s = chain_select::select_chain(&matches, has_default, conn);
    Simulation {
        connection: conn.clone(),
        chosen: s.chosen,
        failed_at: s.failed_at,
        left_when_failed: s.left_when_failed,
        verdicts: s.verdicts,
        matcher: None,
        missing_chain: None,
        unseen,
    }
}

fn unseen_inputs(listener: &Listener<'_>, conn: &Connection) -> Vec<Unseen> {
    let mut out = Vec::new();
    // A derived source type always agrees with the addresses, so a disagreement was given.
    if conn.src_local != is_same_ip_or_loopback(conn.src_ip, conn.dst_ip) {
        out.push(Unseen::SourceTypeContradicted {
            given_local: conn.src_local,
            src_ip: conn.src_ip,
            dst_ip: conn.dst_ip,
        });
    }
    let listener_port = listener.socket_address().map_or(0, |a| a.port_value);
    // `use_original_dst` prepends the original_dst listener filter (Envoy
    // `ListenerImpl::buildOriginalDstListenerFilter`), as Istio's virtualOutbound relies on.
    let has_original_dst = listener.restores_original_dst() || listener.hands_off();
    if !listener.is_internal()
        && !has_original_dst
        && listener_port != 0
        && conn.dst_port != listener_port
    {
        out.push(Unseen::NoOriginalDst { listener_port });
    }
    let tls_state = inspector_state(listener, Inspector::Tls, conn.dst_port);
    let tls = conn.transport == "tls";
    if tls_state != InspectorState::Active {
        for (given, what) in [
            (tls, "transport tls"),
            (tls && conn.server_name.is_some(), "SNI"),
            (tls && !conn.alpn.is_empty(), "ALPN"),
        ] {
            if given {
                out.push(Unseen::NeedsTlsInspector {
                    what,
                    state: tls_state,
                });
            }
        }
    }
    if !tls && conn.server_name.is_some() {
        out.push(Unseen::SniOnPlaintext);
    }
    if !tls && !conn.alpn.is_empty() {
        let http_state = inspector_state(listener, Inspector::Http, conn.dst_port);
        if http_state != InspectorState::Active {
            out.push(Unseen::NeedsHttpInspector { state: http_state });
        } else if let Some(v) = conn
            .alpn
            .iter()
            .find(|a| !SNIFFED_ALPN.contains(&a.as_str()))
        {
            out.push(Unseen::NotSniffable { value: v.clone() });
        }
    }
    out
}

/// One listener's explanation plus, when a connection was given, its simulation.
#[derive(Debug, Clone)]
pub struct ExplainedListener {
    pub explanation: ListenerExplanation,
    pub simulation: Option<Simulation>,
    /// An internal listener a cluster's host handed the connection to: the simulated
    /// connection is that one (its destination restored there), not the one the flags give.
    pub via_internal_host: bool,
    /// `--request`: the request followed past the chain the simulation selected.
    pub request: Option<crate::analysis::explain::request::RequestReport>,
}

/// A connection attribute and whether it came from a flag or a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    /// The flag, e.g. `--dst-ip`.
    pub flag: &'static str,
    pub value: String,
    /// True when the value is the default, not given on the command line.
    pub defaulted: bool,
    /// When not given: what the value follows from instead of a fixed default.
    pub derived: Option<Derivation>,
}

/// What a connection attribute not given on the command line follows from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derivation {
    /// `--src-type` from `--src-ip` and `--dst-ip` ([`is_same_ip_or_loopback`]).
    SourceTypeFromAddresses,
    /// `--transport tls` because `--sni` was given: only the TLS inspector sets an SNI.
    TransportFromSni,
    /// `--filter-state io.istio.connect_authority=…` from `--authority`: what
    /// `connect_terminate` stores for the internal listener.
    FilterStateFromAuthority,
    /// `--dst` from the `--request` URL's host (an IP address) and port.
    DestinationFromUrl,
    /// `--dst` from the `--request` URL's host name: the address the dump's route
    /// configuration for the port lists beside it (what the mesh's DNS answers).
    DestinationFromService,
    /// `--alpn http/1.1`: a plaintext `--request` is what the HTTP inspector sniffs as
    /// HTTP/1.1.
    AlpnFromRequest,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(transport: &str, alpn: &[&str], sni: Option<&str>) -> Connection {
        Connection {
            dst_port: 80,
            dst_ip: "10.0.0.1".parse().unwrap(),
            server_name: sni.map(Into::into),
            transport: transport.into(),
            alpn: alpn.iter().map(|s| s.to_string()).collect(),
            direct_src_ip: "10.0.0.2".parse().unwrap(),
            src_local: false,
            src_ip: "10.0.0.2".parse().unwrap(),
            src_port: 40000,
            filter_state: Vec::new(),
        }
    }

    fn simulate_now(l: &Listener<'_>, c: &Connection) -> Simulation {
        simulate(l, c, &MatcherSemantics::current())
    }

    #[test]
    fn reports_inputs_a_sidecar_cannot_see() {
        let l: Listener = serde_json::from_str(
            r#"{"listener_filters":[{"name":"envoy.filters.listener.http_inspector",
                 "filter_disabled":{"destination_port_range":{"start":80,"end":81}}}],
               "filter_chains":[{"filter_chain_match":{"destination_port":80}}]}"#,
        )
        .unwrap();
        let s = simulate_now(&l, &conn("raw_buffer", &["http/1.1"], None));
        assert_eq!(s.chosen, Chosen::Chain(0));
        assert_eq!(
            s.unseen,
            [Unseen::NeedsHttpInspector {
                state: InspectorState::Disabled
            }]
        );
        let s = simulate_now(&l, &conn("tls", &["h2"], Some("a")));
        assert_eq!(s.unseen.len(), 3, "{:?}", s.unseen);
        assert!(matches!(
            s.unseen[0],
            Unseen::NeedsTlsInspector {
                what: "transport tls",
                state: InspectorState::Absent
            }
        ));
        let s = simulate_now(&l, &conn("raw_buffer", &[], Some("a")));
        assert_eq!(s.unseen, [Unseen::SniOnPlaintext]);
    }

    /// Envoy `Network::Utility::isSameIpOrLoopback` (source/common/network/utility.cc): the
    /// remote address is `isLoopbackAddress` (the canonical 127.0.0.1 or ::1 only) or its IP
    /// string equals the local address's.
    #[test]
    fn source_type_follows_is_same_ip_or_loopback() {
        let ip = |s: &str| -> IpAddr { s.parse().unwrap() };
        let dst = ip("10.0.0.1");
        assert!(is_same_ip_or_loopback(ip("127.0.0.1"), dst));
        assert!(is_same_ip_or_loopback(ip("::1"), ip("fd00::1")));
        assert!(is_same_ip_or_loopback(dst, dst));
        // Another loopback address is not the canonical one; another IP of the host is
        // external; a v4-mapped address is a different string.
        assert!(!is_same_ip_or_loopback(ip("127.0.0.2"), dst));
        assert!(!is_same_ip_or_loopback(ip("10.0.0.2"), dst));
        assert!(!is_same_ip_or_loopback(ip("::ffff:10.0.0.1"), dst));
    }

    #[test]
    fn a_given_source_type_against_the_addresses_is_flagged() {
        let l: Listener = serde_json::from_str(r#"{"filter_chains":[{}]}"#).unwrap();
        let mut c = conn("raw_buffer", &[], None);
        assert_eq!(simulate(&l, &c, &MatcherSemantics::current()).unseen, []);
        c.src_local = true;
        assert_eq!(
            simulate(&l, &c, &MatcherSemantics::current()).unseen,
            [Unseen::SourceTypeContradicted {
                given_local: true,
                src_ip: c.src_ip,
                dst_ip: c.dst_ip
            }]
        );
        c.src_ip = "127.0.0.1".parse().unwrap();
        assert_eq!(simulate(&l, &c, &MatcherSemantics::current()).unseen, []);
    }

    #[test]
    fn matcher_names_a_missing_chain() {
        let l: Listener = serde_json::from_str(
            r#"{"filter_chains":[{"name":"a"}],"filter_chain_matcher":{"on_no_match":{"action":{"name":"zzz"}}},
                "default_filter_chain":{"name":"d"}}"#,
        )
        .unwrap();
        let s = simulate_now(&l, &conn("raw_buffer", &[], None));
        // filter_chain_manager_impl.cc `findFilterChainUsingMatcher`: a missing chain is no
        // chain; the default chain is only for a tree that does not match.
        assert_eq!(s.chosen, Chosen::Closed);
        assert_eq!(s.missing_chain.as_deref(), Some("zzz"));
    }
}
