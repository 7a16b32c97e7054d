//! kubectl's `-o jsonpath=TEMPLATE` language (k8s.io/client-go/util/jsonpath) over the JSON
//! form of what a command selected: literal text, `{…}` actions, `{range …}{end}`, filters,
//! and RFC 9535 queries (`{$…}` that kubectl's grammar rejects), which go to `jsonpath-rust`.
//!
//! It owns the template grammar, its evaluation and how results are printed. It must not
//! decide which objects are shown (`cmd/` hands over one value) and it writes nowhere: the
//! caller gets the text. Differences from kubectl are deliberate and listed on
//! [`render_template`].

use std::cmp::Ordering;

use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;
use serde_json::{Number, Value};

use super::RenderError;
use super::sanitize::sanitize;

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
pub fn render_template(template: &str, value: &Value) -> Result<String, RenderError> {
    let chars: Vec<char> = template.chars().collect();
    let pieces = Parser { src: &chars }
        .template()
        .map_err(|e| e.into_render(&chars))?;
    let mut out = String::new();
    render_pieces(&pieces, value, Mode::Strict, &mut out).map_err(|e| e.into_render(&chars))?;
    Ok(out)
}

/// One part of a parsed template.
enum Piece {
    Text(String),
    Print(Expr),
    Range { expr: Expr, body: Vec<Piece> },
}

/// What an action selects from the current node.
enum Expr {
    Path(Vec<Step>),
    Rfc9535 {
        query: JpQuery,
        start: usize,
        end: usize,
    },
}

/// One step of a kubectl path, with its place in the template for error messages.
struct Step {
    kind: StepKind,
    start: usize,
    end: usize,
}

enum StepKind {
    /// `.name`
    Field(String),
    /// `['a.b']`: kubectl's reading as the path `.a.b`, else the key `a.b` itself.
    Key { literal: String, path: Vec<String> },
    /// `.*`
    Wildcard,
    /// `..`
    Recursive,
    /// `[n]`, `[a:b:c]`, `[*]`
    Slice(Slice),
    /// `[a,b]`: each alternative over all input, one after the other (kubectl's order).
    Union(Vec<Step>),
    /// `[?(…)]`
    Filter(Box<Filter>),
    /// `"text"`, `1`, `true`
    Literal(Value),
}

/// kubectl's slice parameters; `single` marks `[n]`, which must name an element.
#[derive(Clone, Copy)]
struct Slice {
    start: Option<i64>,
    end: Option<i64>,
    single: bool,
    step: Option<i64>,
}

struct Filter {
    left: Vec<Step>,
    /// `None` is an existence test, `[?(@.x)]`.
    test: Option<(Op, Vec<Step>)>,
}

#[derive(Clone, Copy)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn parse(s: &str) -> Option<Op> {
        Some(match s {
            "==" => Op::Eq,
            "!=" => Op::Ne,
            "<" => Op::Lt,
            "<=" => Op::Le,
            ">" => Op::Gt,
            ">=" => Op::Ge,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "==",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// Whether a missing field is an error (top level) or nothing (range bodies, filters).
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Strict,
    Lenient,
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
    #[error("invalid escape \"\\{0}\" in quoted string")]
    BadEscape(String),
    #[error("unterminated \"[\": missing \"]\"")]
    UnterminatedBracket,
    #[error("unterminated filter: missing \")]\"")]
    UnterminatedFilter,
    #[error("empty \"[]\"")]
    EmptyBrackets,
    #[error("invalid array index {0:?}")]
    InvalidIndex(String),
    #[error("invalid number {0:?}")]
    InvalidNumber(String),
    #[error("unrecognized filter operator {0:?}: use ==, !=, <, <=, > or >=")]
    UnknownOperator(String),
    #[error("filter has no path before {0:?}")]
    MissingLeftOperand(String),
    #[error("filter has nothing after {0:?}")]
    MissingRightOperand(String),
    #[error("unrecognized character {0:?} in action")]
    UnexpectedChar(char),
    #[error("unrecognized identifier {0:?} (a field needs a leading dot: \".{0}\")")]
    UnknownIdentifier(String),
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
    #[error("RFC 9535 query failed: {0}")]
    RfcFailed(String),
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

    /// One line: what is wrong, where, and the template text at fault.
    fn into_render(self, src: &[char]) -> RenderError {
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
        let place = if src.contains(&'\n') {
            format!("line {line}, column {column}")
        } else {
            format!("column {column}")
        };
        let message = match (&self.problem, snippet.is_empty()) {
            (Problem::EmptyTemplate, _) => self.problem.to_string(),
            (_, true) => format!("{} at {place}", self.problem),
            (_, false) => format!("{} at {place}: `{snippet}`", self.problem),
        };
        // The message must stay one line, and templates may hold tabs or escape sequences.
        RenderError::JsonPath(sanitize(&message).into_owned())
    }
}

/// Outcome of scanning for a character outside quoted strings.
enum Scan {
    Found(usize),
    /// Ran out of input; `Some` holds where an unclosed quote began.
    Unterminated(Option<usize>),
}

/// Parses the template; every position is a character index into `src`.
struct Parser<'s> {
    src: &'s [char],
}

/// One parsed `{…}`.
enum Action {
    Print(Expr),
    Range(Expr),
    End,
}

