//! A YAML/JSON document tree that keeps the source position of every key and value.
//!
//! Built from the event stream of `granit-parser` (the parser under serde-saphyr), so lint
//! findings can point at the offending field. It does no validation of Istio semantics.

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle, Span};

/// A 1-based line and column in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column (in characters).
    pub column: usize,
}

/// How a scalar was written: plain scalars are typed by the YAML core schema, quoted ones are strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// Quoted or block scalar: always a string.
    Quoted,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar with its text as written (after escapes) and its style.
    Scalar(String, Style),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in source order; keys keep their own positions.
    Map(Vec<(Node, Node)>),
}

/// A value and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where the value starts.
    pub pos: Pos,
}

/// The JSON-like type of a node under the YAML 1.2 core schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Integer,
    Number,
    String,
    Array,
    Object,
}

impl Kind {
    /// The name Kubernetes uses in type errors.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "boolean",
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
        }
    }
}

impl Node {
    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value under `key` when this is a mapping.
    pub fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_scalar() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// The scalar text, whatever its type.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// The text of a string-typed scalar (quoted, or plain and not null/bool/number).
    pub fn as_str(&self) -> Option<&str> {
        match self.kind() {
            Kind::String => self.as_scalar(),
            _ => None,
        }
    }

    /// The integer value of an integer scalar.
    pub fn as_i64(&self) -> Option<i64> {
        match self.kind() {
            Kind::Integer => parse_int(self.as_scalar()?),
            _ => None,
        }
    }

    /// Mapping entries (empty for other values).
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(e) => e,
            _ => &[],
        }
    }

    /// The scalar-to-scalar entries of a mapping (labels, annotations, `matchLabels`);
    /// entries with a non-scalar key or value are skipped, other values give an empty map.
    pub fn scalar_map(&self) -> std::collections::BTreeMap<String, String> {
        self.entries()
            .iter()
            .filter_map(|(k, v)| Some((k.as_scalar()?.to_string(), v.as_scalar()?.to_string())))
            .collect()
    }

    /// Sequence items (empty for other values).
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    /// Whether the value is null (`~`, `null`, or nothing).
    pub fn is_null(&self) -> bool {
        self.kind() == Kind::Null
    }

    /// The value's type under the YAML 1.2 core schema (what Kubernetes decodes).
    pub fn kind(&self) -> Kind {
        match &self.value {
            Value::Seq(_) => Kind::Array,
            Value::Map(_) => Kind::Object,
            Value::Scalar(_, Style::Quoted) => Kind::String,
            Value::Scalar(s, Style::Plain) => plain_kind(s),
        }
    }

    /// A short rendering for messages: the scalar text, or "object"/"array".
    pub fn display(&self) -> Cow<'_, str> {
        match &self.value {
            Value::Scalar(s, _) => Cow::Borrowed(s),
            Value::Seq(_) => Cow::Borrowed("array"),
            Value::Map(_) => Cow::Borrowed("object"),
        }
    }
}

fn plain_kind(s: &str) -> Kind {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Kind::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => Kind::Bool,
        _ if parse_int(s).is_some() => Kind::Integer,
        _ if is_float(s) => Kind::Number,
        _ => Kind::String,
    }
}

fn parse_int(s: &str) -> Option<i64> {
    if let Some(hex) = s.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn is_float(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if matches!(lower.trim_start_matches(['-', '+']), ".inf" | ".nan") {
        return true;
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    body.bytes().any(|b| b.is_ascii_digit())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && s.parse::<f64>().is_ok()
}

/// Why a text could not be parsed as YAML.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// The parser's message.
    pub message: String,
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// Parses every document of a (multi-document) YAML or JSON text. Empty documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, SyntaxError> {
    let mut docs = Vec::new();
    let mut stack: Vec<Builder> = Vec::new();
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| SyntaxError {
            pos: Pos {
                line: e.marker().line(),
                column: e.marker().col() + 1,
            },
            message: e.info().to_string(),
        })?;
        let pos = pos_of(&span);
        let done = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let quoted = !matches!(style, ScalarStyle::Plain)
                    || tag.as_ref().is_some_and(|t| t.to_string().ends_with("str"));
                let node = Node {
                    value: Value::Scalar(
                        text.into_owned(),
                        if quoted { Style::Quoted } else { Style::Plain },
                    ),
                    pos,
                };
                if anchor != 0 {
                    anchors.push((anchor, node.clone()));
                }
                Some(node)
            }
            Event::Alias(id) => anchors
                .iter()
                .rev()
                .find(|(a, _)| *a == id)
                .map(|(_, n)| Node {
                    value: n.value.clone(),
                    pos,
                }),
            Event::SequenceStart(_, anchor, _) => {
                stack.push(Builder::Seq(pos, anchor, Vec::new()));
                None
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push(Builder::Map(pos, anchor, Vec::new(), None));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => stack.pop().map(|b| b.finish(&mut anchors)),
            Event::DocumentEnd => {
                stack.clear();
                None
            }
            _ => None,
        };
        if let Some(node) = done {
            match stack.last_mut() {
                Some(parent) => parent.push(node),
                None if node.is_null() => {}
                None => docs.push(node),
            }
        }
    }
    Ok(docs)
}

enum Builder {
    Seq(Pos, usize, Vec<Node>),
    Map(Pos, usize, Vec<(Node, Node)>, Option<Node>),
}

impl Builder {
    fn push(&mut self, node: Node) {
        match self {
            Builder::Seq(_, _, items) => items.push(node),
            Builder::Map(_, _, entries, key) => match key.take() {
                Some(k) => entries.push((k, node)),
                None => *key = Some(node),
            },
        }
    }

    fn finish(self, anchors: &mut Vec<(usize, Node)>) -> Node {
        let (anchor, node) = match self {
            Builder::Seq(pos, anchor, items) => (
                anchor,
                Node {
                    value: Value::Seq(items),
                    pos,
                },
            ),
            Builder::Map(pos, anchor, entries, _) => (
                anchor,
                Node {
                    value: Value::Map(entries),
                    pos,
                },
            ),
        };
        if anchor != 0 {
            anchors.push((anchor, node.clone()));
        }
        node
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_and_types() {
        let docs =
            parse_documents("a: 1\nb:\n  c: \"x\"\n  d: [yes, 2.5]\n---\n---\ne: ~\n").unwrap();
        assert_eq!(docs.len(), 2);
        let d = &docs[0];
        assert_eq!(d.get("a").unwrap().kind(), Kind::Integer);
        let c = d.path(&["b", "c"]).unwrap();
        assert_eq!(c.pos, Pos { line: 3, column: 6 });
        assert_eq!(c.as_str(), Some("x"));
        let list = d.path(&["b", "d"]).unwrap().items();
        assert_eq!(list[0].kind(), Kind::String);
        assert_eq!(list[1].kind(), Kind::Number);
        assert!(docs[1].get("e").unwrap().is_null());
    }

    #[test]
    fn json_is_yaml() {
        let docs = parse_documents("{\"a\": {\"b\": 7}}").unwrap();
        assert_eq!(docs[0].path(&["a", "b"]).unwrap().as_i64(), Some(7));
    }

    #[test]
    fn reports_syntax_errors() {
        let err = parse_documents("a: [1,\n").unwrap_err();
        assert!(err.pos.line >= 1);
    }
}
