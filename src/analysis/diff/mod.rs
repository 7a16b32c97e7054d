//! The semantic diff of two sets of listeners (`meshscope diff`): chains paired by their
//! filter chain match (plus the chain name when two matches are equal), never by position;
//! the mTLS mode per inbound port on each side; each Wasm filter's placements before → after.
//!
//! Pure: reads decoded listeners, returns a [`DiffReport`]. `-o json` serialises that report
//! as it is, so every field here is part of the documented wire format.
//!
//! # Wire format (`diff -o json`)
//!
//! One object, [`DiffDocument`]: `before` and `after` (input labels), `prediction` (`null`,
//! or a [`PredictionSummary`]: `mode`, `istio` {`version`, `source`, `plaintext_alpn`},
//! `notes`), `listeners` (one [`ListenerDiff`] per listener name: `name`, `presence`,
//! `removed` / `added` ([`ChainSummary`]: `name`, `match_text`, `destination`, `tls`,
//! `filters`, `wasm`, `predicted`), `changed` ([`ChainChange`]: `before`, `after`,
//! `changes`, each a [`Change`] tagged by `field`), `unchanged`, `listener_filters`,
//! `modes` ([`ModeChange`]: `key`, `label`, `before`, `after`, each an [`Inference`]
//! tagged by `status`), `stopped_matching` ([`LostConnection`])), `wasm` (one
//! [`WasmChange`] per user Wasm filter: `filter`, `plugin`, `before`, `after`, `lost`,
//! `gained`) and `equal`. Fields are only ever added.
//!
//! With one dump and `--resources` (no second side), the document is a [`PolicyDocument`]
//! instead: `dump` (the input label) and `policy`, the
//! [`PolicyCheck`](crate::analysis::mtls::policy::PolicyCheck) a two-sided diff carries
//! in its own `policy` field, with one side, named `dump`.

mod chain;
mod config;
mod connections;
mod listener_filters;
mod predicted;
mod wasm;
pub mod what_if;

use std::collections::BTreeMap;

use serde::Serialize;

pub use chain::{
    ChainSummary, Change, MatchKey, TlsSummary, chain_summary, compare_chains, match_key,
};
pub use connections::{LostConnection, lost_connections};

use crate::analysis::diff::what_if::PredictionSummary;
use crate::analysis::mtls::mode::{Inference, ModeKey, infer_modes, is_virtual_inbound};
use crate::analysis::wasm::placement::{ProxyKind, chain_sites};
use crate::envoy::{FilterChain, Listener, ListenerState};
use crate::util::case::to_camel;
pub use wasm::WasmChange;
use wasm::WasmTally;

/// The `-o json` document: both sides' labels, the prediction's assumptions when the AFTER
/// side is predicted (`--what-if`), then the report's fields.
#[derive(Debug, Serialize)]
pub struct DiffDocument<'r> {
    /// BEFORE's input label (path or `-`).
    pub before: &'r str,
    /// AFTER's input label, or `<before> (predicted for MODE)`.
    pub after: &'r str,
    /// Present when AFTER is a prediction.
    pub prediction: Option<&'r PredictionSummary>,
    /// Each side's PeerAuthentication check, when `--resources` or a pod side asked for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<&'r crate::analysis::mtls::policy::PolicyCheck>,
    /// The diff.
    #[serde(flatten)]
    pub report: &'r DiffReport,
}

/// The `-o json` document of `diff DUMP --resources PA…`: one dump checked against its
/// PeerAuthentications, with no second side to compare.
#[derive(Debug, Serialize)]
pub struct PolicyDocument<'r> {
    /// The dump's input label (path, `-` or pod).
    pub dump: &'r str,
    /// Its PeerAuthentication check.
    pub policy: &'r crate::analysis::mtls::policy::PolicyCheck,
}

/// The whole diff: per listener, then per Wasm filter.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    /// Every listener on either side, by name.
    pub listeners: Vec<ListenerDiff>,
    /// Every user Wasm filter on either side: placements before → after.
    pub wasm: Vec<WasmChange>,
    /// True when nothing differs.
    pub equal: bool,
}

