//! Turns input bytes into JSON text the dump loader reads: JSON as is, YAML transcoded.

use std::borrow::Cow;

use crate::envoy::LoadError;
use crate::envoy::load_error::{self, Location, Position};

/// Input bytes checked to be text, with the JSON to parse.
#[derive(Debug)]
pub struct InputText<'a> {
    pub json: Cow<'a, str>,
    pub from_yaml: bool,
}

/// Validates `bytes` as UTF-8 text and, when it is not JSON, transcodes YAML to JSON.
///
/// Content decides, not the file name: `.yaml` files often hold JSON (JSON is YAML).
pub fn to_json_text<'a>(label: &str, bytes: &'a [u8]) -> Result<InputText<'a>, LoadError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| LoadError::Binary(label.to_string(), e.valid_up_to()))?;
    if text.contains('\0') {
        return Err(LoadError::Binary(
            label.to_string(),
            text.find('\0').unwrap_or_default(),
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(LoadError::Empty(label.to_string()));
    }
    if trimmed.starts_with(['{', '[', '"']) {
        // JSON; YAML flow style that is not JSON is rare enough to leave to the JSON error.
        // A leading quote is JSON too: a huge JSON string must not go through the YAML parser.
        return Ok(InputText {
            json: Cow::Borrowed(text),
            from_yaml: false,
        });
    }
    let value: serde_json::Value = serde_saphyr::from_str(text).map_err(|e| {
        let position = e.location().map(|l| Position {
            line: l.line() as usize,
            column: l.column() as usize,
        });
        LoadError::Yaml {
            location: Location {
                path: label.to_string(),
                position,
            },
            message: first_line(&e.to_string()),
        }
    })?;
    if value.is_null() {
        return Err(LoadError::Empty(label.to_string()));
    }
    let json = serde_json::to_string(&value).map_err(|e| LoadError::Yaml {
        location: Location {
            path: label.to_string(),
            position: None,
        },
        message: load_error::strip_serde_position(&e.to_string()),
    })?;
    Ok(InputText {
        json: Cow::Owned(json),
        from_yaml: true,
    })
}

/// serde-saphyr's message without its own `error: line L column C: ` lead-in or snippet
/// (meshscope prints the location once, first).
pub(crate) fn first_line(s: &str) -> String {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim();
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let line = match line.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((pos, rest)) if pos.contains(" column ") => rest,
        _ => line,
    };
    load_error::strip_serde_position(line)
}
