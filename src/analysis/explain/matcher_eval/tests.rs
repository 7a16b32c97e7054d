//! Table tests for [`super::evaluate_matcher`].

use super::*;

pub(super) const NET: &str =
    "type.googleapis.com/envoy.extensions.matching.common_inputs.network.v3.";

pub(super) fn conn() -> Connection {
    Connection {
        dst_port: 8000,
        dst_ip: "10.96.88.150".parse().unwrap(),
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

pub(super) fn input(kind: &str) -> String {
    format!(r#"{{"name":"x","typed_config":{{"@type":"{NET}{kind}"}}}}"#)
}

pub(super) fn action(name: &str) -> String {
    format!(
        r#"{{"action":{{"name":"{name}","typed_config":{{"@type":"type.googleapis.com/google.protobuf.StringValue","value":"{name}"}}}}}}"#
    )
}

fn eval(json: &str, c: &Connection) -> Option<String> {
    let m: Matcher = serde_json::from_str(json).unwrap();
    evaluate_matcher(&m, c).chain_name
}

/// [`eval`] with the rules of Envoy 1.`minor`, as read from a dump.
pub(super) fn eval_as(json: &str, c: &Connection, minor: u32) -> Option<String> {
    let m: Matcher = serde_json::from_str(json).unwrap();
    evaluate_matcher_as(&m, c, &semantics(minor)).chain_name
}

/// The rules of Envoy 1.`minor`.
pub(super) fn semantics(minor: u32) -> MatcherSemantics {
    MatcherSemantics::for_version(rules::VersionSource::Flag(rules::EnvoyRelease {
        major: 1,
        minor,
    }))
}

/// IP → port tree like Istio's waypoint `main_internal` listener.
fn ip_then_port(exclusive: bool, top_no_match: bool) -> String {
    let port = |chain: &str, no_match: Option<&str>| {
        let nm = no_match
            .map(|n| format!(r#","on_no_match":{}"#, action(n)))
            .unwrap_or_default();
        format!(
            r#"{{"matcher":{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"8000":{}}}}}}}{nm}}}}}"#,
            input("DestinationPortInput"),
            action(chain)
        )
    };
    let top = if top_no_match {
        format!(r#","on_no_match":{}"#, action("fallback"))
    } else {
        String::new()
    };
    format!(
        r#"{{"matcher_tree":{{"input":{},"custom_match":{{"name":"ip","typed_config":{{"@type":"type.googleapis.com/xds.type.matcher.v3.IPMatcher","range_matchers":[
          {{"ranges":[{{"address_prefix":"10.96.88.150","prefix_len":32}},{{"address_prefix":"fd00::5a1","prefix_len":128}}],"on_match":{},"exclusive":{exclusive}}},
          {{"ranges":[{{"address_prefix":"10.96.0.0","prefix_len":16}}],"on_match":{},"exclusive":{exclusive}}}
        ]}}}}}}{top}}}"#,
        input("DestinationIPInput"),
        port("svc", None),
        port("wide", Some("wide-any-port"))
    )
}

#[test]
fn ip_ranges_longest_first_with_nested_ports() {
    let tree = ip_then_port(false, false);
    assert_eq!(eval(&tree, &conn()).as_deref(), Some("svc"));
    let v6 = Connection {
        dst_ip: "fd00::5a1".parse().unwrap(),
        ..conn()
    };
    assert_eq!(eval(&tree, &v6).as_deref(), Some("svc"));
    let other_ip = Connection {
        dst_ip: "10.96.1.1".parse().unwrap(),
        ..conn()
    };
    assert_eq!(eval(&tree, &other_ip).as_deref(), Some("wide"));
    // The /32's nested port matcher fails; a non-exclusive /16 is tried next.
    let other_port = Connection {
        dst_port: 9,
        ..conn()
    };
    assert_eq!(eval(&tree, &other_port).as_deref(), Some("wide-any-port"));
    // Exclusive: no fallback to the shorter range, and no top-level on_no_match.
    let exclusive = ip_then_port(true, false);
    assert_eq!(eval(&exclusive, &other_port), None);
    // The IP matcher's own on_no_match applies when every tried range failed.
    let with_fallback = ip_then_port(true, true);
    assert_eq!(
        eval(&with_fallback, &other_port).as_deref(),
        Some("fallback")
    );
    let outside = Connection {
        dst_ip: "192.0.2.1".parse().unwrap(),
        ..conn()
    };
    assert_eq!(eval(&with_fallback, &outside).as_deref(), Some("fallback"));
    assert_eq!(eval(&exclusive, &outside), None);
    let m: Matcher = serde_json::from_str(&tree).unwrap();
    let r = evaluate_matcher(&m, &other_port);
    assert_eq!(r.path, ["x=10.96.0.0/16", "x=UNMATCHED"]);
}

