//! istioctl's `proxy-config listener` summary as data (DOMAIN.md §4.2–4.5): which listeners,
//! their TYPE, order, and each chain's MATCH and DESTINATION; plus meshscope's wide columns.

use crate::analysis::listener::cell_text::destination_text;
use crate::analysis::listener::chain_match::ChainMatch;
use crate::analysis::listener::destination::{Destination, chain_destination};
use crate::analysis::listener::matcher_paths::{MatcherBranch, matcher_branches};
use crate::analysis::mtls::mode::{Inference, InferredMode, chain_modes, is_virtual_inbound};
use crate::envoy::listener::AdditionalAddress;
use crate::envoy::{Address, FilterChain, Listener, ListenerState, NetworkFilterConfig};
use crate::istio::wasm_filter;
use crate::util::go_sort::sort_slice;

/// A decoded listener with what the table needs to know about where it came from.
#[derive(Debug)]
pub struct SelectedListener<'a> {
    /// Index of the entry in the dump's listener section (for `-o json`); for a refused
    /// update (state `Error`), the index of its error state in the section's `errors`.
    pub entry_index: usize,
    pub state: ListenerState,
    pub listener: Listener<'a>,
    pub kind: ListenerType,
}

impl<'a> SelectedListener<'a> {
    /// Wraps a decoded listener, working out its TYPE once.
    pub fn new(entry_index: usize, state: ListenerState, listener: Listener<'a>) -> Self {
        let kind = listener_type(&listener);
        SelectedListener {
            entry_index,
            state,
            listener,
            kind,
        }
    }
}

/// istioctl's TYPE column. istioctl sorts listeners by the printed TYPE; the variants are
/// declared in that text's byte order, so the derived `Ord` sorts as istioctl does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListenerType {
    Http,
    HttpTcp,
    Tcp,
    Unknown,
}

impl ListenerType {
    /// Every type, in istioctl's sort order.
    pub const ALL: [ListenerType; 4] = [
        ListenerType::Http,
        ListenerType::HttpTcp,
        ListenerType::Tcp,
        ListenerType::Unknown,
    ];

    /// The type a `--type` value names: istioctl compares the flag with the printed TYPE
    /// ignoring case, so any other value names none.
    pub fn from_flag(value: &str) -> Option<ListenerType> {
        ListenerType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(value))
    }

    /// The text istioctl prints.
    pub fn as_str(self) -> &'static str {
        match self {
            ListenerType::Http => "HTTP",
            ListenerType::HttpTcp => "HTTP+TCP",
            ListenerType::Tcp => "TCP",
            ListenerType::Unknown => "UNKNOWN",
        }
    }
}

/// `--type`: a listener type, or a value that names none (and so selects no listener).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeFilter {
    /// Listeners of this type.
    Only(ListenerType),
    /// The flag named no type.
    NoType,
}

impl TypeFilter {
    /// Reads a `--type` value.
    pub fn from_flag(value: &str) -> TypeFilter {
        ListenerType::from_flag(value).map_or(TypeFilter::NoType, TypeFilter::Only)
    }
}

/// `--address`, `--port`, `--type` (istioctl `ListenerFilter.Verify`).
#[derive(Debug, Clone, Default)]
pub struct ListenerQuery {
    pub address: Option<String>,
    pub port: u32,
    pub listener_type: Option<TypeFilter>,
}

impl ListenerQuery {
    /// Whether the listener passes every given filter.
    pub fn accepts(&self, l: &SelectedListener<'_>) -> bool {
        if !self.accepts_place(
            l.listener.address.as_ref(),
            &l.listener.additional_addresses,
        ) {
            return false;
        }
        match self.listener_type {
            Some(TypeFilter::Only(t)) => l.kind == t,
            Some(TypeFilter::NoType) => false,
            None => true,
        }
    }
}

impl ListenerQuery {
    /// True when only `--port`/`--address` filter, so a listener's head decides.
    pub fn filters_by_place_only(&self) -> bool {
        self.listener_type.is_none() && (self.port != 0 || self.address.is_some())
    }

