//! `explain --request` in words: the request's way after the chain, one numbered step per
//! decision (route configuration, virtual host, route, action, cluster, endpoints), the
//! routes not taken with their first reason, and what the dump does not hold. Decides
//! nothing: every fact comes from `analysis::explain::request`.

use crate::analysis::explain::request::header_match::{
    QueryCheck, QueryRule, StringKind, StringRule,
};
use crate::analysis::explain::request::upstream::{EndpointsSource, OutlierFacts, ThresholdFacts};
use crate::analysis::explain::request::{
    Action, ClusterFacts, DomainRule, Gap, HeaderCheck, HeaderRule, HttpTrace, IstioCluster, Miss,
    PathRule, PortHandling, RequestReport, RequestTrace, RouteOutcome, RouteSource, RouteVerdict,
    TlsOrigination, Undecided, Upstream,
};
use crate::render::explain::words::{code, code_list, ordinal};
use crate::util::sanitize::sanitize;

/// The request section of one listener.
pub fn request_text(report: &RequestReport) -> String {
    let r = &report.request;
    let mut s = format!(
        "\nRequest: {} {} (Host {})\n",
        sanitize(&r.method),
        sanitize(&r.path),
        code(&r.authority)
    );
    match &report.trace {
        RequestTrace::Http(t) => http_text(&mut s, t),
        RequestTrace::Tcp { upstreams } => {
            s.push_str("Not applicable: the chain ends in tcp_proxy, which routes no HTTP requests; it sends the connection on as it is.\n");
            upstreams_text(&mut s, upstreams, 1);
        }
        RequestTrace::NoChain => s.push_str(
            "Not followed: no chain takes the connection for certain, so no HTTP connection manager sees the request.\n",
        ),
        RequestTrace::NoTerminal => s.push_str(
            "Not followed: the chain ends in neither an HTTP connection manager nor tcp_proxy.\n",
        ),
    }
    s
}

fn http_text(s: &mut String, t: &HttpTrace) {
    let mut step = 1;
    let mut line = |s: &mut String, text: String| {
        s.push_str(&format!("{step}. {text}\n"));
        step += 1;
    };
    match &t.source {
        Some(RouteSource::Rds { name }) => line(
            s,
            format!(
                "Route configuration {} (RDS, from the dump's routes section).",
                code(name)
            ),
        ),
        Some(RouteSource::Inline { name }) if name.is_empty() => line(
            s,
            "The HTTP connection manager's inline route configuration.".to_string(),
        ),
        Some(RouteSource::Inline { name }) => line(
            s,
            format!(
                "Route configuration {} (inline in the HTTP connection manager).",
                code(name)
            ),
        ),
        None => {}
    }
    if let Some(gap) = &t.gap {
        s.push_str(&format!("Not followed further: {}.\n", gap_words(gap)));
        return;
    }
    let Some(host) = &t.host else {
        return;
    };
    let given = host.given.as_deref().unwrap_or_default();
    let compared = match (&host.compared, host.port) {
        (Some(c), PortHandling::Ignored) if c != given => format!(
            ", compared as {} (the route configuration sets ignore_port_in_host_matching),",
            code(c)
        ),
        (Some(c), PortHandling::StripAny) if c != given => format!(
            ", compared as {} (the HTTP connection manager strips any port: strip_any_host_port),",
            code(c)
        ),
        (Some(c), PortHandling::StripMatching { .. }) if c != given => format!(
            ", compared as {} (the HTTP connection manager strips the listener's port: strip_matching_host_port),",
            code(c)
        ),
        _ => String::new(),
    };
    let header = if host.header == ":authority" {
        "Host".to_string()
    } else {
        format!("header {} (vhost_header)", code(&host.header))
    };
    match &t.virtual_host {
        Some(vh) => {
            let rule = match vh.rule {
                DomainRule::Exact => format!("equals its domain {}", code(&vh.domain)),
                DomainRule::SuffixWildcard => format!(
                    "fits its domain {}, the longest suffix wildcard that does (no exact domain)",
                    code(&vh.domain)
                ),
                DomainRule::PrefixWildcard => format!(
                    "fits its domain {}, the longest prefix wildcard that does (no exact domain or suffix wildcard)",
                    code(&vh.domain)
                ),
                DomainRule::Default => {
                    "fits no other domain, so the `*` domain takes it".to_string()
                }
                DomainRule::OnlyDefault => {
                    "is not read: `*` is the configuration's only domain".to_string()
                }
            };
            line(
                s,
                format!(
                    "Virtual host {}: the {header} {}{compared} {rule}.",
                    code(&vh.name),
                    code(given)
                ),
            );
        }
        None => {
            let what = match &host.given {
                Some(_) => format!(
                    "the {header} {}{}",
                    code(given),
                    compared.trim_end_matches(',')
                ),
                None => format!("a request without the {header}"),
            };
            line(
                s,
                format!(
                    "No virtual host takes {what}: Envoy answers 404 with response flag NR (route not found). Domains tried: {}.",
                    if t.tried_domains.is_empty() {
                        "none".to_string()
                    } else {
                        code_list(&t.tried_domains)
                    }
                ),
            );
            return;
        }
    }
    let taken = t.taken.and_then(|i| t.routes.iter().find(|r| r.index == i));
    match taken {
        Some(r) => line(
            s,
            format!("Route {}: {} takes the path.", route_label(r), path_words(&r.path, r.case_sensitive)),
        ),
        None if t.route_not_found() => line(
            s,
            "No route of the virtual host takes the request: Envoy answers 404 with response flag NR (route not found).".to_string(),
        ),
        None => line(
            s,
            "No route takes the request for certain: it depends on the undecidable routes below; when none of them does, Envoy answers 404 with response flag NR (route not found).".to_string(),
        ),
    }
    let others: Vec<&RouteVerdict> = (t.routes.iter())
        .filter(|r| r.outcome != RouteOutcome::Taken)
        .collect();
    if !others.is_empty() {
        s.push_str("   Before it, in order:\n");
        for r in others {
            s.push_str(&format!(
                "   - {}: {}\n",
                route_label(r),
                outcome_words(&r.outcome)
            ));
        }
    }
    if let Some(action) = &t.action {
        line(s, action_words(action));
    }
    upstreams_text(s, &t.upstreams, step);
}

