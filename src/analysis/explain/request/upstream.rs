//! After the route: its action (source/common/router/config_impl.cc
//! `RouteEntryImplBase` — a cluster, weighted clusters, `cluster_header`, a redirect or a
//! direct response), then each cluster the action can send to, from the dump's clusters
//! section (type, load balancing, TLS origination, outlier detection, circuit breakers),
//! and its endpoints: from the endpoints section for EDS clusters (by
//! `eds_cluster_config.service_name`, else the cluster's name), from the cluster's own
//! `load_assignment` otherwise. Istio's `BlackHoleCluster` and passthrough clusters keep
//! the meaning Istio gives them.

use serde::Deserialize;

use crate::analysis::endpoint::{endpoint_addresses, locality_text};
use crate::analysis::explain::request::model::{Gap, HttpRequest, Lookup, RoutingLookup};
use crate::envoy::LoadError;
use crate::envoy::cluster::{Cluster, DiscoveryType, TransportSocket};
use crate::envoy::endpoint::ClusterLoadAssignment;
use crate::envoy::filter::BLACKHOLE_CLUSTER;
use crate::envoy::route::Route;
use crate::istio::passthrough::{InboundPassthrough, PASSTHROUGH_CLUSTER};

/// What the route does with the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Cluster {
        name: String,
    },
    /// Each cluster with its weight, and the total the weights are out of.
    WeightedClusters {
        clusters: Vec<(String, u32)>,
        total: u32,
    },
    /// The cluster named by a request header; `value` is the request's.
    ClusterHeader {
        header: String,
        value: Option<String>,
    },
    /// A cluster specifier plugin decides at run time.
    ClusterSpecifierPlugin,
    Redirect {
        scheme: Option<String>,
        host: Option<String>,
        port: Option<u32>,
        path: Option<String>,
        prefix_rewrite: Option<String>,
        /// `RedirectResponseCode` as written (default `MOVED_PERMANENTLY`).
        response_code: Option<String>,
    },
    DirectResponse {
        status: u32,
        has_body: bool,
    },
    /// The route has no action (Envoy refuses such a route).
    None,
}

impl Action {
    /// The clusters the request can go to, with their weights.
    pub fn targets(&self) -> Vec<(String, Option<u32>)> {
        match self {
            Action::Cluster { name } => vec![(name.clone(), None)],
            Action::WeightedClusters { clusters, .. } => (clusters.iter())
                .map(|(n, w)| (n.clone(), Some(*w)))
                .collect(),
            Action::ClusterHeader {
                value: Some(name), ..
            } => vec![(name.clone(), None)],
            _ => Vec::new(),
        }
    }
}

/// The route's action, in the proto's oneof order (`route`, `redirect`,
/// `direct_response`).
pub fn action(route: &Route<'_>, request: &HttpRequest) -> Action {
    if let Some(r) = &route.route {
        if let Some(c) = &r.cluster {
            return Action::Cluster {
                name: c.to_string(),
            };
        }
        if let Some(w) = &r.weighted_clusters {
            let clusters: Vec<(String, u32)> = (w.clusters.iter())
                .map(|c| (c.name.to_string(), c.weight.unwrap_or(0)))
                .collect();
            let sum = clusters.iter().map(|(_, w)| *w).sum();
            return Action::WeightedClusters {
                clusters,
                total: w.total_weight.unwrap_or(sum),
            };
        }
        if let Some(h) = &r.cluster_header {
            return Action::ClusterHeader {
                header: h.to_string(),
                value: request.header(&h.to_ascii_lowercase()),
            };
        }
        if r.cluster_specifier_plugin.is_some() || r.inline_cluster_specifier_plugin.is_some() {
            return Action::ClusterSpecifierPlugin;
        }
    }
    if let Some(r) = &route.redirect {
        let text = |s: &Option<std::borrow::Cow<'_, str>>| s.as_ref().map(|v| v.to_string());
        return Action::Redirect {
            scheme: if r.https_redirect {
                Some("https".to_string())
            } else {
                text(&r.scheme_redirect)
            },
            host: text(&r.host_redirect),
            port: r.port_redirect,
            path: text(&r.path_redirect),
            prefix_rewrite: text(&r.prefix_rewrite),
            response_code: r
                .response_code
                .map(|c| c.get().trim_matches('"').to_string()),
        };
    }
    if let Some(d) = &route.direct_response {
        return Action::DirectResponse {
            status: d.status,
            has_body: d.body.is_some(),
        };
    }
    Action::None
}

