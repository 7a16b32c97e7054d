//! MS2004 weaker-than-mesh-strict: A workload-level DISABLE or PERMISSIVE under a mesh-wide STRICT policy

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS2004",
    name: "weaker-than-mesh-strict",
    severity: Severity::Info,
    summary: "A workload-level DISABLE or PERMISSIVE under a mesh-wide STRICT policy",
    hint: "Make sure the exception is intended; it overrides mesh-wide STRICT",
    docs: include_str!("docs/MS2004.md"),
    check,
};

use crate::lint::context::has_labels;
use crate::lint::validate::IstioKind;

fn mode(n: &Node) -> Option<&Node> {
    n.path(&["mtls", "mode"])
}

/// Reports workload policies (and their ports) that relax a mesh-wide STRICT.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let mesh_strict = ctx
        .of_kind(IstioKind::PeerAuthentication)
        .filter(|(_, r, s)| r.namespace == ctx.root_namespace && !has_labels(s))
        .min_by(|a, b| {
            (&a.1.creation_timestamp, &a.1.name).cmp(&(&b.1.creation_timestamp, &b.1.name))
        })
        .is_some_and(|(_, _, s)| mode(s).is_some_and(|m| m.display() == "STRICT"));
    if !mesh_strict {
        return;
    }
    for (i, r, spec) in ctx.of_kind(IstioKind::PeerAuthentication) {
        if r.namespace == ctx.root_namespace || !has_labels(spec) {
            continue;
        }
        let ports = spec
            .get("portLevelMtls")
            .map(Node::entries)
            .unwrap_or_default();
        let modes = mode(spec)
            .into_iter()
            .chain(ports.iter().filter_map(|(_, v)| v.get("mode")));
        for m in modes {
            if matches!(m.display().as_ref(), "DISABLE" | "PERMISSIVE") {
                sink.report(
                    i,
                    m.pos,
                    format!("{} relaxes the mesh-wide STRICT mode", m.display()),
                );
            }
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
        let mesh = |mode: &str| {
            format!(
                "{PA}metadata: {{name: m, namespace: istio-system}}\nspec: {{mtls: {{mode: {mode}}}}}\n---\n"
            )
        };
        let wl = format!(
            "{PA}metadata: {{name: w, namespace: a}}\nspec:\n  selector: {{matchLabels: {{x: y}}}}\n  portLevelMtls: {{8080: {{mode: DISABLE}}}}\n"
        );
        assert_eq!(count(&format!("{}{wl}", mesh("STRICT"))), 1);
        assert_eq!(count(&format!("{}{wl}", mesh("PERMISSIVE"))), 0);
    }
}
