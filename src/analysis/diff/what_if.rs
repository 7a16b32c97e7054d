//! `diff --what-if MODE`: predicts what `virtualInbound` would hold under another
//! PeerAuthentication mode, by rebuilding each port's and passthrough set's chains with
//! Istio's templates (DOMAIN.md §5.3–5.5), version-aware (§5.8).
//!
//! Pure: reads the listener's JSON and its decoded view, returns the predicted listener as
//! JSON plus what was assumed. A chain whose template already exists in the port is kept
//! verbatim; every other chain is assembled from the port's own chains (filters of a chain
//! with the same terminal, an Istio mTLS context from the listener) or, failing that,
//! synthesised, and marked as predicted in its `metadata.filter_metadata.meshscope`. The
//! TLS and HTTP inspectors are then worked out from the final chains (`inspectors`).

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::analysis::diff::predicted::PREDICTED_METADATA;
use crate::analysis::listener::cell_text::match_text;
use crate::analysis::listener::chain_match::ChainMatch;
use crate::analysis::listener::destination::{Destination, chain_destination};
use crate::analysis::mtls::inbound_template::{
    ALPN_PLAINTEXT_HTTP, ALPN_PLAINTEXT_HTTP_1_12, AlpnSet, ChainTemplate, MtlsMode, Terminal,
    chain_templates, classify_chain,
};
use crate::analysis::mtls::mode::{Inference, infer_modes};
use crate::envoy::{FilterChain, Listener};
use crate::istio::passthrough::InboundPassthrough;

mod inspectors;
mod keys;
mod swap;

pub use swap::swap_inbound;

use inspectors::{InspectorRules, predict_inspectors};
use keys::Keys;

/// Why a prediction could not be built.
#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    /// The listener JSON could not be read or the predicted chains not written back.
    #[error("listener JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// The Istio version the prediction follows, and how it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionGuess {
    /// `1.12.9`, or a range such as `1.12-1.13` when inferred.
    pub version: String,
    /// Where it comes from: the bootstrap's `ISTIO_VERSION`, or the dump's markers.
    pub source: String,
    /// The plaintext HTTP ALPN list predicted chains match.
    pub plaintext_alpn: Vec<String>,
}

/// What the prediction assumed and did, besides the predicted listener.
#[derive(Debug, Clone, Serialize)]
pub struct PredictionSummary {
    /// The mode predicted for.
    pub mode: MtlsMode,
    /// The Istio version followed.
    pub istio: VersionGuess,
    /// One line per port or passthrough set: rebuilt, or kept and why.
    pub notes: Vec<String>,
}

/// A predicted listener (JSON text, to be decoded like a dump's) and its summary.
#[derive(Debug, Clone)]
pub struct Prediction {
    /// The predicted `virtualInbound` listener object.
    pub listener_json: String,
    /// What was assumed.
    pub summary: PredictionSummary,
}

/// Works out the version from the bootstrap's `ISTIO_VERSION`, else from the listener's
/// markers (DOMAIN.md §5.8): ALPN `http/1.0` in a plaintext list, per-family passthrough.
pub fn detect_version(istio_version: Option<&str>, inbound: &Listener<'_>) -> VersionGuess {
    let uses_http10 = inbound.filter_chains.iter().any(|c| {
        c.filter_chain_match
            .as_ref()
            .is_some_and(|m| m.application_protocols.iter().any(|a| a == "http/1.0"))
    });
    let per_family = inbound.filter_chains.iter().any(|c| {
        matches!(chain_destination(c), Destination::Cluster(name)
            if InboundPassthrough::of_cluster(&name) == Some(InboundPassthrough::PerFamily))
    });
    // 1.12-1.13 write the IPv6 passthrough prefix as `::0` (DOMAIN.md §5.5).
    let old_v6_prefix = inbound.filter_chains.iter().any(|c| {
        c.filter_chain_match
            .as_ref()
            .is_some_and(|m| m.prefix_ranges.iter().any(|r| r.address_prefix == "::0"))
    });
    let (version, source, old_alpn) = match istio_version.filter(|v| !v.is_empty()) {
        Some(v) => {
            let minor = crate::istio::version::parse(v)
                .filter(|v| v.is_release_or_build())
                .map(|v| v.minor);
            let old = uses_http10 || minor.is_some_and(|m| m <= 12);
            (v.to_string(), "bootstrap ISTIO_VERSION".to_string(), old)
        }
        None if uses_http10 => (
            "1.12".to_string(),
            "inferred: plaintext ALPN includes http/1.0".to_string(),
            true,
        ),
        None if old_v6_prefix => (
            "1.12-1.13".to_string(),
            "inferred: IPv6 passthrough prefix ::0/0; 1.12's plaintext ALPN assumed".to_string(),
            true,
        ),
        None if per_family => (
            "1.13-1.22".to_string(),
            "inferred: per-family passthrough clusters InboundPassthroughClusterIpv4/Ipv6"
                .to_string(),
            false,
        ),
        None => (
            "1.23+".to_string(),
            "inferred: one passthrough set (no per-family clusters)".to_string(),
            false,
        ),
    };
    let alpn = if old_alpn {
        ALPN_PLAINTEXT_HTTP_1_12
    } else {
        ALPN_PLAINTEXT_HTTP
    };
    VersionGuess {
        version,
        source,
        plaintext_alpn: alpn.iter().map(|s| s.to_string()).collect(),
    }
}

