//! CEL rules of a CRD given with `--crd` (`x-kubernetes-validations`), evaluated with the
//! `cel` crate plus the Kubernetes CEL library functions Istio's rules call: `isURL`,
//! `url(…)` with `getScheme`/`getHost`/`getPath`, and the strings/lists extensions.

use std::collections::HashMap;
use std::sync::Arc;

use cel::extensions;
use cel::objects::{Key, Map};
use cel::{Context, Env, ExecutionError, Program, Value};

use crate::istio::yaml_tree::{Kind, Node};

use super::url::parse_request_uri;

/// One `x-kubernetes-validations` entry, compiled once.
#[derive(Clone)]
pub struct CelRule {
    /// The rule text.
    pub rule: String,
    /// `message`, or `failed rule: <rule>`.
    pub message: String,
    program: Arc<Program>,
    env: Arc<Env>,
}

impl std::fmt::Debug for CelRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CelRule").field("rule", &self.rule).finish()
    }
}

fn env() -> Result<Arc<Env>, String> {
    let mut env = Env::stdlib();
    env.add_extension(extensions::strings)
        .and_then(|()| env.add_extension(extensions::lists))
        .map_err(|e| format!("{e:?}"))?;
    Ok(Arc::new(env))
}

impl CelRule {
    /// Compiles `rule`; `None` when it does not parse or is a transition rule (`oldSelf`).
    pub fn compile(rule: &str, message: Option<&str>) -> Result<Option<CelRule>, String> {
        if rule.contains("oldSelf") {
            return Ok(None);
        }
        let env = env()?;
        let program = env
            .compile(rule)
            .map_err(|e| format!("invalid CEL rule {rule:?}: {e}"))?;
        Ok(Some(CelRule {
            rule: rule.to_string(),
            message: message.map_or_else(|| format!("failed rule: {rule}"), str::to_string),
            program: Arc::new(program),
            env,
        }))
    }

    /// Whether the rule holds for `node`; `Err` for an evaluation error.
    pub fn holds(&self, node: &Node) -> Result<bool, String> {
        let mut ctx = Context::with_env(Arc::clone(&self.env));
        register_kubernetes_functions(&mut ctx).map_err(|e| format!("{e:?}"))?;
        ctx.add_variable_from_value("self", to_value(node));
        match self.program.execute(&ctx) {
            Ok(Value::Bool(b)) => Ok(b),
            Ok(other) => Err(format!("rule returned {other:?}, not a bool")),
            Err(e) => Err(e.to_string()),
        }
    }
}

fn url_part(url: &str, part: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(h, p)| (h, p));
    match part {
        "host" => host.to_string(),
        _ => format!("/{path}"),
    }
}

fn register_kubernetes_functions(ctx: &mut Context<'_, '_>) -> Result<(), cel::DeclarationError> {
    ctx.add_function("isURL", |s: Arc<String>| parse_request_uri(&s).is_ok())?;
    ctx.add_function("url", |s: Arc<String>| -> Result<Value, ExecutionError> {
        match parse_request_uri(&s) {
            Ok(_) => Ok(Value::String(s)),
            Err(e) => Err(ExecutionError::function_error("url", e)),
        }
    })?;
    ctx.add_function(
        "getScheme",
        |cel::extractors::This(s): cel::extractors::This<Arc<String>>| {
            parse_request_uri(&s).unwrap_or_default()
        },
    )?;
    ctx.add_function(
        "getHost",
        |cel::extractors::This(s): cel::extractors::This<Arc<String>>| url_part(&s, "host"),
    )?;
    ctx.add_function(
        "getEscapedPath",
        |cel::extractors::This(s): cel::extractors::This<Arc<String>>| url_part(&s, "path"),
    )?;
    Ok(())
}

/// The node as a CEL value (YAML 1.2 core-schema types).
pub fn to_value(node: &Node) -> Value {
    match node.kind() {
        Kind::Null => Value::Null,
        Kind::Bool => Value::Bool(matches!(node.display().as_ref(), "true" | "True" | "TRUE")),
        Kind::Integer => Value::Int(node.as_i64().unwrap_or_default()),
        Kind::Number => Value::Float(node.display().parse().unwrap_or_default()),
        Kind::String => Value::String(Arc::new(node.display().into_owned())),
        Kind::Array => Value::List(Arc::new(node.items().iter().map(to_value).collect())),
        Kind::Object => {
            let map: HashMap<Key, Value> = node
                .entries()
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.display().into_owned())), to_value(v)))
                .collect();
            Value::Map(Map::from(map))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::istio::yaml_tree::parse_documents;

    fn holds(rule: &str, yaml: &str) -> Result<bool, String> {
        let node = parse_documents(yaml).unwrap().remove(0);
        CelRule::compile(rule, None).unwrap().unwrap().holds(&node)
    }

    #[test]
    fn kubernetes_url_functions() {
        let rule = "isURL(self.u) ? (url(self.u).getScheme() in ['', 'http', 'https', 'oci', 'file']) : (isURL('http://' + self.u) && url('http://' + self.u).getScheme() in ['', 'http', 'https', 'oci', 'file'])";
        assert_eq!(holds(rule, "u: oci://ghcr.io/a:v1"), Ok(true));
        assert_eq!(holds(rule, "u: ghcr.io/a:v1"), Ok(true));
        assert_eq!(holds(rule, "u: ftp://x/y"), Ok(false));
        assert_eq!(
            holds("url(self.u).getHost() == 'x.io'", "u: https://x.io/p"),
            Ok(true)
        );
    }

    #[test]
    fn maps_and_has() {
        assert_eq!(
            holds(
                "self.m.all(k, 0 < int(k) && int(k) <= 65535)",
                "m: {'80': 1}"
            ),
            Ok(true)
        );
        assert_eq!(
            holds(
                "self.m.all(k, 0 < int(k) && int(k) <= 65535)",
                "m: {'0': 1}"
            ),
            Ok(false)
        );
        assert_eq!(holds("has(self.s)", "s: {}"), Ok(true));
        assert!(
            CelRule::compile("self.x == oldSelf.x", None)
                .unwrap()
                .is_none()
        );
    }
}