fn route_label(r: &RouteVerdict) -> String {
    let at = ordinal(r.index + 1);
    if r.name.is_empty() {
        format!("the {at} route")
    } else {
        format!("{} ({at})", code(&r.name))
    }
}

fn path_words(p: &PathRule, case_sensitive: bool) -> String {
    let fold = if case_sensitive {
        ""
    } else {
        ", ignoring case"
    };
    match p {
        PathRule::Prefix(v) => format!("prefix {}{fold}", code(v)),
        PathRule::Path(v) => format!("path {}{fold}", code(v)),
        PathRule::SafeRegex(v) => format!("regex {} (the whole path)", code(v)),
        PathRule::PathSeparatedPrefix(v) => format!("path-separated prefix {}{fold}", code(v)),
        PathRule::Connect => "its CONNECT matcher".to_string(),
        PathRule::Template => "its URI template".to_string(),
        PathRule::Missing => "a match without a path specifier".to_string(),
    }
}

fn outcome_words(o: &RouteOutcome) -> String {
    match o {
        RouteOutcome::Taken => "taken".to_string(),
        RouteOutcome::NotTaken(m) => format!("not taken: {}", miss_words(m)),
        RouteOutcome::Undecidable(u) => format!(
            "may or may not take it — {}; the routes after it are what Envoy uses when it does not",
            undecided_words(u)
        ),
    }
}

pub fn miss_words(m: &Miss) -> String {
    match m {
        Miss::NotGrpc => {
            "the route is for gRPC requests only (content-type application/grpc)".to_string()
        }
        Miss::Header(h) => header_words(h),
        Miss::QueryParameter(q) => query_words(q),
        Miss::Path { path } => format!("its path specifier does not take {}", code(path)),
        Miss::NotConnect => "the route is for CONNECT requests only".to_string(),
    }
}

fn string_rule_words(r: &StringRule) -> String {
    let fold = if r.ignore_case { ", ignoring case" } else { "" };
    let what = match r.kind {
        StringKind::Exact => format!("equal {}", code(&r.value)),
        StringKind::Prefix => format!("start with {}", code(&r.value)),
        StringKind::Suffix => format!("end with {}", code(&r.value)),
        StringKind::Contains => format!("contain {}", code(&r.value)),
        StringKind::Regex => format!("match the regex {} whole", code(&r.value)),
        StringKind::Custom => "satisfy an extension matcher".to_string(),
    };
    format!("{what}{fold}")
}

fn header_words(h: &HeaderCheck) -> String {
    let needs = match &h.rule {
        HeaderRule::Value(r) => format!("to {}", string_rule_words(r)),
        HeaderRule::Range { start, end } => format!("to be an integer in [{start}, {end})"),
        HeaderRule::Present(true) | HeaderRule::AnyValue => "to be present".to_string(),
        HeaderRule::Present(false) => "to be absent".to_string(),
    };
    let inverted = if h.invert { " not" } else { "" };
    let given = match &h.value {
        Some(v) => format!("is {}", code(v)),
        None => "is absent (give it with -H)".to_string(),
    };
    format!(
        "the route needs header {}{inverted} {needs}; it {given}",
        code(&h.name)
    )
}

