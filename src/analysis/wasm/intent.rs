//! Intent vs reality for a sidecar or a gateway (DOMAIN.md §6.3–6.4): which WasmPlugins and
//! TrafficExtensions apply to this proxy, on which chains and in which order, compared with
//! the filters the dump holds. Waypoints are not checked yet: their plugins get
//! `not-checked` verdicts (`analysis::wasm::unchecked`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::analysis::wasm::order::{Certainty, TieBreak, compare, expected_order};
use crate::analysis::wasm::placement::{ChainSite, Direction, ProxyKind, decode_plugin};
use crate::envoy::ListenerState;
use crate::istio::PluginKind;
use crate::istio::wasm_plugin::{PluginType, WasmPluginSpec, WorkloadMode};

mod attach;

use attach::applies;

/// The proxy's identity, from the dump's bootstrap node or the flags.
#[derive(Debug, Clone)]
pub struct ProxyContext {
    /// Sidecar, gateway, waypoint, or unknown (no bootstrap node: treated as a sidecar).
    pub kind: ProxyKind,
    /// The pod's namespace, when known.
    pub namespace: Option<String>,
    /// The pod's labels.
    pub labels: BTreeMap<String, String>,
    /// Istio minor version (1.N), when the node says.
    pub istio_minor: Option<u32>,
    /// The mesh root namespace.
    pub root_namespace: String,
}

/// The verdict classes; all but `ExpectedPresent` and `NotChecked` are problems (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerdictKind {
    /// The plugin applies and sits on the chains it should.
    ExpectedPresent,
    /// istiod attaches the plugin nowhere on this proxy (gateways): the detail says why.
    NotAttached,
    /// The plugin applies but is absent from some chains.
    ExpectedMissing,
    /// The filter sits where no resource asks for it (stale or foreign).
    PresentNotExpected,
    /// Plugins run in another order than phase and priority say.
    WrongOrder,
    /// A listener references an ECDS resource the ECDS section lacks.
    EcdsMissing,
    /// The agent replaced the module with its RBAC stand-in.
    AgentStandIn,
    /// The module or its config is not what the resource asks for (`drift.rs`).
    Drift,
    /// No verdict could be reached (see [`Verdict::reason`]): not a problem, never clean;
    /// `--fail-on-unchecked` decides the exit code.
    NotChecked,
}

impl VerdictKind {
    /// Whether this verdict makes `wasm count` exit 1.
    pub fn is_problem(self) -> bool {
        !matches!(
            self,
            VerdictKind::ExpectedPresent | VerdictKind::NotAttached | VerdictKind::NotChecked
        )
    }

    /// The name as JSON and the table print it.
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictKind::ExpectedPresent => "expected-present",
            VerdictKind::NotAttached => "not-attached",
            VerdictKind::ExpectedMissing => "expected-missing",
            VerdictKind::PresentNotExpected => "present-not-expected",
            VerdictKind::WrongOrder => "wrong-order",
            VerdictKind::EcdsMissing => "ecds-missing",
            VerdictKind::AgentStandIn => "agent-stand-in",
            VerdictKind::Drift => "drift",
            VerdictKind::NotChecked => "not-checked",
        }
    }
}

/// One finding about one plugin (or, for `wrong-order`, a list of plugins).
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// The class.
    pub verdict: VerdictKind,
    /// `namespace/name` (comma-separated for `wrong-order`), or the raw filter name.
    pub plugin: String,
    /// Each plugin (or raw filter name) the verdict concerns; what `--plugin` selects on.
    #[serde(skip)]
    pub plugins: Vec<String>,
    /// The filter name in the dump, when there is one.
    pub filter: Option<String>,
    /// The chains (`listener chain (match)`) or listeners concerned.
    pub chains: Vec<String>,
    /// One sentence saying what is wrong, or what is right.
    pub detail: String,
    /// Why no verdict was reached (`not-checked` only; `null` otherwise).
    pub reason: Option<UncheckedReason>,
}

