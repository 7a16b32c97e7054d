//! MS0003 webhook: istiod's validating webhook rejects the document

use super::{Context, Rule, Sink, report_layer};
use crate::lint::finding::Severity;
use crate::lint::validate::Layer;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS0003",
    name: "webhook",
    severity: Severity::Error,
    summary: "istiod's validating webhook rejects the document",
    hint: "Fix the field as the message says (istioctl validate prints the same)",
    docs: include_str!("docs/MS0003.md"),
    check,
};

/// Reports the Webhook violations computed for the context.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    report_layer(ctx, sink, Layer::Webhook);
}
