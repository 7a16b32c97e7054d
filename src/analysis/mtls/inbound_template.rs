//! Istio's `virtualInbound` chain templates (DOMAIN.md §5.3–5.4): which chains a port gets
//! for each mTLS mode × port protocol, and the ALPN lists they match.
//!
//! Shared by mode inference (which template do a port's chains fit) and the what-if
//! prediction (which chains would a port get). Pure data; nothing here reads a dump beyond
//! one chain's match, transport socket and terminal filter.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::envoy::{FilterChain, NetworkFilterConfig};

/// A PeerAuthentication mTLS mode, as Istio applies it to a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MtlsMode {
    /// Only Istio mTLS is accepted.
    Strict,
    /// Istio mTLS and plaintext are both accepted.
    Permissive,
    /// Only plaintext is accepted.
    Disable,
}

impl MtlsMode {
    /// Every mode, in the order PeerAuthentication documents them.
    pub const ALL: [MtlsMode; 3] = [MtlsMode::Strict, MtlsMode::Permissive, MtlsMode::Disable];

    /// The PeerAuthentication spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MtlsMode::Strict => "STRICT",
            MtlsMode::Permissive => "PERMISSIVE",
            MtlsMode::Disable => "DISABLE",
        }
    }
}

impl fmt::Display for MtlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MtlsMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MtlsMode::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown mTLS mode {s:?} (want STRICT, PERMISSIVE or DISABLE)"))
    }
}

/// The kind of a port's protocol, as the inbound chains tell it (DOMAIN.md §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PortProtocol {
    /// Explicit HTTP: HCM chains only.
    Http,
    /// Explicit TCP: tcp_proxy chains only.
    Tcp,
    /// Protocol sniffing: HCM and tcp_proxy chains.
    Auto,
}

impl PortProtocol {
    /// Every protocol kind.
    pub const ALL: [PortProtocol; 3] = [PortProtocol::Http, PortProtocol::Tcp, PortProtocol::Auto];

    /// `HTTP`, `TCP` or `auto`.
    pub fn as_str(self) -> &'static str {
        match self {
            PortProtocol::Http => "HTTP",
            PortProtocol::Tcp => "TCP",
            PortProtocol::Auto => "auto",
        }
    }
}

/// `filter_chain_match.transport_protocol` of an Istio inbound chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Transport {
    /// `tls`.
    #[serde(rename = "tls")]
    Tls,
    /// `raw_buffer`.
    #[serde(rename = "raw_buffer")]
    RawBuffer,
}

impl Transport {
    /// The Envoy spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tls => "tls",
            Transport::RawBuffer => "raw_buffer",
        }
    }
}

/// Which of Istio's ALPN lists a chain matches (DOMAIN.md §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlpnSet {
    /// No ALPN match.
    None,
    /// Plaintext HTTP (`http/1.0,http/1.1,h2c` on 1.12, `http/1.1,h2c` from 1.13).
    PlaintextHttp,
    /// `istio-http/1.0,istio-http/1.1,istio-h2`.
    MtlsHttp,
    /// `istio,istio-peer-exchange,istio-http/1.0,istio-http/1.1,istio-h2`.
    AllIstio,
    /// `istio-peer-exchange,istio`.
    MtlsTcp,
}

/// Plaintext HTTP ALPN on Istio 1.12 (and with `PILOT_HTTP10=true`).
pub const ALPN_PLAINTEXT_HTTP_1_12: &[&str] = &["http/1.0", "http/1.1", "h2c"];
/// Plaintext HTTP ALPN from Istio 1.13.
pub const ALPN_PLAINTEXT_HTTP: &[&str] = &["http/1.1", "h2c"];
/// mTLS HTTP ALPN.
pub const ALPN_MTLS_HTTP: &[&str] = &["istio-http/1.0", "istio-http/1.1", "istio-h2"];
/// Every Istio mTLS ALPN.
pub const ALPN_ALL_ISTIO: &[&str] = &[
    "istio",
    "istio-peer-exchange",
    "istio-http/1.0",
    "istio-http/1.1",
    "istio-h2",
];
/// mTLS TCP ALPN.
pub const ALPN_MTLS_TCP: &[&str] = &["istio-peer-exchange", "istio"];