/// Why a plugin's verdict could not be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UncheckedReason {
    /// No WasmPlugins to compare with (no `--resources`, cluster or bug report).
    NoResources,
    /// A waypoint: istiod's attachment rules for it are not modelled yet.
    ProxyKindNotModelled,
    /// The proxy's namespace is unknown, so no plugin can be said to apply.
    UnknownNamespace,
    /// The dump names an Istio version whose rules are not modelled
    /// (`analysis::wasm::unchecked::MODELLED_MINORS`).
    IstioVersionNotModelled,
}

/// Whether intent was checked, and if not why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntentStatus {
    /// Resources were joined to the filters.
    Checked,
    /// No `--resources` given.
    NoResources,
    /// The proxy is a waypoint: not checked yet (the serialized name predates gateways
    /// being checked).
    NotSidecar,
    /// Neither the dump nor `--namespace` says the proxy's namespace.
    UnknownNamespace,
    /// The dump names an Istio version outside the modelled range.
    IstioVersionNotModelled,
}

impl IntentStatus {
    /// Why intent was not checked; `None` when it was.
    pub fn unchecked_reason(self) -> Option<UncheckedReason> {
        match self {
            IntentStatus::Checked => None,
            IntentStatus::NoResources => Some(UncheckedReason::NoResources),
            IntentStatus::NotSidecar => Some(UncheckedReason::ProxyKindNotModelled),
            IntentStatus::UnknownNamespace => Some(UncheckedReason::UnknownNamespace),
            IntentStatus::IstioVersionNotModelled => Some(UncheckedReason::IstioVersionNotModelled),
        }
    }
}

/// One applicable plugin in expected execution order.
#[derive(Debug, Clone, Serialize)]
pub struct OrderEntry {
    /// `namespace/name`.
    pub plugin: String,
    /// `AUTHN`, `AUTHZ`, `STATS` or `UNSPECIFIED_PHASE`.
    pub phase: &'static str,
    /// `priority`, `null` when unset.
    pub priority: Option<i64>,
    /// The place relative to a neighbour rests on names only (no creationTimestamp).
    pub uncertain: bool,
}

/// The intent check of one proxy.
#[derive(Debug, Clone, Serialize)]
pub struct IntentReport {
    /// Checked or why not.
    pub status: IntentStatus,
    /// Applicable plugins in expected order.
    pub expected_order: Vec<OrderEntry>,
    /// Verdicts about plugins and their order.
    pub verdicts: Vec<Verdict>,
}

/// Whether an applicable plugin belongs on `site`; `Err` says why not.
fn belongs_on(p: &WasmPluginSpec, site: &ChainSite, minor: Option<u32>) -> Result<(), String> {
    match p.plugin_type {
        PluginType::Http if !site.has_hcm => return Err("HTTP plugin on a non-HTTP chain".into()),
        PluginType::Network if site.is_blackhole => return Err("blackhole chain".into()),
        _ => {}
    }
    if site.direction == Direction::Outbound && minor.is_some_and(|m| m < 14) {
        return Err("Istio before 1.14 puts plugins on inbound chains only".into());
    }
    // `match` exists from 1.16 on; older istiod ignores it.
    if p.matches.is_empty() || minor.is_some_and(|m| m < 16) {
        return Ok(());
    }
    let fits = p.matches.iter().any(|m| {
        let mode = match m.mode {
            WorkloadMode::ClientAndServer => true,
            // `matchMode` / `workloadModeForListenerClass`: gateway chains are CLIENT class.
            WorkloadMode::Server => site.direction == Direction::Inbound,
            WorkloadMode::Client => {
                matches!(site.direction, Direction::Outbound | Direction::Gateway)
            }
        };
        mode && (m.ports.is_empty() || m.ports.contains(&site.port))
    });
    if fits {
        Ok(())
    } else if site.direction == Direction::Gateway
        && p.matches.iter().all(|m| m.mode == WorkloadMode::Server)
    {
        Err(format!(
            "its match ({}): mode SERVER never applies on a gateway (gateway chains are CLIENT class)",
            describe_match(p)
        ))
    } else {
        // Port 0 is a passthrough chain: it serves no service port, so `match.ports` never
        // names it.
        let place = if site.port == 0 {
            format!(
                "the {} passthrough chains (no service port)",
                site.direction.as_str()
            )
        } else {
            format!("{} port {}", site.direction.as_str(), site.port)
        };
        Err(format!(
            "its match ({}) excludes {place}",
            describe_match(p)
        ))
    }
}

