//! MS1013 gatewayclass-ref-not-waypoint: A GatewayClass targetRef attaches only as istio-waypoint from the root namespace

use super::{Context, Rule, Sink};
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1013",
    name: "gatewayclass-ref-not-waypoint",
    severity: Severity::Warning,
    summary: "A GatewayClass targetRef attaches only as istio-waypoint from the root namespace",
    hint: "Reference GatewayClass istio-waypoint from the root namespace, or target the Gateway or Service itself",
    docs: include_str!("docs/MS1013.md"),
    check,
};

/// Warns on a GatewayClass reference that `ShouldAttachPolicy` (pilot/pkg/model/
/// policyattachment.go) never matches: only `istio-waypoint`, only from the root namespace,
/// and only on waypoints (1.25+, where GatewayClass refs are allowed at all).
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    if ctx.version < 25 {
        return;
    }
    for (i, r, spec, _) in ctx.plugins() {
        for t in super::filter_list::target_refs(spec) {
            if (t.group.as_str(), t.kind.as_str()) != ("gateway.networking.k8s.io", "GatewayClass")
            {
                continue;
            }
            let why = if t.name != "istio-waypoint" {
                format!("GatewayClass {} is not istio-waypoint", t.name)
            } else if r.namespace != ctx.root_namespace {
                format!(
                    "the plugin is in namespace {}, not the root namespace {}",
                    r.namespace, ctx.root_namespace
                )
            } else {
                continue;
            };
            sink.report(
                i,
                t.node.pos,
                format!("this GatewayClass reference attaches nowhere: {why}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{WP, run};

    fn count(ns: &str, class: &str, version: u32) -> usize {
        let yaml = format!(
            "{WP}metadata: {{name: p, namespace: {ns}}}\nspec:\n  url: file:///p.wasm\n  targetRefs:\n  - {{group: gateway.networking.k8s.io, kind: GatewayClass, name: {class}}}\n"
        );
        run(&super::RULE, &yaml, version).len()
    }

    #[test]
    fn only_istio_waypoint_from_the_root_namespace_attaches() {
        assert_eq!(count("istio-system", "istio-waypoint", 30), 0);
        assert_eq!(count("istio-system", "istio", 30), 1);
        assert_eq!(count("apps", "istio-waypoint", 30), 1);
        assert_eq!(
            count("apps", "istio", 24),
            0,
            "before 1.25 validation rejects the kind"
        );
    }
}
