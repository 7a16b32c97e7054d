//! Literals inside an action: quoted strings with Go's escapes (`{"\t"}`, `{'\n'}`)
//! and integer or decimal numbers (`[?(@.port==80)]`, `{1}`). It must not read paths:
//! quoted keys in `[…]` belong to `path`, and nothing here is evaluated.

use serde_json::{Number, Value};

use super::ast::StepKind;
use super::parser::Parser;
use super::{Located, Problem};

impl Parser<'_> {
    /// A quoted string with Go's escapes (kubectl unquotes with `strconv.UnquoteChar`).
    pub(super) fn quoted(&self, start: usize, end: usize) -> Result<(String, usize), Located> {
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
                    Problem::BadEscape { escape: bad },
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
    pub(super) fn number(&self, start: usize, end: usize) -> Result<(StepKind, usize), Located> {
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
            None => Err(Located::new(start, after, Problem::InvalidNumber { text })),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::render::jsonpath::test_support::check;

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
}
