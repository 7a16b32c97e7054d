//! MS3001 wasm-after-router: A Wasm filter comes after the router (or the terminal network filter)

use super::{Context, Rule, Sink};
use crate::lint::dump::ROUTER;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS3001",
    name: "wasm-after-router",
    severity: Severity::Warning,
    summary: "A Wasm filter comes after the router, or after the chain's terminal network filter (--dump)",
    hint: "Move the filter before envoy.filters.http.router (WasmPlugin phase, or the EnvoyFilter that inserts it)",
    docs: include_str!("docs/MS3001.md"),
    check,
};

/// Reports every Wasm filter after the router of its HCM, or after the terminal network
/// filter of its chain.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let Some(dump) = &ctx.dump else { return };
    for l in &dump.listeners {
        for c in l.all_chains() {
            for list in std::iter::once(&c.network).chain(&c.hcms) {
                let Some(end) = list.iter().position(|f| f.is_terminal) else {
                    continue;
                };
                let terminal = &list[end].name;
                let what = if terminal == ROUTER {
                    "the router ends the HTTP filter chain"
                } else {
                    "that terminal filter ends the network filter chain"
                };
                for f in list[end + 1..].iter().filter(|f| f.wasm.is_some()) {
                    sink.report_in_dump(
                        f.pos,
                        format!(
                            "Wasm filter {:?} comes after {terminal} in chain {} of listener {}: \
                             {what}, so the filter never runs",
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
        assert_eq!((found[0].line, found[0].column), (2, 90));
        assert!(found[0].message.contains("default.p"));
        assert!(found[0].message.contains("the router ends"));
        assert!(run_dump(&super::RULE, &dump(&format!("{WASM},{ROUTER}"))).is_empty());
        // No router at all: nothing to be after.
        assert!(run_dump(&super::RULE, &dump(WASM)).is_empty());
    }

    #[test]
    fn network_filter_after_tcp_proxy() {
        let net = r#"{"name":"my-net-wasm","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm","config":{"vm_config":{"runtime":"envoy.wasm.runtime.v8"}}}}"#;
        let tcp = r#"{"name":"envoy.filters.network.tcp_proxy","typed_config":{"cluster":"c"}}"#;
        let chain = |filters: &str| {
            format!(r#"[{{"name":"l","filter_chains":[{{"name":"c","filters":[{filters}]}}]}}]"#)
        };
        let found = run_dump(&super::RULE, &chain(&format!("{tcp},{net}")));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0]
                .message
                .contains("after envoy.filters.network.tcp_proxy")
        );
        assert!(run_dump(&super::RULE, &chain(&format!("{net},{tcp}"))).is_empty());
    }
}
