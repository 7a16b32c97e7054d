//! The conditions of an `envoy.config.route.v3.RouteMatch` beside its path: header and
//! query parameter matchers, string matchers and the runtime fraction, read in both JSON
//! spellings. Evaluating them against a request is `analysis::explain::request`'s job.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::proto::Str;

/// `envoy.type.matcher.v3.RegexMatcher`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SafeRegex<'a> {
    #[serde(borrow, default)]
    pub regex: Str<'a>,
}

/// `envoy.config.route.v3.HeaderMatcher`: one header specifier (the first set one, in the
/// proto's oneof) plus `invert_match` and `treat_missing_header_as_empty`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HeaderMatcher<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "exactMatch")]
    pub exact_match: Option<Str<'a>>,
    #[serde(borrow, default, alias = "safeRegexMatch")]
    pub safe_regex_match: Option<SafeRegex<'a>>,
    #[serde(default, alias = "rangeMatch")]
    pub range_match: Option<Int64Range>,
    #[serde(default, alias = "presentMatch")]
    pub present_match: Option<bool>,
    #[serde(borrow, default, alias = "prefixMatch")]
    pub prefix_match: Option<Str<'a>>,
    #[serde(borrow, default, alias = "suffixMatch")]
    pub suffix_match: Option<Str<'a>>,
    #[serde(borrow, default, alias = "containsMatch")]
    pub contains_match: Option<Str<'a>>,
    #[serde(borrow, default, alias = "stringMatch")]
    pub string_match: Option<StringMatcher<'a>>,
    #[serde(default, alias = "invertMatch")]
    pub invert_match: bool,
    #[serde(default, alias = "treatMissingHeaderAsEmpty")]
    pub treat_missing_header_as_empty: bool,
}

/// `envoy.type.v3.Int64Range`: `[start, end)`; int64 values may come as JSON strings.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Int64Range {
    #[serde(default, deserialize_with = "i64_lenient")]
    pub start: i64,
    #[serde(default, deserialize_with = "i64_lenient")]
    pub end: i64,
}

/// `envoy.type.matcher.v3.StringMatcher`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StringMatcher<'a> {
    #[serde(borrow, default)]
    pub exact: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub prefix: Option<Str<'a>>,
    #[serde(borrow, default)]
    pub suffix: Option<Str<'a>>,
    #[serde(borrow, default, alias = "safeRegex")]
    pub safe_regex: Option<SafeRegex<'a>>,
    #[serde(borrow, default)]
    pub contains: Option<Str<'a>>,
    /// An extension matcher, which meshscope does not evaluate.
    #[serde(borrow, default)]
    pub custom: Option<&'a RawValue>,
    #[serde(default, alias = "ignoreCase")]
    pub ignore_case: bool,
}

/// `envoy.config.route.v3.QueryParameterMatcher`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueryParameterMatcher<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "stringMatch")]
    pub string_match: Option<StringMatcher<'a>>,
    #[serde(default, alias = "presentMatch")]
    pub present_match: Option<bool>,
}

/// `envoy.config.core.v3.RuntimeFractionalPercent`: the default share and the runtime key
/// that may override it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuntimeFraction<'a> {
    #[serde(default, alias = "defaultValue")]
    pub default_value: Option<FractionalPercent<'a>>,
    #[serde(borrow, default, alias = "runtimeKey")]
    pub runtime_key: Str<'a>,
}

/// `envoy.type.v3.FractionalPercent`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FractionalPercent<'a> {
    #[serde(default, deserialize_with = "crate::envoy::proto::u32_lenient")]
    pub numerator: u32,
    /// `HUNDRED` (the default), `TEN_THOUSAND` or `MILLION`, as written.
    #[serde(borrow, default)]
    pub denominator: Option<&'a RawValue>,
}

impl FractionalPercent<'_> {
    /// The denominator as a number (100, 10 000 or 1 000 000), from its name or number.
    pub fn denominator_value(&self) -> u32 {
        let text = self.denominator.map(|d| d.get().trim_matches('"'));
        match text {
            Some("TEN_THOUSAND" | "1") => 10_000,
            Some("MILLION" | "2") => 1_000_000,
            _ => 100,
        }
    }
}

/// An `int64` as protojson writes it (a string) or as a number.
fn i64_lenient<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either<'a> {
        Number(i64),
        Text(&'a str),
    }
    match Either::deserialize(d)? {
        Either::Number(n) => Ok(n),
        Either::Text(t) => t.parse().map_err(serde::de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_spellings_and_string_int64() {
        let h: HeaderMatcher<'_> = serde_json::from_str(
            r#"{"name":"x","rangeMatch":{"start":"1","end":10},"invertMatch":true}"#,
        )
        .unwrap();
        let r = h.range_match.unwrap();
        assert_eq!((r.start, r.end, h.invert_match), (1, 10, true));
        let f: RuntimeFraction<'_> = serde_json::from_str(
            r#"{"default_value":{"numerator":5,"denominator":"MILLION"},"runtime_key":"k"}"#,
        )
        .unwrap();
        assert_eq!(f.default_value.unwrap().denominator_value(), 1_000_000);
    }
}