/// Rebuilds the listener's chains for `mode`. `raw` is the listener object as the dump
/// holds it; `listener` its decoded view.
pub fn predict(
    raw: &str,
    listener: &Listener<'_>,
    mode: MtlsMode,
    istio: VersionGuess,
) -> Result<Prediction, WhatIfError> {
    let mut value: Value = serde_json::from_str(raw)?;
    let camel = value.get("filterChains").is_some();
    let chains_key = if camel {
        "filterChains"
    } else {
        "filter_chains"
    };
    let old_chains: Vec<Value> = value
        .get(chains_key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let plaintext: Vec<&str> = istio.plaintext_alpn.iter().map(String::as_str).collect();
    let keys = Keys { camel };
    let mut notes = Vec::new();
    // Per chain index: None = keep, Some(v) = the group's new chains (at its first index).
    let mut replacement: Vec<Option<Vec<Value>>> = vec![None; old_chains.len()];
    let mut dropped = vec![false; old_chains.len()];
    for pm in infer_modes(listener) {
        let label = pm.key.label();
        let protocol = match &pm.inference {
            Inference::Known { protocol, .. } => *protocol,
            Inference::Unknown { reason } => {
                notes.push(format!("{label}: kept as is (mode unknown: {reason})"));
                continue;
            }
        };
        let members: Vec<(usize, &FilterChain<'_>, Option<ChainTemplate>)> = pm
            .chains
            .iter()
            .map(|&i| {
                let c = &listener.filter_chains[i];
                (i, c, classify_chain(c).ok())
            })
            .collect();
        let mut rebuilt = Vec::new();
        let mut predicted = 0;
        for t in chain_templates(mode, protocol) {
            if let Some((i, _, _)) = members.iter().find(|(_, _, have)| *have == Some(t)) {
                rebuilt.push(old_chains[*i].clone());
                continue;
            }
            let donor = members
                .iter()
                .filter(|(_, _, have)| have.is_some_and(|h| h.terminal == t.terminal))
                // The first chain with the same transport and ALPN, else the same TLS.
                .rev()
                .max_by_key(|(_, _, have)| {
                    have.map(|h| {
                        (
                            h.transport == t.transport && h.alpn == t.alpn,
                            h.mtls == t.mtls,
                        )
                    })
                });
            let Some((d, donor_chain, _)) = donor else {
                notes.push(format!(
                    "{label}: no {} chain to take filters from; {t} left out",
                    t.terminal.as_str()
                ));
                continue;
            };
            let mut marks = vec![format!(
                "filters: copied from chain {} ({})",
                donor_chain.name,
                match_text(&ChainMatch::of(donor_chain.filter_chain_match.as_ref()))
            )];
            let socket = if t.mtls {
                let (socket, mark) =
                    mtls_socket(listener, &old_chains, &keys, t.terminal, &pm.chains);
                marks.push(mark);
                Some(socket)
            } else {
                None
            };
            let base = &old_chains[*d];
            rebuilt.push(assemble(base, &keys, t, &plaintext, socket, marks));
            predicted += 1;
        }
        notes.push(format!(
            "{label}: {} → {mode} ({}), {} chain(s), {predicted} predicted",
            pm.inference.mode_text(),
            protocol.as_str(),
            rebuilt.len(),
        ));
        if let Some(first) = pm.chains.first() {
            replacement[*first] = Some(rebuilt);
        }
        for i in pm.chains.iter().skip(1) {
            dropped[*i] = true;
        }
    }
    let mut new_chains = Vec::new();
    for (i, old) in old_chains.into_iter().enumerate() {
        match replacement[i].take() {
            Some(group) => new_chains.extend(group),
            None if !dropped[i] => new_chains.push(old),
            None => {}
        }
    }
    // The inspectors follow from the final chains (DOMAIN.md §5.6).
    let chains_text = serde_json::to_string(&new_chains)?;
    let view = Listener {
        filter_chains: serde_json::from_str(&chains_text)?,
        ..Listener::default()
    };
    let filters_key = &keys.name("listener_filters");
    let old_filters: Vec<Value> = value
        .get(filters_key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let rules = if istio.version.starts_with("1.12") {
        InspectorRules::Istio1_12
    } else {
        InspectorRules::Head
    };
    let (listener_filters, note) = predict_inspectors(&old_filters, &view, &keys, rules);
    notes.push(note);
    if let Some(obj) = value.as_object_mut() {
        obj.insert(chains_key.to_string(), Value::Array(new_chains));
        obj.insert(filters_key.to_string(), Value::Array(listener_filters));
    }
    Ok(Prediction {
        listener_json: serde_json::to_string(&value)?,
        summary: PredictionSummary { mode, istio, notes },
    })
}

/// A new chain: the donor's match with the template's transport and ALPN, the donor's name
/// and filters, the given socket, and the predicted marks.
fn assemble(
    donor: &Value,
    keys: &Keys,
    t: ChainTemplate,
    plaintext: &[&str],
    socket: Option<Value>,
    marks: Vec<String>,
) -> Value {
    let fcm_key = &keys.name("filter_chain_match");
    let transport_key = &keys.name("transport_protocol");
    let alpn_key = &keys.name("application_protocols");
    let socket_key = &keys.name("transport_socket");
    let mut fcm = donor
        .get(fcm_key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    fcm.remove(alpn_key);
    fcm.insert(transport_key.to_string(), json!(t.transport.as_str()));
    let alpn: Vec<&str> = match t.alpn {
        AlpnSet::PlaintextHttp => plaintext.to_vec(),
        other => other.values(ALPN_PLAINTEXT_HTTP).to_vec(),
    };
    if !alpn.is_empty() {
        fcm.insert(alpn_key.to_string(), json!(alpn));
    }
    let mut chain = Map::new();
    chain.insert(fcm_key.to_string(), Value::Object(fcm));
    if let Some(filters) = donor.get("filters") {
        chain.insert("filters".to_string(), filters.clone());
    }
    if let Some(socket) = socket {
        chain.insert(socket_key.to_string(), socket);
    }
    if let Some(name) = donor.get("name") {
        chain.insert("name".to_string(), name.clone());
    }
    chain.insert(
        "metadata".to_string(),
        json!({ keys.name("filter_metadata"): { PREDICTED_METADATA: { "predicted": marks } } }),
    );
    Value::Object(chain)
}

/// An Istio mTLS socket for a chain ending in `terminal`: copied from a chain of the
/// listener that has one (same group, then same terminal preferred), else synthesised
/// (DOMAIN.md §5.3).
fn mtls_socket(
    listener: &Listener<'_>,
    raw_chains: &[Value],
    keys: &Keys,
    terminal: Terminal,
    group: &[usize],
) -> (Value, String) {
    let socket_key = &keys.name("transport_socket");
    let candidates = listener
        .filter_chains
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let t = classify_chain(c).ok()?;
            t.mtls
                .then_some((i, c, (group.contains(&i), t.terminal == terminal)))
        });
    // The first of the best: same port or passthrough set, then same terminal.
    if let Some((i, c, _)) = candidates.rev().max_by_key(|(_, _, rank)| *rank)
        && let Some(socket) = raw_chains.get(i).and_then(|v| v.get(socket_key))
    {
        let mark = format!(
            "transport_socket: Istio mTLS context copied from chain {} ({})",
            c.name,
            match_text(&ChainMatch::of(c.filter_chain_match.as_ref()))
        );
        return (socket.clone(), mark);
    }
    let alpn: &[&str] = match terminal {
        Terminal::Hcm => &["h2", "http/1.1"],
        Terminal::TcpProxy => &["istio-peer-exchange", "h2", "http/1.1"],
    };
    let socket = json!({
        "name": "envoy.transport_sockets.tls",
        keys.name("typed_config"): {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
            keys.name("common_tls_context"): {
                keys.name("alpn_protocols"): alpn,
                keys.name("tls_certificate_sds_secret_configs"): [{"name": "default"}],
                keys.name("combined_validation_context"): {
                    keys.name("validation_context_sds_secret_config"): {"name": "ROOTCA"}
                }
            },
            keys.name("require_client_certificate"): true
        }
    });
    (
        socket,
        "transport_socket: synthesised Istio mTLS context (SDS default/ROOTCA)".to_string(),
    )
}

#[cfg(test)]
mod tests;
