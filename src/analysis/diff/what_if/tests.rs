//! What-if predictions against the real fixtures (issue #5 acceptance).

use std::collections::BTreeSet;

use super::*;
use crate::analysis::diff::{chain_summary, diff_listeners_with_raw};
use crate::analysis::listener::cell_text::match_text;
use crate::analysis::mtls::inbound_template::terminal_of;
use crate::analysis::test_support::{fixture_text, virtual_inbound};

/// (match, terminal, TLS terminated, Wasm filter names in order) per chain.
type Shape = (
    crate::analysis::diff::MatchKey,
    Option<Terminal>,
    bool,
    Vec<String>,
);

fn shapes(l: &Listener<'_>) -> BTreeSet<Shape> {
    l.filter_chains
        .iter()
        .map(|c| {
            let s = chain_summary(c, &crate::analysis::listener::rows::chain_wasm(c));
            (
                crate::analysis::diff::match_key(c, false),
                terminal_of(c),
                c.transport_socket.as_ref().is_some_and(|t| t.is_tls()),
                s.wasm,
            )
        })
        .collect()
}

fn predicted(from: &str, mode: MtlsMode, version: Option<&str>) -> (Prediction, String) {
    let l = virtual_inbound(from);
    let raw = raw_inbound(from);
    let p = predict(&raw, &l, mode, detect_version(version, &l)).unwrap();
    let json = p.listener_json.clone();
    (p, json)
}

/// The raw `virtualInbound` object of a fixture.
fn raw_inbound(name: &str) -> String {
    let v: Value = serde_json::from_str(fixture_text(name)).unwrap();
    let configs = v["configs"].as_array().unwrap();
    for c in configs {
        for dl in c["dynamic_listeners"].as_array().into_iter().flatten() {
            if dl["name"] == "virtualInbound" {
                return dl["active_state"]["listener"].to_string();
            }
        }
    }
    panic!("no virtualInbound in {name}")
}

#[test]
fn predictions_equal_the_real_fixtures() {
    let cases = [
        (MtlsMode::Permissive, MtlsMode::Strict),
        (MtlsMode::Strict, MtlsMode::Permissive),
        (MtlsMode::Permissive, MtlsMode::Disable),
    ];
    for (version, bootstrap) in [("1.12", Some("1.12.9")), ("1.12", None), ("current", None)] {
        for (from, to) in cases {
            let src = format!("istio-{version}-{}.json", from.as_str().to_lowercase());
            let dst = format!("istio-{version}-{}.json", to.as_str().to_lowercase());
            let (p, json) = predicted(&src, to, bootstrap);
            let got: Listener = serde_json::from_str(&json).unwrap();
            let want = virtual_inbound(&dst);
            assert_eq!(shapes(&got), shapes(&want), "{src} → {to} ({bootstrap:?})");
            // Stronger: the semantic diff finds nothing either.
            let want_raw = raw_inbound(&dst);
            let r = diff_listeners_with_raw(&[&got], &[&json], &[&want], &[&want_raw]);
            assert!(r.equal, "{src} → {to}: {:#?}", r.listeners[0].changed);
            assert!(p.summary.notes.iter().any(|n| n.contains("predicted")));
        }
    }
}

#[test]
fn chain_totals_follow_domain() {
    for (version, totals) in [("1.12", [13, 6, 6]), ("current", [8, 4, 4])] {
        for from in MtlsMode::ALL {
            let src = format!("istio-{version}-{}.json", from.as_str().to_lowercase());
            for (to, want) in [MtlsMode::Permissive, MtlsMode::Strict, MtlsMode::Disable]
                .into_iter()
                .zip(totals)
            {
                let (_, json) = predicted(&src, to, None);
                let got: Listener = serde_json::from_str(&json).unwrap();
                assert_eq!(got.filter_chains.len(), want, "{src} → {to}");
            }
        }
    }
}

#[test]
fn synthesised_parts_are_marked() {
    // DISABLE has no mTLS context to copy from: STRICT synthesises one.
    let (_, json) = predicted("istio-current-disable.json", MtlsMode::Strict, None);
    let got: Listener = serde_json::from_str(&json).unwrap();
    let port80 = got
        .filter_chains
        .iter()
        .find(|c| c.name == "0.0.0.0_80")
        .unwrap();
    let s = chain_summary(port80, &[]);
    assert!(
        s.predicted.iter().any(|m| m.contains("synthesised")),
        "{s:?}"
    );
    assert!(
        port80
            .transport_socket
            .as_ref()
            .and_then(|t| t.downstream_tls())
            .is_some_and(|t| t.is_istio_mtls())
    );
    // A chain whose template exists already is kept verbatim, unmarked.
    let (_, json) = predicted("istio-current-permissive.json", MtlsMode::Strict, None);
    let got: Listener = serde_json::from_str(&json).unwrap();
    let kept = chain_summary(&got.filter_chains[1], &[]);
    assert!(kept.predicted.is_empty(), "{kept:?}");
}

#[test]
fn version_comes_from_bootstrap_else_markers() {
    let l = virtual_inbound("istio-1.12-strict.json");
    let v = detect_version(Some("1.12.9"), &l);
    assert_eq!(v.source, "bootstrap ISTIO_VERSION");
    assert_eq!(v.plaintext_alpn, ["http/1.0", "http/1.1", "h2c"]);
    let v = detect_version(None, &l);
    assert_eq!(v.version, "1.12-1.13");
    let v = detect_version(None, &virtual_inbound("istio-current-strict.json"));
    assert_eq!((v.version.as_str(), v.plaintext_alpn.len()), ("1.23+", 2));
}

#[test]
fn ports_of_unknown_mode_are_kept_as_they_are() {
    // Port 443 terminates the user's TLS (Sidecar ingress TLS): no template fits.
    let raw = r#"{"name":"virtualInbound","filter_chains":[
      {"name":"0.0.0.0_443","filter_chain_match":{"destination_port":443,"transport_protocol":"tls"},
       "transport_socket":{"name":"envoy.transport_sockets.tls","typed_config":{}},
       "filters":[{"name":"envoy.filters.network.tcp_proxy","typed_config":{"cluster":"c"}}]},
      {"name":"0.0.0.0_80","filter_chain_match":{"destination_port":80,"transport_protocol":"raw_buffer"},
       "filters":[{"name":"envoy.filters.network.http_connection_manager","typed_config":{}}]}]}"#;
    let l: Listener = serde_json::from_str(raw).unwrap();
    let p = predict(
        raw,
        &l,
        MtlsMode::Strict,
        detect_version(Some("1.30.0"), &l),
    )
    .unwrap();
    assert!(
        p.summary
            .notes
            .iter()
            .any(|n| n.starts_with("port 443: kept as is (mode unknown")),
        "{:?}",
        p.summary.notes
    );
    let got: Listener = serde_json::from_str(&p.listener_json).unwrap();
    assert_eq!(got.filter_chains.len(), 2);
    assert_eq!(got.filter_chains[0].name, "0.0.0.0_443");
    let port80 = chain_summary(&got.filter_chains[1], &[]);
    assert_eq!(match_text(&port80.chain_match), "Trans: tls; Addr: *:80");
    assert!(port80.predicted.iter().any(|m| m.contains("synthesised")));
}
