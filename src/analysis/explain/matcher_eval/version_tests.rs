//! One test per matcher rule of DOMAIN.md §2.4 (issue #14 point 2): a minimal listener, the
//! connection, and Envoy's answer, with the Envoy code that decides it. Rules that changed
//! in Envoy 1.35 are also checked with 1.34's rules, read the way a dump says its version.
//! See: #14

use super::rules::{MatcherSemantics, VersionSource, semantics_for_dump};
use super::tests::{action, conn, input, semantics};
use crate::analysis::explain::chain_select::{Chosen, Connection};
use crate::analysis::explain::simulation::{Simulation, simulate};
use crate::envoy::Listener;
use crate::envoy::node::Node;

/// A listener with chains `names`, a default chain `dflt`, and `matcher`.
fn listener(names: &[&str], matcher: &str) -> String {
    let chains: Vec<String> = names
        .iter()
        .map(|n| format!(r#"{{"name":"{n}"}}"#))
        .collect();
    format!(
        r#"{{"name":"l","filter_chains":[{}],"default_filter_chain":{{"name":"dflt"}},"filter_chain_matcher":{matcher}}}"#,
        chains.join(",")
    )
}

fn run(listener_json: &str, c: &Connection, sem: &MatcherSemantics) -> Simulation {
    let l: Listener = serde_json::from_str(listener_json).unwrap();
    simulate(&l, c, sem)
}

/// The chain's name, `default`, or `closed`.
fn answer(listener_json: &str, c: &Connection, sem: &MatcherSemantics) -> String {
    let l: Listener = serde_json::from_str(listener_json).unwrap();
    match simulate(&l, c, sem).chosen {
        Chosen::Chain(i) => l.filter_chains[i].name.to_string(),
        Chosen::Default => "default".into(),
        Chosen::Closed => "closed".into(),
        Chosen::Unspecified(_) => "unspecified".into(),
    }
}

fn now() -> MatcherSemantics {
    MatcherSemantics::current()
}

fn port(p: u32) -> Connection {
    Connection {
        dst_port: p,
        ..conn()
    }
}

fn single(kind: &str, value_match: &str) -> String {
    format!(
        r#"{{"single_predicate":{{"input":{},"value_match":{value_match}}}}}"#,
        input(kind)
    )
}

// source/common/matcher/exact_map_matcher.h `ExactMapMatcher::doMatch`: a key whose branch
// yields no match goes on to `MapMatcher::doNoMatch`, the map's own on_no_match (1.35,
// envoyproxy/envoy#38726). Before, the nested no-match ended the match: default chain.
#[test]
fn nested_no_match_falls_to_the_maps_on_no_match() {
    let tls_only = format!(
        r#"{{"matcher":{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"tls":{}}}}}}}}}}}"#,
        input("TransportProtocolInput"),
        action("tls-80")
    );
    let l = listener(
        &["tls-80", "any"],
        &format!(
            r#"{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"80":{tls_only}}}}}}},"on_no_match":{}}}"#,
            input("DestinationPortInput"),
            action("any")
        ),
    );
    assert_eq!(answer(&l, &port(80), &now()), "any");
    assert_eq!(answer(&l, &port(80), &semantics(34)), "default");
    let tls = Connection {
        transport: "tls".into(),
        ..port(80)
    };
    assert_eq!(answer(&l, &tls, &now()), "tls-80");
}

// source/common/matcher/list_matcher.h `ListMatcher::match`: an entry whose on_match comes
// back no-match lets the loop continue (1.35, envoyproxy/envoy#38726).
#[test]
fn list_goes_on_past_an_entry_whose_nested_matcher_fails() {
    let tls_only = format!(
        r#"{{"matcher":{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"tls":{}}}}}}}}}}}"#,
        input("TransportProtocolInput"),
        action("tls-80")
    );
    let p80 = single("DestinationPortInput", r#"{"exact":"80"}"#);
    let l = listener(
        &["tls-80", "plain-80"],
        &format!(
            r#"{{"matcher_list":{{"matchers":[{{"predicate":{p80},"on_match":{tls_only}}},{{"predicate":{p80},"on_match":{}}}]}}}}"#,
            action("plain-80")
        ),
    );
    assert_eq!(answer(&l, &port(80), &now()), "plain-80");
    assert_eq!(answer(&l, &port(80), &semantics(34)), "default");
}

// source/common/matcher/prefix_map_matcher.h `PrefixMapMatcher::doMatch`: longest prefix
// first, then the next shorter one when the longer's branch yields no match, then the map's
// on_no_match (1.35, envoyproxy/envoy#38986, runtime guard
// `prefix_map_matcher_resume_after_subtree_miss`, on by default).
#[test]
fn prefix_map_retries_the_next_shorter_prefix() {
    let h2_tls = format!(
        r#"{{"matcher":{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"tls":{}}}}}}}}}}}"#,
        input("TransportProtocolInput"),
        action("h2-tls")
    );
    let l = listener(
        &["h2-tls", "any-alpn", "no-alpn"],
        &format!(
            r#"{{"matcher_tree":{{"input":{},"prefix_match_map":{{"map":{{"'h2":{h2_tls},"'":{}}}}}}},"on_no_match":{}}}"#,
            input("ApplicationProtocolInput"),
            action("any-alpn"),
            action("no-alpn")
        ),
    );
    let h2 = Connection {
        alpn: vec!["h2".into()],
        ..conn()
    };
    assert_eq!(answer(&l, &h2, &now()), "any-alpn");
    assert_eq!(answer(&l, &h2, &semantics(34)), "default");
    assert_eq!(answer(&l, &conn(), &now()), "no-alpn");
}

// envoy/matcher/matcher.h `MatchTree::handleRecursionAndSkips`: an action with
// keep_matching is reported to the skip callback and yields no match; the filter chain
// manager passes none, so the chain is not used (1.35, envoyproxy/envoy#38726).
#[test]
fn keep_matching_skips_the_match() {
    let shadow = r#"{"keepMatching":true,"action":{"name":"shadow"}}"#;
    let l = listener(
        &["shadow", "real"],
        &format!(
            r#"{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"80":{shadow}}}}}}},"on_no_match":{}}}"#,
            input("DestinationPortInput"),
            action("real")
        ),
    );
    assert_eq!(answer(&l, &port(80), &now()), "real");
    let sim = run(&l, &port(80), &now());
    assert_eq!(sim.matcher.map(|m| m.skipped), Some(vec!["shadow".into()]));
    // Older Envoy does not know the field: the action is used.
    assert_eq!(answer(&l, &port(80), &semantics(34)), "shadow");
}

// source/common/network/connection_socket_impl.h `ConnectionSocketImpl::setRequestedServerName`
// stores the SNI lower-cased; `ServerNameInput` reads it (envoyproxy/envoy#14793).
#[test]
fn server_name_input_is_lower_cased() {
    let l = listener(
        &["api", "other"],
        &format!(
            r#"{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"api.example.com":{}}}}}}},"on_no_match":{}}}"#,
            input("ServerNameInput"),
            action("api"),
            action("other")
        ),
    );
    let shouting = Connection {
        transport: "tls".into(),
        server_name: Some("API.Example.COM".into()),
        ..conn()
    };
    assert_eq!(answer(&l, &shouting, &now()), "api");
    assert_eq!(answer(&l, &shouting, &semantics(34)), "api");
}

// source/common/listener_manager/filter_chain_manager_impl.cc: `FilterChainNameAction::get`
// returns nullptr for a name the listener lacks, and `findFilterChainUsingMatcher` returns
// it as is, so the connection is closed; the default chain is only for no match at all.
#[test]
fn an_action_naming_a_missing_chain_closes_the_connection() {
    let l = listener(
        &["a"],
        &format!(
            r#"{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"80":{}}}}}}}}}"#,
            input("DestinationPortInput"),
            action("ghost")
        ),
    );
    let sim = run(&l, &port(80), &now());
    assert_eq!(sim.chosen, Chosen::Closed);
    assert_eq!(sim.missing_chain.as_deref(), Some("ghost"));
    assert_eq!(answer(&l, &port(81), &now()), "default");
}

// source/extensions/matching/input_matchers/ip/matcher.cc `Matcher::match`: the input must
// parse as an IP inside one of `cidr_ranges`.
#[test]
fn ip_input_matcher_is_evaluated() {
    let ip = r#"{"name":"envoy.matching.input_matchers.ip","typed_config":{
        "@type":"type.googleapis.com/envoy.extensions.matching.input_matchers.ip.v3.Ip",
        "cidrRanges":[{"addressPrefix":"10.0.0.0","prefixLen":8}],"stat_prefix":"internal"}}"#;
    let l = listener(
        &["internal", "external"],
        &format!(
            r#"{{"matcher_list":{{"matchers":[{{"predicate":{{"single_predicate":{{"input":{},"custom_match":{ip}}}}},"on_match":{}}}]}},"on_no_match":{}}}"#,
            input("SourceIPInput"),
            action("internal"),
            action("external")
        ),
    );
    assert_eq!(answer(&l, &conn(), &now()), "internal");
    let outside = Connection {
        src_ip: "192.0.2.1".parse().unwrap(),
        ..conn()
    };
    assert_eq!(answer(&l, &outside, &now()), "external");
    let sim = run(&l, &conn(), &now());
    assert_eq!(sim.matcher.map(|m| m.unsupported), Some(vec![]));
}

// source/common/common/regex.cc `CompiledGoogleReMatcher::match` calls `re2::RE2::FullMatch`:
// a `safe_regex` must match the whole value.
#[test]
fn safe_regex_is_a_full_match() {
    let re = single(
        "ServerNameInput",
        r#"{"safe_regex":{"google_re2":{},"regex":"[a-z]+\\.example\\.com"}}"#,
    );
    let l = listener(
        &["re", "other"],
        &format!(
            r#"{{"matcher_list":{{"matchers":[{{"predicate":{re},"on_match":{}}}]}},"on_no_match":{}}}"#,
            action("re"),
            action("other")
        ),
    );
    let sni = |s: &str| Connection {
        transport: "tls".into(),
        server_name: Some(s.into()),
        ..conn()
    };
    assert_eq!(answer(&l, &sni("api.example.com"), &now()), "re");
    assert_eq!(answer(&l, &sni("api.example.com.evil"), &now()), "other");
    assert_eq!(answer(&l, &sni("x.api.example.com"), &now()), "other");
    // A pattern the regex crate refuses is said, not guessed.
    let bad = l.replace(r"[a-z]+\\.example\\.com", r"(?<!x)a");
    let sim = run(&bad, &sni("a"), &now());
    assert_eq!(
        sim.matcher.map(|m| m.unsupported),
        Some(vec!["regular expression (?<!x)a".to_string()])
    );
}

// source/extensions/common/matcher/domain_matcher.h `DomainTrieMatcher::match`: the exact
// name's branch failing moves on to the wildcards, longest suffix first.
#[test]
fn server_name_matcher_tries_wildcards_after_a_failed_exact_name() {
    let exact_tls = format!(
        r#"{{"matcher":{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"9443":{}}}}}}}}}}}"#,
        input("DestinationPortInput"),
        action("api-9443")
    );
    let l = listener(
        &["api-9443", "wild"],
        &format!(
            r#"{{"matcher_tree":{{"input":{},"custom_match":{{"name":"sni","typed_config":{{
              "@type":"type.googleapis.com/xds.type.matcher.v3.ServerNameMatcher","domain_matchers":[
              {{"domains":["api.example.com"],"on_match":{exact_tls}}},{{"domains":["*.example.com"],"on_match":{}}}]}}}}}}}}"#,
            input("ServerNameInput"),
            action("wild")
        ),
    );
    let api = Connection {
        transport: "tls".into(),
        server_name: Some("api.example.com".into()),
        ..conn()
    };
    assert_eq!(answer(&l, &api, &now()), "wild");
}

