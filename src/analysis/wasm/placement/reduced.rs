//! Listeners reduced, while the dump is read, to what placing Wasm filters needs.
//!
//! `wasm count` reads every listener of a dump. Held decoded all at once, a big dump's
//! listeners took many small allocations (BENCHMARKS.md) that were faulted in, then freed
//! one by one at exit. Decoded into [`ListenerChains`] inside the loader's one pass instead, each
//! listener keeps only its chains' matches and Wasm filters, and the rest of it is freed
//! while it is still in the cache. Commands that hold decoded listeners anyway (lint
//! `--dump`, diff) reduce them with `From<&Listener>`, so both come to the same sites.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::site::ProxyKind;
use super::site::{
    ChainSite, FilterLevel, Site, SiteFilter, classify_network, classify_network_parts, collect,
    direction_of, site_of,
};
use crate::envoy::dump::plain_paths::FastPath;
use crate::envoy::dump::{Document, Dump, ListenerBody, Sections};
use crate::envoy::filter::{
    FilterConfig, FilterFields, NetworkFilter, NetworkFilterConfig, is_blackhole,
};
use crate::envoy::load_error::LoadError;
use crate::envoy::proto::{self, Str};
use crate::envoy::{
    Address, FilterChainMatch, HttpFilter, Listener, ListenerState, TrafficDirection,
};
use crate::istio::wasm_filter::{self, WasmFilter};

/// A listener with only what [`reduced_sites`] reads: its name, direction, port, and for
/// each chain (filter chains, then the default chain) its name, match and Wasm filters.
#[derive(Debug)]
pub struct ListenerChains<'a> {
    name: Str<'a>,
    traffic_direction: TrafficDirection,
    listener_port: u32,
    chains: Vec<ChainFilters<'a>>,
}

#[derive(Debug)]
struct ChainFilters<'a> {
    name: Str<'a>,
    filter_chain_match: Option<FilterChainMatch<'a>>,
    filters: Vec<SiteFilter>,
    has_hcm: bool,
    is_blackhole: bool,
}

impl<'a> From<&Listener<'a>> for ListenerChains<'a> {
    fn from(l: &Listener<'a>) -> Self {
        let chains = l
            .chains()
            .map(|c| {
                let filters: Vec<_> = c.filters.iter().map(WasmNetworkFilter::of).collect();
                ChainFilters::new(c.name.clone(), c.filter_chain_match.clone(), &filters)
            })
            .collect();
        ListenerChains {
            name: l.name.clone(),
            traffic_direction: l.traffic_direction,
            listener_port: l.socket_address().map_or(0, |s| s.port_value),
            chains,
        }
    }
}

impl<'a> From<Listener<'a>> for ListenerChains<'a> {
    fn from(l: Listener<'a>) -> Self {
        ListenerChains::from(&l)
    }
}

/// Decoded straight from the text: only the fields above are read, every other one
/// (listener filters, transport sockets, route configs, access logs, …) is skipped by the
/// parser without being built, and HTTP filters are classified as they are read. The
/// result is what `From<Listener>` gives for the same listener (tested below).
impl<'de> Deserialize<'de> for ListenerChains<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let l = WasmListener::deserialize(d)?;
        Ok(ListenerChains {
            name: l.name,
            traffic_direction: l.traffic_direction,
            listener_port: l
                .address
                .and_then(|a| a.socket_address)
                .map_or(0, |s| s.port_value),
            chains: l
                .filter_chains
                .into_iter()
                .chain(l.default_filter_chain)
                .collect(),
        })
    }
}

/// The fields of a `Listener` that placing Wasm filters reads.
#[derive(Deserialize)]
struct WasmListener<'a> {
    #[serde(borrow, default)]
    name: Str<'a>,
    #[serde(borrow, default)]
    address: Option<Address<'a>>,
    #[serde(
        default,
        alias = "trafficDirection",
        deserialize_with = "proto::proto_enum"
    )]
    traffic_direction: TrafficDirection,
    #[serde(borrow, default, alias = "filterChains")]
    filter_chains: Vec<ChainFilters<'a>>,
    #[serde(borrow, default, alias = "defaultFilterChain")]
    default_filter_chain: Option<ChainFilters<'a>>,
}

/// The fields of a `FilterChain` that placing Wasm filters reads.
#[derive(Deserialize)]
struct WasmChain<'a> {
    #[serde(borrow, default)]
    name: Str<'a>,
    #[serde(borrow, default, alias = "filterChainMatch")]
    filter_chain_match: Option<FilterChainMatch<'a>>,
    #[serde(borrow, default)]
    filters: Vec<WasmNetworkFilter<'a>>,
}

