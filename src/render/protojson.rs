//! Re-cases snake_case proto field names to protojson's lowerCamelCase, as istioctl prints
//! `pc ecds -o json|yaml`. Only field names change: keys of map fields and of `Struct`
//! values are data and stay as they are (DOMAIN.md §1.4).

use serde_json::{Map, Value};

use crate::util::case::{to_camel, to_snake};

/// Proto map fields (and Struct-valued fields) whose keys are data.
const DATA_KEYED_FIELDS: [&str; 6] = [
    "key_values",
    "filter_metadata",
    "typed_filter_metadata",
    "typed_per_filter_config",
    "per_filter_config",
    "fields",
];

/// Fields whose map values are themselves messages (so they are re-cased below the key).
const MESSAGE_VALUED_MAPS: [&str; 2] = ["typed_filter_metadata", "typed_per_filter_config"];

/// Re-cases every field name in `value`, leaving data keys alone.
pub fn to_camel_case(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            // A Struct inside an Any (TypedStruct.value, google.protobuf.Struct): data.
            let struct_any = map
                .get("@type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.ends_with("TypedStruct") || t.ends_with("protobuf.Struct"));
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                let snake = k.as_str();
                let new_value = if struct_any && snake == "value" {
                    v.clone()
                } else if DATA_KEYED_FIELDS.contains(&snake)
                    || DATA_KEYED_FIELDS.contains(&to_snake(snake).as_str())
                {
                    data_keyed(v, MESSAGE_VALUED_MAPS.iter().any(|m| *m == to_snake(snake)))
                } else {
                    to_camel_case(v)
                };
                out.insert(to_camel(k), new_value);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(to_camel_case).collect()),
        other => other.clone(),
    }
}

fn data_keyed(v: &Value, message_values: bool) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = if message_values {
                        to_camel_case(v)
                    } else {
                        v.clone()
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recases_fields_not_data() {
        let v = json!({"ecds_filter": {"typed_config": {"@type": "t", "config": {"vm_config": {
            "environment_variables": {"key_values": {"ISTIO_META_X": "1"}, "host_env_keys": ["A"]}}}}},
            "typed_struct": {"@type": "type.googleapis.com/udpa.type.v1.TypedStruct", "value": {"a_b": 1}}});
        let want = json!({"ecdsFilter": {"typedConfig": {"@type": "t", "config": {"vmConfig": {
            "environmentVariables": {"keyValues": {"ISTIO_META_X": "1"}, "hostEnvKeys": ["A"]}}}}},
            "typedStruct": {"@type": "type.googleapis.com/udpa.type.v1.TypedStruct", "value": {"a_b": 1}}});
        assert_eq!(to_camel_case(&v), want);
    }
}