    /// The `--address` and `--port` part of [`ListenerQuery::accepts`].
    pub fn accepts_place(
        &self,
        address: Option<&Address<'_>>,
        additional: &[AdditionalAddress<'_>],
    ) -> bool {
        if let Some(addr) = &self.address {
            let matches = |a: &str| a.eq_ignore_ascii_case(addr);
            let primary = address.map_or("", |a| a.display_address());
            let in_additional = additional
                .iter()
                .filter_map(|a| a.address.as_ref())
                .any(|a| matches(a.display_address()));
            if !matches(primary) && !in_additional {
                return false;
            }
        }
        let port = address
            .and_then(|a| a.socket_address.as_ref())
            .map_or(0, |s| s.port_value);
        self.port == 0 || port == self.port
    }
}

/// Primary address: the socket IP or the pipe path; empty for internal listeners.
pub fn primary_address<'l>(l: &'l Listener<'_>) -> &'l str {
    l.address.as_ref().map_or("", |a| a.display_address())
}

/// The listener's own port (0 without a socket address).
pub fn listener_port(l: &Listener<'_>) -> u32 {
    l.socket_address().map_or(0, |s| s.port_value)
}

/// ADDRESSES: primary plus additional addresses, joined by `,`.
pub fn addresses(l: &Listener<'_>) -> String {
    let mut all = vec![primary_address(l)];
    all.extend(
        l.additional_addresses
            .iter()
            .map(|a| a.address.as_ref().map_or("", |a| a.display_address())),
    );
    all.join(",")
}

/// TYPE: counts HCMs and non-blackhole tcp_proxies over every chain (default included).
pub fn listener_type(l: &Listener<'_>) -> ListenerType {
    let (mut http, mut tcp) = (0, 0);
    for f in l.chains().flat_map(|c| c.filters.iter()) {
        match f.name.as_ref() {
            crate::envoy::filter::HCM_NAME => http += 1,
            crate::envoy::filter::TCP_PROXY_NAME => {
                let blackhole =
                    matches!(&f.config, NetworkFilterConfig::TcpProxy(t) if t.is_blackhole);
                if !blackhole {
                    tcp += 1;
                }
            }
            _ => {}
        }
    }
    match (http > 0, tcp > 0) {
        (true, false) => ListenerType::Http,
        (true, true) => ListenerType::HttpTcp,
        (false, true) => ListenerType::Tcp,
        (false, false) => ListenerType::Unknown,
    }
}

/// istioctl's listener order: port, primary address, TYPE, with Go's unstable sort.
pub fn sort_listeners(listeners: &mut [SelectedListener<'_>]) {
    sort_slice(listeners, |a, b| listener_less(a, b));
}

fn listener_less(a: &SelectedListener<'_>, b: &SelectedListener<'_>) -> bool {
    let (pa, pb) = (listener_port(&a.listener), listener_port(&b.listener));
    if pa != pb {
        return pa < pb;
    }
    let (aa, ab) = (primary_address(&a.listener), primary_address(&b.listener));
    if aa != ab {
        return aa.as_bytes() < ab.as_bytes();
    }
    a.kind < b.kind
}

/// Orders the wide table: active listeners exactly as istioctl orders them, and each
/// warming, draining or refused (error) listener right after the active ones with the same
/// sort keys.
pub fn sort_listeners_with_states(
    listeners: Vec<SelectedListener<'_>>,
) -> Vec<SelectedListener<'_>> {
    let (mut active, mut others): (Vec<_>, Vec<_>) = listeners
        .into_iter()
        .partition(|l| l.state == ListenerState::Active);
    sort_listeners(&mut active);
    // Stable for the others, so equal keys keep dump order (warming, draining, error by state).
    others.sort_by(|a, b| {
        if listener_less(a, b) {
            std::cmp::Ordering::Less
        } else if listener_less(b, a) {
            std::cmp::Ordering::Greater
        } else {
            a.state.cmp(&b.state)
        }
    });
    let mut out = Vec::with_capacity(active.len() + others.len());
    let mut others = others.into_iter().peekable();
    for a in active {
        while let Some(o) = others.next_if(|o| listener_less(o, &a)) {
            out.push(o);
        }
        out.push(a);
    }
    out.extend(others);
    out
}

/// One row of `--verbose=false`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerRow {
    /// The listener's name (`pc all`'s NAME column).
    pub name: String,
    pub addresses: String,
    pub port: u32,
    pub kind: ListenerType,
}

/// One row per chain (short) or per matcher branch (wide).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    pub addresses: String,
    pub port: u32,
    pub chain_match: RowMatch,
    pub destination: Destination,
    /// Chain name, empty when the chain has none.
    pub chain: String,
    /// The listener's name (wide's LISTENER: tells address-less internal listeners apart).
    pub listener: String,
    pub state: ListenerState,
    /// User Wasm filters of the chain in execution order.
    pub wasm: Vec<String>,
    /// MODE (wide only): the mTLS mode a `virtualInbound` chain's port implies; `None`
    /// elsewhere and for the blackhole.
    pub mode: Option<InferredMode>,
}