impl Parser<'_> {
    fn text(&self, start: usize, end: usize) -> String {
        self.src[start..end].iter().collect()
    }

    fn template(&self) -> Result<Vec<Piece>, Located> {
        if self.src.is_empty() {
            return Err(Located::new(0, 0, Problem::EmptyTemplate));
        }
        // Open ranges: where each began, its expression, and the pieces outside it.
        let mut open: Vec<(usize, usize, Expr, Vec<Piece>)> = Vec::new();
        let mut pieces = Vec::new();
        let mut i = 0;
        while i < self.src.len() {
            if self.src[i] != '{' {
                let end = (i..self.src.len())
                    .find(|&j| self.src[j] == '{')
                    .unwrap_or(self.src.len());
                pieces.push(Piece::Text(self.text(i, end)));
                i = end;
                continue;
            }
            let close = match self.scan(i + 1, self.src.len(), |c| c == '}') {
                Scan::Found(close) => close,
                Scan::Unterminated(Some(q)) => {
                    return Err(Located::new(q, self.src.len(), Problem::UnterminatedQuote));
                }
                Scan::Unterminated(None) => {
                    return Err(Located::new(i, self.src.len(), Problem::UnclosedAction));
                }
            };
            // kubectl ends an action at a line break; say so rather than misparse.
            if let Some(nl) = (i..close).find(|&j| matches!(self.src[j], '\n' | '\r')) {
                return Err(Located::new(i, nl, Problem::LineBreakInAction));
            }
            match self.action(i + 1, close)? {
                Action::Print(expr) => pieces.push(Piece::Print(expr)),
                Action::Range(expr) => {
                    if open.len() >= MAX_RANGE_DEPTH {
                        return Err(Located::new(i, close + 1, Problem::RangeTooDeep));
                    }
                    open.push((i, close + 1, expr, std::mem::take(&mut pieces)));
                }
                Action::End => {
                    let Some((_, _, expr, outer)) = open.pop() else {
                        return Err(Located::new(i, close + 1, Problem::EndWithoutRange));
                    };
                    let body = std::mem::replace(&mut pieces, outer);
                    pieces.push(Piece::Range { expr, body });
                }
            }
            i = close + 1;
        }
        if let Some((start, end, ..)) = open.pop() {
            return Err(Located::new(start, end, Problem::RangeWithoutEnd));
        }
        Ok(pieces)
    }

    /// First `stop` character in `start..end` outside quoted strings; a backslash escapes
    /// the next character, inside quotes and out (kubectl's field names use `\.`).
    fn scan(&self, start: usize, end: usize, stop: impl Fn(char) -> bool) -> Scan {
        let mut quote: Option<(char, usize)> = None;
        let mut i = start;
        while i < end {
            let c = self.src[i];
            match quote {
                _ if c == '\\' => i += 1,
                Some((q, _)) if c == q => quote = None,
                Some(_) => {}
                None if stop(c) => return Scan::Found(i),
                None if c == '"' || c == '\'' => quote = Some((c, i)),
                None => {}
            }
            i += 1;
        }
        Scan::Unterminated(quote.map(|(_, at)| at))
    }

    fn skip_blanks(&self, mut i: usize, end: usize) -> usize {
        while i < end && matches!(self.src[i], ' ' | '\t') {
            i += 1;
        }
        i
    }

    /// The contents of one `{…}`: `range EXPR`, `end`, or an expression to print.
    fn action(&self, start: usize, end: usize) -> Result<Action, Located> {
        let first = self.skip_blanks(start, end);
        let word_end = (first..end).find(|&j| !is_word(self.src[j])).unwrap_or(end);
        let word = self.text(first, word_end);
        let ends_word = word_end == end || is_terminator(self.src[word_end]);
        if word == "range" && ends_word {
            return Ok(Action::Range(self.expr(word_end, end)?));
        }
        if word == "end" && ends_word {
            let rest = self.skip_blanks(word_end, end);
            if rest < end {
                return Err(Located::new(rest, end, Problem::TextAfterEnd));
            }
            return Ok(Action::End);
        }
        Ok(Action::Print(self.expr(start, end)?))
    }

    /// A kubectl path; one starting with `$` that kubectl's grammar rejects is tried as RFC 9535.
    fn expr(&self, start: usize, end: usize) -> Result<Expr, Located> {
        let kubectl = match self.steps(start, end) {
            Ok(steps) => return Ok(Expr::Path(steps)),
            Err(e) => e,
        };
        let first = self.skip_blanks(start, end);
        if self.src.get(first) != Some(&'$') {
            return Err(kubectl);
        }
        let text = self.text(first, end);
        match parse_json_path(text.trim_end()) {
            Ok(query) => Ok(Expr::Rfc9535 { query, start, end }),
            Err(rfc) => {
                let (rfc, column) = one_line(&rfc.to_string());
                // Point at the RFC parser's position: a `$…` action that kubectl rejects
                // was most likely meant as RFC 9535.
                let at = column.map_or(first, |c| (first + c.saturating_sub(1)).min(end));
                let problem = Problem::Unparsable {
                    kubectl: Box::new(kubectl.problem),
                    rfc,
                };
                Err(Located::new(at, end, problem))
            }
        }
    }

    /// A sequence of kubectl path steps, literals and `@`/`$` (which name the current node).
    fn steps(&self, start: usize, end: usize) -> Result<Vec<Step>, Located> {
        let mut steps: Vec<Step> = Vec::new();
        let mut i = start;
        while i < end {
            let c = self.src[i];
            let next = self.src.get(i + 1).copied().filter(|_| i + 1 < end);
            let (kind, after) = match c {
                ' ' | '\t' | '@' | '$' => {
                    i += 1;
                    continue;
                }
                '[' if self.src[i..end].starts_with(&['[', '?', '(']) => self.filter(i, end)?,
                '[' => self.bracket(i, end)?,
                '.' if next == Some('.') => {
                    if matches!(
                        steps.last(),
                        Some(Step {
                            kind: StepKind::Recursive,
                            ..
                        })
                    ) {
                        return Err(Located::new(i, i + 2, Problem::MultipleRecursive));
                    }
                    steps.push(Step {
                        kind: StepKind::Recursive,
                        start: i,
                        end: i + 2,
                    });
                    i += 2;
                    // `..name` is descent then the field, as in kubectl.
                    if i < end && is_word(self.src[i]) {
                        let (name, after) = self.field_name(i, end);
                        steps.push(Step {
                            kind: StepKind::Field(name),
                            start: i,
                            end: after,
                        });
                        i = after;
                    }
                    continue;
                }
                '.' => {
                    let (name, after) = self.field_name(i + 1, end);
                    match name.as_str() {
                        "" => {
                            return Err(Located::new(
                                i,
                                after.max(i + 1),
                                Problem::MissingFieldName,
                            ));
                        }
                        "*" => (StepKind::Wildcard, after),
                        _ => (StepKind::Field(name), after),
                    }
                }
                '"' | '\'' => {
                    let (text, after) = self.quoted(i, end)?;
                    (StepKind::Literal(Value::String(text)), after)
                }
                '+' | '-' | '0'..='9' => self.number(i, end)?,
                c if is_word(c) => {
                    let after = (i..end).find(|&j| !is_word(self.src[j])).unwrap_or(end);
                    match self.text(i, after).as_str() {
                        "true" => (StepKind::Literal(Value::Bool(true)), after),
                        "false" => (StepKind::Literal(Value::Bool(false)), after),
                        word => {
                            let problem = Problem::UnknownIdentifier(word.to_string());
                            return Err(Located::new(i, after, problem));
                        }
                    }
                }
                c => return Err(Located::new(i, i + 1, Problem::UnexpectedChar(c))),
            };
            steps.push(Step {
                kind,
                start: i,
                end: after,
            });
            i = after;
        }
        Ok(steps)
    }

    /// A field name up to kubectl's terminators; `\x` stands for `x`. A leading `@` is
    /// kept, so `.@type` reaches protobuf's `@type` key.
    fn field_name(&self, start: usize, end: usize) -> (String, usize) {
        let mut name = String::new();
        let mut i = start;
        if i + 1 < end && self.src[i] == '@' && !is_terminator(self.src[i + 1]) {
            name.push('@');
            i += 1;
        }
        while i < end {
            match self.src[i] {
                '\\' if i + 1 < end => {
                    name.push(self.src[i + 1]);
                    i += 2;
                }
                c if is_terminator(c) => break,
                c => {
                    name.push(c);
                    i += 1;
                }
            }
        }
        (name, i)
    }

    /// `[?(LEFT)]` or `[?(LEFT OP RIGHT)]`, ending at the first `)` outside quotes.
    fn filter(&self, start: usize, end: usize) -> Result<(StepKind, usize), Located> {
        let inner = start + 3;
        let close = match self.scan(inner, end, |c| c == ')') {
            Scan::Found(close) if self.src.get(close + 1) == Some(&']') && close + 1 < end => close,
            _ => return Err(Located::new(start, end, Problem::UnterminatedFilter)),
        };
        let filter = match self.scan(inner, close, |c| matches!(c, '!' | '<' | '>' | '=')) {
            Scan::Found(op_start) => {
                let op_end = (op_start..close)
                    .find(|&j| !matches!(self.src[j], '!' | '<' | '>' | '='))
                    .unwrap_or(close);
                let op_text = self.text(op_start, op_end);
                let Some(op) = Op::parse(&op_text) else {
                    return Err(Located::new(
                        op_start,
                        op_end,
                        Problem::UnknownOperator(op_text),
                    ));
                };
                if self.skip_blanks(inner, op_start) == op_start {
                    let problem = Problem::MissingLeftOperand(op_text);
                    return Err(Located::new(op_start, op_end, problem));
                }
                if self.skip_blanks(op_end, close) == close {
                    let problem = Problem::MissingRightOperand(op_text);
                    return Err(Located::new(op_start, op_end, problem));
                }
                Filter {
                    left: self.steps(inner, op_start)?,
                    test: Some((op, self.steps(op_end, close)?)),
                }
            }
            Scan::Unterminated(_) => Filter {
                left: self.steps(inner, close)?,
                test: None,
            },
        };
        Ok((StepKind::Filter(Box::new(filter)), close + 2))
    }

    /// `[…]`: an index or slice, a quoted key, or a comma-separated union of those.
    fn bracket(&self, start: usize, end: usize) -> Result<(StepKind, usize), Located> {
        let close = match self.scan(start + 1, end, |c| c == ']') {
            Scan::Found(close) => close,
            Scan::Unterminated(Some(q)) => {
                return Err(Located::new(q, end, Problem::UnterminatedQuote));
            }
            Scan::Unterminated(None) => {
                return Err(Located::new(start, end, Problem::UnterminatedBracket));
            }
        };
        let mut parts = Vec::new();
        let mut from = start + 1;
        while let Scan::Found(comma) = self.scan(from, close, |c| c == ',') {
            parts.push((from, comma));
            from = comma + 1;
        }
        parts.push((from, close));
        let kind = if parts.len() == 1 {
            self.subscript(start + 1, close)?
        } else {
            let alternatives = parts
                .into_iter()
                .map(|(s, e)| {
                    Ok(Step {
                        kind: self.subscript(s, e)?,
                        start: s,
                        end: e,
                    })
                })
                .collect::<Result<_, Located>>()?;
            StepKind::Union(alternatives)
        };
        Ok((kind, close + 1))
    }

    /// One member of `[…]`: `*`, `'key'`, `"key"`, `n`, or `start:end:step`.
    fn subscript(&self, start: usize, end: usize) -> Result<StepKind, Located> {
        let raw = self.text(start, end);
        let text = raw.trim();
        if text == "*" {
            return Ok(StepKind::Slice(Slice {
                start: None,
                end: None,
                single: false,
                step: None,
            }));
        }
        let quoted = text.len() >= 2
            && (text.starts_with('\'') && text.ends_with('\'')
                || text.starts_with('"') && text.ends_with('"'));
        if quoted {
            let inner = &text[1..text.len() - 1];
            return Ok(StepKind::Key {
                literal: unescape_key(inner),
                path: split_key_path(inner),
            });
        }
        if text.is_empty() {
            return Err(Located::new(start, end, Problem::EmptyBrackets));
        }
        let invalid = || Located::new(start, end, Problem::InvalidIndex(text.to_string()));
        let fields: Vec<&str> = text.split(':').map(str::trim).collect();
        if fields.len() > 3 {
            return Err(invalid());
        }
        let mut numbers = [None; 3];
        for (slot, field) in numbers.iter_mut().zip(&fields) {
            if !field.is_empty() {
                *slot = Some(field.parse::<i64>().map_err(|_| invalid())?);
            }
        }
        if fields.len() == 1 {
            let index = numbers[0].ok_or_else(invalid)?;
            return Ok(StepKind::Slice(Slice {
                start: Some(index),
                end: None,
                single: true,
                step: None,
            }));
        }
        Ok(StepKind::Slice(Slice {
            start: numbers[0],
            end: numbers[1],
            single: false,
            step: numbers[2],
        }))
    }

    /// A quoted string with Go's escapes (kubectl unquotes with `strconv.UnquoteChar`).
    fn quoted(&self, start: usize, end: usize) -> Result<(String, usize), Located> {
        let quote = self.src[start];
        let mut out = String::new();
        let mut i = start + 1;
        while i < end {
            let c = self.src[i];
            if c == quote {
                return Ok((out, i + 1));
            }
            if c != '\\' {
                out.push(c);
                i += 1;
                continue;
            }
            let Some(&e) = self.src.get(i + 1).filter(|_| i + 1 < end) else {
                break;
            };
            let (decoded, used) = match e {
                'a' => (Some('\x07'), 2),
                'b' => (Some('\x08'), 2),
                'f' => (Some('\x0c'), 2),
                'n' => (Some('\n'), 2),
                'r' => (Some('\r'), 2),
                't' => (Some('\t'), 2),
                'v' => (Some('\x0b'), 2),
                '\\' | '\'' | '"' => (Some(e), 2),
                'x' => (self.code_point(i + 2, 2, 16, end), 4),
                'u' => (self.code_point(i + 2, 4, 16, end), 6),
                'U' => (self.code_point(i + 2, 8, 16, end), 10),
                '0'..='7' => (self.code_point(i + 1, 3, 8, end), 4),
                _ => (None, 2),
            };
            let Some(decoded) = decoded else {
                let bad = self.text(i + 1, (i + used).min(end));
                return Err(Located::new(
                    i,
                    (i + used).min(end),
                    Problem::BadEscape(bad),
                ));
            };
            out.push(decoded);
            i += used;
        }
        Err(Located::new(start, end, Problem::UnterminatedQuote))
    }

    /// `digits` characters at `start` read in `radix`, as one character.
    fn code_point(&self, start: usize, digits: usize, radix: u32, end: usize) -> Option<char> {
        if start + digits > end {
            return None;
        }
        let text = self.text(start, start + digits);
        u32::from_str_radix(&text, radix)
            .ok()
            .and_then(char::from_u32)
    }

    /// An integer or decimal literal, for filters (`[?(@.port==80)]`) and `{1}`.
    fn number(&self, start: usize, end: usize) -> Result<(StepKind, usize), Located> {
        let sign = usize::from(matches!(self.src[start], '+' | '-'));
        let after = (start + sign..end)
            .find(|&j| !matches!(self.src[j], '0'..='9' | '.'))
            .unwrap_or(end);
        let text = self.text(start, after);
        let digits = text.trim_start_matches('+');
        let number = (digits.parse::<i64>().ok().map(Number::from))
            .or_else(|| digits.parse::<u64>().ok().map(Number::from))
            .or_else(|| digits.parse::<f64>().ok().and_then(Number::from_f64));
        match number {
            Some(n) => Ok((StepKind::Literal(Value::Number(n)), after)),
            None => Err(Located::new(start, after, Problem::InvalidNumber(text))),
        }
    }
}

