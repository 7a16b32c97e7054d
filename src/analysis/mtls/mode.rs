//! The mTLS mode a `virtualInbound` listener's chains imply, per inbound port and per
//! passthrough set (DOMAIN.md §5.4, §5.5, §7 "Inferring the mode from a dump").
//!
//! Pure: groups the chains (service chains by `destination_port`, passthrough chains by port
//! and IP family), then finds the mode × protocol template of §5.4 the group fits exactly.
//! A group that fits none is "unknown", with the reason.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::mtls::inbound_template::{
    ChainTemplate, MtlsMode, PortProtocol, Transport, chain_templates, classify_chain,
};
use crate::envoy::{FilterChain, Listener, NetworkFilterConfig};

/// Name of Istio's inbound listener.
pub const VIRTUAL_INBOUND: &str = "virtualInbound";

/// Whether a group holds a Service's chains or passthrough chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupKind {
    /// Traffic to ports no Service declares (chains named `virtualInbound*`).
    Passthrough,
    /// A Service's target port (chains named `0.0.0.0_<port>`).
    Service,
}

/// Which chains one mode applies to: a port, or a passthrough set.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ModeKey {
    /// Passthrough or service chains.
    pub kind: GroupKind,
    /// `destination_port`; `None` for the portless passthrough set.
    pub port: Option<u32>,
    /// The passthrough set's IP family prefix (`0.0.0.0/0`, `::0/0`) on ≤1.22 dumps.
    pub family: Option<String>,
}

impl ModeKey {
    /// `port 80`, `passthrough 0.0.0.0/0`, `passthrough :9090`.
    pub fn label(&self) -> String {
        let mut s = match (self.kind, self.port) {
            (GroupKind::Service, Some(p)) => format!("port {p}"),
            (GroupKind::Service, None) => "port -".to_string(),
            (GroupKind::Passthrough, Some(p)) => format!("passthrough :{p}"),
            (GroupKind::Passthrough, None) => "passthrough".to_string(),
        };
        if let Some(f) = &self.family {
            s.push(' ');
            s.push_str(f);
        }
        s
    }
}

/// What a group's chains imply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Inference {
    /// The chains are exactly one §5.4 template.
    Known {
        /// The mTLS mode.
        mode: MtlsMode,
        /// The port protocol kind.
        protocol: PortProtocol,
    },
    /// The chains fit no template.
    Unknown {
        /// Why, in one sentence.
        reason: String,
    },
}

/// The mode a group's chains imply, without the reason when none fits: what MODE and
/// MTLS cells show. Serialises as its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InferredMode {
    /// The chains are one of Istio's templates for this mode.
    Known(MtlsMode),
    /// The chains fit no template.
    Unknown,
}

impl InferredMode {
    /// `STRICT`, `PERMISSIVE`, `DISABLE` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            InferredMode::Known(mode) => mode.as_str(),
            InferredMode::Unknown => "unknown",
        }
    }
}

impl Serialize for InferredMode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Inference {
    /// `STRICT`, `PERMISSIVE`, `DISABLE` or `unknown`.
    pub fn mode_text(&self) -> &'static str {
        self.inferred_mode().as_str()
    }

    /// The mode, or that none fits.
    pub fn inferred_mode(&self) -> InferredMode {
        self.mode()
            .map_or(InferredMode::Unknown, InferredMode::Known)
    }

    /// The mode, when known.
    pub fn mode(&self) -> Option<MtlsMode> {
        match self {
            Inference::Known { mode, .. } => Some(*mode),
            Inference::Unknown { .. } => None,
        }
    }
}

/// The mode of one port or passthrough set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortMode {
    /// Which chains.
    pub key: ModeKey,
    /// Indices of those chains in `filter_chains`, in dump order.
    pub chains: Vec<usize>,
    /// What they imply.
    pub inference: Inference,
}

/// True for Istio's inbound listener.
pub fn is_virtual_inbound(l: &Listener<'_>) -> bool {
    l.name == VIRTUAL_INBOUND
}

