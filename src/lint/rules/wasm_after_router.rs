//! MS3001 wasm-after-router: A Wasm filter comes after the router in an HTTP filter chain

use super::{Context, Rule, Sink};
use crate::lint::dump::ROUTER;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS3001",
    name: "wasm-after-router",
    severity: Severity::Warning,
    summary: "A Wasm filter comes after the router in an HTTP filter chain (--dump)",
    hint: "Move the filter before envoy.filters.http.router (WasmPlugin phase, or the EnvoyFilter that inserts it)",
    docs: "## What it checks\nIn the `--dump` config dump, an HTTP connection manager whose `http_filters` list holds a Wasm filter (ECDS or inline) after `envoy.filters.http.router`.\n\n## Why\nThe router is the terminal HTTP filter: it forwards the request and nothing after it runs. A Wasm filter placed after it is configured, counted by `wasm count`, and never executes. Istio always inserts WasmPlugins before the router (DOMAIN.md §6.3), so this comes from an EnvoyFilter patch or a hand-written listener.\n\n## Fix\nInsert the filter before the router: use a WasmPlugin `phase`, or an EnvoyFilter `INSERT_BEFORE` on `envoy.filters.http.router`.\n\n## Example\n```json\n\"http_filters\": [\n  {\"name\": \"envoy.filters.http.router\"},\n  {\"name\": \"extensions.istio.io/wasmplugin/default.late\", \"config_discovery\": {}}\n]\n```\n",
    check,
};

/// Reports every Wasm filter after the first router of its HCM.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let Some(dump) = &ctx.dump else { return };
    for l in &dump.listeners {
        for c in l.all_chains() {
            for hcm in &c.hcms {
                let Some(router) = hcm.iter().position(|f| f.is_router) else {
                    continue;
                };
                for f in hcm[router + 1..].iter().filter(|f| f.wasm.is_some()) {
                    sink.report_in_dump(
                        f.pos,
                        format!(
                            "Wasm filter {:?} comes after {ROUTER} in chain {} of listener {}: \
                             the router ends the HTTP filter chain, so the filter never runs",
                            f.name,
                            c.name,
                            l.label()
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::run_dump;

    fn dump(filters: &str) -> String {
        format!(
            r#"[{{"name":"l","filter_chains":[{{"name":"c","filters":[{{"name":"envoy.filters.network.http_connection_manager",
            "typed_config":{{"http_filters":[{filters}]}}}}]}}]}}]"#
        )
    }

    const WASM: &str = r#"{"name":"extensions.istio.io/wasmplugin/default.p","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}}"#;
    const ROUTER: &str = r#"{"name":"envoy.filters.http.router"}"#;

    #[test]
    fn after_router_only() {
        let found = run_dump(&super::RULE, &dump(&format!("{ROUTER},{WASM}")));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].line, 2);
        assert!(found[0].message.contains("default.p"));
        assert!(run_dump(&super::RULE, &dump(&format!("{WASM},{ROUTER}"))).is_empty());
        // No router at all: nothing to be after.
        assert!(run_dump(&super::RULE, &dump(WASM)).is_empty());
    }
}
