//! MS0004 webhook-warning: istiod's validating webhook accepts the document with a warning

use super::{Context, Rule, Sink, report_layer};
use crate::lint::finding::Severity;
use crate::lint::validate::Layer;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS0004",
    name: "webhook-warning",
    severity: Severity::Warning,
    summary: "istiod's validating webhook accepts the document with a warning",
    hint: "Add labels to the selector, or remove the empty selector",
    docs: include_str!("docs/MS0004.md"),
    check,
};

/// Reports the WebhookWarning violations computed for the context.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    report_layer(ctx, sink, Layer::WebhookWarning);
}