impl AlpnSet {
    /// Recognises a chain's ALPN list; `None` when it is none of Istio's.
    pub fn of(list: &[impl AsRef<str>]) -> Option<AlpnSet> {
        let is = |want: &[&str]| {
            want.len() == list.len() && want.iter().zip(list).all(|(a, b)| *a == b.as_ref())
        };
        if list.is_empty() {
            Some(AlpnSet::None)
        } else if is(ALPN_PLAINTEXT_HTTP) || is(ALPN_PLAINTEXT_HTTP_1_12) {
            Some(AlpnSet::PlaintextHttp)
        } else if is(ALPN_MTLS_HTTP) {
            Some(AlpnSet::MtlsHttp)
        } else if is(ALPN_ALL_ISTIO) {
            Some(AlpnSet::AllIstio)
        } else if is(ALPN_MTLS_TCP) {
            Some(AlpnSet::MtlsTcp)
        } else {
            None
        }
    }

    /// The list to match, with the version's plaintext HTTP list.
    pub fn values(self, plaintext_http: &'static [&'static str]) -> &'static [&'static str] {
        match self {
            AlpnSet::None => &[],
            AlpnSet::PlaintextHttp => plaintext_http,
            AlpnSet::MtlsHttp => ALPN_MTLS_HTTP,
            AlpnSet::AllIstio => ALPN_ALL_ISTIO,
            AlpnSet::MtlsTcp => ALPN_MTLS_TCP,
        }
    }
}

/// A chain's terminal filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Terminal {
    /// HTTP connection manager.
    Hcm,
    /// tcp_proxy.
    TcpProxy,
}

impl Terminal {
    /// `HCM` or `tcp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Terminal::Hcm => "HCM",
            Terminal::TcpProxy => "tcp",
        }
    }
}

/// One row of DOMAIN.md §5.4: `transport`/ALPN → terminal, with or without Istio mTLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ChainTemplate {
    /// Transport protocol matched.
    pub transport: Transport,
    /// ALPN list matched.
    pub alpn: AlpnSet,
    /// The chain terminates Istio mTLS.
    pub mtls: bool,
    /// HCM or tcp_proxy.
    pub terminal: Terminal,
}

impl fmt::Display for ChainTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.transport.as_str())?;
        let alpn = match self.alpn {
            AlpnSet::None => "",
            AlpnSet::PlaintextHttp => "/plaintext-HTTP",
            AlpnSet::MtlsHttp => "/mTLS-HTTP",
            AlpnSet::AllIstio => "/all-Istio",
            AlpnSet::MtlsTcp => "/mTLS-TCP",
        };
        write!(f, "{alpn} → {}", self.terminal.as_str())?;
        if self.mtls {
            f.write_str(" +mTLS")?;
        }
        Ok(())
    }
}

const fn t(transport: Transport, alpn: AlpnSet, mtls: bool, terminal: Terminal) -> ChainTemplate {
    ChainTemplate {
        transport,
        alpn,
        mtls,
        terminal,
    }
}

/// The chains Istio emits for one port, in emission order (DOMAIN.md §5.4, istio/istio
/// `pilot/pkg/networking/core/filterchain_options.go`; same tables in 1.12 and HEAD).
pub fn chain_templates(mode: MtlsMode, protocol: PortProtocol) -> Vec<ChainTemplate> {
    use AlpnSet::*;
    use Terminal::*;
    use Transport::*;
    match (protocol, mode) {
        (PortProtocol::Http, MtlsMode::Strict) => vec![t(Tls, None, true, Hcm)],
        (PortProtocol::Http, MtlsMode::Permissive) => {
            vec![t(Tls, AllIstio, true, Hcm), t(RawBuffer, None, false, Hcm)]
        }
        (PortProtocol::Http, MtlsMode::Disable) => vec![t(RawBuffer, None, false, Hcm)],
        (PortProtocol::Auto, MtlsMode::Strict) => {
            vec![t(Tls, MtlsHttp, true, Hcm), t(Tls, None, true, TcpProxy)]
        }
        (PortProtocol::Auto, MtlsMode::Permissive) => vec![
            t(Tls, MtlsHttp, true, Hcm),
            t(RawBuffer, PlaintextHttp, false, Hcm),
            t(Tls, MtlsTcp, true, TcpProxy),
            t(RawBuffer, None, false, TcpProxy),
            t(Tls, None, false, TcpProxy),
        ],
        (PortProtocol::Auto, MtlsMode::Disable) => vec![
            t(RawBuffer, PlaintextHttp, false, Hcm),
            t(RawBuffer, None, false, TcpProxy),
        ],
        (PortProtocol::Tcp, MtlsMode::Strict) => vec![t(Tls, None, true, TcpProxy)],
        (PortProtocol::Tcp, MtlsMode::Permissive) => vec![
            t(Tls, AllIstio, true, TcpProxy),
            t(Tls, None, false, TcpProxy),
            t(RawBuffer, None, false, TcpProxy),
        ],
        (PortProtocol::Tcp, MtlsMode::Disable) => vec![t(RawBuffer, None, false, TcpProxy)],
    }
}

