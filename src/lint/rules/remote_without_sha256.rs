//! MS1007 remote-url-without-sha256: A remote (http, https or OCI) module url without sha256

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1007",
    name: "remote-url-without-sha256",
    severity: Severity::Info,
    summary: "A remote (http, https or OCI) module url without sha256",
    hint: "Set sha256 to the module's checksum",
    docs: include_str!("docs/MS1007.md"),
    check,
};

use super::oci_latest_without_sha256::url_digest;
use crate::lint::validate::url::{cel_url_ok, parse_lenient, scheme_of};

/// Reports remote urls without sha256 (the :latest case is MS1006's).
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, _, _, module) in ctx.plugins() {
        let Some(url) = module.get("url") else {
            continue;
        };
        let text = url.display();
        let has_sha = module
            .get("sha256")
            .is_some_and(|s| !s.display().is_empty());
        // A url that is no URL at all is the validation rules' finding, not a module.
        if !cel_url_ok(&text) && parse_lenient(&text).is_err() {
            continue;
        }
        let scheme = scheme_of(&text);
        if !matches!(scheme.as_str(), "http" | "https" | "oci")
            || has_sha
            || url_digest(&text).is_some()
        {
            continue;
        }
        if scheme == "oci" && text.ends_with(":latest") {
            continue;
        }
        sink.report(
            i,
            url.pos,
            format!("remote {scheme} module without sha256: not verified after download"),
        );
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
        assert_eq!(count(&p("http://x.io/p.wasm")), 1);
        assert_eq!(count(&p("oci://ghcr.io/a/b:v1")), 1);
        assert_eq!(
            count(&p("oci://ghcr.io/a/b:latest")),
            0,
            "MS1006 reports it"
        );
        assert_eq!(count(&p("file:///p.wasm")), 0);
        assert_eq!(
            count(&p(
                "oci://ghcr.io/a/b@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            )),
            0
        );
    }
}
