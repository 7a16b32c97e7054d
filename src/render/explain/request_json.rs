//! `explain --request -o json`: the `request` object of a listener (dedicated output
//! structs; the wire format is in `render::explain::json`'s header). Reasons and gaps
//! carry the text words of `render::explain::request` beside their kind.

use serde::Serialize;

use crate::analysis::explain::request::header_match::{QueryRule, StringKind};
use crate::analysis::explain::request::upstream::EndpointsSource;
use crate::analysis::explain::request::{
    Action, ClusterFacts, DomainRule, Gap, HeaderRule, HttpTrace, IstioCluster, Miss, PathRule,
    PortHandling, RequestReport, RequestTrace, RouteOutcome, RouteSource, RouteVerdict,
    TlsOrigination, Upstream,
};
use crate::render::explain::request::{action_words, miss_words, undecided_words};
use crate::render::explain::request_upstream::gap_words;

/// The request and its way.
#[derive(Debug, Serialize)]
pub struct RequestOut {
    pub method: String,
    pub scheme: String,
    pub authority: String,
    pub path: String,
    pub headers: Vec<[String; 2]>,
    /// `http`, `tcp` (tcp_proxy: no request routing), `no_chain`, `no_terminal`.
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_config: Option<RouteConfigOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<HostOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtual_host: Option<VirtualHostOut>,
    /// `NR` when no virtual host or no route takes the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_flag: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tried_domains: Vec<String>,
    pub routes: Vec<RouteOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ActionOut>,
    pub upstreams: Vec<UpstreamOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<GapOut>,
    /// The virtual host's `require_tls` (`EXTERNAL_ONLY`, `ALL`), when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub require_tls: Option<String>,
}

/// Where the routes come from.
#[derive(Debug, Serialize)]
pub struct RouteConfigOut {
    pub source: &'static str,
    pub name: String,
}

/// The host as compared.
#[derive(Debug, Serialize)]
pub struct HostOut {
    pub header: String,
    pub given: Option<String>,
    pub compared: Option<String>,
    pub port: &'static str,
}

/// The virtual host chosen.
#[derive(Debug, Serialize)]
pub struct VirtualHostOut {
    pub index: usize,
    pub name: String,
    pub rule: &'static str,
    pub domain: String,
}

/// One route checked.
#[derive(Debug, Serialize)]
pub struct RouteOut {
    pub index: usize,
    pub name: String,
    pub path_match: &'static str,
    pub value: Option<String>,
    pub case_sensitive: bool,
    pub verdict: &'static str,
    pub criterion: Option<&'static str>,
    pub reason: Option<String>,
}

/// The route's action.
#[derive(Debug, Serialize)]
pub struct ActionOut {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<WeightOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_weight: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u32>,
    pub description: String,
}

/// A cluster and its weight.
#[derive(Debug, Serialize)]
pub struct WeightOut {
    pub name: String,
    pub weight: Option<u32>,
}

/// One cluster the request or connection can go to.
#[derive(Debug, Serialize)]
pub struct UpstreamOut {
    pub name: String,
    pub weight: Option<u32>,
    pub istio: Option<&'static str>,
    pub cluster: Option<ClusterOut>,
    pub endpoints_from: Option<String>,
    pub endpoints: Vec<EndpointOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<GapOut>,
}

/// What the dump says of the cluster.
#[derive(Debug, Serialize)]
pub struct ClusterOut {
    #[serde(rename = "type")]
    pub discovery_type: String,
    pub lb_policy: String,
    pub tls: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sni: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tls_matches: Vec<TlsMatchOut>,
    pub outlier_detection: bool,
    pub circuit_breakers: Vec<ThresholdOut>,
}

/// One transport socket match.
#[derive(Debug, Serialize)]
pub struct TlsMatchOut {
    pub name: String,
    pub tls: bool,
}

/// One priority's limits.
#[derive(Debug, Serialize)]
pub struct ThresholdOut {
    pub priority: String,
    pub max_connections: Option<u32>,
    pub max_pending_requests: Option<u32>,
    pub max_requests: Option<u32>,
    pub max_retries: Option<u32>,
}

/// One endpoint.
#[derive(Debug, Serialize)]
pub struct EndpointOut {
    pub addresses: Vec<String>,
    pub health: String,
    pub locality: String,
    pub weight: Option<u32>,
    pub priority: u32,
}

