//! The published rule pages, `docs/rules/<CODE>.md` and their index, generated from the rule
//! registry: the registry's code, name, severity, summary and hint head each page, the
//! rule's own docs follow. SARIF's `helpUri` points at these pages, so they must exist for
//! every rule and say what the binary says (`tests/cli/rule_docs.rs` fails when one is
//! missing, stale or left over).

use crate::lint::rules::Rule;

/// Says where a page comes from, so nobody edits the generated file.
const GENERATED: &str = "<!-- Generated from meshscope's rule registry (src/lint/rules/); edit the rule, then \
run `SNAPSHOTS=overwrite cargo test --test cli rule_docs`. -->";

/// What a rule reads: manifests, or the config dump given with `--dump`.
fn input(rule: &Rule) -> &'static str {
    if rule.is_dump_rule() {
        "an Envoy config dump (`lint --dump`)"
    } else {
        "manifests"
    }
}

/// The page of one rule.
pub fn page(rule: &Rule) -> String {
    let mut s = String::new();
    s.push_str(GENERATED);
    s.push_str("\n\n");
    s.push_str(&format!("# {} {}\n\n", rule.code, rule.name));
    s.push_str(&format!("{}\n\n", rule.summary));
    s.push_str("| | |\n|---|---|\n");
    s.push_str(&format!("| Code | `{}` |\n", rule.code));
    s.push_str(&format!("| Name | `{}` |\n", rule.name));
    s.push_str(&format!(
        "| Default severity | {} |\n",
        rule.severity.as_str()
    ));
    s.push_str(&format!("| Reads | {} |\n", input(rule)));
    s.push_str(&format!("| Fix in one line | {} |\n", rule.hint));
    s.push_str(&format!(
        "| Turn off | `meshscope lint --disable {}` (or `--disable {}`) |\n\n",
        rule.code, rule.name
    ));
    s.push_str(rule.docs.trim_end());
    s.push('\n');
    s
}

/// The index page, `docs/rules/README.md`: one row per rule, linked to its page.
pub fn index(rules: &[&'static Rule]) -> String {
    let mut s = String::new();
    s.push_str(GENERATED);
    s.push_str("\n\n# meshscope lint rules\n\n");
    s.push_str(
        "MS0xxx: what the Istio API server and istiod reject; MS1xxx: WasmPlugin and \
TrafficExtension; MS2xxx: PeerAuthentication; MS3xxx: an Envoy config dump (`--dump`).\n\n",
    );
    s.push_str("| Code | Name | Severity | Finds |\n|---|---|---|---|\n");
    for r in rules {
        s.push_str(&format!(
            "| [{code}]({code}.md) | `{}` | {} | {} |\n",
            r.name,
            r.severity.as_str(),
            r.summary.replace('|', "\\|"),
            code = r.code,
        ));
    }
    s
}

/// Where a rule's page lives under `base` (a URL of the `docs/rules` folder, no trailing `/`).
pub fn page_url(base: &str, rule: &Rule) -> String {
    format!("{}/{}.md", base.trim_end_matches('/'), rule.code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::RULES;

    #[test]
    fn a_page_carries_the_registry_fields_and_the_docs() {
        let rule = RULES[0];
        let p = page(rule);
        assert!(p.contains(&format!("# {} {}", rule.code, rule.name)));
        assert!(p.contains(rule.summary));
        assert!(p.contains(rule.hint));
        assert!(p.contains(rule.severity.as_str()));
        assert!(p.ends_with(&format!("{}\n", rule.docs.trim_end())));
    }

    #[test]
    fn the_index_links_every_rule() {
        let i = index(RULES);
        for r in RULES {
            assert!(i.contains(&format!("[{0}]({0}.md)", r.code)), "{}", r.code);
        }
    }

    #[test]
    fn page_url_joins_without_doubling_slashes() {
        let rule = RULES[0];
        assert_eq!(
            page_url("https://example.org/x/docs/rules/", rule),
            format!("https://example.org/x/docs/rules/{}.md", rule.code)
        );
    }
}
