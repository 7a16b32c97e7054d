//! Where every Wasm filter sits on one proxy: per listener, filter chain, transport protocol
//! and direction, and its position among Istio's own filters (DOMAIN.md §5.7, §6.2–6.3).
//!
//! Pure: reads decoded listeners, returns sites (one per filter chain, for the intent check)
//! and a placement map (one entry per Wasm filter). Istio's built-ins are kept apart.

mod count;
mod reduced;
mod site;

pub use count::{WasmFilterReport, count_placements, decode_plugin};
pub use reduced::{ListenerChains, load_reduced, reduced_sites};
pub use site::{ChainSite, Direction, FilterLevel, ProxyKind, classify_network};

use crate::envoy::{Listener, ListenerState};

/// Builds one site per chain of every listener, in dump order.
pub fn chain_sites(
    listeners: &[(ListenerState, &Listener<'_>)],
    proxy: ProxyKind,
) -> Vec<ChainSite> {
    sites(listeners, proxy, false)
}

/// [`chain_sites`] without the chains that carry no Wasm filter: all that counting
/// placements needs (checking intent needs every chain, to tell where a plugin is missing).
/// Most chains of a big dump carry none.
pub fn wasm_chain_sites(
    listeners: &[(ListenerState, &Listener<'_>)],
    proxy: ProxyKind,
) -> Vec<ChainSite> {
    sites(listeners, proxy, true)
}

fn sites(
    listeners: &[(ListenerState, &Listener<'_>)],
    proxy: ProxyKind,
    wasm_only: bool,
) -> Vec<ChainSite> {
    let reduced = listeners
        .iter()
        .map(|(state, l)| (*state, ListenerChains::from(*l)))
        .collect();
    reduced_sites(reduced, proxy, wasm_only)
}

#[cfg(test)]
mod tests;
