//! The way past the chain that takes a connection, in words (text) and as data (JSON
//! `hops` entries): the cluster, its hosts, the internal listener a host hands the
//! connection to, the HTTP tunnel its tcp_proxy opens, and what the dump does not hold.

use serde::Serialize;

use crate::analysis::explain::upstream::{
    ClusterFacts, ClusterLeg, EndpointAddress, EndpointFact, HostFrom, Hosts, InternalLeg, Leg,
    Lookup, OriginalDstHost, Restore, Tunnel,
};
use crate::render::explain::words::code;
use crate::util::sanitize::sanitize;

/// How many hosts of a cluster the text lists before counting the rest.
const HOSTS_LISTED: usize = 4;

/// The numbered lines of the legs, the first numbered `first`.
pub fn onward_lines(legs: &[Leg], first: usize) -> String {
    let mut s = String::new();
    for (n, leg) in legs.iter().enumerate() {
        s.push_str(&format!("{}. {}\n", first + n, leg_words(leg)));
    }
    s
}

fn leg_words(leg: &Leg) -> String {
    match leg {
        Leg::RouteDecides => "The chain ends in an HTTP connection manager: the route each request matches decides the cluster, so the way is not followed past the chain.".to_string(),
        Leg::Cluster(c) => cluster_words(c),
        Leg::Internal(i) => internal_words(i),
    }
}

fn cluster_words(c: &ClusterLeg) -> String {
    let weight = c
        .weight
        .map(|w| format!(" (weight {w} among tcp_proxy's weighted_clusters)"))
        .unwrap_or_default();
    let head = format!("tcp_proxy sends it to cluster {}{weight}", code(&c.name));
    match &c.state {
        Lookup::NoSection => format!(
            "{head}; the dump has no clusters section, so what the cluster does is not known: the way stops here."
        ),
        Lookup::NotInDump => format!(
            "{head}, which is not in the dump's clusters section: Envoy has no such cluster, so tcp_proxy closes the connection (NC, no cluster found) unless its on-demand discovery finds it; the way stops here."
        ),
        Lookup::Warming => format!(
            "{head}, which is only warming (dynamic_warming_clusters): Envoy sends no connection to it until it is warm, so tcp_proxy closes this one (NC, no cluster found); the way stops here."
        ),
        Lookup::Found(f) => format!("{head} ({}): {}", sanitize(&f.discovery), hosts_words(f)),
    }
}

fn hosts_words(f: &ClusterFacts) -> String {
    let http2 = if f.http2 {
        " It speaks HTTP/2 upstream (explicit_http_config.http2_protocol_options)."
    } else {
        ""
    };
    let words = match &f.hosts {
        Hosts::OriginalDst(h) => original_dst_words(h),
        Hosts::Inline(eps) => format!("its own load_assignment holds {}", list(eps)),
        Hosts::Eds { service, endpoints } => match endpoints {
            Lookup::Found(eps) => format!(
                "the dump's endpoints section holds, for EDS service {}, {}",
                code(service),
                list(eps)
            ),
            Lookup::NotInDump | Lookup::Warming => format!(
                "the dump's endpoints section has no load assignment for EDS service {}, so its hosts are not known: the way stops here",
                code(service)
            ),
            Lookup::NoSection => format!(
                "the dump has no endpoints section (it was taken without ?include_eds=true), so the hosts of EDS service {} are not known: the way stops here",
                code(service)
            ),
        },
        Hosts::NotKnown => {
            "its hosts are not in the dump (Envoy resolves them at run time): the way stops here"
                .to_string()
        }
    };
    format!("{words}.{http2}")
}

