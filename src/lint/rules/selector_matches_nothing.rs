//! MS1010 selector-matches-nothing: A selector matches no workload in the input

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1010",
    name: "selector-matches-nothing",
    severity: Severity::Warning,
    summary: "A selector matches no workload in the input",
    hint: "Fix the labels, or lint together with the workload manifests they should select",
    docs: include_str!("docs/MS1010.md"),
    check,
};

use crate::lint::context::has_labels;
use crate::lint::validate::IstioKind;

/// Warns on selectors with labels that pick no workload (only when workloads are given).
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    if !ctx.has_workloads() {
        return;
    }
    let kinds = [
        IstioKind::WasmPlugin,
        IstioKind::TrafficExtension,
        IstioKind::PeerAuthentication,
    ];
    for kind in kinds {
        for (i, r, spec) in ctx.of_kind(kind) {
            if !has_labels(spec) || !ctx.selected(&r.namespace, spec).is_empty() {
                continue;
            }
            if kind == IstioKind::PeerAuthentication && r.namespace == ctx.root_namespace {
                continue; // ignored anyway: MS2003
            }
            let at = spec.entry("selector").map_or(r.pos(), |(k, _)| k.pos);
            sink.report(
                i,
                at,
                format!(
                    "selector of {} {} matches no workload in the input",
                    r.kind,
                    r.id()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{PA, POD, run};

    fn count(yaml: &str) -> usize {
        run(&super::RULE, yaml, 30).len()
    }

    #[test]
    fn cases() {
        let pa = format!(
            "{PA}metadata: {{name: p, namespace: a}}\nspec:\n  selector: {{matchLabels: {{app: w}}}}\n"
        );
        assert_eq!(count(&pa), 0, "silent without workloads");
        let other_ns = format!("{POD}metadata: {{name: w, namespace: b, labels: {{app: w}}}}\n");
        assert_eq!(count(&format!("{pa}{other_ns}")), 1);
        let deploy = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: a}\nspec:\n  template:\n    metadata: {labels: {app: w}}\n";
        assert_eq!(count(&format!("{pa}{deploy}")), 0, "pod templates count");
    }
}
