//! Plugins whose verdict could not be reached (CLI.md: a result never looks clean when
//! something was not checked). When intent is not checked on a proxy, each plugin the dump
//! places there, and each plugin of the given resources that could apply to it, gets a
//! `not-checked` verdict with the reason, kept apart from the problem verdicts.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use crate::analysis::listener::cell_text::match_text;
use crate::analysis::wasm::intent::{
    IntentStatus, ProxyContext, UncheckedReason, Verdict, VerdictKind,
};
use crate::analysis::wasm::placement::{FilterLevel, WasmFilterReport};
use crate::istio::PluginKind;
use crate::istio::wasm_plugin::WasmPluginSpec;

/// The Istio minors whose attachment rules `check_intent` models (DOMAIN.md §6.4 starts at
/// 1.12, the first release with WasmPlugin; 1.30 is the newest release described there).
pub const MODELLED_MINORS: RangeInclusive<u32> = 12..=30;

/// Whether the dump's Istio version is one whose rules are modelled. A dump that names no
/// version is read with the current rules, as before; one that names a version the parser
/// cannot read (not `1.N…`) is not modelled.
pub fn is_version_modelled(istio_version: Option<&str>, minor: Option<u32>) -> bool {
    match (istio_version, minor) {
        (None, _) => true,
        (Some(_), Some(m)) => MODELLED_MINORS.contains(&m),
        (Some(_), None) => false,
    }
}

/// The resources' plugins that could apply to the proxy: its namespace or the root
/// namespace (any namespace when the proxy's is unknown).
fn could_apply(p: &WasmPluginSpec, ctx: &ProxyContext) -> bool {
    match ctx.namespace.as_deref() {
        None => true,
        Some(ns) => p.namespace == ns || p.namespace == ctx.root_namespace,
    }
}

fn kind_name(kind: PluginKind) -> &'static str {
    match kind {
        PluginKind::WasmPlugin => "WasmPlugin",
        PluginKind::TrafficExtension => "TrafficExtension",
    }
}

/// The sentence of a `not-checked` verdict.
fn reason_text(reason: UncheckedReason, ctx: &ProxyContext, version: Option<&str>) -> String {
    match reason {
        UncheckedReason::NoResources => {
            "not checked: no WasmPlugins to check it against (give --resources)".to_string()
        }
        UncheckedReason::ResourceMissing => format!(
            "not checked: a resource the {}'s verdict rests on is not among the resources",
            ctx.kind.as_str()
        ),
        UncheckedReason::UnknownNamespace => {
            "not checked: the proxy's namespace is unknown (give --namespace)".to_string()
        }
        UncheckedReason::IstioVersionNotModelled => format!(
            "not checked: Istio {} is outside the modelled range 1.{}-1.{}",
            version.unwrap_or("?"),
            MODELLED_MINORS.start(),
            MODELLED_MINORS.end()
        ),
    }
}

/// One `not-checked` verdict per user plugin the dump places (per filter and level: an HTTP
/// and a network filter of one plugin are two entries) and per plugin of `specs` that could
/// apply here but is placed nowhere. `found` and `specs` are already narrowed by `--plugin`.
pub fn unchecked_verdicts(
    reason: UncheckedReason,
    ctx: &ProxyContext,
    istio_version: Option<&str>,
    found: &[WasmFilterReport],
    specs: Option<&[WasmPluginSpec]>,
) -> Vec<Verdict> {
    let why = reason_text(reason, ctx, istio_version);
    let mut placed: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut out = Vec::new();
    for f in found.iter().filter(|f| !f.builtin) {
        let plugin = f.plugin.clone().unwrap_or_else(|| f.filter.clone());
        if let (Some(kind), Some(id)) = (f.plugin_kind, f.plugin.as_deref()) {
            placed.insert((kind, id));
        }
        let mut chains: Vec<String> = Vec::new();
        for pl in &f.placements {
            let label = format!(
                "{} {} ({})",
                pl.listener,
                pl.chain,
                match_text(&pl.chain_match)
            );
            if !chains.contains(&label) {
                chains.push(label);
            }
        }
        let level = match f.level {
            FilterLevel::Http => "",
            FilterLevel::Network => " network",
        };
        out.push(Verdict {
            verdict: VerdictKind::NotChecked,
            plugins: vec![plugin.clone()],
            plugin,
            filter: Some(f.filter.clone()),
            detail: format!("{why}; the{level} filter is on {} chain(s)", chains.len()),
            chains,
            reason: Some(reason),
        });
    }
    for p in specs.unwrap_or_default() {
        let id = p.id();
        if !could_apply(p, ctx) || placed.contains(&(kind_name(p.kind), id.as_str())) {
            continue;
        }
        out.push(Verdict {
            verdict: VerdictKind::NotChecked,
            plugins: vec![id.clone()],
            plugin: id,
            filter: None,
            chains: Vec::new(),
            detail: format!(
                "{why}; the {} is in the resources and on no chain of this proxy",
                kind_name(p.kind)
            ),
            reason: Some(reason),
        });
    }
    out
}

