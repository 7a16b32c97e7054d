//! Evaluates a `filter_chain_matcher` tree for one connection (DOMAIN.md §2.4; Envoy doc
//! "Matching filter chains in listeners"): exact and prefix maps, the IP-range and server-name
//! custom matchers, matcher lists with their predicates, nested matchers and `on_no_match`,
//! following the rules of the Envoy release that wrote the dump ([`rules`]).
//!
//! Pure: returns the chain name the tree selects, the steps taken and the rules followed.
//! Whether that chain exists is the caller's question (an action naming a missing chain
//! closes the connection; `simulation.rs`).

pub mod inputs;
pub mod rules;

use std::net::IpAddr;

use crate::analysis::explain::chain_select::Connection;
use crate::analysis::listener::matcher_paths::{cidr, input_name};
use crate::envoy::matcher::{
    CustomMatchConfig, Matcher, MatcherList, MatcherTree, OnMatch, Predicate,
};
use inputs::{Undecided, input_matcher_matches, input_value, string_matches};
use rules::{MatcherRule, MatcherSemantics};

/// The matcher's answer for a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatcherResult {
    /// The chain name of the action reached, `None` when the tree does not match.
    pub chain_name: Option<String>,
    /// The steps taken, as `input=value` texts (`UNMATCHED` for an on-no-match step).
    pub path: Vec<String>,
    /// Inputs the tree reads that this simulation cannot supply (filter state, metadata...).
    pub unsupported: Vec<String>,
    /// Chains whose actions matched but were skipped by `keep_matching`, in order.
    pub skipped: Vec<String>,
    /// The Envoy rules the evaluation followed.
    pub semantics: MatcherSemantics,
}

/// Evaluates `matcher` for `conn` with today's Envoy rules.
pub fn evaluate_matcher(matcher: &Matcher<'_>, conn: &Connection) -> MatcherResult {
    evaluate_matcher_as(matcher, conn, &MatcherSemantics::current())
}

/// Evaluates `matcher` for `conn` as the Envoy of `semantics` does.
pub fn evaluate_matcher_as(
    matcher: &Matcher<'_>,
    conn: &Connection,
    semantics: &MatcherSemantics,
) -> MatcherResult {
    let mut eval = Eval {
        conn,
        sem: semantics,
        path: Vec::new(),
        unsupported: Vec::new(),
        skipped: Vec::new(),
    };
    let chain_name = match eval.matcher(matcher) {
        Out::Chain(name) => Some(name),
        Out::NoMatch | Out::Abort => None,
    };
    MatcherResult {
        chain_name,
        path: eval.path,
        unsupported: eval.unsupported,
        skipped: eval.skipped,
        semantics: semantics.clone(),
    }
}

/// What one node of the tree produced.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Out {
    /// An action naming this chain.
    Chain(String),
    /// No match: the node's parent decides what comes next.
    NoMatch,
    /// Envoy before 1.35 (DOMAIN.md §2.4): a nested matcher that did not match ends the
    /// whole evaluation; only the IP range matcher, which evaluates its ranges' subtrees
    /// itself, goes on past it.
    Abort,
}

struct Eval<'c> {
    conn: &'c Connection,
    sem: &'c MatcherSemantics,
    path: Vec<String>,
    unsupported: Vec<String>,
    skipped: Vec<String>,
}