/// Where a listener exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    /// On both sides.
    Both,
    /// Only in BEFORE.
    OnlyBefore,
    /// Only in AFTER.
    OnlyAfter,
}

/// One listener's chains, compared.
#[derive(Debug, Clone, Serialize)]
pub struct ListenerDiff {
    /// Listener name.
    pub name: String,
    /// `IP:PORT` of a listener without a name (Istio's static 15090 and 15021 listeners),
    /// which is how it is paired; absent for named listeners.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// On which sides it exists.
    pub presence: Presence,
    /// Chains whose match exists only in BEFORE.
    pub removed: Vec<ChainSummary>,
    /// Chains whose match exists only in AFTER.
    pub added: Vec<ChainSummary>,
    /// Paired chains whose filters, transport socket, destination or name differ.
    pub changed: Vec<ChainChange>,
    /// Number of paired chains that are equal.
    pub unchanged: usize,
    /// Listener filters added, removed or reordered (each written `name` or `name (disabled
    /// on PREDICATE)`); `null` when they are the same or the listener is on one side only.
    pub listener_filters: Option<Change>,
    /// The mTLS mode per inbound port and passthrough set on each side (`virtualInbound` only).
    pub modes: Vec<ModeChange>,
    /// Connections (per port and passthrough set, per kind Istio distinguishes) that a
    /// BEFORE chain takes and no AFTER chain would: Envoy closes them (`virtualInbound` only).
    pub stopped_matching: Vec<LostConnection>,
}

impl ListenerDiff {
    /// True when the listener is the same on both sides.
    pub fn is_equal(&self) -> bool {
        self.presence == Presence::Both
            && self.removed.is_empty()
            && self.added.is_empty()
            && self.changed.is_empty()
            && self.listener_filters.is_none()
    }
}

/// A paired chain that differs.
#[derive(Debug, Clone, Serialize)]
pub struct ChainChange {
    /// The chain in BEFORE.
    pub before: ChainSummary,
    /// The chain in AFTER.
    pub after: ChainSummary,
    /// What differs, in a fixed order: name, transport socket, destination, filters.
    pub changes: Vec<Change>,
}

/// The mode of one port or passthrough set on each side.
#[derive(Debug, Clone, Serialize)]
pub struct ModeChange {
    /// Which port or passthrough set.
    pub key: ModeKey,
    /// `port 80`, `passthrough 0.0.0.0/0`, …
    pub label: String,
    /// What BEFORE's chains imply; `null` when the port has no chains there.
    pub before: Option<Inference>,
    /// What AFTER's chains imply; `null` when the port has no chains there.
    pub after: Option<Inference>,
}

/// How two sides' listeners are paired: by name, and a listener without a name (Envoy
/// allows them; Istio's static 15090 and 15021 listeners have none) by its address, so
/// that two unnamed listeners stay two.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ListenerKey {
    name: String,
    /// `IP:PORT`, for unnamed listeners only.
    address: Option<String>,
}

impl ListenerKey {
    fn of(l: &Listener<'_>) -> Self {
        let address = l.name.is_empty().then(|| match l.socket_address() {
            Some(s) => format!("{}:{}", s.address, s.port_value),
            None => String::new(),
        });
        ListenerKey {
            name: l.name.to_string(),
            address,
        }
    }
}

