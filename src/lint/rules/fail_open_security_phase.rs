//! MS1003 fail-open-security-phase: An AUTHN or AUTHZ plugin uses failStrategy FAIL_OPEN

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1003",
    name: "fail-open-security-phase",
    severity: Severity::Warning,
    summary: "An AUTHN or AUTHZ plugin uses failStrategy FAIL_OPEN",
    hint: "Use FAIL_CLOSE (the default) for security plugins",
    docs: include_str!("docs/MS1003.md"),
    check,
};

/// Warns on FAIL_OPEN with phase AUTHN or AUTHZ.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, _, spec, module) in ctx.plugins() {
        let phase = spec
            .get("phase")
            .map(|p| p.display().into_owned())
            .unwrap_or_default();
        let Some(fail) = module.get("failStrategy") else {
            continue;
        };
        if fail.display() == "FAIL_OPEN" && matches!(phase.as_str(), "AUTHN" | "AUTHZ") {
            sink.report(
                i,
                fail.pos,
                format!(
                    "FAIL_OPEN on an {phase} plugin: a fetch failure lets every request through"
                ),
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
        let p = |phase: &str| {
            format!(
                "{WP}metadata: {{name: p}}\nspec:\n  url: file:///p.wasm\n  phase: {phase}\n  failStrategy: FAIL_OPEN\n"
            )
        };
        assert_eq!(count(&p("AUTHN")), 1);
        assert_eq!(count(&p("AUTHZ")), 1);
        assert_eq!(count(&p("UNSPECIFIED_PHASE")), 0);
    }
}
