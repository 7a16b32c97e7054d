//! MS3005 duplicate-chain-match: A listener Envoy would refuse to load (DOMAIN.md §3.2)
//!
//! The rule began with two chains of identical matches and now covers every refusal
//! `analysis::explain::refusal` finds (same or overlapping matching rules, partial
//! `server_names` wildcards, ports outside 1–65535, matcher chains without a unique name):
//! one rule, so one refusal is one finding, and `--disable MS3005` keeps working.

use super::{Context, Rule, Sink};
use crate::analysis::explain::Warning;
use crate::lint::finding::Severity;
use crate::render::explain::refusal::refusal_words;

/// The rule. An error: Envoy NACKs such a listener, so what the dump shows never runs.
pub static RULE: Rule = Rule {
    code: "MS3005",
    name: "duplicate-chain-match",
    severity: Severity::Error,
    summary: "A listener Envoy would refuse to load: chains with the same or overlapping matching rules, a partial server_names wildcard, port 0, matcher chains without a unique name (--dump)",
    hint: "Fix what Envoy's quoted message names (make the matches differ or merge the chains, use *.suffix server names, ports 1-65535, unique chain names); Envoy refuses the listener as it is",
    docs: include_str!("docs/MS3005.md"),
    check,
};

/// Reports each refusal at the chain Envoy stops at, quoting Envoy's message.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let Some(dump) = &ctx.dump else { return };
    for l in &dump.listeners {
        for w in &l.warnings {
            let Warning::WouldRefuse(r) = w else {
                continue;
            };
            let (_, pos) = l.chain(r.chain());
            let words = refusal_words(
                r,
                |i| format!("chain {}", l.chain(i).0),
                // Envoy quotes the name as configured, empty when there is none.
                |i| match l.chain(i).0 {
                    "-" => String::new(),
                    n => n.to_string(),
                },
                |v| v.to_string(),
            );
            sink.report_in_dump(
                pos,
                format!("Envoy would refuse listener {}: {words}", l.label()),
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

    /// `verifyNoDuplicateMatchers` compares in list order; the same set in another order
    /// fails in `addFilterChainForSourcePorts` instead. Either way one finding, at `b`.
    #[test]
    fn same_rules_in_any_order() {
        let found = run_dump(
            &super::RULE,
            &dump(
                r#"{"server_names":["x","y"]}"#,
                r#"{"server_names":["x","y"]}"#,
            ),
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].line, 3);
        assert_eq!(
            found[0].message,
            "Envoy would refuse listener l: chain b has the same filter_chain_match as chain a \
             (Envoy: \"filter chain 'b' has the same matching rules defined as 'a'\")"
        );
        let found = run_dump(
            &super::RULE,
            &dump(
                r#"{"server_names":["x","y"]}"#,
                r#"{"server_names":["y","x"]}"#,
            ),
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("overlapping matching rules"));
        assert!(
            run_dump(
                &super::RULE,
                &dump(r#"{"server_names":["x"]}"#, r#"{"server_names":["y"]}"#)
            )
            .is_empty()
        );
    }

    /// A listener Envoy accepts although it leaves a choice open (no `prefix_ranges` vs
    /// `0.0.0.0/0`, DOMAIN.md §3) is no finding.
    #[test]
    fn catch_all_tie_is_not_a_refusal() {
        let found = run_dump(
            &super::RULE,
            &dump(
                "{}",
                r#"{"prefix_ranges":[{"address_prefix":"0.0.0.0","prefix_len":0}]}"#,
            ),
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
