//! Why a config dump could not be read, with the file and (where known) line and column.

use std::fmt;

/// A 1-based line and column in the input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// `PATH[:LINE:COL]` as error lines print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub position: Option<Position>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{}:{}", self.path, p),
            None => f.write_str(&self.path),
        }
    }
}

/// Everything that stops a config dump from loading. Each renders as one line.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: empty input: expected an Envoy config dump (JSON or YAML)")]
    Empty { path: String },
    #[error("{path}: not a text file (binary data at byte {offset})")]
    Binary { path: String, offset: usize },
    #[error("{location}: invalid JSON: {message}")]
    Json { location: Location, message: String },
    #[error("{location}: invalid YAML: {message}")]
    Yaml { location: Location, message: String },
    /// Valid JSON/YAML, but a field we read has the wrong shape.
    #[error("{location}: {field}: {message}")]
    Field {
        location: Location,
        field: String,
        message: String,
    },
    #[error(
        "{location}: not an Envoy config dump: expected an object with \"configs\" \
         (admin /config_dump) or an array of listeners, found {found}"
    )]
    NotADump { location: Location, found: String },
}

/// serde_json's message without its trailing " at line L column C" (we print the position first).
pub(crate) fn strip_serde_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) if message[i..].contains(" column ") => message[..i].to_string(),
        _ => message.to_string(),
    }
}

/// Line and column (1-based) of byte `offset` in `text`.
pub(crate) fn position_of(text: &str, offset: usize) -> Position {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Position { line, column }
}

/// Byte offset of a 1-based line/column inside `text` (columns count chars).
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_bytes: usize = l
                .chars()
                .take(column.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            return offset + col_bytes;
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_round_trip() {
        let text = "{\n  \"a\": [1,\n 2]\n}";
        for offset in [0, 2, 5, 13, text.len()] {
            let p = position_of(text, offset);
            assert_eq!(offset_of(text, p.line, p.column), offset, "{offset} -> {p}");
        }
        assert_eq!(position_of(text, 4), Position { line: 2, column: 3 });
    }

    #[test]
    fn strips_serde_suffix() {
        assert_eq!(
            strip_serde_position("EOF while parsing an object at line 3 column 1"),
            "EOF while parsing an object"
        );
        assert_eq!(strip_serde_position("plain"), "plain");
    }
}