/// What Istio means by a cluster it names specially.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IstioCluster {
    /// `BlackHoleCluster`: no endpoints; Istio sends what it must refuse here
    /// (REGISTRY_ONLY).
    BlackHole,
    /// `PassthroughCluster`: the connection's original destination, outside the mesh's
    /// services (ALLOW_ANY).
    Passthrough,
    /// `InboundPassthroughCluster…`: the application on the original destination port.
    InboundPassthrough,
}

/// How the cluster originates TLS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsOrigination {
    /// Plaintext upstream.
    None,
    /// Every connection: TLS, with this SNI if set.
    Tls { sni: Option<String> },
    /// Chosen per endpoint by `transport_socket_matches` (Istio's auto mTLS): each match
    /// name and whether it is TLS.
    PerEndpoint { matches: Vec<(String, bool)> },
}

/// One priority's circuit breaker limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThresholdFacts {
    pub priority: String,
    pub max_connections: Option<u32>,
    pub max_pending_requests: Option<u32>,
    pub max_requests: Option<u32>,
    pub max_retries: Option<u32>,
}

/// Outlier detection's ejection settings as set (unset ones are Envoy's defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutlierFacts {
    pub consecutive_5xx: Option<u32>,
    pub consecutive_gateway_failure: Option<u32>,
    pub interval: Option<String>,
    pub base_ejection_time: Option<String>,
    pub max_ejection_percent: Option<u32>,
}

/// What the dump says of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterFacts {
    pub discovery_type: DiscoveryType,
    pub lb_policy: String,
    pub tls: TlsOrigination,
    pub outlier_detection: Option<OutlierFacts>,
    pub circuit_breakers: Vec<ThresholdFacts>,
}

/// One endpoint of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFacts {
    /// The address, then any additional ones (`ip:port`, a pipe, `envoy://listener/id`).
    pub addresses: Vec<String>,
    /// The EDS health status name (`HEALTHY`, `UNHEALTHY`, `DRAINING`, …; `UNKNOWN` is
    /// used like healthy).
    pub health: String,
    pub locality: String,
    pub weight: Option<u32>,
    pub priority: u32,
}

/// Where the endpoints came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointsSource {
    /// EDS, by this service name, from the endpoints section.
    Eds { service_name: String },
    /// The cluster's own `load_assignment`.
    Inline,
    /// `ORIGINAL_DST`: the connection's own original destination, no list.
    OriginalDestination,
    /// Not known (no cluster found).
    Unknown,
}

/// One cluster the request (or connection) can go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    pub name: String,
    pub weight: Option<u32>,
    pub istio: Option<IstioCluster>,
    pub cluster: Option<ClusterFacts>,
    pub source: EndpointsSource,
    pub endpoints: Vec<EndpointFacts>,
    /// What the dump does not hold for this cluster.
    pub gap: Option<Gap>,
}

/// Istio's meaning of a cluster name.
pub fn istio_cluster(name: &str) -> Option<IstioCluster> {
    if name == BLACKHOLE_CLUSTER {
        Some(IstioCluster::BlackHole)
    } else if name == PASSTHROUGH_CLUSTER {
        Some(IstioCluster::Passthrough)
    } else {
        InboundPassthrough::of_cluster(name).map(|_| IstioCluster::InboundPassthrough)
    }
}

/// Each target cluster looked up, with its endpoints.
pub fn upstreams<'a>(
    targets: &[(String, Option<u32>)],
    dump: &dyn RoutingLookup<'a>,
) -> Result<Vec<Upstream>, LoadError> {
    targets
        .iter()
        .map(|(name, weight)| upstream(name, *weight, dump))
        .collect()
}

fn upstream<'a>(
    name: &str,
    weight: Option<u32>,
    dump: &dyn RoutingLookup<'a>,
) -> Result<Upstream, LoadError> {
    let mut up = Upstream {
        name: name.to_string(),
        weight,
        istio: istio_cluster(name),
        cluster: None,
        source: EndpointsSource::Unknown,
        endpoints: Vec::new(),
        gap: None,
    };
    let cluster = match dump.cluster(name)? {
        Lookup::Found(c) => c,
        Lookup::NotFound => {
            up.gap = Some(Gap::ClusterMissing {
                name: name.to_string(),
            });
            return Ok(up);
        }
        Lookup::NoSection => {
            up.gap = Some(Gap::NoClustersSection);
            return Ok(up);
        }
    };
    up.cluster = Some(cluster_facts(&cluster));
    match cluster.discovery_type {
        DiscoveryType::Eds => {
            let service_name = (cluster.eds_cluster_config.as_ref())
                .map(|e| e.service_name.to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| name.to_string());
            up.source = EndpointsSource::Eds {
                service_name: service_name.clone(),
            };
            match dump.load_assignment(&service_name)? {
                Lookup::Found(cla) => up.endpoints = endpoint_facts(&cla),
                Lookup::NotFound => up.gap = Some(Gap::EndpointsMissing { service_name }),
                Lookup::NoSection => up.gap = Some(Gap::NoEndpointsSection),
            }
        }
        DiscoveryType::OriginalDst => up.source = EndpointsSource::OriginalDestination,
        _ => {
            up.source = EndpointsSource::Inline;
            up.endpoints = (cluster.load_assignment.as_ref())
                .map(endpoint_facts)
                .unwrap_or_default();
        }
    }
    Ok(up)
}

