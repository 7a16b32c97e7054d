//! Where a listener's chains and filters sit in the dump text. The typed model keeps no
//! positions, so the listener's raw JSON is walked a second time, keeping every chain and
//! filter as a borrowed `RawValue`: its address inside the text is its position.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::filter::HCM_NAME;

#[derive(Deserialize)]
struct ListenerRaw<'a> {
    #[serde(borrow, default, alias = "filterChains")]
    filter_chains: Vec<&'a RawValue>,
    #[serde(borrow, default, alias = "defaultFilterChain")]
    default_filter_chain: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct ChainRaw<'a> {
    #[serde(borrow, default)]
    filters: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct FilterRaw<'a> {
    #[serde(borrow, default)]
    name: std::borrow::Cow<'a, str>,
    #[serde(borrow, default, alias = "typedConfig")]
    typed_config: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct HcmRaw<'a> {
    #[serde(borrow, default, alias = "httpFilters")]
    http_filters: Vec<&'a RawValue>,
}

/// The raw JSON of one chain: the chain itself, and the HTTP filters of each of its
/// HTTP connection managers (in network filter order; other network filters are skipped).
#[derive(Debug, Clone, Default)]
pub struct ChainSpans<'a> {
    /// The chain object.
    pub chain: Option<&'a RawValue>,
    /// `http_filters` of each HCM, each list in order.
    pub hcms: Vec<Vec<&'a RawValue>>,
}

/// The chains of one listener: `filter_chains` in order, then the default chain.
#[derive(Debug, Clone, Default)]
pub struct ListenerSpans<'a> {
    /// One per `filter_chains` entry.
    pub chains: Vec<ChainSpans<'a>>,
    /// The default chain, when the listener has one.
    pub default_chain: Option<ChainSpans<'a>>,
}

/// Walks a listener's raw JSON. A shape that does not decode yields no spans (positions
/// then fall back to the listener's own).
pub fn listener_spans(raw: &RawValue) -> ListenerSpans<'_> {
    let Ok(l) = serde_json::from_str::<ListenerRaw<'_>>(raw.get()) else {
        return ListenerSpans::default();
    };
    ListenerSpans {
        chains: l.filter_chains.into_iter().map(chain_spans).collect(),
        default_chain: l.default_filter_chain.map(chain_spans),
    }
}

fn chain_spans(raw: &RawValue) -> ChainSpans<'_> {
    let filters = serde_json::from_str::<ChainRaw<'_>>(raw.get())
        .map(|c| c.filters)
        .unwrap_or_default();
    let hcms = filters
        .into_iter()
        .filter_map(|f| serde_json::from_str::<FilterRaw<'_>>(f.get()).ok())
        .filter(|f| f.name == HCM_NAME)
        .filter_map(|f| f.typed_config)
        .map(|tc| {
            serde_json::from_str::<HcmRaw<'_>>(tc.get())
                .map(|h| h.http_filters)
                .unwrap_or_default()
        })
        .collect();
    ChainSpans {
        chain: Some(raw),
        hcms,
    }
}

/// Byte offset of `inner` (a slice of `text`) inside `text`.
pub fn offset_in(text: &str, inner: &RawValue) -> Option<usize> {
    let start = text.as_ptr() as usize;
    let at = inner.get().as_ptr() as usize;
    (at >= start && at <= start + text.len()).then(|| at - start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_chains_and_http_filters() {
        let text = r#"{"filterChains":[{"filters":[{"name":"envoy.filters.network.http_connection_manager",
            "typedConfig":{"httpFilters":[{"name":"a"},{"name":"b"}]}}]},{"filters":[]}],
            "default_filter_chain":{"name":"d"}}"#;
        let raw: &RawValue = serde_json::from_str(text).unwrap();
        let spans = listener_spans(raw);
        assert_eq!(spans.chains.len(), 2);
        assert_eq!(spans.chains[0].hcms[0].len(), 2);
        let b = spans.chains[0].hcms[0][1];
        assert_eq!(b.get(), r#"{"name":"b"}"#);
        let off = offset_in(text, b).unwrap();
        assert!(text[off..].starts_with(r#"{"name":"b"}"#));
        assert!(spans.default_chain.is_some());
        assert!(spans.chains[1].hcms.is_empty());
    }
}
