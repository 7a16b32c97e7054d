//! MS1004 unset-priority-after-negative: A plugin without priority shares its phase with plugins that have negative priorities

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1004",
    name: "unset-priority-after-negative",
    severity: Severity::Warning,
    summary: "A plugin without priority shares its phase with plugins that have negative priorities",
    hint: "Set an explicit priority (unset sorts below every negative priority, not as 0)",
    docs: include_str!("docs/MS1004.md"),
    check,
};

/// Plugins that can meet on one proxy: same namespace, or one of them in the root namespace.
pub(crate) fn can_meet(ctx: &Context, a: &str, b: &str) -> bool {
    a == b || a == ctx.root_namespace || b == ctx.root_namespace
}

/// The phase as written, UNSPECIFIED_PHASE when absent.
pub(crate) fn phase(spec: &Node) -> String {
    spec.get("phase")
        .map(|p| p.display().into_owned())
        .unwrap_or_else(|| "UNSPECIFIED_PHASE".into())
}

/// Warns on an unset priority next to a negative one in the same phase.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let plugins: Vec<_> = ctx.plugins().collect();
    for (i, r, spec, _) in &plugins {
        if spec.get("priority").is_some_and(|p| !p.is_null()) {
            continue;
        }
        let ph = phase(spec);
        let negative = plugins.iter().find(|(j, o, s, _)| {
            j != i
                && can_meet(ctx, &r.namespace, &o.namespace)
                && phase(s) == ph
                && s.get("priority")
                    .and_then(Node::as_i64)
                    .is_some_and(|p| p < 0)
        });
        if let Some((_, o, _, _)) = negative {
            let at = spec.get("phase").map_or(r.pos(), |p| p.pos);
            sink.report(
                *i,
                at,
                format!(
                    "priority is unset, so this plugin runs after {} whose priority is negative",
                    o.id()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{WP, run};

    fn count(yaml: &str) -> usize {
        run(&super::RULE, yaml, 30).len()
    }

    #[test]
    fn cases() {
        let p = |name: &str, ns: &str, phase: &str, prio: &str| {
            format!(
                "{WP}metadata: {{name: {name}, namespace: {ns}}}\nspec:\n  url: file:///p.wasm\n  phase: {phase}\n{prio}---\n"
            )
        };
        let neg = p("n", "a", "AUTHN", "  priority: -1\n");
        assert_eq!(count(&format!("{neg}{}", p("u", "a", "AUTHN", ""))), 1);
        assert_eq!(
            count(&format!("{neg}{}", p("u", "a", "AUTHZ", ""))),
            0,
            "other phase"
        );
        assert_eq!(
            count(&format!("{neg}{}", p("u", "b", "AUTHN", ""))),
            0,
            "other namespace"
        );
        assert_eq!(
            count(&format!("{neg}{}", p("u", "istio-system", "AUTHN", ""))),
            1,
            "root namespace"
        );
    }
}
