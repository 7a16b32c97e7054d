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
    docs: "## What it checks\nThe CRD's OpenAPI schema rejects the document (DOMAIN.md §8), at the release chosen with --istio-version.\n\n## Why\nkubectl apply fails: the API server validates custom resources against the CRD schema.\n\n## Fix\nFix the field so it matches the CRD's type, enum, length or pattern\n\n## Example\nSee testdata/manifests/crd-schema/bad.yaml.\n",
    check,
};

/// Reports the Schema violations computed for the context.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    report_layer(ctx, sink, Layer::Schema);
}
