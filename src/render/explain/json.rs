//! `explain -o json`: dedicated output structs, never the internal model.
//!
//! # Wire format (stable)
//! ```text
//! { "listeners": [ {
//!     "name", "address", "port", "filter_chain_matcher": bool,
//!     "chains": [ { "index": n | null (default chain), "name", "default": bool,
//!                   "match": {destination_port?, prefix_ranges?, server_names?, transport_protocol?,
//!                             application_protocols?, direct_source_prefix_ranges?, source_type?,
//!                             source_prefix_ranges?, source_ports?},
//!                   "matcher_branches": [..], "depends_on": [listener filter names],
//!                   "tls": "none" | "terminates" | "passthrough", "require_client_certificate": bool,
//!                   "network_filters": [..], "http_filters": [ {"name", "wasm": null |
//!                       {"delivery": "ecds" | "inline", "plugin": "ns/name" | null, "kind", "user": bool}} ],
//!                   "destination", "description" } ],
//!     "warnings": [ { "kind", "chain": n | null, "message" } ],
//!     "simulation": null | {
//!         "connection": {dst_port, dst_ip, transport, alpn, sni, src_ip, src_port, direct_src_ip, src_type},
//!         "assumptions": [ {"flag", "value", "default": bool} ],
//!         "outcome": "chain" | "default" | "closed", "chosen": {"index", "name"} | null,
//!         "failed_at": criterion | null, "failure": text | null, "matcher_path": [..] | null,
//!         "matcher_rules"? (matcher listeners only): {"envoy_version": "X.Y[.Z]" | null, "from": "dump" | "flag" | "unknown",
//!             "rules": [ {"rule", "since", "followed": bool, "change", "source"} ],
//!             "skipped": [chain names], "description"},
//!         "chains": [ {"index", "name", "verdict": "chosen" | "ruled_out" | "not_reached",
//!                      "criterion": criterion | null, "reason": text | null} ],
//!         "unseen_inputs": [text] },
//!     "reached_because"?: "bound" | "captures" | "captures_no_hand_off" | "internal"
//!         (only when explain chose the listeners for the connection: no --port) } ] }
//! ```
//! A warning's kind is one of `refused_update` (Envoy refused the listener's last update;
//! the message quotes Envoy's reason), `missing_listener_filter`, `identical_matches`,
//! `never_selected`, `never_selected_not_checked`, `default_chain`, `no_default_chain`.
//! A criterion is one of `destination_port`, `destination_ip`, `server_name`,
//! `transport_protocol`, `application_protocols`, `direct_source_ip`, `source_type`,
//! `source_ip`, `source_port`.

use std::io::Write;

use serde::Serialize;

use crate::analysis::explain::chain_select::{Chosen, Criterion};
use crate::analysis::explain::{
    Assumption, Candidacy, ChainInfo, ExplainedListener, Simulation, Stage, TlsHandling, Warning,
};
use crate::analysis::listener::cell_text::destination_text;
use crate::envoy::SourceType;
use crate::istio::wasm_filter::WasmFilter;
use crate::render::explain::matcher_rules::{MatcherRulesOut, matcher_rules_out};
use crate::render::explain::paragraph::chain_paragraph;
use crate::render::explain::text::failure_words;
use crate::render::explain::words::{reason_words, unseen_words, warning_words};
use crate::render::matcher_branch::branch_text;
use crate::render::{RenderError, structured};

/// The whole report.
#[derive(Debug, Serialize)]
pub struct ExplainJson {
    pub listeners: Vec<ListenerOut>,
}

/// One listener.
#[derive(Debug, Serialize)]
pub struct ListenerOut {
    pub name: String,
    pub address: String,
    pub port: u32,
    pub filter_chain_matcher: bool,
    pub chains: Vec<ChainOut>,
    pub warnings: Vec<WarningOut>,
    pub simulation: Option<SimulationOut>,
    /// Without `--port`: why the connection could reach this listener.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reached_because: Option<&'static str>,
}

/// One chain.
#[derive(Debug, Serialize)]
pub struct ChainOut {
    pub index: Option<usize>,
    pub name: String,
    pub default: bool,
    #[serde(rename = "match")]
    pub match_: MatchOut,
    pub matcher_branches: Vec<String>,
    pub depends_on: Vec<&'static str>,
    pub tls: &'static str,
    pub require_client_certificate: bool,
    pub network_filters: Vec<String>,
    pub http_filters: Vec<HttpFilterOut>,
    pub destination: String,
    pub description: String,
}

/// A chain's `filter_chain_match`; empty fields are left out.
#[derive(Debug, Default, Serialize)]
pub struct MatchOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_port: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub prefix_ranges: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub server_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport_protocol: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub application_protocols: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub direct_source_prefix_ranges: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_prefix_ranges: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub source_ports: Vec<u32>,
}

/// One HTTP filter.
#[derive(Debug, Serialize)]
pub struct HttpFilterOut {
    pub name: String,
    pub wasm: Option<WasmOut>,
}

