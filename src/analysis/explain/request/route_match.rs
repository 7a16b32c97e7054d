//! Which route of the virtual host takes a request: the first whose match holds, in order
//! (source/common/router/config_impl.cc `VirtualHostImpl::getRouteFromEntries`). A route
//! holds when `RouteEntryImplBase::matchRoute` does (runtime fraction, gRPC, headers,
//! query parameters, TLS context, dynamic metadata, in that order, stopping at the first
//! that fails) and then its path specifier (`PrefixRouteEntryImpl`, `PathRouteEntryImpl`,
//! `RegexRouteEntryImpl`, `PathSeparatedPrefixRouteEntryImpl`, `ConnectRouteEntryImpl`),
//! which compares the path without its query and fragment (`Matchers::PathMatcher`).
//! A condition the dump cannot decide (a runtime fraction: the runtime may override its
//! default, and the draw is random) makes the route undecidable, never guessed.

use crate::analysis::explain::request::header_match::{
    Eval, QueryCheck, full_match, match_header, match_query,
};
use crate::analysis::explain::request::model::HttpRequest;
use crate::envoy::route::Route;

pub use crate::analysis::explain::request::header_match::{HeaderCheck, HeaderRule};

/// The route's path specifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathRule {
    Prefix(String),
    Path(String),
    SafeRegex(String),
    PathSeparatedPrefix(String),
    /// `connect_matcher`: CONNECT requests only.
    Connect,
    /// `path_match_policy` (a URI template extension), not evaluated.
    Template,
    /// None set: Envoy refuses such a route; read as matching no request.
    Missing,
}

/// The first condition that ruled a route out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Miss {
    /// `grpc: {}` and the request is not gRPC (`Grpc::Common::isGrpcRequestHeaders`).
    NotGrpc,
    Header(HeaderCheck),
    QueryParameter(QueryCheck),
    /// The path specifier does not take the path (without its query).
    Path {
        path: String,
    },
    /// A CONNECT route, and the request's method is not CONNECT.
    NotConnect,
}

/// Why a route can be neither taken nor ruled out from the dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undecided {
    /// `runtime_fraction`: taken for `numerator / denominator` of requests by default,
    /// and the runtime key may change that.
    RuntimeFraction {
        numerator: u32,
        denominator: u32,
        runtime_key: String,
    },
    /// `tls_context`: depends on the downstream connection's certificate.
    TlsContext,
    /// `dynamic_metadata`: set by filters at run time.
    DynamicMetadata,
    /// A regex the `regex` crate does not take (RE2 may), or an extension string matcher.
    Matcher,
    /// A URI template path (`path_match_policy`).
    Template,
}

/// What happened to one route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteOutcome {
    Taken,
    NotTaken(Miss),
    Undecidable(Undecided),
}

/// One route checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteVerdict {
    /// Index in the virtual host's `routes`.
    pub index: usize,
    pub name: String,
    pub path: PathRule,
    /// `case_sensitive` (default true), for prefix and path.
    pub case_sensitive: bool,
    pub outcome: RouteOutcome,
}

