//! One chain as the diff sees it (match, TLS termination, destination, filters), and what
//! differs between two paired chains.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::config::{json_changes, normalized};

use crate::analysis::listener::cell_text::{serialize_destination, serialize_match};
use crate::analysis::listener::chain_match::ChainMatch;
use crate::analysis::listener::destination::{Destination, chain_destination};
use crate::envoy::{FilterChain, NetworkFilterConfig};

/// What a chain's transport socket does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TlsSummary {
    /// No TLS termination (plaintext, or TLS passed through untouched).
    None,
    /// The chain terminates TLS.
    Tls {
        /// Istio's mutual TLS (client certificate required, SDS `default` / `ROOTCA`).
        istio_mtls: bool,
        /// ALPN offered in the handshake.
        alpn: Vec<String>,
    },
    /// Another transport socket, by name.
    Other {
        /// The socket name.
        name: String,
    },
}

/// One chain, reduced to what the diff compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainSummary {
    /// Chain name (`-` when empty).
    pub name: String,
    /// The chain's match; serialised as `match_text`, as `pc listener` prints it.
    #[serde(rename = "match_text", serialize_with = "serialize_match")]
    pub chain_match: ChainMatch,
    /// DESTINATION; serialised as `pc listener` prints it.
    #[serde(serialize_with = "serialize_destination")]
    pub destination: Destination,
    /// TLS termination.
    pub tls: TlsSummary,
    /// Network filter names in order; an HCM's HTTP filters follow it as `http:<name>`.
    pub filters: Vec<String>,
    /// User Wasm filters, in order.
    pub wasm: Vec<String>,
    /// Parts of this chain a what-if prediction synthesised (empty for real chains).
    pub predicted: Vec<String>,
    /// Each network filter's JSON (keys in snake_case), when the raw chain was given.
    #[serde(skip)]
    pub raw_filters: Vec<(String, Value)>,
    /// The transport socket's JSON (keys in snake_case), when the raw chain was given.
    #[serde(skip)]
    pub raw_socket: Option<Value>,
}

impl ChainSummary {
    /// Adds the chain's JSON (as the dump holds it), so configs are compared too.
    pub fn with_raw(mut self, raw: &Value) -> Self {
        let raw = normalized(raw);
        self.raw_filters = raw
            .get("filters")
            .and_then(Value::as_array)
            .map(|fs| {
                fs.iter()
                    .map(|f| {
                        let name = f.get("name").and_then(Value::as_str).unwrap_or_default();
                        (name.to_string(), f.clone())
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.raw_socket = raw.get("transport_socket").cloned();
        self
    }
}

/// One difference between paired chains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum Change {
    /// The chain was renamed.
    Name {
        /// BEFORE's name.
        before: String,
        /// AFTER's name.
        after: String,
    },
    /// TLS termination differs.
    TransportSocket {
        /// BEFORE's socket.
        before: TlsSummary,
        /// AFTER's socket.
        after: TlsSummary,
    },
    /// DESTINATION differs.
    Destination {
        /// BEFORE's destination.
        #[serde(serialize_with = "serialize_destination")]
        before: Destination,
        /// AFTER's destination.
        #[serde(serialize_with = "serialize_destination")]
        after: Destination,
    },
    /// Same filter (or transport socket), different config.
    Config {
        /// The filter name, or `transport_socket`.
        part: String,
        /// `path: before → after`, at most 8 (then `…`).
        changes: Vec<String>,
    },
    /// The filter lists differ.
    Filters {
        /// In AFTER only.
        added: Vec<String>,
        /// In BEFORE only.
        removed: Vec<String>,
        /// The filters on both sides run in a different order.
        reordered: bool,
    },
}

/// What pairs chains across the two sides: the default chain, or every `filter_chain_match`
/// field (an absent match is the empty one).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKey {
    /// The listener's `default_filter_chain`.
    DefaultChain,
    /// A chain of `filter_chains`, by its match.
    Match(ChainMatch),
}

/// The pairing key of a chain.
pub fn match_key(chain: &FilterChain<'_>, is_default: bool) -> MatchKey {
    if is_default {
        return MatchKey::DefaultChain;
    }
    MatchKey::Match(ChainMatch::of(chain.filter_chain_match.as_ref()))
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default, alias = "filterMetadata")]
    filter_metadata: Option<FilterMetadata>,
}

#[derive(Deserialize)]
struct FilterMetadata {
    #[serde(default, rename = "meshscope")]
    meshscope: Option<Marks>,
}

#[derive(Deserialize)]
struct Marks {
    #[serde(default)]
    predicted: Vec<String>,
}

