//! MS1002 selector-on-gateway-api: A selector-based plugin selects pods managed by a Gateway API gateway or waypoint

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1002",
    name: "selector-on-gateway-api",
    severity: Severity::Warning,
    summary: "A selector-based plugin selects pods managed by a Gateway API gateway or waypoint",
    hint: "Attach the plugin with targetRefs to the Gateway (or the waypoint's Service) instead of a selector",
    docs: include_str!("docs/MS1002.md"),
    check,
};

/// Warns on plugins without targetRefs whose selector picks a Gateway API pod.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, r, spec, _) in ctx.plugins() {
        let Some((key, _)) = spec.entry("selector") else {
            continue;
        };
        if spec.get("targetRef").is_some() || spec.get("targetRefs").is_some() {
            continue;
        }
        if let Some(gw) = ctx
            .selected(&r.namespace, spec)
            .into_iter()
            .find(|w| w.is_gateway_api())
        {
            sink.report(
                i,
                key.pos,
                format!(
                    "selector picks {}, a Gateway API gateway or waypoint pod; use targetRefs",
                    gw.id
                ),
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
        let plugin = format!(
            "{WP}metadata: {{name: p, namespace: a}}\nspec:\n  url: file:///p.wasm\n  selector: {{matchLabels: {{app: w}}}}\n"
        );
        let waypoint = format!(
            "{POD}metadata: {{name: w, namespace: a, labels: {{app: w, gateway.istio.io/managed: istio.io-mesh-controller}}}}\n"
        );
        assert_eq!(count(&format!("{plugin}{waypoint}")), 1);
        let classic = format!(
            "{POD}metadata: {{name: w, namespace: a, labels: {{app: w, istio: ingressgateway}}}}\n"
        );
        assert_eq!(count(&format!("{plugin}{classic}")), 0);
    }
}
