//! What the terminal allows, decided once in `cmd/` from `--color`, `NO_COLOR`, `COLUMNS`
//! and whether stdout is a terminal: whether to colour and how wide a line may be.
//! Only meshscope's own outputs use it; istioctl-parity tables never change.

/// Colour and width for meshscope's own outputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    /// Colour verdicts, severities and changed lines.
    pub color: bool,
    /// Fit tables and wrap text to this many columns; `None` (piped, no `COLUMNS`) keeps
    /// every value whole on one line.
    pub width: Option<usize>,
}

/// `text` wrapped to `width` columns, each line on its own: a line starting with `- ` keeps
/// its continuation lines indented under the text, as does a numbered `1. ` line. Blank lines and line breaks stay.
pub fn wrap_text(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        if textwrap::core::display_width(body) <= width {
            out.push_str(line);
            continue;
        }
        // List items hang: `- ` and numbered `1. ` lines continue under their text.
        let digits = body.bytes().take_while(u8::is_ascii_digit).count();
        let hang = if body.starts_with("- ") {
            2
        } else if digits > 0 && body[digits..].starts_with(". ") {
            digits + 2
        } else {
            0
        };
        let indent = &"          "[..hang.min(10)];
        let options = textwrap::Options::new(width.max(20))
            .subsequent_indent(indent)
            .break_words(true);
        out.push_str(&textwrap::fill(body, options));
        out.push_str(newline);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_and_list_items_hang() {
        let text = "short\n- one two three four five six seven eight nine ten eleven twelve\n\nend";
        let got = wrap_text(text, 24);
        assert_eq!(
            got,
            "short\n- one two three four\n  five six seven eight\n  nine ten eleven twelve\n\nend"
        );
        for line in got.lines() {
            assert!(line.len() <= 24, "{line:?}");
        }
    }

    #[test]
    fn numbered_lines_hang_too() {
        let got = wrap_text("12. one two three four five six seven", 20);
        assert_eq!(got, "12. one two three\n    four five six\n    seven");
    }

    #[test]
    fn a_word_longer_than_the_width_is_broken() {
        let got = wrap_text(&"x".repeat(50), 20);
        assert_eq!(got.lines().count(), 3);
    }
}
