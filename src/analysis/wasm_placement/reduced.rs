//! Listeners reduced, while the dump is read, to what placing Wasm filters needs.
//!
//! `wasm count` reads every listener of a dump. Held decoded all at once, a 300 MB dump's
//! listeners took 180 MB of small allocations that were faulted in, then freed one by one
//! at exit. Decoded into [`ListenerChains`] inside the loader's one pass instead, each
//! listener keeps only its chains' matches and Wasm filters, and the rest of it is freed
//! while it is still in the cache.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer};

use super::{ChainSite, Site, SiteFilter, chain_filters, direction_of, site_of};
use crate::analysis::wasm_placement::ProxyKind;
use crate::envoy::dump::ListenerBody;
use crate::envoy::proto::Str;
use crate::envoy::{FilterChainMatch, Listener, ListenerState, TrafficDirection};

/// A listener with only what [`reduced_sites`] reads: its name, direction, port, and for
/// each chain (filter chains, then the default chain) its name, match and Wasm filters.
#[derive(Debug)]
pub struct ListenerChains<'a> {
    name: Str<'a>,
    traffic_direction: TrafficDirection,
    listener_port: u32,
    chains: Vec<ChainFilters<'a>>,
}

#[derive(Debug)]
struct ChainFilters<'a> {
    name: Str<'a>,
    filter_chain_match: Option<FilterChainMatch<'a>>,
    filters: Vec<SiteFilter>,
    has_hcm: bool,
    is_blackhole: bool,
}

impl<'a> From<Listener<'a>> for ListenerChains<'a> {
    fn from(l: Listener<'a>) -> Self {
        let listener_port = l.socket_address().map_or(0, |s| s.port_value);
        let chains = l
            .filter_chains
            .into_iter()
            .chain(l.default_filter_chain)
            .map(|c| {
                let (filters, has_hcm, is_blackhole) = chain_filters(&c);
                ChainFilters {
                    name: c.name,
                    filter_chain_match: c.filter_chain_match,
                    filters,
                    has_hcm,
                    is_blackhole,
                }
            })
            .collect();
        ListenerChains {
            name: l.name,
            traffic_direction: l.traffic_direction,
            listener_port,
            chains,
        }
    }
}

impl<'de> Deserialize<'de> for ListenerChains<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Listener::deserialize(d).map(ListenerChains::from)
    }
}

impl<'de> ListenerBody<'de> for ListenerChains<'de> {
    fn landmark(&self) -> Option<&str> {
        match &self.name {
            Cow::Borrowed(name) => Some(name),
            Cow::Owned(_) => None,
        }
    }
    fn is_object(&self) -> bool {
        true
    }
}

/// The sites of reduced listeners, in dump order: as [`super::chain_sites`] builds them from
/// the same listeners, or, with `wasm_only`, as [`super::wasm_chain_sites`] does.
pub fn reduced_sites(
    listeners: Vec<(ListenerState, ListenerChains<'_>)>,
    proxy: ProxyKind,
    wasm_only: bool,
) -> Vec<ChainSite> {
    let mut sites = Vec::new();
    for (state, l) in listeners {
        let direction = direction_of(proxy, l.traffic_direction);
        for c in l.chains {
            if wasm_only && c.filters.is_empty() {
                continue;
            }
            let site = Site {
                state,
                direction,
                listener_port: l.listener_port,
                filters: c.filters,
                has_hcm: c.has_hcm,
                is_blackhole: c.is_blackhole,
            };
            sites.push(site_of(
                &l.name,
                &c.name,
                c.filter_chain_match.as_ref(),
                site,
            ));
        }
    }
    sites
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::wasm_placement::chain_sites;

    /// The reduced listeners give the same sites as the decoded ones.
    #[test]
    fn same_sites_as_decoded_listeners() {
        for name in ["wasm-verdicts.json", "istio-current-permissive.json"] {
            let listeners = crate::analysis::test_support::listeners(name);
            let refs: Vec<_> = listeners
                .iter()
                .map(|l| (ListenerState::Active, l))
                .collect();
            for kind in [ProxyKind::Sidecar, ProxyKind::Gateway] {
                let want = chain_sites(&refs, kind);
                let reduced = listeners
                    .iter()
                    .map(|l| (ListenerState::Active, ListenerChains::from(l.clone())))
                    .collect();
                let got = reduced_sites(reduced, kind, false);
                assert_eq!(format!("{got:?}"), format!("{want:?}"), "{name}");
            }
        }
    }
}
