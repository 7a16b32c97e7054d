//! The order Istio gives plugins within one filter chain (DOMAIN.md §6.3): phase, then
//! priority descending (unset sorts as the minimum integer, so after any negative priority),
//! then collection order: namespace, creationTimestamp, name.

use std::cmp::Ordering;

use crate::istio::wasm_plugin::{Phase, WasmPluginSpec};

/// What breaks ties between plugins with the same phase and priority.
#[derive(Debug, Clone, Copy)]
pub struct TieBreak<'a> {
    /// The proxy's namespace.
    pub proxy_namespace: &'a str,
    /// The mesh root namespace.
    pub root_namespace: &'a str,
    /// Istio 1.12 collects root-namespace plugins first; current Istio the proxy's first.
    pub root_first: bool,
}

/// How sure the expected order of two plugins is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certainty {
    /// Decided by phase, priority, namespace or creationTimestamp.
    Certain,
    /// Decided by name only because a creationTimestamp is missing.
    Uncertain,
}

fn phase_rank(p: Phase) -> u8 {
    match p {
        Phase::Authn => 0,
        Phase::Authz => 1,
        Phase::Stats => 2,
        Phase::Unspecified => 3,
    }
}

fn namespace_rank(ns: &str, tie: &TieBreak<'_>) -> u8 {
    let (first, second) = if tie.root_first {
        (tie.root_namespace, tie.proxy_namespace)
    } else {
        (tie.proxy_namespace, tie.root_namespace)
    };
    if ns == first {
        0
    } else if ns == second {
        1
    } else {
        2
    }
}

/// Compares two plugins in Istio's execution order (`Less`: `a` runs first).
pub fn compare(
    a: &WasmPluginSpec,
    b: &WasmPluginSpec,
    tie: &TieBreak<'_>,
) -> (Ordering, Certainty) {
    // `None` is the minimum, so `b.cmp(a)` sorts unset priorities last (descending order).
    let by_rank = phase_rank(a.phase)
        .cmp(&phase_rank(b.phase))
        .then_with(|| b.priority.cmp(&a.priority))
        .then_with(|| namespace_rank(&a.namespace, tie).cmp(&namespace_rank(&b.namespace, tie)));
    if by_rank != Ordering::Equal {
        return (by_rank, Certainty::Certain);
    }
    match (&a.creation_timestamp, &b.creation_timestamp) {
        (Some(ta), Some(tb)) if ta != tb => (ta.cmp(tb), Certainty::Certain),
        (Some(_), Some(_)) => (
            a.name.cmp(&b.name).then(a.namespace.cmp(&b.namespace)),
            Certainty::Certain,
        ),
        _ => (
            a.name.cmp(&b.name).then(a.namespace.cmp(&b.namespace)),
            Certainty::Uncertain,
        ),
    }
}

/// Sorts plugins into the expected order; each comes with whether its place relative to a
/// neighbour rests on a guess (no creationTimestamp).
pub fn expected_order<'p>(
    plugins: &[&'p WasmPluginSpec],
    tie: &TieBreak<'_>,
) -> Vec<(&'p WasmPluginSpec, Certainty)> {
    let mut sorted: Vec<&WasmPluginSpec> = plugins.to_vec();
    sorted.sort_by(|a, b| compare(a, b, tie).0);
    let mut out: Vec<(&WasmPluginSpec, Certainty)> =
        sorted.iter().map(|p| (*p, Certainty::Certain)).collect();
    for i in 1..sorted.len() {
        if compare(sorted[i - 1], sorted[i], tie).1 == Certainty::Uncertain {
            out[i - 1].1 = Certainty::Uncertain;
            out[i].1 = Certainty::Uncertain;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn spec(
        ns: &str,
        name: &str,
        phase: Phase,
        priority: Option<i64>,
    ) -> WasmPluginSpec {
        WasmPluginSpec {
            phase,
            priority,
            ..WasmPluginSpec::named(ns, name)
        }
    }

    const TIE: TieBreak<'static> = TieBreak {
        proxy_namespace: "default",
        root_namespace: "istio-system",
        root_first: false,
    };

    #[test]
    fn phase_then_priority_with_unset_after_negative() {
        let a = spec("default", "a", Phase::Stats, None);
        let b = spec("default", "b", Phase::Stats, Some(-5));
        let c = spec("default", "c", Phase::Authn, Some(1));
        let d = spec("default", "d", Phase::Unspecified, Some(100));
        let order = expected_order(&[&a, &b, &c, &d], &TIE);
        let names: Vec<_> = order.iter().map(|(p, _)| p.name.as_str()).collect();
        assert_eq!(names, ["c", "b", "a", "d"]);
        assert!(order.iter().all(|(_, c)| *c == Certainty::Certain));
    }

    #[test]
    fn ties_by_namespace_then_timestamp_else_uncertain() {
        let root = spec("istio-system", "a", Phase::Authz, Some(1));
        let local = spec("default", "z", Phase::Authz, Some(1));
        assert_eq!(compare(&local, &root, &TIE).0, Ordering::Less);
        let old_first = TieBreak {
            root_first: true,
            ..TIE
        };
        assert_eq!(compare(&local, &root, &old_first).0, Ordering::Greater);
        let mut x = spec("default", "x", Phase::Authz, Some(1));
        let mut y = spec("default", "y", Phase::Authz, Some(1));
        assert_eq!(
            compare(&x, &y, &TIE),
            (Ordering::Less, Certainty::Uncertain)
        );
        x.creation_timestamp = Some("2026-02-01T00:00:00Z".into());
        y.creation_timestamp = Some("2026-01-01T00:00:00Z".into());
        assert_eq!(
            compare(&x, &y, &TIE),
            (Ordering::Greater, Certainty::Certain)
        );
    }
}
