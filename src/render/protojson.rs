//! Re-cases proto field names to protojson's lowerCamelCase, as istioctl prints every
//! `proxy-config` command's `-o json|yaml`. Only field names change: map keys and
//! `Struct` payloads are data (DOMAIN.md §1.4); which fields those are comes from Envoy's
//! protos (`envoy::proto_data`). camelCase input comes out unchanged.

use serde_json::{Map, Value};

use crate::envoy::proto_data::{Context, FieldKind, MapValue, data_kind, json_name};
use crate::util::case::{to_camel, to_snake};

/// Well-known types whose protojson form inside an `Any` is `{"@type", "value"}` with a
/// value that is not a message (protojson's special encodings), so `value` is data.
const WELL_KNOWN_VALUE_TYPES: [&str; 15] = [
    "google.protobuf.Struct",
    "google.protobuf.Value",
    "google.protobuf.ListValue",
    "google.protobuf.Duration",
    "google.protobuf.Timestamp",
    "google.protobuf.FieldMask",
    "google.protobuf.DoubleValue",
    "google.protobuf.FloatValue",
    "google.protobuf.Int64Value",
    "google.protobuf.UInt64Value",
    "google.protobuf.Int32Value",
    "google.protobuf.UInt32Value",
    "google.protobuf.BoolValue",
    "google.protobuf.StringValue",
    "google.protobuf.BytesValue",
];

/// Re-cases every field name in `value` (a message, or a list of them), leaving data alone.
pub fn to_camel_case(value: &Value) -> Value {
    into_camel_case(value.clone())
}

/// [`to_camel_case`] on a value the caller gives up.
pub fn into_camel_case(value: Value) -> Value {
    convert(value, None)
}

/// A dumped resource as istioctl prints it: the decoded message, so without the `@type`
/// the dump's `Any` wrapper carries (istioctl marshals `[]*listener.Listener`, not `Any`s).
pub fn message_of_any(value: Value) -> Value {
    match value {
        Value::Object(mut map) => {
            map.shift_remove("@type");
            Value::Object(map)
        }
        other => other,
    }
}

// Owned all the way down: a listener array of a large dump is converted without a copy.
fn convert(value: Value, parent: Option<&str>) -> Value {
    match value {
        Value::Object(map) => convert_message(map, parent),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| convert(v, parent)).collect())
        }
        other => other,
    }
}

fn convert_message(map: Map<String, Value>, parent: Option<&str>) -> Value {
    let any_type = map
        .get("@type")
        .and_then(Value::as_str)
        .map(|t| t.rsplit_once('/').map_or(t, |(_, name)| name).to_string());
    if any_type
        .as_deref()
        .is_some_and(|t| WELL_KNOWN_VALUE_TYPES.contains(&t))
    {
        return Value::Object(map);
    }
    let context = Context {
        any_type: any_type.as_deref(),
        parent,
    };
    let mut out = Map::with_capacity(map.len());
    for (key, v) in map {
        let snake = if key.bytes().any(|b| b.is_ascii_uppercase()) {
            to_snake(&key)
        } else {
            key.clone()
        };
        let converted = match data_kind(&snake, context) {
            Some(FieldKind::Struct | FieldKind::Map(MapValue::Scalar | MapValue::Struct)) => v,
            Some(FieldKind::Map(MapValue::Message)) => map_of_messages(v, &snake),
            None => convert(v, Some(&snake)),
        };
        let name = json_name(&snake).map_or_else(|| to_camel(&key), str::to_string);
        out.insert(name, converted);
    }
    Value::Object(out)
}

/// A `map<string, Message>`: the keys are data, each value a message held by the map field.
fn map_of_messages(v: Value, field: &str) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, convert(v, Some(field))))
                .collect(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recases_fields_not_data() {
        // envoy.extensions.wasm.v3.EnvironmentVariables.key_values: map<string, string>
        let v = json!({"ecds_filter": {"typed_config": {"@type": "t", "config": {"vm_config": {
            "environment_variables": {"key_values": {"ISTIO_META_X": "1"}, "host_env_keys": ["A"]}}}}},
            "typed_struct": {"@type": "type.googleapis.com/udpa.type.v1.TypedStruct", "type_url": "u", "value": {"a_b": 1}}});
        let want = json!({"ecdsFilter": {"typedConfig": {"@type": "t", "config": {"vmConfig": {
            "environmentVariables": {"keyValues": {"ISTIO_META_X": "1"}, "hostEnvKeys": ["A"]}}}}},
            "typedStruct": {"@type": "type.googleapis.com/udpa.type.v1.TypedStruct", "typeUrl": "u", "value": {"a_b": 1}}});
        assert_eq!(to_camel_case(&v), want);
        assert_eq!(to_camel_case(&want), want);
    }

    #[test]
    fn typed_per_filter_config_keys_stay_and_values_are_recased() {
        // envoy.config.route.v3.VirtualHost.typed_per_filter_config: map<string, Any>
        let v = json!({"typed_per_filter_config": {"envoy.filters.http.fault": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
            "max_active_faults": 1}}});
        let want = json!({"typedPerFilterConfig": {"envoy.filters.http.fault": {
            "@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
            "maxActiveFaults": 1}}});
        assert_eq!(to_camel_case(&v), want);
    }

    #[test]
    fn metadata_keys_and_struct_payloads_stay() {
        // envoy.config.core.v3.Metadata.filter_metadata: map<string, Struct>;
        // typed_filter_metadata: map<string, Any>.
        let v = json!({"metadata": {"filter_metadata": {"istio": {"config_path": "x"}},
            "typed_filter_metadata": {"my_ns": {"@type": "type.googleapis.com/google.protobuf.Struct",
            "value": {"a_b": 1}}}}});
        let want = json!({"metadata": {"filterMetadata": {"istio": {"config_path": "x"}},
            "typedFilterMetadata": {"my_ns": {"@type": "type.googleapis.com/google.protobuf.Struct",
            "value": {"a_b": 1}}}}});
        assert_eq!(to_camel_case(&v), want);
    }

    #[test]
    fn node_metadata_is_a_struct() {
        // envoy.config.core.v3.Node.metadata: google.protobuf.Struct
        let v =
            json!({"node": {"user_agent_name": "envoy", "metadata": {"PROXY_CONFIG": {"a_b": 1}}}});
        let want =
            json!({"node": {"userAgentName": "envoy", "metadata": {"PROXY_CONFIG": {"a_b": 1}}}});
        assert_eq!(to_camel_case(&v), want);
    }

    #[test]
    fn transport_socket_match_is_a_struct() {
        // envoy.config.cluster.v3.Cluster.TransportSocketMatch.match: google.protobuf.Struct
        let v = json!({"transport_socket_matches": [{"name": "tlsMode-istio",
            "match": {"tls_mode": "istio"}}]});
        let want = json!({"transportSocketMatches": [{"name": "tlsMode-istio",
            "match": {"tls_mode": "istio"}}]});
        assert_eq!(to_camel_case(&v), want);
        // envoy.config.route.v3.Route.match: RouteMatch, a message
        let route = json!({"routes": [{"match": {"case_sensitive": true}}]});
        let want = json!({"routes": [{"match": {"caseSensitive": true}}]});
        assert_eq!(to_camel_case(&route), want);
    }
}
