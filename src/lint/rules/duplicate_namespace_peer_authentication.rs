//! MS2002 duplicate-namespace-peer-authentication: Two namespace-wide (or mesh-wide) PeerAuthentications in one namespace

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS2002",
    name: "duplicate-namespace-peer-authentication",
    severity: Severity::Warning,
    summary: "Two namespace-wide (or mesh-wide) PeerAuthentications in one namespace",
    hint: "Merge them into one policy; only the oldest applies",
    docs: include_str!("docs/MS2002.md"),
    check,
};

use crate::lint::context::has_labels;
use crate::lint::validate::IstioKind;

/// Warns on every namespace-wide policy but the oldest (creationTimestamp, then name).
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let mut wide: Vec<_> = ctx
        .of_kind(IstioKind::PeerAuthentication)
        .filter(|(_, _, spec)| !has_labels(spec))
        .collect();
    wide.sort_by(|a, b| {
        (&a.1.namespace, &a.1.creation_timestamp, &a.1.name).cmp(&(
            &b.1.namespace,
            &b.1.creation_timestamp,
            &b.1.name,
        ))
    });
    for pair in wide.windows(2) {
        let (older, newer) = (&pair[0], &pair[1]);
        if older.1.namespace != newer.1.namespace {
            continue;
        }
        let level = if newer.1.namespace == ctx.root_namespace {
            "mesh"
        } else {
            "namespace"
        };
        let at = newer
            .1
            .node
            .path(&["metadata", "name"])
            .map_or(newer.1.pos(), |n| n.pos);
        sink.report(
            newer.0,
            at,
            format!(
                "{level}-level PeerAuthentication {} is ignored: {} is older and wins",
                newer.1.id(),
                older.1.id()
            ),
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
    fn cases() {
        let p = |name: &str, ts: &str| {
            format!(
                "{PA}metadata: {{name: {name}, namespace: a, creationTimestamp: \"{ts}\"}}\nspec: {{mtls: {{mode: STRICT}}}}\n---\n"
            )
        };
        let findings = run(
            &super::RULE,
            &format!(
                "{}{}",
                p("b", "2024-01-01T00:00:00Z"),
                p("a", "2025-01-01T00:00:00Z")
            ),
            30,
        );
        assert_eq!(findings.len(), 1);
        assert!(
            findings[0].message.contains("a/a is ignored"),
            "the newer one: {}",
            findings[0].message
        );
        let labelled = format!(
            "{PA}metadata: {{name: c, namespace: a}}\nspec: {{selector: {{matchLabels: {{x: y}}}}}}\n"
        );
        assert_eq!(
            count(&format!("{}{labelled}", p("b", "2024-01-01T00:00:00Z"))),
            0
        );
    }
}
