//! WasmPlugin (`extensions.istio.io/v1alpha1`): CRD schema, CEL rules and webhook checks per
//! release (DOMAIN.md §8, istio/api `extensions/v1alpha1/wasm.proto` history).

use crate::istio::yaml_tree::{Kind, Node};

use super::releases::{Check, Rules};
use super::schema::{Field, Pattern, Schema, Ty, Walker};
use super::selector::{check_selector, check_target_refs, selector_schema, target_ref_schema};
use super::url::{cel_url_ok, webhook_url_error};
use super::{Layer, Violation, key_pos};

fn string(min: Option<usize>, max: Option<usize>, constrained: bool) -> Schema {
    Schema {
        min_length: min.filter(|_| constrained),
        max_length: max.filter(|_| constrained),
        ..Schema::of(Ty::String)
    }
}

/// The module fields shared with TrafficExtension's `wasm` (url … type).
pub fn module_fields(rules: &Rules) -> Vec<Field> {
    let c = rules.has(Check::WasmSchemaLimits);
    let sha256 = Schema {
        pattern: Some(Pattern::Sha256).filter(|_| c),
        ..Schema::of(Ty::String)
    };
    let mut fail = vec!["FAIL_CLOSE", "FAIL_OPEN"];
    if rules.has(Check::FailReload) {
        fail.push("FAIL_RELOAD");
    }
    let env_item = Schema {
        required: if c { vec!["name"] } else { Vec::new() },
        ..Schema::object(vec![
            string(Some(1), Some(256), c).field("name", 14),
            string(None, Some(2048), c).field("value", 14),
            Schema::enumeration(vec!["INLINE", "HOST"]).field("valueFrom", 14),
        ])
    };
    let env = Schema {
        max_items: Some(256).filter(|_| c),
        list_map_key: Some("name".into()).filter(|_| c),
        ..Schema::of(Ty::Array(Box::new(env_item)))
    };
    vec![
        string(Some(1), None, c).field("url", 12),
        sha256.field("sha256", 12),
        Schema::enumeration(vec!["UNSPECIFIED_POLICY", "IfNotPresent", "Always"])
            .field("imagePullPolicy", 12),
        string(Some(1), Some(253), c).field("imagePullSecret", 12),
        Schema::of(Ty::Any).field("pluginConfig", 12),
        string(Some(1), Some(256), c).field("pluginName", 12),
        Schema::enumeration(fail).field("failStrategy", 19),
        Schema::object(vec![env.field("env", 14)]).field("vmConfig", 14),
        Schema::enumeration(vec!["UNSPECIFIED_PLUGIN_TYPE", "HTTP", "NETWORK"]).field("type", 20),
        // In every CRD version since 1.12, though no Istio release reads it (DOMAIN.md §8).
        Schema::of(Ty::String).field("verificationKey", 12),
    ]
}

/// `selector`, `targetRef(s)`, `phase`, `priority`, `match`: shared with TrafficExtension.
pub fn placement_fields(rules: &Rules) -> Vec<Field> {
    let c = rules.has(Check::WasmSchemaLimits);
    let number = Schema {
        minimum: Some(1).filter(|_| c),
        maximum: Some(65535).filter(|_| c),
        ..Schema::of(Ty::Int)
    };
    let port = Schema {
        required: if c { vec!["number"] } else { Vec::new() },
        ..Schema::object(vec![number.field("number", 16)])
    };
    let ports = Schema {
        list_map_key: Some("number".into()).filter(|_| c),
        ..Schema::of(Ty::Array(Box::new(port)))
    };
    let entry = Schema::object(vec![
        Schema::enumeration(vec!["UNDEFINED", "CLIENT", "SERVER", "CLIENT_AND_SERVER"])
            .field("mode", 16),
        ports.field("ports", 16),
    ]);
    let target_refs = Schema {
        max_items: Some(16).filter(|_| rules.has(Check::TargetRefsMaxItems)),
        ..Schema::of(Ty::Array(Box::new(target_ref_schema(rules))))
    };
    vec![
        selector_schema(rules).field("selector", 12),
        target_ref_schema(rules).field("targetRef", 20),
        target_refs.field("targetRefs", 22),
        Schema::enumeration(vec!["UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS"])
            .field("phase", 12),
        Schema::of(Ty::Int).field("priority", 12),
        Schema::of(Ty::Array(Box::new(entry))).field("match", 16),
    ]
}