/// Whether a report with this intent status and these verdicts leaves anything unchecked:
/// intent itself (a plugin could be missing) or any `not-checked` verdict.
pub fn has_unchecked(intent: IntentStatus, verdicts: &[Verdict]) -> bool {
    intent != IntentStatus::Checked
        || verdicts
            .iter()
            .any(|v| v.verdict == VerdictKind::NotChecked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::wasm::placement::ProxyKind;
    use crate::istio::wasm_plugin::Phase;

    fn spec(namespace: &str, name: &str) -> WasmPluginSpec {
        WasmPluginSpec {
            phase: Phase::Authn,
            ..WasmPluginSpec::named(namespace, name)
        }
    }

    fn ctx(kind: ProxyKind, namespace: Option<&str>) -> ProxyContext {
        ProxyContext {
            kind,
            namespace: namespace.map(str::to_string),
            labels: Default::default(),
            istio_minor: Some(30),
            root_namespace: "istio-system".into(),
        }
    }

    #[test]
    fn resources_that_could_apply_are_listed_with_the_reason() {
        let specs = [
            spec("default", "mine"),
            spec("istio-system", "mesh"),
            spec("shop", "theirs"),
        ];
        let plugins = |ctx: &ProxyContext| -> Vec<(String, Option<UncheckedReason>)> {
            let reason = UncheckedReason::UnknownNamespace;
            unchecked_verdicts(reason, ctx, None, &[], Some(&specs))
                .into_iter()
                .inspect(|v| assert_eq!(v.verdict, VerdictKind::NotChecked))
                .inspect(|v| assert!(!v.verdict.is_problem()))
                .map(|v| (v.plugin, v.reason))
                .collect()
        };
        let why = Some(UncheckedReason::UnknownNamespace);
        assert_eq!(
            plugins(&ctx(ProxyKind::Waypoint, Some("default"))),
            [
                ("default/mine".to_string(), why),
                ("istio-system/mesh".to_string(), why)
            ]
        );
        // An unknown namespace: any of them could apply.
        assert_eq!(plugins(&ctx(ProxyKind::Gateway, None)).len(), 3);
        let text = unchecked_verdicts(
            UncheckedReason::NoResources,
            &ctx(ProxyKind::Waypoint, Some("default")),
            None,
            &[],
            Some(&specs),
        );
        assert!(
            text[0]
                .detail
                .contains("no WasmPlugins to check it against"),
            "{}",
            text[0].detail
        );
    }

    #[test]
    fn version_range_is_1_12_to_1_30() {
        for (version, minor, want) in [
            (None, None, true),
            (Some("1.12.9"), Some(12), true),
            (Some("1.30.0"), Some(30), true),
            (Some("1.11.8"), Some(11), false),
            (Some("1.31.0"), Some(31), false),
            (Some("2.0.0"), None, false),
        ] {
            assert_eq!(is_version_modelled(version, minor), want, "{version:?}");
        }
    }

    #[test]
    fn every_unchecked_status_has_a_reason() {
        assert_eq!(IntentStatus::Checked.unchecked_reason(), None);
        for s in [
            IntentStatus::NoResources,
            IntentStatus::UnknownNamespace,
            IntentStatus::IstioVersionNotModelled,
        ] {
            assert!(s.unchecked_reason().is_some(), "{s:?}");
            assert!(has_unchecked(s, &[]), "{s:?}");
        }
        assert!(!has_unchecked(IntentStatus::Checked, &[]));
    }
}
