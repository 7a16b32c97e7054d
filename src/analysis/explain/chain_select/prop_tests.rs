//! Property test: random listeners written both as `filter_chain_match` chains and as the
//! equivalent `filter_chain_matcher` tree (IP matchers exclusive, one level per criterion,
//! empty values as `on_no_match`) pick the same chain for every random connection. Where
//! the classic selection is left open (no ranges beside an explicit catch-all range share
//! one trie node, DOMAIN.md §3; overlapping matches, §3.2), the tree, which merges them
//! into one range matcher, must land on one of the outcomes the classic selection names.
//!
//! Classic selection never backtracks (DOMAIN.md §3), while since Envoy 1.35 a nested
//! matcher that does not match falls to its parent's `on_no_match` (§2.4). The equivalent
//! tree therefore ends every level that has no chain left in an action naming the chain
//! `none`, which the listener does not have: Envoy closes the connection there, as classic
//! selection does without a default chain. Such a tree answers alike under every release's
//! rules, which the test checks too.
//! See: #3, #14

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::analysis::explain::chain_select::{Chosen, Connection, select_chain};
use crate::analysis::explain::matcher_eval::rules::{
    EnvoyRelease, MatcherSemantics, VersionSource,
};
use crate::analysis::explain::matcher_eval::{evaluate_matcher, evaluate_matcher_as};
use crate::envoy::FilterChainMatch;
use crate::envoy::matcher::Matcher;

const NET: &str = "type.googleapis.com/envoy.extensions.matching.common_inputs.network.v3.";
const RANGES: [(&str, u32); 7] = [
    ("10.0.0.0", 8),
    ("10.1.0.0", 16),
    ("10.1.2.0", 24),
    ("0.0.0.0", 0),
    ("fd00::", 8),
    ("fd00:1::", 32),
    ("::", 0),
];
const NAMES: [&str; 4] = ["a.example.com", "*.example.com", "*.com", "b.example.org"];
const TRANSPORTS: [&str; 2] = ["raw_buffer", "tls"];
const ALPNS: [&str; 2] = ["h2", "http/1.1"];

/// One chain's match, as indexes into the pools above.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spec {
    port: Option<u32>,
    ranges: Vec<usize>,
    name: Option<usize>,
    transport: Option<usize>,
    alpn: Option<usize>,
}

impl Spec {
    fn to_json(&self) -> Value {
        let mut m = serde_json::Map::new();
        if let Some(p) = self.port {
            m.insert("destination_port".into(), json!(p));
        }
        if !self.ranges.is_empty() {
            let r: Vec<Value> = self
                .ranges
                .iter()
                .map(|&i| json!({"address_prefix": RANGES[i].0, "prefix_len": RANGES[i].1}))
                .collect();
            m.insert("prefix_ranges".into(), Value::Array(r));
        }
        if let Some(n) = self.name {
            m.insert("server_names".into(), json!([NAMES[n]]));
        }
        if let Some(t) = self.transport {
            m.insert("transport_protocol".into(), json!(TRANSPORTS[t]));
        }
        if let Some(a) = self.alpn {
            m.insert("application_protocols".into(), json!([ALPNS[a]]));
        }
        Value::Object(m)
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::option::of(prop::sample::select(vec![80u32, 443])),
        prop::collection::btree_set(0..RANGES.len(), 0..=2),
        prop::option::of(0..NAMES.len()),
        prop::option::of(0..TRANSPORTS.len()),
        prop::option::of(0..ALPNS.len()),
    )
        .prop_map(|(port, ranges, name, transport, alpn)| Spec {
            port,
            ranges: ranges.into_iter().collect(),
            name,
            transport,
            alpn,
        })
}

fn connection() -> impl Strategy<Value = Connection> {
    let ips = [
        "10.1.2.3",
        "10.1.9.9",
        "10.9.9.9",
        "192.0.2.1",
        "fd00:1::1",
        "fd00:2::1",
        "2001:db8::1",
    ];
    let snis = [
        "a.example.com",
        "x.example.com",
        "a.b.example.com",
        "foo.com",
        "example.org",
    ];
    (
        prop::sample::select(vec![80u32, 443, 8080]),
        prop::sample::select(ips.to_vec()),
        prop::option::of(prop::sample::select(snis.to_vec())),
        prop::sample::select(TRANSPORTS.to_vec()),
        prop::option::of(prop::sample::select(vec!["h2", "http/1.1", "foo"])),
    )
        .prop_map(|(port, ip, sni, transport, alpn)| Connection {
            dst_port: port,
            dst_ip: ip.parse().unwrap(),
            server_name: sni.map(Into::into),
            transport: transport.into(),
            alpn: alpn.into_iter().map(Into::into).collect(),
            direct_src_ip: "10.0.0.2".parse().unwrap(),
            src_local: false,
            src_ip: "10.0.0.2".parse().unwrap(),
            src_port: 40000,
            filter_state: Vec::new(),
        })
}

fn input(kind: &str) -> Value {
    json!({"name": kind, "typed_config": {"@type": format!("{NET}{kind}")}})
}

fn action(chain: usize) -> Value {
    named_action(&format!("c{chain}"))
}

fn named_action(name: &str) -> Value {
    json!({"action": {"name": name, "typed_config": {
        "@type": "type.googleapis.com/google.protobuf.StringValue", "value": name}}})
}

/// Where no chain is left: a chain the listener lacks, so the connection is closed.
fn no_chain() -> Value {
    named_action("none")
}

