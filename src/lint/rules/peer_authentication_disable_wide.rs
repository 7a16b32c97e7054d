//! MS2005 peer-authentication-disable-wide: a namespace-wide or mesh-wide PeerAuthentication
//! that turns mTLS off

use super::{Context, Rule, Sink};
use crate::lint::context::has_labels;
use crate::lint::finding::Severity;
use crate::lint::validate::IstioKind;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS2005",
    name: "peer-authentication-disable-wide",
    severity: Severity::Info,
    summary: "A namespace-wide or mesh-wide PeerAuthentication with mtls mode DISABLE",
    hint: "Scope DISABLE to the workloads (and ports) that need plaintext with a selector and portLevelMtls",
    docs: include_str!("docs/MS2005.md"),
    check,
};

/// Reports `mtls.mode: DISABLE` on a policy without a selector: in the root namespace it
/// applies to the whole mesh, elsewhere to every workload of its namespace (DOMAIN.md §7).
/// A workload policy's DISABLE is left to MS2004, which knows whether the mesh is STRICT.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, r, spec) in ctx.of_kind(IstioKind::PeerAuthentication) {
        if has_labels(spec) {
            continue;
        }
        let Some(mode) = spec.path(&["mtls", "mode"]) else {
            continue;
        };
        if mode.display() != "DISABLE" {
            continue;
        }
        let scope = if r.namespace == ctx.root_namespace {
            "the whole mesh (a policy without a selector in the root namespace)".to_string()
        } else {
            format!("every workload in namespace {:?}", r.namespace)
        };
        sink.report(
            i,
            mode.pos,
            format!("DISABLE turns mTLS off for {scope}: sidecars accept only plaintext"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{PA, run};

    fn count(yaml: &str) -> usize {
        run(&super::RULE, yaml, 30).len()
    }

    #[test]
    fn namespace_and_mesh_wide_disable_only() {
        let pa = |ns: &str, extra: &str, mode: &str| {
            format!(
                "{PA}metadata: {{name: p, namespace: {ns}}}\nspec:\n{extra}  mtls: {{mode: {mode}}}\n"
            )
        };
        assert_eq!(count(&pa("istio-system", "", "DISABLE")), 1);
        assert_eq!(count(&pa("foo", "", "DISABLE")), 1);
        assert_eq!(count(&pa("foo", "", "PERMISSIVE")), 0);
        assert_eq!(count(&pa("foo", "", "STRICT")), 0);
        let selector = "  selector: {matchLabels: {app: a}}\n";
        assert_eq!(count(&pa("foo", selector, "DISABLE")), 0);
    }
}
