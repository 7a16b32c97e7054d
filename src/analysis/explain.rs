//! `meshscope explain` as data: for each chain of a listener, what it takes, which listener
//! filters it depends on, its filter pipeline with Wasm filters classified, and where it ends
//! (DOMAIN.md §2, §5, §6.2); and, for one connection, which chain Envoy selects and why the
//! others lose (chain_select for `filter_chain_match`, matcher_eval for matcher trees).
//! Pure: the wording lives in `render/explain_text.rs`.

use crate::analysis::chain_select::{self, Chosen, Connection, Criterion, Verdict};
use crate::analysis::listener_rows::{chain_destination, listener_port, primary_address};
use crate::analysis::matcher_eval::{MatcherResult, evaluate_matcher};
use crate::analysis::matcher_paths::matcher_branches;
use crate::envoy::filter::TcpProxy;
use crate::envoy::route::RouteConfiguration;
use crate::envoy::wasm::{self, WasmFilter};
use crate::envoy::{FilterChain, FilterChainMatch, Listener, NetworkFilterConfig};

pub use crate::analysis::explain_warnings::{Warning, listener_warnings};

/// Listener filter name of the TLS inspector.
pub const TLS_INSPECTOR: &str = "envoy.filters.listener.tls_inspector";
/// Listener filter name of the HTTP inspector.
pub const HTTP_INSPECTOR: &str = "envoy.filters.listener.http_inspector";
/// The ALPN values the HTTP inspector can set on plaintext connections.
pub const SNIFFED_ALPN: [&str; 3] = ["http/1.0", "http/1.1", "h2c"];

/// One listener, explained.
#[derive(Debug, Clone)]
pub struct ListenerExplanation {
    pub name: String,
    pub address: String,
    pub port: u32,
    /// True when the listener selects chains with `filter_chain_matcher`.
    pub uses_matcher: bool,
    /// `filter_chains` in order, then the default chain.
    pub chains: Vec<ChainInfo>,
    pub warnings: Vec<Warning>,
}

/// One chain, as data for its paragraph.
#[derive(Debug, Clone)]
pub struct ChainInfo {
    pub name: String,
    /// 1-based position among `filter_chains` (the default chain counts after them).
    pub position: usize,
    pub total: usize,
    pub is_default: bool,
    /// The chain's `filter_chain_match` (empty for the default chain and matcher listeners).
    pub conditions: FilterChainMatch<'static>,
    /// For matcher listeners: the branches that lead here (empty: unreachable).
    pub matcher_branches: Vec<String>,
    /// What the ALPN list says about the peer.
    pub traffic: Option<TrafficKind>,
    /// Listener filters the chain's match depends on.
    pub needs: Vec<Inspector>,
    pub tls: TlsHandling,
    pub stages: Vec<Stage>,
    /// istioctl's DESTINATION text.
    pub destination: String,
}

/// Who (by ALPN) a chain is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrafficKind {
    /// Istio's mTLS ALPN values (`istio`, `istio-peer-exchange`, `istio-http/*`, `istio-h2`).
    IstioMutualTls,
    /// Sniffed plaintext HTTP (`http/1.0`, `http/1.1`, `h2c`).
    PlaintextHttp,
}

/// A listener filter a chain depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Inspector {
    Tls,
    Http,
}

impl Inspector {
    /// The listener filter's name.
    pub fn filter_name(self) -> &'static str {
        match self {
            Inspector::Tls => TLS_INSPECTOR,
            Inspector::Http => HTTP_INSPECTOR,
        }
    }
}

/// Whether an inspector runs for a destination port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectorState {
    Active,
    Absent,
    /// `filter_disabled` matches the port.
    Disabled,
}

/// What the chain does with TLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsHandling {
    /// No TLS involved.
    None,
    /// A `DownstreamTlsContext` terminates TLS.
    Terminates { require_client_certificate: bool },
    /// The chain matches `tls` but has no transport socket: the bytes pass through.
    PassesThrough,
}

/// One network filter of the chain.
#[derive(Debug, Clone)]
pub enum Stage {
    Http {
        filters: Vec<HttpFilterInfo>,
        route: RouteInfo,
    },
    TcpProxy {
        clusters: Vec<String>,
        blackhole: bool,
    },
    Other {
        name: String,
    },
}

