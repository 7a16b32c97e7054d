//! TrafficExtension (`extensions.istio.io/v1alpha1`, 1.30+; DOMAIN.md §6.6, §8).

use crate::istio::yaml_tree::Node;

use super::releases::Rules;
use super::schema::{Schema, Ty, Walker};
use super::selector::{check_selector, check_target_refs};
use super::wasm_plugin::{check_match, check_module, module_fields, placement_fields};
use super::{Layer, Violation, key_pos};

/// Lua bodies above this many bytes are rejected by the webhook.
const MAX_LUA: usize = 64 * 1024;

/// Every TrafficExtension rejection under `rules`.
pub fn validate(spec: &Node, rules: &Rules, out: &mut Vec<Violation>) {
    let version = rules.version;
    let mut fields = placement_fields(rules);
    // TrafficExtension's own phase enum (istio/api traffic_extension.proto), not
    // WasmPlugin's `UNSPECIFIED_PHASE` (DOMAIN.md §8, 1.30).
    fields.retain(|f| f.name != "targetRef" && f.name != "phase");
    fields.push(
        Schema::enumeration(vec!["UNSPECIFIED", "AUTHN", "AUTHZ", "STATS"]).field("phase", 30),
    );
    let wasm = Schema {
        required: vec!["url"],
        ..Schema::object(module_fields(rules))
    };
    fields.push(wasm.field("wasm", 30));
    // `lua.inlineCode`: required, 1–65536 characters in the 1.30 CRD, so the API server
    // rejects an empty or oversized body before the webhook's `validateLuaConfig` sees it.
    let inline_code = Schema {
        min_length: Some(1),
        max_length: Some(MAX_LUA),
        ..Schema::of(Ty::String)
    };
    let lua = Schema {
        required: vec!["inlineCode"],
        ..Schema::object(vec![inline_code.field("inlineCode", 30)])
    };
    fields.push(lua.field("lua", 30));
    Walker { version, out }.walk(spec, &Schema::object(fields), "spec");
    check_selector(spec, rules, out);
    check_target_refs(spec, rules, out);
    let wasm = spec.get("wasm").filter(|w| !w.is_null());
    let lua = spec.get("lua").filter(|l| !l.is_null());
    if wasm.is_some() == lua.is_some() {
        out.push(Violation::new(
            Layer::Cel,
            spec.entries().first().map_or(spec.pos, |(k, _)| k.pos),
            "spec: Invalid value: \"object\": exactly one of wasm or lua must be set",
        ));
    }
    if let Some(w) = wasm {
        check_module(w, "spec.wasm", rules, out);
    }
    if let Some(l) = lua {
        let code = l
            .get("inlineCode")
            .map(|c| c.display().into_owned())
            .unwrap_or_default();
        // `validateLuaConfig`@1.30.0: Go's `len() == 0` (whitespace-only code passes) and
        // `len() > 65536`, with its messages.
        if code.is_empty() {
            out.push(Violation::new(
                Layer::Webhook,
                key_pos(l, "inlineCode"),
                "lua.inlineCode cannot be empty",
            ));
        } else if code.len() > MAX_LUA {
            out.push(Violation::new(
                Layer::Webhook,
                key_pos(l, "inlineCode"),
                "lua.inlineCode exceeds maximum size of 64KB",
            ));
        }
    }
    check_match(spec, rules, out);
}
