//! kubectl's `-o jsonpath=TEMPLATE` language (k8s.io/client-go/util/jsonpath) over the JSON
//! form of what a command selected: literal text, `{…}` actions, `{range …}{end}`, filters,
//! and RFC 9535 queries (`{$…}` that kubectl's grammar rejects), which go to `jsonpath-rust`.
//!
//! It owns the template grammar, its evaluation and how results are printed. It must not
//! decide which objects are shown (`cmd/` hands over one value) and it writes nowhere: the
//! caller gets the text. Differences from kubectl are deliberate and listed on
//! [`render_template`].

//!
//! This file owns the entry point and the error type: a `Problem` at a `Located` span of
//! the template, reported as one [`TemplateError`] line. The work is split by job:
//!
//! - `ast`: the parsed template, built by the parser and run by the evaluator;
//! - `parser`: literal text, `{…}` actions and `{range}`/`{end}` nesting;
//! - `path`: the kubectl path steps inside an action (`.a`, `..`, `[…]`, `[?(…)]`);
//! - `literal`: quoted strings and numbers inside an action;
//! - `rfc9535`: `{$…}` queries, parsed and run by `jsonpath-rust`;
//! - `eval`: running the parsed template over a `serde_json::Value`;
//! - `filter`: `[?(…)]` tests with Go template's comparison rules;
//! - `printer`: how results print (Go's `fmt` and `encoding/json`).

mod ast;
mod eval;
mod filter;
mod literal;
mod parser;
mod path;
mod printer;
mod rfc9535;
#[cfg(test)]
mod test_support;

use serde_json::Value;

use crate::util::sanitize::sanitize;
use eval::{Mode, render_pieces};
use parser::Parser;

/// Deeper `{range}` nesting is refused: rendering recurses once per level.
const MAX_RANGE_DEPTH: usize = 32;

/// Renders `template` against `value` as `kubectl -o jsonpath=` would.
///
/// Results of one action are joined by a single space. Strings print raw, other scalars as
/// Go's `fmt` prints them, objects and arrays as Go's `json.Marshal` of a decoded document
/// (compact, keys sorted, HTML characters escaped). A field that no current value has is an
/// error (`x is not found`), as with `--allow-missing-template-keys=false`, except inside a
/// `{range}` body and a filter, where it yields nothing, as kubectl's default does.
///
/// Beyond kubectl: `['a.b']` falls back to the key `a.b` when the path `.a.b` is absent,
/// `.@type` names the key `@type`, numbers compare by value whether written as integers or
/// decimals, and an existence test `[?(@.a[5])]` is false when the index is out of range.
pub fn render_template(template: &str, value: &Value) -> Result<String, TemplateError> {
    let chars: Vec<char> = template.chars().collect();
    let pieces = Parser { src: &chars }
        .template()
        .map_err(|e| e.into_render(&chars))?;
    let mut out = String::new();
    render_pieces(&pieces, value, Mode::Strict, &mut out).map_err(|e| e.into_render(&chars))?;
    Ok(out)
}

