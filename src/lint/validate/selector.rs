//! Schema pieces and checks shared by WasmPlugin, PeerAuthentication and TrafficExtension:
//! `selector`, `targetRef(s)`, and the one-of rule between them.

use crate::istio::yaml_tree::Node;

use super::releases::{Check, Rules};
use super::schema::{Pattern, Schema, Ty};
use super::{Layer, Violation, key_pos};

/// `selector` (`istio.type.v1beta1.WorkloadSelector`); limits from 1.23.
pub fn selector_schema(rules: &Rules) -> Schema {
    let mut value = Schema::of(Ty::String);
    let mut labels = Schema::of(Ty::Map(Box::new(Schema::of(Ty::String))));
    if rules.has(Check::SelectorSchemaLimits) {
        value.max_length = Some(63);
        labels = Schema {
            max_properties: Some(4096),
            ..Schema::of(Ty::Map(Box::new(value)))
        };
    }
    Schema::object(vec![labels.field("matchLabels", 12)])
}

/// A `targetRef` (`istio.type.v1beta1.PolicyTargetReference`). The 1.20–1.22 CRDs type its
/// four fields as plain strings; `required: [kind, name]` and the group/kind/name lengths and
/// patterns came with 1.23's CRD (`crd-all.gen.yaml`@1.20.0, @1.22.0 vs @1.23.0), so before
/// that a missing name or kind reaches the webhook (`targetRef name must be set`).
pub fn target_ref_schema(rules: &Rules) -> Schema {
    let c = rules.has(Check::TargetRefSchemaLimits);
    let group = Schema {
        max_length: Some(253).filter(|_| c),
        pattern: Some(Pattern::Group).filter(|_| c),
        ..Schema::of(Ty::String)
    };
    let kind = Schema {
        min_length: Some(1).filter(|_| c),
        max_length: Some(63).filter(|_| c),
        pattern: Some(Pattern::Kind).filter(|_| c),
        ..Schema::of(Ty::String)
    };
    let name = Schema {
        min_length: Some(1).filter(|_| c),
        max_length: Some(253).filter(|_| c),
        ..Schema::of(Ty::String)
    };
    Schema {
        required: if c { vec!["kind", "name"] } else { Vec::new() },
        ..Schema::object(vec![
            group.field("group", 20),
            kind.field("kind", 20),
            name.field("name", 20),
            Schema::of(Ty::String).field("namespace", 20),
        ])
    }
}

