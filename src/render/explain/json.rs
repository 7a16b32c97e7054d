//! `explain -o json`: dedicated output structs, never the internal model.
//!
//! # Wire format (stable)
//! ```text
//! { "way"?: { "destination": "IP:PORT", "direction": "outbound" | "inbound" | null,
//!             "direction_from": "flag" | "pod_address" | "default" | null,
//!             "hops": [ {"listener", "address", "step": "captured" | "handed_off_exact" |
//!                        "handed_off_any_address" | "bound" | "hbone_terminated" | "tunnelled" |
//!                        "route_decides" | "cluster" | "internal_upstream", "direction"?,
//!                        "cluster"?: {"name", "weight"?, "found": "found" | "not_in_dump" |
//!                            "no_clusters_section" | "warming", "discovery_type", "hosts_from":
//!                            "original_dst" | "inline" | "eds" | "not_known" | null,
//!                            "eds_service"?, "endpoints_found"?: "found" | "not_in_dump" |
//!                            "no_endpoints_section", "endpoints": [ {"address",
//!                            "internal_listener"?, "endpoint_id"?, "health"} ],
//!                            "original_dst"?: {"from": "filter_state" |
//!                            "filter_state_at_run_time" | "metadata" |
//!                            "restored_destination" | "nothing", "metadata_key"?, "address",
//!                            "port_override", "tls_alpn"}, "http2": bool},
//!                        "internal"?: {"endpoint_id", "other_hosts", "found": bool,
//!                            "restore": "from_metadata" | "no_original_dst_filter" |
//!                            "not_passed_through" | "no_local_in_metadata" |
//!                            "from_filter_state_at_run_time" | null,
//!                            "restored_destination", "tunnel": null | {"method": "CONNECT" |
//!                            "POST", "hostname", "authority", "headers": [{"key", "value"}],
//!                            "propagate_response_headers"}}} ],
//!             "kept_by_capture_listener": bool, "hbone"? }
//!       (only when explain followed the connection: no --port, or a --port listener that
//!       hands off. The listener hops up to the one whose chains decide, which is the first
//!       listener in "listeners"; none when "hops" is empty: no listener takes the
//!       connection. Then the steps past its chosen chain (`route_decides`, `cluster`,
//!       `internal_upstream`, in way order, listener and address empty but for an internal
//!       listener's name); each internal listener reached follows in "listeners", simulated
//!       for the connection it is handed),
//!   "listeners": [ {
//!     "name", "address", "port", "filter_chain_matcher": bool, "via_internal_host"?: true
//!     (an internal listener a cluster's host handed the connection to; left out otherwise),
//!     "chains": [ { "index": n | null (default chain), "name", "default": bool,
//!                   "match": {destination_port?, prefix_ranges?, server_names?, transport_protocol?,
//!                             application_protocols?, direct_source_prefix_ranges?, source_type?,
//!                             source_prefix_ranges?, source_ports?},
//!                   "matcher_branches": [..], "depends_on": [listener filter names],
//!                   "tls": "none" | "terminates" | "passthrough", "require_client_certificate": bool,
//!                   "network_filters": [..], "network_wasm_filters"?: [ {"name", "wasm"} ] (user
//!                   network Wasm filters, left out when none), "http_filters": [ {"name", "wasm": null |
//!                       {"delivery": "ecds" | "inline", "plugin": "ns/name" | null, "kind", "user": bool}} ],
//!                   "destination", "description" } ],
//!     "warnings": [ { "kind", "chain": n | null, "message" } ],
//!     "simulation": null | {
//!         "connection": {dst_port, dst_ip, transport, alpn, sni, src_ip, src_port, direct_src_ip, src_type},
//!         "assumptions": [ {"flag", "value", "default": bool,
//!                           "derived_from"?: "addresses" | "sni" | "authority" | "url" |
//!                           "service" | "request"} ],
//!         "outcome": "chain" | "default" | "closed" | "unspecified",
//!         "chosen": {"index", "name"} | null,
//!         "unspecified"?: {"between": [{"outcome": "chain" | "default" | "closed", "index",
//!                          "name"}], "reason": "catch_all_trie_node" | "overlapping_rules",
//!                          "criterion": criterion | null, "message": text},
//!         "failed_at": criterion | null, "failure": text | null, "matcher_path": [..] | null,
//!         "matcher_rules"? (matcher listeners only): {"envoy_version": "X.Y[.Z]" | null, "from": "dump" | "flag" | "unknown",
//!             "rules": [ {"rule", "since", "followed": bool, "change", "source"} ],
//!             "skipped": [chain names], "description"},
//!         "chains": [ {"index", "name",
//!                      "verdict": "chosen" | "unspecified" | "ruled_out" | "not_reached",
//!                      "criterion": criterion | null, "reason": text | null} ],
//!         "unseen_inputs": [text] },
//!     "request"? (with --request, on a simulated listener): {
//!         "method", "scheme", "authority", "path", "headers": [[name, value]],
//!         "outcome": "http" | "tcp" (tcp_proxy: no request routing) | "no_chain" | "no_terminal",
//!         "route_config"?: {"source": "rds" | "inline", "name"},
//!         "host"?: {"header", "given", "compared", "port": "kept" | "ignored" | "strip_any" | "strip_matching"},
//!         "virtual_host"?: {"index", "name", "rule": "exact" | "suffix_wildcard" |
//!                           "prefix_wildcard" | "default" | "only_default", "domain"},
//!         "response_flag"?: "NR", "tried_domains"?: [domains],
//!         "routes": [ {"index", "name", "path_match", "value", "case_sensitive",
//!                      "verdict": "taken" | "not_taken" | "undecidable", "criterion", "reason"} ],
//!         "action"?: {"kind": "cluster" | "weighted_clusters" | "cluster_header" |
//!                     "cluster_specifier_plugin" | "redirect" | "direct_response" | "none",
//!                     "clusters"?: [{"name", "weight"}], "total_weight"?, "status"?, "description"},
//!         "upstreams": [ {"name", "weight", "istio": "blackhole" | "passthrough" | "inbound_passthrough" | null,
//!                         "cluster": {"type", "lb_policy", "tls": "none" | "tls" | "per_endpoint", "sni"?,
//!                                     "tls_matches"?, "outlier_detection": bool, "circuit_breakers"} | null,
//!                         "endpoints_from": "eds:NAME" | "load_assignment" | "original_destination" | null,
//!                         "endpoints": [ {"addresses", "health", "locality", "weight", "priority"} ],
//!                         "gap"?: {"kind", "message"}} ],
//!         "gap"?: {"kind": "no_routes_section" | "route_config_missing" | "scoped_routes" |
//!                  "no_route_config" | "no_clusters_section" | "cluster_missing" |
//!                  "no_endpoints_section" | "endpoints_missing" | "virtual_host_matcher",
//!                  "message"},
//!         "require_tls"?: "EXTERNAL_ONLY" | "ALL" } } ] }
//! ```
//! A warning's kind is one of `refused_update` (Envoy refused the listener's last update;
//! the message quotes Envoy's reason), `envoy_would_refuse` (Envoy would refuse to load the
//! listener as dumped, DOMAIN.md §3.2; the message quotes Envoy's reason; the simulation is
//! what it would do if loaded), `missing_listener_filter`,
//! `never_selected`, `never_selected_not_checked`, `default_chain`, `no_default_chain`.
//! A criterion is one of `destination_port`, `destination_ip`, `server_name`,
//! `transport_protocol`, `application_protocols`, `direct_source_ip`, `source_type`,
//! `source_ip`, `source_port`.