fn original_dst_words(h: &OriginalDstHost) -> String {
    if let HostFrom::FilterStateAtRunTime { filter } = &h.from {
        return format!(
            "it makes its host from filter state envoy.network.transport_socket.original_dst_address, which network filter {} on the way sets for each connection at run time: the host is not known from the dump (give it with --filter-state to follow the way); the way stops here",
            code(filter)
        );
    }
    let Some(address) = &h.address else {
        return "it makes its host from the connection's original destination, which was never restored here, so Envoy has no host and the connection fails (original_dst_load_balancer: no original_dst)".to_string();
    };
    let from = match &h.from {
        HostFrom::FilterState => {
            "from filter state envoy.network.transport_socket.original_dst_address (--filter-state)"
                .to_string()
        }
        HostFrom::Metadata { key } => format!(
            "from the connection's metadata {} (original_dst_lb_config.metadata_key), which wins over the restored destination",
            code(key)
        ),
        HostFrom::RestoredLocal => "from the connection's restored destination".to_string(),
        HostFrom::FilterStateAtRunTime { .. } => String::new(),
        HostFrom::Nothing => String::new(),
    };
    let port = h
        .port_override
        .map(|p| format!(", port {p} by original_dst_lb_config.upstream_port_override"))
        .unwrap_or_default();
    let tls = match &h.tls_alpn {
        Some(alpn) if alpn.is_empty() => ", over TLS (no ALPN)".to_string(),
        Some(alpn) => format!(
            ", over TLS with ALPN {}",
            sanitize(&alpn.join(",")).into_owned()
        ),
        None => String::new(),
    };
    format!(
        "it makes its host from the connection: {} ({from}{port}){tls}",
        sanitize(address)
    )
}

fn list(eps: &[EndpointFact]) -> String {
    if eps.is_empty() {
        return "no host, so Envoy has nowhere to send it (no healthy upstream, UH)".to_string();
    }
    let shown: Vec<String> = eps.iter().take(HOSTS_LISTED).map(host_words).collect();
    let more = eps.len().saturating_sub(HOSTS_LISTED);
    format!(
        "{} host{}: {}{}",
        eps.len(),
        if eps.len() == 1 { "" } else { "s" },
        shown.join("; "),
        if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        }
    )
}

fn host_words(e: &EndpointFact) -> String {
    let health = sanitize(&e.health).into_owned();
    match &e.address {
        EndpointAddress::Socket(a) => format!("{} ({health})", sanitize(a)),
        EndpointAddress::Internal {
            listener,
            endpoint_id,
        } => format!(
            "internal listener {} with endpoint id {} ({health})",
            code(listener),
            sanitize(endpoint_id)
        ),
        EndpointAddress::Other => format!("a host without a socket or internal address ({health})"),
    }
}

fn internal_words(i: &InternalLeg) -> String {
    let who = format!("{} (internal)", code(&i.listener));
    let others = match i.others {
        0 => String::new(),
        1 => "; Envoy's load balancer may pick the cluster's other host instead, which goes its own way".to_string(),
        n => format!(
            "; Envoy's load balancer may pick any of the cluster's {n} other hosts instead, each going its own way"
        ),
    };
    let Some(reached) = &i.state else {
        return format!(
            "The host with endpoint id {} is internal listener {}'s, and the dump has no internal listener of that name: Envoy cannot connect, the way stops here{others}.",
            sanitize(&i.endpoint_id),
            code(&i.listener)
        );
    };
    let restore = match &reached.restore {
        Restore::FromMetadata(a) => format!(
            "its original_dst listener filter restores the destination {} from the host's metadata (envoy.filters.listener.original_dst, passed through by the cluster's internal upstream socket)",
            sanitize(a)
        ),
        Restore::NoOriginalDstFilter => "it has no original_dst listener filter, so the connection keeps its internal address as destination".to_string(),
        Restore::NotPassedThrough => "the host's transport socket passes no envoy.filters.listener.original_dst metadata to it, so the destination is not restored".to_string(),
        Restore::NoLocalInMetadata => "the host's metadata has no envoy.filters.listener.original_dst local address, so the destination is not restored".to_string(),
        Restore::FromFilterStateAtRunTime { filter } => format!(
            "its original_dst listener filter restores the destination from filter state envoy.filters.listener.original_dst.local_ip, which network filter {} on the way sets at run time: the destination is not known from the dump",
            code(filter)
        ),
    };
    let tunnel = reached
        .tunnel
        .as_ref()
        .map(tunnel_words)
        .unwrap_or_default();
    format!(
        "{who} takes it: the host with endpoint id {} is an internal address, so Envoy connects to the internal listener of that name (envoy.bootstrap.internal_listener){others}; {restore}.{tunnel}",
        sanitize(&i.endpoint_id)
    )
}

