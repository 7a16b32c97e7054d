//! istioctl's `proxy-config listener` summary as data (DOMAIN.md §4.2–4.5): which listeners,
//! their TYPE, order, and each chain's MATCH and DESTINATION; plus meshscope's wide columns.

use crate::analysis::listener::matcher_paths::matcher_branches;
use crate::analysis::mtls::mode::{chain_modes, is_virtual_inbound};
use crate::envoy::listener::AdditionalAddress;
use crate::envoy::route::{RouteConfiguration, RouteMatch, VirtualHost};
use crate::envoy::wasm;
use crate::envoy::{
    Address, FilterChain, FilterChainMatch, Listener, ListenerState, NetworkFilterConfig,
};
use crate::util::go_sort::sort_slice;

/// A decoded listener with what the table needs to know about where it came from.
#[derive(Debug)]
pub struct SelectedListener<'a> {
    /// Index of the entry in the dump's listener section (for `-o json`).
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

/// istioctl's TYPE column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerType {
    Http,
    HttpTcp,
    Tcp,
    Unknown,
}

impl ListenerType {
    /// The text istioctl prints (and compares `--type` against).
    pub fn as_str(self) -> &'static str {
        match self {
            ListenerType::Http => "HTTP",
            ListenerType::HttpTcp => "HTTP+TCP",
            ListenerType::Tcp => "TCP",
            ListenerType::Unknown => "UNKNOWN",
        }
    }
}

/// `--address`, `--port`, `--type` (istioctl `ListenerFilter.Verify`).
#[derive(Debug, Clone, Default)]
pub struct ListenerQuery {
    pub address: Option<String>,
    pub port: u32,
    pub listener_type: Option<String>,
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
        match &self.listener_type {
            Some(t) => l.kind.as_str().eq_ignore_ascii_case(t),
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
    a.kind.as_str() < b.kind.as_str()
}

/// Orders the wide table: active listeners exactly as istioctl orders them, and each
/// warming/draining listener right after the active ones with the same sort keys.
pub fn sort_listeners_with_states(
    listeners: Vec<SelectedListener<'_>>,
) -> Vec<SelectedListener<'_>> {
    let (mut active, mut others): (Vec<_>, Vec<_>) = listeners
        .into_iter()
        .partition(|l| l.state == ListenerState::Active);
    sort_listeners(&mut active);
    // Stable for the others, so equal keys keep dump order (warming before draining by state).
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
    pub addresses: String,
    pub port: u32,
    pub kind: ListenerType,
}

/// One row per chain (short) or per matcher branch (wide).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainRow {
    pub addresses: String,
    pub port: u32,
    pub match_text: String,
    pub destination: String,
    /// Chain name, empty when the chain has none.
    pub chain: String,
    pub state: ListenerState,
    /// User Wasm filters of the chain in execution order.
    pub wasm: Vec<String>,
    /// MODE (wide only): the mTLS mode a `virtualInbound` chain's port implies; `None`
    /// elsewhere and for the blackhole.
    pub mode: Option<&'static str>,
}

/// The `--verbose=false` row of a listener.
pub fn listener_row(l: &SelectedListener<'_>) -> ListenerRow {
    ListenerRow {
        addresses: addresses(&l.listener),
        port: listener_port(&l.listener),
        kind: l.kind,
    }
}

/// The chain rows of one listener, sorted by DESTINATION descending as istioctl does.
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
        let mode = modes.get(i).and_then(|m| m.as_ref()).map(|m| m.mode_text());
        let destination = chain_destination(chain);
        let wasm = if wide { chain_wasm(chain) } else { Vec::new() };
        let matches = match &branches {
            Some(b) => b
                .get(chain.name.as_ref())
                .cloned()
                .unwrap_or_else(|| vec!["NONE".to_string()]),
            None => vec![chain_match(chain.filter_chain_match.as_ref())],
        };
        for match_text in matches {
            rows.push(ChainRow {
                addresses: addresses.clone(),
                port,
                match_text,
                destination: destination.clone(),
                chain: chain.name.to_string(),
                state: l.state,
                wasm: wasm.clone(),
                mode,
            });
        }
    }
    sort_slice(&mut rows, |a, b| {
        a.destination.as_bytes() > b.destination.as_bytes()
    });
    rows
}

