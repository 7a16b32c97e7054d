//! Evaluates a `filter_chain_matcher` tree for one connection (DOMAIN.md §2.4; Envoy doc
//! "Matching filter chains in listeners"): exact and prefix maps, the IP-range and server-name
//! custom matchers, matcher lists with their predicates, nested matchers and `on_no_match`.
//!
//! A nested matcher that fails (and has no `on_no_match`) fails its parent; no other key is
//! retried. Pure: returns the chain name the tree selects and the steps taken.

use std::net::IpAddr;

use crate::analysis::explain::chain_select::Connection;
use crate::analysis::explain::chain_select::wildcard_rank;
use crate::analysis::listener::matcher_paths::{cidr, input_name};
use crate::envoy::matcher::{
    Matcher, MatcherTree, OnMatch, Predicate, StringMatcher, TypedExtensionConfig,
};

/// The matcher's answer for a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatcherResult {
    /// The chain name of the action reached, `None` when the tree does not match.
    pub chain_name: Option<String>,
    /// The steps taken, as `input=value` texts (`UNMATCHED` for an on-no-match step).
    pub path: Vec<String>,
    /// Inputs the tree reads that this simulation cannot supply (filter state, metadata...).
    pub unsupported: Vec<String>,
}

/// Evaluates `matcher` for `conn`.
pub fn evaluate_matcher(matcher: &Matcher<'_>, conn: &Connection) -> MatcherResult {
    let mut eval = Eval {
        conn,
        path: Vec::new(),
        unsupported: Vec::new(),
    };
    let chain_name = eval.matcher(matcher);
    MatcherResult {
        chain_name,
        path: eval.path,
        unsupported: eval.unsupported,
    }
}

/// The value an input yields for the connection; `None` = no data.
pub fn input_value(
    input: &TypedExtensionConfig<'_>,
    conn: &Connection,
) -> Result<Option<String>, String> {
    let type_url = input.type_url();
    let short = type_url.rsplit('.').next().unwrap_or_default();
    // Istio names its inputs (pilot/pkg/networking/core/match/match.go); the type decides.
    let kind = if short.is_empty() {
        input.name.as_ref()
    } else {
        short
    };
    Ok(match kind {
        "DestinationIPInput" | "ip" => Some(conn.dst_ip.to_string()),
        "DestinationPortInput" | "port" => Some(conn.dst_port.to_string()),
        "SourceIPInput" | "source-ip" => Some(conn.src_ip.to_string()),
        "SourcePortInput" | "source-port" => Some(conn.src_port.to_string()),
        "DirectSourceIPInput" => Some(conn.direct_src_ip.to_string()),
        "SourceTypeInput" => conn.src_local.then(|| "local".to_string()),
        "ServerNameInput" | "sni" => conn.server_name.clone().filter(|s| !s.is_empty()),
        "TransportProtocolInput" | "transport-protocol" => Some(conn.transport.clone()),
        "ApplicationProtocolInput" | "application-protocol" => (!conn.alpn.is_empty()).then(|| {
            let quoted: Vec<String> = conn.alpn.iter().map(|a| format!("'{a}'")).collect();
            quoted.join(",")
        }),
        other => {
            return Err(if other.is_empty() {
                "unnamed input".to_string()
            } else {
                other.to_string()
            });
        }
    })
}

struct Eval<'c> {
    conn: &'c Connection,
    path: Vec<String>,
    unsupported: Vec<String>,
}

