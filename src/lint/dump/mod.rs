//! What the config-dump rules (MS3xxx) read: one `--dump`, reduced to owned facts with the
//! position of each listener, chain and filter, so the lint context can outlive the
//! text. The analyses are explain's (chain warnings), wasm count's (ECDS health) and the
//! listener updates Envoy refused; this module only runs them and attaches positions.

pub mod locate;
pub mod position;

use crate::analysis::explain::{Warning, listener_warnings};
use crate::analysis::listener::chain_match::ChainMatch;
use crate::analysis::listener::refused::{RefusedUpdate, refused_updates};
use crate::analysis::wasm::ecds::{EcdsHealth, ecds_health};
use crate::analysis::wasm::placement::{
    ProxyKind, chain_sites, classify_network, count_placements,
};
use crate::envoy::filter::{HCM_NAME, TCP_PROXY_NAME};
use crate::envoy::{
    Document, FilterChain, Listener, ListenerState, LoadError, NetworkFilterConfig, Sections,
};
use crate::istio::wasm_filter::{self, WasmFilter};

use locate::{ChainSpans, FilterSpan, listener_spans};
use position::{Locator, Place, Seg, Spot, key, parse_path};

/// Name of Envoy's HTTP router filter.
pub const ROUTER: &str = "envoy.filters.http.router";

/// Network filters that end a chain: nothing after them sees the connection.
const TERMINAL_NETWORK: [&str; 3] = [
    HCM_NAME,
    TCP_PROXY_NAME,
    "envoy.filters.network.direct_response",
];

/// The facts of one config dump.
#[derive(Debug, Clone, Default)]
pub struct DumpFacts {
    /// Index of the dump in the lint context's files.
    pub file: usize,
    /// Every listener in every state, in dump order.
    pub listeners: Vec<ListenerFacts>,
    /// Whether the dump has an ECDS section (older Envoys never dump one).
    pub ecds_section: bool,
    /// ECDS health of each ECDS-delivered user filter, with positions.
    pub ecds: Vec<EcdsFacts>,
    /// The listener updates Envoy refused, in dump order.
    pub refused: Vec<RefusedFacts>,
}

/// One listener update Envoy refused.
#[derive(Debug, Clone)]
pub struct RefusedFacts {
    /// The update, as every command reads it.
    pub update: RefusedUpdate,
    /// Where Envoy's reason (`error_state.details`) is; else the `error_state`.
    pub pos: Spot,
}

/// One listener in one state.
#[derive(Debug, Clone)]
pub struct ListenerFacts {
    /// Listener name.
    pub name: String,
    /// Active, warming or draining.
    pub state: ListenerState,
    /// Where the listener object starts.
    pub pos: Spot,
    /// `filter_chains` in order (the indexes [`Warning`]s use).
    pub chains: Vec<ChainFacts>,
    /// The default chain.
    pub default_chain: Option<ChainFacts>,
    /// The listener selects chains with `filter_chain_matcher`.
    pub uses_matcher: bool,
    /// explain's warnings about the chains.
    pub warnings: Vec<Warning>,
}

impl ListenerFacts {
    /// The name, with the state when it is not active: how messages name the listener.
    pub fn label(&self) -> String {
        match self.state {
            ListenerState::Active => self.name.clone(),
            s => format!("{} ({})", self.name, s.as_str()),
        }
    }

    /// `filter_chains[index]`'s name and the position of its match, or the listener's
    /// position when the index is out of range.
    pub fn chain(&self, index: usize) -> (&str, Spot) {
        self.chains
            .get(index)
            .map_or(("-", self.pos), |c| (c.name.as_str(), c.match_pos))
    }

    /// Every chain, the default chain last.
    pub fn all_chains(&self) -> impl Iterator<Item = &ChainFacts> {
        self.chains.iter().chain(self.default_chain.iter())
    }
}

