//! Which `filter_chain_matcher` rules the simulated Envoy follows (DOMAIN.md §2.4, §5.8).
//!
//! The rules that changed between Envoy releases are data here, in [`RULE_CHANGES`], and
//! nowhere else: the evaluator asks [`MatcherSemantics::follows`] and never compares
//! versions itself. Rules that hold in every release that has `filter_chain_matcher` (the
//! SNI lower-cased, a missing chain closing the connection) are not listed.

use std::fmt;

use crate::envoy::node::Node;

/// An Envoy release, `major.minor`; patch releases do not change matcher rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EnvoyRelease {
    pub major: u32,
    pub minor: u32,
}

impl fmt::Display for EnvoyRelease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// A matcher rule that some Envoy releases follow and older ones do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatcherRule {
    /// A map key (or `on_no_match`) whose nested matcher does not match falls to that map's
    /// own `on_no_match`; older releases ended the whole match there.
    NestedNoMatchFallsThrough,
    /// A `matcher_list` entry whose nested matcher does not match lets the list go on.
    ListContinues,
    /// A `prefix_match_map` retries the next shorter matching prefix when a longer one's
    /// nested matcher does not match.
    PrefixRetriesShorter,
    /// `keep_matching: true` skips the match it is on.
    KeepMatchingSkips,
}

/// When a rule arrived, and the Envoy change that brought it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleChange {
    pub rule: MatcherRule,
    /// The first release that follows the rule.
    pub since: EnvoyRelease,
    /// The pull request, for the reader who wants the diff.
    pub change: &'static str,
    /// The Envoy code that decides it today.
    pub source: &'static str,
}

const V1_35: EnvoyRelease = EnvoyRelease {
    major: 1,
    minor: 35,
};

/// Every version-dependent matcher rule. Evidence: envoyproxy/envoy#38726 ("Matcher +
/// MatcherTree support for a keep_matching field in OnMatch", merged end of May 2025, after
/// 1.34.0 was cut in April) moved every node onto `handleRecursionAndSkips`, so a branch's
/// no-match became a no-match of that branch only; envoyproxy/envoy#38986 added the prefix
/// retry behind the runtime guard `envoy.reloadable_features.prefix_map_matcher_resume_after_subtree_miss`
/// (on by default), release note 1.35.0.
pub const RULE_CHANGES: [RuleChange; 4] = [
    RuleChange {
        rule: MatcherRule::NestedNoMatchFallsThrough,
        since: V1_35,
        change: "envoyproxy/envoy#38726",
        source: "source/common/matcher/exact_map_matcher.h ExactMapMatcher::doMatch, map_matcher.h MapMatcher::doNoMatch",
    },
    RuleChange {
        rule: MatcherRule::ListContinues,
        since: V1_35,
        change: "envoyproxy/envoy#38726",
        source: "source/common/matcher/list_matcher.h ListMatcher::match",
    },
    RuleChange {
        rule: MatcherRule::PrefixRetriesShorter,
        since: V1_35,
        change: "envoyproxy/envoy#38986",
        source: "source/common/matcher/prefix_map_matcher.h PrefixMapMatcher::doMatch",
    },
    RuleChange {
        rule: MatcherRule::KeepMatchingSkips,
        since: V1_35,
        change: "envoyproxy/envoy#38726",
        source: "envoy/matcher/matcher.h MatchTree::handleRecursionAndSkips",
    },
];

/// Where the Envoy version that picks the rules came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSource {
    /// The dump's bootstrap `node.user_agent_build_version` (with its patch number).
    Dump { release: EnvoyRelease, patch: u32 },
    /// `--envoy-version`.
    Flag(EnvoyRelease),
    /// Neither: the current rules apply.
    Unknown,
}

/// The rules one simulation follows, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatcherSemantics {
    pub version: VersionSource,
    /// Each version-dependent rule and whether it is followed, in [`RULE_CHANGES`] order.
    pub rules: Vec<(RuleChange, bool)>,
}

impl MatcherSemantics {
    /// The rules of `version`; an unknown version gets today's Envoy.
    pub fn for_version(version: VersionSource) -> Self {
        let release = match version {
            VersionSource::Dump { release, .. } | VersionSource::Flag(release) => Some(release),
            VersionSource::Unknown => None,
        };
        let rules = RULE_CHANGES
            .iter()
            .map(|c| (*c, release.is_none_or(|r| r >= c.since)))
            .collect();
        Self { version, rules }
    }

    /// Today's Envoy.
    pub fn current() -> Self {
        Self::for_version(VersionSource::Unknown)
    }

    /// True when the simulated Envoy follows `rule`.
    pub fn follows(&self, rule: MatcherRule) -> bool {
        self.rules
            .iter()
            .any(|(c, followed)| c.rule == rule && *followed)
    }
}

/// The version whose rules a simulation follows: `flag` (`--envoy-version`) when given,
/// else the dump's bootstrap `node.user_agent_build_version` (DOMAIN.md §5.8), else
/// unknown (today's rules).
pub fn semantics_for_dump(flag: Option<EnvoyRelease>, node: Option<&Node<'_>>) -> MatcherSemantics {
    let from_dump = node
        .and_then(|n| n.user_agent_build_version)
        .and_then(|b| b.version)
        // An all-zero version is proto3's unset message, not Envoy 0.0.
        .filter(|v| v.major_number != 0 || v.minor_number != 0)
        .map(|v| VersionSource::Dump {
            release: EnvoyRelease {
                major: v.major_number,
                minor: v.minor_number,
            },
            patch: v.patch,
        });
    let version = flag
        .map(VersionSource::Flag)
        .or(from_dump)
        .unwrap_or(VersionSource::Unknown);
    MatcherSemantics::for_version(version)
}
