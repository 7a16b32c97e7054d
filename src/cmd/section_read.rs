//! Loads a dump with one listed section (routes, endpoints) read in the parse itself: when a
//! big dump is parsed apart, the section is reduced as it is decoded, in one scan, on the
//! core that parses it (`envoy::dump::reduce_listed` through a `SectionHook`). Otherwise
//! (a small dump parsed in one pass, or any section that does not parse apart) the dump
//! keeps the section raw, as always, and the caller decodes it, which also reports a bad
//! object exactly as before.

use std::sync::Mutex;

use crate::envoy::dump::{Dump, RoutingSections};
use crate::envoy::{Document, Hooked, SectionHook, Sections};
use crate::error::Error;

/// What the reader of one section makes of a section's text: `None` for another section,
/// else its reduced objects or the error that sends the load back to the one-pass parse.
pub(super) type SectionReader<'r, R> =
    &'r (dyn Fn(&str) -> Option<Result<Vec<R>, serde_json::Error>> + Sync);

/// Runs `then` on the dump (`routing` sections) and the objects `read` reduced of the last
/// `type_url` section it read in the parse, when the parse read it so (then the dump does
/// not hold it raw). `then` gets the document the dump borrows from, to decode what it
/// holds raw.
pub(super) fn with_reading<R: Send, T>(
    doc: &Document<'_>,
    routing: RoutingSections,
    (type_url, read): (&str, SectionReader<'_, R>),
    then: impl FnOnce(&Document<'_>, Dump<'_>, Option<Vec<R>>) -> Result<T, Error>,
) -> Result<T, Error> {
    // Each section read, by its index: istioctl reads the last of a kind.
    let done: Mutex<Vec<(usize, Vec<R>)>> = Mutex::new(Vec::new());
    let hook = |index: usize, text: &str| match (read(text), done.lock()) {
        (None, _) => Hooked::NotMine,
        (Some(Ok(objects)), Ok(mut done)) => {
            done.push((index, objects));
            Hooked::Read
        }
        _ => Hooked::Failed,
    };
    let hooked = Document {
        hook: Some(SectionHook {
            read: &hook,
            type_url,
        }),
        ..*doc
    };
    let dump = hooked.load_with_routing(Sections::default(), routing)?;
    let last = done
        .lock()
        .map(|mut done| std::mem::take(&mut *done))
        .unwrap_or_default()
        .into_iter()
        .max_by_key(|(index, _)| *index)
        .map(|(_, objects)| objects);
    then(&hooked, dump, last)
}
