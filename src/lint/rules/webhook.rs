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
    docs: "## What it checks\nistiod's validating webhook rejects the document (DOMAIN.md §8), at the release chosen with --istio-version.\n\n## Why\nkubectl apply fails with admission webhook \"validation.istio.io\" denied the request.\n\n## Fix\nFix the field as the message says (istioctl validate prints the same)\n\n## Example\nSee testdata/manifests/webhook/bad.yaml.\n",
    check,
};

/// Reports the Webhook violations computed for the context.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    report_layer(ctx, sink, Layer::Webhook);
}