/// ALPN lists istioctl prints by a label (exact order and length).
const ALPN_LABELS: [(&str, &[&str]); 4] = [
    (
        "App: HTTP TLS",
        &[
            "http/1.0",
            "http/1.1",
            "h2c",
            "istio-http/1.0",
            "istio-http/1.1",
            "istio-h2",
        ],
    ),
    (
        "App: Istio HTTP Plain",
        &["istio", "istio-http/1.0", "istio-http/1.1", "istio-h2"],
    ),
    ("App: TCP TLS", &["istio-peer-exchange", "istio"]),
    ("App: HTTP", &["http/1.0", "http/1.1", "h2c"]),
];

/// MATCH: SNI, transport, ALPN, address parts joined by `; `, or `ALL`.
pub fn chain_match(m: Option<&FilterChainMatch<'_>>) -> String {
    let Some(m) = m else {
        return "ALL".to_string();
    };
    let mut parts = Vec::new();
    if !m.server_names.is_empty() {
        parts.push(format!("SNI: {}", m.server_names.join(",")));
    }
    if !m.transport_protocol.is_empty() {
        parts.push(format!("Trans: {}", m.transport_protocol));
    }
    if !m.application_protocols.is_empty() {
        let label = ALPN_LABELS.iter().find(|(_, list)| {
            list.len() == m.application_protocols.len()
                && list
                    .iter()
                    .zip(&m.application_protocols)
                    .all(|(a, b)| a == b)
        });
        parts.push(match label {
            Some((label, _)) => label.to_string(),
            None => format!("App: {}", m.application_protocols.join(",")),
        });
    }
    let port = m
        .destination_port
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    if !m.prefix_ranges.is_empty() {
        let ranges: Vec<String> = m
            .prefix_ranges
            .iter()
            .map(|r| format!("{}/{}", r.address_prefix, r.prefix_len()))
            .collect();
        parts.push(format!("Addr: {}{port}", ranges.join(",")));
    } else if !port.is_empty() {
        parts.push(format!("Addr: *{port}"));
    }
    if parts.is_empty() {
        "ALL".to_string()
    } else {
        parts.join("; ")
    }
}

/// DESTINATION: the first HCM or non-blackhole tcp_proxy decides.
pub fn chain_destination(chain: &FilterChain<'_>) -> String {
    for f in &chain.filters {
        match &f.config {
            NetworkFilterConfig::HttpConnectionManager(hcm) => {
                if let Some(rc) = &hcm.route_config {
                    return describe_route_config(rc);
                }
                return match &hcm.rds {
                    Some(rds) if !rds.route_config_name.is_empty() => {
                        format!("Route: {}", rds.route_config_name)
                    }
                    _ => "HTTP".to_string(),
                };
            }
            NetworkFilterConfig::TcpProxy(t) if !t.is_blackhole => {
                return cluster_name(&t.cluster);
            }
            // istioctl dereferences a missing typed_config and crashes; say what is there.
            NetworkFilterConfig::None
                if f.name == crate::envoy::filter::HCM_NAME
                    || f.name == crate::envoy::filter::TCP_PROXY_NAME =>
            {
                return f.name.to_string();
            }
            _ => {}
        }
    }
    "Non-HTTP/Non-TCP".to_string()
}

fn cluster_name(cluster: &str) -> String {
    if cluster.contains("Cluster") {
        cluster.to_string()
    } else {
        format!("Cluster: {cluster}")
    }
}

fn describe_route_config(rc: &RouteConfiguration<'_>) -> String {
    if let Some(cluster) = match_all_cluster(rc) {
        return cluster;
    }
    let vhosts: Vec<String> = rc
        .virtual_hosts
        .iter()
        .map(|vh| {
            let domains = describe_domains(vh);
            let routes = describe_routes(vh);
            if domains.is_empty() {
                routes
            } else {
                format!("{domains} {routes}")
            }
        })
        .collect();
    format!("Inline Route: {}", vhosts.join("; "))
}

fn match_all_cluster(rc: &RouteConfiguration<'_>) -> Option<String> {
    let [vh] = rc.virtual_hosts.as_slice() else {
        return None;
    };
    if vh.domains.len() != 1 || vh.domains[0] != "*" {
        return None;
    }
    let [route] = vh.routes.as_slice() else {
        return None;
    };
    if route.route_match.prefix.as_deref() != Some("/") {
        return None;
    }
    let cluster = route.route.as_ref()?.cluster.as_deref()?;
    Some(cluster_name(cluster))
}

fn describe_domains(vh: &VirtualHost<'_>) -> String {
    if vh.domains.len() == 1 && vh.domains[0] == "*" {
        return String::new();
    }
    vh.domains.join("/")
}