/// Letters, digits and `_`: what kubectl reads as an identifier.
fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Characters that end a field name in kubectl's grammar.
fn is_terminator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
    )
}

/// `'b\.c'` names the key `b.c`: a backslash keeps the next character as it is.
fn unescape_key(inner: &str) -> String {
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' {
            chars.next().unwrap_or(c)
        } else {
            c
        });
    }
    out
}

/// kubectl's reading of `['a.b']` as `.a.b`; `\.` stays inside a segment.
fn split_key_path(inner: &str) -> Vec<String> {
    let mut segments = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(next), Some(last)) = (chars.next(), segments.last_mut()) {
                    last.push(next);
                }
            }
            '.' => segments.push(String::new()),
            c => {
                if let Some(last) = segments.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    segments
}

/// Flattens jsonpath-rust's multi-line pest report to its `expected …` line, plus the
/// 1-based column in the query when the report has one.
fn one_line(report: &str) -> (String, Option<usize>) {
    let column = report
        .split_once("-->")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|pos| pos.split(':').nth(1))
        .and_then(|col| col.parse().ok());
    let what = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .map(str::to_string)
        .unwrap_or_else(|| report.split_whitespace().collect::<Vec<_>>().join(" "));
    (what, column)
}

fn render_pieces<'a>(
    pieces: &'a [Piece],
    node: &'a Value,
    mode: Mode,
    out: &mut String,
) -> Result<(), Located> {
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Print(expr) => {
                for (i, value) in eval_expr(expr, node, mode)?.into_iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    print_value(value, out);
                }
            }
            // Each item becomes `@`. Missing keys in the body print nothing, as kubectl's
            // default does, so lists whose items differ in shape still print.
            Piece::Range { expr, body } => {
                for item in eval_expr(expr, node, mode)? {
                    render_pieces(body, item, Mode::Lenient, out)?;
                }
            }
        }
    }
    Ok(())
}

