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
    docs: "## What it checks\nA field or kind that the chosen Istio release does not know (DOMAIN.md §8), at the release chosen with --istio-version.\n\n## Why\nThe API server rejects unknown fields (strict field validation) or drops them; either way they have no effect.\n\n## Fix\nRemove the field, or upgrade Istio to the release that added it\n\n## Example\nSee testdata/manifests/unknown-in-version/bad.yaml.\n",
    check,
};

/// Reports the Version violations computed for the context.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    report_layer(ctx, sink, Layer::Version);
}
