//! Unit tests of the semantic diff over the seed fixtures (issue #5 acceptance).

use super::connections::ConnectionKind;
use super::*;

/// Compares listeners without their raw JSON (names, matches, filters, TLS, destination).
fn diff_listeners(before: &[&Listener<'_>], after: &[&Listener<'_>]) -> DiffReport {
    diff_listeners_with_raw(before, &[], after, &[])
}
use crate::analysis::listener::cell_text::match_text;
use crate::analysis::mtls::inbound_template::MtlsMode;
use crate::analysis::test_support::virtual_inbound;

fn diff_fixtures(before: &str, after: &str) -> DiffReport {
    let b = virtual_inbound(before);
    let a = virtual_inbound(after);
    diff_listeners(&[&b], &[&a])
}

fn counts(r: &DiffReport) -> (usize, usize, usize, usize) {
    let l = &r.listeners[0];
    (l.removed.len(), l.added.len(), l.changed.len(), l.unchanged)
}

#[test]
fn istio_1_12_permissive_to_strict() {
    let r = diff_fixtures("istio-1.12-permissive.json", "istio-1.12-strict.json");
    assert!(!r.equal);
    assert_eq!(counts(&r), (8, 1, 2, 3));
    let l = &r.listeners[0];
    let modes: Vec<(String, Option<MtlsMode>, Option<MtlsMode>)> = l
        .modes
        .iter()
        .map(|m| {
            (
                m.label.clone(),
                m.before.as_ref().and_then(Inference::mode),
                m.after.as_ref().and_then(Inference::mode),
            )
        })
        .collect();
    let ps = (Some(MtlsMode::Permissive), Some(MtlsMode::Strict));
    assert_eq!(
        modes,
        [
            ("passthrough 0.0.0.0/0".to_string(), ps.0, ps.1),
            ("passthrough ::0/0".to_string(), ps.0, ps.1),
            ("port 80".to_string(), ps.0, ps.1),
        ]
    );
    // The plain-`tls` passthrough chain of each family gains TLS termination.
    for c in &l.changed {
        assert_eq!(c.before.chain_match, c.after.chain_match);
        assert!(match_text(&c.before.chain_match).starts_with("Trans: tls; Addr: "));
        assert!(matches!(
            c.changes.as_slice(),
            [Change::TransportSocket {
                before: TlsSummary::None,
                after: TlsSummary::Tls {
                    istio_mtls: true,
                    ..
                }
            }]
        ));
    }
    assert_eq!(
        match_text(&l.added[0].chain_match),
        "Trans: tls; Addr: *:80"
    );
    let hw = r
        .wasm
        .iter()
        .find(|w| w.filter == "default.helloworld")
        .unwrap();
    assert_eq!((hw.before, hw.after), (6, 3));
    assert_eq!(hw.lost.len(), 4);
    assert!(hw.lost.iter().all(|c| c.how == "removed"));
    assert_eq!(hw.gained.len(), 1);
    assert_eq!(
        match_text(&hw.gained[0].chain_match),
        "Trans: tls; Addr: *:80"
    );
}

#[test]
fn current_permissive_to_strict() {
    let r = diff_fixtures("istio-current-permissive.json", "istio-current-strict.json");
    // One passthrough set: raw HTTP, mTLS-TCP, raw TCP removed + port 80 ×2; port 80 tls
    // added; the plain-tls passthrough chain changed; blackhole and mTLS-HTTP unchanged.
    assert_eq!(counts(&r), (5, 1, 1, 2));
    let hw = &r.wasm[0];
    assert_eq!(
        (hw.before, hw.after, hw.lost.len(), hw.gained.len()),
        (4, 2, 3, 1)
    );
}

#[test]
fn a_dump_against_itself_is_equal() {
    let r = diff_fixtures("istio-1.12-permissive.json", "istio-1.12-permissive.json");
    assert!(r.equal);
    assert_eq!(counts(&r), (0, 0, 0, 13));
    assert!(
        r.wasm
            .iter()
            .all(|w| w.lost.is_empty() && w.gained.is_empty())
    );
}

