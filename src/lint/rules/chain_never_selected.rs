//! MS3006 chain-never-selected: No connection can reach a filter chain

use super::{Context, Rule, Sink};
use crate::analysis::explain::Warning;
use crate::analysis::listener::cell_text::match_text;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS3006",
    name: "chain-never-selected",
    severity: Severity::Warning,
    summary: "A filter chain that no connection can select (--dump)",
    hint: "Remove the chain, or narrow the chain that shadows it",
    docs: include_str!("docs/MS3006.md"),
    check,
};

/// Reports explain's never-selected warnings at the chain.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let Some(dump) = &ctx.dump else { return };
    for l in &dump.listeners {
        // Which chains a listener Envoy refuses would select is moot: MS3005 says why.
        if l.warnings
            .iter()
            .any(|w| matches!(w, Warning::WouldRefuse(_)))
        {
            continue;
        }
        for w in &l.warnings {
            let Warning::NeverSelected { chain } = w else {
                continue;
            };
            let (name, pos) = l.chain(*chain);
            let why = if l.uses_matcher {
                "no branch of the listener's filter_chain_matcher leads to it".to_string()
            } else {
                let matched = l
                    .chains
                    .get(*chain)
                    .map_or(String::new(), |c| match_text(&c.chain_match));
                format!("every connection its match ({matched}) takes goes to another chain")
            };
            sink.report_in_dump(
                pos,
                format!(
                    "chain {name} of listener {} is never selected: {why}",
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
            r#"[{{"name":"l","filter_chains":[{{"name":"a","filter_chain_match":{a}}},
            {{"name":"b","filter_chain_match":{b}}}]}}]"#
        )
    }

    #[test]
    fn shadowed_chain() {
        // Every connection is local or external, and a specific source type beats ANY.
        let local = r#"{"destination_port":80,"source_type":"SAME_IP_OR_LOOPBACK"}"#;
        let external = r#"{"destination_port":80,"source_type":"EXTERNAL"}"#;
        let any = r#"{"destination_port":80}"#;
        let three = format!(
            r#"[{{"name":"l","filter_chains":[{{"name":"a","filter_chain_match":{local}}},
            {{"name":"b","filter_chain_match":{external}}},
            {{"name":"c","filter_chain_match":{any}}}]}}]"#
        );
        let found = run_dump(&super::RULE, &three);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("chain c"), "{found:#?}");
        assert_eq!(found[0].line, 3);
        assert!(run_dump(&super::RULE, &dump(local, any)).is_empty());
    }

    #[test]
    fn matcher_listener() {
        let dump = r#"[{"name":"l","filter_chains":[{"name":"a"},{"name":"b"}],
            "filter_chain_matcher":{"on_no_match":{"action":{"name":"x","typed_config":{"@type":"type.googleapis.com/google.protobuf.StringValue","value":"a"}}}}}]"#;
        let found = run_dump(&super::RULE, dump);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("chain b"));
        assert!(found[0].message.contains("filter_chain_matcher"));
    }
}
