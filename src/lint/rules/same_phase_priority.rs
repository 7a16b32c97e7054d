//! MS1005 same-phase-priority: Two plugins with the same phase and priority land in the same
//! filter list (same proxies, listener class and filter type: `filter_list.rs`)

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1005",
    name: "same-phase-priority",
    severity: Severity::Warning,
    summary: "Two plugins with the same phase and priority apply to the same workloads",
    hint: "Give the plugins distinct priorities so their order is explicit",
    docs: include_str!("docs/MS1005.md"),
    check,
};

use super::filter_list::Landing;
use super::unset_priority_after_negative::{can_meet, phase};
use crate::lint::context::match_labels;

/// Warns on the later of two plugins with equal phase and priority on shared workloads.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let plugins: Vec<_> = ctx.plugins().collect();
    let landings: Vec<Landing> = plugins
        .iter()
        .map(|(_, _, spec, module)| Landing::of(spec, module))
        .collect();
    for (n, (i, r, spec, _)) in plugins.iter().enumerate() {
        let prio = |s: &Node| s.get("priority").and_then(Node::as_i64);
        let clash = plugins[..n]
            .iter()
            .zip(&landings)
            .find(|((_, o, s, _), theirs)| {
                if !can_meet(ctx, &r.namespace, &o.namespace)
                    || phase(s) != phase(spec)
                    || prio(s) != prio(spec)
                {
                    return false;
                }
                let same_workloads = || {
                    if ctx.has_workloads() {
                        let mine = ctx.selected(&r.namespace, spec);
                        ctx.selected(&o.namespace, s)
                            .iter()
                            .any(|w| mine.iter().any(|m| m.id == w.id))
                    } else {
                        r.namespace == o.namespace && match_labels(s) == match_labels(spec)
                    }
                };
                landings[n].may_share((r, spec), theirs, (o, s), same_workloads, |ns, name| {
                    ctx.resources
                        .iter()
                        .find(|g| {
                            g.kind == "Gateway"
                                && g.api_version.starts_with("gateway.networking.k8s.io/")
                                && g.namespace == ns
                                && g.name == name
                        })
                        .map(|g| {
                            g.node
                                .path(&["spec", "gatewayClassName"])
                                .and_then(Node::as_scalar)
                                == Some("istio-waypoint")
                        })
                })
            });
        if let Some(((_, o, _, _), _)) = clash {
            let at = spec
                .get("priority")
                .or_else(|| spec.get("phase"))
                .map_or(r.pos(), |p| p.pos);
            sink.report(
                *i,
                at,
                format!("same phase and priority as {} in the same filter list: their order is not defined by the spec", o.id()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{POD, WP, run};

    fn count(yaml: &str) -> usize {
        run(&super::RULE, yaml, 30).len()
    }

    #[test]
    fn cases() {
        let p = |name: &str, app: &str| {
            format!(
                "{WP}metadata: {{name: {name}, namespace: a}}\nspec:\n  url: file:///p.wasm\n  selector: {{matchLabels: {{app: {app}}}}}\n  priority: 1\n---\n"
            )
        };
        assert_eq!(count(&format!("{}{}", p("x", "w"), p("y", "w"))), 1);
        assert_eq!(count(&format!("{}{}", p("x", "w"), p("y", "v"))), 0);
        let pods = format!("{POD}metadata: {{name: w, namespace: a, labels: {{app: w}}}}\n");
        assert_eq!(
            count(&format!("{}{}{pods}", p("x", "w"), p("y", "v"))),
            0,
            "disjoint workloads"
        );
    }

    /// A plugin with `rest` (indented YAML under spec) in namespace a, AUTHZ priority 1.
    fn plugin(name: &str, rest: &str) -> String {
        format!(
            "{WP}metadata: {{name: {name}, namespace: a}}\nspec:\n  url: file:///p.wasm\n  phase: AUTHZ\n  priority: 1\n{rest}---\n"
        )
    }

    fn gateway(name: &str) -> String {
        format!(
            "  targetRefs:\n  - {{group: gateway.networking.k8s.io, kind: Gateway, name: {name}}}\n"
        )
    }

    /// istiod puts a targetRef plugin only on the proxies of the Gateway it names
    /// (`ShouldAttachPolicy`, pilot/pkg/model/policyattachment.go): two Gateways are two
    /// filter lists; one Gateway is one.
    #[test]
    fn plugins_on_different_gateways_never_meet() {
        let two = format!(
            "{}{}",
            plugin("x", &gateway("one")),
            plugin("y", &gateway("two"))
        );
        assert_eq!(count(&two), 0);
        let one = format!(
            "{}{}",
            plugin("x", &gateway("one")),
            plugin("y", &gateway("one"))
        );
        assert_eq!(count(&one), 1);
    }

    /// HTTP filters go to the HTTP connection manager's list, NETWORK ones to the chain's
    /// network filters (`PluginType_NETWORK` in pilot/pkg/model/extensions.go and
    /// pilot/pkg/networking/core/extension/extensionfilter.go).
    #[test]
    fn http_and_network_plugins_are_separate_lists() {
        let yaml = format!(
            "{}{}",
            plugin("x", "  type: HTTP\n"),
            plugin("y", "  type: NETWORK\n")
        );
        assert_eq!(count(&yaml), 0);
        let both_network = format!(
            "{}{}",
            plugin("x", "  type: NETWORK\n"),
            plugin("y", "  type: NETWORK\n")
        );
        assert_eq!(count(&both_network), 1);
        // No type is HTTP (UNSPECIFIED_PLUGIN_TYPE).
        assert_eq!(
            count(&format!(
                "{}{}",
                plugin("x", ""),
                plugin("y", "  type: HTTP\n")
            )),
            1
        );
    }

    /// CLIENT filters sit on outbound listeners, SERVER ones on inbound (`matchMode`,
    /// pilot/pkg/model/extensions.go); an entry without mode (UNDEFINED) matches both.
    #[test]
    fn client_and_server_plugins_never_meet() {
        let mode = |m: &str| format!("  match:\n  - mode: {m}\n");
        assert_eq!(
            count(&format!(
                "{}{}",
                plugin("x", &mode("CLIENT")),
                plugin("y", &mode("SERVER"))
            )),
            0
        );
        assert_eq!(
            count(&format!(
                "{}{}",
                plugin("x", &mode("CLIENT")),
                plugin("y", "")
            )),
            1
        );
        assert_eq!(
            count(&format!(
                "{}{}",
                plugin("x", &mode("SERVER")),
                plugin("y", &mode("CLIENT_AND_SERVER"))
            )),
            1
        );
    }

    /// A selector reaches sidecars and classic gateways, a targetRef the Gateway it names;
    /// they meet only where the selector picks that Gateway's pods by their
    /// gateway-name label.
    #[test]
    fn selector_and_target_ref_meet_only_on_the_gateways_pods() {
        let sel = |app: &str| format!("  selector:\n    matchLabels: {{{app}}}\n");
        let apart = format!(
            "{}{}",
            plugin("x", &sel("app: w")),
            plugin("y", &gateway("one"))
        );
        assert_eq!(count(&apart), 0);
        let picked = format!(
            "{}{}",
            plugin("x", &sel("gateway.networking.k8s.io/gateway-name: one")),
            plugin("y", &gateway("one"))
        );
        assert_eq!(count(&picked), 1);
    }

    /// A gateway's chains are CLIENT class, a waypoint's SERVER (`matchMode` with
    /// `listener_waypoint.go`'s `ListenerClassSidecarInbound`): a SERVER-only plugin never
    /// shares a Gateway's list, a CLIENT-only one never a waypoint's. A Gateway ref is a
    /// waypoint's when the Gateway's `gatewayClassName` is `istio-waypoint`; without its
    /// manifest either class may apply.
    #[test]
    fn the_target_decides_the_listener_class() {
        let mode = |m: &str, refs: &str| format!("  match:\n  - mode: {m}\n{refs}");
        let gw = |class: &str| {
            format!(
                "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {{name: one, namespace: a}}\nspec: {{gatewayClassName: {class}}}\n---\n"
            )
        };
        let server_and_any = format!(
            "{}{}",
            plugin("x", &mode("SERVER", &gateway("one"))),
            plugin("y", &gateway("one"))
        );
        assert_eq!(count(&server_and_any), 1, "the Gateway's class is unknown");
        assert_eq!(count(&format!("{}{server_and_any}", gw("istio"))), 0);
        assert_eq!(
            count(&format!("{}{server_and_any}", gw("istio-waypoint"))),
            1
        );
        let service = "  targetRefs:\n  - {group: '', kind: Service, name: reviews}\n";
        let client_on_waypoint = format!(
            "{}{}",
            plugin("x", &mode("CLIENT", service)),
            plugin("y", service)
        );
        assert_eq!(count(&client_on_waypoint), 0);
        let picked = format!(
            "{}{}",
            plugin(
                "x",
                "  match:\n  - mode: SERVER\n  selector:\n    matchLabels: {gateway.networking.k8s.io/gateway-name: one}\n"
            ),
            plugin("y", &gateway("one"))
        );
        assert_eq!(count(&picked), 0, "a selected gateway's chains are CLIENT");
        // Waypoints never take a selector plugin (`ShouldAttachPolicy`), whatever the label.
        let sel = "  selector:\n    matchLabels: {gateway.networking.k8s.io/gateway-name: one}\n";
        let on_waypoint = format!("{}{}", plugin("x", sel), plugin("y", &gateway("one")));
        assert_eq!(count(&on_waypoint), 1, "the Gateway's class is unknown");
        assert_eq!(count(&format!("{}{on_waypoint}", gw("istio-waypoint"))), 0);
    }
}
