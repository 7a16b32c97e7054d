//! The TLS and HTTP inspectors Istio would put on a rebuilt `virtualInbound`, worked out
//! from the final chains (DOMAIN.md §5.6): HEAD's per-port rules (istio/istio
//! `core/listener_inbound.go` `populateListenerFilters`), or 1.12's simpler ones.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::keys::Keys;
use crate::analysis::diff::listener_filters::predicate_text;
use crate::analysis::mtls::inbound_template::PortProtocol;
use crate::analysis::mtls::mode::{GroupKind, Inference, infer_modes};
use crate::envoy::Listener;
use crate::envoy::listener::ListenerFilterChainMatchPredicate as Predicate;

const TLS_INSPECTOR: &str = "envoy.filters.listener.tls_inspector";
const HTTP_INSPECTOR: &str = "envoy.filters.listener.http_inspector";

/// Which inspector rules to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectorRules {
    /// 1.12: TLS inspector wherever a chain terminates TLS; HTTP inspector always, disabled
    /// on explicit HTTP/TCP service ports.
    Istio1_12,
    /// HEAD: per destination port, from what the chains need.
    Head,
}

/// `[p, p+1)` per port, wrapped in `or_match` when several (ascending).
fn ports_predicate(keys: &Keys, ports: &[u32]) -> Option<Value> {
    let range = |p: u32| json!({ keys.name("destination_port_range"): {"start": p, "end": p + 1} });
    match ports {
        [] => None,
        [p] => Some(range(*p)),
        _ => Some(
            json!({ keys.name("or_match"): { "rules": ports.iter().map(|p| range(*p)).collect::<Vec<_>>() } }),
        ),
    }
}

/// One inspector entry: the listener's own (config kept) or a new one.
fn inspector(
    old: &[Value],
    keys: &Keys,
    name: &str,
    type_name: &str,
    disabled: Option<Value>,
) -> Value {
    let disabled_key = &keys.name("filter_disabled");
    let mut f = old
        .iter()
        .find(|f| f.get("name").and_then(Value::as_str) == Some(name))
        .cloned()
        .unwrap_or_else(|| {
            json!({
                "name": name,
                keys.name("typed_config"): {
                    "@type": format!("type.googleapis.com/envoy.extensions.filters.listener.{type_name}")
                }
            })
        });
    if let Some(obj) = f.as_object_mut() {
        obj.remove(disabled_key);
        if let Some(d) = disabled {
            obj.insert(disabled_key.to_string(), d);
        }
    }
    f
}

/// The predicted listener filters for `predicted` (the rebuilt listener), keeping every
/// other listener filter of `old` in place; plus a note saying what was decided.
pub fn predict_inspectors(
    old: &[Value],
    predicted: &Listener<'_>,
    keys: &Keys,
    rules: InspectorRules,
) -> (Vec<Value>, String) {
    // Per destination port (0: passthrough): needs TLS, needs HTTP (HEAD rules).
    let mut ports: BTreeMap<u32, (bool, bool)> = BTreeMap::new();
    let mut terminates_tls = false;
    for c in &predicted.filter_chains {
        let m = c.filter_chain_match.clone().unwrap_or_default();
        let entry = ports.entry(m.destination_port.unwrap_or(0)).or_default();
        entry.0 |= m.transport_protocol == "tls";
        entry.1 |= m
            .application_protocols
            .iter()
            .any(|a| a == "http/1.1" || a == "h2c");
        terminates_tls |= c.transport_socket.as_ref().is_some_and(|t| t.is_tls());
    }
    let (tls, http) = match rules {
        InspectorRules::Head => {
            let tls_needed: Vec<u32> = ports.iter().filter(|p| p.1.0).map(|p| *p.0).collect();
            let tls = if tls_needed.is_empty() {
                None
            } else if tls_needed.first() == Some(&0) {
                let off: Vec<u32> = ports.iter().filter(|p| !p.1.0).map(|p| *p.0).collect();
                Some(ports_predicate(keys, &off))
            } else {
                let on = ports_predicate(keys, &tls_needed);
                Some(on.map(|p| json!({ keys.name("not_match"): p })))
            };
            let http = if ports.values().any(|p| p.1) {
                let off: Vec<u32> = ports.iter().filter(|p| !p.1.1).map(|p| *p.0).collect();
                Some(ports_predicate(keys, &off))
            } else {
                None
            };
            (tls, http)
        }
        InspectorRules::Istio1_12 => {
            let explicit: Vec<u32> = infer_modes(predicted)
                .into_iter()
                .filter(|pm| pm.key.kind == GroupKind::Service)
                .filter(|pm| {
                    matches!(pm.inference, Inference::Known { protocol, .. }
                        if protocol != PortProtocol::Auto)
                })
                .filter_map(|pm| pm.key.port)
                .collect();
            (
                terminates_tls.then_some(None),
                Some(ports_predicate(keys, &explicit)),
            )
        }
    };
    let is_inspector = |f: &Value| {
        matches!(
            f.get("name").and_then(Value::as_str),
            Some(TLS_INSPECTOR | HTTP_INSPECTOR)
        )
    };
    let mut out: Vec<Value> = old.iter().filter(|f| !is_inspector(f)).cloned().collect();
    let mut said = Vec::new();
    if let Some(disabled) = tls {
        said.push(describe("tls_inspector", &disabled));
        out.push(inspector(
            old,
            keys,
            TLS_INSPECTOR,
            "tls_inspector.v3.TlsInspector",
            disabled,
        ));
    } else {
        said.push("no tls_inspector".to_string());
    }
    if let Some(disabled) = http {
        said.push(describe("http_inspector", &disabled));
        out.push(inspector(
            old,
            keys,
            HTTP_INSPECTOR,
            "http_inspector.v3.HttpInspector",
            disabled,
        ));
    } else {
        said.push("no http_inspector".to_string());
    }
    let rules_text = match rules {
        InspectorRules::Head => "per-port rules of 1.13+",
        InspectorRules::Istio1_12 => "1.12 rules",
    };
    (
        out,
        format!("listener filters ({rules_text}): {}", said.join(", ")),
    )
}

fn describe(name: &str, disabled: &Option<Value>) -> String {
    let Some(p) = disabled else {
        return name.to_string();
    };
    match serde_json::from_value::<Predicate>(p.clone()) {
        Ok(p) => format!("{name} (disabled on {})", predicate_text(&p)),
        Err(_) => format!("{name} (disabled on {p})"),
    }
}