/// kubectl prints objects and arrays with Go's `json.Marshal` and everything else with
/// `fmt.Fprint`: strings raw, and numbers the way Go formats them.
fn print_value(value: &Value, out: &mut String) {
    match value {
        Value::String(s) => out.push_str(s),
        Value::Number(n) => out.push_str(&go_number(n, FloatStyle::Print)),
        Value::Object(_) | Value::Array(_) => write_go_json(value, out),
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
    }
}

/// Compact JSON as Go's `encoding/json` writes a decoded document: keys sorted bytewise,
/// `<`, `>`, `&`, U+2028 and U+2029 escaped, and Go's float spelling.
fn write_go_json(value: &Value, out: &mut String) {
    match value {
        Value::Number(n) => out.push_str(&go_number(n, FloatStyle::Json)),
        Value::String(s) => write_go_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_go_json_string(key, out);
                out.push(':');
                write_go_json(item, out);
            }
            out.push('}');
        }
        scalar => print_value(scalar, out),
    }
}

fn write_go_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' | '\0'..='\x1f' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Where a float is printed: Go's `fmt` and `encoding/json` spell them differently.
#[derive(Clone, Copy, PartialEq)]
enum FloatStyle {
    /// `fmt.Fprint` (`%v`): exponent form below 1e-4 and from 1e6 (`1e+06`).
    Print,
    /// `json.Marshal`: exponent form below 1e-6 and from 1e21 (`1e-7`, `1e+21`).
    Json,
}

/// kubectl decodes integers that fit int64 as such and every other number as float64.
fn go_number(n: &Number, style: FloatStyle) -> String {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(f)) => go_float(f, style),
        (None, None) => n.to_string(),
    }
}

/// Go's shortest round-trip float text, built from Rust's (same digits, other layout).
fn go_float(f: f64, style: FloatStyle) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent_form = match style {
        FloatStyle::Print => !(-4..6).contains(&exp),
        FloatStyle::Json => f != 0.0 && !(1e-6..1e21).contains(&f.abs()),
    };
    if exponent_form {
        let (first, rest) = digits.split_at(digits.len().min(1));
        let point = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        // Go pads the exponent to two digits; encoding/json strips that from `e-07`.
        let width = if style == FloatStyle::Json && exp < 0 {
            1
        } else {
            2
        };
        return format!(
            "{sign}{first}{point}{rest}e{exp_sign}{:0width$}",
            exp.unsigned_abs()
        );
    }
    let digits_len = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if exp < 0 {
        let zeros = "0".repeat(exp.unsigned_abs() as usize - 1);
        return format!("{sign}0.{zeros}{digits}");
    }
    if digits_len <= exp + 1 {
        let zeros = "0".repeat((exp + 1 - digits_len) as usize);
        return format!("{sign}{digits}{zeros}");
    }
    let (int, frac) = digits.split_at(exp as usize + 1);
    format!("{sign}{int}.{frac}")
}

fn eval_expr<'a>(expr: &'a Expr, node: &'a Value, mode: Mode) -> Result<Vec<&'a Value>, Located> {
    match expr {
        Expr::Path(steps) => eval_steps(steps, vec![node], mode),
        Expr::Rfc9535 { query, start, end } => js_path_process(query, node)
            .map(|found| found.into_iter().map(|r| r.val).collect())
            .map_err(|e| {
                Located::new(*start, *end, Problem::RfcFailed(one_line(&e.to_string()).0))
            }),
    }
}

fn eval_steps<'a>(
    steps: &'a [Step],
    mut current: Vec<&'a Value>,
    mode: Mode,
) -> Result<Vec<&'a Value>, Located> {
    for step in steps {
        current = eval_step(&step.kind, current, mode)
            .map_err(|problem| Located::new(step.start, step.end, problem))?;
    }
    Ok(current)
}

fn eval_step<'a>(
    kind: &'a StepKind,
    input: Vec<&'a Value>,
    mode: Mode,
) -> Result<Vec<&'a Value>, Problem> {
    let mut out = Vec::new();
    match kind {
        StepKind::Field(name) => {
            out.extend(input.iter().filter_map(|v| v.get(name.as_str())));
            missing(&out, &input, name, mode)?;
        }
        StepKind::Key { literal, path } => {
            for v in &input {
                // kubectl's path first, so templates that work there mean the same here.
                let found = path
                    .iter()
                    .try_fold(*v, |v, seg| v.get(seg.as_str()))
                    .or_else(|| v.get(literal.as_str()));
                out.extend(found);
            }
            missing(&out, &input, literal, mode)?;
        }
        StepKind::Wildcard => {
            for v in input {
                match v {
                    Value::Object(map) => out.extend(map.values()),
                    Value::Array(items) => out.extend(items.iter()),
                    _ => {}
                }
            }
        }
        StepKind::Recursive => input.into_iter().for_each(|v| descend(v, &mut out)),
        StepKind::Slice(slice) => {
            for v in input {
                match v {
                    Value::Null => {}
                    Value::Array(items) => out.extend(select_slice(*slice, items)?),
                    other => return Err(Problem::NotArray(kind_of(other))),
                }
            }
        }
        StepKind::Union(alternatives) => {
            for alt in alternatives {
                out.extend(eval_step(&alt.kind, input.clone(), mode)?);
            }
        }
        StepKind::Filter(filter) => {
            for v in input {
                match v {
                    Value::Null => {}
                    Value::Array(items) => {
                        for item in items {
                            if matches_filter(filter, item)? {
                                out.push(item);
                            }
                        }
                    }
                    other => return Err(Problem::NotFilterable(kind_of(other))),
                }
            }
        }
        // kubectl: quoted text is one value; numbers and booleans repeat once per input.
        StepKind::Literal(text @ Value::String(_)) => out.push(text),
        StepKind::Literal(scalar) => out.extend(input.iter().map(|_| scalar)),
    }
    Ok(out)
}

/// kubectl's `x is not found`: no input had the field, and there was input to look in.
fn missing(found: &[&Value], input: &[&Value], name: &str, mode: Mode) -> Result<(), Problem> {
    if !found.is_empty() || input.is_empty() || mode == Mode::Lenient {
        return Ok(());
    }
    Err(Problem::NotFound {
        name: name.to_string(),
        on_array: input.iter().any(|v| v.is_array()),
    })
}

