//! MS1008 sha256-digest-mismatch: sha256 disagrees with the @sha256: digest in the url

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1008",
    name: "sha256-digest-mismatch",
    severity: Severity::Warning,
    summary: "sha256 disagrees with the @sha256: digest in the url",
    hint: "Make sha256 equal to the url's digest, or drop one of them",
    docs: include_str!("docs/MS1008.md"),
    check,
};

use super::oci_latest_without_sha256::url_digest;

/// Warns when both digests are given and differ.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, _, _, module) in ctx.plugins() {
        let (Some(url), Some(sha)) = (module.get("url"), module.get("sha256")) else {
            continue;
        };
        let (text, sha_text) = (url.display(), sha.display());
        if let Some(d) = url_digest(&text)
            && !sha_text.is_empty()
            && d != sha_text
        {
            sink.report(
                i,
                sha.pos,
                format!("sha256 {sha_text} differs from the url digest {d}"),
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
        let d = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let p = |sha: &str| {
            format!(
                "{WP}metadata: {{name: p}}\nspec:\n  url: oci://ghcr.io/a@sha256:{d}\n  sha256: {sha}\n"
            )
        };
        assert_eq!(count(&p(&d.replace("e3", "f3"))), 1);
        assert_eq!(count(&p(d)), 0);
    }
}
