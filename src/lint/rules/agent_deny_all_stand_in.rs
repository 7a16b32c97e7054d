//! MS3003 agent-deny-all-stand-in: The agent replaced a Wasm module with its deny-all RBAC filter

use super::{Context, Rule, Sink};
use crate::analysis::wasm::ecds::{EcdsState, ecds_verdicts};
use crate::lint::dump::position::Spot;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS3003",
    name: "agent-deny-all-stand-in",
    severity: Severity::Error,
    summary: "The istio-agent replaced a Wasm module with its deny-all RBAC stand-in (--dump)",
    hint: "Fix the module fetch (url, sha256, pull secret, registry reachability); the agent logs the cause",
    docs: include_str!("docs/MS3003.md"),
    check,
};

/// Reports each deny-all stand-in at its ECDS entry: an error, as in `wasm count`, since
/// every request to the chains that run it is denied.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let Some(dump) = &ctx.dump else { return };
    for e in dump
        .ecds
        .iter()
        .filter(|e| e.health.state == EcdsState::DenyAllStandIn)
    {
        for v in ecds_verdicts(std::slice::from_ref(&e.health)) {
            sink.report_in_dump(
                e.entry_pos.or(e.first_reference).unwrap_or(Spot::START),
                format!(
                    "ECDS filter {:?} (plugin {}): {}",
                    e.health.filter, v.plugin, v.detail
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::run_dump;

    fn dump(config: &str) -> String {
        format!(
            r#"{{"configs":[{{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[{{"name":"l",
            "active_state":{{"listener":{{"name":"l","filter_chains":[{{"filters":[{{"name":"envoy.filters.network.http_connection_manager",
            "typed_config":{{"http_filters":[{{"name":"extensions.istio.io/wasmplugin/default.p","config_discovery":{{}}}},
            {{"name":"envoy.filters.http.router"}}]}}}}]}}]}}}}}}]}},
            {{"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecds_filters":[
            {{"ecds_filter":{{"name":"extensions.istio.io/wasmplugin/default.p","typed_config":{config}}}}}]}}]}}"#
        )
    }

    #[test]
    fn deny_all_only() {
        let deny = r#"{"@type":"type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC","rules":{}}"#;
        let found = run_dump(&super::RULE, &dump(deny));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].line, 6);
        assert!(found[0].message.contains("deny-all"));
        let allow = r#"{"@type":"type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC"}"#;
        assert!(run_dump(&super::RULE, &dump(allow)).is_empty());
        let wasm = r#"{"@type":"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"}"#;
        assert!(run_dump(&super::RULE, &dump(wasm)).is_empty());
    }
}
