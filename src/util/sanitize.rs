//! Names from dumps are untrusted: control characters would move the cursor, recolour the
//! terminal or break table columns, so they are printed escaped (fd `src/sanitize.rs`).

use std::borrow::Cow;

/// Escapes control characters (tabs and newlines included); printable text is unchanged.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_only() {
        assert_eq!(sanitize("inbound|80||"), "inbound|80||");
        assert_eq!(sanitize("a\tb\x1b[31m"), "a\\tb\\u{1b}[31m");
        assert!(matches!(sanitize("plain"), Cow::Borrowed(_)));
    }
}
