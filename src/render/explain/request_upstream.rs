//! `explain --request` in words, after the route: each cluster the request (or a tcp_proxy
//! connection) can go to — Istio's meaning of its name, its type, load balancing, TLS
//! origination, outlier detection, circuit breakers — and its endpoints with their health.

use crate::analysis::explain::request::upstream::{EndpointsSource, OutlierFacts, ThresholdFacts};
use crate::analysis::explain::request::{
    ClusterFacts, Gap, IstioCluster, TlsOrigination, Upstream,
};
use crate::render::explain::words::code;
use crate::util::sanitize::sanitize;

/// The clusters, numbered from `step`.
pub fn upstreams_text(s: &mut String, ups: &[Upstream], step: usize) {
    for (i, u) in ups.iter().enumerate() {
        let weight = u.weight.map_or(String::new(), |w| format!(" (weight {w})"));
        s.push_str(&format!("{}. Cluster {}{weight}", step + i, code(&u.name)));
        match u.istio {
            Some(IstioCluster::BlackHole) => s.push_str(", Istio's black hole (it has no endpoints; REGISTRY_ONLY sends what it refuses here)"),
            Some(IstioCluster::Passthrough) => s.push_str(", Istio's passthrough (to the original destination, outside the mesh's services; ALLOW_ANY)"),
            Some(IstioCluster::InboundPassthrough) => s.push_str(", Istio's inbound passthrough (to the application on the original destination port)"),
            None => {}
        }
        match &u.cluster {
            Some(c) => s.push_str(&format!(": {}.\n", cluster_words(c))),
            None => s.push_str(".\n"),
        }
        if let Some(g) = &u.gap {
            s.push_str(&format!("   Not followed further: {}.\n", gap_words(g)));
            continue;
        }
        match &u.source {
            EndpointsSource::OriginalDestination => {
                s.push_str("   Endpoints: the connection's original destination (ORIGINAL_DST), no list.\n");
            }
            EndpointsSource::Eds { service_name } if u.endpoints.is_empty() => s.push_str(&format!(
                "   Endpoints: none in EDS for {}: Envoy answers 503 with response flag UH (no healthy upstream).\n",
                code(service_name)
            )),
            EndpointsSource::Inline if u.endpoints.is_empty() => {
                s.push_str("   Endpoints: none listed.\n");
            }
            source => {
                let from = match source {
                    EndpointsSource::Eds { service_name } => {
                        format!("EDS {}, from the dump's endpoints section", code(service_name))
                    }
                    _ => "the cluster's own load_assignment".to_string(),
                };
                s.push_str(&format!("   Endpoints ({from}):\n"));
                for e in &u.endpoints {
                    let mut facts = vec![sanitize(&e.health).to_string()];
                    if !e.locality.is_empty() {
                        facts.push(format!("locality {}", sanitize(&e.locality)));
                    }
                    facts.extend(e.weight.map(|w| format!("weight {w}")));
                    if e.priority > 0 {
                        facts.push(format!("priority {}", e.priority));
                    }
                    s.push_str(&format!("   - {} {}\n", code(&e.addresses.join(", ")), facts.join(", ")));
                }
            }
        }
    }
}

fn cluster_words(c: &ClusterFacts) -> String {
    let tls = match &c.tls {
        TlsOrigination::None => "plaintext upstream".to_string(),
        TlsOrigination::Tls { sni: Some(sni) } => format!("originates TLS (SNI {})", code(sni)),
        TlsOrigination::Tls { sni: None } => "originates TLS".to_string(),
        TlsOrigination::PerEndpoint { matches } => {
            let each: Vec<String> = (matches.iter())
                .map(|(n, tls)| format!("{} {}", code(n), if *tls { "TLS" } else { "plaintext" }))
                .collect();
            format!("TLS chosen per endpoint ({})", each.join(", "))
        }
    };
    let mut parts = vec![
        format!("type {}", sanitize(&c.discovery_type.name())),
        format!("load balancing {}", sanitize(&c.lb_policy)),
        tls,
    ];
    parts.push(match &c.outlier_detection {
        Some(o) => outlier_words(o),
        None => "no outlier detection".to_string(),
    });
    if !c.circuit_breakers.is_empty() {
        let each: Vec<String> = c.circuit_breakers.iter().map(threshold_words).collect();
        parts.push(format!("circuit breakers {}", each.join("; ")));
    }
    parts.join(", ")
}

fn outlier_words(o: &OutlierFacts) -> String {
    let mut parts = Vec::new();
    parts.extend(o.consecutive_5xx.map(|v| format!("{v} consecutive 5xx")));
    parts.extend(
        o.consecutive_gateway_failure
            .map(|v| format!("{v} consecutive gateway failures")),
    );
    parts.extend(
        o.interval
            .as_ref()
            .map(|v| format!("every {}", sanitize(v))),
    );
    parts.extend(
        o.base_ejection_time
            .as_ref()
            .map(|v| format!("ejected for {}", sanitize(v))),
    );
    parts.extend(
        o.max_ejection_percent
            .map(|v| format!("at most {v}% ejected")),
    );
    if parts.is_empty() {
        "outlier detection (Envoy's defaults)".to_string()
    } else {
        format!("outlier detection ({})", parts.join(", "))
    }
}

fn threshold_words(t: &ThresholdFacts) -> String {
    let mut parts = Vec::new();
    parts.extend(t.max_connections.map(|v| format!("max_connections {v}")));
    parts.extend(
        t.max_pending_requests
            .map(|v| format!("max_pending_requests {v}")),
    );
    parts.extend(t.max_requests.map(|v| format!("max_requests {v}")));
    parts.extend(t.max_retries.map(|v| format!("max_retries {v}")));
    if parts.is_empty() {
        parts.push("Envoy's defaults".to_string());
    }
    format!("{} {}", sanitize(&t.priority), parts.join(" "))
}

/// A gap in the dump, as the end of a sentence.
pub fn gap_words(g: &Gap) -> String {
    match g {
        Gap::NoRoutesSection => "the dump has no routes section (taken without RDS, or masked out)".to_string(),
        Gap::RouteConfigMissing { name } => format!("the dump's routes section has no route configuration {}", code(name)),
        Gap::ScopedRoutes => "the HTTP connection manager uses scoped routes (SRDS), which meshscope does not follow".to_string(),
        Gap::NoRouteConfig => "the HTTP connection manager names no route configuration".to_string(),
        Gap::NoClustersSection => "the dump has no clusters section".to_string(),
        Gap::ClusterMissing { name } => format!(
            "the dump's clusters section has no active cluster {} (Envoy answers 503 with response flag NC)",
            code(name)
        ),
        Gap::NoEndpointsSection => "the dump has no endpoints section (taken without ?include_eds, so EDS endpoints are not in it)".to_string(),
        Gap::VirtualHostMatcher => "the virtual host picks its routes with a matcher tree, which meshscope does not follow".to_string(),
        Gap::EndpointsMissing { service_name } => format!(
            "the dump's endpoints section has no load assignment for {}",
            code(service_name)
        ),
    }
}
