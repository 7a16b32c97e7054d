//! Intent vs reality on a sidecar, gateway or waypoint (DOMAIN.md §6.3–6.4): which
//! WasmPlugins and TrafficExtensions apply to this proxy (`attach`), on which chains (`fit`)
//! and in which order, compared with the filters the dump holds, by the rules of the dump's
//! Istio release. A ServiceEntry targetRef on a waypoint needs the ServiceEntry that
//! declares the chain's host: without it the plugin gets a `not-checked` verdict.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::wasm::order::{Certainty, TieBreak, compare, expected_order};
use crate::analysis::wasm::placement::{ChainSite, Direction, ProxyKind, decode_plugin};
use crate::envoy::ListenerState;
use crate::istio::PluginKind;
use crate::istio::intent_resources::MeshFacts;
use crate::istio::wasm_plugin::{PluginType, WasmPluginSpec};

mod attach;
mod chain_service;
mod context;
mod fit;
mod unserved;
mod verdict;

use attach::{applies, applies_on_waypoint, unresolved_on_waypoint};
pub use context::ProxyContext;
use fit::belongs_on;
use unserved::unserved_services;
pub use verdict::{IntentReport, IntentStatus, OrderEntry, UncheckedReason, Verdict, VerdictKind};

/// Listeners intent applies to: inbound and outbound (sidecars), gateway (gateways: the
/// direction comes from the proxy kind, so a sidecar has none), the newest state of each
/// listener (warming over active; draining ones are on their way out).
fn intent_sites(sites: &[ChainSite]) -> Vec<&ChainSite> {
    let warming: BTreeSet<&str> = sites
        .iter()
        .filter(|s| s.state == ListenerState::Warming)
        .map(|s| s.listener.as_str())
        .collect();
    sites
        .iter()
        .filter(|s| {
            matches!(
                s.direction,
                Direction::Inbound | Direction::Outbound | Direction::Gateway
            )
        })
        .filter(|s| match s.state {
            ListenerState::Warming => true,
            ListenerState::Active => !warming.contains(s.listener.as_str()),
            // Draining listeners are on their way out; a refused update never ran.
            ListenerState::Draining | ListenerState::Error => false,
        })
        .collect()
}

type Key = (PluginKind, String, String);

fn key_of(p: &WasmPluginSpec) -> Key {
    (p.kind, p.namespace.clone(), p.name.clone())
}

