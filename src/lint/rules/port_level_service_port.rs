//! MS2001 port-level-service-port: portLevelMtls is keyed by a Service port that is not a target port of the selected pods

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS2001",
    name: "port-level-service-port",
    severity: Severity::Warning,
    summary: "portLevelMtls is keyed by a Service port that is not a target port of the selected pods",
    hint: "Key portLevelMtls by the container (target) port",
    docs: include_str!("docs/MS2001.md"),
    check,
};

use crate::lint::context::has_labels;
use crate::lint::validate::IstioKind;

/// Warns on keys that are a Service port but no target port of Services selecting the pods.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    if ctx.services.is_empty() {
        return;
    }
    for (i, r, spec) in ctx.of_kind(IstioKind::PeerAuthentication) {
        if !has_labels(spec) {
            continue;
        }
        let Some(ports) = spec.get("portLevelMtls") else {
            continue;
        };
        let pods = ctx.selected(&r.namespace, spec);
        let services: Vec<_> = ctx
            .services
            .iter()
            .filter(|s| {
                !s.selector.is_empty()
                    && pods
                        .iter()
                        .any(|w| w.namespace == s.namespace && w.matches(&s.selector))
            })
            .collect();
        for (k, _) in ports.entries() {
            let Ok(port) = k.display().parse::<i64>() else {
                continue;
            };
            let pairs = services.iter().flat_map(|s| s.ports.iter());
            let is_target = pairs.clone().any(|(_, t)| *t == Some(port));
            let target = pairs
                .clone()
                .find(|(p, _)| *p == port)
                .and_then(|(_, t)| *t);
            if let (false, Some(t)) = (is_target, target) {
                sink.report(
                    i,
                    k.pos,
                    format!(
                        "port {port} is a Service port; portLevelMtls takes the target port {t}"
                    ),
                );
            }
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
            "{PA}metadata: {{name: p, namespace: a}}\nspec:\n  selector: {{matchLabels: {{app: w}}}}\n  portLevelMtls: {{8000: {{mode: DISABLE}}}}\n"
        );
        assert_eq!(count(&pa), 0, "silent without Services");
        let svc = |target: u32| {
            format!(
                "---\napiVersion: v1\nkind: Service\nmetadata: {{name: s, namespace: a}}\nspec:\n  selector: {{app: w}}\n  ports: [{{port: 8000, targetPort: {target}}}]\n"
            )
        };
        let pod = format!("{POD}metadata: {{name: w, namespace: a, labels: {{app: w}}}}\n");
        assert_eq!(count(&format!("{pa}{}{pod}", svc(80))), 1);
        assert_eq!(
            count(&format!("{pa}{}{pod}", svc(8000))),
            0,
            "port equals target port"
        );
    }
}
