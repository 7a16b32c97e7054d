//! A small OpenAPI v3 structural-schema model and a walker that reports violations the way
//! the Kubernetes API server words them (`spec.x: Invalid value: ...`).
//!
//! Schemas are built in code per Istio version (see the sibling modules); this walker knows
//! nothing about Istio.

use std::borrow::Cow;

use crate::istio::yaml_tree::{Kind, Node, Pos};

use super::cel::CelRule;
pub use super::pattern::Pattern;
use super::{Layer, Violation};

/// The shape of a value.
#[derive(Debug, Clone)]
pub enum Ty {
    /// An object with known properties.
    Object(Vec<Field>),
    /// An object whose values all follow one schema (`additionalProperties`).
    Map(Box<Schema>),
    /// An array.
    Array(Box<Schema>),
    /// A string.
    String,
    /// An integer.
    Int,
    /// A number (integers too).
    Number,
    /// A boolean.
    Bool,
    /// Anything (`x-kubernetes-preserve-unknown-fields`).
    Any,
}

/// One schema node with the constraints Istio's CRDs use.
#[derive(Debug, Clone)]
pub struct Schema {
    pub ty: Ty,
    pub enum_values: Vec<Cow<'static, str>>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<Pattern>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub max_items: Option<usize>,
    pub min_properties: Option<usize>,
    pub max_properties: Option<usize>,
    /// `x-kubernetes-list-type: map` with this key.
    pub list_map_key: Option<Cow<'static, str>>,
    pub required: Vec<&'static str>,
    /// `pattern` of a CRD given with `--crd` (Go RE2 syntax, which `regex` accepts).
    pub regex: Option<regex::Regex>,
    /// `required` of a CRD given with `--crd`.
    pub required_owned: Vec<String>,
    /// Unknown properties are kept (`x-kubernetes-preserve-unknown-fields` with properties).
    pub allow_unknown: bool,
    /// `x-kubernetes-validations` of a CRD given with `--crd`.
    pub rules: Vec<CelRule>,
}

/// A property of an object schema.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: Cow<'static, str>,
    pub schema: Schema,
    /// The Istio minor release that added the field.
    pub since: u32,
}

impl Schema {
    /// A schema of type `ty` without constraints.
    pub fn of(ty: Ty) -> Schema {
        Schema {
            ty,
            enum_values: Vec::new(),
            min_length: None,
            max_length: None,
            pattern: None,
            minimum: None,
            maximum: None,
            max_items: None,
            min_properties: None,
            max_properties: None,
            list_map_key: None,
            required: Vec::new(),
            regex: None,
            required_owned: Vec::new(),
            allow_unknown: false,
            rules: Vec::new(),
        }
    }

    /// An object with `fields`.
    pub fn object(fields: Vec<Field>) -> Schema {
        Schema::of(Ty::Object(fields))
    }

    /// A string enum.
    pub fn enumeration(values: Vec<&'static str>) -> Schema {
        Schema {
            enum_values: values.into_iter().map(Cow::Borrowed).collect(),
            ..Schema::of(Ty::String)
        }
    }

    /// Wraps the schema in a property.
    pub fn field(self, name: &'static str, since: u32) -> Field {
        Field {
            name: Cow::Borrowed(name),
            schema: self,
            since,
        }
    }
}

/// Walks `node` against `schema`, at Istio minor `version`.
pub struct Walker<'a> {
    pub version: u32,
    pub out: &'a mut Vec<Violation>,
}

fn quote(n: &Node) -> String {
    match n.kind() {
        Kind::String => format!("{:?}", n.display()),
        Kind::Object | Kind::Array => format!("\"{}\"", n.kind().name()),
        _ => n.display().into_owned(),
    }
}