/// What the dump does not hold.
#[derive(Debug, Serialize)]
pub struct GapOut {
    pub kind: &'static str,
    pub message: String,
}

/// The `request` object.
pub fn request_out(r: &RequestReport) -> RequestOut {
    let q = &r.request;
    let mut out = RequestOut {
        method: q.method.clone(),
        scheme: q.scheme.clone(),
        authority: q.authority.clone(),
        path: q.path.clone(),
        headers: (q.headers.iter())
            .map(|(n, v)| [n.clone(), v.clone()])
            .collect(),
        outcome: "http",
        route_config: None,
        host: None,
        virtual_host: None,
        response_flag: None,
        tried_domains: Vec::new(),
        routes: Vec::new(),
        action: None,
        upstreams: Vec::new(),
        gap: None,
        require_tls: None,
    };
    match &r.trace {
        RequestTrace::Http(t) => http_out(&mut out, t),
        RequestTrace::Tcp { upstreams } => {
            out.outcome = "tcp";
            out.upstreams = upstreams.iter().map(upstream_out).collect();
        }
        RequestTrace::NoChain => out.outcome = "no_chain",
        RequestTrace::NoTerminal => out.outcome = "no_terminal",
    }
    out
}

fn http_out(out: &mut RequestOut, t: &HttpTrace) {
    out.route_config = t.source.as_ref().map(|s| match s {
        RouteSource::Rds { name } => RouteConfigOut {
            source: "rds",
            name: name.clone(),
        },
        RouteSource::Inline { name } => RouteConfigOut {
            source: "inline",
            name: name.clone(),
        },
    });
    out.gap = t.gap.as_ref().map(gap_out);
    out.require_tls = t.require_tls.clone();
    out.host = t.host.as_ref().map(|h| HostOut {
        header: h.header.clone(),
        given: h.given.clone(),
        compared: h.compared.clone(),
        port: match h.port {
            PortHandling::Kept => "kept",
            PortHandling::Ignored => "ignored",
            PortHandling::StripAny => "strip_any",
            PortHandling::StripMatching { .. } => "strip_matching",
        },
    });
    out.virtual_host = t.virtual_host.as_ref().map(|v| VirtualHostOut {
        index: v.index,
        name: v.name.clone(),
        rule: match v.rule {
            DomainRule::Exact => "exact",
            DomainRule::SuffixWildcard => "suffix_wildcard",
            DomainRule::PrefixWildcard => "prefix_wildcard",
            DomainRule::Default => "default",
            DomainRule::OnlyDefault => "only_default",
        },
        domain: v.domain.clone(),
    });
    if t.route_not_found() {
        out.response_flag = Some("NR");
    }
    out.tried_domains = t.tried_domains.clone();
    out.routes = t.routes.iter().map(route_out).collect();
    out.action = t.action.as_ref().map(action_out);
    out.upstreams = t.upstreams.iter().map(upstream_out).collect();
}

fn route_out(r: &RouteVerdict) -> RouteOut {
    let (path_match, value) = match &r.path {
        PathRule::Prefix(v) => ("prefix", Some(v.clone())),
        PathRule::Path(v) => ("path", Some(v.clone())),
        PathRule::SafeRegex(v) => ("safe_regex", Some(v.clone())),
        PathRule::PathSeparatedPrefix(v) => ("path_separated_prefix", Some(v.clone())),
        PathRule::Connect => ("connect_matcher", None),
        PathRule::Template => ("path_match_policy", None),
        PathRule::Missing => ("none", None),
    };
    let (verdict, criterion, reason) = match &r.outcome {
        RouteOutcome::Taken => ("taken", None, None),
        RouteOutcome::NotTaken(m) => ("not_taken", Some(miss_kind(m)), Some(miss_words(m))),
        RouteOutcome::Undecidable(u) => ("undecidable", None, Some(undecided_words(u))),
    };
    RouteOut {
        index: r.index,
        name: r.name.clone(),
        path_match,
        value,
        case_sensitive: r.case_sensitive,
        verdict,
        criterion,
        reason,
    }
}

fn miss_kind(m: &Miss) -> &'static str {
    match m {
        Miss::NotGrpc => "grpc",
        Miss::Header(h) => match h.rule {
            HeaderRule::Value(ref r) if r.kind == StringKind::Regex => "header_regex",
            _ => "header",
        },
        Miss::QueryParameter(q) => match q.rule {
            QueryRule::Present(_) | QueryRule::Any => "query_parameter_presence",
            QueryRule::Value(_) => "query_parameter",
        },
        Miss::Path { .. } => "path",
        Miss::NotConnect => "connect",
    }
}