/// The CEL url rule (1.20+) and the webhook's url/sha256/env checks on a module spec.
pub fn check_module(spec: &Node, path: &str, rules: &Rules, out: &mut Vec<Violation>) {
    // From 1.20 the CRD requires the url and checks sha256's pattern, before the webhook.
    let schema_first = rules.has(Check::WasmSchemaLimits);
    let url = spec.get("url").filter(|u| !u.is_null());
    match url.map(|u| (u, u.display())) {
        None if !schema_first => out.push(Violation::new(
            Layer::Webhook,
            spec.pos,
            "url field needs to be set",
        )),
        Some((u, text)) if text.is_empty() && !schema_first => out.push(Violation::new(
            Layer::Webhook,
            u.pos,
            "url field needs to be set",
        )),
        Some((u, text)) if !text.is_empty() && u.kind() == Kind::String => {
            if rules.has(Check::UrlSchemeCel) && !cel_url_ok(&text) {
                out.push(Violation::new(
                    Check::UrlSchemeCel.layer(),
                    u.pos,
                    format!("{path}.url: Invalid value: \"string\": url must have schema one of [http, https, file, oci]"),
                ));
            } else if let Some(e) = webhook_url_error(&text, rules) {
                out.push(Violation::new(Layer::Webhook, u.pos, e));
            }
        }
        _ => {}
    }
    if !schema_first && let Some(sha) = spec.get("sha256").filter(|s| !s.display().is_empty()) {
        let text = sha.display();
        if text.len() != 64 {
            out.push(Violation::new(
                Layer::Webhook,
                sha.pos,
                "sha256 field must be 64 characters long",
            ));
        } else if !Pattern::Sha256.is_match(&text) {
            out.push(Violation::new(
                Layer::Webhook,
                sha.pos,
                "sha256 field must match [a-f0-9]{64} pattern",
            ));
        }
    }
    check_env(spec, path, rules, out);
}

fn check_env(spec: &Node, path: &str, rules: &Rules, out: &mut Vec<Violation>) {
    let Some(env) = spec.path(&["vmConfig", "env"]) else {
        return;
    };
    let mut names: Vec<String> = Vec::new();
    for (i, e) in env.items().iter().enumerate() {
        let value_from = e.get("valueFrom").map(|v| v.display().into_owned());
        // The CRD's CEL rule (1.20+) is `valueFrom == 'HOST' ? !has(self.value)`: `has()`
        // is true for a present key, even `value: ""` (DOMAIN.md §8).
        let host_has_value = value_from.as_deref() == Some("HOST") && e.get("value").is_some();
        if rules.has(Check::EnvHostValueCel) && host_has_value {
            out.push(Violation::new(
                Check::EnvHostValueCel.layer(),
                key_pos(e, "value"),
                format!("{path}.vmConfig.env[{i}]: Invalid value: \"object\": value may only be set when valueFrom is INLINE"),
            ));
        }
        // From 1.20 the CRD's required name and list-map key answer before the webhook.
        if rules.has(Check::WasmSchemaLimits) || !rules.has(Check::EnvChecks) {
            continue;
        }
        // The webhook stops at the first env error. Before 1.20 it had no valueFrom/value
        // check (that came with 1.23's webhook, after the CRD's CEL rule of 1.20).
        let name = e
            .get("name")
            .map(|n| n.display().into_owned())
            .unwrap_or_default();
        let message = if name.is_empty() {
            Some("spec.vmConfig.env invalid")
        } else if names.contains(&name) {
            Some("duplicate env")
        } else {
            None
        };
        if let Some(m) = message {
            out.push(Violation::new(Layer::Webhook, e.pos, m));
            return;
        }
        names.push(name);
    }
}

