//! Unit tests of mode inference: every mode × protocol signature, fixtures, and odd chains.

use super::*;
use crate::analysis::mtls::inbound_template::{ALPN_PLAINTEXT_HTTP, AlpnSet, Terminal};
use crate::analysis::test_support::virtual_inbound;

const MTLS: &str = r#""transport_socket":{"name":"envoy.transport_sockets.tls","typed_config":{
  "common_tls_context":{"tls_certificate_sds_secret_configs":[{"name":"default"}],
  "combined_validation_context":{"validation_context_sds_secret_config":{"name":"ROOTCA"}}},
  "require_client_certificate":true}},"#;
const HCM: &str = r#"{"name":"envoy.filters.network.http_connection_manager","typed_config":{}}"#;
const TCP: &str = r#"{"name":"envoy.filters.network.tcp_proxy","typed_config":{"cluster":"c"}}"#;

/// A chain of port `port` (0: portless passthrough) built from a template row.
fn chain_json(port: u32, t: &ChainTemplate) -> String {
    let alpn: Vec<String> = t
        .alpn
        .values(ALPN_PLAINTEXT_HTTP)
        .iter()
        .map(|a| format!("{a:?}"))
        .collect();
    let (name, dport) = if port == 0 {
        ("virtualInbound".to_string(), String::new())
    } else {
        (
            format!("0.0.0.0_{port}"),
            format!(r#""destination_port":{port},"#),
        )
    };
    format!(
        r#"{{"name":"{name}","filter_chain_match":{{{dport}"transport_protocol":"{}",
        "application_protocols":[{}]}},{}"filters":[{}]}}"#,
        t.transport.as_str(),
        alpn.join(","),
        if t.mtls { MTLS } else { "" },
        if t.terminal == Terminal::Hcm {
            HCM
        } else {
            TCP
        },
    )
}

fn listener_json(chains: &[String]) -> String {
    format!(
        r#"{{"name":"virtualInbound","filter_chains":[{}]}}"#,
        chains.join(",")
    )
}

#[test]
fn every_mode_and_protocol_signature_is_recognised() {
    for protocol in PortProtocol::ALL {
        for mode in MtlsMode::ALL {
            let chains: Vec<String> = chain_templates(mode, protocol)
                .iter()
                .map(|t| chain_json(80, t))
                .collect();
            let json = listener_json(&chains);
            let l: Listener = serde_json::from_str(&json).unwrap();
            let modes = infer_modes(&l);
            assert_eq!(modes.len(), 1, "{mode} {protocol:?}");
            assert_eq!(
                modes[0].inference,
                Inference::Known { mode, protocol },
                "{mode} {protocol:?}"
            );
            assert_eq!(modes[0].key.label(), "port 80");
        }
    }
}

#[test]
fn chains_that_fit_no_signature_are_unknown_with_a_reason() {
    let strict = chain_templates(MtlsMode::Strict, PortProtocol::Auto);
    // Only the HCM half of STRICT auto: every chain is mTLS, but one is missing.
    let json = listener_json(&[chain_json(80, &strict[0])]);
    let l: Listener = serde_json::from_str(&json).unwrap();
    match &infer_modes(&l)[0].inference {
        Inference::Unknown { reason } => {
            assert!(reason.contains("as STRICT"), "{reason}");
            assert!(reason.contains("tls/mTLS-HTTP → HCM +mTLS"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // A TLS context that is not Istio's (Sidecar ingress TLS).
    let json = r#"{"name":"virtualInbound","filter_chains":[{"name":"0.0.0.0_443",
      "filter_chain_match":{"destination_port":443,"transport_protocol":"tls"},
      "transport_socket":{"name":"envoy.transport_sockets.tls","typed_config":{}},
      "filters":[{"name":"envoy.filters.network.tcp_proxy","typed_config":{"cluster":"c"}}]}]}"#;
    let l: Listener = serde_json::from_str(json).unwrap();
    let modes = infer_modes(&l);
    assert_eq!(modes[0].inference.mode_text(), "unknown");
    // An unknown ALPN list.
    let json = r#"{"name":"virtualInbound","filter_chains":[{"name":"0.0.0.0_81",
      "filter_chain_match":{"destination_port":81,"transport_protocol":"raw_buffer",
      "application_protocols":["h2"]},
      "filters":[{"name":"envoy.filters.network.tcp_proxy","typed_config":{"cluster":"c"}}]}]}"#;
    let l: Listener = serde_json::from_str(json).unwrap();
    assert!(matches!(&infer_modes(&l)[0].inference,
        Inference::Unknown { reason } if reason.contains("ALPN h2")));
}

fn summary(file: &str) -> Vec<(String, &'static str, Option<PortProtocol>)> {
    infer_modes(&virtual_inbound(file))
        .into_iter()
        .map(|pm| {
            let proto = match pm.inference {
                Inference::Known { protocol, .. } => Some(protocol),
                Inference::Unknown { .. } => None,
            };
            (pm.key.label(), pm.inference.mode_text(), proto)
        })
        .collect()
}

#[test]
fn seed_fixtures_give_one_mode_per_port_and_family() {
    use PortProtocol::{Auto, Http};
    for mode in MtlsMode::ALL {
        let m = mode.as_str();
        let lower = m.to_ascii_lowercase();
        assert_eq!(
            summary(&format!("istio-1.12-{lower}.json")),
            [
                ("passthrough 0.0.0.0/0".to_string(), m, Some(Auto)),
                ("passthrough ::0/0".to_string(), m, Some(Auto)),
                ("port 80".to_string(), m, Some(Http)),
            ]
        );
        assert_eq!(
            summary(&format!("istio-current-{lower}.json")),
            [
                ("passthrough".to_string(), m, Some(Auto)),
                ("port 80".to_string(), m, Some(Http)),
            ]
        );
    }
}

#[test]
fn mixed_port_level_mtls_dump() {
    use PortProtocol::{Auto, Http};
    assert_eq!(
        summary("istio-current-mixed.json"),
        [
            ("passthrough".to_string(), "PERMISSIVE", Some(Auto)),
            ("passthrough :9090".to_string(), "PERMISSIVE", Some(Auto)),
            ("port 80".to_string(), "STRICT", Some(Http)),
        ]
    );
    let l = virtual_inbound("istio-current-mixed.json");
    let per_chain = chain_modes(&l);
    assert_eq!(per_chain[0], None, "blackhole");
    assert_eq!(
        per_chain.last().cloned().flatten().and_then(|i| i.mode()),
        Some(MtlsMode::Strict)
    );
    assert_eq!(AlpnSet::of(&["istio"]), None);
}