use std::io::Write;

use serde::Serialize;

use crate::analysis::explain::chain_select::{Chosen, Criterion, TieKind};
use crate::analysis::explain::{
    Assumption, Derivation, ExplainedListener, Simulation, Warning, WayReport,
};
use crate::render::explain::json_chain::{ChainOut, chain_out};
use crate::render::explain::matcher_rules::{MatcherRulesOut, matcher_rules_out};
use crate::render::explain::request_json::{RequestOut, request_out};
use crate::render::explain::text::failure_words;
use crate::render::explain::way::{WayOut, way_out};
use crate::render::explain::words::{reason_words, tie_words, unseen_words, warning_words};
use crate::render::{RenderError, structured};

/// The whole report.
#[derive(Debug, Serialize)]
pub struct ExplainJson {
    /// The connection's way through the listeners, when explain followed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub way: Option<WayOut>,
    pub listeners: Vec<ListenerOut>,
}

/// One listener.
#[derive(Debug, Serialize)]
pub struct ListenerOut {
    pub name: String,
    pub address: String,
    pub port: u32,
    pub filter_chain_matcher: bool,
    /// An internal listener a cluster's host handed the connection to: its simulation is
    /// for that connection (see `way.hops`), not the one the flags and assumptions give.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub via_internal_host: bool,
    pub chains: Vec<ChainOut>,
    pub warnings: Vec<WarningOut>,
    pub simulation: Option<SimulationOut>,
    /// `--request`: the request followed past the selected chain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestOut>,
}

