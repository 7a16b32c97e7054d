//! The template level of kubectl's grammar: literal text, `{…}` actions, `{range …}` and
//! `{end}` nesting, and whether an action is a kubectl path or an RFC 9535 query. The
//! steps of a path are read in `path`, quoted strings and numbers in `literal`, `{$…}`
//! queries in `rfc9535`. It builds the AST only: it must not look at the input document.

use super::ast::{Expr, Piece};
use super::{Located, MAX_RANGE_DEPTH, Problem, rfc9535};

/// Outcome of scanning for a character outside quoted strings.
pub(super) enum Scan {
    Found(usize),
    /// Ran out of input; `Some` holds where an unclosed quote began.
    Unterminated(Option<usize>),
}

/// Parses the template; every position is a character index into `src`.
pub(super) struct Parser<'s> {
    pub(super) src: &'s [char],
}

/// One parsed `{…}`.
enum Action {
    Print(Expr),
    Range(Expr),
    End,
}

impl Parser<'_> {
    pub(super) fn text(&self, start: usize, end: usize) -> String {
        self.src[start..end].iter().collect()
    }

    pub(super) fn template(&self) -> Result<Vec<Piece>, Located> {
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
    pub(super) fn scan(&self, start: usize, end: usize, stop: impl Fn(char) -> bool) -> Scan {
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

    pub(super) fn skip_blanks(&self, mut i: usize, end: usize) -> usize {
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
        rfc9535::parse(&self.text(first, end), first, start, end, kubectl.problem)
    }
}

/// Letters, digits and `_`: what kubectl reads as an identifier.
pub(super) fn is_word(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Characters that end a field name in kubectl's grammar.
pub(super) fn is_terminator(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::render::jsonpath::test_support::check_errors;
    use crate::render::jsonpath::{MAX_RANGE_DEPTH, render_template};

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
}
