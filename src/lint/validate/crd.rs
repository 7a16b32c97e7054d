//! `--crd FILE`: validation against a given CRD's `openAPIV3Schema` and its CEL rules,
//! converted to the [`Schema`] model the built-in rules use.

use std::borrow::Cow;

use crate::istio::crd::Crd;
use crate::istio::manifest::Resource;
use crate::istio::yaml_tree::{Kind, Node};

use super::cel::CelRule;
use super::schema::{Field, Schema, Ty, Walker};
use super::{Layer, Violation};

fn usize_of(node: &Node, key: &str) -> Option<usize> {
    node.get(key)
        .and_then(Node::as_i64)
        .and_then(|n| usize::try_from(n).ok())
}

fn is_true(node: &Node, key: &str) -> bool {
    node.get(key)
        .is_some_and(|v| v.kind() == Kind::Bool && v.display().eq_ignore_ascii_case("true"))
}

/// Converts one OpenAPI v3 schema node; `errors` collects rules that do not compile.
pub fn schema_from_openapi(node: &Node, errors: &mut Vec<String>) -> Schema {
    let preserve = is_true(node, "x-kubernetes-preserve-unknown-fields");
    let ty = match node.get("type").and_then(Node::as_scalar).unwrap_or("") {
        "object" => {
            if let Some(props) = node.get("properties") {
                Ty::Object(
                    props
                        .entries()
                        .iter()
                        .map(|(k, v)| Field {
                            name: Cow::Owned(k.display().into_owned()),
                            schema: schema_from_openapi(v, errors),
                            since: 0,
                        })
                        .collect(),
                )
            } else if let Some(values) = node
                .get("additionalProperties")
                .filter(|v| v.kind() == Kind::Object)
            {
                Ty::Map(Box::new(schema_from_openapi(values, errors)))
            } else {
                Ty::Any
            }
        }
        "array" => Ty::Array(Box::new(
            node.get("items")
                .map_or_else(|| Schema::of(Ty::Any), |i| schema_from_openapi(i, errors)),
        )),
        "string" => Ty::String,
        "integer" => Ty::Int,
        "number" => Ty::Number,
        "boolean" => Ty::Bool,
        _ => Ty::Any,
    };
    let mut schema = Schema::of(ty);
    schema.allow_unknown = preserve;
    schema.enum_values = node
        .get("enum")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|v| Cow::Owned(v.display().into_owned()))
        .collect();
    schema.min_length = usize_of(node, "minLength");
    schema.max_length = usize_of(node, "maxLength");
    schema.minimum = node.get("minimum").and_then(Node::as_i64);
    schema.maximum = node.get("maximum").and_then(Node::as_i64);
    schema.max_items = usize_of(node, "maxItems");
    schema.min_properties = usize_of(node, "minProperties");
    schema.max_properties = usize_of(node, "maxProperties");
    schema.required_owned = node
        .get("required")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .map(|r| r.display().into_owned())
        .collect();
    if let Some(p) = node.get("pattern").and_then(Node::as_scalar) {
        match regex::Regex::new(p) {
            Ok(re) => schema.regex = Some(re),
            Err(e) => errors.push(format!("pattern {p:?}: {e}")),
        }
    }
    if node.get("x-kubernetes-list-type").and_then(Node::as_scalar) == Some("map") {
        schema.list_map_key = node
            .get("x-kubernetes-list-map-keys")
            .and_then(|k| k.items().first())
            .map(|k| Cow::Owned(k.display().into_owned()));
    }
    for v in node
        .get("x-kubernetes-validations")
        .map(Node::items)
        .unwrap_or_default()
    {
        let Some(rule) = v.get("rule").and_then(Node::as_scalar) else {
            continue;
        };
        match CelRule::compile(rule, v.get("message").and_then(Node::as_scalar)) {
            Ok(Some(r)) => schema.rules.push(r),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    schema
}

/// A CRD's schemas, converted once per served version.
#[derive(Debug)]
pub struct CompiledCrd {
    /// The CRD's group.
    pub group: String,
    /// The CRD's kind.
    pub kind: String,
    /// `(version, served, root schema)`.
    pub versions: Vec<(String, bool, Schema)>,
}

/// Converts a CRD; `Err` lists rules or patterns that do not compile.
pub fn compile(crd: &Crd) -> Result<CompiledCrd, Vec<String>> {
    let mut errors = Vec::new();
    let versions = crd
        .versions
        .iter()
        .map(|v| {
            let schema = v.schema.as_ref().map_or_else(
                || Schema::of(Ty::Any),
                |s| schema_from_openapi(s, &mut errors),
            );
            (v.name.clone(), v.served, schema)
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CompiledCrd {
        group: crd.group.clone(),
        kind: crd.kind.clone(),
        versions,
    })
}

/// Schema and CEL violations of `r` under `crd`; `None` when the CRD is for another kind.
pub fn validate_against(r: &Resource, crd: &CompiledCrd, version: u32) -> Option<Vec<Violation>> {
    if r.group() != crd.group || r.kind != crd.kind {
        return None;
    }
    let at = r.node.get("apiVersion").map_or(r.pos(), |n| n.pos);
    let Some((_, _, schema)) = crd
        .versions
        .iter()
        .find(|(name, served, _)| *served && name == r.version())
    else {
        return Some(vec![Violation::new(
            Layer::Version,
            at,
            format!(
                "no matches for kind \"{}\" in version \"{}\" (--crd)",
                r.kind, r.api_version
            ),
        )]);
    };
    let mut out = Vec::new();
    // The root schema covers apiVersion, kind, metadata, spec and status.
    let mut root = schema.clone();
    root.allow_unknown = true;
    if let Ty::Object(fields) = &root.ty
        && let Some(spec) = fields.iter().find(|f| f.name == "spec")
    {
        match r.node.get("spec") {
            Some(node) => Walker {
                version,
                out: &mut out,
            }
            .walk(node, &spec.schema, "spec"),
            None if root.required_owned.iter().any(|f| f == "spec") => {
                out.push(Violation::new(
                    Layer::Schema,
                    r.pos(),
                    "spec: Required value",
                ));
            }
            None => {}
        }
    }
    Some(out)
}
