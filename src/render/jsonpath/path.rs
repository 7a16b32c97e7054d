//! The kubectl path steps inside an action: `.name`, `..`, `.*`, `[…]` indexes, slices,
//! quoted keys and unions, `[?(…)]` filters, and `@`/`$` for the current node. It turns
//! template text into `ast` steps; it must not evaluate them (`eval`), and quoted strings
//! and numbers are read by `literal`.

use serde_json::Value;

use super::ast::{Filter, Op, Slice, Step, StepKind};
use super::parser::{Parser, Scan, is_terminator, is_word};
use super::{Located, Problem};

impl Parser<'_> {
    /// A sequence of kubectl path steps, literals and `@`/`$` (which name the current node).
    pub(super) fn steps(&self, start: usize, end: usize) -> Result<Vec<Step>, Located> {
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
                            let problem = Problem::UnknownIdentifier {
                                word: word.to_string(),
                            };
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
                        Problem::UnknownOperator { op: op_text },
                    ));
                };
                if self.skip_blanks(inner, op_start) == op_start {
                    let problem = Problem::MissingLeftOperand { op: op_text };
                    return Err(Located::new(op_start, op_end, problem));
                }
                if self.skip_blanks(op_end, close) == close {
                    let problem = Problem::MissingRightOperand { op: op_text };
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
        let invalid = || {
            Located::new(
                start,
                end,
                Problem::InvalidIndex {
                    text: text.to_string(),
                },
            )
        };
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::render::jsonpath::test_support::{check, ecds};

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
}