impl Eval<'_> {
    fn matcher(&mut self, m: &Matcher<'_>) -> Out {
        if let Some(tree) = &m.matcher_tree {
            return self.tree(tree, m);
        }
        if let Some(list) = &m.matcher_list {
            return self.list(list, m);
        }
        self.no_match(m, None)
    }

    /// `on_no_match`, or no match without one.
    fn no_match(&mut self, m: &Matcher<'_>, label: Option<String>) -> Out {
        let Some(on_no_match) = m.on_no_match.as_deref() else {
            return Out::NoMatch;
        };
        match label {
            Some(l) => self.path.push(format!("{l}=UNMATCHED")),
            None if m.matcher_list.is_some() => self.path.push("UNMATCHED".to_string()),
            None => {}
        }
        self.on_match(on_no_match)
    }

    /// DOMAIN.md §2.4, envoy/matcher/matcher.h `MatchTree::handleRecursionAndSkips`: a nested
    /// matcher's result, or the action; `keep_matching` turns a match into a skipped one.
    fn on_match(&mut self, on_match: &OnMatch<'_>) -> Out {
        let keep = on_match.keep_matching && self.sem.follows(MatcherRule::KeepMatchingSkips);
        let out = match (&on_match.matcher, &on_match.action) {
            (Some(nested), _) => match self.matcher(nested) {
                // Before 1.35 a nested no-match was the whole tree's no-match.
                Out::NoMatch if !self.sem.follows(MatcherRule::NestedNoMatchFallsThrough) => {
                    Out::Abort
                }
                other => other,
            },
            (None, Some(action)) => Out::Chain(action.chain_name().to_string()),
            (None, None) => Out::NoMatch,
        };
        match out {
            // The filter chain manager passes no skip callback: the skipped chain is
            // simply not used (source/common/listener_manager/filter_chain_manager_impl.cc
            // `findFilterChainUsingMatcher`).
            Out::Chain(name) if keep => {
                self.skipped.push(name);
                Out::NoMatch
            }
            other => other,
        }
    }

    /// Tries `on_match` as one branch; a branch that does not match leaves no steps.
    fn branch(&mut self, step: String, on_match: &OnMatch<'_>) -> Out {
        let mark = self.path.len();
        self.path.push(step);
        let out = self.on_match(on_match);
        if out == Out::NoMatch {
            self.path.truncate(mark);
        }
        out
    }

    fn tree(&mut self, tree: &MatcherTree<'_>, m: &Matcher<'_>) -> Out {
        let label = input_name(&tree.input);
        let value = match input_value(&tree.input, self.conn) {
            Ok(Some(v)) => v,
            // No data: map matchers and both custom matchers take `on_no_match`.
            Ok(None) => return self.no_match(m, Some(label)),
            Err(name) => {
                self.unsupported.push(name);
                return self.no_match(m, Some(label));
            }
        };
        if let Some(map) = &tree.exact_match_map {
            if let Some((_, on_match)) = map.map.0.iter().find(|(k, _)| k.as_ref() == value) {
                // DOMAIN.md §2.4: since 1.35 a key whose branch does not match falls to this
                // map's own on_no_match (exact_map_matcher.h `ExactMapMatcher::doMatch`).
                match self.branch(format!("{label}={value}"), on_match) {
                    Out::NoMatch => {}
                    decided => return decided,
                }
            }
            return self.no_match(m, Some(label));
        }
        if let Some(map) = &tree.prefix_match_map {
            let mut keys: Vec<_> = map
                .map
                .0
                .iter()
                .filter(|(k, _)| value.starts_with(k.as_ref()))
                .collect();
            keys.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
            for (key, on_match) in keys {
                match self.branch(format!("{label}^{key}"), on_match) {
                    // DOMAIN.md §2.4: the next shorter prefix is tried (1.35, runtime guard
                    // `prefix_map_matcher_resume_after_subtree_miss`, on by default); without
                    // it the longest prefix's result is final and skips on_no_match
                    // (prefix_map_matcher.h `PrefixMapMatcher::doMatch`).
                    Out::NoMatch if self.sem.follows(MatcherRule::PrefixRetriesShorter) => {}
                    decided => return decided,
                }
            }
            return self.no_match(m, Some(label));
        }
        let Some(custom) = &tree.custom_match else {
            return self.no_match(m, Some(label));
        };
        let config = &custom.typed_config;
        if !config.range_matchers.is_empty() {
            return self.ip_ranges(config, &label, &value, m);
        }
        if !config.domain_matchers.is_empty() {
            return self.domains(config, &label, &value, m);
        }
        self.unsupported.push(if config.type_url.is_empty() {
            custom.name.to_string()
        } else {
            config.type_url.to_string()
        });
        self.no_match(m, Some(label))
    }

    /// `xds.type.matcher.v3.IPMatcher` (DOMAIN.md §2.4; envoyproxy/envoy
    /// source/extensions/common/matcher/ip_range_matcher.h `IpRangeMatcher::match`, formerly
    /// trie_matcher.h `TrieMatcher::match`).
    fn ip_ranges(
        &mut self,
        config: &CustomMatchConfig<'_>,
        label: &str,
        value: &str,
        m: &Matcher<'_>,
    ) -> Out {
        let Ok(ip) = value.parse::<IpAddr>() else {
            return self.no_match(m, Some(label.to_string()));
        };
        let mut hits: Vec<(u32, String, bool, &OnMatch<'_>)> = Vec::new();
        for rm in &config.range_matchers {
            let Some(on_match) = &rm.on_match else {
                continue;
            };
            for range in &rm.ranges {
                if let Some(c) = range.cidr().filter(|c| c.contains(ip)) {
                    hits.push((c.len, cidr(range), rm.exclusive, on_match));
                }
            }
        }
        // Longest prefix first, then declaration order (the sort is stable). The longest
        // range is always tried; a shorter one only when it is not `exclusive`. The ranges'
        // subtrees are evaluated here, so a failing one is passed by in every release.
        hits.sort_by_key(|(len, ..)| std::cmp::Reverse(*len));
        for (n, (_, range, exclusive, on_match)) in hits.into_iter().enumerate() {
            if n > 0 && exclusive {
                continue;
            }
            let mark = self.path.len();
            if let Out::Chain(name) = self.branch(format!("{label}={range}"), on_match) {
                return Out::Chain(name);
            }
            self.path.truncate(mark);
        }
        self.no_match(m, Some(label.to_string()))
    }

    /// `xds.type.matcher.v3.ServerNameMatcher` (DOMAIN.md §2.4; envoyproxy/envoy
    /// source/extensions/common/matcher/domain_matcher.h `DomainTrieMatcher::match`): the
    /// exact name, then `*.suffix` from the longest suffix, then `*`, each tried in turn.
    fn domains(
        &mut self,
        config: &CustomMatchConfig<'_>,
        label: &str,
        sni: &str,
        m: &Matcher<'_>,
    ) -> Out {
        let mut patterns = vec![sni.to_string()];
        patterns.extend(
            sni.match_indices('.')
                .map(|(i, _)| format!("*{}", &sni[i..]))
                .filter(|p| p.len() > 2),
        );
        patterns.push("*".to_string());
        for pattern in patterns {
            let found = config.domain_matchers.iter().find_map(|dm| {
                let om = dm.on_match.as_ref()?;
                dm.domains
                    .iter()
                    .any(|d| d.as_ref() == pattern)
                    .then_some(om)
            });
            if let Some(on_match) = found {
                match self.branch(format!("{label}={pattern}"), on_match) {
                    Out::Chain(name) => return Out::Chain(name),
                    Out::NoMatch | Out::Abort => {}
                }
            }
        }
        self.no_match(m, Some(label.to_string()))
    }

    /// DOMAIN.md §2.4, list_matcher.h `ListMatcher::match`: the first entry whose predicate
    /// matches and whose `on_match` yields a match wins; since 1.35 an entry whose nested
    /// matcher does not match (or is skipped) lets the list go on.
    fn list(&mut self, list: &MatcherList<'_>, m: &Matcher<'_>) -> Out {
        for fm in &list.matchers {
            if !self.predicate(&fm.predicate) {
                continue;
            }
            match self.branch(predicate_label(&fm.predicate), &fm.on_match) {
                Out::NoMatch if self.sem.follows(MatcherRule::ListContinues) => {}
                decided => return decided,
            }
        }
        self.no_match(m, None)
    }

    fn predicate(&mut self, p: &Predicate<'_>) -> bool {
        if let Some(single) = &p.single_predicate {
            let value = match input_value(&single.input, self.conn) {
                Ok(v) => v,
                Err(name) => {
                    self.unsupported.push(name);
                    return false;
                }
            };
            let decided = match (&single.value_match, &single.custom_match) {
                (Some(sm), _) => value
                    .as_deref()
                    .map_or(Ok(false), |v| string_matches(sm, v)),
                (None, Some(custom)) => input_matcher_matches(custom, value.as_deref()),
                (None, None) => Ok(false),
            };
            return decided.unwrap_or_else(|why| {
                self.unsupported.push(match why {
                    Undecided::Regex(re) => format!("regular expression {re}"),
                    Undecided::InputMatcher(name) => name,
                });
                false
            });
        }
        if let Some(or) = &p.or_matcher {
            return or.predicate.iter().any(|q| self.predicate(q));
        }
        if let Some(and) = &p.and_matcher {
            return and.predicate.iter().all(|q| self.predicate(q));
        }
        if let Some(not) = &p.not_matcher {
            return !self.predicate(not);
        }
        false
    }
}

fn predicate_label(p: &Predicate<'_>) -> String {
    match &p.single_predicate {
        Some(s) => format!("{} matched", input_name(&s.input)),
        None => "predicate matched".to_string(),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod version_tests;