#[test]
fn exact_and_prefix_maps() {
    let nested_port = format!(
        r#"{{"matcher":{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"80":{}}}}}}}}}}}"#,
        input("DestinationPortInput"),
        action("tls-80")
    );
    let tree = format!(
        r#"{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"tls":{nested_port},"raw_buffer":{}}}}}}},"on_no_match":{}}}"#,
        input("TransportProtocolInput"),
        action("raw"),
        action("other")
    );
    let tls = |port| Connection {
        transport: "tls".into(),
        dst_port: port,
        ..conn()
    };
    assert_eq!(eval(&tree, &tls(80)).as_deref(), Some("tls-80"));
    // The nested matcher fails without on_no_match: today the parent's on_no_match is
    // used; before Envoy 1.35 the whole match ended there (version_tests.rs).
    assert_eq!(eval(&tree, &tls(81)).as_deref(), Some("other"));
    assert_eq!(eval_as(&tree, &tls(81), 34), None);
    assert_eq!(eval(&tree, &conn()).as_deref(), Some("raw"));
    let quic = Connection {
        transport: "quic".into(),
        ..conn()
    };
    assert_eq!(eval(&tree, &quic).as_deref(), Some("other"));

    let prefix = format!(
        r#"{{"matcher_tree":{{"input":{},"prefix_match_map":{{"map":{{"'h":{},"'h2":{}}}}}}}}}"#,
        input("ApplicationProtocolInput"),
        action("h"),
        action("h2")
    );
    let alpn = |a: &[&str]| Connection {
        alpn: a.iter().map(|s| s.to_string()).collect(),
        ..conn()
    };
    assert_eq!(
        eval(&prefix, &alpn(&["h2", "http/1.1"])).as_deref(),
        Some("h2")
    );
    assert_eq!(eval(&prefix, &alpn(&["http/1.1"])).as_deref(), Some("h"));
    assert_eq!(eval(&prefix, &alpn(&[])), None);
}