/// How a Wasm filter is delivered.
#[derive(Debug, Serialize)]
pub struct WasmOut {
    pub delivery: &'static str,
    pub plugin: Option<String>,
    pub kind: Option<String>,
    /// False for Istio's own built-ins.
    pub user: bool,
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
) -> Result<(), RenderError> {
    let report = ExplainJson {
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
        reached_because: l.candidacy.map(|c| match c {
            Candidacy::Bound => "bound",
            Candidacy::Captures => "captures",
            Candidacy::CapturesNoHandOff => "captures_no_hand_off",
            Candidacy::Internal => "internal",
        }),
        name: e.name.clone(),
        address: e.address.clone(),
        port: e.port,
        filter_chain_matcher: e.uses_matcher,
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
    }
}

fn warning_kind(w: &Warning) -> (&'static str, Option<usize>) {
    match w {
        Warning::RefusedUpdate(_) => ("refused_update", None),
        Warning::MissingInspector { chain, .. } => ("missing_listener_filter", Some(*chain)),
        Warning::IdenticalMatches { second, .. } => ("identical_matches", Some(*second)),
        Warning::NeverSelected { chain } => ("never_selected", Some(*chain)),
        Warning::NotChecked { .. } => ("never_selected_not_checked", None),
        Warning::DefaultChain { .. } => ("default_chain", None),
        Warning::NoDefaultChain => ("no_default_chain", None),
    }
}

fn ranges(r: &[crate::envoy::CidrRange<'_>]) -> Vec<String> {
    r.iter()
        .map(|r| format!("{}/{}", r.address_prefix, r.prefix_len()))
        .collect()
}

fn chain_out(c: &ChainInfo) -> ChainOut {
    let m = &c.conditions;
    let strings = |v: &[std::borrow::Cow<'_, str>]| v.iter().map(|s| s.to_string()).collect();
    let mut network_filters = Vec::new();
    let mut http_filters = Vec::new();
    for st in &c.stages {
        match st {
            Stage::Http { filters, .. } => {
                network_filters.push("envoy.filters.network.http_connection_manager".to_string());
                http_filters.extend(filters.iter().map(|f| HttpFilterOut {
                    name: f.name.clone(),
                    wasm: f.wasm.as_ref().map(|w| match w {
                        WasmFilter::Ecds { plugin } => WasmOut {
                            delivery: "ecds",
                            plugin: plugin.as_ref().map(|p| p.to_string()),
                            kind: plugin.as_ref().map(|p| format!("{:?}", p.kind)),
                            user: f.is_user_wasm,
                        },
                        WasmFilter::Inline { .. } => WasmOut {
                            delivery: "inline",
                            plugin: None,
                            kind: None,
                            user: f.is_user_wasm,
                        },
                    }),
                }));
            }
            Stage::TcpProxy { .. } => {
                network_filters.push("envoy.filters.network.tcp_proxy".to_string())
            }
            Stage::Other { name } => network_filters.push(name.clone()),
        }
    }
    ChainOut {
        index: (!c.is_default).then(|| c.position - 1),
        name: c.name.clone(),
        default: c.is_default,
        match_: MatchOut {
            destination_port: m.destination_port,
            prefix_ranges: ranges(&m.prefix_ranges),
            server_names: strings(&m.server_names),
            transport_protocol: (!m.transport_protocol.is_empty())
                .then(|| m.transport_protocol.to_string()),
            application_protocols: strings(&m.application_protocols),
            direct_source_prefix_ranges: ranges(&m.direct_source_prefix_ranges),
            source_type: match m.source_type {
                SourceType::Any => None,
                SourceType::SameIpOrLoopback => Some("SAME_IP_OR_LOOPBACK"),
                SourceType::External => Some("EXTERNAL"),
            },
            source_prefix_ranges: ranges(&m.source_prefix_ranges),
            source_ports: m.source_ports.clone(),
        },
        matcher_branches: c.matcher_branches.iter().map(branch_text).collect(),
        depends_on: c.needs.iter().map(|i| i.filter_name()).collect(),
        tls: match c.tls {
            TlsHandling::None => "none",
            TlsHandling::Terminates { .. } => "terminates",
            TlsHandling::PassesThrough => "passthrough",
        },
        require_client_certificate: matches!(
            c.tls,
            TlsHandling::Terminates {
                require_client_certificate: true
            }
        ),
        network_filters,
        http_filters,
        destination: destination_text(&c.destination),
        description: chain_paragraph(c),
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
    let (outcome, chosen) = match s.chosen {
        Chosen::Chain(i) => (
            "chain",
            e.chains.get(i).map(|c| ChosenOut {
                index: Some(i),
                name: c.name.clone(),
            }),
        ),
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
            })
            .collect(),
        outcome,
        chosen,
        failed_at: s.failed_at,
        failure: if matches!(s.chosen, Chosen::Chain(_)) {
            None
        } else {
            failure_words(s)
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
