//! MS1015 ports-on-waypoint: match ports on a waypoint-bound plugin never match: the waypoint's listener port is 0

use super::{Context, Rule, Sink};
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1015",
    name: "ports-on-waypoint",
    severity: Severity::Warning,
    summary: "match ports on a waypoint-bound plugin never match: the waypoint's listener port is 0",
    hint: "Drop match[].ports for plugins on waypoints (target the Service whose traffic it should see)",
    docs: include_str!("docs/MS1015.md"),
    check,
};

use super::filter_list::{every_match_entry, waypoint_bound};
use crate::istio::yaml_tree::Node;

/// Warns when a waypoint-bound plugin's match entries all list ports: istiod builds the
/// waypoint's per-service chains with listener port 0 (pilot/pkg/networking/core/
/// listener_waypoint.go), and `matchPorts` (pilot/pkg/model/extensions.go) compares the
/// listed numbers with it, so no entry ever matches.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, _, spec, _) in ctx.plugins() {
        if !waypoint_bound(spec) {
            continue;
        }
        let listed = |m| Node::get(m, "ports").filter(|p| !p.items().is_empty());
        if let Some(ports) = every_match_entry(spec, listed) {
            sink.report(
                i,
                ports.pos,
                "match ports never match on a waypoint (istiod gives its chains listener port 0): the plugin does not run",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{WP, run};

    fn count(refs: &str, entries: &str) -> usize {
        let yaml = format!(
            "{WP}metadata: {{name: p, namespace: a}}\nspec:\n  url: file:///p.wasm\n  targetRefs: [{refs}]\n  match: [{entries}]\n"
        );
        run(&super::RULE, &yaml, 30).len()
    }

    #[test]
    fn ports_on_a_waypoint_ref_never_match() {
        let svc = "{kind: Service, group: \"\", name: s}";
        let gw = "{kind: Gateway, group: gateway.networking.k8s.io, name: g}";
        assert_eq!(count(svc, "{ports: [{number: 8080}]}"), 1);
        assert_eq!(
            count(svc, "{ports: [{number: 8080}]}, {mode: SERVER}"),
            0,
            "the second entry matches"
        );
        assert_eq!(
            count(gw, "{ports: [{number: 8080}]}"),
            0,
            "gateway server ports match"
        );
    }
}
