//! Filter and transport socket configs compared as JSON: where two chains' filters have the
//! same names, what inside a filter's config differs (as `path: before → after` lines).
//!
//! Field names are compared in snake_case, so a camelCase (protojson) dump equals its
//! snake_case twin; both sides are recased alike, so map keys still compare exactly.

use serde_json::{Map, Value};

use crate::util::case::to_snake;

/// At most this many differences are listed per filter.
const MAX_CHANGES: usize = 8;

/// The value with every object key in snake_case.
pub fn normalized(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (to_snake(k), normalized(v)))
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(normalized).collect()),
        other => other.clone(),
    }
}

fn short(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".to_string(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 60 {
                format!("{}…", s.chars().take(59).collect::<String>())
            } else {
                s
            }
        }
    }
}

/// Lists where `a` and `b` differ, as `path: before → after`, at most [`MAX_CHANGES`]
/// (then `…`). Objects are compared key by key; arrays element by element.
pub fn json_changes(a: &Value, b: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(a, b, "", &mut out);
    if out.len() > MAX_CHANGES {
        out.truncate(MAX_CHANGES);
        out.push("…".to_string());
    }
    out
}

fn walk(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    if a == b || out.len() > MAX_CHANGES {
        return;
    }
    let here = |p: &str| if p.is_empty() { "(config)" } else { p }.to_string();
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(va), Some(vb)) => walk(va, vb, &sub, out),
                    (va, vb) => out.push(format!("{sub}: {} → {}", short(va), short(vb))),
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                walk(va, vb, &format!("{path}[{i}]"), out);
            }
        }
        _ => out.push(format!(
            "{}: {} → {}",
            here(path),
            short(Some(a)),
            short(Some(b))
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_paths_that_differ() {
        let a =
            json!({"statPrefix": "inbound_0.0.0.0_9080", "use_remote_address": false, "l": [1, 2]});
        let b = json!({"stat_prefix": "inbound_0.0.0.0_9999", "l": [1, 3]});
        let changes = json_changes(&normalized(&a), &normalized(&b));
        assert_eq!(
            changes,
            [
                "l[1]: 2 → 3",
                "stat_prefix: \"inbound_0.0.0.0_9080\" → \"inbound_0.0.0.0_9999\"",
                "use_remote_address: false → (absent)",
            ]
        );
        assert!(json_changes(&normalized(&json!({"aB": 1})), &json!({"a_b": 1})).is_empty());
    }
}
