//! Label matching as Kubernetes and Istio define it: a `matchLabels` map (WorkloadSelector,
//! PeerAuthentication and WasmPlugin `selector`, a Service's `spec.selector`) selects the
//! pods whose labels hold every one of its pairs. The one place that decides it; kubectl's
//! `-l` requirements (`source::selector`) test their `k=v` form here too.

use std::collections::BTreeMap;

/// Whether `labels` carry `key` with exactly `value`.
pub fn has_label(labels: &BTreeMap<String, String>, key: &str, value: &str) -> bool {
    labels.get(key).is_some_and(|v| v == value)
}

/// Whether `match_labels` is a subset of `labels`; an empty selector selects every pod.
pub fn selects(match_labels: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    match_labels.iter().all(|(k, v)| has_label(labels, k, v))
}

/// A label map from literal pairs, for tests across the crate.
#[cfg(test)]
pub(crate) fn label_map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subset_of_the_pod_labels() {
        let pod = label_map(&[("app", "web"), ("version", "v1")]);
        let cases = [
            (label_map(&[]), true),
            (label_map(&[("app", "web")]), true),
            (label_map(&[("app", "web"), ("version", "v1")]), true),
            (label_map(&[("app", "other")]), false),
            (label_map(&[("app", "web"), ("tier", "db")]), false),
        ];
        for (selector, want) in cases {
            assert_eq!(selects(&selector, &pod), want, "{selector:?}");
        }
    }
}