impl<'a> ChainFilters<'a> {
    /// A chain's Wasm filters (network first, then the HCM's HTTP filters), whether it has
    /// an HCM, and whether it is Istio's blackhole chain.
    fn new(
        name: Str<'a>,
        filter_chain_match: Option<FilterChainMatch<'a>>,
        network: &[WasmNetworkFilter<'_>],
    ) -> Self {
        let classified: Vec<_> = network.iter().map(|f| (&*f.name, f.wasm.clone())).collect();
        let mut filters = collect(&classified, FilterLevel::Network);
        let mut has_hcm = false;
        let mut is_blackhole = false;
        for f in network {
            match &f.config {
                Terminal::Hcm(http) => {
                    has_hcm = true;
                    filters.extend(collect(http, FilterLevel::Http));
                }
                Terminal::TcpProxy { is_blackhole: b } => is_blackhole |= b,
                Terminal::Other(_) => {}
            }
        }
        ChainFilters {
            name,
            filter_chain_match,
            filters,
            has_hcm,
            is_blackhole,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for ChainFilters<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let c = WasmChain::deserialize(d)?;
        Ok(ChainFilters::new(c.name, c.filter_chain_match, &c.filters))
    }
}

/// A network filter as placing Wasm filters reads it: its name, its own Wasm
/// classification, and what its config says when it is one of the two terminals.
struct WasmNetworkFilter<'a> {
    name: Str<'a>,
    wasm: Option<WasmFilter>,
    config: Terminal<'a>,
}

impl<'a> WasmNetworkFilter<'a> {
    /// The same reading of a fully decoded network filter.
    fn of(f: &NetworkFilter<'a>) -> Self {
        let config = match &f.config {
            NetworkFilterConfig::HttpConnectionManager(hcm) => Terminal::Hcm(
                hcm.http_filters
                    .iter()
                    .map(|hf| (hf.name.clone(), wasm_filter::classify(hf)))
                    .collect(),
            ),
            NetworkFilterConfig::TcpProxy(t) => Terminal::TcpProxy {
                is_blackhole: t.is_blackhole,
            },
            NetworkFilterConfig::Other(raw) => Terminal::Other(Some(raw)),
            NetworkFilterConfig::None => Terminal::Other(None),
        };
        WasmNetworkFilter {
            name: f.name.clone(),
            wasm: classify_network(f),
            config,
        }
    }
}

/// A network filter's config as placing Wasm filters reads it.
enum Terminal<'a> {
    /// The HCM's HTTP filters, each with its classification.
    Hcm(Vec<(Str<'a>, Option<WasmFilter>)>),
    TcpProxy {
        is_blackhole: bool,
    },
    /// Any other filter, with its `typed_config` if it has one.
    Other(Option<&'a RawValue>),
}

/// The terminals read as the full decoder reads them (the rules are
/// [`FilterFields`]'s), keeping only the HCM's classified HTTP filters and the blackhole
/// test.
impl<'a> FilterConfig<'a> for Terminal<'a> {
    fn none() -> Self {
        Terminal::Other(None)
    }
    fn hcm_in_place<'de: 'a, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        let hcm: HcmFilters<'a> = map.next_value()?;
        Ok(Terminal::Hcm(hcm.http_filters.0))
    }
    fn hcm(raw: &'a RawValue) -> Result<Self, serde_json::Error> {
        serde_json::from_str::<HcmFilters<'a>>(raw.get()).map(|h| Terminal::Hcm(h.http_filters.0))
    }
    fn tcp_proxy(raw: &'a RawValue) -> Result<Self, serde_json::Error> {
        Ok(Terminal::TcpProxy {
            is_blackhole: is_blackhole(raw),
        })
    }
    fn other(raw: &'a RawValue) -> Self {
        Terminal::Other(Some(raw))
    }
}

/// `HttpConnectionManager` as far as its HTTP filters.
#[derive(Deserialize)]
struct HcmFilters<'a> {
    #[serde(borrow, default, alias = "httpFilters")]
    http_filters: ClassifiedHttpFilters<'a>,
}

/// HTTP filters classified one by one as they are read, so none is kept whole.
#[derive(Default)]
struct ClassifiedHttpFilters<'a>(Vec<(Str<'a>, Option<WasmFilter>)>);

impl<'de: 'a, 'a> Deserialize<'de> for ClassifiedHttpFilters<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ListVisitor<'a> {
            type Value = ClassifiedHttpFilters<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of HTTP filters")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(f) = seq.next_element::<HttpFilter<'a>>()? {
                    let wasm = wasm_filter::classify(&f);
                    out.push((f.name, wasm));
                }
                Ok(ClassifiedHttpFilters(out))
            }
        }
        d.deserialize_seq(ListVisitor(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for WasmNetworkFilter<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let f = FilterFields::<Terminal<'a>>::deserialize(d)?;
        let other_config = match f.config {
            Terminal::Other(raw) => raw,
            _ => None,
        };
        Ok(WasmNetworkFilter {
            wasm: classify_network_parts(&f.name, other_config, f.config_discovery),
            name: f.name,
            config: f.config,
        })
    }
}