/// The terminal filter of a chain: the last HCM or tcp_proxy.
pub fn terminal_of(chain: &FilterChain<'_>) -> Option<Terminal> {
    chain.filters.iter().rev().find_map(|f| match &f.config {
        NetworkFilterConfig::HttpConnectionManager(_) => Some(Terminal::Hcm),
        NetworkFilterConfig::TcpProxy(_) => Some(Terminal::TcpProxy),
        _ => Option::None,
    })
}

/// Reads a chain as a §5.4 template row, or says why it is none.
pub fn classify_chain(chain: &FilterChain<'_>) -> Result<ChainTemplate, String> {
    let name = if chain.name.is_empty() {
        "-"
    } else {
        chain.name.as_ref()
    };
    let m = chain.filter_chain_match.clone().unwrap_or_default();
    let transport = match m.transport_protocol.as_ref() {
        "tls" => Transport::Tls,
        "raw_buffer" => Transport::RawBuffer,
        "" => return Err(format!("chain {name} matches no transport protocol")),
        other => return Err(format!("chain {name} matches transport {other:?}")),
    };
    let alpn = AlpnSet::of(&m.application_protocols).ok_or_else(|| {
        format!(
            "chain {name} matches ALPN {} (none of Istio's lists)",
            m.application_protocols.join(",")
        )
    })?;
    let mtls = match &chain.transport_socket {
        None => false,
        Some(ts) if !ts.is_tls() => false,
        Some(ts) => match ts.downstream_tls() {
            Some(tls) if tls.is_istio_mtls() => true,
            _ => {
                return Err(format!(
                    "chain {name} terminates TLS without Istio mTLS (Sidecar ingress TLS or an EnvoyFilter)"
                ));
            }
        },
    };
    let terminal = terminal_of(chain)
        .ok_or_else(|| format!("chain {name} ends in neither an HCM nor a tcp_proxy"))?;
    Ok(ChainTemplate {
        transport,
        alpn,
        mtls,
        terminal,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_follow_domain() {
        // DOMAIN.md §5.4: HTTP 1/2/1, auto 2/5/2, TCP 1/3/1 (STRICT/PERMISSIVE/DISABLE).
        let counts: Vec<usize> = PortProtocol::ALL
            .into_iter()
            .flat_map(|p| MtlsMode::ALL.map(|m| chain_templates(m, p).len()))
            .collect();
        assert_eq!(counts, [1, 2, 1, 1, 3, 1, 2, 5, 2]);
    }

    #[test]
    fn recognises_istio_alpn_lists() {
        assert_eq!(
            AlpnSet::of(&["http/1.0", "http/1.1", "h2c"]),
            Some(AlpnSet::PlaintextHttp)
        );
        assert_eq!(
            AlpnSet::of(&["http/1.1", "h2c"]),
            Some(AlpnSet::PlaintextHttp)
        );
        assert_eq!(AlpnSet::of(ALPN_MTLS_TCP), Some(AlpnSet::MtlsTcp));
        assert_eq!(AlpnSet::of(&["h2"]), None);
        assert_eq!("strict".parse::<MtlsMode>(), Ok(MtlsMode::Strict));
    }
}
