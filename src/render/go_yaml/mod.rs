//! YAML as istioctl prints it: its JSON converted by sigs.k8s.io/yaml, which is go-yaml v2
//! (v2.4.0) with libyaml's emitter ported to Go. Keys sorted in go-yaml's order, 2-space
//! indents, sequences not indented under their key, strings plain unless they would read
//! back as something else or libyaml forbids it, and long strings folded at column 80 as
//! libyaml's `best_width` does. The writer below keeps libyaml's `column`, `whitespace` and
//! `indention` state because the folding and spacing decisions read them.

mod scalar;

use serde_json::Value;

use scalar::{analyze, is_break, is_printable, key_order, number, reads_as_string};

/// libyaml's `best_width` in go-yaml v2.4.0.
const BEST_WIDTH: usize = 80;

/// `value` as go-yaml's `Marshal` writes it, ending in a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        whitespace: true,
        indention: true,
    };
    e.node(value, -1, Place::Root);
    if e.column != 0 {
        e.out.push('\n');
    }
    e.out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    MapValue,
    SeqItem,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self, indent: usize) {
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn indicator(
        &mut self,
        text: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        text.chars().for_each(|c| self.put(c));
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    /// One node whose container sits at `indent` (-1 at the top).
    fn node(&mut self, value: &Value, indent: isize, place: Place) {
        match value {
            Value::Object(map) if map.is_empty() => self.flow_empty("{", "}"),
            Value::Array(items) if items.is_empty() => self.flow_empty("[", "]"),
            Value::Object(map) => {
                let inner = increase(indent, false);
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort_by(|a, b| key_order(a, b));
                for key in keys {
                    self.write_indent(inner);
                    self.scalar(key, inner, true);
                    self.indicator(":", false, false, false);
                    if let Some(v) = map.get(key) {
                        self.node(v, inner as isize, Place::MapValue);
                    }
                }
            }
            Value::Array(items) => {
                // A sequence that is a mapping's value stays at the key's column.
                let indentless = place == Place::MapValue && !self.indention;
                let inner = increase(indent, indentless);
                for item in items {
                    self.write_indent(inner);
                    self.indicator("-", true, false, true);
                    self.node(item, inner as isize, Place::SeqItem);
                }
            }
            // Scalars indent as libyaml's flow case: 2 at the top.
            Value::String(s) => {
                self.scalar(s, if indent < 0 { 2 } else { indent as usize + 2 }, false)
            }
            Value::Null => self.plain_word("null"),
            Value::Bool(b) => self.plain_word(if *b { "true" } else { "false" }),
            Value::Number(n) => self.plain_word(&number(n)),
        }
    }

    fn flow_empty(&mut self, open: &str, close: &str) {
        self.indicator(open, true, true, false);
        self.indicator(close, false, false, false);
    }

    fn plain_word(&mut self, word: &str) {
        self.plain(word, 0, false);
    }

    /// A string: go-yaml's `stringv` asks for a style, libyaml's
    /// `yaml_emitter_select_scalar_style` settles it; `indent` is for continuation lines.
    fn scalar(&mut self, s: &str, indent: usize, simple_key: bool) {
        let a = analyze(s);
        let asked = if s.contains('\n') {
            Style::Literal
        } else if reads_as_string(s) {
            Style::Plain
        } else {
            Style::Double
        };
        let mut style = asked;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        let breaks = !simple_key;
        match style {
            Style::Plain => self.plain(s, indent, breaks),
            Style::Single => self.single_quoted(s, indent, breaks),
            Style::Double => self.double_quoted(s, indent, breaks),
            Style::Literal => self.literal(s, indent),
        }
    }

    fn plain(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.write_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn single_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.indicator("'", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let last = chars.len().saturating_sub(1);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i != 0
                    && i != last
                    && !next_space
                {
                    self.write_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                spaces = false;
            }
        }
        self.indicator("'", false, false, false);
    }

    fn double_quoted(&mut self, s: &str, indent: usize, allow_breaks: bool) {
        self.indicator("\"", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        let mut spaces = false;
        let last = chars.len().saturating_sub(1);
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.escape(c);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i != 0 && i != last {
                    self.write_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.indicator("\"", false, false, false);
    }

    fn escape(&mut self, c: char) {
        self.put('\\');
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        let text = match short {
            Some(ch) => ch.to_string(),
            None if (c as u32) <= 0xff => format!("x{:02X}", c as u32),
            None if (c as u32) <= 0xffff => format!("u{:04X}", c as u32),
            None => format!("U{:08X}", c as u32),
        };
        text.chars().for_each(|ch| self.put(ch));
    }

    fn literal(&mut self, s: &str, indent: usize) {
        self.indicator("|", true, false, false);
        if s.starts_with([' ', '\n']) {
            self.indicator("2", false, false, false);
        }
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        let chomp = if n == 0 || !is_break(chars[n - 1]) {
            Some("-")
        } else if n == 1 || is_break(chars[n - 2]) {
            Some("+")
        } else {
            None
        };
        if let Some(hint) = chomp {
            self.indicator(hint, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.put_break();
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                    breaks = false;
                }
                self.put(c);
                self.indention = false;
            }
        }
    }
}

/// libyaml's `yaml_emitter_increase_indent` for block collections and scalars.
fn increase(indent: isize, indentless: bool) -> usize {
    if indent < 0 {
        0
    } else if indentless {
        indent as usize
    } else {
        indent as usize + 2
    }
}

#[cfg(test)]
mod tests;
