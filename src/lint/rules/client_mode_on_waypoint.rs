//! MS1014 client-mode-on-waypoint: A waypoint-bound plugin matches only CLIENT mode, but waypoint chains are SERVER

use super::{Context, Rule, Sink};
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1014",
    name: "client-mode-on-waypoint",
    severity: Severity::Warning,
    summary: "A waypoint-bound plugin matches only CLIENT mode, but waypoint chains are SERVER",
    hint: "Use mode SERVER or CLIENT_AND_SERVER (or drop match) for plugins on waypoints",
    docs: include_str!("docs/MS1014.md"),
    check,
};

use super::filter_list::{every_match_entry, mode_is, waypoint_bound};

/// Warns when a plugin bound to waypoints only (Service, ServiceEntry or GatewayClass refs)
/// has match entries that are all CLIENT: a waypoint's chains are SidecarInbound class,
/// workload mode SERVER (pilot/pkg/networking/core/listener_waypoint.go; `matchMode`,
/// pilot/pkg/model/extensions.go), so no entry ever matches.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, _, spec, _) in ctx.plugins() {
        if !waypoint_bound(spec) {
            continue;
        }
        if let Some(mode) = every_match_entry(spec, mode_is("CLIENT")) {
            sink.report(
                i,
                mode.pos,
                "match mode CLIENT never applies on a waypoint: its chains are SERVER (inbound)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{WP, run};

    fn count(refs: &str, modes: &str) -> usize {
        let yaml = format!(
            "{WP}metadata: {{name: p, namespace: a}}\nspec:\n  url: file:///p.wasm\n  targetRefs: [{refs}]\n  match: [{modes}]\n"
        );
        run(&super::RULE, &yaml, 30).len()
    }

    #[test]
    fn client_only_on_a_service_ref_never_applies() {
        let svc = "{kind: Service, group: \"\", name: s}";
        let gw = "{kind: Gateway, group: gateway.networking.k8s.io, name: g}";
        assert_eq!(count(svc, "{mode: CLIENT}"), 1);
        assert_eq!(count(svc, "{mode: CLIENT}, {mode: SERVER}"), 0);
        assert_eq!(
            count(svc, "{mode: CLIENT}, {ports: [{number: 80}]}"),
            0,
            "an entry without mode is UNDEFINED"
        );
        assert_eq!(count(gw, "{mode: CLIENT}"), 0, "gateways are CLIENT");
        assert_eq!(
            count(&format!("{svc}, {gw}"), "{mode: CLIENT}"),
            0,
            "the Gateway applies it"
        );
    }
}