/// Joins `plugins` to the dump's filters on a sidecar or gateway and returns the verdicts.
pub fn check_intent(
    ctx: &ProxyContext,
    plugins: &[WasmPluginSpec],
    mesh: &MeshFacts<'_>,
    sites: &[ChainSite],
) -> IntentReport {
    let entries = mesh.service_entries;
    let not_checked = |status| IntentReport {
        status,
        expected_order: Vec::new(),
        verdicts: Vec::new(),
    };
    let Some(ns) = ctx.namespace.as_deref() else {
        return not_checked(IntentStatus::UnknownNamespace);
    };
    let tie = TieBreak {
        proxy_namespace: ns,
        root_namespace: &ctx.root_namespace,
        root_first: ctx.istio_minor.is_some_and(|m| m <= 12),
    };
    let by_key: BTreeMap<Key, &WasmPluginSpec> = plugins.iter().map(|p| (key_of(p), p)).collect();
    let waypoint = ctx.kind == ProxyKind::Waypoint;
    let mut sites = intent_sites(sites);
    // A waypoint's plugins go on `main_internal` only (its per-service and direct chains,
    // `buildWaypointInternal`); `connect_terminate` has an HCM but no extensions.
    sites.retain(|s| !waypoint || s.listener == "main_internal");
    // A waypoint attaches per chain (`ListenerInfo.WithService`); other proxies per proxy.
    let attach = |p: &WasmPluginSpec, site: &ChainSite| {
        if waypoint {
            applies_on_waypoint(p, ctx, ns, site, entries)
        } else {
            applies(p, ctx, ns)
        }
    };
    // A ServiceEntry ref on a waypoint: the dump names the chain after the host, not the
    // ServiceEntry; without the one ServiceEntry of that host no verdict can be reached.
    let unresolved: BTreeMap<Key, String> = plugins
        .iter()
        .filter(|_| waypoint)
        .filter_map(|p| {
            let why = sites.iter().find_map(|s| {
                unresolved_on_waypoint(p, ctx, s, entries).filter(|_| attach(p, s).is_err())
            })?;
            Some((key_of(p), why))
        })
        .collect();

    // Per plugin key: expected chains, present chains (with the filter name), and reasons.
    let mut expected: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    let mut present: BTreeMap<Key, Vec<(usize, String)>> = BTreeMap::new();
    for (i, site) in sites.iter().enumerate() {
        for p in plugins
            .iter()
            .filter(|p| !unresolved.contains_key(&key_of(p)))
        {
            if attach(p, site).is_ok() && belongs_on(p, site, ctx).is_ok() {
                expected.entry(key_of(p)).or_default().push(i);
            }
        }
        for f in site.filters.iter().filter(|f| !f.builtin) {
            if let Some((r, _)) = decode_plugin(f) {
                let key = (r.kind, r.namespace, r.name);
                present.entry(key).or_default().push((i, f.name.clone()));
            }
        }
    }
    let label = |i: &usize| sites[*i].label();
    let mut verdicts = Vec::new();
    let keys: BTreeSet<&Key> = expected
        .keys()
        .chain(present.keys())
        .filter(|k| !unresolved.contains_key(*k))
        .collect();
    for key in keys {
        let id = format!("{}/{}", key.1, key.2);
        let want = expected.get(key).map(Vec::as_slice).unwrap_or_default();
        let have = present.get(key).map(Vec::as_slice).unwrap_or_default();
        let filter = have.first().map(|(_, n)| n.clone());
        let found: Vec<usize> = want
            .iter()
            .copied()
            .filter(|i| have.iter().any(|(j, _)| j == i))
            .collect();
        let missing: Vec<usize> = want
            .iter()
            .copied()
            .filter(|i| !found.contains(i))
            .collect();
        let extra: Vec<usize> = have
            .iter()
            .map(|(j, _)| *j)
            .filter(|j| !want.contains(j))
            .collect();
        let mut push = |verdict, chains: &[usize], detail: String| {
            verdicts.push(Verdict {
                verdict,
                plugin: id.clone(),
                plugins: vec![id.clone()],
                filter: filter.clone(),
                chains: chains.iter().map(label).collect(),
                detail,
                reason: None,
            })
        };
        if !found.is_empty() {
            let mut detail = format!("on {} of {} expected chain(s)", found.len(), want.len());
            if key.1 != ns && key.1 != ctx.root_namespace {
                // Attached through its service's namespace (waypoints, 1.25+), but ECDS
                // answers only for the proxy's and the root namespace.
                detail.push_str(
                    "; but istiod never serves its ECDS config: WasmPluginsByName and \
                     TrafficExtensionsByName take only the proxy's and the root namespace",
                );
            }
            push(VerdictKind::ExpectedPresent, &found, detail);
        }
        if !missing.is_empty() {
            let detail = format!(
                "applies to this proxy but is absent from {} of {} expected chain(s)",
                missing.len(),
                want.len()
            );
            push(VerdictKind::ExpectedMissing, &missing, detail);
        }
        if !extra.is_empty() {
            let why = match by_key.get(key) {
                None => "no such resource in the given resources (stale or foreign)".to_string(),
                Some(p) => match attach(p, sites[extra[0]]) {
                    // A waypoint attaches per chain: the plugin may well apply elsewhere.
                    Err(why) if waypoint && !want.is_empty() => {
                        format!("not expected on these chains: {why}")
                    }
                    Err(why) => format!("not expected on this proxy: {why}"),
                    Ok(()) => match belongs_on(p, sites[extra[0]], ctx) {
                        Err(why) => format!("not expected on these chains: {why}"),
                        Ok(()) => "not expected here".to_string(),
                    },
                },
            };
            push(VerdictKind::PresentNotExpected, &extra, why);
        }
    }
    // A bound Service the dump has no chain for: its plugins are missing, not unattached.
    let unserved: Vec<Verdict> = if waypoint {
        unserved_services(ctx, ns, plugins, mesh.waypoint_users, entries, &sites)
    } else {
        Vec::new()
    }
    .into_iter()
    .map(|(plugin, detail)| Verdict {
        verdict: VerdictKind::ExpectedMissing,
        plugins: vec![plugin.clone()],
        plugin,
        filter: None,
        chains: Vec::new(),
        detail,
        reason: None,
    })
    .collect();
    let missing_service: BTreeSet<String> = unserved.iter().map(|v| v.plugin.clone()).collect();
    // On a gateway or waypoint every plugin given is accounted for: one istiod attaches
    // nowhere here gets the reason (sidecar reports list only what applies or is placed, as
    // before).
    if matches!(ctx.kind, ProxyKind::Gateway | ProxyKind::Waypoint) {
        for p in plugins
            .iter()
            .filter(|p| !missing_service.contains(&p.id()))
        {
            let key = key_of(p);
            if let Some(why) = unresolved.get(&key) {
                verdicts.push(Verdict {
                    verdict: VerdictKind::NotChecked,
                    plugin: p.id(),
                    plugins: vec![p.id()],
                    filter: present
                        .get(&key)
                        .and_then(|h| h.first())
                        .map(|h| h.1.clone()),
                    chains: present.get(&key).map_or_else(Vec::new, |h| {
                        h.iter().map(|(i, _)| sites[*i].label()).collect()
                    }),
                    detail: why.clone(),
                    reason: Some(UncheckedReason::ResourceMissing),
                });
                continue;
            }
            if expected.contains_key(&key) || present.contains_key(&key) {
                continue;
            }
            let first = if waypoint {
                Ok(())
            } else {
                applies(p, ctx, ns)
            };
            // Per-service chains first: on a waypoint their reason names the service.
            let mut order: Vec<&&ChainSite> = sites.iter().collect();
            order.sort_by_key(|s| !s.chain.starts_with("inbound-vip|"));
            // A chain the plugin attaches to names the real obstacle (mode, ports); only when
            // it attaches to none does the first chain's attachment reason stand.
            let why = match first {
                Err(why) => why,
                Ok(()) => order
                    .iter()
                    .filter(|s| attach(p, s).is_ok())
                    .find_map(|s| belongs_on(p, s, ctx).err())
                    .or_else(|| order.iter().find_map(|s| attach(p, s).err()))
                    .unwrap_or_else(|| format!("this {} has no chain it fits", ctx.kind.as_str())),
            };
            verdicts.push(Verdict {
                verdict: VerdictKind::NotAttached,
                plugin: p.id(),
                plugins: vec![p.id()],
                filter: None,
                chains: Vec::new(),
                detail: format!(
                    "istiod attaches it nowhere on this {}: {why}",
                    ctx.kind.as_str()
                ),
                reason: None,
            });
        }
    }
    verdicts.extend(unserved);
    verdicts.extend(order_verdicts(&sites, &by_key, &tie));
    let applicable: Vec<&WasmPluginSpec> = plugins
        .iter()
        .filter(|p| {
            // A waypoint's plugins apply per chain, and a gateway's `match` (mode, ports)
            // can leave a plugin no chain: only the ones expected on one take a place.
            if matches!(ctx.kind, ProxyKind::Gateway | ProxyKind::Waypoint) {
                expected.contains_key(&key_of(p))
            } else {
                applies(p, ctx, ns).is_ok()
            }
        })
        .collect();
    // HTTP and NETWORK plugins go into different filter lists: one order each.
    let (network, http): (Vec<&WasmPluginSpec>, Vec<&WasmPluginSpec>) = applicable
        .iter()
        .partition(|p| p.plugin_type == PluginType::Network);
    let expected_order = [("http", http), ("network", network)]
        .into_iter()
        .flat_map(|(list, plugins)| {
            expected_order(&plugins, &tie)
                .into_iter()
                .map(move |(p, c)| OrderEntry {
                    plugin: p.id(),
                    phase: p.phase.as_str(),
                    priority: p.priority,
                    uncertain: c == Certainty::Uncertain,
                    filter_list: list,
                })
                .collect::<Vec<_>>()
        })
        .collect();
    IntentReport {
        status: IntentStatus::Checked,
        expected_order,
        verdicts,
    }
}

