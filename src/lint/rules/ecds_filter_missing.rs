//! MS3002 ecds-filter-missing: An ECDS filter is referenced but absent from the ECDS section

use super::{Context, Rule, Sink};
use crate::analysis::wasm::ecds::{EcdsState, ecds_verdicts};
use crate::lint::dump::position::Spot;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS3002",
    name: "ecds-filter-missing",
    severity: Severity::Warning,
    summary: "An ECDS Wasm filter is referenced by a listener but absent from the ECDS section (--dump)",
    hint: "Check istiod and istio-agent logs for the plugin's ECDS push; fix or delete the WasmPlugin",
    docs: include_str!("docs/MS3002.md"),
    check,
};

/// Reports each missing ECDS filter at its first reference.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let Some(dump) = &ctx.dump else { return };
    if !dump.ecds_section {
        return;
    }
    for e in dump
        .ecds
        .iter()
        .filter(|e| e.health.state == EcdsState::Missing)
    {
        for v in ecds_verdicts(std::slice::from_ref(&e.health)) {
            sink.report_in_dump(
                e.first_reference.unwrap_or(Spot::START),
                format!(
                    "ECDS filter {:?} (plugin {}) is {}",
                    e.health.filter, v.plugin, v.detail
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::run_dump;

    fn dump(ecds: &str) -> String {
        format!(
            r#"{{"configs":[{{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[{{"name":"l",
            "active_state":{{"listener":{{"name":"l","filter_chains":[{{"filters":[{{"name":"envoy.filters.network.http_connection_manager",
            "typed_config":{{"http_filters":[{{"name":"extensions.istio.io/wasmplugin/default.p","config_discovery":{{}}}},
            {{"name":"envoy.filters.http.router"}}]}}}}]}}]}}}}}}]}}{ecds}]}}"#
        )
    }

    #[test]
    fn missing_only_with_an_ecds_section() {
        let empty =
            r#",{"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecds_filters":[]}"#;
        let found = run_dump(&super::RULE, &dump(empty));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!((found[0].line, found[0].column), (3, 53));
        assert!(
            found[0].message.contains("default/p"),
            "{}",
            found[0].message
        );
        assert!(run_dump(&super::RULE, &dump("")).is_empty());
        let present = r#",{"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecds_filters":[{"ecds_filter":{"name":"extensions.istio.io/wasmplugin/default.p","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"}}}]}"#;
        assert!(run_dump(&super::RULE, &dump(present)).is_empty());
    }
}
