//! JSON and YAML output of values: JSON indented by 4 spaces (istioctl's
//! `json.MarshalIndent`), YAML as sigs.k8s.io/yaml writes it (istioctl's converter).
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

/// [`write`] as istioctl's `proxy-config` prints: JSON through Go's `encoding/json`, which
/// escapes `<`, `>`, `&`, U+2028 and U+2029 (DOMAIN.md §4.7). meshscope's own JSON keeps
/// them readable.
pub fn write_istioctl(
    out: &mut dyn Write,
    value: &Value,
    format: Format<'_>,
) -> Result<(), RenderError> {
    if format != Format::Json {
        return write(out, value, format);
    }
    let mut buf = Vec::new();
    write_json(&mut buf, value)?;
    out.write_all(&go_json_escapes(buf))?;
    Ok(())
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

/// YAML as istioctl prints it (sigs.k8s.io/yaml's layout and quoting, `render::go_yaml`).
pub fn write_yaml(out: &mut dyn Write, value: &Value) -> Result<(), RenderError> {
    out.write_all(super::go_yaml::to_yaml(value).as_bytes())?;
    Ok(())
}

/// Go's `encoding/json` writes `<`, `>`, `&`, U+2028 and U+2029 as `\u` escapes (istioctl's
/// JSON passes through it). Outside strings JSON has none of them, so bytes can be swapped.
fn go_json_escapes(buf: Vec<u8>) -> Vec<u8> {
    let special = |w: &[u8]| matches!(w, [0xe2, 0x80, 0xa8 | 0xa9, ..]);
    if !buf.iter().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xe2)) {
        return buf;
    }
    let mut out = Vec::with_capacity(buf.len() + 16);
    let mut i = 0;
    while i < buf.len() {
        match buf[i] {
            b'<' => out.extend_from_slice(b"\\u003c"),
            b'>' => out.extend_from_slice(b"\\u003e"),
            b'&' => out.extend_from_slice(b"\\u0026"),
            0xe2 if special(&buf[i..]) => {
                let last = if buf[i + 2] == 0xa8 {
                    b"\\u2028"
                } else {
                    b"\\u2029"
                };
                out.extend_from_slice(last);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_as_go_does() {
        let mut out = Vec::new();
        let v = serde_json::json!({"a": "x<y>&z\u{2028}\u{2029}é"});
        write_istioctl(&mut out, &v, Format::Json).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "{\n    \"a\": \"x\\u003cy\\u003e\\u0026z\\u2028\\u2029é\"\n}\n"
        );
    }
}
