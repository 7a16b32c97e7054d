//! MS1012 selector-on-waypoint: A selector-based plugin picks only waypoint pods, which never apply selectors

use super::{Context, Rule, Sink};
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1012",
    name: "selector-on-waypoint",
    severity: Severity::Warning,
    summary: "A selector-based plugin picks only waypoint pods, which never apply selectors",
    hint: "Target the waypoint's Service (targetRefs kind Service) or, from the root namespace, GatewayClass istio-waypoint",
    docs: include_str!("docs/MS1012.md"),
    check,
};

/// `gateway.istio.io/managed: istio.io-mesh-controller` marks a waypoint's pods
/// (`IsWaypointProxy`, pilot/pkg/model/context.go).
fn is_waypoint(w: &crate::istio::workload::Workload) -> bool {
    w.labels.get("gateway.istio.io/managed").map(String::as_str) == Some("istio.io-mesh-controller")
}

/// Warns when a plugin without targetRefs selects workloads and every one is a waypoint:
/// `ShouldAttachPolicy` (pilot/pkg/model/policyattachment.go) never applies a selector on
/// a waypoint, so the plugin runs nowhere it was meant to.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, r, spec, _) in ctx.plugins() {
        if !super::filter_list::target_refs(spec).is_empty() {
            continue;
        }
        let picked = ctx.selected(&r.namespace, spec);
        if picked.is_empty() || !picked.iter().all(|w| is_waypoint(w)) {
            continue;
        }
        let at = spec.get("selector").map_or(r.pos(), |s| s.pos);
        let names: Vec<&str> = picked.iter().map(|w| w.id.as_str()).collect();
        sink.report(
            i,
            at,
            format!(
                "the selector picks only waypoint pods ({}), and waypoints never apply selector-based plugins",
                names.join(", ")
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{POD, WP, run};

    fn count(yaml: &str) -> usize {
        run(&super::RULE, yaml, 30).len()
    }

    /// `ShouldAttachPolicy`: a waypoint with no targetRefs on the plugin never attaches it.
    #[test]
    fn cases() {
        let plugin = format!(
            "{WP}metadata: {{name: p, namespace: a}}\nspec:\n  url: file:///p.wasm\n  selector: {{matchLabels: {{gateway.networking.k8s.io/gateway-name: waypoint}}}}\n"
        );
        let waypoint = format!(
            "{POD}metadata: {{name: w, namespace: a, labels: {{gateway.networking.k8s.io/gateway-name: waypoint, gateway.istio.io/managed: istio.io-mesh-controller}}}}\n"
        );
        let gateway = format!(
            "{POD}metadata: {{name: g, namespace: a, labels: {{gateway.networking.k8s.io/gateway-name: waypoint, gateway.istio.io/managed: istio.io-gateway-controller}}}}\n"
        );
        assert_eq!(count(&plugin), 0, "silent without workloads");
        assert_eq!(count(&format!("{plugin}{waypoint}")), 1);
        assert_eq!(
            count(&format!("{plugin}{gateway}")),
            0,
            "a gateway applies selectors"
        );
        assert_eq!(
            count(&format!("{plugin}{waypoint}{gateway}")),
            0,
            "not only waypoints"
        );
    }
}
