//! Every branch of a `filter_chain_matcher` that leads to a chain, written with istioctl's
//! `--waypoint` conventions (DOMAIN.md §4.4): `input=value` steps joined by ` -> `, `^` for
//! prefix maps, CIDRs for IP ranges (bare IPs for /32 and /128), `UNMATCHED` for an
//! on-no-match step, `ANY` for a matcher that takes everything.

use std::collections::BTreeMap;

use crate::envoy::CidrRange;
use crate::envoy::matcher::{Matcher, OnMatch, Predicate, TypedExtensionConfig};

/// Chain name → the branches (each a rendered path) that select it, in matcher order.
pub fn matcher_branches(matcher: &Matcher<'_>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    walk(matcher, &mut Vec::new(), &mut out);
    out
}

fn walk(m: &Matcher<'_>, path: &mut Vec<String>, out: &mut BTreeMap<String, Vec<String>>) {
    let mut input_label = String::new();
    if let Some(tree) = &m.matcher_tree {
        input_label = input_name(&tree.input);
        for (map, sep) in [(&tree.exact_match_map, "="), (&tree.prefix_match_map, "^")] {
            for (key, on_match) in map.iter().flat_map(|m| m.map.0.iter()) {
                step(on_match, format!("{input_label}{sep}{key}"), path, out);
            }
        }
        if let Some(custom) = &tree.custom_match {
            for rm in &custom.typed_config.range_matchers {
                for range in &rm.ranges {
                    if let Some(on_match) = &rm.on_match {
                        step(
                            on_match,
                            format!("{input_label}={}", cidr(range)),
                            path,
                            out,
                        );
                    }
                }
            }
            for dm in &custom.typed_config.domain_matchers {
                for domain in &dm.domains {
                    if let Some(on_match) = &dm.on_match {
                        step(on_match, format!("{input_label}={domain}"), path, out);
                    }
                }
            }
        }
    }
    if let Some(list) = &m.matcher_list {
        for fm in &list.matchers {
            step(&fm.on_match, predicate_text(&fm.predicate), path, out);
        }
    }
    if let Some(on_no_match) = &m.on_no_match {
        let label = if input_label.is_empty() {
            "UNMATCHED".to_string()
        } else {
            format!("{input_label}=UNMATCHED")
        };
        let no_selector = m.matcher_tree.is_none() && m.matcher_list.is_none();
        if no_selector {
            // Nothing to test at this level: everything that reaches it goes on.
            visit(on_no_match, path, out);
        } else {
            step(on_no_match, label, path, out);
        }
    }
}

fn step(
    on_match: &OnMatch<'_>,
    label: String,
    path: &mut Vec<String>,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    path.push(label);
    visit(on_match, path, out);
    path.pop();
}

fn visit(on_match: &OnMatch<'_>, path: &mut Vec<String>, out: &mut BTreeMap<String, Vec<String>>) {
    if let Some(action) = &on_match.action {
        let rendered = if path.is_empty() {
            "ANY".to_string()
        } else {
            path.join(" -> ")
        };
        out.entry(action.chain_name().to_string())
            .or_default()
            .push(rendered);
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
    let len = range.prefix_len();
    let is_host = (len == 32 && !range.address_prefix.contains(':'))
        || (len == 128 && range.address_prefix.contains(':'));
    if is_host {
        range.address_prefix.to_string()
    } else {
        format!("{}/{}", range.address_prefix, len)
    }
}

fn predicate_text(p: &Predicate<'_>) -> String {
    if let Some(single) = &p.single_predicate {
        let input = input_name(&single.input);
        let value = single.value_match.as_ref().map(|v| {
            if let Some(e) = &v.exact {
                format!("={e}")
            } else if let Some(pre) = &v.prefix {
                format!("^{pre}")
            } else if let Some(s) = &v.suffix {
                format!("=*{s}")
            } else if let Some(c) = &v.contains {
                format!("=*{c}*")
            } else if let Some(r) = &v.safe_regex {
                format!("=~{}", r.regex)
            } else {
                "=?".to_string()
            }
        });
        return format!("{input}{}", value.unwrap_or_else(|| "=custom".into()));
    }
    let join = |list: &crate::envoy::matcher::PredicateList<'_>, op: &str| {
        let parts: Vec<String> = list.predicate.iter().map(predicate_text).collect();
        format!("({})", parts.join(op))
    };
    if let Some(or) = &p.or_matcher {
        return join(or, " or ");
    }
    if let Some(and) = &p.and_matcher {
        return join(and, " and ");
    }
    if let Some(not) = &p.not_matcher {
        return format!("not {}", predicate_text(not));
    }
    "ANY".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            b["a"],
            ["ip=10.0.0.1 -> port=80", "ip=10.1.0.0/16 -> port=80"]
        );
        assert_eq!(
            b["b"],
            [
                "ip=10.0.0.1 -> port=UNMATCHED",
                "ip=10.1.0.0/16 -> port=UNMATCHED"
            ]
        );
        assert_eq!(b["c"], ["ip=UNMATCHED"]);
    }

    #[test]
    fn bare_on_no_match_is_any() {
        let m: Matcher =
            serde_json::from_str(r#"{"on_no_match":{"action":{"name":"x"}}}"#).unwrap();
        assert_eq!(matcher_branches(&m)["x"], ["ANY"]);
    }
}
