//! Picks and decodes the listeners `pc listener` and `explain` show, and the listener
//! updates Envoy refused.
//!
//! Where a listener binds is read without decoding it, so a `--port` query decodes only
//! the listeners on that port; the listeners picked are decoded on every core. Errors are
//! reported in dump order, as a walk over the listeners one by one would report them.

use crate::analysis::listener::rows::{ListenerQuery, SelectedListener};
use crate::envoy::dump::ListenersSection;
use crate::envoy::{Document, ListenerEntry, LoadError};

/// The listeners a query picked, and how many were looked at.
pub(crate) struct Selection<'a> {
    pub listed: usize,
    pub selected: Vec<SelectedListener<'a>>,
}

/// The entries `listed` keeps that `query` accepts, decoded, in dump order.
pub(crate) fn select<'a>(
    doc: &Document<'a>,
    entries: &[ListenerEntry<'a>],
    query: &ListenerQuery,
    listed: impl Fn(&ListenerEntry<'a>) -> bool,
) -> Result<Selection<'a>, LoadError> {
    let listed: Vec<(usize, &ListenerEntry<'a>)> = entries
        .iter()
        .enumerate()
        .filter(|(_, entry)| listed(entry))
        .collect();
    let mut placed = Vec::with_capacity(listed.len());
    // The first listener whose head does not read stops the walk; the ones before it are
    // still decoded, so that the first error in dump order is the one reported.
    let mut head_error = None;
    for &(i, entry) in &listed {
        if query.filters_by_place_only() {
            let head = match doc.listener_head(entry, query.address.is_some()) {
                Ok(head) => head,
                Err(e) => {
                    head_error = Some(e);
                    break;
                }
            };
            if !query.accepts_place(head.address.as_ref(), &head.additional_addresses) {
                continue;
            }
        }
        placed.push((i, entry));
    }
    let decoded = doc.decode_listeners_on_every_core(
        &placed,
        |(_, entry)| entry,
        |&(i, entry), l| {
            let listener = SelectedListener::new(i, entry.state, l);
            query.accepts(&listener).then_some(listener)
        },
    );
    let mut selected = Vec::new();
    for listener in decoded {
        selected.extend(listener?);
    }
    match head_error {
        Some(e) => Err(e),
        None => Ok(Selection {
            listed: listed.len(),
            selected,
        }),
    }
}

/// The refused configuration of each of the section's refused updates, decoded; `None`
/// where the dump has none. When its rows are `shown` (`pc listener -o wide`), one that
/// does not decode is an error, as any listener's is; otherwise it only narrows the
/// warnings, and counts as not known.
pub(crate) fn refused<'a>(
    doc: &Document<'a>,
    section: &ListenersSection<'a>,
    shown: bool,
) -> Result<Vec<Option<SelectedListener<'a>>>, LoadError> {
    let mut out = Vec::with_capacity(section.errors.len());
    for (i, e) in section.errors.iter().enumerate() {
        let decoded = match &e.failed_configuration {
            None => None,
            Some(entry) => match doc.listener(entry) {
                Ok(l) => Some(SelectedListener::new(i, entry.state, l)),
                Err(err) if shown => return Err(err),
                Err(_) => None,
            },
        };
        out.push(decoded);
    }
    Ok(out)
}