/// One HTTP filter and, for Wasm filters, how it is delivered.
#[derive(Debug, Clone)]
pub struct HttpFilterInfo {
    pub name: String,
    pub wasm: Option<WasmFilter>,
    /// A user's Wasm filter (not one of Istio's built-ins).
    pub is_user_wasm: bool,
}

/// Where an HCM's requests are routed.
#[derive(Debug, Clone)]
pub enum RouteInfo {
    Inline { name: String, clusters: Vec<String> },
    Rds { name: String },
    Scoped,
    Missing,
}

/// Explains every chain of `listener`, with the listener's warnings.
pub fn explain_listener(listener: &Listener<'_>) -> ListenerExplanation {
    let uses_matcher = listener.filter_chain_matcher.is_some();
    let branches = listener
        .filter_chain_matcher
        .as_ref()
        .map(matcher_branches)
        .unwrap_or_default();
    let total = listener.filter_chains.len();
    let mut chains: Vec<ChainInfo> = listener
        .filter_chains
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut info = chain_info(c, i + 1, total, false, uses_matcher);
            info.matcher_branches = branches.get(c.name.as_ref()).cloned().unwrap_or_default();
            info
        })
        .collect();
    if let Some(d) = &listener.default_filter_chain {
        chains.push(chain_info(d, total + 1, total, true, uses_matcher));
    }
    ListenerExplanation {
        name: listener.name.to_string(),
        address: primary_address(listener).to_string(),
        port: listener_port(listener),
        uses_matcher,
        warnings: listener_warnings(listener),
        chains,
    }
}

fn chain_info(
    c: &FilterChain<'_>,
    position: usize,
    total: usize,
    is_default: bool,
    uses_matcher: bool,
) -> ChainInfo {
    let conditions = match (&c.filter_chain_match, is_default || uses_matcher) {
        (Some(m), false) => owned_match(m),
        _ => FilterChainMatch::default(),
    };
    ChainInfo {
        name: c.name.to_string(),
        position,
        total,
        is_default,
        traffic: traffic_kind(&conditions),
        needs: needed_inspectors(&conditions),
        tls: tls_handling(c, &conditions),
        stages: c.filters.iter().map(stage).collect(),
        destination: chain_destination(c),
        matcher_branches: Vec::new(),
        conditions,
    }
}

