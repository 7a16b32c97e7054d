//! MS3007 listener-update-refused: Envoy refused a listener update (the dump's `error_state`)

use super::{Context, Rule, Sink};
use crate::lint::finding::Severity;
use crate::render::refused_update::{Reading, refused_update_words};

/// The rule. An error, unlike the other dump rules: they infer what Envoy would do, while
/// this is Envoy's own record that the configuration it was sent is not what runs.
pub static RULE: Rule = Rule {
    code: "MS3007",
    name: "listener-update-refused",
    severity: Severity::Error,
    summary: "Envoy refused a listener update: the listener runs its previous version, or not at all (--dump)",
    hint: "Fix what Envoy's message names in the configuration behind the listener (istiod logs the rejected push); the proxy keeps the old listener until an update is accepted",
    docs: include_str!("docs/MS3007.md"),
    check,
};

/// Reports each refused update at Envoy's reason in the dump.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let Some(dump) = &ctx.dump else { return };
    for r in &dump.refused {
        sink.report_in_dump(
            r.pos,
            refused_update_words(&r.update, |n| n.to_string(), Reading::Plain),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::run_dump;

    /// `error_state` as Envoy dumps it (envoy/admin/v3/config_dump_shared.proto
    /// `UpdateFailureState`), in either spelling.
    fn dump(error_state: &str) -> String {
        format!(
            r#"{{"configs":[{{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[
            {{"name":"l","active_state":{{"listener":{{"name":"l"}}}}}},
            {{"name":"m",
              {error_state}}}]}}]}}"#
        )
    }

    #[test]
    fn reports_at_the_details_in_either_spelling() {
        let found = run_dump(
            &super::RULE,
            &dump(
                r#""error_state":{"last_update_attempt":"2026-05-18T08:41:07.707Z","details":"boom"}"#,
            ),
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!((found[0].line, found[0].column), (4, 89));
        assert_eq!(
            found[0].message,
            "Envoy refused the last update of listener m (last attempt 2026-05-18T08:41:07.707Z): \
             boom; no version of the listener is active, so none of it runs"
        );
        let found = run_dump(&super::RULE, &dump(r#""errorState":{"details":"boom"}"#));
        assert_eq!((found[0].line, found[0].column), (4, 39));
        // Without details, the error_state itself.
        let found = run_dump(&super::RULE, &dump(r#""error_state":{}"#));
        assert_eq!((found[0].line, found[0].column), (4, 29));
        assert!(run_dump(&super::RULE, &dump(r#""warming_state":{}"#)).is_empty());
    }
}