/// True for `virtualInbound-blackhole` (it belongs to no port's mode).
pub fn is_blackhole(chain: &FilterChain<'_>) -> bool {
    chain.filters.iter().any(|f| match &f.config {
        NetworkFilterConfig::TcpProxy(t) => t.is_blackhole,
        _ => false,
    })
}

/// The group a chain of `virtualInbound` belongs to; `None` for the blackhole.
pub fn mode_key(chain: &FilterChain<'_>) -> Option<ModeKey> {
    if is_blackhole(chain) {
        return None;
    }
    let m = chain.filter_chain_match.clone().unwrap_or_default();
    let kind = if chain.name.starts_with(VIRTUAL_INBOUND) {
        GroupKind::Passthrough
    } else {
        GroupKind::Service
    };
    let family = (!m.prefix_ranges.is_empty()).then(|| {
        m.prefix_ranges
            .iter()
            .map(|r| format!("{}/{}", r.address_prefix, r.prefix_len()))
            .collect::<Vec<_>>()
            .join(",")
    });
    Some(ModeKey {
        kind,
        port: m.destination_port,
        family,
    })
}

/// Infers the mode of every port and passthrough set of an inbound listener, ordered by
/// key (passthrough first, then service ports ascending).
pub fn infer_modes(l: &Listener<'_>) -> Vec<PortMode> {
    let mut groups: BTreeMap<ModeKey, Vec<usize>> = BTreeMap::new();
    for (i, c) in l.filter_chains.iter().enumerate() {
        if let Some(key) = mode_key(c) {
            groups.entry(key).or_default().push(i);
        }
    }
    groups
        .into_iter()
        .map(|(key, chains)| {
            let members: Vec<&FilterChain<'_>> =
                chains.iter().map(|i| &l.filter_chains[*i]).collect();
            PortMode {
                inference: infer_group(&members),
                key,
                chains,
            }
        })
        .collect()
}

/// The mode one group of chains implies (DOMAIN.md §7).
pub fn infer_group(chains: &[&FilterChain<'_>]) -> Inference {
    let mut found = Vec::with_capacity(chains.len());
    for c in chains {
        match classify_chain(c) {
            Ok(t) => found.push(t),
            Err(reason) => return Inference::Unknown { reason },
        }
    }
    found.sort();
    for protocol in PortProtocol::ALL {
        for mode in MtlsMode::ALL {
            let mut want = chain_templates(mode, protocol);
            want.sort();
            if want == found {
                return Inference::Known { mode, protocol };
            }
        }
    }
    Inference::Unknown {
        reason: unknown_reason(&found),
    }
}

fn unknown_reason(found: &[ChainTemplate]) -> String {
    let all_mtls = found
        .iter()
        .all(|t| t.transport == Transport::Tls && t.mtls);
    let all_plain = found
        .iter()
        .all(|t| t.transport == Transport::RawBuffer && !t.mtls);
    let mixed =
        found.iter().any(|t| t.transport == Transport::RawBuffer) && found.iter().any(|t| t.mtls);
    let looks = if all_mtls {
        " (every chain is mTLS, as STRICT)"
    } else if all_plain {
        " (every chain is plaintext, as DISABLE)"
    } else if mixed {
        " (plaintext and mTLS chains, as PERMISSIVE)"
    } else {
        ""
    };
    let list: Vec<String> = found.iter().map(ToString::to_string).collect();
    format!(
        "{} chain(s) [{}] fit no mode × protocol signature{looks}",
        found.len(),
        list.join("; ")
    )
}

/// The mode each `virtualInbound` chain belongs to, by chain index (`None`: blackhole).
pub fn chain_modes(l: &Listener<'_>) -> Vec<Option<Inference>> {
    let mut out = vec![None; l.filter_chains.len()];
    for pm in infer_modes(l) {
        for i in &pm.chains {
            if let Some(slot) = out.get_mut(*i) {
                *slot = Some(pm.inference.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
