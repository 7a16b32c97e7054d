//! MS1001 server-mode-on-gateway: A plugin whose match entries are all SERVER mode selects gateway pods

use super::filter_list::{every_match_entry, mode_is};
#[allow(unused_imports)]
use super::{Context, Rule, Sink};
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1001",
    name: "server-mode-on-gateway",
    severity: Severity::Warning,
    summary: "A plugin whose match entries are all SERVER mode selects gateway pods",
    hint: "Use mode CLIENT or CLIENT_AND_SERVER (or drop match) for gateways",
    docs: include_str!("docs/MS1001.md"),
    check,
};

/// Warns when every `match[]` entry is SERVER and a selected workload is a gateway.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, r, spec, _) in ctx.plugins() {
        let Some(mode) = every_match_entry(spec, mode_is("SERVER")) else {
            continue;
        };
        if let Some(gw) = ctx
            .selected(&r.namespace, spec)
            .into_iter()
            .find(|w| w.is_gateway())
        {
            sink.report(
                i,
                mode.pos,
                format!(
                    "match mode SERVER never applies to gateway {}: gateways are CLIENT",
                    gw.id
                ),
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
        let plugin = format!(
            "{WP}metadata: {{name: p, namespace: a}}\nspec:\n  url: file:///p.wasm\n  match: [{{mode: SERVER}}]\n"
        );
        assert_eq!(count(&plugin), 0, "silent without workloads");
        let gw =
            format!("{POD}metadata: {{name: g, namespace: a, labels: {{istio: egressgateway}}}}\n");
        assert_eq!(count(&format!("{plugin}{gw}")), 1);
        let both = plugin.replace("[{mode: SERVER}]", "[{mode: SERVER}, {mode: CLIENT}]");
        assert_eq!(count(&format!("{both}{gw}")), 0, "the CLIENT entry applies");
    }
}