/// `..`: every non-empty object and array, parent before children, in document order.
fn descend<'a>(value: &'a Value, out: &mut Vec<&'a Value>) {
    let children: Box<dyn Iterator<Item = &'a Value>> = match value {
        Value::Object(map) if !map.is_empty() => Box::new(map.values()),
        Value::Array(items) if !items.is_empty() => Box::new(items.iter()),
        _ => return,
    };
    out.push(value);
    children.for_each(|child| descend(child, out));
}

/// kubectl's slice rules: negative indexes count from the end, and an index outside the
/// array is an error rather than an empty result.
fn select_slice(slice: Slice, items: &[Value]) -> Result<impl Iterator<Item = &Value>, Problem> {
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let mut start = slice.start.unwrap_or(0);
    if start < 0 {
        start += len;
    }
    let end = if slice.single {
        start.saturating_add(1)
    } else {
        match slice.end.unwrap_or(len) {
            end if end < 0 => end + len,
            end => end,
        }
    };
    // kubectl lets an empty slice through without bounds checks; `[n]` never is one.
    if start == end && !slice.single {
        return Ok(items[0..0].iter().step_by(1));
    }
    if start < 0 || start >= len {
        return Err(Problem::OutOfBounds {
            index: start,
            len: items.len(),
        });
    }
    if end < 0 || end > len {
        return Err(Problem::OutOfBounds {
            index: end.saturating_sub(1),
            len: items.len(),
        });
    }
    if start > end {
        return Err(Problem::StartAfterEnd { start, end });
    }
    let step = match slice.step {
        Some(step) if step <= 0 => return Err(Problem::BadStep),
        Some(step) => usize::try_from(step).unwrap_or(usize::MAX),
        None => 1,
    };
    // Both bounds were checked to lie within 0..=len above.
    let (start, end) = (start as usize, end as usize);
    Ok(items[start..end].iter().step_by(step))
}

/// One element against `[?(…)]`; missing fields make it fail the test, as in kubectl.
fn matches_filter<'a>(filter: &'a Filter, item: &'a Value) -> Result<bool, Problem> {
    let Some((op, right)) = &filter.test else {
        // kubectl ignores evaluation errors in an existence test.
        return Ok(eval_relative(&filter.left, item).is_ok_and(|found| !found.is_empty()));
    };
    let left = eval_relative(&filter.left, item)?;
    let [left] = left.as_slice() else {
        return if left.is_empty() {
            Ok(false)
        } else {
            Err(Problem::CompareMany)
        };
    };
    let right = eval_relative(right, item)?;
    let [right] = right.as_slice() else {
        return if right.is_empty() {
            Ok(false)
        } else {
            Err(Problem::CompareMany)
        };
    };
    compare(*op, left, right)
}

/// A filter operand, from the element under test, tolerating missing fields.
fn eval_relative<'a>(steps: &'a [Step], item: &'a Value) -> Result<Vec<&'a Value>, Problem> {
    let mut current = vec![item];
    for step in steps {
        current = eval_step(&step.kind, current, Mode::Lenient)?;
    }
    Ok(current)
}

/// Go template's comparison rules as kubectl uses them: strings, numbers and booleans
/// only, both sides of one kind, and booleans only for `==` and `!=`.
fn compare(op: Op, left: &Value, right: &Value) -> Result<bool, Problem> {
    let ordering = match (left, right) {
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Number(a), Value::Number(b)) => compare_numbers(a, b),
        (Value::Bool(a), Value::Bool(b)) => match op {
            Op::Eq => return Ok(a == b),
            Op::Ne => return Ok(a != b),
            _ => return Err(Problem::Unorderable(op.as_str())),
        },
        (v @ (Value::Null | Value::Object(_) | Value::Array(_)), _)
        | (_, v @ (Value::Null | Value::Object(_) | Value::Array(_))) => {
            return Err(Problem::NotComparable(kind_of(v)));
        }
        (a, b) => return Err(Problem::Incompatible(kind_of(a), kind_of(b))),
    };
    let Some(ordering) = ordering else {
        return Ok(matches!(op, Op::Ne));
    };
    Ok(match op {
        Op::Eq => ordering == Ordering::Equal,
        Op::Ne => ordering != Ordering::Equal,
        Op::Lt => ordering == Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
        Op::Gt => ordering == Ordering::Greater,
        Op::Ge => ordering != Ordering::Less,
    })
}

