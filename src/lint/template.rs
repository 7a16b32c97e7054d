//! Whether an input file is a template (Go template actions, as in a Helm chart's
//! `templates/`) rather than a manifest: `lint` reports such files (MS0006) instead of
//! checking them.

use std::sync::OnceLock;

use regex::Regex;

use crate::istio::yaml_tree::Pos;

/// A Go template action as Helm writes them: `{{` (or `{{-`), then a field, a variable, a
/// control word or a function Helm templates use. Text such as a plugin's `{{name}}`
/// placeholder in a string is no template action.
fn action() -> Option<&'static Regex> {
    static ACTION: OnceLock<Option<Regex>> = OnceLock::new();
    ACTION
        .get_or_init(|| {
            Regex::new(
                r"\{\{-?\s*(?:\.|\$|/\*|(?:if|else|end|range|with|include|template|define|block|toYaml|toJson|tpl|required|default|printf|quote|indent|nindent|trim|lookup)\b)",
            )
            .ok()
        })
        .as_ref()
}

/// Where the first template action of `text` starts, if it has one.
pub fn first_action(text: &str) -> Option<Pos> {
    let at = action()?.find(text)?.start();
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..at].chars().count() + 1;
    Some(Pos { line, column })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helm_actions_and_not_placeholders() {
        let chart = "kind: WasmPlugin\nmetadata:\n  name: {{ .Values.name }}\n";
        assert_eq!(first_action(chart), Some(Pos { line: 3, column: 9 }));
        assert!(first_action("{{- if .Values.enabled }}\nkind: X\n{{- end }}\n").is_some());
        assert!(first_action("x: {{ include \"lib.name\" . }}\n").is_some());
        // A mustache placeholder inside a plugin's configuration is data.
        assert_eq!(
            first_action("pluginConfig:\n  greeting: \"Hello {{name}}\"\n"),
            None
        );
        assert_eq!(first_action("kind: WasmPlugin\n"), None);
    }
}
