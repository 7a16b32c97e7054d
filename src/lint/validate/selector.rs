//! Schema pieces and checks shared by WasmPlugin, PeerAuthentication and TrafficExtension:
//! `selector`, `targetRef(s)`, and the one-of rule between them.

use crate::istio::yaml_tree::Node;

use super::schema::{Pattern, Schema, Ty};
use super::{Layer, Violation, key_pos};

/// `selector` (`istio.type.v1beta1.WorkloadSelector`); limits from 1.23.
pub fn selector_schema(version: u32) -> Schema {
    let mut value = Schema::of(Ty::String);
    let mut labels = Schema::of(Ty::Map(Box::new(Schema::of(Ty::String))));
    if version >= 23 {
        value.max_length = Some(63);
        labels = Schema {
            max_properties: Some(4096),
            ..Schema::of(Ty::Map(Box::new(value)))
        };
    }
    Schema::object(vec![labels.field("matchLabels", 12)])
}

/// A `targetRef` (`istio.type.v1beta1.PolicyTargetReference`).
pub fn target_ref_schema() -> Schema {
    let group = Schema {
        max_length: Some(253),
        pattern: Some(Pattern::Group),
        ..Schema::of(Ty::String)
    };
    let kind = Schema {
        min_length: Some(1),
        max_length: Some(63),
        pattern: Some(Pattern::Kind),
        ..Schema::of(Ty::String)
    };
    let name = Schema {
        min_length: Some(1),
        max_length: Some(253),
        ..Schema::of(Ty::String)
    };
    Schema {
        required: vec!["kind", "name"],
        ..Schema::object(vec![
            group.field("group", 20),
            kind.field("kind", 20),
            name.field("name", 20),
            Schema::of(Ty::String).field("namespace", 20),
        ])
    }
}

/// CEL rules and webhook checks on `spec.selector`.
pub fn check_selector(spec: &Node, version: u32, out: &mut Vec<Violation>) {
    let Some(selector) = spec.get("selector").filter(|s| !s.is_null()) else {
        return;
    };
    let labels = selector
        .get("matchLabels")
        .map(Node::entries)
        .unwrap_or_default();
    // The webhook's warning starts in 1.18 (absent in 1.16 and 1.17; DOMAIN.md §8).
    if labels.is_empty() && version >= 18 {
        out.push(Violation::new(
            Layer::WebhookWarning,
            key_pos(spec, "selector"),
            "workload selector specified without labels",
        ));
    }
    let path = "spec.selector.matchLabels";
    for (k, v) in labels {
        let (key, value) = (k.display(), v.display());
        if version >= 23 {
            if key.contains('*') {
                out.push(Violation::new(
                    Layer::Cel,
                    k.pos,
                    format!(
                        "{path}: Invalid value: \"object\": wildcard not allowed in label key match"
                    ),
                ));
            }
            if key.is_empty() {
                out.push(Violation::new(
                    Layer::Cel,
                    k.pos,
                    format!("{path}: Invalid value: \"object\": key must not be empty"),
                ));
            }
            if value.contains('*') {
                out.push(Violation::new(
                    Layer::Cel,
                    v.pos,
                    format!("{path}: Invalid value: \"object\": wildcard not allowed in label value match"),
                ));
            }
        } else if key.is_empty() {
            out.push(Violation::new(
                Layer::Webhook,
                k.pos,
                format!("empty key is not supported in selector: \"{key}={value}\""),
            ));
        } else if key.contains('*') || value.contains('*') {
            out.push(Violation::new(
                Layer::Webhook,
                if key.contains('*') { k.pos } else { v.pos },
                format!("wildcard is not supported in selector: \"{key}={value}\""),
            ));
        }
    }
}

/// All target references: `targetRef` folded into `targetRefs`.
fn refs(spec: &Node) -> Vec<(&Node, String)> {
    let mut all = Vec::new();
    if let Some(r) = spec.get("targetRef").filter(|r| !r.is_null()) {
        all.push((r, "spec.targetRef".to_string()));
    }
    if let Some(list) = spec.get("targetRefs") {
        for (i, r) in list.items().iter().enumerate() {
            all.push((r, format!("spec.targetRefs[{i}]")));
        }
    }
    all
}