/// Integers exactly (so large ports and IDs do not round), anything else as `f64`.
fn compare_numbers(a: &Number, b: &Number) -> Option<Ordering> {
    let exact = |n: &Number| {
        n.as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
    };
    match (exact(a), exact(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What `pc listener -o jsonpath` sees: an array of listeners.
    fn listeners() -> Value {
        json!([
            {
                "name": "virtualInbound",
                "address": {"socketAddress": {"address": "0.0.0.0", "portValue": 15006}},
                "filterChains": [{"name": "virtualInbound-blackhole"}, {"name": "0.0.0.0_15006"}],
                "trafficDirection": "INBOUND"
            },
            {
                "name": "virtualOutbound",
                "address": {"socketAddress": {"address": "0.0.0.0", "portValue": 15001}},
                "filterChains": [{"name": "virtualOutbound-catchall-tcp"}],
                "useOriginalDst": true,
                "trafficDirection": "OUTBOUND"
            },
            {
                "name": "10.96.0.10_53",
                "address": {"socketAddress": {"address": "10.96.0.10", "portValue": 53}},
                "bindToPort": false
            },
            {
                "name": "connect_originate",
                "address": {"envoyInternalAddress": {"serverListenerName": "connect_originate"}}
            }
        ])
    }

    /// What `pc ecds -o jsonpath` sees.
    fn ecds() -> Value {
        json!({"ecdsFilters": [
            {"versionInfo": "1", "ecdsFilter": {
                "name": "istio-system.stats",
                "typedConfig": {"@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"}
            }},
            {"versionInfo": "2", "ecdsFilter": {
                "name": "default.authz",
                "typedConfig": {"@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig"}
            }}
        ]})
    }

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

    fn check(cases: &[(&str, Value, &str)]) {
        for (template, input, want) in cases {
            match render_template(template, input) {
                Ok(got) => assert_eq!(got, *want, "template {template:?}"),
                Err(e) => panic!("template {template:?} failed: {e}"),
            }
        }
    }

    fn check_errors(cases: &[(&str, Value, &str)]) {
        for (template, input, want) in cases {
            match render_template(template, input) {
                Ok(got) => panic!("template {template:?} printed {got:?}, want error {want:?}"),
                Err(e) => assert_eq!(e.to_string(), *want, "template {template:?}"),
            }
        }
    }

    #[test]
    fn listener_arrays() {
        let l = listeners();
        check(&[
            (
                "{[*].name}",
                l.clone(),
                "virtualInbound virtualOutbound 10.96.0.10_53 connect_originate",
            ),
            (
                "{range [*]}{.name}{\"\\n\"}{end}",
                l.clone(),
                "virtualInbound\nvirtualOutbound\n10.96.0.10_53\nconnect_originate\n",
            ),
            ("{[0].address.socketAddress.portValue}", l.clone(), "15006"),
            ("{[-1].name}", l.clone(), "connect_originate"),
            ("{[-2].name}", l.clone(), "10.96.0.10_53"),
            ("{[1:3].name}", l.clone(), "virtualOutbound 10.96.0.10_53"),
            ("{[-2:].name}", l.clone(), "10.96.0.10_53 connect_originate"),
            ("{[:2].name}", l.clone(), "virtualInbound virtualOutbound"),
            ("{[::2].name}", l.clone(), "virtualInbound 10.96.0.10_53"),
            ("{[0:0].name}", l.clone(), ""),
            ("{[4:].name}", l.clone(), ""),
            ("{[0,2].name}", l.clone(), "virtualInbound 10.96.0.10_53"),
            (
                "{[0]['name','trafficDirection']}",
                l.clone(),
                "virtualInbound INBOUND",
            ),
            (
                "{[0].filterChains[*].name}",
                l.clone(),
                "virtualInbound-blackhole 0.0.0.0_15006",
            ),
            (
                "{[*].filterChains[0].name}",
                l.clone(),
                "virtualInbound-blackhole virtualOutbound-catchall-tcp",
            ),
            ("{..portValue}", l.clone(), "15006 15001 53"),
            (
                "{[0].address}",
                l.clone(),
                r#"{"socketAddress":{"address":"0.0.0.0","portValue":15006}}"#,
            ),
            ("{[2].bindToPort}", l.clone(), "false"),
            ("{[1].useOriginalDst}", l.clone(), "true"),
            // Some listeners lack the field: kubectl prints what the others have.
            ("{[*].trafficDirection}", l.clone(), "INBOUND OUTBOUND"),
            (
                "{[*].address.socketAddress.portValue}",
                l.clone(),
                "15006 15001 53",
            ),
            ("{$[0].name}", l.clone(), "virtualInbound"),
            ("{@[0].name}", l.clone(), "virtualInbound"),
        ]);
    }

    #[test]
    fn ranges() {
        let l = listeners();
        check(&[
            (
                "{range [*]}{.name}{\"\\t\"}{.address.socketAddress.portValue}{\"\\n\"}{end}",
                l.clone(),
                "virtualInbound\t15006\nvirtualOutbound\t15001\n10.96.0.10_53\t53\nconnect_originate\t\n",
            ),
            (
                "{range [*]}{.name}:{range .filterChains[*]} {.name}{end}{\"\\n\"}{end}",
                l.clone(),
                "virtualInbound: virtualInbound-blackhole 0.0.0.0_15006\nvirtualOutbound: virtualOutbound-catchall-tcp\n10.96.0.10_53:\nconnect_originate:\n",
            ),
            ("{range [?(@.nope)]}x{end}after", l.clone(), "after"),
            (
                "{range [0:2]}[{@.name}]{end}",
                l.clone(),
                "[virtualInbound][virtualOutbound]",
            ),
            ("{range}{[0].name}{end}", l.clone(), "virtualInbound"),
            ("{ range [*] }{.nope}{ end }.", l.clone(), "."),
            ("{range.ecdsFilters[*]}{.versionInfo}{end}", ecds(), "12"),
            (
                "{range $[?@.useOriginalDst == true]}{.name}{end}",
                l.clone(),
                "virtualOutbound",
            ),
            (
                "{range [*]}{range .filterChains[*]}{.name},{end};{end}",
                l.clone(),
                "virtualInbound-blackhole,0.0.0.0_15006,;virtualOutbound-catchall-tcp,;;;",
            ),
        ]);
    }

    #[test]
    fn filters() {
        let l = listeners();
        check(&[
            (
                "{[?(@.address.socketAddress.portValue==15006)].name}",
                l.clone(),
                "virtualInbound",
            ),
            (
                "{[?(@.address.socketAddress.portValue >= 15001)].name}",
                l.clone(),
                "virtualInbound virtualOutbound",
            ),
            (
                "{[?(@.address.socketAddress.portValue<100)].name}",
                l.clone(),
                "10.96.0.10_53",
            ),
            (
                "{[?(@.address.socketAddress.portValue<=53)].name}",
                l.clone(),
                "10.96.0.10_53",
            ),
            (
                "{[?(@.address.socketAddress.portValue>15001)].name}",
                l.clone(),
                "virtualInbound",
            ),
            // kubectl skips elements without the field, for != too.
            (
                "{[?(@.trafficDirection!=\"INBOUND\")].name}",
                l.clone(),
                "virtualOutbound",
            ),
            (
                "{[?(@.trafficDirection=='OUTBOUND')].name}",
                l.clone(),
                "virtualOutbound",
            ),
            ("{[?(@.name<\"b\")].name}", l.clone(), "10.96.0.10_53"),
            ("{[?(@.useOriginalDst)].name}", l.clone(), "virtualOutbound"),
            ("{[?(@.bindToPort)].name}", l.clone(), "10.96.0.10_53"),
            (
                "{[?(@.bindToPort==false)].name}",
                l.clone(),
                "10.96.0.10_53",
            ),
            (
                "{[?(@.useOriginalDst==true)].name}",
                l.clone(),
                "virtualOutbound",
            ),
            (
                "{[?(@.address.envoyInternalAddress)].name}",
                l.clone(),
                "connect_originate",
            ),
            ("{[?(@.filterChains[1])].name}", l.clone(), "virtualInbound"),
            ("{[?(@.nope==1)].name}", l.clone(), ""),
            ("{[?(@.name==\"a)b\")].name}", l.clone(), ""),
            (
                "{[?(@.a==@.b)].id}",
                json!([{"id": 1, "a": 2, "b": 2}, {"id": 2, "a": 1, "b": 3}]),
                "1",
            ),
            (
                "{[?(@.w>0.5)].id}",
                json!([{"id": 1, "w": 0.25}, {"id": 2, "w": 0.75}]),
                "2",
            ),
            (
                "{[?(@.n==2.0)].id}",
                json!([{"id": 1, "n": 2}, {"id": 2, "n": 3}]),
                "1",
            ),
            (
                "{[?(@.n==-1)].id}",
                json!([{"id": 1, "n": -1}, {"id": 2, "n": 1}]),
                "1",
            ),
            (
                "{[?(@.n==18446744073709551615)].id}",
                json!([{"id": 1, "n": 18446744073709551615u64}, {"id": 2, "n": 18446744073709551614u64}]),
                "1",
            ),
            (
                "{[?(@.n>=9007199254740993)].id}",
                json!([{"id": 1, "n": 9007199254740993u64}, {"id": 2, "n": 9007199254740992u64}]),
                "1",
            ),
            (
                "{[?(@.x)].id}",
                json!([{"id": 1, "x": null}, {"id": 2}]),
                "1",
            ),
            (
                "{.ecdsFilters[?(@.versionInfo==\"2\")].ecdsFilter.name}",
                ecds(),
                "default.authz",
            ),
        ]);
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
    fn keys_and_printing() {
        check(&[
            ("{@}", json!([1, "a", null]), r#"[1,"a",null]"#),
            ("{}", json!({"b": 1, "a": 2}), r#"{"a":2,"b":1}"#),
            (
                "{.a}",
                json!({"a": {"z": 1, "y": [true, null]}}),
                r#"{"y":[true,null],"z":1}"#,
            ),
            (
                "{.a} {.b} {.c} {.d}",
                json!({"a": null, "b": 0.5, "c": -3, "d": "x y"}),
                "null 0.5 -3 x y",
            ),
            (
                "{.s}",
                json!({"s": "line1\nline2\t\"q\""}),
                "line1\nline2\t\"q\"",
            ),
            ("{.a}{.b}", json!({"a": "x", "b": "y"}), "xy"),
            ("{.a[*]}", json!({"a": ["x", "y", "z"]}), "x y z"),
            ("{.a.*}", json!({"a": {"k1": "v1", "k2": "v2"}}), "v1 v2"),
            ("{.a['b.c']}", json!({"a": {"b.c": 1}}), "1"),
            ("{.a['b.c']}", json!({"a": {"b": {"c": 2}}}), "2"),
            // Both present: kubectl's path reading wins, as kubectl prints 2 here.
            ("{.a['b.c']}", json!({"a": {"b.c": 1, "b": {"c": 2}}}), "2"),
            ("{.a['b\\.c']}", json!({"a": {"b.c": 3}}), "3"),
            ("{.a[\"b c\"]}", json!({"a": {"b c": 4}}), "4"),
            ("{.a['x,y']}", json!({"a": {"x,y": 5}}), "5"),
            (
                "{.ecdsFilters[0].ecdsFilter.typedConfig['@type']}",
                ecds(),
                "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
            ),
            (
                "{.ecdsFilters[1].ecdsFilter.typedConfig.@type}",
                ecds(),
                "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
            ),
            (
                "{.ecdsFilters[1].ecdsFilter.typedConfig.\\@type}",
                ecds(),
                "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
            ),
            (
                "{.ecdsFilters[*].ecdsFilter.name}",
                ecds(),
                "istio-system.stats default.authz",
            ),
            ("{.héllo}", json!({"héllo": "wörld"}), "wörld"),
            ("{.a-b}", json!({"a-b": 1}), "1"),
            ("{.a[*].b}", json!({"a": []}), ""),
            (
                "{..x}",
                json!({"x": 1, "a": [{"x": 2}, {"y": {"x": 3}}]}),
                "1 2 3",
            ),
        ]);
    }

    /// Expected texts are kubectl 1.32's output for the same document.
    #[test]
    fn prints_like_go() {
        let doc: Value = serde_json::from_str(
            r#"{
                "f": [100000.5, 1234567.0, 0.0001, 0.00001, 1e100, 5e-324, 1.7976931348623157e308,
                      0.1, 123456, 1e2, 1e21, 1e6, 1000000.5, 0.000001, 0.0000001, 123456789012.5,
                      1e20, 9007199254740993, -0.0, 2.50, -1.5e-7, 18446744073709551615],
                "m": {"s": "\b\f\u0001\u007f\u2028\u2029<>&\"\\\t\n\r/é😀",
                      "f": [1e100, 5e-324, 0.1, 1e2, 1.0, 1e-6, 1.5e-7, 1e21, 1e20, -0.0,
                            123456789012.5, 18446744073709551615, 0.00001234]}
            }"#,
        )
        .unwrap();
        check(&[
            (
                "{range .f[*]}{@}|{end}",
                doc.clone(),
                "100000.5|1.234567e+06|0.0001|1e-05|1e+100|5e-324|1.7976931348623157e+308|0.1|\
                 123456|100|1e+21|1e+06|1.0000005e+06|1e-06|1e-07|1.234567890125e+11|1e+20|\
                 9007199254740993|-0|2.5|-1.5e-07|1.8446744073709552e+19|",
            ),
            (
                "{.f}",
                doc.clone(),
                "[100000.5,1234567,0.0001,0.00001,1e+100,5e-324,1.7976931348623157e+308,0.1,\
                 123456,100,1e+21,1000000,1000000.5,0.000001,1e-7,123456789012.5,\
                 100000000000000000000,9007199254740993,-0,2.5,-1.5e-7,18446744073709552000]",
            ),
            (
                "{.m}",
                doc.clone(),
                "{\"f\":[1e+100,5e-324,0.1,100,1,0.000001,1.5e-7,1e+21,100000000000000000000,-0,\
                 123456789012.5,18446744073709552000,0.00001234],\
                 \"s\":\"\\b\\f\\u0001\u{7f}\\u2028\\u2029\\u003c\\u003e\\u0026\\\"\\\\\\t\\n\\r/é😀\"}",
            ),
            (
                "{.m.s}",
                doc.clone(),
                "\u{8}\u{c}\u{1}\u{7f}\u{2028}\u{2029}<>&\"\\\t\n\r/é😀",
            ),
            (
                "{.a}",
                json!({"a": {"x": "<&>"}}),
                r#"{"x":"\u003c\u0026\u003e"}"#,
            ),
        ]);
    }

    #[test]
    fn literals_and_text() {
        let v = json!({"a": "A"});
        check(&[
            ("plain text", v.clone(), "plain text"),
            ("a}b {.a} c}", v.clone(), "a}b A c}"),
            (
                "{\"\\t\"}{'\\n'}{\"\\\\\"}{\"\\\"\"}{'\\''}",
                v.clone(),
                "\t\n\\\"'",
            ),
            ("{\"\\u00e9\\x41\\101\\U0001F600\"}", v.clone(), "éAA😀"),
            ("{\"}{\"}", v.clone(), "}{"),
            ("{\"a b\"}", v.clone(), "a b"),
            ("{1}{true}", v.clone(), "1true"),
            ("line1\nline2 {.a}\n", v.clone(), "line1\nline2 A\n"),
        ]);
    }

    #[test]
    fn rfc9535_queries() {
        let l = listeners();
        check(&[
            (
                "{$[?@.address.socketAddress.portValue == 15006].name}",
                l.clone(),
                "virtualInbound",
            ),
            (
                "{$[?@.name == 'virtualInbound' || @.name == 'connect_originate'].name}",
                l.clone(),
                "virtualInbound connect_originate",
            ),
            (
                "{$[?@.useOriginalDst == true && @.trafficDirection == 'OUTBOUND'].name}",
                l.clone(),
                "virtualOutbound",
            ),
            (
                "{$[?length(@.filterChains) == 2].name}",
                l.clone(),
                "virtualInbound",
            ),
            (
                "{$.ecdsFilters[?@.versionInfo == '1'].ecdsFilter.name}",
                ecds(),
                "istio-system.stats",
            ),
            ("{$.a['b.c']}", json!({"a": {"b.c": 1}}), "1"),
            // RFC semantics: a missing member selects nothing.
            ("{$.a[?@.x > 1]}", json!({"a": [{"x": 1}]}), ""),
            (
                "names: {$[?@.bindToPort == false].name}.",
                l.clone(),
                "names: 10.96.0.10_53.",
            ),
        ]);
    }

    #[test]
    fn missing_keys_error_at_top_level_only() {
        let l = listeners();
        check_errors(&[
            (
                "{.nope}",
                json!({"a": 1}),
                "jsonpath: nope is not found at column 2: `.nope`",
            ),
            (
                "{[*].nope}",
                l.clone(),
                "jsonpath: nope is not found at column 5: `.nope`",
            ),
            (
                "{.name}",
                l.clone(),
                "jsonpath: name is not found (the value there is an array: select elements with [*] or [N] first) at column 2: `.name`",
            ),
            (
                "{.a.b}",
                json!({"a": "s"}),
                "jsonpath: b is not found at column 4: `.b`",
            ),
            (
                "{.a}",
                json!(null),
                "jsonpath: a is not found at column 2: `.a`",
            ),
            (
                "{['b.c']}",
                json!({"b": {}}),
                "jsonpath: b.c is not found at column 2: `['b.c']`",
            ),
            (
                "{range .nope[*]}{end}",
                json!({}),
                "jsonpath: nope is not found at column 8: `.nope`",
            ),
            (
                "{range [*]}{.nope}{end}{.nope}",
                l.clone(),
                "jsonpath: nope is not found (the value there is an array: select elements with [*] or [N] first) at column 25: `.nope`",
            ),
        ]);
    }

    #[test]
    fn evaluation_errors() {
        let l = listeners();
        check_errors(&[
            (
                "{[9]}",
                l.clone(),
                "jsonpath: array index out of bounds: index 9, length 4 at column 2: `[9]`",
            ),
            (
                "{[-5]}",
                l.clone(),
                "jsonpath: array index out of bounds: index -1, length 4 at column 2: `[-5]`",
            ),
            (
                "{[1:9]}",
                l.clone(),
                "jsonpath: array index out of bounds: index 8, length 4 at column 2: `[1:9]`",
            ),
            (
                "{[3:1]}",
                l.clone(),
                "jsonpath: starting index 3 is greater than ending index 1 at column 2: `[3:1]`",
            ),
            (
                "{[::0]}",
                l.clone(),
                "jsonpath: step must be > 0 at column 2: `[::0]`",
            ),
            (
                "{[0]}",
                json!([]),
                "jsonpath: array index out of bounds: index 0, length 0 at column 2: `[0]`",
            ),
            (
                "{[9223372036854775807]}",
                json!([1]),
                "jsonpath: array index out of bounds: index 9223372036854775807, length 1 at column 2: `[9223372036854775807]`",
            ),
            (
                "{.a[0]}",
                json!({"a": {}}),
                "jsonpath: an object is not an array at column 4: `[0]`",
            ),
            (
                "{[*]}",
                json!({"a": 1}),
                "jsonpath: an object is not an array at column 2: `[*]`",
            ),
            (
                "{.a[?(@.x==1)]}",
                json!({"a": {"x": 1}}),
                "jsonpath: an object is not an array and cannot be filtered at column 4: `[?(@.x==1)]`",
            ),
            (
                "{[?(@.name==1)]}",
                l.clone(),
                "jsonpath: cannot compare a string with a number at column 2: `[?(@.name==1)]`",
            ),
            (
                "{[?(@.address==1)]}",
                l.clone(),
                "jsonpath: an object cannot be compared at column 2: `[?(@.address==1)]`",
            ),
            (
                "{[?(@.bindToPort<true)]}",
                l.clone(),
                "jsonpath: booleans cannot be compared with < at column 2: `[?(@.bindToPort<true)]`",
            ),
            (
                "{[?(@.filterChains[*].name==\"x\")]}",
                l.clone(),
                "jsonpath: can only compare one element at a time at column 2: `[?(@.filterChains[*].name==\"x\")]`",
            ),
            (
                "{range [*]}{.filterChains[0].name}{end}",
                json!([{"filterChains": []}]),
                "jsonpath: array index out of bounds: index 0, length 0 at column 26: `[0]`",
            ),
        ]);
    }

    #[test]
    fn parse_errors() {
        let v = json!({"a": [1]});
        check_errors(&[
            (
                "",
                v.clone(),
                "jsonpath: template format specified but no template given",
            ),
            (
                "x {.a",
                v.clone(),
                "jsonpath: unclosed action: missing \"}\" at column 3: `{.a`",
            ),
            (
                "{\"abc}",
                v.clone(),
                "jsonpath: unterminated quoted string at column 2: `\"abc}`",
            ),
            (
                "{.a\n}",
                v.clone(),
                "jsonpath: line break inside an action at line 1, column 1: `{.a`",
            ),
            (
                "{end}",
                v.clone(),
                "jsonpath: {end} without a matching {range} at column 1: `{end}`",
            ),
            (
                "{range .a[*]}{@}",
                v.clone(),
                "jsonpath: {range} without a matching {end} at column 1: `{range .a[*]}`",
            ),
            (
                "{range .a[*]}{end .a}",
                v.clone(),
                "jsonpath: unexpected text after \"end\" at column 19: `.a`",
            ),
            (
                "{.a[0}",
                v.clone(),
                "jsonpath: unterminated \"[\": missing \"]\" at column 4: `[0`",
            ),
            ("{.a[]}", v.clone(), "jsonpath: empty \"[]\" at column 5"),
            (
                "{.a[x]}",
                v.clone(),
                "jsonpath: invalid array index \"x\" at column 5: `x`",
            ),
            (
                "{.a[1:2:3:4]}",
                v.clone(),
                "jsonpath: invalid array index \"1:2:3:4\" at column 5: `1:2:3:4`",
            ),
            (
                "{.a[?(@.x==1]}",
                v.clone(),
                "jsonpath: unterminated filter: missing \")]\" at column 4: `[?(@.x==1]`",
            ),
            (
                "{.a[?(@.x=1)]}",
                v.clone(),
                "jsonpath: unrecognized filter operator \"=\": use ==, !=, <, <=, > or >= at column 10: `=`",
            ),
            (
                "{.a[?(==1)]}",
                v.clone(),
                "jsonpath: filter has no path before \"==\" at column 7: `==`",
            ),
            (
                "{.a[?(@.x!=)]}",
                v.clone(),
                "jsonpath: filter has nothing after \"!=\" at column 10: `!=`",
            ),
            (
                "{\"\\q\"}",
                v.clone(),
                "jsonpath: invalid escape \"\\q\" in quoted string at column 3: `\\q`",
            ),
            (
                "{items[*]}",
                v.clone(),
                "jsonpath: unrecognized identifier \"items\" (a field needs a leading dot: \".items\") at column 2: `items`",
            ),
            (
                "{.a.}",
                v.clone(),
                "jsonpath: missing field name after \".\" at column 4: `.`",
            ),
            (
                "{.a....b}",
                v.clone(),
                "jsonpath: invalid multiple recursive descent at column 6: `..`",
            ),
            (
                "{#}",
                v.clone(),
                "jsonpath: unrecognized character '#' in action at column 2: `#`",
            ),
            (
                "{..*}",
                v.clone(),
                "jsonpath: unrecognized character '*' in action at column 4: `*`",
            ),
            (
                "{1.2.3}",
                v.clone(),
                "jsonpath: invalid number \"1.2.3\" at column 2: `1.2.3`",
            ),
            (
                "{$[?@.x ==]}",
                v.clone(),
                "jsonpath: expected comparable (read as RFC 9535; as a kubectl path: invalid array index \"?@.x ==\") at column 11: `]`",
            ),
            // The tab is escaped so the message stays one clean line.
            (
                "{\"\t\"",
                v.clone(),
                "jsonpath: unclosed action: missing \"}\" at column 1: `{\"\\t\"`",
            ),
        ]);
    }

    #[test]
    fn range_nesting_is_bounded() {
        let deep = "{range}".repeat(MAX_RANGE_DEPTH + 1);
        let err = render_template(&deep, &json!(1)).map(|_| ()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "jsonpath: {{range}} nested deeper than {MAX_RANGE_DEPTH} levels at column {}: `{{range}}`",
                7 * MAX_RANGE_DEPTH + 1
            )
        );
        let ok = format!(
            "{}x{}",
            "{range}".repeat(MAX_RANGE_DEPTH),
            "{end}".repeat(MAX_RANGE_DEPTH)
        );
        assert_eq!(render_template(&ok, &json!(1)).unwrap(), "x");
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
