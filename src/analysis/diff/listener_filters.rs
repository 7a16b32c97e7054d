//! Listener filters compared (DOMAIN.md §5.6): which inspectors run, and for which ports
//! they are disabled. A changed predicate shows as the old entry removed and the new added.

use crate::envoy::listener::{ListenerFilter, ListenerFilterChainMatchPredicate as Predicate};

use super::chain::Change;

/// `[80,81)`, `or([80,81), [15006,15007))`, …
pub fn predicate_text(p: &Predicate) -> String {
    let list = |rules: &[Predicate]| {
        rules
            .iter()
            .map(predicate_text)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match p {
        Predicate::OrMatch(set) => format!("or({})", list(&set.rules)),
        Predicate::AndMatch(set) => format!("and({})", list(&set.rules)),
        Predicate::NotMatch(inner) => format!("not({})", predicate_text(inner)),
        Predicate::AnyMatch(any) => format!("any={any}"),
        Predicate::DestinationPortRange(r) => format!("[{},{})", r.start, r.end),
    }
}

/// One listener filter as the diff compares it: its name, and where it is disabled.
pub fn listener_filter_text(f: &ListenerFilter<'_>) -> String {
    match &f.filter_disabled {
        Some(p) => format!("{} (disabled on {})", f.name, predicate_text(p)),
        None => f.name.to_string(),
    }
}

/// The difference between two listener filter lists, if any.
pub fn compare_listener_filters(before: &[String], after: &[String]) -> Option<Change> {
    (before != after).then(|| super::chain::filters_change(before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_predicates_and_changes() {
        let f: ListenerFilter = serde_json::from_str(
            r#"{"name":"envoy.filters.listener.http_inspector","filter_disabled":{"or_match":{"rules":[
              {"destination_port_range":{"start":80,"end":81}},
              {"not_match":{"destination_port_range":{"start":15006,"end":15007}}}]}}}"#,
        )
        .unwrap();
        let text = listener_filter_text(&f);
        assert_eq!(
            text,
            "envoy.filters.listener.http_inspector (disabled on or([80,81), not([15006,15007))))"
        );
        let before = vec!["a".to_string(), text];
        let after = vec!["a".to_string()];
        assert!(matches!(
            compare_listener_filters(&before, &after),
            Some(Change::Filters { removed, .. }) if removed.len() == 1
        ));
        assert_eq!(compare_listener_filters(&after, &after), None);
    }
}