/// One `wrong-order` verdict per distinct (found, expected) order, listing its chains.
fn order_verdicts(
    sites: &[&ChainSite],
    by_key: &BTreeMap<Key, &WasmPluginSpec>,
    tie: &TieBreak<'_>,
) -> Vec<Verdict> {
    let mut groups: BTreeMap<(Vec<String>, Vec<String>), Vec<String>> = BTreeMap::new();
    for site in sites {
        for level in [
            crate::analysis::wasm::placement::FilterLevel::Network,
            crate::analysis::wasm::placement::FilterLevel::Http,
        ] {
            let found: Vec<&WasmPluginSpec> = site
                .filters
                .iter()
                .filter(|f| f.level == level && !f.builtin)
                .filter_map(decode_plugin)
                .filter_map(|(r, _)| by_key.get(&(r.kind, r.namespace, r.name)).copied())
                .collect();
            let wrong = found.iter().enumerate().any(|(i, a)| {
                found[i + 1..].iter().any(|b| {
                    let (ord, certainty) = compare(a, b, tie);
                    ord == std::cmp::Ordering::Greater && certainty == Certainty::Certain
                })
            });
            if wrong {
                let want: Vec<String> = expected_order(&found, tie)
                    .iter()
                    .map(|(p, _)| p.id())
                    .collect();
                let have: Vec<String> = found.iter().map(|p| p.id()).collect();
                groups.entry((have, want)).or_default().push(site.label());
            }
        }
    }
    groups
        .into_iter()
        .map(|((have, want), chains)| Verdict {
            verdict: VerdictKind::WrongOrder,
            plugin: have.join(", "),
            filter: None,
            detail: format!(
                "found {}; phase and priority say {}",
                have.join(" -> "),
                want.join(" -> ")
            ),
            plugins: have,
            chains,
            reason: None,
        })
        .collect()
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod gateway_tests;

#[cfg(test)]
mod waypoint_tests;

#[cfg(test)]
mod release_tests;
