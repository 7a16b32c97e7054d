//! Turns input bytes into JSON text the dump loader reads: JSON as is, YAML transcoded.

use std::borrow::Cow;

use crate::envoy::load_error::{self, Location, Position};
use crate::envoy::{Document, LoadError};

/// The JSON text of one input, as the dump loader reads it.
#[derive(Debug)]
pub struct InputText<'a> {
    /// The input's own bytes for JSON (without a byte-order mark), or the YAML transcoded
    /// to JSON. JSON input is not checked to be UTF-8 here: [`Document::load`] checks every
    /// byte as it parses, and reports binary data as this module would have.
    pub json: Cow<'a, [u8]>,
    pub from_yaml: bool,
    /// Bytes of the input before `json` (a byte-order mark).
    pub skipped: usize,
}

impl InputText<'_> {
    /// The document the loader reads, labelled `label` in errors.
    pub fn document<'s>(&'s self, label: &'s str) -> Document<'s> {
        Document {
            label,
            text: &self.json,
            from_yaml: self.from_yaml,
            skipped: self.skipped,
            release: None,
            hook: None,
        }
    }
}

const BOM: &[u8] = "\u{feff}".as_bytes();

/// Decides whether `bytes` is JSON or YAML and, for YAML, transcodes it to JSON.
///
/// Content decides, not the file name: `.yaml` files often hold JSON (JSON is YAML).
/// Config dumps are JSON and can be a gigabyte: when the first character after leading
/// whitespace opens JSON, the bytes go to the loader as they are, with no pass over them
/// here (the loader finds binary data while it parses). Anything else is small or rare and
/// is checked to be text first.
pub fn to_json_text<'a>(label: &str, bytes: &'a [u8]) -> Result<InputText<'a>, LoadError> {
    let skipped = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &bytes[skipped..];
    // The ASCII part of `char::is_whitespace`, so this agrees with `str::trim_start` below.
    let first = body
        .iter()
        .find(|b| !(b.is_ascii() && char::from(**b).is_whitespace()));
    if matches!(first, Some(b'{' | b'[' | b'"')) {
        return Ok(InputText {
            json: Cow::Borrowed(body),
            from_yaml: false,
            skipped,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| LoadError::Binary {
        path: label.to_string(),
        offset: e.valid_up_to(),
    })?;
    if let Some(at) = text.find('\0') {
        return Err(LoadError::Binary {
            path: label.to_string(),
            offset: at,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(LoadError::Empty {
            path: label.to_string(),
        });
    }
    if trimmed.starts_with(['{', '[', '"']) {
        // JSON after Unicode whitespace. YAML flow style that is not JSON is rare enough to
        // leave to the JSON error; a leading quote is JSON too: a huge JSON string must not
        // go through the YAML parser.
        return Ok(InputText {
            json: Cow::Borrowed(text.as_bytes()),
            from_yaml: false,
            skipped,
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
        return Err(LoadError::Empty {
            path: label.to_string(),
        });
    }
    let json = serde_json::to_string(&value).map_err(|e| LoadError::Yaml {
        location: Location {
            path: label.to_string(),
            position: None,
        },
        message: load_error::strip_serde_position(&e.to_string()),
    })?;
    Ok(InputText {
        json: Cow::Owned(json.into_bytes()),
        from_yaml: true,
        skipped: 0,
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
