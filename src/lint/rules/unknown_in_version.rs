//! MS0005 unknown-in-version: A field or kind that the chosen Istio release does not know

use super::{Context, Rule, Sink, report_layer};
use crate::lint::finding::Severity;
use crate::lint::validate::Layer;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS0005",
    name: "unknown-in-version",
    severity: Severity::Error,
    summary: "A field or kind that the chosen Istio release does not know",
    hint: "Remove the field, or upgrade Istio to the release that added it",
    docs: include_str!("docs/MS0005.md"),
    check,
};

/// Reports the Version violations computed for the context.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    report_layer(ctx, sink, Layer::Version);
}