/// The `OnMatch` for `chains` from `level` on, or `None` when no chain is left.
fn on_match(specs: &[Spec], chains: &[usize], level: usize) -> Option<Value> {
    if chains.is_empty() {
        return None;
    }
    if level == 5 {
        // Only chains left together by a catch-all range (no ranges and an explicit
        // `0.0.0.0/0`) or by overlapping matches reach the end together; the tree keeps the
        // last, one of the outcomes the classic selection leaves open.
        return chains.last().map(|&c| action(c));
    }
    Some(json!({"matcher": matcher(specs, chains, level)}))
}

/// One tree level: a map (or custom matcher) over the criterion, `on_no_match` for the
/// chains that leave it empty.
fn matcher(specs: &[Spec], chains: &[usize], level: usize) -> Value {
    let key = |i: usize| -> Option<String> {
        let s = &specs[i];
        match level {
            0 => s.port.map(|p| p.to_string()),
            2 => s.name.map(|n| NAMES[n].to_string()),
            3 => s.transport.map(|t| TRANSPORTS[t].to_string()),
            _ => s.alpn.map(|a| format!("'{}'", ALPNS[a])),
        }
    };
    if level == 1 {
        // Destination IP: one exclusive range matcher per range; no ranges = both /0s.
        let mut ranges = Vec::new();
        for (r, range) in RANGES.iter().enumerate() {
            let with: Vec<usize> = chains
                .iter()
                .copied()
                .filter(|&i| {
                    specs[i].ranges.contains(&r) || (specs[i].ranges.is_empty() && range.1 == 0)
                })
                .collect();
            if let Some(next) = on_match(specs, &with, level + 1) {
                ranges.push(
                    json!({"ranges": [{"address_prefix": range.0, "prefix_len": range.1}],
                                   "on_match": next, "exclusive": true}),
                );
            }
        }
        return json!({"matcher_tree": {"input": input("DestinationIPInput"), "custom_match": {
            "name": "ip", "typed_config": {"@type": "type.googleapis.com/xds.type.matcher.v3.IPMatcher",
            "range_matchers": ranges}}}, "on_no_match": no_chain()});
    }
    let mut keys: Vec<String> = chains.iter().filter_map(|&i| key(i)).collect();
    keys.sort();
    keys.dedup();
    let mut entries = serde_json::Map::new();
    let mut domains = Vec::new();
    for k in keys {
        let with: Vec<usize> = chains
            .iter()
            .copied()
            .filter(|&i| key(i).as_ref() == Some(&k))
            .collect();
        if let Some(next) = on_match(specs, &with, level + 1) {
            if level == 2 {
                domains.push(json!({"domains": [k], "on_match": next}));
            } else {
                entries.insert(k, next);
            }
        }
    }
    let empty: Vec<usize> = chains
        .iter()
        .copied()
        .filter(|&i| key(i).is_none())
        .collect();
    let input_kind = [
        "DestinationPortInput",
        "",
        "ServerNameInput",
        "TransportProtocolInput",
        "ApplicationProtocolInput",
    ][level];
    let tree = if level == 2 {
        json!({"input": input(input_kind), "custom_match": {"name": "sni", "typed_config": {
            "@type": "type.googleapis.com/xds.type.matcher.v3.ServerNameMatcher", "domain_matchers": domains}}})
    } else {
        json!({"input": input(input_kind), "exact_match_map": {"map": entries}})
    };
    let on_no_match = on_match(specs, &empty, level + 1).unwrap_or_else(no_chain);
    json!({"matcher_tree": tree, "on_no_match": on_no_match})
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn classic_and_matcher_tree_agree(
        raw in prop::collection::vec(spec(), 0..8),
        conns in prop::collection::vec(connection(), 1..16),
    ) {
        // Envoy rejects identical matches, so keep the first of each.
        let mut specs: Vec<Spec> = Vec::new();
        for s in raw {
            if !specs.contains(&s) {
                specs.push(s);
            }
        }
        let texts: Vec<String> = specs.iter().map(|s| s.to_json().to_string()).collect();
        let matches: Vec<FilterChainMatch> =
            texts.iter().map(|t| serde_json::from_str(t).unwrap()).collect();
        let refs: Vec<Option<&FilterChainMatch>> = matches.iter().map(Some).collect();
        let all: Vec<usize> = (0..specs.len()).collect();
        let tree_text = match on_match(&specs, &all, 0) {
            Some(Value::Object(o)) => o.get("matcher").cloned().unwrap_or_else(|| json!({"on_no_match": Value::Object(o)})),
            _ => json!({}),
        };
        let tree_json = tree_text.to_string();
        let tree: Matcher = serde_json::from_str(&tree_json).unwrap();
        for conn in &conns {
            let name = |o: &Chosen| match o {
                Chosen::Chain(i) => Some(format!("c{i}")),
                _ => None,
            };
            let classic: Vec<Option<String>> = match select_chain(&refs, false, conn).chosen {
                Chosen::Unspecified(t) => t.outcomes.iter().map(name).collect(),
                certain => vec![name(&certain)],
            };
            let by_tree = evaluate_matcher(&tree, conn).chain_name.filter(|n| n != "none");
            prop_assert!(classic.contains(&by_tree), "classic {:?}, tree {:?}\nchains {:?}\ntree {}\nconn {:?}", classic, by_tree, texts, tree_json, conn);
            let old = MatcherSemantics::for_version(VersionSource::Flag(EnvoyRelease { major: 1, minor: 34 }));
            let by_old_tree = evaluate_matcher_as(&tree, conn, &old).chain_name.filter(|n| n != "none");
            prop_assert!(classic.contains(&by_old_tree), "1.34 rules: classic {:?}, tree {:?}\ntree {}\nconn {:?}", classic, by_old_tree, tree_json, conn);
        }
    }
}
