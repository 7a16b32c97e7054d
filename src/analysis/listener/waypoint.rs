//! `pc listener --waypoint`: istioctl's `LISTENER CHAIN MATCH DESTINATION` view
//! (istio/istio `istioctl/pkg/writer/envoy/configdump/listener.go`
//! `PrintRemoteListenerSummary`, `newMatcher`, `recurse`; DOMAIN.md §4.7b).
//!
//! istioctl walks each matcher map in Go map order, which is random, so the rows of one
//! chain come out in any order; here each map's keys are walked in byte order, which is
//! one of the orders istioctl can print. Where istioctl panics (a custom matcher other than
//! the IP matcher) or says nothing (a `matcher_list`, which it does not support), the rows
//! still come out: server-name domains as keys, and `NONE` for a list.

use std::collections::BTreeMap;

use crate::analysis::listener::destination::{Destination, chain_destination};
use crate::analysis::listener::rows::{SelectedListener, listener_port, primary_address};
use crate::envoy::matcher::{Matcher, OnMatch};
use crate::envoy::{FilterChain, Listener};
use crate::util::go_sort::sort_slice;

/// One row of the waypoint view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaypointRow {
    /// `envoy://NAME`, or `internal` for an internal listener whose one chain is named
    /// `envoy://NAME` (istioctl avoids printing the name twice).
    pub listener: String,
    pub chain: String,
    /// The matcher path to the chain (`ip=10.96.1.1 -> port=80`, `ANY`, `UNMATCHED`,
    /// `NONE`), or istioctl's MATCH words for a listener without a matcher.
    pub matches: WaypointMatch,
    pub destination: Destination,
}

/// MATCH of a waypoint row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaypointMatch {
    /// A path through the `filter_chain_matcher`.
    Path(String),
    /// The chain's `filter_chain_match` (no matcher on the listener).
    Criteria(crate::analysis::listener::chain_match::ChainMatch),
}

/// istioctl's order for the view: two internal listeners by name, otherwise port, primary
/// address, TYPE (Go's `sort.Slice`, ported, with its comparator as written).
pub fn sort_waypoint(listeners: &mut [SelectedListener<'_>]) {
    sort_slice(listeners, |a, b| {
        let (la, lb) = (&a.listener, &b.listener);
        if la.is_internal() && lb.is_internal() {
            return la.name.as_bytes() < lb.name.as_bytes();
        }
        let (pa, pb) = (listener_port(la), listener_port(lb));
        if pa != pb {
            return pa < pb;
        }
        let (aa, ab) = (primary_address(la), primary_address(lb));
        if aa != ab {
            return aa.as_bytes() < ab.as_bytes();
        }
        a.kind < b.kind
    });
}

/// The rows of `listeners`, in their order: every chain (the default chain last), one row
/// per matcher path.
pub fn waypoint_rows(listeners: &[SelectedListener<'_>]) -> Vec<WaypointRow> {
    let mut rows = Vec::new();
    for s in listeners {
        let l = &s.listener;
        let chains: Vec<&FilterChain<'_>> = l.chains().collect();
        let mut name = format!("envoy://{}", l.name);
        if l.is_internal() && chains.len() == 1 && chains[0].name == name.as_str() {
            name = "internal".to_string();
        }
        for chain in chains {
            let destination = chain_destination(chain);
            for matches in chain_matches(chain, l) {
                rows.push(WaypointRow {
                    listener: name.clone(),
                    chain: chain.name.to_string(),
                    matches,
                    destination: destination.clone(),
                });
            }
        }
    }
    rows
}

/// istioctl's `newMatcher`.
fn chain_matches(chain: &FilterChain<'_>, l: &Listener<'_>) -> Vec<WaypointMatch> {
    let Some(matcher) = &l.filter_chain_matcher else {
        let criteria = crate::analysis::listener::chain_match::ChainMatch::of(
            chain.filter_chain_match.as_ref(),
        );
        return vec![WaypointMatch::Criteria(criteria)];
    };
    let name = chain.name.as_ref();
    let paths = match matcher.on_no_match.as_deref() {
        Some(OnMatch {
            action: Some(a), ..
        }) if a.name == name => vec!["UNMATCHED".to_string()],
        Some(OnMatch {
            matcher: Some(m), ..
        }) => recurse(name, m).unwrap_or_else(|| vec!["NONE".to_string()]),
        _ => recurse(name, matcher).unwrap_or_else(|| vec!["NONE".to_string()]),
    };
    paths.into_iter().map(WaypointMatch::Path).collect()
}

/// istioctl's `recurse`: the paths through `m` to the chain `name`, `None` when there is
/// none.
fn recurse(name: &str, m: &Matcher<'_>) -> Option<Vec<String>> {
    match m.on_no_match.as_deref() {
        Some(OnMatch {
            action: Some(a), ..
        }) if a.name == name => return Some(vec!["ANY".to_string()]),
        Some(OnMatch {
            matcher: Some(nested),
            ..
        }) => {
            return Some(recurse(name, nested).unwrap_or_else(|| vec!["NONE".to_string()]));
        }
        _ => {}
    }
    let tree = m.matcher_tree.as_ref()?;
    let input = tree.input.name.as_ref();
    let (map, equality): (BTreeMap<String, &OnMatch<'_>>, &str) =
        if let Some(exact) = &tree.exact_match_map {
            (keyed(exact.map.0.iter()), "=")
        } else if let Some(prefix) = &tree.prefix_match_map {
            (keyed(prefix.map.0.iter()), "^")
        } else if let Some(custom) = &tree.custom_match {
            (custom_keys(&custom.typed_config), "=")
        } else {
            (BTreeMap::new(), "=")
        };
    let mut out = Vec::new();
    for (key, on_match) in map {
        if let Some(action) = &on_match.action {
            if action.name == name {
                out.push(format!("{input}{equality}{key}"));
            }
            continue;
        }
        if let Some(children) = on_match.matcher.as_deref().and_then(|c| recurse(name, c)) {
            for child in children {
                out.push(format!("{input}{equality}{key} -> {child}"));
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

fn keyed<'m, 'a: 'm, K: AsRef<str> + 'm>(
    entries: impl Iterator<Item = &'m (K, OnMatch<'a>)>,
) -> BTreeMap<String, &'m OnMatch<'a>> {
    entries.map(|(k, v)| (k.as_ref().to_string(), v)).collect()
}

/// The keys of a custom matcher: istioctl's IP matcher (`address` for a /32 or /128,
/// `address/len` otherwise, whatever the family, the last range matcher winning a shared
/// key as in its map); server-name domains, where istioctl panics.
fn custom_keys<'m, 'a>(
    config: &'m crate::envoy::matcher::CustomMatchConfig<'a>,
) -> BTreeMap<String, &'m OnMatch<'a>> {
    let mut map = BTreeMap::new();
    for rm in &config.range_matchers {
        let Some(on_match) = &rm.on_match else {
            continue;
        };
        for r in &rm.ranges {
            let len = r.prefix_len();
            let key = if len != 32 && len != 128 {
                format!("{}/{len}", r.address_prefix)
            } else {
                r.address_prefix.to_string()
            };
            map.insert(key, on_match);
        }
    }
    for dm in &config.domain_matchers {
        let Some(on_match) = &dm.on_match else {
            continue;
        };
        for d in &dm.domains {
            map.insert(d.to_string(), on_match);
        }
    }
    map
}

#[cfg(test)]
mod tests;