/// One warning.
#[derive(Debug, Serialize)]
pub struct WarningOut {
    pub kind: &'static str,
    pub chain: Option<usize>,
    pub message: String,
}

/// The simulated connection and its outcome.
#[derive(Debug, Serialize)]
pub struct SimulationOut {
    pub connection: ConnectionOut,
    pub assumptions: Vec<AssumptionOut>,
    pub outcome: &'static str,
    pub chosen: Option<ChosenOut>,
    /// Only when Envoy leaves the choice open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unspecified: Option<UnspecifiedOut>,
    pub failed_at: Option<Criterion>,
    pub failure: Option<String>,
    pub matcher_path: Option<Vec<String>>,
    /// The Envoy matcher rules followed; absent on classic listeners.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matcher_rules: Option<MatcherRulesOut>,
    pub chains: Vec<VerdictOut>,
    pub unseen_inputs: Vec<String>,
}

/// The connection's attributes.
#[derive(Debug, Serialize)]
pub struct ConnectionOut {
    pub dst_port: u32,
    pub dst_ip: String,
    pub transport: String,
    pub alpn: Vec<String>,
    pub sni: Option<String>,
    pub src_ip: String,
    pub src_port: u32,
    pub direct_src_ip: String,
    pub src_type: &'static str,
}

/// One connection attribute and where it came from.
#[derive(Debug, Serialize)]
pub struct AssumptionOut {
    pub flag: &'static str,
    pub value: String,
    pub default: bool,
    /// What a value not given follows from, when not a fixed default: `addresses`
    /// (`--src-type` from `--src-ip`/`--dst-ip`) or `sni` (`--transport tls`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub derived_from: Option<&'static str>,
}

/// A choice Envoy leaves open (DOMAIN.md §3).
#[derive(Debug, Serialize)]
pub struct UnspecifiedOut {
    pub between: Vec<OutcomeOut>,
    pub reason: &'static str,
    pub criterion: Option<Criterion>,
    pub message: String,
}

/// One possible outcome of an open choice.
#[derive(Debug, Serialize)]
pub struct OutcomeOut {
    pub outcome: &'static str,
    pub index: Option<usize>,
    pub name: Option<String>,
}

/// The chosen chain.
#[derive(Debug, Serialize)]
pub struct ChosenOut {
    pub index: Option<usize>,
    pub name: String,
}

/// One chain's verdict.
#[derive(Debug, Serialize)]
pub struct VerdictOut {
    pub index: usize,
    pub name: String,
    pub verdict: &'static str,
    pub criterion: Option<Criterion>,
    pub reason: Option<String>,
}

/// Writes the report as JSON.
pub fn write_explain_json(
    out: &mut dyn Write,
    listeners: &[ExplainedListener],
    assumptions: &[Assumption],
    way: Option<&WayReport>,
) -> Result<(), RenderError> {
    let report = ExplainJson {
        way: way.map(way_out),
        listeners: listeners
            .iter()
            .map(|l| listener_out(l, assumptions))
            .collect(),
    };
    structured::write_json(out, &report)
}

fn listener_out(l: &ExplainedListener, assumptions: &[Assumption]) -> ListenerOut {
    let e = &l.explanation;
    ListenerOut {
        name: e.name.clone(),
        address: e.address.clone(),
        port: e.port,
        filter_chain_matcher: e.uses_matcher,
        via_internal_host: l.via_internal_host,
        chains: e.chains.iter().map(chain_out).collect(),
        warnings: e
            .warnings
            .iter()
            .map(|w| WarningOut {
                kind: warning_kind(w).0,
                chain: warning_kind(w).1,
                message: warning_words(w, &e.chains, e.uses_matcher),
            })
            .collect(),
        simulation: l
            .simulation
            .as_ref()
            .map(|s| simulation_out(l, s, assumptions)),
        request: l.request.as_ref().map(request_out),
    }
}

fn warning_kind(w: &Warning) -> (&'static str, Option<usize>) {
    match w {
        Warning::RefusedUpdate(_) => ("refused_update", None),
        Warning::MissingInspector { chain, .. } => ("missing_listener_filter", Some(*chain)),
        Warning::WouldRefuse(r) => ("envoy_would_refuse", Some(r.chain())),
        Warning::NeverSelected { chain } => ("never_selected", Some(*chain)),
        Warning::NotChecked { .. } => ("never_selected_not_checked", None),
        Warning::DefaultChain { .. } => ("default_chain", None),
        Warning::NoDefaultChain => ("no_default_chain", None),
    }
}

