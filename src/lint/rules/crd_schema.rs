//! MS0001 crd-schema: The CRD's OpenAPI schema rejects the document

use super::{Context, Rule, Sink, report_layer};
use crate::lint::finding::Severity;
use crate::lint::validate::Layer;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS0001",
    name: "crd-schema",
    severity: Severity::Error,
    summary: "The CRD's OpenAPI schema rejects the document",
    hint: "Fix the field so it matches the CRD's type, enum, length or pattern",
    docs: include_str!("docs/MS0001.md"),
    check,
};

/// Reports the Schema violations computed for the context.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    report_layer(ctx, sink, Layer::Schema);
}