fn predicted_marks(chain: &FilterChain<'_>) -> Vec<String> {
    chain
        .metadata
        .and_then(|raw| serde_json::from_str::<Metadata>(raw.get()).ok())
        .and_then(|m| m.filter_metadata?.meshscope)
        .map(|m| m.predicted)
        .unwrap_or_default()
}

/// Summarises a chain; `wasm` is its user Wasm filters (from the placement map).
pub fn chain_summary(chain: &FilterChain<'_>, wasm: &[String]) -> ChainSummary {
    let tls = match &chain.transport_socket {
        None => TlsSummary::None,
        Some(ts) if ts.is_tls() => match ts.downstream_tls() {
            Some(t) => TlsSummary::Tls {
                istio_mtls: t.is_istio_mtls(),
                alpn: t.alpn_protocols,
            },
            None => TlsSummary::Tls {
                istio_mtls: false,
                alpn: Vec::new(),
            },
        },
        Some(ts) if ts.name == "envoy.transport_sockets.raw_buffer" => TlsSummary::None,
        Some(ts) => TlsSummary::Other {
            name: ts.name.to_string(),
        },
    };
    let mut filters = Vec::new();
    for f in &chain.filters {
        filters.push(f.name.to_string());
        if let NetworkFilterConfig::HttpConnectionManager(hcm) = &f.config {
            filters.extend(hcm.http_filters.iter().map(|h| format!("http:{}", h.name)));
        }
    }
    ChainSummary {
        name: if chain.name.is_empty() {
            "-".to_string()
        } else {
            chain.name.to_string()
        },
        chain_match: ChainMatch::of(chain.filter_chain_match.as_ref()),
        destination: chain_destination(chain),
        tls,
        filters,
        wasm: wasm.to_vec(),
        predicted: predicted_marks(chain),
        raw_filters: Vec::new(),
        raw_socket: None,
    }
}

/// What differs between two paired chains; empty when they are equal. Configs are compared
/// only when both summaries carry their raw chain ([`ChainSummary::with_raw`]).
pub fn compare_chains(before: &ChainSummary, after: &ChainSummary) -> Vec<Change> {
    let mut out = Vec::new();
    if before.name != after.name {
        out.push(Change::Name {
            before: before.name.clone(),
            after: after.name.clone(),
        });
    }
    if before.tls != after.tls {
        out.push(Change::TransportSocket {
            before: before.tls.clone(),
            after: after.tls.clone(),
        });
    }
    if before.destination != after.destination {
        out.push(Change::Destination {
            before: before.destination.clone(),
            after: after.destination.clone(),
        });
    }
    if before.filters != after.filters {
        out.push(filters_change(&before.filters, &after.filters));
    }
    let once = |list: &[(String, Value)], name: &str| {
        let mut it = list.iter().filter(|(n, _)| n == name);
        match (it.next(), it.next()) {
            (Some((_, v)), None) => Some(v.clone()),
            _ => None,
        }
    };
    for (name, _) in &before.raw_filters {
        let (Some(b), Some(a)) = (
            once(&before.raw_filters, name),
            once(&after.raw_filters, name),
        ) else {
            continue;
        };
        if a != b {
            out.push(Change::Config {
                part: name.clone(),
                changes: json_changes(&b, &a),
            });
        }
    }
    if before.tls == after.tls
        && !before.raw_filters.is_empty()
        && !after.raw_filters.is_empty()
        && before.raw_socket != after.raw_socket
    {
        let none = Value::Null;
        out.push(Change::Config {
            part: "transport_socket".to_string(),
            changes: json_changes(
                before.raw_socket.as_ref().unwrap_or(&none),
                after.raw_socket.as_ref().unwrap_or(&none),
            ),
        });
    }
    out
}

/// Added, removed and reordered entries between two filter lists.
pub fn filters_change(before: &[String], after: &[String]) -> Change {
    let removed = missing(before, after);
    let added = missing(after, before);
    let common_b: Vec<&String> = before.iter().filter(|f| !removed.contains(f)).collect();
    let common_a: Vec<&String> = after.iter().filter(|f| !added.contains(f)).collect();
    Change::Filters {
        reordered: common_b != common_a,
        added,
        removed,
    }
}

/// The entries of `a` that `b` lacks, as a multiset difference, in `a`'s order.
fn missing(a: &[String], b: &[String]) -> Vec<String> {
    let mut pool: Vec<&String> = b.iter().collect();
    let mut out = Vec::new();
    for x in a {
        match pool.iter().position(|y| *y == x) {
            Some(i) => {
                pool.remove(i);
            }
            None => out.push(x.clone()),
        }
    }
    out
}