/// `VirtualHostImpl::getRouteFromEntries`: the routes checked in order up to the first
/// taken (included), and its index among the verdicts.
pub fn route_from_entries(
    routes: &[Route<'_>],
    request: &HttpRequest,
) -> (Vec<RouteVerdict>, Option<usize>) {
    let mut verdicts = Vec::new();
    for (index, route) in routes.iter().enumerate() {
        let verdict = match_route(index, route, request);
        let taken = verdict.outcome == RouteOutcome::Taken;
        verdicts.push(verdict);
        if taken {
            return (verdicts, Some(index));
        }
    }
    (verdicts, None)
}

/// The route's path specifier, in the proto's oneof order.
pub fn path_rule(route: &Route<'_>) -> PathRule {
    let m = &route.route_match;
    if let Some(p) = &m.prefix {
        PathRule::Prefix(p.to_string())
    } else if let Some(p) = &m.path {
        PathRule::Path(p.to_string())
    } else if let Some(r) = &m.safe_regex {
        PathRule::SafeRegex(r.regex.to_string())
    } else if m.connect_matcher.is_some() {
        PathRule::Connect
    } else if let Some(p) = &m.path_separated_prefix {
        PathRule::PathSeparatedPrefix(p.to_string())
    } else if m.path_match_policy.is_some() {
        PathRule::Template
    } else {
        PathRule::Missing
    }
}

/// `Http::PathUtil::removeQueryAndFragment`.
pub fn path_without_query(path: &str) -> &str {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    &path[..end]
}

/// `RouteEntryImplBase::matchRoute`, then the route's path specifier.
pub fn match_route(index: usize, route: &Route<'_>, request: &HttpRequest) -> RouteVerdict {
    let m = &route.route_match;
    let case_sensitive = m.case_sensitive.unwrap_or(true);
    let path = path_rule(route);
    let verdict = |outcome| RouteVerdict {
        index,
        name: route.name.to_string(),
        path: path.clone(),
        case_sensitive,
        outcome,
    };
    // What cannot be decided is kept aside: a later condition that fails still rules the
    // route out, whatever the undecided one would have said.
    let mut undecided = None;
    if let Some(f) = &m.runtime_fraction {
        let default = f.default_value.as_ref();
        undecided = Some(Undecided::RuntimeFraction {
            numerator: default.map_or(0, |d| d.numerator),
            denominator: default.map_or(100, |d| d.denominator_value()),
            runtime_key: f.runtime_key.to_string(),
        });
    }
    if m.grpc.is_some() && !is_grpc(request) {
        return verdict(RouteOutcome::NotTaken(Miss::NotGrpc));
    }
    for h in &m.headers {
        match match_header(h, request) {
            (Eval::Fails, check) => return verdict(RouteOutcome::NotTaken(Miss::Header(check))),
            (Eval::Undecidable, _) => undecided = undecided.or(Some(Undecided::Matcher)),
            (Eval::Holds, _) => {}
        }
    }
    for q in &m.query_parameters {
        match match_query(q, request) {
            (Eval::Fails, check) => {
                return verdict(RouteOutcome::NotTaken(Miss::QueryParameter(check)));
            }
            (Eval::Undecidable, _) => undecided = undecided.or(Some(Undecided::Matcher)),
            (Eval::Holds, _) => {}
        }
    }
    if m.tls_context.is_some() {
        undecided = undecided.or(Some(Undecided::TlsContext));
    }
    if !m.dynamic_metadata.is_empty() {
        undecided = undecided.or(Some(Undecided::DynamicMetadata));
    }
    match match_path(&path, case_sensitive, request) {
        Eval::Fails if path == PathRule::Connect => {
            verdict(RouteOutcome::NotTaken(Miss::NotConnect))
        }
        Eval::Fails => verdict(RouteOutcome::NotTaken(Miss::Path {
            path: path_without_query(&request.path).to_string(),
        })),
        Eval::Undecidable => {
            let why = if path == PathRule::Template {
                Undecided::Template
            } else {
                Undecided::Matcher
            };
            verdict(RouteOutcome::Undecidable(undecided.unwrap_or(why)))
        }
        Eval::Holds => verdict(match undecided {
            Some(u) => RouteOutcome::Undecidable(u),
            None => RouteOutcome::Taken,
        }),
    }
}

/// `Grpc::Common::isGrpcRequestHeaders`: `content-type` is `application/grpc`, or starts
/// with `application/grpc+` or `application/grpc;`.
fn is_grpc(request: &HttpRequest) -> bool {
    request.header("content-type").is_some_and(|ct| {
        ct == "application/grpc"
            || ct.starts_with("application/grpc+")
            || ct.starts_with("application/grpc;")
    })
}

/// The path specifier against the request's path without query and fragment; prefix and
/// path fold ASCII case unless `case_sensitive` (the regex never does).
fn match_path(rule: &PathRule, case_sensitive: bool, request: &HttpRequest) -> Eval {
    let path = path_without_query(&request.path);
    let fold = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            s.to_ascii_lowercase()
        }
    };
    let held = |b: bool| if b { Eval::Holds } else { Eval::Fails };
    match rule {
        PathRule::Prefix(p) => held(fold(path).starts_with(&fold(p))),
        PathRule::Path(p) => held(fold(path) == fold(p)),
        PathRule::SafeRegex(r) => full_match(r, path),
        // `PathSeparatedPrefixRouteEntryImpl::matches`: the prefix, then the end of the
        // path or a `/`.
        PathRule::PathSeparatedPrefix(p) => held(
            path.len() >= p.len()
                && fold(path).starts_with(&fold(p))
                && path.as_bytes().get(p.len()).is_none_or(|b| *b == b'/'),
        ),
        PathRule::Connect => held(request.method.eq_ignore_ascii_case("CONNECT")),
        PathRule::Template => Eval::Undecidable,
        PathRule::Missing => Eval::Fails,
    }
}

#[cfg(test)]
mod tests;
