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

/// The active listeners a connection to `dst_ip:dst_port` could pass through (DOMAIN.md
/// §3.1), decoded, in dump order: those bound to exactly that address or to an
/// any-address on the port (primary or additional address), and those that could capture
/// connections (`use_original_dst`, an
/// `original_dst` listener filter). The others cannot be on its way, so on a big dump they
/// are left undecoded: where a listener binds is read from its head, and one whose text
/// never mentions an original destination cannot capture (`riginal` covers
/// `original_dst`, `useOriginalDst` and `OriginalDst`; a listener written with `\u`
/// escapes is decoded to be sure).
pub(crate) fn on_the_way<'a>(
    doc: &Document<'a>,
    entries: &[ListenerEntry<'a>],
    dst_ip: std::net::IpAddr,
    dst_port: u32,
) -> Result<Vec<SelectedListener<'a>>, LoadError> {
    use memchr::memmem;
    let mentions = |raw: &str, needle: &str| memmem::find(raw.as_bytes(), needle.as_bytes());
    let takes = |s: &crate::envoy::SocketAddress<'_>| {
        s.port_value == dst_port
            && (s.address.parse::<std::net::IpAddr>())
                .is_ok_and(|ip| ip == dst_ip || ip.is_unspecified())
    };
    // Whether the entry could be on the way; each listener's text is scanned on every
    // core, as the decode is.
    let on_way = |entry: &ListenerEntry<'a>| -> Result<bool, LoadError> {
        if entry.state != crate::envoy::ListenerState::Active {
            return Ok(false);
        }
        let raw = entry.raw.get();
        let head = doc.listener_head(entry, false)?;
        if head
            .address
            .iter()
            .filter_map(|a| a.socket_address.as_ref())
            .any(takes)
        {
            return Ok(true);
        }
        if mentions(raw, "riginal").is_some() || mentions(raw, "\\u").is_some() {
            return Ok(true);
        }
        if mentions(raw, "dditional").is_none() {
            return Ok(false);
        }
        let head = doc.listener_head(entry, true)?;
        let additional = head
            .additional_addresses
            .iter()
            .filter_map(|a| a.address.as_ref());
        Ok(additional
            .filter_map(|a| a.socket_address.as_ref())
            .any(takes))
    };
    let verdicts = crate::util::parallel::map_in_order(entries, 256, on_way);
    let mut picked = Vec::new();
    for (i, (entry, verdict)) in entries.iter().zip(verdicts).enumerate() {
        if verdict? {
            picked.push((i, entry));
        }
    }
    let decoded = doc.decode_listeners_on_every_core(
        &picked,
        |(_, entry)| entry,
        |&(i, entry), l| SelectedListener::new(i, entry.state, l),
    );
    decoded.into_iter().collect()
}

/// The active internal listeners (DOMAIN.md §3.1: `internal_listener`, no socket address),
/// decoded, in dump order: where a connection to an `envoy_internal_address` host goes. A
/// listener whose text never mentions `nternal` (`internal_listener`, `internalListener`)
/// cannot be one, so on a big dump the others stay undecoded; one written with `\u`
/// escapes is decoded to be sure.
pub(crate) fn internal_listeners<'a>(
    doc: &Document<'a>,
    entries: &[ListenerEntry<'a>],
) -> Result<Vec<SelectedListener<'a>>, LoadError> {
    use memchr::memmem;
    // Each listener's text is scanned on every core, as the decode is.
    let may_be = crate::util::parallel::map_in_order(entries, 256, |e: &ListenerEntry<'a>| {
        let raw = e.raw.get().as_bytes();
        e.state == crate::envoy::ListenerState::Active
            && (memmem::find(raw, b"nternal").is_some() || memmem::find(raw, b"\\u").is_some())
    });
    let picked: Vec<(usize, &ListenerEntry<'a>)> = (entries.iter().enumerate())
        .zip(may_be)
        .filter_map(|(e, keep)| keep.then_some(e))
        .collect();
    let decoded = doc.decode_listeners_on_every_core(
        &picked,
        |(_, entry)| entry,
        |&(i, entry), l| SelectedListener::new(i, entry.state, l),
    );
    let mut out = Vec::new();
    for listener in decoded {
        let listener = listener?;
        if listener.listener.is_internal() {
            out.push(listener);
        }
    }
    Ok(out)
}
