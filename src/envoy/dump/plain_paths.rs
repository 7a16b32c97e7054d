//! Turns the loader's fast paths off, for measuring them against the plain path.
//!
//! `MESHSCOPE_PLAIN=split,reduced` (either or both) makes the loader parse in one pass
//! (`split`), and `wasm count` decode full listeners and reduce them afterwards
//! (`reduced`). Only
//! `bench/fast_paths.sh` sets it (BENCHMARKS.md); output is the same either way, only
//! the time differs. Unset, nothing changes.

use std::sync::OnceLock;

/// A fast path that can be turned off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FastPath {
    /// The sections of a big dump parsed apart on every core (`split.rs`).
    Split,
    /// `wasm count`'s listeners decoded straight into what placing Wasm filters reads.
    Reduced,
}

impl FastPath {
    fn word(self) -> &'static str {
        match self {
            FastPath::Split => "split",
            FastPath::Reduced => "reduced",
        }
    }

    /// True unless `MESHSCOPE_PLAIN` names this path. The variable is read once.
    pub fn on(self) -> bool {
        static PLAIN: OnceLock<String> = OnceLock::new();
        let plain = PLAIN.get_or_init(|| std::env::var("MESHSCOPE_PLAIN").unwrap_or_default());
        !plain.split(',').any(|w| w.trim() == self.word())
    }
}