#[test]
fn server_names_and_lists() {
    let sni = format!(
        r#"{{"matcher_tree":{{"input":{},"custom_match":{{"name":"sni","typed_config":{{"@type":"type.googleapis.com/xds.type.matcher.v3.ServerNameMatcher","domain_matchers":[
          {{"domains":["*.example.com"],"on_match":{}}},{{"domains":["api.example.com","*.a.example.com"],"on_match":{}}}]}}}}}},"on_no_match":{}}}"#,
        input("ServerNameInput"),
        action("wild"),
        action("api"),
        action("none")
    );
    let c = |s: Option<&str>| Connection {
        server_name: s.map(Into::into),
        ..conn()
    };
    assert_eq!(
        eval(&sni, &c(Some("api.example.com"))).as_deref(),
        Some("api")
    );
    assert_eq!(
        eval(&sni, &c(Some("x.a.example.com"))).as_deref(),
        Some("api")
    );
    assert_eq!(
        eval(&sni, &c(Some("web.example.com"))).as_deref(),
        Some("wild")
    );
    assert_eq!(eval(&sni, &c(Some("example.com"))).as_deref(), Some("none"));
    assert_eq!(eval(&sni, &c(None)).as_deref(), Some("none"));

    let list = format!(
        r#"{{"matcher_list":{{"matchers":[
          {{"predicate":{{"and_matcher":{{"predicate":[
             {{"single_predicate":{{"input":{},"value_match":{{"exact":"tls"}}}}}},
             {{"not_matcher":{{"single_predicate":{{"input":{},"value_match":{{"prefix":"10."}}}}}}}}]}}}},"on_match":{}}},
          {{"predicate":{{"or_matcher":{{"predicate":[
             {{"single_predicate":{{"input":{},"value_match":{{"exact":"8000"}}}}}}]}}}},"on_match":{}}}]}},
          "on_no_match":{}}}"#,
        input("TransportProtocolInput"),
        input("SourceIPInput"),
        action("tls-external"),
        input("DestinationPortInput"),
        action("port-8000"),
        action("rest")
    );
    let tls_ext = Connection {
        transport: "tls".into(),
        src_ip: "192.0.2.9".parse().unwrap(),
        ..conn()
    };
    assert_eq!(eval(&list, &tls_ext).as_deref(), Some("tls-external"));
    assert_eq!(eval(&list, &conn()).as_deref(), Some("port-8000"));
    let other = Connection {
        dst_port: 1,
        ..conn()
    };
    assert_eq!(eval(&list, &other).as_deref(), Some("rest"));
    // A bare on_no_match takes everything.
    assert_eq!(
        eval(&format!(r#"{{"on_no_match":{}}}"#, action("any")), &conn()).as_deref(),
        Some("any")
    );
}

#[test]
fn inputs_istio_names_and_unsupported() {
    let m = format!(
        r#"{{"matcher_tree":{{"input":{{"name":"k","typed_config":{{"@type":"{NET}DynamicMetadataInput"}}}},"exact_match_map":{{"map":{{"a":{}}}}}}},"on_no_match":{}}}"#,
        action("a"),
        action("b")
    );
    let parsed: Matcher = serde_json::from_str(&m).unwrap();
    let r = evaluate_matcher(&parsed, &conn());
    assert_eq!(r.chain_name.as_deref(), Some("b"));
    assert_eq!(r.unsupported, ["DynamicMetadataInput"]);
    let by_name = r#"{"matcher_tree":{"input":{"name":"port"},"exact_match_map":{"map":{"8000":{"action":{"name":"p"}}}}}}"#;
    assert_eq!(eval(by_name, &conn()).as_deref(), Some("p"));
    let local = Connection {
        src_local: true,
        ..conn()
    };
    let st = format!(
        r#"{{"matcher_tree":{{"input":{},"exact_match_map":{{"map":{{"local":{}}}}}}},"on_no_match":{}}}"#,
        input("SourceTypeInput"),
        action("local"),
        action("ext")
    );
    assert_eq!(eval(&st, &local).as_deref(), Some("local"));
    assert_eq!(eval(&st, &conn()).as_deref(), Some("ext"));
}

/// `FilterStateInput` reads the connection's filter state under its key (Envoy
/// `FilterStateInput::get`: no data when the key is absent). Istio's multi-network
/// waypoints match the CONNECT authority first (`io.istio.connect_authority`,
/// pilot/pkg/networking/core/listener_waypoint.go), and fall back to the IP matcher.
#[test]
fn filter_state_input_reads_the_connection_state() {
    let state_input = format!(
        r#"{{"name":"authority-filter-state","typed_config":{{"@type":"{NET}FilterStateInput","key":"io.istio.connect_authority"}}}}"#
    );
    let json = format!(
        r#"{{"matcher_tree":{{"input":{state_input},"exact_match_map":{{"map":{{"reviews.default.svc.cluster.local:9080":{}}}}}}},
            "on_no_match":{}}}"#,
        action("by-name"),
        action("by-ip"),
    );
    let mut c = conn();
    assert_eq!(eval(&json, &c).as_deref(), Some("by-ip"));
    c.filter_state = vec![(
        "io.istio.connect_authority".into(),
        "reviews.default.svc.cluster.local:9080".into(),
    )];
    assert_eq!(eval(&json, &c).as_deref(), Some("by-name"));
    c.filter_state = vec![(
        "io.istio.source".into(),
        "reviews.default.svc.cluster.local:9080".into(),
    )];
    assert_eq!(eval(&json, &c).as_deref(), Some("by-ip"));
}

/// `StringMatcher.custom` runs an extension (`StringMatcherImpl` hands it to the extension's
/// own `match`): meshscope cannot run it, so the predicate is reported as not simulated
/// rather than read as a no-match, and the tree's answer is never taken for the truth.
#[test]
fn a_custom_string_matcher_is_not_simulated() {
    let json = format!(
        r#"{{"matcher_list":{{"matchers":[{{"predicate":{{"single_predicate":{{"input":{},
        "value_match":{{"custom":{{"name":"acme.matcher","typed_config":{{"@type":"type.googleapis.com/acme.Matcher"}}}}}}}}}},
        "on_match":{}}}]}},"on_no_match":{}}}"#,
        input("ServerNameInput"),
        action("custom"),
        action("fallback")
    );
    let m: Matcher = serde_json::from_str(&json).unwrap();
    let mut c = conn();
    c.server_name = Some("a.example.com".into());
    let r = evaluate_matcher(&m, &c);
    assert_eq!(r.unsupported, ["custom string matcher acme.matcher"]);
}
