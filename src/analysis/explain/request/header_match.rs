//! Envoy's request matchers beside the path, evaluated for one request:
//! `Http::HeaderUtility::matchHeaders` (source/common/http/header_utility.cc),
//! `ConfigUtility::QueryParameterMatcher::matches` (source/common/router/
//! config_utility.cc) and `Matchers::StringMatcherImpl` (source/common/common/
//! matchers.cc). Each check keeps what it compared, for the words.

use regex::Regex;

use crate::analysis::explain::request::model::HttpRequest;
use crate::envoy::route_match::{HeaderMatcher, QueryParameterMatcher, StringMatcher};

/// What a string matcher asks of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StringKind {
    Exact,
    Prefix,
    Suffix,
    Contains,
    /// RE2, matched against the whole value.
    Regex,
    /// An extension matcher (`custom`), not evaluated.
    Custom,
}

/// A `StringMatcher` as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringRule {
    pub kind: StringKind,
    pub value: String,
    pub ignore_case: bool,
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eval {
    Holds,
    Fails,
    /// The dump alone cannot tell (an extension matcher, a regex RE2 takes and the `regex`
    /// crate does not).
    Undecidable,
}

impl Eval {
    fn of(b: bool) -> Eval {
        if b { Eval::Holds } else { Eval::Fails }
    }

    fn inverted(self, invert: bool) -> Eval {
        match (self, invert) {
            (Eval::Holds, true) => Eval::Fails,
            (Eval::Fails, true) => Eval::Holds,
            (e, _) => e,
        }
    }
}

/// `StringMatcher`'s specifier, read in the proto's oneof order.
pub fn string_rule(m: &StringMatcher<'_>) -> StringRule {
    let rule = |kind, value: &str| StringRule {
        kind,
        value: value.to_string(),
        ignore_case: m.ignore_case,
    };
    if let Some(v) = &m.exact {
        rule(StringKind::Exact, v)
    } else if let Some(v) = &m.prefix {
        rule(StringKind::Prefix, v)
    } else if let Some(v) = &m.suffix {
        rule(StringKind::Suffix, v)
    } else if let Some(r) = &m.safe_regex {
        rule(StringKind::Regex, &r.regex)
    } else if let Some(v) = &m.contains {
        rule(StringKind::Contains, v)
    } else if m.custom.is_some() {
        rule(StringKind::Custom, "")
    } else {
        // An empty matcher: Envoy's validation refuses it; read as `exact: ""`.
        rule(StringKind::Exact, "")
    }
}

/// RE2's full match (`Regex::Utility::parseRegex` + `match`), through the `regex` crate.
pub fn full_match(regex: &str, value: &str) -> Eval {
    match Regex::new(&format!("^(?:{regex})$")) {
        Ok(re) => Eval::of(re.is_match(value)),
        Err(_) => Eval::Undecidable,
    }
}

/// `StringMatcherImpl::match`: `ignore_case` folds ASCII case for every kind but the
/// regex.
pub fn string_match(rule: &StringRule, value: &str) -> Eval {
    let (v, want) = if rule.ignore_case {
        (value.to_ascii_lowercase(), rule.value.to_ascii_lowercase())
    } else {
        (value.to_string(), rule.value.clone())
    };
    match rule.kind {
        StringKind::Exact => Eval::of(v == want),
        StringKind::Prefix => Eval::of(v.starts_with(&want)),
        StringKind::Suffix => Eval::of(v.ends_with(&want)),
        StringKind::Contains => Eval::of(v.contains(&want)),
        StringKind::Regex => full_match(&rule.value, value),
        StringKind::Custom => Eval::Undecidable,
    }
}

/// What a header matcher asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderRule {
    /// A string comparison (the legacy `exact_match`, `prefix_match`, `suffix_match`,
    /// `contains_match`, `safe_regex_match`, or `string_match`).
    Value(StringRule),
    /// `range_match`: an integer in `[start, end)`.
    Range { start: i64, end: i64 },
    /// `present_match`, or no specifier (present).
    Present(bool),
    /// `exact_match: ""`: any value, as long as the header is there.
    AnyValue,
}

/// One header matcher and what the request gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderCheck {
    pub name: String,
    pub rule: HeaderRule,
    pub invert: bool,
    pub treat_missing_as_empty: bool,
    /// The request's value (values joined with `,`), `None` when absent.
    pub value: Option<String>,
}

