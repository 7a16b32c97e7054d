//! `xds.type.matcher.v3.Matcher` as used by `filter_chain_matcher` (DOMAIN.md §2.4).

use serde::Deserialize;

use crate::envoy::filter_chain::CidrRange;
use crate::envoy::proto::{OrderedMap, Str};

/// A matcher: a tree or a list, plus what to do when nothing matches.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Matcher<'a> {
    #[serde(borrow, default, alias = "matcherTree")]
    pub matcher_tree: Option<MatcherTree<'a>>,
    #[serde(borrow, default, alias = "matcherList")]
    pub matcher_list: Option<MatcherList<'a>>,
    #[serde(borrow, default, alias = "onNoMatch")]
    pub on_no_match: Option<Box<OnMatch<'a>>>,
}

/// `Matcher.MatcherTree`: one input, looked up in a map or a custom matcher.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MatcherTree<'a> {
    #[serde(borrow, default)]
    pub input: TypedExtensionConfig<'a>,
    #[serde(borrow, default, alias = "exactMatchMap")]
    pub exact_match_map: Option<MatchMap<'a>>,
    #[serde(borrow, default, alias = "prefixMatchMap")]
    pub prefix_match_map: Option<MatchMap<'a>>,
    #[serde(borrow, default, alias = "customMatch")]
    pub custom_match: Option<CustomMatch<'a>>,
}

/// `MatcherTree.MatchMap`: input value (or prefix) → what follows.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MatchMap<'a> {
    #[serde(borrow, default)]
    pub map: OrderedMap<'a, OnMatch<'a>>,
}

/// `Matcher.OnMatch`: a nested matcher or an action naming a filter chain.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OnMatch<'a> {
    #[serde(borrow, default)]
    pub matcher: Option<Box<Matcher<'a>>>,
    #[serde(borrow, default)]
    pub action: Option<Action<'a>>,
    /// xds `OnMatch.keep_matching` (cncf/xds#117, Envoy 1.35): the match is recorded as
    /// skipped and matching goes on as if it had not matched (DOMAIN.md §2.4).
    #[serde(default, alias = "keepMatching")]
    pub keep_matching: bool,
}

/// The action of a filter-chain matcher: a `StringValue` holding a chain name.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Action<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: Option<StringValue<'a>>,
}

impl Action<'_> {
    /// The filter chain this action selects: the `StringValue`, else the action's name.
    pub fn chain_name(&self) -> &str {
        match &self.typed_config {
            Some(v) if !v.value.is_empty() => &v.value,
            _ => &self.name,
        }
    }
}

/// A `google.protobuf.StringValue` inside an `Any`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StringValue<'a> {
    #[serde(borrow, default, rename = "@type")]
    pub type_url: Str<'a>,
    #[serde(borrow, default)]
    pub value: Str<'a>,
}

/// `envoy.config.core.v3.TypedExtensionConfig` where only the type matters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TypedExtensionConfig<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: Option<TypeUrlOnly<'a>>,
}

impl TypedExtensionConfig<'_> {
    /// The config's `@type`, or empty.
    pub fn type_url(&self) -> &str {
        self.typed_config.as_ref().map_or("", |t| &t.type_url)
    }
}

/// An input's `Any`: its `@type`, and the `key` of a `FilterStateInput`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TypeUrlOnly<'a> {
    #[serde(borrow, default, rename = "@type")]
    pub type_url: Str<'a>,
    /// `envoy.extensions.matching.common_inputs.network.v3.FilterStateInput.key`.
    #[serde(borrow, default)]
    pub key: Option<Str<'a>>,
}

/// `MatcherTree.custom_match`: an `IPMatcher` or a `ServerNameMatcher`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomMatch<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: CustomMatchConfig<'a>,
}

/// The fields of both custom matchers Envoy ships for filter chains.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomMatchConfig<'a> {
    #[serde(borrow, default, rename = "@type")]
    pub type_url: Str<'a>,
    /// `xds.type.matcher.v3.IPMatcher`.
    #[serde(borrow, default, alias = "rangeMatchers")]
    pub range_matchers: Vec<RangeMatcher<'a>>,
    /// `xds.type.matcher.v3.ServerNameMatcher`.
    #[serde(borrow, default, alias = "domainMatchers")]
    pub domain_matchers: Vec<DomainMatcher<'a>>,
}

/// `IPMatcher.IPRangeMatcher`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RangeMatcher<'a> {
    #[serde(borrow, default)]
    pub ranges: Vec<CidrRange<'a>>,
    #[serde(borrow, default, alias = "onMatch")]
    pub on_match: Option<OnMatch<'a>>,
    #[serde(default)]
    pub exclusive: bool,
}

/// `ServerNameMatcher.DomainMatcher`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DomainMatcher<'a> {
    #[serde(borrow, default)]
    pub domains: Vec<Str<'a>>,
    #[serde(borrow, default, alias = "onMatch")]
    pub on_match: Option<OnMatch<'a>>,
}

/// `Matcher.MatcherList`: the first matching entry wins.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MatcherList<'a> {
    #[serde(borrow, default)]
    pub matchers: Vec<FieldMatcher<'a>>,
}

/// `MatcherList.FieldMatcher`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FieldMatcher<'a> {
    #[serde(borrow, default)]
    pub predicate: Predicate<'a>,
    #[serde(borrow, default, alias = "onMatch")]
    pub on_match: OnMatch<'a>,
}

/// `MatcherList.Predicate`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Predicate<'a> {
    #[serde(borrow, default, alias = "singlePredicate")]
    pub single_predicate: Option<SinglePredicate<'a>>,
    #[serde(borrow, default, alias = "orMatcher")]
    pub or_matcher: Option<PredicateList<'a>>,
    #[serde(borrow, default, alias = "andMatcher")]
    pub and_matcher: Option<PredicateList<'a>>,
    #[serde(borrow, default, alias = "notMatcher")]
    pub not_matcher: Option<Box<Predicate<'a>>>,
}

/// `Predicate.SinglePredicate`: an input and how its value must look.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SinglePredicate<'a> {
    #[serde(borrow, default)]
    pub input: TypedExtensionConfig<'a>,
    /// `xds.type.matcher.v3.StringMatcher`.
    #[serde(borrow, default, alias = "valueMatch")]
    pub value_match: Option<StringMatcher<'a>>,
    /// An input matcher extension such as `envoy.matching.input_matchers.ip`.
    #[serde(borrow, default, alias = "customMatch")]
    pub custom_match: Option<InputMatcher<'a>>,
}

/// `SinglePredicate.custom_match`: a `TypedExtensionConfig` naming an input matcher.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InputMatcher<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: InputMatcherConfig<'a>,
}

/// The typed config of an input matcher; only the IP matcher's fields are read
/// (`envoy.extensions.matching.input_matchers.ip.v3.Ip`), others stay unread.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InputMatcherConfig<'a> {
    #[serde(borrow, default, rename = "@type")]
    pub type_url: Str<'a>,
    #[serde(borrow, default, alias = "cidrRanges")]
    pub cidr_ranges: Vec<CidrRange<'a>>,
    #[serde(borrow, default, alias = "statPrefix")]
    pub stat_prefix: Str<'a>,
}

/// `Predicate.PredicateList`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PredicateList<'a> {
    #[serde(borrow, default)]
    pub predicate: Vec<Predicate<'a>>,
}

/// `xds.type.matcher.v3.StringMatcher` has the fields of Envoy's
/// `envoy.type.matcher.v3.StringMatcher` (exact, prefix, suffix, safe_regex, contains,
/// custom, ignore_case): one model serves both.
pub use crate::envoy::route_match::StringMatcher;