/// Compares two sides' listeners (active listeners only; paired by [`ListenerKey`]), by
/// chain matches, filter names, TLS termination and destination, and each filter's and
/// transport socket's config. `*_raw` hold each listener's JSON as the dump has it,
/// aligned with the listeners (or empty).
pub fn diff_listeners_with_raw(
    before: &[&Listener<'_>],
    before_raw: &[&str],
    after: &[&Listener<'_>],
    after_raw: &[&str],
) -> DiffReport {
    type Entry<'s, 'a> = (
        Option<(&'s Listener<'a>, Option<&'s str>)>,
        Option<(&'s Listener<'a>, Option<&'s str>)>,
    );
    let mut names: BTreeMap<ListenerKey, Entry<'_, '_>> = BTreeMap::new();
    for (i, l) in before.iter().enumerate() {
        names.entry(ListenerKey::of(l)).or_default().0 = Some((l, before_raw.get(i).copied()));
    }
    for (i, l) in after.iter().enumerate() {
        names.entry(ListenerKey::of(l)).or_default().1 = Some((l, after_raw.get(i).copied()));
    }
    let mut listeners = Vec::new();
    let mut wasm = WasmTally::default();
    for (ListenerKey { name, address }, (b, a)) in names {
        let (b_text, a_text) = (b.and_then(|x| x.1), a.and_then(|x| x.1));
        // A listener whose JSON is the same text on both sides has no changed chain: most
        // listeners when two dumps of one proxy are compared. Its chains' JSON, the costly
        // part, is parsed only for a pair that could differ.
        let same_text = b_text.is_some() && b_text == a_text;
        let b_raw = std::cell::OnceCell::new();
        let a_raw = std::cell::OnceCell::new();
        let b_raw = || b_raw.get_or_init(|| raw_chains(b_text));
        let a_raw = || a_raw.get_or_init(|| raw_chains(a_text));
        let (b, a) = (b.map(|x| x.0), a.map(|x| x.0));
        let presence = match (b, a) {
            (Some(_), Some(_)) => Presence::Both,
            (Some(_), None) => Presence::OnlyBefore,
            _ => Presence::OnlyAfter,
        };
        let b_chains: Vec<&FilterChain<'_>> = b.map(|l| l.chains().collect()).unwrap_or_default();
        let a_chains: Vec<&FilterChain<'_>> = a.map(|l| l.chains().collect()).unwrap_or_default();
        let b_default = b.and_then(|l| l.default_filter_chain.as_ref());
        let a_default = a.and_then(|l| l.default_filter_chain.as_ref());
        let is_default_b = |c: &FilterChain<'_>| b_default.is_some_and(|d| std::ptr::eq(d, c));
        let is_default_a = |c: &FilterChain<'_>| a_default.is_some_and(|d| std::ptr::eq(d, c));
        let b_keys: Vec<MatchKey> = b_chains
            .iter()
            .map(|c| match_key(c, is_default_b(c)))
            .collect();
        let a_keys: Vec<MatchKey> = a_chains
            .iter()
            .map(|c| match_key(c, is_default_a(c)))
            .collect();
        let pairs = pair_chains(&b_chains, &b_keys, &a_chains, &a_keys);
        let b_wasm = b.map(user_wasm_per_chain).unwrap_or_default();
        let a_wasm = a.map(user_wasm_per_chain).unwrap_or_default();
        let modes = mode_changes(b, a);
        let stopped_matching = match (b, a) {
            (Some(b), Some(a)) if is_virtual_inbound(b) => {
                let keys: Vec<ModeKey> = modes.iter().map(|m| m.key.clone()).collect();
                lost_connections(b, a, &keys)
            }
            _ => Vec::new(),
        };
        let listener_filters = match (b, a) {
            (Some(b), Some(a)) => {
                let texts = |l: &Listener<'_>| {
                    l.listener_filters
                        .iter()
                        .map(listener_filters::listener_filter_text)
                        .collect::<Vec<_>>()
                };
                listener_filters::compare_listener_filters(&texts(b), &texts(a))
            }
            _ => None,
        };
        let mut diff = ListenerDiff {
            name: name.clone(),
            address,
            presence,
            listener_filters,
            removed: Vec::new(),
            added: Vec::new(),
            changed: Vec::new(),
            unchanged: 0,
            modes,
            stopped_matching,
        };
        for pair in pairs {
            let empty = Vec::new();
            let bw = pair.0.map_or(&empty, |i| &b_wasm[i]);
            let aw = pair.1.map_or(&empty, |i| &a_wasm[i]);
            match pair {
                (Some(i), Some(j)) if same_text && i == j => diff.unchanged += 1,
                (Some(i), None) => {
                    let s = summary(b_chains[i], &b_wasm[i], b_raw(), i);
                    wasm.record(&name, &s, "removed", bw, aw, true);
                    diff.removed.push(s);
                }
                (None, Some(j)) => {
                    let s = summary(a_chains[j], &a_wasm[j], a_raw(), j);
                    wasm.record(&name, &s, "added", aw, bw, false);
                    diff.added.push(s);
                }
                (Some(i), Some(j)) => {
                    let before = summary(b_chains[i], &b_wasm[i], b_raw(), i);
                    let after = summary(a_chains[j], &a_wasm[j], a_raw(), j);
                    let changes = compare_chains(&before, &after);
                    if changes.is_empty() {
                        diff.unchanged += 1;
                    } else {
                        wasm.record(&name, &before, "changed", bw, aw, true);
                        wasm.record(&name, &after, "changed", aw, bw, false);
                        diff.changed.push(ChainChange {
                            before,
                            after,
                            changes,
                        });
                    }
                }
                (None, None) => {}
            }
        }
        listeners.push(diff);
    }
    let wasm = wasm.finish(before, after);
    let equal = listeners.iter().all(ListenerDiff::is_equal);
    DiffReport {
        listeners,
        wasm,
        equal,
    }
}

/// Each chain's JSON, aligned with `Listener::chains` (filter chains, then the default).
fn raw_chains(raw: Option<&str>) -> Vec<serde_json::Value> {
    let Some(v) = raw.and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok()) else {
        return Vec::new();
    };
    let field = |snake: &str| v.get(snake).or_else(|| v.get(to_camel(snake))).cloned();
    let mut out = match field("filter_chains") {
        Some(serde_json::Value::Array(a)) => a,
        _ => Vec::new(),
    };
    out.extend(field("default_filter_chain"));
    out
}

fn summary(
    chain: &FilterChain<'_>,
    wasm: &[String],
    raw: &[serde_json::Value],
    index: usize,
) -> ChainSummary {
    let s = chain_summary(chain, wasm);
    match raw.get(index) {
        Some(r) => s.with_raw(r),
        None => s,
    }
}

/// Pairs chains by match key; where a key repeats on a side, by key and name. Returns index
/// pairs in BEFORE order, then AFTER-only chains in AFTER order.
fn pair_chains(
    b: &[&FilterChain<'_>],
    b_keys: &[MatchKey],
    a: &[&FilterChain<'_>],
    a_keys: &[MatchKey],
) -> Vec<(Option<usize>, Option<usize>)> {
    let count = |keys: &[MatchKey], k: &MatchKey| keys.iter().filter(|x| *x == k).count();
    let mut taken = vec![false; a.len()];
    let mut out = Vec::new();
    for (i, key) in b_keys.iter().enumerate() {
        let unique = count(b_keys, key) == 1 && count(a_keys, key) == 1;
        let found = (0..a.len())
            .find(|&j| !taken[j] && a_keys[j] == *key && (unique || a[j].name == b[i].name));
        if let Some(j) = found {
            taken[j] = true;
        }
        out.push((Some(i), found));
    }
    out.extend((0..a.len()).filter(|j| !taken[*j]).map(|j| (None, Some(j))));
    out
}

/// User Wasm filters per chain (HTTP and network), aligned with `Listener::chains`.
fn user_wasm_per_chain(l: &Listener<'_>) -> Vec<Vec<String>> {
    chain_sites(&[(ListenerState::Active, l)], ProxyKind::Sidecar)
        .into_iter()
        .map(|site| {
            site.filters
                .into_iter()
                .filter(|f| !f.builtin)
                .map(|f| f.name)
                .collect()
        })
        .collect()
}

fn mode_changes(b: Option<&Listener<'_>>, a: Option<&Listener<'_>>) -> Vec<ModeChange> {
    let modes = |l: Option<&Listener<'_>>| {
        l.filter(|l| is_virtual_inbound(l))
            .map(infer_modes)
            .unwrap_or_default()
    };
    let mut map: BTreeMap<ModeKey, (Option<Inference>, Option<Inference>)> = BTreeMap::new();
    for pm in modes(b) {
        map.entry(pm.key).or_default().0 = Some(pm.inference);
    }
    for pm in modes(a) {
        map.entry(pm.key).or_default().1 = Some(pm.inference);
    }
    map.into_iter()
        .map(|(key, (before, after))| ModeChange {
            label: key.label(),
            key,
            before,
            after,
        })
        .collect()
}

#[cfg(test)]
mod tests;
