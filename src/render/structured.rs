//! JSON and YAML output of values: JSON indented by 4 spaces (istioctl's
//! `json.MarshalIndent`), YAML with sorted keys (istioctl converts through sigs.k8s.io/yaml).
//! [`write`] is the one json/yaml/jsonpath dispatch every command's `-o` goes through.

use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use super::{Encoding, RenderError};

/// A structured `-o` format; each command maps its own flag values to this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format<'a> {
    /// Pretty JSON.
    Json,
    /// YAML with sorted keys.
    Yaml,
    /// A kubectl-style JSONPath template over the JSON form.
    JsonPath(&'a str),
}

/// Writes `value` in `format`. YAML and JSONPath work on the JSON form of the value.
pub fn write(
    out: &mut dyn Write,
    value: &impl Serialize,
    format: Format<'_>,
) -> Result<(), RenderError> {
    match format {
        Format::Json => write_json(out, value),
        Format::Yaml => write_yaml(out, &to_value(value)?),
        Format::JsonPath(template) => {
            let text = super::jsonpath::render_template(template, &to_value(value)?)?;
            out.write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

/// The JSON form of `value`.
fn to_value(value: &impl Serialize) -> Result<Value, RenderError> {
    serde_json::to_value(value).map_err(|e| RenderError::Encode {
        format: "json",
        error: Encoding::Json(e),
    })
}

/// Pretty JSON with a 4-space indent and a final newline.
pub fn write_json(out: &mut dyn Write, value: &impl Serialize) -> Result<(), RenderError> {
    // Serialise first, then write: an I/O error (a closed pipe) then stays an I/O error.
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    value.serialize(&mut ser).map_err(|e| RenderError::Encode {
        format: "json",
        error: Encoding::Json(e),
    })?;
    buf.push(b'\n');
    out.write_all(&buf)?;
    Ok(())
}

/// YAML with keys sorted at every level.
pub fn write_yaml(out: &mut dyn Write, value: &Value) -> Result<(), RenderError> {
    // One-line scalars like sigs.k8s.io/yaml, not folded `>-` blocks for long strings.
    let mut options = serde_saphyr::SerializerOptions::default();
    options.prefer_block_scalars = false;
    let text = serde_saphyr::to_string_with_options(&sorted(value), options).map_err(|e| {
        RenderError::Encode {
            format: "yaml",
            error: Encoding::Yaml(e),
        }
    })?;
    out.write_all(text.as_bytes())?;
    if !text.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A copy of `value` with every object's keys in byte order.
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}
