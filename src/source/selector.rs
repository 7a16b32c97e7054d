//! kubectl's `-l` label selectors, evaluated locally. A live fleet hands the selector to the
//! API server; a bug report has no server, so the pods it lists are matched here, with the
//! API server's semantics (k8s.io/apimachinery `labels.Parse`): comma-separated
//! requirements, all of which must hold; `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
//! `k notin (a,b)`, `k`, `!k`. `!=` and `notin` also match pods without the key.

use std::collections::BTreeMap;

use crate::istio::selector::has_label;

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed `-l` selector; the empty selector matches every pod.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector(Vec<Requirement>);

impl LabelSelector {
    /// Parses `text`; the error says what is wrong, for `SELECTOR: not a label selector: …`.
    pub fn parse(text: &str) -> Result<LabelSelector, String> {
        split_top_level(text)?
            .into_iter()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(requirement)
            .collect::<Result<_, _>>()
            .map(LabelSelector)
    }

    /// Whether every requirement holds for `labels`.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.0.iter().all(|r| match r {
            Requirement::Equals(k, v) => has_label(labels, k, v),
            Requirement::NotEquals(k, v) => !has_label(labels, k, v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|l| !vs.contains(l)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::NotExists(k) => !labels.contains_key(k),
        })
    }
}

/// Splits at the commas that separate requirements (not those inside `(…)` value sets).
fn split_top_level(text: &str) -> Result<Vec<&str>, String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '(' if depth == 0 => depth = 1,
            '(' => return Err("nested '('".to_string()),
            ')' if depth == 1 => depth = 0,
            ')' => return Err("')' without '('".to_string()),
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("'(' without ')'".to_string());
    }
    parts.push(&text[start..]);
    Ok(parts)
}

fn requirement(term: &str) -> Result<Requirement, String> {
    if let Some(key) = term.strip_prefix('!') {
        return Ok(Requirement::NotExists(key_of(key.trim())?));
    }
    if let Some(open) = term.find('(') {
        let head: Vec<&str> = term[..open].split_whitespace().collect();
        let close = term
            .rfind(')')
            .filter(|c| term[c + 1..].trim().is_empty())
            .ok_or_else(|| format!("{term:?}: expected ')' at the end"))?;
        let values = term[open + 1..close]
            .split(',')
            .map(|v| value_of(v.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        return match head.as_slice() {
            [key, "in"] => Ok(Requirement::In(key_of(key)?, values)),
            [key, "notin"] => Ok(Requirement::NotIn(key_of(key)?, values)),
            _ => Err(format!("{term:?}: expected KEY in (…) or KEY notin (…)")),
        };
    }
    // `!=` and `==` before `=`, so their second character is not read as part of the value.
    for (op, not) in [("!=", true), ("==", false), ("=", false)] {
        if let Some((key, value)) = term.split_once(op) {
            let (key, value) = (key_of(key.trim())?, value_of(value.trim())?);
            return Ok(if not {
                Requirement::NotEquals(key, value)
            } else {
                Requirement::Equals(key, value)
            });
        }
    }
    Ok(Requirement::Exists(key_of(term)?))
}

/// A label key: `[prefix/]name`, no blanks or operator characters.
fn key_of(key: &str) -> Result<String, String> {
    if key.is_empty() {
        return Err("empty label key".to_string());
    }
    if key
        .chars()
        .any(|c| c.is_whitespace() || "=!(),".contains(c))
    {
        return Err(format!("{key:?} is not a label key"));
    }
    Ok(key.to_string())
}

/// A label value (may be empty).
fn value_of(value: &str) -> Result<String, String> {
    if value
        .chars()
        .any(|c| c.is_whitespace() || "=!(),".contains(c))
    {
        return Err(format!("{value:?} is not a label value"));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        crate::istio::selector::label_map(pairs)
    }

    #[test]
    fn evaluates_as_the_api_server_does() {
        let pod = labels(&[("app", "httpbin"), ("version", "v1")]);
        let cases = [
            ("", true),
            ("app=httpbin", true),
            ("app==httpbin", true),
            ("app=other", false),
            ("app!=other", true),
            ("tier!=web", true),
            ("app in (a, httpbin)", true),
            ("app in (a,b)", false),
            ("tier in (a)", false),
            ("version notin (v2,v3)", true),
            ("tier notin (x)", true),
            ("app", true),
            ("tier", false),
            ("!tier", true),
            ("!app", false),
            ("app=httpbin,version in (v1),!tier", true),
            ("app=httpbin, version=v2", false),
        ];
        for (text, want) in cases {
            let selector = LabelSelector::parse(text).unwrap();
            assert_eq!(selector.matches(&pod), want, "{text}");
        }
    }

    #[test]
    fn rejects_what_the_api_server_rejects() {
        for text in [
            "=x",
            "a in (b",
            "a in b)",
            "a within (b)",
            "a b",
            "a=b c",
            "!",
        ] {
            assert!(LabelSelector::parse(text).is_err(), "{text}");
        }
    }
}
