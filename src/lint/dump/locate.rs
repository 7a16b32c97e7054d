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
    #[serde(borrow, default, alias = "filterChainMatch")]
    filter_chain_match: Option<&'a RawValue>,
    #[serde(borrow, default)]
    filters: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct FilterRaw<'a> {
    #[serde(borrow, default)]
    name: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "typedConfig")]
    typed_config: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct HcmRaw<'a> {
    #[serde(borrow, default, alias = "httpFilters")]
    http_filters: Vec<&'a RawValue>,
}

/// The raw JSON of one filter: the object, and its `name` value (where a message about
/// the filter points).
#[derive(Debug, Clone, Copy)]
pub struct FilterSpan<'a> {
    /// The filter object.
    pub object: &'a RawValue,
    /// Its `name` value.
    pub name: Option<&'a RawValue>,
}

impl<'a> FilterSpan<'a> {
    /// The name when there is one, else the object.
    pub fn best(&self) -> &'a RawValue {
        self.name.unwrap_or(self.object)
    }
}

/// The raw JSON of one chain: the chain itself, its match, its network filters, and the
/// HTTP filters of each of its HTTP connection managers (in network filter order).
#[derive(Debug, Clone, Default)]
pub struct ChainSpans<'a> {
    /// The chain object.
    pub chain: Option<&'a RawValue>,
    /// The `filter_chain_match` value.
    pub chain_match: Option<&'a RawValue>,
    /// Network filters in order.
    pub filters: Vec<FilterSpan<'a>>,
    /// `http_filters` of each HCM, each list in order.
    pub hcms: Vec<Vec<FilterSpan<'a>>>,
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
    let Ok(chain) = serde_json::from_str::<ChainRaw<'_>>(raw.get()) else {
        return ChainSpans {
            chain: Some(raw),
            ..ChainSpans::default()
        };
    };
    let mut filters = Vec::new();
    let mut hcms = Vec::new();
    for object in chain.filters {
        let fields = serde_json::from_str::<FilterRaw<'_>>(object.get()).ok();
        let name = fields.as_ref().and_then(|f| f.name);
        filters.push(FilterSpan { object, name });
        let is_hcm = name.is_some_and(|n| {
            serde_json::from_str::<std::borrow::Cow<'_, str>>(n.get()).is_ok_and(|s| s == HCM_NAME)
        });
        if let Some(tc) = fields.and_then(|f| f.typed_config).filter(|_| is_hcm) {
            hcms.push(http_spans(tc));
        }
    }
    ChainSpans {
        chain: Some(raw),
        chain_match: chain.filter_chain_match,
        filters,
        hcms,
    }
}

fn http_spans(hcm: &RawValue) -> Vec<FilterSpan<'_>> {
    serde_json::from_str::<HcmRaw<'_>>(hcm.get())
        .map(|h| h.http_filters)
        .unwrap_or_default()
        .into_iter()
        .map(|object| FilterSpan {
            object,
            name: serde_json::from_str::<FilterRaw<'_>>(object.get())
                .ok()
                .and_then(|f| f.name),
        })
        .collect()
}

/// Byte offset of `inner` (a slice of `text`) inside `text`.
pub fn offset_in(text: &[u8], inner: &RawValue) -> Option<usize> {
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
        assert_eq!(spans.chains[0].filters.len(), 1);
        let b = spans.chains[0].hcms[0][1];
        assert_eq!(b.object.get(), r#"{"name":"b"}"#);
        let off = offset_in(text.as_bytes(), b.best()).unwrap();
        assert!(text[off..].starts_with(r#""b"}"#));
        assert!(spans.default_chain.is_some());
        assert!(spans.chains[1].hcms.is_empty());
    }
}