fn describe_match(p: &WasmPluginSpec) -> String {
    let parts: Vec<String> = p
        .matches
        .iter()
        .map(|m| {
            let mode = match m.mode {
                WorkloadMode::ClientAndServer => "CLIENT_AND_SERVER",
                WorkloadMode::Client => "CLIENT",
                WorkloadMode::Server => "SERVER",
            };
            let ports: Vec<_> = m.ports.iter().map(u32::to_string).collect();
            if ports.is_empty() {
                mode.to_string()
            } else {
                format!("{mode} ports {}", ports.join(","))
            }
        })
        .collect();
    parts.join("; ")
}

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
    sites: &[ChainSite],
) -> IntentReport {
    let not_checked = |status| IntentReport {
        status,
        expected_order: Vec::new(),
        verdicts: Vec::new(),
    };
    if ctx.kind == ProxyKind::Waypoint {
        return not_checked(IntentStatus::NotSidecar);
    }
    let Some(ns) = ctx.namespace.as_deref() else {
        return not_checked(IntentStatus::UnknownNamespace);
    };
    let tie = TieBreak {
        proxy_namespace: ns,
        root_namespace: &ctx.root_namespace,
        root_first: ctx.istio_minor.is_some_and(|m| m <= 12),
    };
    let by_key: BTreeMap<Key, &WasmPluginSpec> = plugins.iter().map(|p| (key_of(p), p)).collect();
    let applicable: Vec<&WasmPluginSpec> = plugins
        .iter()
        .filter(|p| applies(p, ctx, ns).is_ok())
        .collect();
    let sites = intent_sites(sites);

    // Per plugin key: expected chains, present chains (with the filter name), and reasons.
    let mut expected: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
    let mut present: BTreeMap<Key, Vec<(usize, String)>> = BTreeMap::new();
    for (i, site) in sites.iter().enumerate() {
        for p in &applicable {
            if belongs_on(p, site, ctx.istio_minor).is_ok() {
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
    let keys: BTreeSet<&Key> = expected.keys().chain(present.keys()).collect();
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
            let detail = format!("on {} of {} expected chain(s)", found.len(), want.len());
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
                Some(p) => match applies(p, ctx, ns) {
                    Err(why) => format!("not expected on this proxy: {why}"),
                    Ok(()) => match belongs_on(p, sites[extra[0]], ctx.istio_minor) {
                        Err(why) => format!("not expected on these chains: {why}"),
                        Ok(()) => "not expected here".to_string(),
                    },
                },
            };
            push(VerdictKind::PresentNotExpected, &extra, why);
        }
    }
    // On a gateway every plugin given is accounted for: one istiod attaches nowhere here
    // gets the reason (sidecar reports list only what applies or is placed, as before).
    if ctx.kind == ProxyKind::Gateway {
        for p in plugins {
            let key = key_of(p);
            if expected.contains_key(&key) || present.contains_key(&key) {
                continue;
            }
            let why = match applies(p, ctx, ns) {
                Err(why) => why,
                Ok(()) => sites
                    .first()
                    .and_then(|s| belongs_on(p, s, ctx.istio_minor).err())
                    .unwrap_or_else(|| "this gateway has no chain it fits".into()),
            };
            verdicts.push(Verdict {
                verdict: VerdictKind::NotAttached,
                plugin: p.id(),
                plugins: vec![p.id()],
                filter: None,
                chains: Vec::new(),
                detail: format!("istiod attaches it nowhere on this gateway: {why}"),
                reason: None,
            });
        }
    }
    verdicts.extend(order_verdicts(&sites, &by_key, &tie));
    let expected_order = expected_order(&applicable, &tie)
        .into_iter()
        .map(|(p, c)| OrderEntry {
            plugin: p.id(),
            phase: p.phase.as_str(),
            priority: p.priority,
            uncertain: c == Certainty::Uncertain,
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