impl Eval<'_> {
    fn matcher(&mut self, m: &Matcher<'_>) -> Option<String> {
        if let Some(tree) = &m.matcher_tree {
            if let Some(found) = self.tree(tree) {
                // A key matched: its result is final, whether it selects a chain or not.
                return found;
            }
        } else if let Some(list) = &m.matcher_list {
            for fm in &list.matchers {
                if self.predicate(&fm.predicate) {
                    self.path.push(predicate_label(&fm.predicate));
                    return self.on_match(&fm.on_match);
                }
            }
        }
        let on_no_match = m.on_no_match.as_ref()?;
        if let Some(tree) = &m.matcher_tree {
            self.path
                .push(format!("{}=UNMATCHED", input_name(&tree.input)));
        } else if m.matcher_list.is_some() {
            self.path.push("UNMATCHED".to_string());
        }
        self.on_match(on_no_match)
    }

    fn on_match(&mut self, on_match: &OnMatch<'_>) -> Option<String> {
        if let Some(action) = &on_match.action {
            return Some(action.chain_name().to_string());
        }
        self.matcher(on_match.matcher.as_deref()?)
    }

    /// `None`: no key matched (the caller falls back to `on_no_match`); `Some(r)`: a key
    /// matched and `r` is what its branch produced.
    fn tree(&mut self, tree: &MatcherTree<'_>) -> Option<Option<String>> {
        let label = input_name(&tree.input);
        let value = match input_value(&tree.input, self.conn) {
            Ok(v) => v?,
            Err(name) => {
                self.unsupported.push(name);
                return None;
            }
        };
        if let Some(map) = &tree.exact_match_map {
            let (_, on_match) = map.map.0.iter().find(|(k, _)| k.as_ref() == value)?;
            self.path.push(format!("{label}={value}"));
            return Some(self.on_match(on_match));
        }
        if let Some(map) = &tree.prefix_match_map {
            let (key, on_match) = map
                .map
                .0
                .iter()
                .filter(|(k, _)| value.starts_with(k.as_ref()))
                .max_by_key(|(k, _)| k.len())?;
            self.path.push(format!("{label}^{key}"));
            return Some(self.on_match(on_match));
        }
        let custom = tree.custom_match.as_ref()?;
        let config = &custom.typed_config;
        if !config.range_matchers.is_empty() {
            let ip: IpAddr = value.parse().ok()?;
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
            // range is always tried; a shorter one only when it is not `exclusive`. When every
            // tried range fails, the matcher's own `on_no_match` applies (Envoy's TrieMatcher).
            hits.sort_by_key(|(len, ..)| std::cmp::Reverse(*len));
            for (n, (_, range, exclusive, on_match)) in hits.into_iter().enumerate() {
                if n > 0 && exclusive {
                    continue;
                }
                let mark = self.path.len();
                self.path.push(format!("{label}={range}"));
                if let Some(name) = self.on_match(on_match) {
                    return Some(Some(name));
                }
                self.path.truncate(mark);
            }
            return None;
        }
        if !config.domain_matchers.is_empty() {
            let (domain, on_match) = best_domain(config, &value)?;
            self.path.push(format!("{label}={domain}"));
            return Some(self.on_match(on_match));
        }
        None
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
            return match (&single.value_match, value) {
                (Some(sm), Some(v)) => string_matches(sm, &v).unwrap_or_else(|| {
                    self.unsupported.push("regular expression".into());
                    false
                }),
                (None, _) => {
                    self.unsupported.push("custom predicate".into());
                    false
                }
                (_, None) => false,
            };
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

/// Exact domain first, then the longest wildcard suffix (`ServerNameMatcher`).
fn best_domain<'m, 'a>(
    config: &'m crate::envoy::matcher::CustomMatchConfig<'a>,
    sni: &str,
) -> Option<(String, &'m OnMatch<'a>)> {
    let mut best: Option<(u32, String, &OnMatch<'a>)> = None;
    for dm in &config.domain_matchers {
        let Some(on_match) = &dm.on_match else {
            continue;
        };
        for d in &dm.domains {
            let Some(rank) = wildcard_rank(d, sni) else {
                continue;
            };
            if best.as_ref().is_none_or(|(r, _, _)| rank > *r) {
                best = Some((rank, d.to_string(), on_match));
            }
        }
    }
    best.map(|(_, d, m)| (d, m))
}

/// `None` when the matcher needs a regular expression (not evaluated here).
fn string_matches(sm: &StringMatcher<'_>, value: &str) -> Option<bool> {
    let norm = |s: &str| {
        if sm.ignore_case {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    };
    let v = norm(value);
    if let Some(e) = &sm.exact {
        return Some(v == norm(e));
    }
    if let Some(p) = &sm.prefix {
        return Some(v.starts_with(&norm(p)));
    }
    if let Some(s) = &sm.suffix {
        return Some(v.ends_with(&norm(s)));
    }
    if let Some(c) = &sm.contains {
        return Some(v.contains(&norm(c)));
    }
    sm.safe_regex.as_ref().map_or(Some(false), |_| None)
}

fn predicate_label(p: &Predicate<'_>) -> String {
    match &p.single_predicate {
        Some(s) => format!("{} matched", input_name(&s.input)),
        None => "predicate matched".to_string(),
    }
}

#[cfg(test)]
mod tests;
