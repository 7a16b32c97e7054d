//! Which HTTP filters are Wasm filters, and whether they are the user's or Istio's own
//! (DOMAIN.md §6.2): a user plugin comes through ECDS under Istio's plugin naming, or is an
//! inline Wasm filter that is not an Istio built-in. Envoy's side (type URLs, the inline
//! runtime) is read by `envoy::wasm`; this file adds Istio's naming on top.

use crate::envoy::filter::{HttpFilter, NetworkFilter, NetworkFilterConfig};
use crate::envoy::wasm::{
    NULL_RUNTIME, inline_runtime, inline_runtime_of, is_ecds_wasm, is_wasm_type,
};
use crate::istio::PluginRef;

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

/// Classifies an HTTP filter; `None` when it is not a Wasm filter.
pub fn classify(filter: &HttpFilter<'_>) -> Option<WasmFilter> {
    if let Some(wasm_typed) = is_ecds_wasm(filter) {
        let plugin = PluginRef::from_ecds_name(&filter.name, wasm_typed);
        return (plugin.is_some() || wasm_typed).then_some(WasmFilter::Ecds { plugin });
    }
    inline_runtime(filter).map(|runtime| WasmFilter::Inline { runtime })
}

/// Classifies a network (L4) filter the same way: a Wasm plugin of `type: NETWORK` comes
/// through ECDS as a network filter (`envoy.extensions.filters.network.wasm.v3.Wasm`), or
/// is configured inline; `None` when it is not a Wasm filter.
pub fn classify_network(filter: &NetworkFilter<'_>) -> Option<WasmFilter> {
    if let Some(cd) = &filter.config_discovery {
        let wasm_typed = cd.type_urls.iter().any(|t| is_wasm_type(t));
        let plugin = PluginRef::from_ecds_name(&filter.name, wasm_typed);
        return (plugin.is_some() || wasm_typed).then_some(WasmFilter::Ecds { plugin });
    }
    match &filter.config {
        NetworkFilterConfig::Other(raw) => {
            inline_runtime_of(raw).map(|runtime| WasmFilter::Inline { runtime })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(json: &str) -> HttpFilter<'_> {
        serde_json::from_str(json).unwrap()
    }

    /// A `type: NETWORK` WasmPlugin: through ECDS with the network Wasm type, or inline.
    #[test]
    fn classifies_network_filters() {
        let ecds: NetworkFilter<'_> = serde_json::from_str(
            r#"{"name":"extensions.istio.io/wasmplugin/default.tcp-audit","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm"]}}"#,
        )
        .unwrap();
        let w = classify_network(&ecds).unwrap();
        assert!(matches!(&w, WasmFilter::Ecds { plugin: Some(p) } if p.name == "tcp-audit"));
        assert!(!w.is_builtin(&ecds.name));
        let inline: NetworkFilter<'_> = serde_json::from_str(
            r#"{"name":"audit","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm",
                "config":{"vm_config":{"runtime":"envoy.wasm.runtime.v8"}}}}"#,
        )
        .unwrap();
        assert_eq!(
            classify_network(&inline),
            Some(WasmFilter::Inline {
                runtime: "envoy.wasm.runtime.v8".into()
            })
        );
        let tcp: NetworkFilter<'_> = serde_json::from_str(
            r#"{"name":"envoy.filters.network.tcp_proxy","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy","cluster":"c"}}"#,
        )
        .unwrap();
        assert_eq!(classify_network(&tcp), None);
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
