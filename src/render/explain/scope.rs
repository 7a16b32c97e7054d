//! The parts of `explain` text that concern several listeners at once: the warnings that
//! several listeners share, printed once with a count instead of once per listener.

use std::collections::HashMap;

use crate::analysis::explain::ExplainedListener;
use crate::render::explain::words::code;
use crate::util::sanitize::sanitize;

/// How a listener is named in text: `` `name` ``, or "the unnamed listener on IP:PORT".
pub fn listener_label(l: &ExplainedListener) -> String {
    let e = &l.explanation;
    if e.name.is_empty() {
        format!("the unnamed listener on {}", place(l))
    } else {
        code(&e.name)
    }
}

/// `IP:PORT`, or `internal` for an internal listener.
pub fn place(l: &ExplainedListener) -> String {
    let e = &l.explanation;
    if e.address.is_empty() && e.port == 0 {
        "internal".to_string()
    } else {
        format!("{}:{}", sanitize(&e.address), e.port)
    }
}

/// Lines that appear in more than one listener's list, with the listeners that have each,
/// in first-seen order. Empty with fewer than two listeners.
pub fn shared_lines(per_listener: &[Vec<String>]) -> Vec<(String, Vec<usize>)> {
    if per_listener.len() < 2 {
        return Vec::new();
    }
    let mut order: Vec<String> = Vec::new();
    let mut owners: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, lines) in per_listener.iter().enumerate() {
        for line in lines {
            let entry = owners.entry(line.as_str()).or_default();
            if entry.last() != Some(&i) {
                if entry.is_empty() {
                    order.push(line.clone());
                }
                entry.push(i);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|line| {
            let who = owners.get(line.as_str())?.clone();
            (who.len() > 1).then_some((line, who))
        })
        .collect()
}

/// The closing block of shared lines: each once, with how many listeners and which.
pub fn shared_block(
    title: &str,
    shared: &[(String, Vec<usize>)],
    listeners: &[ExplainedListener],
) -> String {
    if shared.is_empty() {
        return String::new();
    }
    let mut s = format!("\n{title}\n");
    for (line, who) in shared {
        let names: Vec<String> = who
            .iter()
            .filter_map(|&i| listeners.get(i).map(listener_label))
            .collect();
        s.push_str(&format!(
            "- {line} ({} listeners: {})\n",
            who.len(),
            names.join(", ")
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|l| l.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn a_line_in_two_listeners_is_shared_once() {
        let got = shared_lines(&lines(&[&["a", "b"], &["b", "c"], &["b", "a"]]));
        assert_eq!(
            got,
            vec![
                ("a".to_string(), vec![0, 2]),
                ("b".to_string(), vec![0, 1, 2])
            ]
        );
    }

    #[test]
    fn a_line_repeated_within_one_listener_is_not_shared() {
        assert!(shared_lines(&lines(&[&["a", "a"], &["b"]])).is_empty());
        assert!(shared_lines(&lines(&[&["a", "a"]])).is_empty());
    }
}