/// MATCH of a chain row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowMatch {
    /// The chain's `filter_chain_match`.
    Criteria(ChainMatch),
    /// Wide, on a `filter_chain_matcher` listener: one branch leading to the chain.
    Branch(MatcherBranch),
    /// Wide, on a `filter_chain_matcher` listener: no branch leads to the chain.
    NoBranch,
}

/// The `--verbose=false` row of a listener.
pub fn listener_row(l: &SelectedListener<'_>) -> ListenerRow {
    ListenerRow {
        name: l.listener.name.to_string(),
        addresses: addresses(&l.listener),
        port: listener_port(&l.listener),
        kind: l.kind,
    }
}

/// The chain rows of one listener, sorted by the DESTINATION text descending as istioctl does.
///
/// `wide` turns matcher-tree listeners into one row per branch instead of `ALL`.
pub fn chain_rows(l: &SelectedListener<'_>, wide: bool) -> Vec<ChainRow> {
    let addresses = addresses(&l.listener);
    let port = listener_port(&l.listener);
    let branches = match (&l.listener.filter_chain_matcher, wide) {
        (Some(m), true) => Some(matcher_branches(m)),
        _ => None,
    };
    let modes = if wide && is_virtual_inbound(&l.listener) {
        chain_modes(&l.listener)
    } else {
        Vec::new()
    };
    let mut rows = Vec::new();
    for (i, chain) in l.listener.chains().enumerate() {
        let mode = modes
            .get(i)
            .and_then(|m| m.as_ref())
            .map(Inference::inferred_mode);
        let destination = chain_destination(chain);
        let wasm = if wide { chain_wasm(chain) } else { Vec::new() };
        let matches = match &branches {
            Some(b) => b
                .get(chain.name.as_ref())
                .map(|paths| paths.iter().cloned().map(RowMatch::Branch).collect())
                .unwrap_or_else(|| vec![RowMatch::NoBranch]),
            None => vec![RowMatch::Criteria(ChainMatch::of(
                chain.filter_chain_match.as_ref(),
            ))],
        };
        for chain_match in matches {
            rows.push(ChainRow {
                addresses: addresses.clone(),
                port,
                chain_match,
                destination: destination.clone(),
                chain: chain.name.to_string(),
                listener: l.listener.name.to_string(),
                state: l.state,
                wasm: wasm.clone(),
                mode,
            });
        }
    }
    // istioctl sorts on the printed DESTINATION; the text is the sort key and nothing else.
    let mut keyed: Vec<(String, ChainRow)> = rows
        .into_iter()
        .map(|r| (destination_text(&r.destination), r))
        .collect();
    sort_slice(&mut keyed, |a, b| a.0.as_bytes() > b.0.as_bytes());
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// The chain's user Wasm filters (not Istio's built-ins), in execution order.
pub fn chain_wasm(chain: &FilterChain<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for f in &chain.filters {
        // Network (L4) Wasm filters run in the chain's filter order, before the HCM's.
        if wasm_filter::classify_network(f).is_some_and(|w| !w.is_builtin(&f.name)) {
            out.push(f.name.to_string());
        }
        if let NetworkFilterConfig::HttpConnectionManager(hcm) = &f.config {
            for hf in &hcm.http_filters {
                if wasm_filter::classify(hf).is_some_and(|w| !w.is_builtin(&hf.name)) {
                    out.push(hf.name.to_string());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_order_is_istioctl_text_order() {
        for pair in ListenerType::ALL.windows(2) {
            assert!(pair[0] < pair[1]);
            assert!(pair[0].as_str() < pair[1].as_str());
        }
        assert_eq!(
            ListenerType::from_flag("http+tcp"),
            Some(ListenerType::HttpTcp)
        );
        assert_eq!(ListenerType::from_flag("udp"), None);
    }

    /// #16 point 3: a `type: NETWORK` plugin is in the WASM column like an HTTP one.
    #[test]
    fn network_wasm_filters_count_in_the_chain() {
        let chain: FilterChain<'_> = serde_json::from_str(
            r#"{"filters":[
              {"name":"extensions.istio.io/wasmplugin/default.tcp-audit","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm"]}},
              {"name":"envoy.filters.network.tcp_proxy","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy","cluster":"c"}}]}"#,
        )
        .unwrap();
        assert_eq!(
            chain_wasm(&chain),
            ["extensions.istio.io/wasmplugin/default.tcp-audit"]
        );
    }
}