fn simulation_out(
    l: &ExplainedListener,
    s: &Simulation,
    assumptions: &[Assumption],
) -> SimulationOut {
    let e = &l.explanation;
    let conn = &s.connection;
    let default = e.chains.iter().find(|c| c.is_default);
    let (outcome, chosen) = match &s.chosen {
        Chosen::Chain(i) => (
            "chain",
            e.chains.get(*i).map(|c| ChosenOut {
                index: Some(*i),
                name: c.name.clone(),
            }),
        ),
        Chosen::Unspecified(_) => ("unspecified", None),
        Chosen::Default => (
            "default",
            default.map(|c| ChosenOut {
                index: None,
                name: c.name.clone(),
            }),
        ),
        Chosen::Closed => ("closed", None),
    };
    let chains = e
        .chains
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_default)
        .map(|(i, c)| {
            let verdict = s.verdicts.iter().find(|v| v.chain == i);
            VerdictOut {
                index: i,
                name: c.name.clone(),
                verdict: if s.chosen == Chosen::Chain(i) {
                    "chosen"
                } else if s.chosen.may_be(i) {
                    "unspecified"
                } else if verdict.is_some() {
                    "ruled_out"
                } else {
                    "not_reached"
                },
                criterion: verdict.map(|v| v.criterion),
                reason: verdict.map(|v| reason_words(v.criterion, &v.reason, conn)),
            }
        })
        .collect();
    SimulationOut {
        connection: ConnectionOut {
            dst_port: conn.dst_port,
            dst_ip: conn.dst_ip.to_string(),
            transport: conn.transport.clone(),
            alpn: conn.alpn.clone(),
            sni: conn.server_name.clone(),
            src_ip: conn.src_ip.to_string(),
            src_port: conn.src_port,
            direct_src_ip: conn.direct_src_ip.to_string(),
            src_type: if conn.src_local { "local" } else { "external" },
        },
        assumptions: assumptions
            .iter()
            .map(|a| AssumptionOut {
                flag: a.flag,
                value: a.value.clone(),
                default: a.defaulted,
                derived_from: a.derived.map(|d| match d {
                    Derivation::SourceTypeFromAddresses => "addresses",
                    Derivation::TransportFromSni => "sni",
                    Derivation::FilterStateFromAuthority => "authority",
                    Derivation::DestinationFromUrl => "url",
                    Derivation::DestinationFromService => "service",
                    Derivation::AlpnFromRequest => "request",
                }),
            })
            .collect(),
        outcome,
        chosen,
        unspecified: match &s.chosen {
            Chosen::Unspecified(t) => Some(UnspecifiedOut {
                between: t
                    .outcomes
                    .iter()
                    .map(|o| match o {
                        Chosen::Chain(i) => OutcomeOut {
                            outcome: "chain",
                            index: Some(*i),
                            name: e.chains.get(*i).map(|c| c.name.clone()),
                        },
                        Chosen::Default => OutcomeOut {
                            outcome: "default",
                            index: None,
                            name: default.map(|c| c.name.clone()),
                        },
                        _ => OutcomeOut {
                            outcome: "closed",
                            index: None,
                            name: None,
                        },
                    })
                    .collect(),
                reason: match t.kind {
                    TieKind::CatchAllNode(_) => "catch_all_trie_node",
                    TieKind::Overlap => "overlapping_rules",
                },
                criterion: match t.kind {
                    TieKind::CatchAllNode(c) => Some(c),
                    TieKind::Overlap => None,
                },
                message: tie_words(t, &e.chains),
            }),
            _ => None,
        },
        failed_at: s.failed_at,
        // Why no chain matched, when that is (or may be) the outcome.
        failure: match &s.chosen {
            Chosen::Chain(_) => None,
            Chosen::Unspecified(t) if t.outcomes.iter().all(|o| matches!(o, Chosen::Chain(_))) => {
                None
            }
            _ => failure_words(s),
        },
        matcher_path: s.matcher.as_ref().map(|m| m.path.clone()),
        matcher_rules: s.matcher.as_ref().map(matcher_rules_out),
        chains,
        unseen_inputs: s
            .unseen
            .iter()
            .map(|u| unseen_words(u, conn.dst_port))
            .collect(),
    }
}
