//! Table tests for [`super::select_chain`]: each criterion, its specificity rule, fallbacks,
//! no backtracking, the default chain and no match.

use super::*;

fn conn() -> Connection {
    Connection {
        dst_port: 80,
        dst_ip: "10.0.0.1".parse().unwrap(),
        server_name: None,
        transport: "raw_buffer".into(),
        alpn: vec![],
        direct_src_ip: "10.0.0.2".parse().unwrap(),
        src_local: false,
        src_ip: "10.0.0.2".parse().unwrap(),
        src_port: 40000,
        filter_state: Vec::new(),
    }
}

/// Runs the selector over chains given as `FilterChainMatch` JSON.
fn run(chains: &[&str], default: bool, conn: &Connection) -> Selection {
    let parsed: Vec<FilterChainMatch> = chains
        .iter()
        .map(|j| serde_json::from_str(j).unwrap())
        .collect();
    let refs: Vec<Option<&FilterChainMatch>> = parsed.iter().map(Some).collect();
    select_chain(&refs, default, conn)
}

fn pick(chains: &[&str], conn: &Connection) -> Chosen {
    run(chains, false, conn).chosen
}

#[test]
fn destination_port_exact_before_portless() {
    let chains = [r#"{"destination_port":80}"#, "{}"];
    assert_eq!(pick(&chains, &conn()), Chosen::Chain(0));
    let c = Connection {
        dst_port: 81,
        ..conn()
    };
    assert_eq!(pick(&chains, &c), Chosen::Chain(1));
    let s = run(&chains, false, &conn());
    assert_eq!(
        s.verdicts,
        [Verdict {
            chain: 1,
            criterion: Criterion::DestinationPort,
            reason: Elimination::Shadowed {
                winner: "80".into()
            }
        }]
    );
}

#[test]
fn no_backtracking_to_portless_chains() {
    // STRICT: port 80 only takes tls; raw_buffer to 80 never reaches the passthrough chain.
    let chains = [
        r#"{"destination_port":80,"transport_protocol":"tls"}"#,
        r#"{"transport_protocol":"raw_buffer"}"#,
    ];
    let s = run(&chains, false, &conn());
    assert_eq!(s.chosen, Chosen::Closed);
    assert_eq!(s.failed_at, Some(Criterion::TransportProtocol));
    assert_eq!(s.left_when_failed, 1);
    assert_eq!(s.verdicts[0].criterion, Criterion::TransportProtocol);
    assert_eq!(
        s.verdicts[0].reason,
        Elimination::Mismatch {
            wanted: vec!["tls".into()],
            got: "raw_buffer".into()
        }
    );
    assert_eq!(s.verdicts[1].criterion, Criterion::DestinationPort);
    // The same at a deeper level: the longest prefix wins even when it then fails.
    let chains = [
        r#"{"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}],"transport_protocol":"tls"}"#,
        r#"{"prefix_ranges":[{"address_prefix":"0.0.0.0","prefix_len":0}]}"#,
    ];
    assert_eq!(pick(&chains, &conn()), Chosen::Closed);
}

#[test]
fn default_chain_and_no_match() {
    let chains = [r#"{"destination_port":443}"#];
    let s = run(&chains, true, &conn());
    assert_eq!(s.chosen, Chosen::Default);
    assert_eq!(s.failed_at, Some(Criterion::DestinationPort));
    assert_eq!(run(&chains, false, &conn()).chosen, Chosen::Closed);
    assert_eq!(run(&[], true, &conn()).chosen, Chosen::Default);
    assert_eq!(run(&[], false, &conn()).chosen, Chosen::Closed);
    // Empty match (and a missing match) take everything.
    assert_eq!(pick(&["{}"], &conn()), Chosen::Chain(0));
    assert_eq!(
        select_chain(&[None], false, &conn()).chosen,
        Chosen::Chain(0)
    );
}

#[test]
fn destination_ip_longest_prefix_v4_and_v6() {
    let chains = [
        r#"{"prefix_ranges":[{"address_prefix":"0.0.0.0","prefix_len":0}]}"#,
        r#"{"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}]}"#,
        r#"{"prefix_ranges":[{"address_prefix":"::0","prefix_len":0}]}"#,
        r#"{"prefix_ranges":[{"address_prefix":"fd00::","prefix_len":16},{"address_prefix":"10.0.0.0","prefix_len":24}]}"#,
    ];
    assert_eq!(pick(&chains, &conn()), Chosen::Chain(3));
    let c = |ip: &str| Connection {
        dst_ip: ip.parse().unwrap(),
        ..conn()
    };
    assert_eq!(pick(&chains, &c("10.9.0.1")), Chosen::Chain(1));
    assert_eq!(pick(&chains, &c("192.0.2.1")), Chosen::Chain(0));
    assert_eq!(pick(&chains, &c("fd00::1")), Chosen::Chain(3));
    assert_eq!(pick(&chains, &c("2001:db8::1")), Chosen::Chain(2));
    // Without ranges a chain acts as 0.0.0.0/0 and ::/0, and ties with them.
    let chains = [
        r#"{"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}]}"#,
        "{}",
    ];
    assert_eq!(pick(&chains, &c("2001:db8::1")), Chosen::Chain(1));
    assert_eq!(pick(&chains, &c("10.1.1.1")), Chosen::Chain(0));
    // Ranges of one family only: the other family has no match at all.
    let chains = [r#"{"prefix_ranges":[{"address_prefix":"0.0.0.0","prefix_len":0}]}"#];
    let s = run(&chains, false, &c("2001:db8::1"));
    assert_eq!(s.chosen, Chosen::Closed);
    assert_eq!(s.failed_at, Some(Criterion::DestinationIp));
    let s = run(
        &[
            r#"{"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}]}"#,
            r#"{"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":16}]}"#,
        ],
        false,
        &conn(),
    );
    assert_eq!(
        s.verdicts[0].reason,
        Elimination::LessSpecific {
            own: "10.0.0.0/8".into(),
            winner: "10.0.0.0/16".into()
        }
    );
}

#[test]
fn server_names_exact_then_wildcards_most_specific_first() {
    let chains = [
        r#"{"server_names":["*.com"]}"#,
        r#"{"server_names":["*.example.com"]}"#,
        r#"{"server_names":["api.example.com"]}"#,
        "{}",
    ];
    let c = |sni: Option<&str>| Connection {
        server_name: sni.map(Into::into),
        ..conn()
    };
    assert_eq!(pick(&chains, &c(Some("api.example.com"))), Chosen::Chain(2));
    assert_eq!(pick(&chains, &c(Some("API.example.com"))), Chosen::Chain(2));
    assert_eq!(pick(&chains, &c(Some("web.example.com"))), Chosen::Chain(1));
    assert_eq!(pick(&chains, &c(Some("a.b.example.com"))), Chosen::Chain(1));
    assert_eq!(pick(&chains, &c(Some("other.com"))), Chosen::Chain(0));
    assert_eq!(pick(&chains, &c(Some("example.org"))), Chosen::Chain(3));
    assert_eq!(pick(&chains, &c(None)), Chosen::Chain(3));
    // `*.example.com` does not match `example.com` itself.
    assert_eq!(pick(&chains[1..2], &c(Some("example.com"))), Chosen::Closed);
}

#[test]
fn transport_exact_then_empty() {
    let chains = [r#"{"transport_protocol":"tls"}"#, "{}"];
    let tls = Connection {
        transport: "tls".into(),
        ..conn()
    };
    assert_eq!(pick(&chains, &tls), Chosen::Chain(0));
    assert_eq!(pick(&chains, &conn()), Chosen::Chain(1));
    assert_eq!(pick(&chains[..1], &conn()), Chosen::Closed);
}

#[test]
fn alpn_in_client_order() {
    let chains = [
        r#"{"application_protocols":["h2"]}"#,
        r#"{"application_protocols":["http/1.1"]}"#,
        "{}",
    ];
    let c = |alpn: &[&str]| Connection {
        alpn: alpn.iter().map(|s| s.to_string()).collect(),
        ..conn()
    };
    assert_eq!(pick(&chains, &c(&["h2", "http/1.1"])), Chosen::Chain(0));
    assert_eq!(pick(&chains, &c(&["http/1.1", "h2"])), Chosen::Chain(1));
    assert_eq!(pick(&chains, &c(&["foo", "http/1.1"])), Chosen::Chain(1));
    assert_eq!(pick(&chains, &c(&["foo"])), Chosen::Chain(2));
    assert_eq!(pick(&chains, &c(&[])), Chosen::Chain(2));
    assert_eq!(pick(&chains[..2], &c(&[])), Chosen::Closed);
}

#[test]
fn direct_source_source_type_source_ip_and_port() {
    let c = conn();
    let direct = [
        r#"{"direct_source_prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}]}"#,
        r#"{"direct_source_prefix_ranges":[{"address_prefix":"10.0.0.2","prefix_len":32}]}"#,
    ];
    assert_eq!(pick(&direct, &c), Chosen::Chain(1));
    let types = [
        r#"{"source_type":"SAME_IP_OR_LOOPBACK"}"#,
        r#"{"source_type":"EXTERNAL"}"#,
        "{}",
    ];
    assert_eq!(pick(&types, &c), Chosen::Chain(1));
    let local = Connection {
        src_local: true,
        ..conn()
    };
    assert_eq!(pick(&types, &local), Chosen::Chain(0));
    assert_eq!(pick(&[types[1], types[2]], &local), Chosen::Chain(1));
    assert_eq!(pick(&[types[1]], &local), Chosen::Closed);
    let src = [
        r#"{"source_prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":16}]}"#,
        r#"{"source_prefix_ranges":[{"address_prefix":"192.168.0.0","prefix_len":16}]}"#,
    ];
    assert_eq!(pick(&src, &c), Chosen::Chain(0));
    let ports = [r#"{"source_ports":[1,40000]}"#, "{}"];
    assert_eq!(pick(&ports, &c), Chosen::Chain(0));
    let other = Connection {
        src_port: 2,
        ..conn()
    };
    assert_eq!(pick(&ports, &other), Chosen::Chain(1));
}

#[test]
fn earlier_criteria_decide_before_later_ones() {
    // A port match beats a more specific server name on a portless chain.
    let chains = [
        r#"{"destination_port":80}"#,
        r#"{"server_names":["a.example.com"],"transport_protocol":"tls"}"#,
    ];
    let c = Connection {
        server_name: Some("a.example.com".into()),
        transport: "tls".into(),
        ..conn()
    };
    let s = run(&chains, false, &c);
    assert_eq!(s.chosen, Chosen::Chain(0));
    assert_eq!(s.verdicts[0].chain, 1);
    assert_eq!(s.verdicts[0].criterion, Criterion::DestinationPort);
}

#[test]
fn ties_survive_together_and_a_later_criterion_decides() {
    // Both name port 80 and the same /8: tied at two levels, split by transport.
    let chains = [
        r#"{"destination_port":80,"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}],"transport_protocol":"tls"}"#,
        r#"{"destination_port":80,"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}],"transport_protocol":"raw_buffer"}"#,
    ];
    let s = run(&chains, false, &conn());
    assert_eq!(s.chosen, Chosen::Chain(1));
    assert_eq!(s.verdicts.len(), 1);
    assert_eq!(s.verdicts[0].criterion, Criterion::TransportProtocol);
    // Two chains listing the same ALPN value tie at ALPN; source port decides.
    let chains = [
        r#"{"application_protocols":["h2","x"],"source_ports":[1]}"#,
        r#"{"application_protocols":["h2"]}"#,
    ];
    let c = Connection {
        alpn: vec!["h2".into()],
        ..conn()
    };
    let s = run(&chains, false, &c);
    assert_eq!(s.chosen, Chosen::Chain(1));
    assert_eq!(s.verdicts[0].criterion, Criterion::SourcePort);
    // Wildcards of equal depth can tie too (`*.a.com` and `*.b.com` never both match, but
    // the same wildcard on two chains does).
    let chains = [
        r#"{"server_names":["*.example.com"],"transport_protocol":"tls"}"#,
        r#"{"server_names":["*.example.com","other.org"]}"#,
    ];
    let c = Connection {
        server_name: Some("a.example.com".into()),
        ..conn()
    };
    let s = run(&chains, false, &c);
    assert_eq!(s.chosen, Chosen::Chain(1));
    assert_eq!(s.verdicts[0].criterion, Criterion::TransportProtocol);
}

#[test]
fn longest_range_wins() {
    use crate::envoy::CidrRange;
    let range = |a: &'static str, len| CidrRange {
        address_prefix: a.into(),
        prefix_len: Some(len),
    };
    let ranges = [range("10.0.0.0", 8), range("10.1.0.0", 16)];
    let ip = "10.1.2.3".parse().unwrap();
    assert_eq!(
        super::longest_match(&ranges, ip),
        Some((16, "10.1.0.0/16".into()))
    );
    assert_eq!(
        super::longest_match(&ranges, "11.0.0.1".parse().unwrap()),
        None
    );
}

/// `FilterChainManagerImpl::findFilterChainForDestinationIP`: no `prefix_ranges` is the
/// `EMPTY_STRING` entry that `makeCidrListEntry` expands to `0.0.0.0/0` and `::/0`, so beside
/// an explicit `0.0.0.0/0` the trie node holds two entries and `getData` returns either
/// (`ASSERT(data.size() == 1)` in debug builds). Envoy loads the listener; the answer is
/// neither chain for certain. See: #14
#[test]
fn catch_all_range_beside_no_ranges_is_unspecified() {
    let chains = [
        "{}",
        r#"{"prefix_ranges":[{"address_prefix":"0.0.0.0","prefix_len":0}]}"#,
    ];
    let s = run(&chains, false, &conn());
    assert_eq!(
        s.chosen,
        Chosen::Unspecified(Tie {
            outcomes: vec![Chosen::Chain(0), Chosen::Chain(1)],
            kind: TieKind::CatchAllNode(Criterion::DestinationIp),
        })
    );
    assert!(s.verdicts.is_empty(), "{:?}", s.verdicts);
    // IPv6 is not in 0.0.0.0/0: only the chain without ranges holds it, certainly.
    let v6 = Connection {
        dst_ip: "2001:db8::1".parse().unwrap(),
        ..conn()
    };
    assert_eq!(pick(&chains, &v6), Chosen::Chain(0));
    // Each entry is followed on its own: the later levels decide within each branch, and a
    // branch that fails is a possible outcome too (the default chain, or closing).
    let chains = [
        r#"{"transport_protocol":"tls"}"#,
        r#"{"prefix_ranges":[{"address_prefix":"0.0.0.0","prefix_len":0}]}"#,
    ];
    let s = run(&chains, true, &conn());
    assert_eq!(
        s.chosen,
        Chosen::Unspecified(Tie {
            outcomes: vec![Chosen::Chain(1), Chosen::Default],
            kind: TieKind::CatchAllNode(Criterion::DestinationIp),
        })
    );
    assert_eq!(s.failed_at, Some(Criterion::TransportProtocol));
    let tls = Connection {
        transport: "tls".into(),
        ..conn()
    };
    assert_eq!(s.chosen.chains(), [1]);
    assert!(matches!(pick(&chains, &tls), Chosen::Unspecified(_)));
    // The same at the source IP level.
    let chains = [
        "{}",
        r#"{"source_prefix_ranges":[{"address_prefix":"0.0.0.0","prefix_len":0}]}"#,
    ];
    assert!(matches!(
        pick(&chains, &conn()),
        Chosen::Unspecified(Tie {
            kind: TieKind::CatchAllNode(Criterion::SourceIp),
            ..
        })
    ));
}

/// Chains still together after the last level (`addFilterChainForSourcePorts` would have
/// refused the listener): an open choice between them, never "the later one". See: #14
#[test]
fn overlapping_matches_are_unspecified_not_the_later_chain() {
    let chains = [
        r#"{"destination_port":80,"application_protocols":["h2","http/1.1"]}"#,
        r#"{"destination_port":80,"application_protocols":["http/1.1"]}"#,
    ];
    let c = Connection {
        alpn: vec!["http/1.1".into()],
        ..conn()
    };
    let s = run(&chains, false, &c);
    assert_eq!(
        s.chosen,
        Chosen::Unspecified(Tie {
            outcomes: vec![Chosen::Chain(0), Chosen::Chain(1)],
            kind: TieKind::Overlap,
        })
    );
    assert!(s.chosen.may_be(0) && s.chosen.may_be(1));
}
