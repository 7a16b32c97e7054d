//! The reference parse, which runs whenever a fast path gives up: it reads the text as
//! the loader always has (binary data first, then one parse skipping with `IgnoredAny`),
//! so that what an error says never depends on the path that found it.

use serde::de::DeserializeSeed;
use serde_json::value::RawValue;

use super::model::Wanted;
use super::seeds::TopSeed;
use super::{Document, Top};
use crate::envoy::load_error::{self, LoadError};

impl<'a> Document<'a> {
    /// The loader as it was before the fast path: binary data first, then the parse.
    pub(super) fn reference_parse(
        &self,
        sections: Wanted,
    ) -> Result<Top<'a, &'a RawValue>, LoadError> {
        if let Some(at) = binary_offset(self.text) {
            return Err(LoadError::Binary {
                path: self.label.to_string(),
                offset: at + self.skipped,
            });
        }
        self.parse(sections)
            .map_err(|e| self.top_level_error(sections, e))
    }

    /// Only called after `binary_offset` found none, so the text is UTF-8.
    fn top_level_error(&self, sections: Wanted, e: serde_json::Error) -> LoadError {
        let offset =
            load_error::offset_of(&String::from_utf8_lossy(self.text), e.line(), e.column());
        let message = load_error::strip_serde_position(&e.to_string());
        match e.classify() {
            serde_json::error::Category::Data => {
                // Only now pay for path tracking: rerun the same parse to learn the field.
                let mut de = serde_json::Deserializer::from_slice(self.text);
                let mut track = serde_path_to_error::Track::new();
                let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
                let seed = TopSeed::<&RawValue>::new(sections);
                let field = match seed.deserialize(tracked) {
                    Err(_) => track.path().to_string(),
                    Ok(_) => String::new(),
                };
                LoadError::Field {
                    location: self.location(Some(offset)),
                    field: if field.is_empty() { ".".into() } else { field },
                    message,
                }
            }
            serde_json::error::Category::Eof => LoadError::Json {
                location: self.location(Some(offset)),
                message: format!("{message} (the input ends early: truncated file?)"),
            },
            _ => LoadError::Json {
                location: self.location(Some(offset)),
                message,
            },
        }
    }
}

/// Where an input stops being text: the end of its valid UTF-8, else its first NUL byte.
/// Run only when the parse failed, so that binary data is reported as such rather than as
/// bad JSON (a NUL byte cannot be in valid JSON, so the parse fails on it).
pub(super) fn binary_offset(bytes: &[u8]) -> Option<usize> {
    match std::str::from_utf8(bytes) {
        Err(e) => Some(e.valid_up_to()),
        Ok(text) => text.find('\0'),
    }
}
