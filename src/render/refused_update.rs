//! The sentence every command words a refused listener update with: `pc listener`'s
//! warning line, `explain`'s and `wasm count`'s warnings. Envoy's reason is quoted as Envoy
//! wrote it (control characters escaped).

use crate::analysis::listener::refused::RefusedUpdate;
use crate::util::sanitize::sanitize;

/// What the command did with the listener, said after "the active version is what runs".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// `pc listener`, `lint --dump`: nothing more to say.
    Plain,
    /// `explain`, with or without a connection.
    Shown,
    /// `wasm count`.
    Counted,
}

/// One sentence (no final period): which listener, when, Envoy's reason, and what runs
/// meanwhile. `name` formats the listener's name as the surrounding text does.
pub fn refused_update_words(
    r: &RefusedUpdate,
    name: impl Fn(&str) -> String,
    reading: Reading,
) -> String {
    let which = if r.listener.is_empty() {
        "an update of a listener without a name".to_string()
    } else {
        format!("the last update of listener {}", name(&r.listener))
    };
    let when = if r.last_update_attempt.is_empty() {
        String::new()
    } else {
        format!(" (last attempt {})", sanitize(&r.last_update_attempt))
    };
    let runs = match (r.has_active_version, reading) {
        (false, _) => "no version of the listener is active, so none of it runs",
        (true, Reading::Plain) => "the active version is what runs",
        (true, Reading::Shown) => "the active version is what runs, and what is shown here",
        (true, Reading::Counted) => "the active version is what runs, and what is counted here",
    };
    format!(
        "Envoy refused {which}{when}: {}; {runs}",
        sanitize(&r.details)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_with_and_without_name_time_and_active_version() {
        let mut r = RefusedUpdate {
            listener: "0.0.0.0_8080".into(),
            details: "error adding listener '0.0.0.0:8080': boom\n".into(),
            last_update_attempt: "2026-05-18T08:41:07.707Z".into(),
            has_active_version: true,
        };
        let quoted = |n: &str| format!("{n:?}");
        assert_eq!(
            refused_update_words(&r, quoted, Reading::Counted),
            "Envoy refused the last update of listener \"0.0.0.0_8080\" (last attempt \
             2026-05-18T08:41:07.707Z): error adding listener '0.0.0.0:8080': boom\\n; the \
             active version is what runs, and what is counted here"
        );
        r.listener.clear();
        r.last_update_attempt.clear();
        r.has_active_version = false;
        assert_eq!(
            refused_update_words(&r, quoted, Reading::Plain),
            "Envoy refused an update of a listener without a name: error adding listener \
             '0.0.0.0:8080': boom\\n; no version of the listener is active, so none of it runs"
        );
    }
}
