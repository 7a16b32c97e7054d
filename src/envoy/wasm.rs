//! Which HTTP filters are Wasm filters, and whether they are the user's or Istio's own
//! (DOMAIN.md §6.2): a user plugin comes through ECDS under Istio's plugin naming, or is an
//! inline Wasm filter that is not an Istio built-in.

use serde::Deserialize;

use crate::envoy::filter::HttpFilter;
use crate::envoy::proto::Str;
use crate::istio::PluginRef;

/// Type URL of the HTTP Wasm filter config.
pub const HTTP_WASM_TYPE: &str = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
/// Type URL of the network Wasm filter config.
pub const NETWORK_WASM_TYPE: &str =
    "type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm";
/// What both Wasm type URLs end with.
const WASM_TYPE_SUFFIX: &str = ".wasm.v3.Wasm";
/// Runtime of Istio's compiled-in extensions.
pub const NULL_RUNTIME: &str = "envoy.wasm.runtime.null";

/// How a Wasm filter is delivered and who owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WasmFilter {
    /// Delivered through ECDS; `plugin` is the Istio resource its name decodes to.
    Ecds { plugin: Option<PluginRef> },
    /// Configured inline in the listener.
    Inline { runtime: String },
}

impl WasmFilter {
    /// Istio's own extensions: the null VM, or names starting `istio.` / `istio.io/`.
    pub fn is_builtin(&self, filter_name: &str) -> bool {
        let istio_name = filter_name.starts_with("istio.") || filter_name.starts_with("istio.io/");
        match self {
            WasmFilter::Ecds { plugin } => plugin.is_none() && istio_name,
            WasmFilter::Inline { runtime } => runtime == NULL_RUNTIME || istio_name,
        }
    }
}

fn is_wasm_type(type_url: &str) -> bool {
    type_url == HTTP_WASM_TYPE || type_url == NETWORK_WASM_TYPE
}

#[derive(Deserialize)]
struct InlineWasm<'a> {
    #[serde(borrow, default, rename = "@type")]
    type_url: Str<'a>,
    /// TypedStruct: the real type.
    #[serde(borrow, default, rename = "type_url", alias = "typeUrl")]
    type_url_inner: Option<Str<'a>>,
    #[serde(borrow, default)]
    config: Option<WasmConfig<'a>>,
    /// TypedStruct: the config itself.
    #[serde(borrow, default)]
    value: Option<TypedStructWasm<'a>>,
}

#[derive(Deserialize)]
struct TypedStructWasm<'a> {
    #[serde(borrow, default)]
    config: Option<WasmConfig<'a>>,
}

#[derive(Deserialize)]
struct WasmConfig<'a> {
    #[serde(borrow, default, alias = "vmConfig")]
    vm_config: Option<VmConfig<'a>>,
}

#[derive(Deserialize)]
struct VmConfig<'a> {
    #[serde(borrow, default)]
    runtime: Str<'a>,
}

/// Classifies an HTTP filter; `None` when it is not a Wasm filter.
pub fn classify(filter: &HttpFilter<'_>) -> Option<WasmFilter> {
    if let Some(cd) = &filter.config_discovery {
        let wasm_typed = cd.type_urls.iter().any(|t| is_wasm_type(t));
        let plugin = PluginRef::from_ecds_name(&filter.name, wasm_typed);
        return (plugin.is_some() || wasm_typed).then_some(WasmFilter::Ecds { plugin });
    }
    let raw = filter.typed_config?;
    // Most filters are not Wasm: a config whose text names no Wasm type and holds no escape
    // (which could spell one) is not, without parsing it again.
    if !raw.get().contains(WASM_TYPE_SUFFIX) && !raw.get().contains('\\') {
        return None;
    }
    // The `typed_config` is the filter's own; one that does not decode is simply not Wasm.
    let inline: InlineWasm = serde_json::from_str(raw.get()).ok()?;
    let real_type = match inline.type_url_inner.as_deref() {
        Some(inner) if inline.type_url.ends_with("TypedStruct") => inner,
        _ => &inline.type_url,
    };
    if !is_wasm_type(real_type) {
        return None;
    }
    let config = inline.config.or(inline.value.and_then(|v| v.config));
    let runtime = config
        .and_then(|c| c.vm_config)
        .map(|v| v.runtime.into_owned())
        .unwrap_or_default();
    Some(WasmFilter::Inline { runtime })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(json: &str) -> HttpFilter<'_> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn classifies_filters() {
        let ecds_112 = filter(
            r#"{"name":"default.helloworld","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}}"#,
        );
        let w = classify(&ecds_112).unwrap();
        assert!(matches!(&w, WasmFilter::Ecds { plugin: Some(p) } if p.name == "helloworld"));
        assert!(!w.is_builtin(&ecds_112.name));

        let stats = filter(
            r#"{"name":"istio.stats","typed_config":{"@type":"type.googleapis.com/udpa.type.v1.TypedStruct",
                "type_url":"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
                "value":{"config":{"vm_config":{"runtime":"envoy.wasm.runtime.null"}}}}}"#,
        );
        let w = classify(&stats).unwrap();
        assert!(w.is_builtin(&stats.name));

        let user_inline = filter(
            r#"{"name":"my-filter","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
                "config":{"vm_config":{"runtime":"envoy.wasm.runtime.v8"}}}}"#,
        );
        assert!(!classify(&user_inline).unwrap().is_builtin("my-filter"));

        // The type spelled with an escape still counts (the text search alone would miss it).
        let escaped = filter(
            r#"{"name":"my-filter","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.\u0057asm"}}"#,
        );
        assert!(classify(&escaped).is_some());

        let router = filter(
            r#"{"name":"envoy.filters.http.router","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}"#,
        );
        assert_eq!(classify(&router), None);

        let telemetry_ecds = filter(
            r#"{"name":"istio.io/telemetry/stats/prometheus/sidecar/Inbound/HTTP","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}}"#,
        );
        assert!(
            classify(&telemetry_ecds)
                .unwrap()
                .is_builtin(&telemetry_ecds.name)
        );
    }
}
