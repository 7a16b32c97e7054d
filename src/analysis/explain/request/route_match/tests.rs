use super::*;

fn routes(json: &'static str) -> Vec<Route<'static>> {
    serde_json::from_str(json).unwrap()
}

fn get(path: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        scheme: "http".into(),
        authority: "a".into(),
        path: path.into(),
        headers: Vec::new(),
    }
}

fn outcome(json: &'static str, request: &HttpRequest) -> RouteOutcome {
    let r = routes(json);
    match_route(0, &r[0], request).outcome
}

/// Follows `VirtualHostImpl::getRouteFromEntries`: routes are tried in order and the first
/// whose match holds is taken, even when a later one is more specific; the routes before
/// it are reported with what ruled them out.
#[test]
fn get_route_from_entries_first_match_wins() {
    let r = routes(
        r#"[{"name":"api","match":{"prefix":"/api"}},
            {"name":"all","match":{"prefix":"/"}},
            {"name":"status","match":{"path":"/status/418"}}]"#,
    );
    let (verdicts, taken) = route_from_entries(&r, &get("/status/418"));
    assert_eq!(taken, Some(1));
    assert_eq!(verdicts.len(), 2);
    assert_eq!(
        verdicts[0].outcome,
        RouteOutcome::NotTaken(Miss::Path {
            path: "/status/418".into()
        })
    );
    let (_, none) = route_from_entries(&r[..1], &get("/x"));
    assert_eq!(none, None);
}

/// Follows `PrefixRouteEntryImpl::matches` (`PathMatcher::createPrefix` with
/// `!case_sensitive`): a prefix of the path, case folded only when `case_sensitive` is
/// false.
#[test]
fn prefix_route_entry_impl_prefix_and_case() {
    let r = r#"[{"match":{"prefix":"/API"}}]"#;
    assert!(matches!(
        outcome(r, &get("/api/x")),
        RouteOutcome::NotTaken(_)
    ));
    let r = r#"[{"match":{"prefix":"/API","case_sensitive":false}}]"#;
    assert_eq!(outcome(r, &get("/api/x")), RouteOutcome::Taken);
}

/// Follows `PathRouteEntryImpl::matches` and `Http::PathUtil::removeQueryAndFragment`: the
/// whole path, without its query and fragment.
#[test]
fn path_route_entry_impl_whole_path_without_query() {
    let r = r#"[{"match":{"path":"/status/418"}}]"#;
    assert_eq!(outcome(r, &get("/status/418?x=1#f")), RouteOutcome::Taken);
    assert!(matches!(
        outcome(r, &get("/status/4180")),
        RouteOutcome::NotTaken(Miss::Path { .. })
    ));
}

/// Follows `RegexRouteEntryImpl::matches`: RE2 must match the whole path (without the
/// query), not a part of it.
#[test]
fn regex_route_entry_impl_full_match() {
    let r = r#"[{"match":{"safe_regex":{"regex":"/reviews/[0-9]+"}}}]"#;
    assert_eq!(outcome(r, &get("/reviews/12?x")), RouteOutcome::Taken);
    assert!(matches!(
        outcome(r, &get("/reviews/12/a")),
        RouteOutcome::NotTaken(_)
    ));
    assert!(matches!(
        outcome(r, &get("/v1/reviews/12")),
        RouteOutcome::NotTaken(_)
    ));
}

/// Follows `PathSeparatedPrefixRouteEntryImpl::matches`: the prefix, then either the end
/// of the path or a `/` (`/v1` takes `/v1` and `/v1/x`, not `/v10`).
#[test]
fn path_separated_prefix_route_entry_impl_segment_boundary() {
    let r = r#"[{"match":{"path_separated_prefix":"/v1"}}]"#;
    assert_eq!(outcome(r, &get("/v1")), RouteOutcome::Taken);
    assert_eq!(outcome(r, &get("/v1/x?q")), RouteOutcome::Taken);
    assert!(matches!(
        outcome(r, &get("/v10")),
        RouteOutcome::NotTaken(_)
    ));
}

/// Follows `RouteEntryImplBase::matchRoute`: headers are checked before the path, so a
/// route whose header and path both fail is ruled out by its header.
#[test]
fn match_route_headers_before_path() {
    let r = r#"[{"match":{"prefix":"/other","headers":[{"name":"end-user","string_match":{"exact":"jason"}}]}}]"#;
    match outcome(r, &get("/")) {
        RouteOutcome::NotTaken(Miss::Header(h)) => {
            assert_eq!(h.name, "end-user");
            assert_eq!(h.value, None);
        }
        other => panic!("{other:?}"),
    }
}

/// Follows `RouteEntryImplBase::matchRoute` (headers, then query parameters): a query
/// parameter that fails rules the route out once the headers hold.
#[test]
fn match_route_query_parameters_after_headers() {
    let r =
        r#"[{"match":{"prefix":"/","query_parameters":[{"name":"debug","present_match":true}]}}]"#;
    assert!(matches!(
        outcome(r, &get("/x")),
        RouteOutcome::NotTaken(Miss::QueryParameter(_))
    ));
    assert_eq!(outcome(r, &get("/x?debug")), RouteOutcome::Taken);
}

/// Follows `RouteEntryImplBase::matchRoute`'s `evaluateRuntimeMatch`: a runtime fraction
/// cannot be decided from a dump, so the route is undecidable, unless another condition
/// rules it out anyway.
#[test]
fn match_route_runtime_fraction_is_undecidable() {
    let r = r#"[{"match":{"prefix":"/","runtime_fraction":{"default_value":{"numerator":20},"runtime_key":"canary"}}}]"#;
    assert_eq!(
        outcome(r, &get("/")),
        RouteOutcome::Undecidable(Undecided::RuntimeFraction {
            numerator: 20,
            denominator: 100,
            runtime_key: "canary".into()
        })
    );
    let r = r#"[{"match":{"prefix":"/x","runtime_fraction":{"default_value":{"numerator":20}}}}]"#;
    assert!(matches!(outcome(r, &get("/")), RouteOutcome::NotTaken(_)));
    // Undecidable routes do not stop the walk: the next route that holds is taken.
    let both = routes(
        r#"[{"match":{"prefix":"/","runtime_fraction":{"default_value":{"numerator":1}}}},
            {"match":{"prefix":"/"}}]"#,
    );
    assert_eq!(route_from_entries(&both, &get("/")).1, Some(1));
}

/// Follows `RouteEntryImplBase::matchRoute` (`match_grpc_`, `Grpc::Common::
/// isGrpcRequestHeaders`): a gRPC-only route needs `content-type: application/grpc…`.
#[test]
fn match_route_grpc_needs_grpc_content_type() {
    let r = r#"[{"match":{"prefix":"/","grpc":{}}}]"#;
    assert_eq!(outcome(r, &get("/")), RouteOutcome::NotTaken(Miss::NotGrpc));
    let mut g = get("/");
    g.headers
        .push(("content-type".into(), "application/grpc+proto".into()));
    assert_eq!(outcome(r, &g), RouteOutcome::Taken);
}

/// Follows `ConnectRouteEntryImpl::matches`: a `connect_matcher` route takes only CONNECT
/// requests.
#[test]
fn connect_route_entry_impl_connect_only() {
    let r = r#"[{"match":{"connect_matcher":{}}}]"#;
    assert_eq!(
        outcome(r, &get("/")),
        RouteOutcome::NotTaken(Miss::NotConnect)
    );
    let mut c = get("/");
    c.method = "CONNECT".into();
    assert_eq!(outcome(r, &c), RouteOutcome::Taken);
}