/// A copy of a match that owns its strings.
pub fn owned_match(m: &FilterChainMatch<'_>) -> FilterChainMatch<'static> {
    let own = |v: &[std::borrow::Cow<'_, str>]| -> Vec<std::borrow::Cow<'static, str>> {
        v.iter().map(|s| s.to_string().into()).collect()
    };
    let ranges = |v: &[crate::envoy::CidrRange<'_>]| -> Vec<crate::envoy::CidrRange<'static>> {
        v.iter()
            .map(|r| crate::envoy::CidrRange {
                address_prefix: r.address_prefix.to_string().into(),
                prefix_len: r.prefix_len,
            })
            .collect()
    };
    FilterChainMatch {
        destination_port: m.destination_port,
        prefix_ranges: ranges(&m.prefix_ranges),
        server_names: own(&m.server_names),
        transport_protocol: m.transport_protocol.to_string().into(),
        application_protocols: own(&m.application_protocols),
        direct_source_prefix_ranges: ranges(&m.direct_source_prefix_ranges),
        source_type: m.source_type,
        source_prefix_ranges: ranges(&m.source_prefix_ranges),
        source_ports: m.source_ports.clone(),
    }
}

fn traffic_kind(m: &FilterChainMatch<'_>) -> Option<TrafficKind> {
    let alpn = &m.application_protocols;
    if alpn.is_empty() {
        return None;
    }
    if alpn.iter().all(|a| a.starts_with("istio")) {
        return Some(TrafficKind::IstioMutualTls);
    }
    if alpn.iter().all(|a| SNIFFED_ALPN.contains(&a.as_ref())) && m.transport_protocol != "tls" {
        return Some(TrafficKind::PlaintextHttp);
    }
    None
}

/// tls/SNI/ALPN-on-TLS need the TLS inspector; ALPN on plaintext needs the HTTP inspector.
pub fn needed_inspectors(m: &FilterChainMatch<'_>) -> Vec<Inspector> {
    let tls = m.transport_protocol == "tls";
    let mut needs = Vec::new();
    if tls || !m.server_names.is_empty() {
        needs.push(Inspector::Tls);
    }
    if !m.application_protocols.is_empty() && !tls {
        let sniffable = m
            .application_protocols
            .iter()
            .any(|a| SNIFFED_ALPN.contains(&a.as_ref()));
        needs.push(if sniffable {
            Inspector::Http
        } else {
            Inspector::Tls
        });
    }
    needs.sort();
    needs.dedup();
    needs
}

fn tls_handling(c: &FilterChain<'_>, m: &FilterChainMatch<'_>) -> TlsHandling {
    match &c.transport_socket {
        Some(ts) if ts.name.contains("tls") || type_url_of(ts.typed_config).contains("Tls") => {
            let raw = ts.typed_config.map_or("", |r| r.get());
            let require = serde_json::from_str::<serde_json::Value>(raw)
                .ok()
                .and_then(|v| {
                    let f = v.get("require_client_certificate")?;
                    let f = f.get("value").unwrap_or(f);
                    f.as_bool()
                })
                .or_else(|| {
                    serde_json::from_str::<serde_json::Value>(raw)
                        .ok()?
                        .get("requireClientCertificate")?
                        .as_bool()
                })
                .unwrap_or(false);
            TlsHandling::Terminates {
                require_client_certificate: require,
            }
        }
        _ if m.transport_protocol == "tls" => TlsHandling::PassesThrough,
        _ => TlsHandling::None,
    }
}

fn type_url_of(raw: Option<&serde_json::value::RawValue>) -> String {
    raw.and_then(|r| serde_json::from_str::<serde_json::Value>(r.get()).ok())
        .and_then(|v| v.get("@type")?.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn stage(f: &crate::envoy::NetworkFilter<'_>) -> Stage {
    match &f.config {
        NetworkFilterConfig::HttpConnectionManager(hcm) => Stage::Http {
            filters: hcm
                .http_filters
                .iter()
                .map(|hf| {
                    let wasm = wasm::classify(hf);
                    let is_user_wasm = wasm.as_ref().is_some_and(|w| !w.is_builtin(&hf.name));
                    HttpFilterInfo {
                        name: hf.name.to_string(),
                        wasm,
                        is_user_wasm,
                    }
                })
                .collect(),
            route: if let Some(rc) = &hcm.route_config {
                RouteInfo::Inline {
                    name: rc.name.to_string(),
                    clusters: route_clusters(rc),
                }
            } else if let Some(rds) = &hcm.rds {
                RouteInfo::Rds {
                    name: rds.route_config_name.to_string(),
                }
            } else if hcm.scoped_routes.is_some() {
                RouteInfo::Scoped
            } else {
                RouteInfo::Missing
            },
        },
        NetworkFilterConfig::TcpProxy(t) => Stage::TcpProxy {
            clusters: tcp_clusters(t),
            blackhole: t.is_blackhole,
        },
        _ => Stage::Other {
            name: f.name.to_string(),
        },
    }
}

fn tcp_clusters(t: &TcpProxy<'_>) -> Vec<String> {
    if !t.cluster.is_empty() {
        return vec![t.cluster.to_string()];
    }
    t.weighted_clusters
        .iter()
        .map(|w| w.name.to_string())
        .collect()
}

fn route_clusters(rc: &RouteConfiguration<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in rc.virtual_hosts.iter().flat_map(|vh| vh.routes.iter()) {
        if let Some(c) = r.route.as_ref().and_then(|a| a.cluster.as_deref())
            && !out.iter().any(|o| o == c)
        {
            out.push(c.to_string());
        }
    }
    out
}

/// Whether `inspector` runs for connections to `port` on `listener`.
pub fn inspector_state(listener: &Listener<'_>, inspector: Inspector, port: u32) -> InspectorState {
    let type_marker = match inspector {
        Inspector::Tls => "TlsInspector",
        Inspector::Http => "HttpInspector",
    };
    let found = listener.listener_filters.iter().find(|f| {
        f.name == inspector.filter_name()
            || f.typed_config
                .is_some_and(|t| t.get().contains(type_marker))
    });
    match found {
        None => InspectorState::Absent,
        Some(f)
            if f.filter_disabled
                .as_ref()
                .is_some_and(|p| p.matches_port(port)) =>
        {
            InspectorState::Disabled
        }
        Some(_) => InspectorState::Active,
    }
}

/// A connection attribute the simulation was given but a real sidecar could not see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unseen {
    /// TLS, SNI or ALPN on TLS without a TLS inspector running for the port.
    NeedsTlsInspector {
        what: &'static str,
        state: InspectorState,
    },
    /// SNI on a plaintext connection.
    SniOnPlaintext,
    /// ALPN on plaintext without a running HTTP inspector.
    NeedsHttpInspector { state: InspectorState },
    /// A plaintext ALPN value the HTTP inspector never sets.
    NotSniffable { value: String },
}

/// The simulated selection for one connection.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub connection: Connection,
    pub chosen: Chosen,
    pub failed_at: Option<Criterion>,
    pub left_when_failed: usize,
    /// Classic listeners: every chain not chosen, with what ruled it out.
    pub verdicts: Vec<Verdict>,
    /// Matcher listeners: the matcher's answer.
    pub matcher: Option<MatcherResult>,
    /// The matcher named a chain the listener does not have.
    pub missing_chain: Option<String>,
    pub unseen: Vec<Unseen>,
}

/// Simulates Envoy's chain selection on `listener` for `conn`.
pub fn simulate(listener: &Listener<'_>, conn: &Connection) -> Simulation {
    let has_default = listener.default_filter_chain.is_some();
    let unseen = unseen_inputs(listener, conn);
    if let Some(m) = &listener.filter_chain_matcher {
        let result = evaluate_matcher(m, conn);
        let index = result
            .chain_name
            .as_ref()
            .and_then(|n| listener.filter_chains.iter().position(|c| c.name == *n));
        let missing_chain = result.chain_name.clone().filter(|_| index.is_none());
        let chosen = match index {
            Some(i) => Chosen::Chain(i),
            None if has_default => Chosen::Default,
            None => Chosen::Closed,
        };
        return Simulation {
            connection: conn.clone(),
            chosen,
            failed_at: None,
            left_when_failed: 0,
            verdicts: Vec::new(),
            matcher: Some(result),
            missing_chain,
            unseen,
        };
    }
    let matches: Vec<Option<&FilterChainMatch<'_>>> = listener
        .filter_chains
        .iter()
        .map(|c| c.filter_chain_match.as_ref())
        .collect();
    let s = chain_select::select_chain(&matches, has_default, conn);
    Simulation {
        connection: conn.clone(),
        chosen: s.chosen,
        failed_at: s.failed_at,
        left_when_failed: s.left_when_failed,
        verdicts: s.verdicts,
        matcher: None,
        missing_chain: None,
        unseen,
    }
}

fn unseen_inputs(listener: &Listener<'_>, conn: &Connection) -> Vec<Unseen> {
    let mut out = Vec::new();
    let tls_state = inspector_state(listener, Inspector::Tls, conn.dst_port);
    let tls = conn.transport == "tls";
    if tls_state != InspectorState::Active {
        for (given, what) in [
            (tls, "transport tls"),
            (tls && conn.server_name.is_some(), "SNI"),
            (tls && !conn.alpn.is_empty(), "ALPN"),
        ] {
            if given {
                out.push(Unseen::NeedsTlsInspector {
                    what,
                    state: tls_state,
                });
            }
        }
    }
    if !tls && conn.server_name.is_some() {
        out.push(Unseen::SniOnPlaintext);
    }
    if !tls && !conn.alpn.is_empty() {
        let http_state = inspector_state(listener, Inspector::Http, conn.dst_port);
        if http_state != InspectorState::Active {
            out.push(Unseen::NeedsHttpInspector { state: http_state });
        } else if let Some(v) = conn
            .alpn
            .iter()
            .find(|a| !SNIFFED_ALPN.contains(&a.as_str()))
        {
            out.push(Unseen::NotSniffable { value: v.clone() });
        }
    }
    out
}

/// One listener's explanation plus, when a connection was given, its simulation.
#[derive(Debug, Clone)]
pub struct ExplainedListener {
    pub explanation: ListenerExplanation,
    pub simulation: Option<Simulation>,
}

/// A connection attribute and whether it came from a flag or a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assumption {
    /// The flag, e.g. `--dst-ip`.
    pub flag: &'static str,
    pub value: String,
    /// True when the value is the default, not given on the command line.
    pub defaulted: bool,
}
