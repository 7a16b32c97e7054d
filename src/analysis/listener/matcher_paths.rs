//! Every branch of a `filter_chain_matcher` that leads to a chain (DOMAIN.md §4.4), as typed
//! steps: map keys, IP ranges, domains, `matcher_list` predicates and on-no-match steps.
//! `render::matcher_branch` writes them with istioctl's `--waypoint` conventions.

use std::collections::BTreeMap;

use crate::analysis::listener::chain_match::PrefixRange;
use crate::envoy::CidrRange;
use crate::envoy::matcher::{Matcher, OnMatch, Predicate, TypedExtensionConfig};

/// One branch: the steps from the root matcher to a chain (none: the root takes everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatcherBranch {
    /// The steps, outermost first.
    pub steps: Vec<BranchStep>,
}

/// What one matcher level tests on the way to a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BranchStep {
    /// A key of an exact-match map.
    Exact { input: String, key: String },
    /// A key of a prefix-match map.
    Prefix { input: String, key: String },
    /// A range of an IP matcher.
    Range { input: String, range: PrefixRange },
    /// A domain of a server-name matcher.
    Domain { input: String, domain: String },
    /// A `matcher_list` predicate.
    Predicate(BranchPredicate),
    /// The level's `on_no_match`; `input` is empty on a level without a `matcher_tree`.
    Unmatched { input: String },
}

/// A `matcher_list` predicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BranchPredicate {
    /// One input tested against a value; `None` for a custom match.
    Single {
        input: String,
        value: Option<ValueTest>,
    },
    /// Any of these.
    Or(Vec<BranchPredicate>),
    /// All of these.
    And(Vec<BranchPredicate>),
    /// Not this.
    Not(Box<BranchPredicate>),
    /// No predicate: everything.
    Any,
}

/// A `StringMatcher`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueTest {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    Regex(String),
    /// A matcher kind not read.
    Other,
}

/// Chain name → the branches that select it, in matcher order.
pub fn matcher_branches(matcher: &Matcher<'_>) -> BTreeMap<String, Vec<MatcherBranch>> {
    let mut out = BTreeMap::new();
    walk(matcher, &mut Vec::new(), &mut out);
    out
}

type Branches = BTreeMap<String, Vec<MatcherBranch>>;

fn walk(m: &Matcher<'_>, path: &mut Vec<BranchStep>, out: &mut Branches) {
    let mut input_label = String::new();
    if let Some(tree) = &m.matcher_tree {
        input_label = input_name(&tree.input);
        for (key, on_match) in tree.exact_match_map.iter().flat_map(|m| m.map.0.iter()) {
            let input = input_label.clone();
            let key = key.to_string();
            step(on_match, BranchStep::Exact { input, key }, path, out);
        }
        for (key, on_match) in tree.prefix_match_map.iter().flat_map(|m| m.map.0.iter()) {
            let input = input_label.clone();
            let key = key.to_string();
            step(on_match, BranchStep::Prefix { input, key }, path, out);
        }
        if let Some(custom) = &tree.custom_match {
            for rm in &custom.typed_config.range_matchers {
                for range in &rm.ranges {
                    if let Some(on_match) = &rm.on_match {
                        let input = input_label.clone();
                        let range = PrefixRange::of(range);
                        step(on_match, BranchStep::Range { input, range }, path, out);
                    }
                }
            }
            for dm in &custom.typed_config.domain_matchers {
                for domain in &dm.domains {
                    if let Some(on_match) = &dm.on_match {
                        let input = input_label.clone();
                        let domain = domain.to_string();
                        step(on_match, BranchStep::Domain { input, domain }, path, out);
                    }
                }
            }
        }
    }
    if let Some(list) = &m.matcher_list {
        for fm in &list.matchers {
            let test = BranchStep::Predicate(branch_predicate(&fm.predicate));
            step(&fm.on_match, test, path, out);
        }
    }
    if let Some(on_no_match) = &m.on_no_match {
        let no_selector = m.matcher_tree.is_none() && m.matcher_list.is_none();
        if no_selector {
            // Nothing to test at this level: everything that reaches it goes on.
            visit(on_no_match, path, out);
        } else {
            let input = input_label;
            step(on_no_match, BranchStep::Unmatched { input }, path, out);
        }
    }
}

fn step(on_match: &OnMatch<'_>, test: BranchStep, path: &mut Vec<BranchStep>, out: &mut Branches) {
    path.push(test);
    visit(on_match, path, out);
    path.pop();
}