/// The endpoints of a load assignment, locality by locality, in dump order.
pub fn endpoint_facts(cla: &ClusterLoadAssignment<'_>) -> Vec<EndpointFacts> {
    (cla.endpoints.iter())
        .flat_map(|llb| {
            llb.lb_endpoints.iter().map(|ep| EndpointFacts {
                addresses: endpoint_addresses(ep),
                health: ep.health_status.name(),
                locality: locality_text(llb.locality.as_ref()),
                weight: ep.load_balancing_weight,
                priority: llb.priority,
            })
        })
        .collect()
}

/// `Cluster.LbPolicy` names by number (envoy/config/cluster/v3/cluster.proto).
const LB_POLICIES: [(i64, &str); 7] = [
    (0, "ROUND_ROBIN"),
    (1, "LEAST_REQUEST"),
    (2, "RING_HASH"),
    (3, "RANDOM"),
    (5, "MAGLEV"),
    (6, "CLUSTER_PROVIDED"),
    (7, "LOAD_BALANCING_POLICY_CONFIG"),
];

fn cluster_facts(c: &Cluster<'_>) -> ClusterFacts {
    let lb_policy = match c.lb_policy.map(|p| p.get().trim_matches('"').to_string()) {
        None => "ROUND_ROBIN".to_string(),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .and_then(|n| LB_POLICIES.iter().find(|(k, _)| *k == n))
            .map_or(text, |(_, name)| (*name).to_string()),
    };
    let tls = if !c.transport_socket_matches.is_empty() {
        TlsOrigination::PerEndpoint {
            matches: (c.transport_socket_matches.iter())
                .map(|m| {
                    (
                        m.name.to_string(),
                        m.transport_socket.as_ref().is_some_and(is_tls),
                    )
                })
                .collect(),
        }
    } else {
        match &c.transport_socket {
            Some(ts) if is_tls(ts) => TlsOrigination::Tls { sni: sni(ts) },
            _ => TlsOrigination::None,
        }
    };
    let text = |s: &Option<std::borrow::Cow<'_, str>>| s.as_ref().map(|v| v.to_string());
    ClusterFacts {
        discovery_type: c.discovery_type.clone(),
        lb_policy,
        tls,
        outlier_detection: c.outlier_detection.as_ref().map(|o| OutlierFacts {
            consecutive_5xx: o.consecutive_5xx,
            consecutive_gateway_failure: o.consecutive_gateway_failure,
            interval: text(&o.interval),
            base_ejection_time: text(&o.base_ejection_time),
            max_ejection_percent: o.max_ejection_percent,
        }),
        circuit_breakers: (c.circuit_breakers.iter())
            .flat_map(|cb| &cb.thresholds)
            .map(|t| ThresholdFacts {
                priority: t
                    .priority
                    .as_ref()
                    .map_or("DEFAULT".to_string(), |p| match p {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }),
                max_connections: t.max_connections,
                max_pending_requests: t.max_pending_requests,
                max_requests: t.max_requests,
                max_retries: t.max_retries,
            })
            .collect(),
    }
}

/// A TLS transport socket: Envoy's name, or an `UpstreamTlsContext` config.
fn is_tls(ts: &TransportSocket<'_>) -> bool {
    ts.name == "envoy.transport_sockets.tls"
        || ts
            .typed_config
            .is_some_and(|c| c.get().contains("UpstreamTlsContext"))
}

/// `UpstreamTlsContext.sni`.
fn sni(ts: &TransportSocket<'_>) -> Option<String> {
    #[derive(Deserialize)]
    struct Fields {
        #[serde(default)]
        sni: Option<String>,
    }
    let fields: Fields = serde_json::from_str(ts.typed_config?.get()).ok()?;
    fields.sni.filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests;
