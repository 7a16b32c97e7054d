//! MS1016 gateway-ref-elsewhere: A Gateway targetRef names a Gateway that is not in the plugin's namespace

use super::{Context, Rule, Sink};
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1016",
    name: "gateway-ref-elsewhere",
    severity: Severity::Warning,
    summary: "A Gateway targetRef names a Gateway that is not in the plugin's namespace",
    hint: "Create the plugin in the Gateway's namespace: targetRefs reach only the plugin's own namespace",
    docs: include_str!("docs/MS1016.md"),
    check,
};

/// Warns on a Gateway reference whose Gateway the input has only in other namespaces:
/// `ShouldAttachPolicy` (pilot/pkg/model/policyattachment.go) matches a Gateway ref only on
/// the gateway in the policy's own namespace (the root namespace does not widen it). Silent
/// when the input holds no Gateway of that name at all (it may live elsewhere).
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let gateways: Vec<(&str, &str)> = ctx
        .resources
        .iter()
        .filter(|r| r.group() == "gateway.networking.k8s.io" && r.kind == "Gateway")
        .map(|r| (r.namespace.as_str(), r.name.as_str()))
        .collect();
    for (i, r, spec, _) in ctx.plugins() {
        for t in super::filter_list::target_refs(spec) {
            if (t.group.as_str(), t.kind.as_str()) != ("gateway.networking.k8s.io", "Gateway") {
                continue;
            }
            let found: Vec<&str> = gateways
                .iter()
                .filter(|(_, name)| *name == t.name)
                .map(|(ns, _)| *ns)
                .collect();
            if found.is_empty() || found.contains(&r.namespace.as_str()) {
                continue;
            }
            sink.report(
                i,
                t.node.pos,
                format!(
                    "Gateway {} is in namespace {}, not the plugin's namespace {}: the reference attaches nowhere",
                    t.name,
                    found.join(", "),
                    r.namespace
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{WP, run};

    const GW: &str = "---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\n";

    fn count(plugin_ns: &str, gateway_ns: Option<&str>) -> usize {
        let mut yaml = format!(
            "{WP}metadata: {{name: p, namespace: {plugin_ns}}}\nspec:\n  url: file:///p.wasm\n  targetRefs:\n  - {{group: gateway.networking.k8s.io, kind: Gateway, name: ingress}}\n"
        );
        if let Some(ns) = gateway_ns {
            yaml.push_str(&format!(
                "{GW}metadata: {{name: ingress, namespace: {ns}}}\nspec: {{gatewayClassName: istio}}\n"
            ));
        }
        run(&super::RULE, &yaml, 30).len()
    }

    #[test]
    fn a_gateway_ref_reaches_its_own_namespace_only() {
        assert_eq!(count("apps", Some("apps")), 0);
        assert_eq!(count("apps", Some("edge")), 1);
        assert_eq!(
            count("istio-system", Some("edge")),
            1,
            "the root namespace does not widen refs"
        );
        assert_eq!(count("apps", None), 0, "no Gateway in the input: silent");
    }
}