#[test]
fn repeated_matches_pair_by_name_and_filters_report_order() {
    let before = r#"{"name":"l","filter_chains":[
      {"name":"a","filters":[{"name":"x"},{"name":"y"}]},
      {"name":"b","filters":[{"name":"x"}]}]}"#;
    let after = r#"{"name":"l","filter_chains":[
      {"name":"b","filters":[{"name":"x"}]},
      {"name":"a","filters":[{"name":"y"},{"name":"x"},{"name":"z"}]}]}"#;
    let b: Listener = serde_json::from_str(before).unwrap();
    let a: Listener = serde_json::from_str(after).unwrap();
    let r = diff_listeners(&[&b], &[&a]);
    let l = &r.listeners[0];
    assert_eq!((l.unchanged, l.changed.len()), (1, 1));
    assert_eq!(
        l.changed[0].changes,
        [Change::Filters {
            added: vec!["z".into()],
            removed: vec![],
            reordered: true
        }]
    );
    let only_before = diff_listeners(&[&b], &[]);
    assert_eq!(only_before.listeners[0].presence, Presence::OnlyBefore);
    assert_eq!(only_before.listeners[0].removed.len(), 2);
}

#[test]
fn strict_stops_plaintext_to_port_80() {
    use ConnectionKind::{PlaintextHttp, PlaintextTcp};
    for (before, after) in [
        ("istio-1.12-permissive.json", "istio-1.12-strict.json"),
        ("istio-current-permissive.json", "istio-current-strict.json"),
    ] {
        let r = diff_fixtures(before, after);
        let lost = &r.listeners[0].stopped_matching;
        let port80: Vec<ConnectionKind> = lost
            .iter()
            .filter(|c| c.target == "port 80")
            .map(|c| c.kind)
            .collect();
        assert_eq!(port80, [PlaintextHttp, PlaintextTcp], "{before}: {lost:#?}");
        // The passthrough loses plaintext too; mTLS keeps matching everywhere.
        assert!(lost.iter().any(|c| c.target.starts_with("passthrough")));
        assert!(
            lost.iter()
                .all(|c| matches!(c.kind, PlaintextHttp | PlaintextTcp))
        );
    }
    // Back to PERMISSIVE, only non-Istio TLS to port 80 loses its chain: STRICT's `tls`
    // chain took any TLS; PERMISSIVE's matches Istio's ALPN only.
    let r = diff_fixtures("istio-current-strict.json", "istio-current-permissive.json");
    let lost: Vec<(&str, ConnectionKind)> = r.listeners[0]
        .stopped_matching
        .iter()
        .map(|c| (c.target.as_str(), c.kind))
        .collect();
    assert_eq!(lost, [("port 80", ConnectionKind::PlainTls)]);
}

#[test]
fn same_filters_with_another_config_are_changed_when_raw_is_given() {
    let before = r#"{"name":"l","filter_chains":[{"name":"a","filters":[
      {"name":"envoy.filters.network.tcp_proxy","typed_config":{"statPrefix":"x","cluster":"c"}}]}]}"#;
    let after = r#"{"name":"l","filter_chains":[{"name":"a","filters":[
      {"name":"envoy.filters.network.tcp_proxy","typed_config":{"stat_prefix":"y","cluster":"c"}}]}]}"#;
    let b: Listener = serde_json::from_str(before).unwrap();
    let a: Listener = serde_json::from_str(after).unwrap();
    // Names only: equal.
    assert!(diff_listeners(&[&b], &[&a]).equal);
    let r = diff_listeners_with_raw(&[&b], &[before], &[&a], &[after]);
    assert_eq!(
        r.listeners[0].changed[0].changes,
        [Change::Config {
            part: "envoy.filters.network.tcp_proxy".into(),
            changes: vec![r#"typed_config.stat_prefix: "x" → "y""#.into()],
        }]
    );
    // camelCase and snake_case spellings of one config are equal.
    let camel = before.replace("statPrefix\":\"x", "statPrefix\":\"y");
    let c: Listener = serde_json::from_str(&camel).unwrap();
    assert!(diff_listeners_with_raw(&[&c], &[&camel], &[&a], &[after]).equal);
}
