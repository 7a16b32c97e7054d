//! MS2003 root-namespace-selector: A PeerAuthentication with a selector in the root namespace

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS2003",
    name: "root-namespace-selector",
    severity: Severity::Warning,
    summary: "A PeerAuthentication with a selector in the root namespace",
    hint: "Move the policy to the workloads' namespace, or drop the selector for a mesh-wide policy",
    docs: include_str!("docs/MS2003.md"),
    check,
};

use crate::lint::context::has_labels;
use crate::lint::validate::IstioKind;

/// Warns on root-namespace policies with labels.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, r, spec) in ctx.of_kind(IstioKind::PeerAuthentication) {
        if r.namespace == ctx.root_namespace && has_labels(spec) {
            let at = spec.entry("selector").map_or(r.pos(), |(k, _)| k.pos);
            sink.report(
                i,
                at,
                format!(
                    "selector in the root namespace {}: this policy is ignored",
                    r.namespace
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{PA, run};

    fn count(yaml: &str) -> usize {
        run(&super::RULE, yaml, 30).len()
    }

    #[test]
    fn cases() {
        let p = |ns: &str| {
            format!(
                "{PA}metadata: {{name: p, namespace: {ns}}}\nspec: {{selector: {{matchLabels: {{x: y}}}}}}\n"
            )
        };
        assert_eq!(count(&p("istio-system")), 1);
        assert_eq!(count(&p("a")), 0);
        let wide = format!(
            "{PA}metadata: {{name: p, namespace: istio-system}}\nspec: {{mtls: {{mode: STRICT}}}}\n"
        );
        assert_eq!(count(&wide), 0);
    }
}
