//! kubectl-style JSONPath templates (`{.a.b}`, `{range …}{end}`) over the JSON form.
//!
//! Placeholder pending the full template engine: plain `{.field}` paths only.

use serde_json::Value;

use super::RenderError;

/// Renders `template` against `value` as `kubectl -o jsonpath=` would.
pub fn render_template(template: &str, value: &Value) -> Result<String, RenderError> {
    Err(RenderError::JsonPath(format!(
        "template {template:?} on {} values is not supported yet",
        if value.is_array() { "array" } else { "object" }
    )))
}
