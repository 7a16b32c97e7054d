//! MS1005 same-phase-priority: Two plugins with the same phase and priority apply to the same workloads

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1005",
    name: "same-phase-priority",
    severity: Severity::Warning,
    summary: "Two plugins with the same phase and priority apply to the same workloads",
    hint: "Give the plugins distinct priorities so their order is explicit",
    docs: include_str!("docs/MS1005.md"),
    check,
};

use super::unset_priority_after_negative::{can_meet, phase};
use crate::lint::context::match_labels;

/// Warns on the later of two plugins with equal phase and priority on shared workloads.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let plugins: Vec<_> = ctx.plugins().collect();
    for (n, (i, r, spec, _)) in plugins.iter().enumerate() {
        let prio = |s: &Node| s.get("priority").and_then(Node::as_i64);
        let clash = plugins[..n].iter().find(|(_, o, s, _)| {
            if !can_meet(ctx, &r.namespace, &o.namespace)
                || phase(s) != phase(spec)
                || prio(s) != prio(spec)
            {
                return false;
            }
            if ctx.has_workloads() {
                let mine = ctx.selected(&r.namespace, spec);
                ctx.selected(&o.namespace, s)
                    .iter()
                    .any(|w| mine.iter().any(|m| m.id == w.id))
            } else {
                r.namespace == o.namespace && match_labels(s) == match_labels(spec)
            }
        });
        if let Some((_, o, _, _)) = clash {
            let at = spec
                .get("priority")
                .or_else(|| spec.get("phase"))
                .map_or(r.pos(), |p| p.pos);
            sink.report(
                *i,
                at,
                format!("same phase and priority as {} on the same workloads: their order is not defined by the spec", o.id()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{POD, WP, run};

    fn count(yaml: &str) -> usize {
        run(&super::RULE, yaml, 30).len()
    }

    #[test]
    fn cases() {
        let p = |name: &str, app: &str| {
            format!(
                "{WP}metadata: {{name: {name}, namespace: a}}\nspec:\n  url: file:///p.wasm\n  selector: {{matchLabels: {{app: {app}}}}}\n  priority: 1\n---\n"
            )
        };
        assert_eq!(count(&format!("{}{}", p("x", "w"), p("y", "w"))), 1);
        assert_eq!(count(&format!("{}{}", p("x", "w"), p("y", "v"))), 0);
        let pods = format!("{POD}metadata: {{name: w, namespace: a, labels: {{app: w}}}}\n");
        assert_eq!(
            count(&format!("{}{}{pods}", p("x", "w"), p("y", "v"))),
            0,
            "disjoint workloads"
        );
    }
}