/// What is wrong with a template or its evaluation; [`Located`] says where.
#[derive(Debug, PartialEq, thiserror::Error)]
enum Problem {
    #[error("template format specified but no template given")]
    EmptyTemplate,
    #[error("unclosed action: missing \"}}\"")]
    UnclosedAction,
    #[error("line break inside an action")]
    LineBreakInAction,
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    #[error("invalid escape \"\\{escape}\" in quoted string")]
    BadEscape { escape: String },
    #[error("unterminated \"[\": missing \"]\"")]
    UnterminatedBracket,
    #[error("unterminated filter: missing \")]\"")]
    UnterminatedFilter,
    #[error("empty \"[]\"")]
    EmptyBrackets,
    #[error("invalid array index {text:?}")]
    InvalidIndex { text: String },
    #[error("invalid number {text:?}")]
    InvalidNumber { text: String },
    #[error("unrecognized filter operator {op:?}: use ==, !=, <, <=, > or >=")]
    UnknownOperator { op: String },
    #[error("filter has no path before {op:?}")]
    MissingLeftOperand { op: String },
    #[error("filter has nothing after {op:?}")]
    MissingRightOperand { op: String },
    #[error("unrecognized character {0:?} in action")]
    UnexpectedChar(char),
    #[error("unrecognized identifier {word:?} (a field needs a leading dot: \".{word}\")")]
    UnknownIdentifier { word: String },
    #[error("missing field name after \".\"")]
    MissingFieldName,
    #[error("invalid multiple recursive descent")]
    MultipleRecursive,
    #[error("{{end}} without a matching {{range}}")]
    EndWithoutRange,
    #[error("{{range}} without a matching {{end}}")]
    RangeWithoutEnd,
    #[error("unexpected text after \"end\"")]
    TextAfterEnd,
    #[error("{{range}} nested deeper than {MAX_RANGE_DEPTH} levels")]
    RangeTooDeep,
    #[error("{rfc} (read as RFC 9535; as a kubectl path: {kubectl})")]
    Unparsable { kubectl: Box<Problem>, rfc: String },
    #[error("{name} is not found{}", if *.on_array { " (the value there is an array: select elements with [*] or [N] first)" } else { "" })]
    NotFound { name: String, on_array: bool },
    #[error("{0} is not an array")]
    NotArray(&'static str),
    #[error("{0} is not an array and cannot be filtered")]
    NotFilterable(&'static str),
    #[error("array index out of bounds: index {index}, length {len}")]
    OutOfBounds { index: i64, len: usize },
    #[error("starting index {start} is greater than ending index {end}")]
    StartAfterEnd { start: i64, end: i64 },
    #[error("step must be > 0")]
    BadStep,
    #[error("can only compare one element at a time")]
    CompareMany,
    #[error("cannot compare {0} with {1}")]
    Incompatible(&'static str, &'static str),
    #[error("{0} cannot be compared")]
    NotComparable(&'static str),
    #[error("booleans cannot be compared with {0}")]
    Unorderable(&'static str),
    #[error("RFC 9535 query failed: {message}")]
    RfcFailed { message: String },
}

/// A [`Problem`] at a span of the template (character indices).
#[derive(Debug)]
struct Located {
    start: usize,
    end: usize,
    problem: Problem,
}

impl Located {
    fn new(start: usize, end: usize, problem: Problem) -> Self {
        Located {
            start,
            end,
            problem,
        }
    }

    /// What is wrong, where, and the template text at fault.
    fn into_render(self, src: &[char]) -> TemplateError {
        let start = self.start.min(src.len());
        let end = self.end.clamp(start, src.len());
        let snippet: String = if end - start > 40 {
            src[start..start + 40].iter().chain(['…'].iter()).collect()
        } else {
            src[start..end].iter().collect()
        };
        let before = &src[..start];
        let line = before.iter().filter(|c| **c == '\n').count() + 1;
        let column = before.iter().rev().take_while(|c| **c != '\n').count() + 1;
        TemplateError {
            problem: self.problem,
            line: src.contains(&'\n').then_some(line),
            column,
            snippet,
        }
    }
}

/// A template that does not parse, or does not evaluate on the value. Its text is one
/// line, `jsonpath: ` first: tabs and escape sequences of the template are escaped.
#[derive(Debug)]
pub struct TemplateError {
    problem: Problem,
    /// Only for templates of several lines.
    line: Option<usize>,
    column: usize,
    /// The template text at fault (at most 40 characters and an ellipsis).
    snippet: String,
}

impl std::error::Error for TemplateError {}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = match self.line {
            Some(line) => format!("line {line}, column {}", self.column),
            None => format!("column {}", self.column),
        };
        let message = match (&self.problem, self.snippet.is_empty()) {
            (Problem::EmptyTemplate, _) => self.problem.to_string(),
            (_, true) => format!("{} at {place}", self.problem),
            (_, false) => format!("{} at {place}: `{}`", self.problem, self.snippet),
        };
        write!(f, "jsonpath: {}", sanitize(&message))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::render_template;
    use super::test_support::check;

    /// The input of kubectl's JSONPath reference page.
    fn kubectl_doc() -> Value {
        json!({
            "kind": "List",
            "items": [
                {
                    "kind": "None",
                    "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
                    "status": {
                        "capacity": {"cpu": "4"},
                        "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]
                    }
                },
                {
                    "kind": "None",
                    "metadata": {"name": "127.0.0.2"},
                    "status": {
                        "capacity": {"cpu": "8"},
                        "addresses": [
                            {"type": "LegacyHostIP", "address": "127.0.0.2"},
                            {"type": "another", "address": "127.0.0.3"}
                        ]
                    }
                }
            ],
            "users": [
                {"name": "myself", "user": {}},
                {"name": "e2e", "user": {"username": "admin", "password": "secret"}}
            ]
        })
    }

    #[test]
    fn kubectl_reference_examples() {
        let d = kubectl_doc();
        check(&[
            ("kind is {.kind}", d.clone(), "kind is List"),
            ("{.kind}", d.clone(), "List"),
            ("{['kind']}", d.clone(), "List"),
            ("{..name}", d.clone(), "127.0.0.1 127.0.0.2 myself e2e"),
            (
                "{.items[*].metadata.name}",
                d.clone(),
                "127.0.0.1 127.0.0.2",
            ),
            ("{.users[0].name}", d.clone(), "myself"),
            (
                "{.items[*]['metadata.name', 'status.capacity']}",
                d.clone(),
                r#"127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}"#,
            ),
            (
                "{.users[?(@.name==\"e2e\")].user.password}",
                d.clone(),
                "secret",
            ),
            (
                "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
                d.clone(),
                r#"[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] "#,
            ),
            (
                "{range .items[*]}{.metadata.name}{'\\t'}{end}",
                d.clone(),
                "127.0.0.1\t127.0.0.2\t",
            ),
            (
                "{.items[0].metadata.labels.kubernetes\\.io/hostname}",
                d.clone(),
                "127.0.0.1",
            ),
            (
                "{.items[*].status.addresses[?(@.type==\"another\")].address}",
                d.clone(),
                "127.0.0.3",
            ),
            ("{$.kind}", d.clone(), "List"),
        ]);
    }

    #[test]
    fn long_snippets_are_cut() {
        let template = format!("{{.{}}}", "n".repeat(60));
        let err = render_template(&template, &json!({}))
            .unwrap_err()
            .to_string();
        assert!(err.ends_with(&format!("`.{}…`", "n".repeat(39))), "{err}");
    }
}
