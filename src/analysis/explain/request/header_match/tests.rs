use super::*;

fn header(json: &'static str) -> HeaderMatcher<'static> {
    serde_json::from_str(json).unwrap()
}

fn with(headers: &[(&str, &str)]) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        scheme: "http".into(),
        authority: "a".into(),
        path: "/p?a=1&b&a=2".into(),
        headers: (headers.iter())
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    }
}

fn eval(json: &'static str, headers: &[(&str, &str)]) -> Eval {
    match_header(&header(json), &with(headers)).0
}

/// Follows `Http::HeaderUtility::matchHeaders`: a missing header fails every rule but
/// `present_match: false`; inverted, only `present_match: true` holds.
#[test]
fn match_headers_missing_header() {
    assert_eq!(eval(r#"{"name":"x","exact_match":"1"}"#, &[]), Eval::Fails);
    assert_eq!(
        eval(r#"{"name":"x","present_match":false}"#, &[]),
        Eval::Holds
    );
    assert_eq!(
        eval(r#"{"name":"x","exact_match":"1","invert_match":true}"#, &[]),
        Eval::Fails
    );
    assert_eq!(
        eval(
            r#"{"name":"x","present_match":true,"invert_match":true}"#,
            &[]
        ),
        Eval::Holds
    );
}

/// Follows `Http::HeaderUtility::matchHeaders` with `treat_missing_header_as_empty`: a
/// missing header is compared as `""`.
#[test]
fn match_headers_treat_missing_as_empty() {
    assert_eq!(
        eval(
            r#"{"name":"x","string_match":{"exact":""},"treat_missing_header_as_empty":true}"#,
            &[]
        ),
        Eval::Holds
    );
}

/// Follows `Http::HeaderUtility::matchHeaders`'s rules: exact (an empty value takes any),
/// prefix, suffix, contains, range `[start, end)`, present, and `invert_match` over each.
#[test]
fn match_headers_each_rule() {
    let h = &[("x", "abc123")];
    assert_eq!(
        eval(r#"{"name":"X","exact_match":"abc123"}"#, h),
        Eval::Holds
    );
    assert_eq!(eval(r#"{"name":"x","exact_match":""}"#, h), Eval::Holds);
    assert_eq!(eval(r#"{"name":"x","prefix_match":"abc"}"#, h), Eval::Holds);
    assert_eq!(eval(r#"{"name":"x","suffix_match":"123"}"#, h), Eval::Holds);
    assert_eq!(
        eval(r#"{"name":"x","contains_match":"c1"}"#, h),
        Eval::Holds
    );
    assert_eq!(
        eval(r#"{"name":"x","safe_regex_match":{"regex":"abc"}}"#, h),
        Eval::Fails
    );
    assert_eq!(
        eval(
            r#"{"name":"n","range_match":{"start":1,"end":5}}"#,
            &[("n", "4")]
        ),
        Eval::Holds
    );
    assert_eq!(
        eval(
            r#"{"name":"n","range_match":{"start":1,"end":5}}"#,
            &[("n", "5")]
        ),
        Eval::Fails
    );
    assert_eq!(eval(r#"{"name":"x"}"#, h), Eval::Holds);
    assert_eq!(
        eval(
            r#"{"name":"x","prefix_match":"abc","invert_match":true}"#,
            h
        ),
        Eval::Fails
    );
}

/// Follows `Http::HeaderUtility::getAllOfHeaderAsString` and `Matchers::StringMatcherImpl`:
/// several values are joined with `,`; `ignore_case` folds ASCII case.
#[test]
fn match_headers_joined_values_and_ignore_case() {
    let h = &[("x", "A"), ("x", "B")];
    assert_eq!(
        eval(
            r#"{"name":"x","string_match":{"exact":"a,b","ignore_case":true}}"#,
            h
        ),
        Eval::Holds
    );
    assert_eq!(
        eval(r#"{"name":"x","string_match":{"exact":"a,b"}}"#, h),
        Eval::Fails
    );
}

/// Follows `ConfigUtility::QueryParameterMatcher::matches`: the first value of the
/// parameter; `present_match` compares presence; without a matcher, presence is enough; a
/// missing parameter fails a value matcher.
#[test]
fn query_parameter_matcher_matches() {
    let q = |json: &'static str| {
        let m: QueryParameterMatcher<'static> = serde_json::from_str(json).unwrap();
        match_query(&m, &with(&[])).0
    };
    assert_eq!(
        q(r#"{"name":"a","string_match":{"exact":"1"}}"#),
        Eval::Holds
    );
    assert_eq!(
        q(r#"{"name":"a","string_match":{"exact":"2"}}"#),
        Eval::Fails
    );
    assert_eq!(q(r#"{"name":"b"}"#), Eval::Holds);
    assert_eq!(q(r#"{"name":"c","present_match":false}"#), Eval::Holds);
    assert_eq!(
        q(r#"{"name":"c","string_match":{"prefix":""}}"#),
        Eval::Fails
    );
    assert_eq!(first_query_value("/p?x=1#y=2", "y"), None);
}

/// Follows `Http::HeaderUtility::matchHeaders` on pseudo-headers: Istio's VirtualService
/// `scheme`, `method` and `authority` matches read `:scheme`, `:method`, `:authority`.
#[test]
fn match_headers_on_pseudo_headers() {
    assert_eq!(
        eval(r#"{"name":":scheme","string_match":{"exact":"http"}}"#, &[]),
        Eval::Holds
    );
    assert_eq!(
        eval(r#"{"name":":method","string_match":{"exact":"POST"}}"#, &[]),
        Eval::Fails
    );
    assert_eq!(
        eval(
            r#"{"name":":authority","string_match":{"prefix":"a"}}"#,
            &[]
        ),
        Eval::Holds
    );
}
