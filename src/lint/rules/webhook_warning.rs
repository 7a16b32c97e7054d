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
    docs: "## What it checks\nistiod's validating webhook accepts the document with a warning (DOMAIN.md §8), at the release chosen with --istio-version.\n\n## Why\nkubectl prints the warning; the resource likely does not do what was meant.\n\n## Fix\nAdd labels to the selector, or remove the empty selector\n\n## Example\nSee testdata/manifests/webhook-warning/bad.yaml.\n",
    check,
};

/// Reports the WebhookWarning violations computed for the context.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    report_layer(ctx, sink, Layer::WebhookWarning);
}
