//! MS3005 duplicate-chain-match: Two filter chains of a listener have the same match

use super::{Context, Rule, Sink};
use crate::analysis::explain::Warning;
use crate::analysis::listener::cell_text::match_text;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS3005",
    name: "duplicate-chain-match",
    severity: Severity::Warning,
    summary: "Two filter chains of a listener have the same filter_chain_match (--dump)",
    hint: "Make the matches differ (or merge the chains); Envoy rejects the listener as it is",
    docs: include_str!("../../../docs/rules/MS3005.md"),
    check,
};

/// Reports explain's identical-matches warnings at the later chain.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let Some(dump) = &ctx.dump else { return };
    for l in &dump.listeners {
        for w in &l.warnings {
            let Warning::IdenticalMatches { first, second } = w else {
                continue;
            };
            let (first_name, _) = l.chain(*first);
            let (name, pos) = l.chain(*second);
            let matched = l
                .chains
                .get(*second)
                .map_or(String::new(), |c| match_text(&c.chain_match));
            sink.report_in_dump(
                pos,
                format!(
                    "chain {name} of listener {} has the same match as chain {first_name} \
                     ({matched}): Envoy rejects a listener with two identical matches",
                    l.label()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::run_dump;

    fn dump(a: &str, b: &str) -> String {
        format!(
            r#"[{{"name":"l","listener_filters":[{{"name":"envoy.filters.listener.tls_inspector"}}],
            "filter_chains":[{{"name":"a","filter_chain_match":{a}}},
            {{"name":"b","filter_chain_match":{b}}}]}}]"#
        )
    }

    #[test]
    fn same_sets_in_any_order() {
        let found = run_dump(
            &super::RULE,
            &dump(
                r#"{"server_names":["x","y"]}"#,
                r#"{"server_names":["y","x"]}"#,
            ),
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].line, 3);
        assert!(found[0].message.contains("chain b"));
        assert!(
            run_dump(
                &super::RULE,
                &dump(r#"{"server_names":["x"]}"#, r#"{"server_names":["y"]}"#)
            )
            .is_empty()
        );
    }
}