/// One filter chain.
#[derive(Debug, Clone)]
pub struct ChainFacts {
    /// Chain name, `-` when empty.
    pub name: String,
    /// Where the chain object starts.
    pub pos: Spot,
    /// Where `filter_chain_match` starts (the chain when it has none).
    pub match_pos: Spot,
    /// The chain's match (messages quote it as `pc listener` prints it).
    pub chain_match: ChainMatch,
    /// The network filters, in order (`is_terminal`: the filter ends the chain).
    pub network: Vec<FilterFacts>,
    /// The HTTP filters of each HTTP connection manager, each list in order
    /// (`is_terminal`: Envoy's router).
    pub hcms: Vec<Vec<FilterFacts>>,
}

/// One network or HTTP filter.
#[derive(Debug, Clone)]
pub struct FilterFacts {
    /// Filter name.
    pub name: String,
    /// Where the filter's name (or, without one, the filter object) is.
    pub pos: Spot,
    /// A terminal filter: the HTTP router, or a network filter that ends the chain
    /// (HTTP connection manager, tcp_proxy, direct_response).
    pub is_terminal: bool,
    /// How the filter is delivered when it is a Wasm filter.
    pub wasm: Option<WasmFilter>,
    /// The filter takes its config from ECDS.
    pub ecds: bool,
}

/// One ECDS-delivered user filter.
#[derive(Debug, Clone)]
pub struct EcdsFacts {
    /// wasm count's ECDS health.
    pub health: EcdsHealth,
    /// Where the ECDS entry of that name starts (the last one, which wins).
    pub entry_pos: Option<Spot>,
    /// The first filter that references it (else the first listener that does).
    pub first_reference: Option<Spot>,
}

impl DumpFacts {
    /// Loads the dump behind `doc` and computes the facts; `source` is the file's own text
    /// (it differs from `doc.text` for YAML dumps), `file` its index in the lint context.
    pub fn load(doc: &Document<'_>, source: &str, file: usize) -> Result<DumpFacts, LoadError> {
        let dump = doc.load(Sections {
            listeners: true,
            ecds: true,
            bootstrap: true,
        })?;
        let loc = Locator::new(doc, source);
        let mut decoded: Vec<(ListenerState, Listener<'_>)> = Vec::new();
        let mut listeners = Vec::new();
        for entry in dump.listeners.iter().flat_map(|s| s.entries.iter()) {
            let listener = doc.listener(entry)?;
            let spans = listener_spans(entry.raw);
            let here = Place {
                raw: Some(entry.raw),
                path: parse_path(&entry.json_path()),
            };
            let pos = loc.pos(&here).unwrap_or(START);
            let chains = listener
                .filter_chains
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let s = spans.chains.get(i);
                    let at = here.child(
                        s.and_then(|s| s.chain),
                        &[key("filter_chains"), Seg::Index(i)],
                    );
                    chain_facts(c, s, &at, &loc, pos)
                })
                .collect();
            let default_chain = listener.default_filter_chain.as_ref().map(|c| {
                let s = spans.default_chain.as_ref();
                let at = here.child(s.and_then(|s| s.chain), &[key("default_filter_chain")]);
                chain_facts(c, s, &at, &loc, pos)
            });
            listeners.push(ListenerFacts {
                name: listener.name.to_string(),
                state: entry.state,
                pos,
                chains,
                default_chain,
                uses_matcher: listener.filter_chain_matcher.is_some(),
                warnings: listener_warnings(&listener),
            });
            decoded.push((entry.state, listener));
        }
        let kind = dump
            .node
            .as_ref()
            .map_or(ProxyKind::Unknown, |n| ProxyKind::from_node_id(&n.id));
        let refs: Vec<_> = decoded.iter().map(|(s, l)| (*s, l)).collect();
        let reports = count_placements(&chain_sites(&refs, kind));
        let ecds = ecds_health(&reports, dump.ecds.as_deref())
            .into_iter()
            .map(|health| {
                let entry_pos = dump
                    .ecds
                    .iter()
                    .flatten()
                    .rev()
                    .find(|e| e.name == health.filter.as_str())
                    .and_then(|e| loc.ecds_entry(&health.filter, e.raw));
                let first_reference = listeners
                    .iter()
                    .flat_map(|l| l.all_chains())
                    .flat_map(|c| c.network.iter().chain(c.hcms.iter().flatten()))
                    .find(|f| f.ecds && f.name == health.filter)
                    .map(|f| f.pos)
                    .or_else(|| {
                        listeners
                            .iter()
                            .find(|l| health.listeners.contains_key(&l.name))
                            .map(|l| l.pos)
                    });
                EcdsFacts {
                    health,
                    entry_pos,
                    first_reference,
                }
            })
            .collect();
        let refused = match &dump.listeners {
            Some(section) => section
                .errors
                .iter()
                .zip(refused_updates(section))
                .map(|(e, update)| {
                    let at = parse_path(&e.json_path());
                    let details = [at.clone(), vec![key("details")]].concat();
                    let pos = loc
                        .pos_of_path(&details)
                        .or_else(|| loc.pos_of_path(&at))
                        .unwrap_or(START);
                    RefusedFacts { update, pos }
                })
                .collect(),
            None => Vec::new(),
        };
        Ok(DumpFacts {
            file,
            listeners,
            ecds_section: dump.ecds.is_some(),
            ecds,
            refused,
        })
    }
}