fn query_words(q: &QueryCheck) -> String {
    let needs = match &q.rule {
        QueryRule::Value(r) => format!("to {}", string_rule_words(r)),
        QueryRule::Present(true) | QueryRule::Any => "to be present".to_string(),
        QueryRule::Present(false) => "to be absent".to_string(),
    };
    let given = match &q.value {
        Some(v) => format!("is {}", code(v)),
        None => "is absent".to_string(),
    };
    format!(
        "the route needs query parameter {} {needs}; it {given}",
        code(&q.name)
    )
}

pub fn undecided_words(u: &Undecided) -> String {
    match u {
        Undecided::RuntimeFraction {
            numerator,
            denominator,
            runtime_key,
        } => format!(
            "it takes {numerator}/{denominator} of requests by default (runtime_fraction{}), drawn at random and changeable at run time, which a dump cannot decide",
            if runtime_key.is_empty() {
                String::new()
            } else {
                format!(", runtime key {}", code(runtime_key))
            }
        ),
        Undecided::TlsContext => "its tls_context match depends on the downstream client certificate".to_string(),
        Undecided::DynamicMetadata => "its dynamic_metadata match depends on what filters set at run time".to_string(),
        Undecided::Matcher => "one of its matchers (a regex the regex crate does not take, or an extension) is not evaluated".to_string(),
        Undecided::Template => "its URI template path is not evaluated".to_string(),
    }
}

pub fn action_words(a: &Action) -> String {
    match a {
        Action::Cluster { name } => format!("Action: route to cluster {}.", code(name)),
        Action::WeightedClusters { clusters, total } => {
            let parts: Vec<String> = (clusters.iter())
                .map(|(n, w)| format!("{} {w}/{total}", code(n)))
                .collect();
            format!("Action: split by weight: {}.", parts.join(", "))
        }
        Action::ClusterHeader { header, value } => match value {
            Some(v) => format!(
                "Action: the cluster named by header {}: {}.",
                code(header),
                code(v)
            ),
            None => format!(
                "Action: the cluster named by header {}, which the request lacks: Envoy answers 503 with response flag NC (no cluster).",
                code(header)
            ),
        },
        Action::ClusterSpecifierPlugin => {
            "Action: a cluster specifier plugin picks the cluster at run time (not followed)."
                .to_string()
        }
        Action::Redirect {
            scheme,
            host,
            port,
            path,
            prefix_rewrite,
            response_code,
        } => {
            let mut parts = Vec::new();
            parts.extend(scheme.as_ref().map(|v| format!("scheme {}", code(v))));
            parts.extend(host.as_ref().map(|v| format!("host {}", code(v))));
            parts.extend(port.map(|v| format!("port {v}")));
            parts.extend(path.as_ref().map(|v| format!("path {}", code(v))));
            parts.extend(
                prefix_rewrite
                    .as_ref()
                    .map(|v| format!("prefix rewritten to {}", code(v))),
            );
            format!(
                "Action: redirect ({}), answered by Envoy with {}; no cluster.",
                if parts.is_empty() {
                    "same URL".to_string()
                } else {
                    parts.join(", ")
                },
                response_code
                    .as_deref()
                    .map_or("301 (MOVED_PERMANENTLY)".to_string(), |c| sanitize(c)
                        .to_string())
            )
        }
        Action::DirectResponse { status, has_body } => format!(
            "Action: Envoy answers {status} itself{} (direct_response); no cluster.",
            if *has_body { " with a body" } else { "" }
        ),
        Action::None => "Action: none (Envoy refuses a route without one).".to_string(),
    }
}

fn upstreams_text(s: &mut String, ups: &[Upstream], step: usize) {
    for (i, u) in ups.iter().enumerate() {
        let weight = u.weight.map_or(String::new(), |w| format!(" (weight {w})"));
        s.push_str(&format!("{}. Cluster {}{weight}", step + i, code(&u.name)));
        match u.istio {
            Some(IstioCluster::BlackHole) => s.push_str(": Istio's BlackHoleCluster, which has no endpoints: the request or connection is refused (REGISTRY_ONLY)"),
            Some(IstioCluster::Passthrough) => s.push_str(": Istio's PassthroughCluster: to the original destination, outside the mesh's services (ALLOW_ANY)"),
            Some(IstioCluster::InboundPassthrough) => s.push_str(": Istio's inbound passthrough: to the application on the original destination port"),
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
        Gap::EndpointsMissing { service_name } => format!(
            "the dump's endpoints section has no load assignment for {}",
            code(service_name)
        ),
    }
}