impl Walker<'_> {
    fn push(&mut self, layer: Layer, pos: Pos, message: String) {
        self.out.push(Violation {
            layer,
            pos,
            message,
        });
    }

    /// Reports every violation of `schema` under `node`, whose path is `path`.
    pub fn walk(&mut self, node: &Node, schema: &Schema, path: &str) {
        if node.is_null() {
            return; // nullable everywhere in Istio's CRDs; absent and null mean the same
        }
        let want = match &schema.ty {
            Ty::Object(_) | Ty::Map(_) => Kind::Object,
            Ty::Array(_) => Kind::Array,
            Ty::String => Kind::String,
            Ty::Int => Kind::Integer,
            Ty::Number if node.kind() == Kind::Integer => Kind::Integer,
            Ty::Number => Kind::Number,
            Ty::Bool => Kind::Bool,
            Ty::Any => return,
        };
        if node.kind() != want {
            let got = node.kind().name();
            self.push(
                Layer::Schema,
                node.pos,
                format!(
                    "{path}: Invalid value: \"{got}\": {path} in body must be of type {}: \"{got}\"",
                    want.name()
                ),
            );
            return;
        }
        for rule in &schema.rules {
            let message = match rule.holds(node) {
                Ok(true) => continue,
                Ok(false) => rule.message.clone(),
                Err(e) => format!("{} (evaluation error: {e})", rule.message),
            };
            let shown = want.name();
            self.push(
                Layer::Cel,
                node.pos,
                format!("{path}: Invalid value: \"{shown}\": {message}"),
            );
        }
        match &schema.ty {
            Ty::Object(fields) => self.walk_object(node, schema, fields, path),
            Ty::Map(values) => {
                self.check_props(node, schema, path);
                for (k, v) in node.entries() {
                    let key = k.display();
                    self.walk(v, values, &format!("{path}[{key}]"));
                }
            }
            Ty::Array(items) => self.walk_array(node, schema, items, path),
            Ty::String => {
                self.check_string(node, schema, path);
                self.check_regex(node, schema, path);
            }
            Ty::Int => self.check_int(node, schema, path),
            Ty::Number | Ty::Bool | Ty::Any => {}
        }
    }

    fn walk_object(&mut self, node: &Node, schema: &Schema, fields: &[Field], path: &str) {
        self.check_props(node, schema, path);
        let required = schema
            .required
            .iter()
            .copied()
            .chain(schema.required_owned.iter().map(String::as_str));
        for req in required {
            match node.get(req) {
                None => {
                    let at = node.entries().first().map_or(node.pos, |(k, _)| k.pos);
                    self.push(Layer::Schema, at, format!("{path}.{req}: Required value"));
                }
                // A required string given as null: the API server reports its type (Istio's
                // `wasm-invalid.yaml` `nested-nil`: `spec.url in body must be of type
                // string: "null"`).
                Some(v) if v.is_null() => {
                    let string = fields
                        .iter()
                        .any(|f| f.name == req && matches!(f.schema.ty, Ty::String));
                    let message = if string {
                        format!(
                            "{path}.{req}: Invalid value: \"null\": {path}.{req} in body must be of type string: \"null\""
                        )
                    } else {
                        format!("{path}.{req}: Required value")
                    };
                    self.push(Layer::Schema, v.pos, message);
                }
                Some(_) => {}
            }
        }
        for (k, v) in node.entries() {
            let name = k.display();
            let child = format!("{path}.{name}");
            match fields.iter().find(|f| f.name == name) {
                Some(f) if f.since <= self.version => self.walk(v, &f.schema, &child),
                Some(f) => self.push(
                    Layer::Version,
                    k.pos,
                    format!(
                        "unknown field \"{child}\": added in Istio 1.{}, not known to 1.{}",
                        f.since, self.version
                    ),
                ),
                None if schema.allow_unknown => {}
                None => self.push(Layer::Schema, k.pos, format!("unknown field \"{child}\"")),
            }
        }
    }

    fn check_props(&mut self, node: &Node, schema: &Schema, path: &str) {
        let n = node.entries().len();
        if let Some(min) = schema.min_properties.filter(|m| n < *m) {
            self.push(
                Layer::Schema,
                node.pos,
                format!("{path}: Invalid value: {n}: {path} in body should have at least {min} properties"),
            );
        }
        if let Some(max) = schema.max_properties.filter(|m| n > *m) {
            self.push(
                Layer::Schema,
                node.pos,
                format!("{path}: Too many: {n}: must have at most {max} items"),
            );
        }
    }

    fn walk_array(&mut self, node: &Node, schema: &Schema, items: &Schema, path: &str) {
        let list = node.items();
        if let Some(max) = schema.max_items.filter(|m| list.len() > *m) {
            self.push(
                Layer::Schema,
                node.pos,
                format!(
                    "{path}: Too many: {}: must have at most {max} items",
                    list.len()
                ),
            );
        }
        let mut seen: Vec<String> = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let child = format!("{path}[{i}]");
            self.walk(item, items, &child);
            let Some(key) = schema.list_map_key.as_deref() else {
                continue;
            };
            let Some(value) = item.get(key).filter(|v| !v.is_null()) else {
                continue;
            };
            let shown = quote(value);
            if seen.contains(&shown) {
                self.push(
                    Layer::Schema,
                    item.pos,
                    format!(
                        "{child}: Duplicate value: map[string]interface {{}}{{\"{key}\":{shown}}}"
                    ),
                );
            } else {
                seen.push(shown);
            }
        }
    }

    fn check_string(&mut self, node: &Node, schema: &Schema, path: &str) {
        let s = node.display();
        let shown = quote(node);
        if !schema.enum_values.is_empty() && !schema.enum_values.contains(&s) {
            let supported: Vec<String> = schema
                .enum_values
                .iter()
                .map(|v| format!("\"{v}\""))
                .collect();
            self.push(
                Layer::Schema,
                node.pos,
                format!(
                    "{path}: Unsupported value: {shown}: supported values: {}",
                    supported.join(", ")
                ),
            );
        }
        let len = s.chars().count();
        if let Some(min) = schema.min_length.filter(|m| len < *m) {
            self.push(
                Layer::Schema,
                node.pos,
                format!("{path}: Invalid value: {shown}: {path} in body should be at least {min} chars long"),
            );
        }
        if let Some(max) = schema.max_length.filter(|m| len > *m) {
            self.push(
                Layer::Schema,
                node.pos,
                format!("{path}: Too long: may not be more than {max} bytes"),
            );
        }
        if let Some(p) = schema.pattern.filter(|p| !p.is_match(&s)) {
            self.push(
                Layer::Schema,
                node.pos,
                format!(
                    "{path}: Invalid value: {shown}: {path} in body should match '{}'",
                    p.text()
                ),
            );
        }
    }

    fn check_regex(&mut self, node: &Node, schema: &Schema, path: &str) {
        if let Some(re) = schema
            .regex
            .as_ref()
            .filter(|re| !re.is_match(&node.display()))
        {
            self.push(
                Layer::Schema,
                node.pos,
                format!(
                    "{path}: Invalid value: {}: {path} in body should match '{}'",
                    quote(node),
                    re.as_str()
                ),
            );
        }
    }

    fn check_int(&mut self, node: &Node, schema: &Schema, path: &str) {
        let Some(n) = node.as_i64() else {
            return;
        };
        if let Some(min) = schema.minimum.filter(|m| n < *m) {
            self.push(
                Layer::Schema,
                node.pos,
                format!("{path}: Invalid value: {n}: {path} in body should be greater than or equal to {min}"),
            );
        }
        if let Some(max) = schema.maximum.filter(|m| n > *m) {
            self.push(
                Layer::Schema,
                node.pos,
                format!("{path}: Invalid value: {n}: {path} in body should be less than or equal to {max}"),
            );
        }
    }
}