const START: Spot = Spot::START;

fn chain_facts(
    chain: &FilterChain<'_>,
    spans: Option<&ChainSpans<'_>>,
    here: &Place<'_>,
    loc: &Locator<'_>,
    fallback: Spot,
) -> ChainFacts {
    let chain_pos = loc.pos(here).unwrap_or(fallback);
    let at = |span: Option<&FilterSpan<'_>>, steps: &[Seg]| {
        let place = here.child(span.map(FilterSpan::best), steps);
        loc.pos(&place).unwrap_or(chain_pos)
    };
    let filter_steps = |i: usize| vec![key("filters"), Seg::Index(i)];
    let mut network = Vec::new();
    let mut hcms = Vec::new();
    for (i, f) in chain.filters.iter().enumerate() {
        let mut steps = filter_steps(i);
        steps.push(key("name"));
        network.push(FilterFacts {
            name: f.name.to_string(),
            pos: at(spans.and_then(|s| s.filters.get(i)), &steps),
            is_terminal: TERMINAL_NETWORK.contains(&f.name.as_ref()),
            wasm: classify_network(f),
            ecds: f.config_discovery.is_some(),
        });
        let NetworkFilterConfig::HttpConnectionManager(hcm) = &f.config else {
            continue;
        };
        let raws = spans.and_then(|s| s.hcms.get(hcms.len()));
        let list = hcm
            .http_filters
            .iter()
            .enumerate()
            .map(|(j, hf)| {
                let mut steps = filter_steps(i);
                steps.extend([
                    key("typed_config"),
                    key("http_filters"),
                    Seg::Index(j),
                    key("name"),
                ]);
                FilterFacts {
                    name: hf.name.to_string(),
                    pos: at(raws.and_then(|r| r.get(j)), &steps),
                    is_terminal: hf.name == ROUTER
                        || hf
                            .typed_config
                            .is_some_and(|t| t.get().contains("filters.http.router.v3.Router")),
                    wasm: wasm_filter::classify(hf),
                    ecds: hf.config_discovery.is_some(),
                }
            })
            .collect();
        hcms.push(list);
    }
    let match_place = here.child(
        spans.and_then(|s| s.chain_match),
        &[key("filter_chain_match")],
    );
    ChainFacts {
        name: if chain.name.is_empty() {
            "-".into()
        } else {
            chain.name.to_string()
        },
        pos: chain_pos,
        match_pos: loc.pos(&match_place).unwrap_or(chain_pos),
        chain_match: ChainMatch::of(chain.filter_chain_match.as_ref()),
        network,
        hcms,
    }
}

#[cfg(test)]
mod tests;