/// The matcher's rule, in the proto's oneof order.
pub fn header_rule(m: &HeaderMatcher<'_>) -> HeaderRule {
    let plain = |kind, v: &str| {
        HeaderRule::Value(StringRule {
            kind,
            value: v.to_string(),
            ignore_case: false,
        })
    };
    if let Some(v) = &m.exact_match {
        if v.is_empty() {
            HeaderRule::AnyValue
        } else {
            plain(StringKind::Exact, v)
        }
    } else if let Some(r) = &m.safe_regex_match {
        plain(StringKind::Regex, &r.regex)
    } else if let Some(r) = m.range_match {
        HeaderRule::Range {
            start: r.start,
            end: r.end,
        }
    } else if let Some(p) = m.present_match {
        HeaderRule::Present(p)
    } else if let Some(v) = &m.prefix_match {
        plain(StringKind::Prefix, v)
    } else if let Some(v) = &m.suffix_match {
        plain(StringKind::Suffix, v)
    } else if let Some(v) = &m.contains_match {
        plain(StringKind::Contains, v)
    } else if let Some(s) = &m.string_match {
        HeaderRule::Value(string_rule(s))
    } else {
        HeaderRule::Present(true)
    }
}

/// `Http::HeaderUtility::matchHeaders` for one matcher: a missing header fails every rule
/// but `present_match: false` (inverted: only `present_match: true` holds), unless
/// `treat_missing_header_as_empty` reads it as `""`; otherwise the rule's result, inverted
/// by `invert_match`. `exact_match: ""` takes any value.
pub fn match_header(m: &HeaderMatcher<'_>, request: &HttpRequest) -> (Eval, HeaderCheck) {
    let name = m.name.to_ascii_lowercase();
    let value = request.header(&name);
    let rule = header_rule(m);
    let check = HeaderCheck {
        name,
        rule: rule.clone(),
        invert: m.invert_match,
        treat_missing_as_empty: m.treat_missing_header_as_empty,
        value: value.clone(),
    };
    let Some(value) = value.or_else(|| m.treat_missing_header_as_empty.then(String::new)) else {
        let present_false = matches!(rule, HeaderRule::Present(false));
        let present_true = matches!(rule, HeaderRule::Present(true));
        let holds = if m.invert_match {
            present_true
        } else {
            present_false
        };
        return (Eval::of(holds), check);
    };
    let eval = match &rule {
        HeaderRule::AnyValue => Eval::Holds,
        HeaderRule::Value(r) => string_match(r, &value),
        HeaderRule::Range { start, end } => {
            Eval::of(value.parse::<i64>().is_ok_and(|n| n >= *start && n < *end))
        }
        HeaderRule::Present(p) => Eval::of(*p),
    };
    (eval.inverted(m.invert_match), check)
}

/// What a query parameter matcher asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryRule {
    Value(StringRule),
    Present(bool),
    /// No specifier: the parameter must be there.
    Any,
}

/// One query parameter matcher and the request's first value for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryCheck {
    pub name: String,
    pub rule: QueryRule,
    pub value: Option<String>,
}

/// The first value of `name` in the path's query (`QueryParamsMulti::parseQueryString`:
/// after `?`, before `#`, `&`-separated, split at the first `=`, not decoded).
pub fn first_query_value(path: &str, name: &str) -> Option<String> {
    let query = path.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `ConfigUtility::QueryParameterMatcher::matches`: `present_match` holds when presence
/// is as asked; otherwise a missing parameter fails, and a matcher-less one only needs to
/// be there.
pub fn match_query(m: &QueryParameterMatcher<'_>, request: &HttpRequest) -> (Eval, QueryCheck) {
    let value = first_query_value(&request.path, &m.name);
    let rule = match (&m.present_match, &m.string_match) {
        (Some(p), _) => QueryRule::Present(*p),
        (None, Some(s)) => QueryRule::Value(string_rule(s)),
        (None, None) => QueryRule::Any,
    };
    let eval = match (&rule, &value) {
        (QueryRule::Present(p), v) => Eval::of(v.is_some() == *p),
        (_, None) => Eval::Fails,
        (QueryRule::Any, Some(_)) => Eval::Holds,
        (QueryRule::Value(r), Some(v)) => string_match(r, v),
    };
    let check = QueryCheck {
        name: m.name.to_string(),
        rule,
        value,
    };
    (eval, check)
}

#[cfg(test)]
mod tests;