fn visit(on_match: &OnMatch<'_>, path: &mut Vec<BranchStep>, out: &mut Branches) {
    if let Some(action) = &on_match.action {
        out.entry(action.chain_name().to_string())
            .or_default()
            .push(MatcherBranch {
                steps: path.clone(),
            });
    }
    if let Some(nested) = &on_match.matcher {
        walk(nested, path, out);
    }
}

/// The input's name as Istio sets it (`port`, `ip`, ...), else derived from its type.
pub(crate) fn input_name(input: &TypedExtensionConfig<'_>) -> String {
    if !input.name.is_empty() {
        return input.name.to_string();
    }
    let short = input.type_url().rsplit('.').next().unwrap_or_default();
    short.strip_suffix("Input").unwrap_or(short).to_string()
}

/// A range as the matcher paths write it: a bare IP for /32 and /128, else the CIDR.
pub(crate) fn cidr(range: &CidrRange<'_>) -> String {
    range_text(&PrefixRange::of(range))
}

/// [`cidr`] for an owned range.
pub fn range_text(range: &PrefixRange) -> String {
    let len = range.prefix_len;
    let is_v6 = range.address_prefix.contains(':');
    let is_host = (len == 32 && !is_v6) || (len == 128 && is_v6);
    if is_host {
        range.address_prefix.clone()
    } else {
        format!("{}/{}", range.address_prefix, len)
    }
}

fn branch_predicate(p: &Predicate<'_>) -> BranchPredicate {
    if let Some(single) = &p.single_predicate {
        let value = single.value_match.as_ref().map(|v| {
            if let Some(e) = &v.exact {
                ValueTest::Exact(e.to_string())
            } else if let Some(pre) = &v.prefix {
                ValueTest::Prefix(pre.to_string())
            } else if let Some(s) = &v.suffix {
                ValueTest::Suffix(s.to_string())
            } else if let Some(c) = &v.contains {
                ValueTest::Contains(c.to_string())
            } else if let Some(r) = &v.safe_regex {
                ValueTest::Regex(r.regex.to_string())
            } else {
                ValueTest::Other
            }
        });
        return BranchPredicate::Single {
            input: input_name(&single.input),
            value,
        };
    }
    let list = |l: &crate::envoy::matcher::PredicateList<'_>| {
        l.predicate.iter().map(branch_predicate).collect::<Vec<_>>()
    };
    if let Some(or) = &p.or_matcher {
        return BranchPredicate::Or(list(or));
    }
    if let Some(and) = &p.and_matcher {
        return BranchPredicate::And(list(and));
    }
    if let Some(not) = &p.not_matcher {
        return BranchPredicate::Not(Box::new(branch_predicate(not)));
    }
    BranchPredicate::Any
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::matcher_branch::branch_text;

    fn texts(branches: &[MatcherBranch]) -> Vec<String> {
        branches.iter().map(branch_text).collect()
    }

    #[test]
    fn renders_nested_ip_then_port() {
        let json = r#"{"matcher_tree":{"input":{"name":"ip","typed_config":{"@type":"x.DestinationIPInput"}},
          "custom_match":{"name":"ip","typed_config":{"@type":"type.googleapis.com/xds.type.matcher.v3.IPMatcher",
            "range_matchers":[{"ranges":[{"address_prefix":"10.0.0.1","prefix_len":32},{"address_prefix":"10.1.0.0","prefix_len":16}],
              "on_match":{"matcher":{"matcher_tree":{"input":{"name":"port"},
                "exact_match_map":{"map":{"80":{"action":{"name":"a","typed_config":{"value":"a"}}}}}},
                "on_no_match":{"action":{"name":"b"}}}}}]}}},
          "on_no_match":{"action":{"name":"c"}}}"#;
        let m: Matcher = serde_json::from_str(json).unwrap();
        let b = matcher_branches(&m);
        assert_eq!(
            texts(&b["a"]),
            ["ip=10.0.0.1 -> port=80", "ip=10.1.0.0/16 -> port=80"]
        );
        assert_eq!(
            texts(&b["b"]),
            [
                "ip=10.0.0.1 -> port=UNMATCHED",
                "ip=10.1.0.0/16 -> port=UNMATCHED"
            ]
        );
        assert_eq!(texts(&b["c"]), ["ip=UNMATCHED"]);
    }

    #[test]
    fn bare_on_no_match_is_any() {
        let m: Matcher =
            serde_json::from_str(r#"{"on_no_match":{"action":{"name":"x"}}}"#).unwrap();
        assert_eq!(texts(&matcher_branches(&m)["x"]), ["ANY"]);
    }
}
