//! MS0002 crd-cel: A CEL validation rule of the CRD rejects the document

use super::{Context, Rule, Sink, report_layer};
use crate::lint::finding::Severity;
use crate::lint::validate::Layer;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS0002",
    name: "crd-cel",
    severity: Severity::Error,
    summary: "A CEL validation rule of the CRD rejects the document",
    hint: "Change the fields so the CRD's x-kubernetes-validations rule holds",
    docs: include_str!("docs/MS0002.md"),
    check,
};

/// Reports the Cel violations computed for the context.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    report_layer(ctx, sink, Layer::Cel);
}