// DOMAIN.md §5.8: the dump's Envoy is the bootstrap's node.user_agent_build_version;
// --envoy-version overrides it; without either the current rules apply and say so.
#[test]
fn the_dumps_envoy_version_picks_the_rules() {
    let node: Node = serde_json::from_str(
        r#"{"id":"x","userAgentBuildVersion":{"version":{"majorNumber":1,"minorNumber":34,"patch":2},
            "metadata":{"build.type":"RELEASE"}}}"#,
    )
    .unwrap();
    let from_dump = semantics_for_dump(None, Some(&node));
    assert!(matches!(
        from_dump.version,
        VersionSource::Dump { patch: 2, .. }
    ));
    assert!(from_dump.rules.iter().all(|(_, followed)| !followed));
    let newer: Node = serde_json::from_str(
        r#"{"user_agent_build_version":{"version":{"major_number":1,"minor_number":35}}}"#,
    )
    .unwrap();
    assert!(
        semantics_for_dump(None, Some(&newer))
            .rules
            .iter()
            .all(|(_, f)| *f)
    );
    let flag = super::rules::EnvoyRelease {
        major: 1,
        minor: 36,
    };
    let overridden = semantics_for_dump(Some(flag), Some(&node));
    assert_eq!(overridden.version, VersionSource::Flag(flag));
    assert!(overridden.rules.iter().all(|(_, f)| *f));
    let unknown = semantics_for_dump(None, None);
    assert_eq!(unknown, MatcherSemantics::current());
    assert_eq!(unknown.version, VersionSource::Unknown);
}
