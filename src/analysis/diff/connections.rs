//! Connections that match a chain in BEFORE but none in AFTER (e.g. plaintext to port 80
//! under STRICT): the connection kinds Istio distinguishes, per inbound port and passthrough
//! set, run through Envoy's chain selection (`chain_select`) on both sides.
//!
//! What Envoy sees depends on the listener filters (DOMAIN.md §5.6): without a running TLS
//! inspector a TLS connection is `raw_buffer` with no ALPN; without a running HTTP inspector
//! plaintext HTTP carries no ALPN.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

use crate::analysis::explain::chain_select::{Chosen, Connection, select_chain};
use crate::analysis::explain::{Inspector, InspectorState, inspector_state};
use crate::analysis::listener::cell_text::match_text;
use crate::analysis::listener::chain_match::ChainMatch;
use crate::analysis::mtls::mode::ModeKey;
use crate::envoy::Listener;

/// The kinds of inbound connection Istio's chains tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionKind {
    /// Plaintext HTTP/1.1 (sniffed as ALPN `http/1.1`).
    PlaintextHttp,
    /// Plaintext, not HTTP.
    PlaintextTcp,
    /// Istio mTLS carrying HTTP (ALPN `istio-http/1.1`).
    MtlsHttp,
    /// Istio mTLS carrying TCP (ALPN `istio-peer-exchange,istio`).
    MtlsTcp,
    /// TLS from a non-Istio client (ALPN `h2,http/1.1`).
    PlainTls,
}

impl ConnectionKind {
    /// Every kind, in report order.
    pub const ALL: [ConnectionKind; 5] = [
        ConnectionKind::PlaintextHttp,
        ConnectionKind::PlaintextTcp,
        ConnectionKind::MtlsHttp,
        ConnectionKind::MtlsTcp,
        ConnectionKind::PlainTls,
    ];

    /// `plaintext HTTP`, `mTLS TCP`, …
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionKind::PlaintextHttp => "plaintext HTTP",
            ConnectionKind::PlaintextTcp => "plaintext TCP",
            ConnectionKind::MtlsHttp => "mTLS HTTP",
            ConnectionKind::MtlsTcp => "mTLS TCP",
            ConnectionKind::PlainTls => "plain TLS",
        }
    }

    fn is_tls(self) -> bool {
        matches!(
            self,
            ConnectionKind::MtlsHttp | ConnectionKind::MtlsTcp | ConnectionKind::PlainTls
        )
    }

    fn alpn(self) -> &'static [&'static str] {
        match self {
            ConnectionKind::PlaintextHttp => &["http/1.1"],
            ConnectionKind::PlaintextTcp => &[],
            ConnectionKind::MtlsHttp => &["istio-http/1.1"],
            ConnectionKind::MtlsTcp => &["istio-peer-exchange", "istio"],
            ConnectionKind::PlainTls => &["h2", "http/1.1"],
        }
    }
}

/// A connection that a BEFORE chain takes and no AFTER chain does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LostConnection {
    /// The port or passthrough set (`port 80`, `passthrough 0.0.0.0/0`).
    pub target: String,
    /// Destination port tried.
    pub port: u32,
    /// Destination IP tried.
    pub dst_ip: String,
    /// The connection kind.
    pub kind: ConnectionKind,
    /// The BEFORE chain that took it: `name (match)`.
    pub before_chain: String,
}

/// The connection `kind` to `port`/`ip`, as the listener's inspectors let Envoy see it.
fn seen(listener: &Listener<'_>, kind: ConnectionKind, port: u32, ip: IpAddr) -> Connection {
    let tls_seen = inspector_state(listener, Inspector::Tls, port) == InspectorState::Active;
    let http_seen = inspector_state(listener, Inspector::Http, port) == InspectorState::Active;
    let (transport, alpn) = if kind.is_tls() {
        if tls_seen {
            ("tls", kind.alpn())
        } else {
            ("raw_buffer", &[][..])
        }
    } else if kind == ConnectionKind::PlaintextHttp && http_seen {
        ("raw_buffer", kind.alpn())
    } else {
        ("raw_buffer", &[][..])
    };
    let src = match ip {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)),
        IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 2)),
    };
    Connection {
        dst_port: port,
        dst_ip: ip,
        server_name: None,
        transport: transport.to_string(),
        alpn: alpn.iter().map(|a| a.to_string()).collect(),
        direct_src_ip: src,
        src_local: false,
        src_ip: src,
        src_port: 40000,
        filter_state: Vec::new(),
    }
}

fn chosen_chain(l: &Listener<'_>, conn: &Connection) -> Option<usize> {
    let matches: Vec<_> = l
        .filter_chains
        .iter()
        .map(|c| c.filter_chain_match.as_ref())
        .collect();
    match select_chain(&matches, l.default_filter_chain.is_some(), conn).chosen {
        Chosen::Chain(i) => Some(i),
        Chosen::Default => Some(usize::MAX),
        Chosen::Closed => None,
        // A connection some chain may take (Envoy leaves which open) is not lost.
        c @ Chosen::Unspecified(_) => c.chains().first().copied(),
    }
}

/// Tries every connection kind against every port and passthrough set in `keys`.
pub fn lost_connections(
    before: &Listener<'_>,
    after: &Listener<'_>,
    keys: &[ModeKey],
) -> Vec<LostConnection> {
    // A port no Service and no per-port passthrough uses, for the portless passthrough.
    let free_port = (8080..)
        .find(|p| !keys.iter().any(|k| k.port == Some(*p)))
        .unwrap_or(8080);
    let mut out = Vec::new();
    for key in keys {
        let port = key.port.unwrap_or(free_port);
        let ip = match &key.family {
            Some(f) if f.contains(':') => IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1)),
            _ => IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)),
        };
        for kind in ConnectionKind::ALL {
            let Some(b) = chosen_chain(before, &seen(before, kind, port, ip)) else {
                continue;
            };
            if chosen_chain(after, &seen(after, kind, port, ip)).is_some() {
                continue;
            }
            let before_chain = match before.filter_chains.get(b) {
                Some(c) => format!(
                    "{} ({})",
                    c.name,
                    match_text(&ChainMatch::of(c.filter_chain_match.as_ref()))
                ),
                None => "default_filter_chain".to_string(),
            };
            out.push(LostConnection {
                target: key.label(),
                port,
                dst_ip: ip.to_string(),
                kind,
                before_chain,
            });
        }
    }
    out
}
