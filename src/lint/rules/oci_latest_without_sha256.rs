//! MS1006 oci-latest-without-sha256: An OCI url with the :latest tag and no sha256

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1006",
    name: "oci-latest-without-sha256",
    severity: Severity::Warning,
    summary: "An OCI url with the :latest tag and no sha256",
    hint: "Pin the module: set sha256 or use an @sha256: digest",
    docs: include_str!("docs/MS1006.md"),
    check,
};

use crate::lint::validate::url::scheme_of;

/// Whether the url pins a digest with `@sha256:`.
pub(crate) fn url_digest(url: &str) -> Option<&str> {
    url.rsplit_once("@sha256:").map(|(_, d)| d)
}

/// Warns on `:latest` OCI urls without sha256.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, _, _, module) in ctx.plugins() {
        let Some(url) = module.get("url") else {
            continue;
        };
        let text = url.display();
        let has_sha = module
            .get("sha256")
            .is_some_and(|s| !s.display().is_empty());
        if scheme_of(&text) == "oci"
            && text.ends_with(":latest")
            && !has_sha
            && url_digest(&text).is_none()
        {
            sink.report(
                i,
                url.pos,
                "OCI tag :latest without sha256: re-pulled on every change, unverified",
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
        let p = |url: &str| format!("{WP}metadata: {{name: p}}\nspec:\n  url: {url}\n");
        assert_eq!(count(&p("ghcr.io/a/b:latest")), 1, "no scheme means oci");
        assert_eq!(count(&p("oci://ghcr.io/a/b:v1")), 0);
        assert_eq!(count(&p("https://x.io/b:latest")), 0);
    }
}
