//! istioctl's `newMatcher`/`recurse` (istioctl/pkg/writer/envoy/configdump/listener.go).

use super::*;
use crate::envoy::ListenerState;

fn rows(json: &str) -> Vec<(String, String, String)> {
    let l: Listener<'_> = serde_json::from_str(json).unwrap();
    let s = SelectedListener::new(0, ListenerState::Active, l);
    waypoint_rows(&[s])
        .into_iter()
        .map(|r| {
            let m = match r.matches {
                WaypointMatch::Path(p) => p,
                WaypointMatch::Criteria(_) => "criteria".to_string(),
            };
            (r.listener, r.chain, m)
        })
        .collect()
}

const MAIN: &str = r#"{"name":"main_internal","internal_listener":{},
  "filter_chains":[{"name":"http"},{"name":"tcp"},{"name":"direct"},{"name":"orphan"}],
  "filter_chain_matcher":{"matcher_tree":{"input":{"name":"ip"},
    "custom_match":{"name":"ip","typed_config":{"@type":"type.googleapis.com/xds.type.matcher.v3.IPMatcher",
      "range_matchers":[
        {"ranges":[{"address_prefix":"10.96.1.1","prefix_len":32}],
         "on_match":{"matcher":{"matcher_tree":{"input":{"name":"port"},
            "exact_match_map":{"map":{"80":{"action":{"name":"http"}},"5432":{"action":{"name":"tcp"}}}}},
            "on_no_match":{"action":{"name":"direct"}}}}},
        {"ranges":[{"address_prefix":"10.244.0.0","prefix_len":16}],"on_match":{"action":{"name":"direct"}}}]}}}}}"#;

/// Nested on_no_match to the chain reads `ANY`; map keys in byte order; a /32 without its
/// length; a chain no path reaches `NONE`.
#[test]
fn paths_follow_istioctls_recursion() {
    let got = rows(MAIN);
    let want = [
        ("http", "ip=10.96.1.1 -> port=80"),
        ("tcp", "ip=10.96.1.1 -> port=5432"),
        ("direct", "ip=10.244.0.0/16"),
        ("direct", "ip=10.96.1.1 -> ANY"),
        ("orphan", "NONE"),
    ];
    let got: Vec<(&str, &str)> = got
        .iter()
        .map(|(_, c, m)| (c.as_str(), m.as_str()))
        .collect();
    assert_eq!(got, want);
    assert!(
        rows(MAIN)
            .iter()
            .all(|(l, _, _)| l == "envoy://main_internal")
    );
}

/// The top-level on_no_match action names the chain: `UNMATCHED`.
#[test]
fn top_level_no_match_is_unmatched() {
    let json = r#"{"name":"l","filter_chains":[{"name":"a"},{"name":"b"}],
      "filter_chain_matcher":{"matcher_tree":{"input":{"name":"port"},
        "exact_match_map":{"map":{"80":{"action":{"name":"a"}}}}},
        "on_no_match":{"action":{"name":"b"}}}}"#;
    let got: Vec<String> = rows(json).into_iter().map(|r| r.2).collect();
    assert_eq!(got, ["port=80", "UNMATCHED"]);
}

/// An internal listener whose one chain is named `envoy://NAME` is listed as `internal`;
/// a listener without a matcher keeps its MATCH words.
#[test]
fn internal_single_chain_and_plain_listeners() {
    let json = r#"{"name":"connect_originate","internal_listener":{},
      "filter_chains":[{"name":"envoy://connect_originate"}]}"#;
    assert_eq!(rows(json)[0].0, "internal");
    let plain = r#"{"name":"p","address":{"socket_address":{"address":"0.0.0.0","port_value":15008}},
      "filter_chains":[{"name":"default"}]}"#;
    assert_eq!(
        rows(plain)[0],
        ("envoy://p".into(), "default".into(), "criteria".into())
    );
}
