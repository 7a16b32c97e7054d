//! MS1009 pull-always-on-digest: imagePullPolicy Always on a digest-pinned url

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1009",
    name: "pull-always-on-digest",
    severity: Severity::Info,
    summary: "imagePullPolicy Always on a digest-pinned url",
    hint: "Drop imagePullPolicy (or use IfNotPresent): a digest never changes",
    docs: include_str!("docs/MS1009.md"),
    check,
};

use super::oci_latest_without_sha256::url_digest;

/// Reports Always with an `@sha256:` url.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, _, _, module) in ctx.plugins() {
        let (Some(url), Some(policy)) = (module.get("url"), module.get("imagePullPolicy")) else {
            continue;
        };
        if policy.display() == "Always" && url_digest(&url.display()).is_some() {
            sink.report(
                i,
                policy.pos,
                "imagePullPolicy Always on a digest-pinned url",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{WP, run};

    fn count(yaml: &str) -> usize {
        run(&super::RULE, yaml, 30).len()
    }

    #[test]
    fn cases() {
        let p = |url: &str| {
            format!("{WP}metadata: {{name: p}}\nspec:\n  url: {url}\n  imagePullPolicy: Always\n")
        };
        assert_eq!(
            count(&p(
                "oci://ghcr.io/a@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            )),
            1
        );
        assert_eq!(count(&p("oci://ghcr.io/a:v1")), 0);
    }
}