fn tunnel_words(t: &Tunnel) -> String {
    let method = if t.use_post { "POST" } else { "CONNECT" };
    let authority = match &t.authority {
        Some(a) => format!("for {} (hostname {})", sanitize(a), code(&t.hostname)),
        None => format!(
            "whose authority Envoy formats at run time from hostname {}",
            code(&t.hostname)
        ),
    };
    let headers = if t.headers.is_empty() {
        String::new()
    } else {
        let h: Vec<String> = t
            .headers
            .iter()
            .map(|(k, v)| format!("{}: {}", sanitize(k), sanitize(v)))
            .collect();
        format!(", adding {}", code(&h.join(", ")))
    };
    let propagate = if t.propagate_response_headers {
        ", and keeps the response headers for later filters (propagate_response_headers)"
    } else {
        ""
    };
    format!(
        " Its chain's tcp_proxy tunnels the connection (tunneling_config) in an HTTP {method} request {authority}{headers}{propagate}."
    )
}

/// JSON: a cluster on the way (a `hops` entry with step `cluster`).
#[derive(Debug, Serialize)]
pub struct ClusterOut {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// `found`, `not_in_dump`, `no_clusters_section` or `warming`.
    pub found: &'static str,
    pub discovery_type: Option<String>,
    /// `original_dst`, `inline`, `eds` or `not_known`; null when the cluster is not found.
    pub hosts_from: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eds_service: Option<String>,
    /// For EDS: `found`, `not_in_dump` or `no_endpoints_section`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoints_found: Option<&'static str>,
    pub endpoints: Vec<EndpointOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_dst: Option<OriginalDstOut>,
    pub http2: bool,
}

/// JSON: one host of a cluster.
#[derive(Debug, Serialize)]
pub struct EndpointOut {
    /// `IP:PORT`, empty for an internal one.
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_listener: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_id: Option<String>,
    pub health: String,
}

/// JSON: the host an `ORIGINAL_DST` cluster makes.
#[derive(Debug, Serialize)]
pub struct OriginalDstOut {
    /// `filter_state`, `filter_state_at_run_time`, `metadata`, `restored_destination` or
    /// `nothing`.
    pub from: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_key: Option<String>,
    pub address: Option<String>,
    pub port_override: Option<u32>,
    /// Null when the socket is not TLS.
    pub tls_alpn: Option<Vec<String>>,
}

/// JSON: an internal listener reached (a `hops` entry with step `internal_upstream`).
#[derive(Debug, Serialize)]
pub struct InternalOut {
    pub endpoint_id: String,
    pub other_hosts: usize,
    /// False: no internal listener of that name in the dump.
    pub found: bool,
    /// `from_metadata`, `no_original_dst_filter`, `not_passed_through`,
    /// `no_local_in_metadata`, `from_filter_state_at_run_time`; null when not found.
    pub restore: Option<&'static str>,
    pub restored_destination: Option<String>,
    pub tunnel: Option<TunnelOut>,
}

/// JSON: the tunnel tcp_proxy opens.
#[derive(Debug, Serialize)]
pub struct TunnelOut {
    /// `CONNECT` or `POST`.
    pub method: &'static str,
    pub hostname: String,
    pub authority: Option<String>,
    pub headers: Vec<HeaderOut>,
    pub propagate_response_headers: bool,
}

/// JSON: one header the tunnel adds.
#[derive(Debug, Serialize)]
pub struct HeaderOut {
    pub key: String,
    pub value: String,
}

