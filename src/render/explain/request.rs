//! `explain --request` in words: the request's way after the chain, one numbered step per
//! decision (route configuration, virtual host, route, action, cluster, endpoints), the
//! routes not taken with their first reason, and what the dump does not hold. Decides
//! nothing: every fact comes from `analysis::explain::request`.

use crate::analysis::explain::request::header_match::{
    QueryCheck, QueryRule, StringKind, StringRule,
};
use crate::analysis::explain::request::{
    Action, DomainRule, HeaderCheck, HeaderRule, HttpTrace, Miss, PathRule, PortHandling,
    RequestReport, RequestTrace, RouteOutcome, RouteSource, RouteVerdict, Undecided,
};
use crate::render::explain::request_upstream::{gap_words, upstreams_text};
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
    if let (Some(gap), None) = (&t.gap, &t.host) {
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
    if let Some(mode) = &t.require_tls {
        s.push_str(&format!(
            "   The virtual host requires TLS (require_tls {}): Envoy redirects a request whose x-forwarded-proto is not https to https before reading any route; what follows is the way of one that came over TLS.\n",
            sanitize(mode)
        ));
    }
    if let Some(gap) = &t.gap {
        s.push_str(&format!("Not followed further: {}.\n", gap_words(gap)));
        return;
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
