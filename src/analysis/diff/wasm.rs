//! Each user Wasm filter's placements before → after, and the chains behind the change.

use std::collections::BTreeMap;

use serde::Serialize;

use super::chain::ChainSummary;
use crate::analysis::wasm::placement::{ProxyKind, count_placements, wasm_chain_sites};
use crate::envoy::{Listener, ListenerState};

/// One chain that carries, or used to carry, a Wasm filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainRef {
    /// Listener name.
    pub listener: String,
    /// Chain name (`-` when empty).
    pub chain: String,
    /// The chain's match; serialised as `pc listener` prints it.
    #[serde(serialize_with = "crate::analysis::listener::cell_text::serialize_match")]
    pub chain_match: crate::analysis::listener::chain_match::ChainMatch,
    /// Whether the chain is removed/added (`removed`, `added`) or only changed (`changed`).
    pub how: &'static str,
}

/// One user Wasm filter: how many chains carry it on each side, and which chains changed.
#[derive(Debug, Clone, Serialize)]
pub struct WasmChange {
    /// The filter name (the ECDS resource name for ECDS filters).
    pub filter: String,
    /// `namespace/name` of the plugin the name decodes to.
    pub plugin: Option<String>,
    /// Placements in BEFORE.
    pub before: usize,
    /// Placements in AFTER.
    pub after: usize,
    /// BEFORE chains that carried it and whose AFTER counterpart does not (or is gone).
    pub lost: Vec<ChainRef>,
    /// AFTER chains that carry it and whose BEFORE counterpart did not (or did not exist).
    pub gained: Vec<ChainRef>,
}

/// Collects the chains behind each Wasm filter's change while pairing runs.
#[derive(Default)]
pub(super) struct WasmTally {
    lost: BTreeMap<String, Vec<ChainRef>>,
    gained: BTreeMap<String, Vec<ChainRef>>,
}

impl WasmTally {
    /// Records filters on `this` side of a chain that the `other` side lacks.
    pub(super) fn record(
        &mut self,
        listener: &str,
        chain: &ChainSummary,
        how: &'static str,
        this: &[String],
        other: &[String],
        before_side: bool,
    ) {
        for f in this.iter().filter(|f| !other.contains(f)) {
            let map = if before_side {
                &mut self.lost
            } else {
                &mut self.gained
            };
            map.entry(f.clone()).or_default().push(ChainRef {
                listener: listener.to_string(),
                chain: chain.name.clone(),
                chain_match: chain.chain_match.clone(),
                how,
            });
        }
    }

    pub(super) fn finish(
        mut self,
        before: &[&Listener<'_>],
        after: &[&Listener<'_>],
    ) -> Vec<WasmChange> {
        let totals = |ls: &[&Listener<'_>]| {
            let refs: Vec<_> = ls.iter().map(|l| (ListenerState::Active, *l)).collect();
            count_placements(&wasm_chain_sites(&refs, ProxyKind::Sidecar))
                .into_iter()
                .filter(|r| !r.builtin)
                .map(|r| (r.filter.clone(), (r.total, r.plugin)))
                .collect::<BTreeMap<_, _>>()
        };
        let (b, a) = (totals(before), totals(after));
        let mut names: Vec<&String> = b.keys().chain(a.keys()).collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let bt = b.get(name);
                let at = a.get(name);
                WasmChange {
                    filter: name.clone(),
                    plugin: bt.or(at).and_then(|(_, p)| p.clone()),
                    before: bt.map_or(0, |(n, _)| *n),
                    after: at.map_or(0, |(n, _)| *n),
                    lost: self.lost.remove(name).unwrap_or_default(),
                    gained: self.gained.remove(name).unwrap_or_default(),
                }
            })
            .collect()
    }
}
