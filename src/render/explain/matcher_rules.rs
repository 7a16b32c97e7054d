//! Words for the `filter_chain_matcher` rules a simulation followed: which Envoy release
//! they are of, where that release came from, and each version-dependent rule (DOMAIN.md
//! §2.4, §5.8). Decides nothing: the rules come from `analysis::explain::matcher_eval::rules`.

use serde::Serialize;

use crate::analysis::explain::matcher_eval::MatcherResult;
use crate::analysis::explain::matcher_eval::rules::{
    MatcherRule, MatcherSemantics, RuleChange, VersionSource,
};
use crate::render::explain::words::code;

/// What the rule says when followed, and when not.
fn rule_words(rule: MatcherRule, followed: bool) -> &'static str {
    match (rule, followed) {
        (MatcherRule::NestedNoMatchFallsThrough, true) => {
            "a nested matcher that does not match falls to its map's on_no_match"
        }
        (MatcherRule::NestedNoMatchFallsThrough, false) => {
            "a nested matcher that does not match ends the whole match"
        }
        (MatcherRule::ListContinues, true) => {
            "a matcher_list goes on past an entry whose nested matcher does not match"
        }
        (MatcherRule::ListContinues, false) => {
            "a matcher_list stops at the first entry whose predicate matches"
        }
        (MatcherRule::PrefixRetriesShorter, true) => "a prefix_match_map retries shorter prefixes",
        (MatcherRule::PrefixRetriesShorter, false) => {
            "a prefix_match_map tries the longest prefix only"
        }
        (MatcherRule::KeepMatchingSkips, true) => "keep_matching skips the match",
        (MatcherRule::KeepMatchingSkips, false) => "keep_matching is ignored",
    }
}

/// Stable JSON name of a rule.
fn rule_key(rule: MatcherRule) -> &'static str {
    match rule {
        MatcherRule::NestedNoMatchFallsThrough => "nested_no_match_falls_through",
        MatcherRule::ListContinues => "list_continues",
        MatcherRule::PrefixRetriesShorter => "prefix_retries_shorter",
        MatcherRule::KeepMatchingSkips => "keep_matching_skips",
    }
}

/// One sentence: the release, its source, the rules.
pub fn rules_sentence(sem: &MatcherSemantics) -> String {
    let which = match sem.version {
        VersionSource::Dump { release, patch } => {
            format!("Envoy {release}.{patch}'s (from the dump's node.user_agent_build_version)")
        }
        VersionSource::Flag(release) => format!("Envoy {release}'s (--envoy-version)"),
        VersionSource::Unknown => "current Envoy's (the dump does not say its Envoy version: \
             no node.user_agent_build_version; --envoy-version X.Y sets one)"
            .to_string(),
    };
    let rules: Vec<&str> = sem
        .rules
        .iter()
        .map(|(c, followed)| rule_words(c.rule, *followed))
        .collect();
    format!("Matcher rules: {which}: {}.", rules.join("; "))
}

/// Lines for the text output: the rules, and the matches `keep_matching` skipped.
pub fn matcher_rules_text(m: &MatcherResult) -> String {
    let mut s = format!("\n{}\n", rules_sentence(&m.semantics));
    if !m.skipped.is_empty() {
        let names: Vec<String> = m.skipped.iter().map(|n| code(n)).collect();
        s.push_str(&format!(
            "Skipped by keep_matching (matched, not used): {}.\n",
            names.join(", ")
        ));
    }
    s
}

/// `simulation.matcher_rules` in `-o json`.
#[derive(Debug, Serialize)]
pub struct MatcherRulesOut {
    /// `X.Y` or `X.Y.Z`; `null` when unknown.
    pub envoy_version: Option<String>,
    /// `dump`, `flag` or `unknown` (then the current rules).
    pub from: &'static str,
    pub rules: Vec<RuleOut>,
    /// Chains whose actions `keep_matching` skipped.
    pub skipped: Vec<String>,
    pub description: String,
}

/// One version-dependent rule.
#[derive(Debug, Serialize)]
pub struct RuleOut {
    pub rule: &'static str,
    /// The first release that follows it.
    pub since: String,
    pub followed: bool,
    pub change: &'static str,
    pub source: &'static str,
}

/// [`MatcherRulesOut`] for one matcher evaluation.
pub fn matcher_rules_out(m: &MatcherResult) -> MatcherRulesOut {
    let sem = &m.semantics;
    let (envoy_version, from) = match sem.version {
        VersionSource::Dump { release, patch } => (Some(format!("{release}.{patch}")), "dump"),
        VersionSource::Flag(release) => (Some(release.to_string()), "flag"),
        VersionSource::Unknown => (None, "unknown"),
    };
    let rule = |(c, followed): &(RuleChange, bool)| RuleOut {
        rule: rule_key(c.rule),
        since: c.since.to_string(),
        followed: *followed,
        change: c.change,
        source: c.source,
    };
    MatcherRulesOut {
        envoy_version,
        from,
        rules: sem.rules.iter().map(rule).collect(),
        skipped: m.skipped.clone(),
        description: rules_sentence(sem),
    }
}
