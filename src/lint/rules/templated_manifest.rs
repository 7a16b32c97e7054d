//! MS0006 templated-manifest: a file holds Go template actions (a Helm chart's templates),
//! so what the cluster would receive is not this text

use super::{Context, Rule, Sink};
use crate::lint::finding::Severity;
use crate::lint::template::first_action;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS0006",
    name: "templated-manifest",
    severity: Severity::Error,
    summary: "The file is a template (Go template actions such as {{ .Values.x }}), not a manifest",
    hint: "Render it first and lint the result: helm template RELEASE CHART | meshscope lint -",
    docs: include_str!("docs/MS0006.md"),
    check,
};

/// Reports each input file that is a template, at its first action.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    let dump_file = ctx.dump.as_ref().map(|d| d.file);
    for (i, f) in ctx.files.iter().enumerate() {
        if Some(i) == dump_file {
            continue;
        }
        if let Some(pos) = first_action(&f.text) {
            sink.report_in_file(
                i,
                pos,
                "a template, not a manifest: it was not checked (render it first)",
            );
        }
    }
}
