//! One minimal listener per refusal, with the Envoy code that refuses it
//! (`source/common/listener_manager/filter_chain_manager_impl.cc` unless said), and the
//! listeners Envoy accepts that look alike.

use super::*;

fn refusals(json: &str) -> Vec<Refusal> {
    let l: Listener = serde_json::from_str(json).unwrap();
    load_refusals(&l)
}

fn chains(matches: &[&str]) -> String {
    let c: Vec<String> = matches
        .iter()
        .enumerate()
        .map(|(i, m)| format!(r#"{{"name":"c{i}","filter_chain_match":{m}}}"#))
        .collect();
    format!(r#"{{"name":"l","filter_chains":[{}]}}"#, c.join(","))
}

/// `verifyNoDuplicateMatchers`: "has the same matching rules defined as".
#[test]
fn identical_matches() {
    let r = refusals(&chains(&[
        r#"{"destination_port":80,"server_names":["a","b"]}"#,
        r#"{"destination_port":80,"server_names":["a","b"]}"#,
    ]));
    assert_eq!(
        r,
        [Refusal::SameMatchingRules {
            chain: 1,
            same_as: 0
        }]
    );
    // Two empty matches (or none at all) are the same rules too.
    let r = refusals(r#"{"filter_chains":[{},{"filter_chain_match":{}}]}"#);
    assert_eq!(
        r,
        [Refusal::SameMatchingRules {
            chain: 1,
            same_as: 0
        }]
    );
}

/// `MessageUtil` equality keeps list order, so the same set in another order passes
/// `verifyNoDuplicateMatchers` and fails later in `addFilterChainForSourcePorts`:
/// "multiple filter chains with overlapping matching rules are defined".
#[test]
fn same_set_in_another_order_overlaps() {
    let r = refusals(&chains(&[
        r#"{"server_names":["a","b"]}"#,
        r#"{"server_names":["b","a"]}"#,
    ]));
    assert!(
        matches!(&r[..], [Refusal::OverlappingRules { chain: 1, with: 0, path }] if path.server_name == "b"),
        "{r:?}"
    );
}

/// `addFilterChainForSourcePorts` via `addFilterChainForApplicationProtocols`: overlapping
/// ALPN lists over otherwise equal matches.
#[test]
fn overlapping_application_protocols() {
    let r = refusals(&chains(&[
        r#"{"destination_port":80,"application_protocols":["h2","http/1.1"]}"#,
        r#"{"destination_port":80,"application_protocols":["http/1.1","h2c"]}"#,
    ]));
    assert!(
        matches!(&r[..], [Refusal::OverlappingRules { chain: 1, with: 0, path }] if path.application_protocol == "http/1.1"),
        "{r:?}"
    );
    // Disjoint lists load.
    let r = refusals(&chains(&[
        r#"{"application_protocols":["h2"]}"#,
        r#"{"application_protocols":["http/1.1"]}"#,
    ]));
    assert_eq!(r, []);
}

/// `createAddressVector` keys each range by `CidrRange::asString()`, so one chain listing a
/// CIDR twice, or two chains whose CIDRs normalise alike, collide in
/// `addFilterChainForSourcePorts`.
#[test]
fn duplicate_and_normalising_cidrs() {
    let r = refusals(&chains(&[
        r#"{"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8},{"address_prefix":"10.0.0.0","prefix_len":8}]}"#,
    ]));
    assert!(
        matches!(&r[..], [Refusal::OverlappingRules { chain: 0, with: 0, path }] if path.destination_ip == "10.0.0.0/8"),
        "{r:?}"
    );
    let r = refusals(&chains(&[
        r#"{"prefix_ranges":[{"address_prefix":"10.0.0.1","prefix_len":8}]}"#,
        r#"{"prefix_ranges":[{"address_prefix":"10.0.0.0","prefix_len":8}]}"#,
    ]));
    assert!(
        matches!(
            &r[..],
            [Refusal::OverlappingRules {
                chain: 1,
                with: 0,
                ..
            }]
        ),
        "{r:?}"
    );
    // A missing prefix_len and an explicit 0 differ for MessageUtil but key alike.
    let r = refusals(&chains(&[
        r#"{"prefix_ranges":[{"address_prefix":"0.0.0.0"}]}"#,
        r#"{"prefix_ranges":[{"address_prefix":"0.0.0.0","prefix_len":0}]}"#,
    ]));
    assert!(
        matches!(
            &r[..],
            [Refusal::OverlappingRules {
                chain: 1,
                with: 0,
                ..
            }]
        ),
        "{r:?}"
    );
}

/// No `prefix_ranges` is the `EMPTY_STRING` key and `0.0.0.0/0` another: Envoy loads the
/// listener (which chain takes a connection is then unspecified, see chain_select). Server
/// names differing only in case are one key (`AsciiStrToLower`).
#[test]
fn catch_all_and_no_ranges_load_but_case_does_not_matter() {
    let r = refusals(&chains(&[
        "{}",
        r#"{"prefix_ranges":[{"address_prefix":"0.0.0.0","prefix_len":0}]}"#,
    ]));
    assert_eq!(r, []);
    let r = refusals(&chains(&[
        r#"{"server_names":["A.example.com"]}"#,
        r#"{"server_names":["a.example.com"]}"#,
    ]));
    assert!(
        matches!(
            &r[..],
            [Refusal::OverlappingRules {
                chain: 1,
                with: 0,
                ..
            }]
        ),
        "{r:?}"
    );
}

/// `setupFilterChainMatcher` with `isWildcardServerName`: "partial wildcards are not
/// supported in \"server_names\"".
#[test]
fn partial_wildcards() {
    for bad in ["*", "*example.com", "w*.example.com"] {
        let r = refusals(&chains(&[&format!(r#"{{"server_names":["{bad}"]}}"#)]));
        assert_eq!(
            r,
            [Refusal::PartialWildcard {
                chain: 0,
                server_name: bad.to_string()
            }]
        );
    }
    assert_eq!(
        refusals(&chains(&[r#"{"server_names":["*.example.com"]}"#])),
        []
    );
}

/// PGV on `FilterChainMatch`: `destination_port` and `source_ports` items must be inside
/// [1, 65535].
#[test]
fn port_zero() {
    let r = refusals(&chains(&[
        r#"{"destination_port":0}"#,
        r#"{"destination_port":81,"source_ports":[40000,0]}"#,
    ]));
    assert_eq!(
        r,
        [
            Refusal::PortOutOfRange {
                chain: 0,
                field: PortField::DestinationPort,
                value: 0
            },
            Refusal::PortOutOfRange {
                chain: 1,
                field: PortField::SourcePorts,
                value: 0
            }
        ]
    );
}

/// `setupFilterChainMatcher` with a matcher: "\"name\" field is required when using a
/// listener matcher" and "\"name\" field is duplicated with value".
#[test]
fn matcher_chain_names() {
    let r = refusals(
        r#"{"filter_chain_matcher":{},"filter_chains":[{"name":"a"},{},{"name":"a"},
            {"name":"b","filter_chain_match":{"destination_port":1}}]}"#,
    );
    assert_eq!(
        r,
        [
            Refusal::UnnamedChain { chain: 1 },
            Refusal::DuplicateName {
                chain: 2,
                first: 0,
                name: "a".into()
            }
        ]
    );
    // The same matches, ignored under a matcher, are no refusal there.
    let r = refusals(r#"{"filter_chain_matcher":{},"filter_chains":[{"name":"a"},{"name":"b"}]}"#);
    assert_eq!(r, []);
}