fn describe_routes(vh: &VirtualHost<'_>) -> String {
    let routes: Vec<String> = vh
        .routes
        .iter()
        .map(|r| describe_match(&r.route_match))
        .collect();
    routes.join(", ")
}

fn describe_match(m: &RouteMatch<'_>) -> String {
    let mut conds = Vec::new();
    if let Some(p) = m.prefix.as_deref().filter(|p| !p.is_empty()) {
        conds.push(format!("{p}*"));
    }
    if let Some(p) = m.path_separated_prefix.as_deref().filter(|p| !p.is_empty()) {
        conds.push(format!("PathPrefix:{p}"));
    }
    if let Some(p) = m.path.as_deref().filter(|p| !p.is_empty()) {
        conds.push(p.to_string());
    }
    if let Some(r) = &m.safe_regex {
        conds.push(format!("regex {}", r.regex));
    }
    conds.join(" ")
}

/// The chain's user Wasm filters (not Istio's built-ins), in execution order.
pub fn chain_wasm(chain: &FilterChain<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for f in &chain.filters {
        if let NetworkFilterConfig::HttpConnectionManager(hcm) = &f.config {
            for hf in &hcm.http_filters {
                if wasm::classify(hf).is_some_and(|w| !w.is_builtin(&hf.name)) {
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

    fn fcm(json: &str) -> FilterChainMatch<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn match_text_follows_istioctl() {
        let cases = [
            ("{}", "ALL"),
            (r#"{"destination_port":15006}"#, "Addr: *:15006"),
            (
                r#"{"transport_protocol":"tls","application_protocols":["istio-peer-exchange","istio"]}"#,
                "Trans: tls; App: TCP TLS",
            ),
            (
                r#"{"transport_protocol":"raw_buffer","application_protocols":["http/1.1","h2c"]}"#,
                "Trans: raw_buffer; App: http/1.1,h2c",
            ),
            (
                r#"{"prefix_ranges":[{"address_prefix":"::0"}],"destination_port":80,"server_names":["a","b"]}"#,
                "SNI: a,b; Addr: ::0/0:80",
            ),
            (
                r#"{"application_protocols":["http/1.0","http/1.1","h2c"]}"#,
                "App: HTTP",
            ),
        ];
        for (json, want) in cases {
            assert_eq!(chain_match(Some(&fcm(json))), want, "{json}");
        }
        assert_eq!(chain_match(None), "ALL");
    }

    #[test]
    fn destination_follows_istioctl() {
        let chain = |filters: &str| -> String {
            let json = format!(r#"{{"filters":{filters}}}"#);
            let c: FilterChain = serde_json::from_str(&json).unwrap();
            chain_destination(&c)
        };
        let hcm = |tc: &str| {
            format!(
                r#"[{{"name":"envoy.filters.network.http_connection_manager","typed_config":{tc}}}]"#
            )
        };
        let tcp = |cluster: &str| {
            format!(
                r#"{{"name":"envoy.filters.network.tcp_proxy","typed_config":{{"cluster":"{cluster}"}}}}"#
            )
        };
        assert_eq!(chain("[]"), "Non-HTTP/Non-TCP");
        assert_eq!(
            chain(&format!("[{}]", tcp("BlackHoleCluster"))),
            "Non-HTTP/Non-TCP"
        );
        assert_eq!(
            chain(&format!("[{}]", tcp("inbound|80||"))),
            "Cluster: inbound|80||"
        );
        assert_eq!(
            chain(&format!("[{}]", tcp("InboundPassthroughCluster"))),
            "InboundPassthroughCluster"
        );
        assert_eq!(
            chain(&hcm(r#"{"rds":{"route_config_name":"80"}}"#)),
            "Route: 80"
        );
        assert_eq!(chain(&hcm("{}")), "HTTP");
        assert_eq!(
            chain(&hcm(
                r#"{"route_config":{"virtual_hosts":[{"domains":["*"],"routes":[{"match":{"prefix":"/"},"route":{"cluster":"inbound|80||"}}]}]}}"#
            )),
            "Cluster: inbound|80||"
        );
        assert_eq!(
            chain(&hcm(
                r#"{"route_config":{"virtual_hosts":[{"domains":["*"],"routes":[{"match":{"prefix":"/healthz/ready"}},{"match":{"path":"/x","safe_regex":{"regex":"a.*"}}}]},
                   {"domains":["a","b"],"routes":[{"match":{"path_separated_prefix":"/api"}}]}]}}"#
            )),
            "Inline Route: /healthz/ready*, /x regex a.*; a/b PathPrefix:/api"
        );
    }
}