/// Webhook `match` checks (1.16+): nil entries and out-of-range ports, stopping at the first.
pub fn check_match(spec: &Node, rules: &Rules, out: &mut Vec<Violation>) {
    if !rules.has(Check::MatchChecks) {
        return;
    }
    let Some(list) = spec.get("match") else {
        return;
    };
    for (i, m) in list.items().iter().enumerate() {
        if m.is_null() {
            out.push(Violation::new(
                Layer::Webhook,
                m.pos,
                format!("spec.Match[{i}] is nil"),
            ));
            return;
        }
        let ports = m.get("ports").map(Node::items).unwrap_or_default();
        for (j, p) in ports.iter().enumerate() {
            if p.is_null() {
                out.push(Violation::new(
                    Layer::Webhook,
                    p.pos,
                    format!("spec.Match[{i}].Ports[{j}] is nil"),
                ));
                return;
            }
            let n = p.get("number").and_then(Node::as_i64).unwrap_or(0);
            // From 1.20 the CRD's minimum/maximum answer first.
            if !rules.has(Check::WasmSchemaLimits) && !(1..=65535).contains(&n) {
                out.push(Violation::new(
                    Layer::Webhook,
                    key_pos(p, "number"),
                    format!("spec.Match[{i}].Ports[{j}] is out of range: {n}"),
                ));
                return;
            }
        }
    }
}

/// Every WasmPlugin rejection under `rules`.
pub fn validate(spec: &Node, rules: &Rules, out: &mut Vec<Violation>) {
    let version = rules.version;
    let mut fields = placement_fields(rules);
    fields.extend(module_fields(rules));
    let schema = Schema {
        required: if rules.has(Check::WasmSchemaLimits) {
            vec!["url"]
        } else {
            Vec::new()
        },
        ..Schema::object(fields)
    };
    Walker { version, out }.walk(spec, &schema, "spec");
    check_selector(spec, rules, out);
    check_target_refs(spec, rules, out);
    check_module(spec, "spec", rules, out);
    check_match(spec, rules, out);
    check_priority(spec, rules, out);
}

/// `priority` is an int64 until 1.18 and an int32 from 1.19: the webhook's protobuf decode
/// rejects a value outside int32 (the CRD's `format: int32` is not enforced by the API
/// server).
pub fn check_priority(spec: &Node, rules: &Rules, out: &mut Vec<Violation>) {
    let Some(p) = spec
        .get("priority")
        .filter(|_| rules.has(Check::PriorityInt32))
    else {
        return;
    };
    if let Some(n) = p.as_i64().filter(|n| i32::try_from(*n).is_err()) {
        out.push(Violation::new(
            Check::PriorityInt32.layer(),
            p.pos,
            format!("priority: invalid value for int32 type: {n}"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Layer, Violation};
    use crate::istio::yaml_tree::parse_documents;

    fn run(yaml: &str, version: u32) -> Vec<Violation> {
        let spec = parse_documents(yaml).unwrap().remove(0);
        let mut out = Vec::new();
        super::validate(&spec, &super::Rules::at(version), &mut out);
        out
    }

    #[test]
    fn valid_plugin_passes_everywhere() {
        let ok = "url: oci://ghcr.io/a/b:v1\nphase: AUTHN\npriority: 10\nselector:\n  matchLabels: {app: x}\n";
        for v in 12..=30 {
            assert_eq!(run(ok, v), vec![], "1.{v}");
        }
    }

    #[test]
    fn missing_url_by_version() {
        let v12 = run("phase: AUTHN\n", 12);
        assert_eq!(v12[0].message, "url field needs to be set");
        let v30 = run("phase: AUTHN\n", 30);
        assert_eq!(v30.len(), 1);
        assert_eq!(v30[0].layer, Layer::Schema);
        assert_eq!(v30[0].message, "spec.url: Required value");
    }

    #[test]
    fn sha256_once() {
        let v = run("url: oci://a/b\nsha256: abc\n", 30);
        assert_eq!(v.len(), 1);
        assert!(v[0].message.contains("should match"));
        let v = run("url: oci://a/b\nsha256: abc\n", 19);
        assert_eq!(v[0].message, "sha256 field must be 64 characters long");
    }
}