/// The one-of rule between `selector` and `targetRef(s)`, and per-reference checks.
/// `cel_kinds_from`: the first release with the kind CEL rule (None: never).
pub fn check_target_refs(
    spec: &Node,
    version: u32,
    one_of_cel_from: u32,
    out: &mut Vec<Violation>,
) {
    let present = ["selector", "targetRef", "targetRefs"]
        .iter()
        .filter(|k| spec.get(k).is_some())
        .count();
    let has_refs = !refs(spec).is_empty();
    let selector = spec.get("selector").is_some_and(|s| !s.is_null());
    if version >= one_of_cel_from && present > 1 {
        out.push(Violation::new(
            Layer::Cel,
            spec.entry("targetRefs")
                .or_else(|| spec.entry("targetRef"))
                .map_or(spec.pos, |(k, _)| k.pos),
            "spec: Invalid value: \"object\": only one of targetRefs or selector can be set",
        ));
    } else if version >= 22 && selector && has_refs {
        out.push(Violation::new(
            Layer::Webhook,
            key_pos(spec, "selector"),
            "only one of targetRefs or workloadSelector can be set",
        ));
    }
    for (r, path) in refs(spec) {
        let text = |k: &str| {
            r.get(k)
                .map(|n| n.display().into_owned())
                .unwrap_or_default()
        };
        let (group, kind, namespace) = (text("group"), text("kind"), text("namespace"));
        let group = if group == "core" {
            String::new()
        } else {
            group
        };
        if !namespace.is_empty() {
            if version >= 23 {
                out.push(Violation::new(
                    Layer::Cel,
                    key_pos(r, "namespace"),
                    format!("{path}: Invalid value: \"object\": cross namespace referencing is not currently supported"),
                ));
            } else if version >= 22 {
                out.push(Violation::new(
                    Layer::Webhook,
                    key_pos(r, "namespace"),
                    "targetRef namespace must not be set; cross namespace referencing is not supported",
                ));
            }
        }
        let pair = (group.as_str(), kind.as_str());
        let cel_kinds: Option<(&[(&str, &str)], &str)> = match version {
            23 => Some((
                &[("", "Service"), ("gateway.networking.k8s.io", "Gateway")],
                "Support kinds are core/Service and gateway.networking.k8s.io/Gateway",
            )),
            24 => Some((
                &[
                    ("", "Service"),
                    ("networking.istio.io", "ServiceEntry"),
                    ("gateway.networking.k8s.io", "Gateway"),
                ],
                "Support kinds are core/Service, networking.istio.io/ServiceEntry, gateway.networking.k8s.io/Gateway",
            )),
            _ => None,
        };
        if kind.is_empty() {
            continue; // the schema's Required value
        }
        if let Some((allowed, message)) = cel_kinds
            && !allowed.contains(&pair)
        {
            out.push(Violation::new(
                Layer::Cel,
                key_pos(r, "kind"),
                format!("{path}: Invalid value: \"object\": {message}"),
            ));
            continue;
        }
        let webhook_allowed = [
            ("", "Service"),
            ("networking.istio.io", "ServiceEntry"),
            ("gateway.networking.k8s.io", "Gateway"),
            ("gateway.networking.k8s.io", "GatewayClass"),
        ];
        if version >= 22 && !webhook_allowed.contains(&pair) {
            out.push(Violation::new(
                Layer::Webhook,
                key_pos(r, "kind"),
                format!(
                    "targetRef must be to one of [core/v1/Service networking.istio.io/v1/ServiceEntry gateway.networking.k8s.io/v1/Gateway gateway.networking.k8s.io/v1/GatewayClass] but was {}/{}",
                    text("group"),
                    kind
                ),
            ));
        }
    }
}