fn action_out(a: &Action) -> ActionOut {
    let mut out = ActionOut {
        kind: "none",
        clusters: Vec::new(),
        total_weight: None,
        status: None,
        description: action_words(a),
    };
    match a {
        Action::Cluster { name } => {
            out.kind = "cluster";
            out.clusters = vec![WeightOut {
                name: name.clone(),
                weight: None,
            }];
        }
        Action::WeightedClusters { clusters, total } => {
            out.kind = "weighted_clusters";
            out.clusters = (clusters.iter())
                .map(|(n, w)| WeightOut {
                    name: n.clone(),
                    weight: Some(*w),
                })
                .collect();
            out.total_weight = Some(*total);
        }
        Action::ClusterHeader { value, .. } => {
            out.kind = "cluster_header";
            out.clusters = (value.iter())
                .map(|v| WeightOut {
                    name: v.clone(),
                    weight: None,
                })
                .collect();
        }
        Action::ClusterSpecifierPlugin => out.kind = "cluster_specifier_plugin",
        Action::Redirect { .. } => out.kind = "redirect",
        Action::DirectResponse { status, .. } => {
            out.kind = "direct_response";
            out.status = Some(*status);
        }
        Action::None => {}
    }
    out
}

fn upstream_out(u: &Upstream) -> UpstreamOut {
    UpstreamOut {
        name: u.name.clone(),
        weight: u.weight,
        istio: u.istio.map(|i| match i {
            IstioCluster::BlackHole => "blackhole",
            IstioCluster::Passthrough => "passthrough",
            IstioCluster::InboundPassthrough => "inbound_passthrough",
        }),
        cluster: u.cluster.as_ref().map(cluster_out),
        endpoints_from: match &u.source {
            EndpointsSource::Eds { service_name } => Some(format!("eds:{service_name}")),
            EndpointsSource::Inline => Some("load_assignment".to_string()),
            EndpointsSource::OriginalDestination => Some("original_destination".to_string()),
            EndpointsSource::Unknown => None,
        },
        endpoints: (u.endpoints.iter())
            .map(|e| EndpointOut {
                addresses: e.addresses.clone(),
                health: e.health.clone(),
                locality: e.locality.clone(),
                weight: e.weight,
                priority: e.priority,
            })
            .collect(),
        gap: u.gap.as_ref().map(gap_out),
    }
}

fn cluster_out(c: &ClusterFacts) -> ClusterOut {
    let (tls, sni, tls_matches) = match &c.tls {
        TlsOrigination::None => ("none", None, Vec::new()),
        TlsOrigination::Tls { sni } => ("tls", sni.clone(), Vec::new()),
        TlsOrigination::PerEndpoint { matches } => (
            "per_endpoint",
            None,
            (matches.iter())
                .map(|(n, t)| TlsMatchOut {
                    name: n.clone(),
                    tls: *t,
                })
                .collect(),
        ),
    };
    ClusterOut {
        discovery_type: c.discovery_type.name(),
        lb_policy: c.lb_policy.clone(),
        tls,
        sni,
        tls_matches,
        outlier_detection: c.outlier_detection.is_some(),
        circuit_breakers: (c.circuit_breakers.iter())
            .map(|t| ThresholdOut {
                priority: t.priority.clone(),
                max_connections: t.max_connections,
                max_pending_requests: t.max_pending_requests,
                max_requests: t.max_requests,
                max_retries: t.max_retries,
            })
            .collect(),
    }
}

fn gap_out(g: &Gap) -> GapOut {
    GapOut {
        kind: match g {
            Gap::NoRoutesSection => "no_routes_section",
            Gap::RouteConfigMissing { .. } => "route_config_missing",
            Gap::ScopedRoutes => "scoped_routes",
            Gap::NoRouteConfig => "no_route_config",
            Gap::NoClustersSection => "no_clusters_section",
            Gap::ClusterMissing { .. } => "cluster_missing",
            Gap::NoEndpointsSection => "no_endpoints_section",
            Gap::EndpointsMissing { .. } => "endpoints_missing",
            Gap::VirtualHostMatcher => "virtual_host_matcher",
        },
        message: gap_words(g),
    }
}