/// JSON: a cluster leg.
pub fn cluster_out(c: &ClusterLeg) -> ClusterOut {
    let mut out = ClusterOut {
        name: c.name.clone(),
        weight: c.weight,
        found: match c.state {
            Lookup::Found(_) => "found",
            Lookup::NotInDump => "not_in_dump",
            Lookup::NoSection => "no_clusters_section",
            Lookup::Warming => "warming",
        },
        discovery_type: None,
        hosts_from: None,
        eds_service: None,
        endpoints_found: None,
        endpoints: Vec::new(),
        original_dst: None,
        http2: false,
    };
    let Lookup::Found(f) = &c.state else {
        return out;
    };
    out.discovery_type = Some(f.discovery.clone());
    out.http2 = f.http2;
    let endpoints = |eps: &[EndpointFact]| eps.iter().map(endpoint_out).collect();
    match &f.hosts {
        Hosts::OriginalDst(h) => {
            out.hosts_from = Some("original_dst");
            out.original_dst = Some(OriginalDstOut {
                from: match h.from {
                    HostFrom::FilterState => "filter_state",
                    HostFrom::FilterStateAtRunTime { .. } => "filter_state_at_run_time",
                    HostFrom::Metadata { .. } => "metadata",
                    HostFrom::RestoredLocal => "restored_destination",
                    HostFrom::Nothing => "nothing",
                },
                metadata_key: match &h.from {
                    HostFrom::Metadata { key } => Some(key.clone()),
                    _ => None,
                },
                address: h.address.clone(),
                port_override: h.port_override,
                tls_alpn: h.tls_alpn.clone(),
            });
        }
        Hosts::Inline(eps) => {
            out.hosts_from = Some("inline");
            out.endpoints = endpoints(eps);
        }
        Hosts::Eds {
            service,
            endpoints: found,
        } => {
            out.hosts_from = Some("eds");
            out.eds_service = Some(service.clone());
            out.endpoints_found = Some(match found {
                Lookup::Found(_) => "found",
                Lookup::NotInDump | Lookup::Warming => "not_in_dump",
                Lookup::NoSection => "no_endpoints_section",
            });
            if let Lookup::Found(eps) = found {
                out.endpoints = endpoints(eps);
            }
        }
        Hosts::NotKnown => out.hosts_from = Some("not_known"),
    }
    out
}

fn endpoint_out(e: &EndpointFact) -> EndpointOut {
    let (address, internal_listener, endpoint_id) = match &e.address {
        EndpointAddress::Socket(a) => (a.clone(), None, None),
        EndpointAddress::Internal {
            listener,
            endpoint_id,
        } => (
            String::new(),
            Some(listener.clone()),
            Some(endpoint_id.clone()),
        ),
        EndpointAddress::Other => (String::new(), None, None),
    };
    EndpointOut {
        address,
        internal_listener,
        endpoint_id,
        health: e.health.clone(),
    }
}

/// JSON: an internal leg.
pub fn internal_out(i: &InternalLeg) -> InternalOut {
    let reached = i.state.as_ref();
    InternalOut {
        endpoint_id: i.endpoint_id.clone(),
        other_hosts: i.others,
        found: reached.is_some(),
        restore: reached.map(|r| match r.restore {
            Restore::FromMetadata(_) => "from_metadata",
            Restore::NoOriginalDstFilter => "no_original_dst_filter",
            Restore::NotPassedThrough => "not_passed_through",
            Restore::NoLocalInMetadata => "no_local_in_metadata",
            Restore::FromFilterStateAtRunTime { .. } => "from_filter_state_at_run_time",
        }),
        restored_destination: reached.and_then(|r| match &r.restore {
            Restore::FromMetadata(a) => Some(a.clone()),
            _ => None,
        }),
        tunnel: reached.and_then(|r| r.tunnel.as_ref()).map(|t| TunnelOut {
            method: if t.use_post { "POST" } else { "CONNECT" },
            hostname: t.hostname.clone(),
            authority: t.authority.clone(),
            headers: (t.headers.iter())
                .map(|(k, v)| HeaderOut {
                    key: k.clone(),
                    value: v.clone(),
                })
                .collect(),
            propagate_response_headers: t.propagate_response_headers,
        }),
    }
}
