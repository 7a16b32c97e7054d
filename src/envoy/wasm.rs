//! Envoy's Wasm filter config as far as the model reads it: the type URLs, and the runtime
//! of a filter configured inline (directly or in a TypedStruct). Who owns a Wasm filter (the
//! user or Istio) is Istio knowledge and lives in `istio::wasm_filter`.

use serde::Deserialize;

use crate::envoy::filter::HttpFilter;
use crate::envoy::proto::Str;

/// Type URL of the HTTP Wasm filter config.
pub const HTTP_WASM_TYPE: &str = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";
/// Type URL of the network Wasm filter config.
pub const NETWORK_WASM_TYPE: &str =
    "type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm";
/// What both Wasm type URLs end with.
const WASM_TYPE_SUFFIX: &str = ".wasm.v3.Wasm";
/// Runtime of Istio's compiled-in extensions.
pub const NULL_RUNTIME: &str = "envoy.wasm.runtime.null";

/// Whether `type_url` is the HTTP or the network Wasm filter config.
pub fn is_wasm_type(type_url: &str) -> bool {
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

/// The ECDS type URLs of a filter delivered through ECDS name a Wasm config.
pub fn is_ecds_wasm(filter: &HttpFilter<'_>) -> Option<bool> {
    let cd = filter.config_discovery.as_ref()?;
    Some(cd.type_urls.iter().any(|t| is_wasm_type(t)))
}

/// The VM runtime of an inline Wasm filter (empty when unset); `None` when the filter's
/// `typed_config` is not a Wasm config.
pub fn inline_runtime(filter: &HttpFilter<'_>) -> Option<String> {
    inline_runtime_of(filter.typed_config?)
}

/// The VM runtime of an inline Wasm config, HTTP or network (empty when unset); `None`
/// when `raw` is not a Wasm config.
pub fn inline_runtime_of(raw: &serde_json::value::RawValue) -> Option<String> {
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
    Some(
        config
            .and_then(|c| c.vm_config)
            .map(|v| v.runtime.into_owned())
            .unwrap_or_default(),
    )
}