/// CEL rules and webhook checks on `spec.selector`.
pub fn check_selector(spec: &Node, rules: &Rules, out: &mut Vec<Violation>) {
    let Some(selector) = spec.get("selector").filter(|s| !s.is_null()) else {
        return;
    };
    let labels = selector
        .get("matchLabels")
        .map(Node::entries)
        .unwrap_or_default();
    if labels.is_empty() && rules.has(Check::SelectorWarning) {
        out.push(Violation::new(
            Check::SelectorWarning.layer(),
            key_pos(spec, "selector"),
            "workload selector specified without labels",
        ));
    }
    let path = "spec.selector.matchLabels";
    for (k, v) in labels {
        let (key, value) = (k.display(), v.display());
        if rules.has(Check::SelectorCel) {
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
pub fn check_target_refs(spec: &Node, rules: &Rules, out: &mut Vec<Violation>) {
    let present = ["selector", "targetRef", "targetRefs"]
        .iter()
        .filter(|k| spec.get(k).is_some())
        .count();
    let has_refs = !refs(spec).is_empty();
    let selector = spec.get("selector").is_some_and(|s| !s.is_null());
    if rules.has(Check::OneOfCel) && present > 1 {
        out.push(Violation::new(
            Layer::Cel,
            spec.entry("targetRefs")
                .or_else(|| spec.entry("targetRef"))
                .map_or(spec.pos, |(k, _)| k.pos),
            "spec: Invalid value: \"object\": only one of targetRefs or selector can be set",
        ));
    } else if rules.has(Check::TargetRefWebhook) {
        // `validateOneOfSelectorType`: 1.20–1.21 compare selector and targetRef; from 1.22
        // selector, targetRef and targetRefs each count (a present selector counts even
        // when empty: the proto message is set).
        let target_ref = spec.get("targetRef").is_some_and(|r| !r.is_null());
        let target_refs = spec
            .get("targetRefs")
            .is_some_and(|r| !r.items().is_empty());
        let counted = if rules.has(Check::TargetRefKindList) {
            vec![selector, target_ref, target_refs]
        } else {
            vec![selector, target_ref]
        };
        let set = counted.iter().filter(|b| **b).count();
        let message = rules.one_of_webhook_message();
        if set > 1 {
            let at = if selector {
                key_pos(spec, "selector")
            } else {
                key_pos(spec, "targetRefs")
            };
            out.push(Violation::new(Layer::Webhook, at, message));
        }
    }
    let _ = has_refs;
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
        // `validatePolicyTargetReference` (1.20+): a missing or empty name. From 1.23 the
        // CRD requires it and answers first; before, only the webhook catches it.
        if text("name").is_empty() && rules.has(Check::TargetRefWebhook) {
            out.push(Violation::new(
                Layer::Webhook,
                key_pos(r, "name"),
                "targetRef name must be set",
            ));
        }
        if !namespace.is_empty() {
            if rules.has(Check::TargetRefNamespaceCel) {
                out.push(Violation::new(
                    Layer::Cel,
                    key_pos(r, "namespace"),
                    format!("{path}: Invalid value: \"object\": cross namespace referencing is not currently supported"),
                ));
            } else if rules.has(Check::TargetRefWebhook) {
                // 1.20–1.22 (the suffix came with 1.23, where CEL answers first anyway).
                out.push(Violation::new(
                    Layer::Webhook,
                    key_pos(r, "namespace"),
                    "targetRef namespace must not be set",
                ));
            }
        }
        let pair = (group.as_str(), kind.as_str());
        let cel_kinds = rules.cel_target_kinds();
        // From 1.23 the schema's Required value; before, the webhook's kind check below
        // rejects the empty kind.
        if kind.is_empty() && rules.has(Check::TargetRefSchemaLimits) {
            continue;
        }
        // The 1.23/1.24 rule reads `self.group`: a ref without the key fails evaluation,
        // which the API server reports as a rejection (DOMAIN.md §8).
        if let Some(rule) = cel_kinds
            && r.get("group").is_none()
        {
            out.push(Violation::new(
                Layer::Cel,
                key_pos(r, "kind"),
                format!(
                    "{path}: Invalid value: \"object\": no such key: group evaluating rule: {}",
                    rule.message
                ),
            ));
            continue;
        }
        if let Some(rule) = cel_kinds
            && !rule.kinds.iter().any(|k| (k.group, k.kind) == pair)
        {
            out.push(Violation::new(
                Layer::Cel,
                key_pos(r, "kind"),
                format!("{path}: Invalid value: \"object\": {}", rule.message),
            ));
            continue;
        }
        let allowed = rules.webhook_target_kinds();
        if !rules.has(Check::TargetRefKindList) {
            // 1.20–1.21 `validatePolicyTargetReference`: the one expected kind (a Gateway),
            // the group compared as written.
            let (group, expected) = allowed
                .first()
                .map_or(("gateway.networking.k8s.io", "Gateway"), |k| {
                    (k.group, k.kind)
                });
            if text("group") != group || kind != expected {
                out.push(Violation::new(
                    Layer::Webhook,
                    key_pos(r, "kind"),
                    format!(
                        "targetRef Group and/or Kind don't match; expected: [Group: {group}, Kind: {expected}], got: [Group: {}, Kind: {kind}]",
                        text("group")
                    ),
                ));
            }
            continue;
        }
        if !allowed.iter().any(|k| (k.group, k.kind) == pair) {
            let list: Vec<String> = allowed
                .iter()
                .map(|k| {
                    let group = if k.group.is_empty() { "core" } else { k.group };
                    format!("{group}/{}/{}", k.version, k.kind)
                })
                .collect();
            out.push(Violation::new(
                Layer::Webhook,
                key_pos(r, "kind"),
                format!(
                    "targetRef must be to one of [{}] but was {}/{}",
                    list.join(" "),
                    text("group"),
                    kind
                ),
            ));
        }
    }
}
