//! MS3004 chain-missing-inspector: A chain matches what only a listener filter the listener lacks can set

use super::{Context, Rule, Sink};
use crate::analysis::explain::{Inspector, InspectorState, Warning};
use crate::analysis::listener::cell_text::match_text;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS3004",
    name: "chain-missing-inspector",
    severity: Severity::Warning,
    summary: "A chain matches transport tls, SNI or ALPN but the inspector that sets it does not run for its port (--dump)",
    hint: "Add the tls_inspector (or http_inspector) listener filter, or stop disabling it for the chain's port",
    docs: include_str!("docs/MS3004.md"),
    check,
};

/// Reports explain's missing-inspector warnings at the chain.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let Some(dump) = &ctx.dump else { return };
    for l in &dump.listeners {
        for w in &l.warnings {
            let Warning::MissingInspector {
                chain,
                inspector,
                state,
                port,
            } = w
            else {
                continue;
            };
            let (name, pos) = l.chain(*chain);
            let matched = l
                .chains
                .get(*chain)
                .map_or(String::new(), |c| match_text(&c.chain_match));
            let status = match (state, port) {
                (InspectorState::Disabled, Some(p)) => format!("disabled for port {p}"),
                (InspectorState::Disabled, None) => {
                    "disabled for the ports without chains of their own".to_string()
                }
                _ => "absent".to_string(),
            };
            let effect = match inspector {
                Inspector::Tls => {
                    "TLS connections arrive as raw_buffer without SNI or ALPN and land on another chain or none"
                }
                Inspector::Http => {
                    "plaintext HTTP arrives without ALPN and lands on another chain or none"
                }
            };
            sink.report_in_dump(
                pos,
                format!(
                    "chain {name} of listener {} matches {matched} but {} is {status}: {effect}",
                    l.label(),
                    inspector.filter_name()
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::run_dump;

    fn dump(listener_filters: &str, chain_match: &str) -> String {
        format!(
            r#"[{{"name":"l","listener_filters":[{listener_filters}],
            "filter_chains":[{{"name":"c","filter_chain_match":{chain_match}}},{{"name":"other"}}]}}]"#
        )
    }

    const TLS: &str = r#"{"destination_port":8443,"transport_protocol":"tls"}"#;
    const HTTP: &str = r#"{"destination_port":80,"application_protocols":["http/1.1"]}"#;

    #[test]
    fn absent_and_disabled_inspectors() {
        let found = run_dump(&super::RULE, &dump("", TLS));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].message.contains("tls_inspector is absent"));
        assert_eq!(found[0].line, 2);
        let disabled = r#"{"name":"envoy.filters.listener.tls_inspector","filter_disabled":{"destination_port_range":{"start":8443,"end":8444}}}"#;
        let found = run_dump(&super::RULE, &dump(disabled, TLS));
        assert!(
            found[0].message.contains("disabled for port 8443"),
            "{found:#?}"
        );
        let active = r#"{"name":"envoy.filters.listener.tls_inspector"}"#;
        assert!(run_dump(&super::RULE, &dump(active, TLS)).is_empty());
        let found = run_dump(&super::RULE, &dump(active, HTTP));
        assert!(
            found[0].message.contains("http_inspector is absent"),
            "{found:#?}"
        );
    }
}
