//! Checks that a dump's JSON text is UTF-8 without a second pass over it from memory.
//!
//! The loader parses bytes (`serde_json::from_slice`), so that a gigabyte dump is not read
//! once by `str::from_utf8` and once more by the parser. serde_json checks the strings it
//! hands out and the raw values it captures, but not the strings it skips. [`TextCheck`]
//! covers the rest: each time the loader is handed a slice of the text, the stretch
//! between the last such slice and this one (just parsed, so still in the CPU cache) is
//! checked, and [`TextCheck::finish`] checks whatever is left. Every byte is checked once
//! whatever the loader does; the slices it reports only decide when.

use std::cell::Cell;

/// The UTF-8 check of one text, advanced by the loader as it parses.
#[derive(Debug)]
pub(crate) struct TextCheck<'t> {
    text: &'t [u8],
    /// Everything before this offset has been checked.
    done: Cell<usize>,
    /// No checked stretch failed. A failure is confirmed on the whole text in `finish`.
    ok: Cell<bool>,
}

impl<'t> TextCheck<'t> {
    pub(crate) fn new(text: &'t [u8]) -> Self {
        TextCheck {
            text,
            done: Cell::new(0),
            ok: Cell::new(true),
        }
    }

    /// `seen` is a slice of the text that serde_json has checked itself (a borrowed string
    /// or a raw value): checks the stretch before it and moves past it. A slice from
    /// elsewhere, or one behind the part already checked, changes nothing.
    pub(crate) fn passed(&self, seen: &str) {
        let base = self.text.as_ptr() as usize;
        let Some(start) = (seen.as_ptr() as usize).checked_sub(base) else {
            return;
        };
        let end = start + seen.len();
        if start < self.done.get() || end > self.text.len() {
            return;
        }
        self.check_to(start);
        self.done.set(end);
    }

    /// Checks the rest of the text; true when all of it is UTF-8.
    pub(crate) fn finish(&self) -> bool {
        self.check_to(self.text.len());
        // A stretch is cut at a string's quotes or a value's first byte, so it never
        // splits a character; if one ever did, the whole text decides.
        self.ok.get() || std::str::from_utf8(self.text).is_ok()
    }

    fn check_to(&self, end: usize) {
        let stretch = &self.text[self.done.get()..end];
        // Dumps are nearly all ASCII, which `is_ascii` checks several times faster.
        if !stretch.is_ascii() && std::str::from_utf8(stretch).is_err() {
            self.ok.set(false);
        }
        self.done.set(end);
    }
}

/// Where an input stops being text: the end of its valid UTF-8, else its first NUL byte.
/// This is the check inputs got before they were parsed; the loader runs it on failure
/// only, so that binary data is still reported as such rather than as bad JSON.
pub(crate) fn binary_offset(bytes: &[u8]) -> Option<usize> {
    match std::str::from_utf8(bytes) {
        Err(e) => Some(e.valid_up_to()),
        Ok(text) => text.find('\0'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_every_stretch_once_and_ignores_foreign_slices() {
        let text = b"{\"a\":\"x\",\"b\":\"\xff\"}";
        let check = TextCheck::new(text);
        let a = std::str::from_utf8(&text[2..3]).unwrap();
        check.passed(a);
        check.passed("elsewhere");
        assert!(!check.finish(), "the skipped string after it is not UTF-8");

        let text = "{\"a\":\"é\",\"b\":\"ü\"}".as_bytes();
        let check = TextCheck::new(text);
        check.passed(std::str::from_utf8(&text[2..3]).unwrap());
        assert!(check.finish());
    }

    #[test]
    fn binary_offset_reports_utf8_before_nul() {
        assert_eq!(binary_offset(b"ab\0\xff"), Some(3));
        assert_eq!(binary_offset(b"ab\0c"), Some(2));
        assert_eq!(binary_offset(b"abc"), None);
    }
}