/// Loads `doc` with every listener reduced in the load's one pass. With the reduced decode
/// turned off for measuring ([`FastPath::Reduced`]), full listeners are decoded in the pass
/// and reduced afterwards: the same dump, the plain path's time.
pub fn load_reduced<'a>(
    doc: &Document<'a>,
    sections: Sections,
) -> Result<Dump<'a, ListenerChains<'a>>, LoadError> {
    if FastPath::Reduced.on() {
        return doc.load_decoded::<ListenerChains>(sections);
    }
    let full = doc.load_decoded::<Box<Listener>>(sections)?;
    Ok(Dump {
        shape: full.shape,
        listeners: full
            .listeners
            .map(|s| s.map_listeners(|l| ListenerChains::from(*l))),
        ecds: full.ecds,
        node: full.node,
        clusters: full.clusters,
        routes: full.routes,
        secrets: full.secrets,
        endpoints: full.endpoints,
        bootstrap: full.bootstrap,
    })
}

impl<'de> ListenerBody<'de> for ListenerChains<'de> {
    fn is_object(&self) -> bool {
        true
    }
}

/// The sites of reduced listeners, in dump order (every chain, or with `wasm_only` only the
/// chains that carry a Wasm filter). [`super::chain_sites`] reduces decoded listeners and
/// comes here too.
pub fn reduced_sites(
    listeners: Vec<(ListenerState, ListenerChains<'_>)>,
    proxy: ProxyKind,
    wasm_only: bool,
) -> Vec<ChainSite> {
    let mut sites = Vec::new();
    for (state, l) in listeners {
        let direction = direction_of(proxy, l.traffic_direction);
        for c in l.chains {
            if wasm_only && c.filters.is_empty() {
                continue;
            }
            let site = Site {
                state,
                direction,
                listener_port: l.listener_port,
                filters: c.filters,
                has_hcm: c.has_hcm,
                is_blackhole: c.is_blackhole,
            };
            let mut site = site_of(&l.name, &c.name, c.filter_chain_match.as_ref(), site);
            if proxy == ProxyKind::Waypoint {
                // The waypoint's `ListenerInfo` carries no port (listener_waypoint.go), so a
                // plugin's `match[].ports` compares with 0 and never matches there.
                site.port = 0;
            }
            sites.push(site);
        }
    }
    sites
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decoding straight from the text gives what reducing the decoded listener gives, for
    /// every fixture dump, in snake_case and camelCase spellings and with the HCM's name
    /// after its config.
    #[test]
    fn direct_decode_equals_reducing_the_listener() {
        let mut texts: Vec<String> = Vec::new();
        for name in [
            "wasm-verdicts.json",
            "istio-current-permissive.json",
            "istio-1.12-permissive.json",
            "istio-current-mixed.json",
            "matcher-tree.json",
            "warming-draining.json",
        ] {
            let dump: serde_json::Value =
                serde_json::from_str(crate::analysis::test_support::fixture_text(name)).unwrap();
            let mut found = Vec::new();
            collect_listeners(&dump, &mut found);
            assert!(!found.is_empty(), "{name}");
            for l in found {
                texts.push(l.to_string());
                texts.push(camel_case(&l).to_string());
            }
        }
        // The HCM's typed_config before its name: decoded after the loop, not in place.
        texts.push(
            r#"{"name":"x","filter_chains":[{"filters":[{"typed_config":{"http_filters":[
              {"name":"default.p","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}},
              {"name":"envoy.filters.http.router"}]},"name":"envoy.filters.network.http_connection_manager"}]},
              {"filters":[{"typed_config":{"cluster":"BlackHoleCluster"},"name":"envoy.filters.network.tcp_proxy"}]}]}"#
                .to_string(),
        );
        for text in &texts {
            let direct: ListenerChains = serde_json::from_str(text).unwrap();
            let listener: Listener = serde_json::from_str(text).unwrap();
            let via = ListenerChains::from(listener);
            assert_eq!(format!("{direct:?}"), format!("{via:?}"), "{text}");
        }
    }

    /// Listener objects anywhere in a dump: the values of `listener` keys and bare arrays.
    fn collect_listeners(v: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    if k == "listener" && v.is_object() {
                        out.push(v.clone());
                    } else {
                        collect_listeners(v, out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| collect_listeners(v, out)),
            _ => {}
        }
    }

    /// The same JSON with snake_case keys spelled in camelCase, as proto3 JSON allows.
    fn camel_case(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, v)| (crate::util::case::to_camel(k), camel_case(v)))
                .collect(),
            serde_json::Value::Array(a) => a.iter().map(camel_case).collect(),
            other => other.clone(),
        }
    }
}
