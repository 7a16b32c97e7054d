//! Key material out of any JSON meshscope prints. Envoy's admin already redacts the
//! sensitive fields of secrets (`udpa.annotations.sensitive`: a TLS certificate's
//! `private_key` and `password`, a generic secret's `secret`, session ticket `keys`) to
//! `[redacted]`, and istioctl prints what Envoy gave; a dump written by other means may hold
//! them in the clear, so every structured output of the secret-reading commands passes
//! through here and prints Envoy's redaction instead.

use serde_json::{Map, Value};

/// `[redacted]` in base64, as Envoy writes a redacted `DataSource.inline_bytes`.
const REDACTED_BYTES: &str = "W3JlZGFjdGVkXQ==";

/// Replaces every sensitive field under `value` with Envoy's redaction, in place.
pub fn redact_key_material(value: &mut Value) {
    match value {
        Value::Object(map) => redact_object(map, None),
        Value::Array(items) => items.iter_mut().for_each(redact_key_material),
        _ => {}
    }
}

fn redact_object(map: &mut Map<String, Value>, parent: Option<&str>) {
    for (key, child) in map.iter_mut() {
        if is_sensitive(key, parent) {
            redact_data(child);
            continue;
        }
        match child {
            Value::Object(m) => redact_object(m, Some(key)),
            Value::Array(items) => {
                for item in items {
                    match item {
                        Value::Object(m) => redact_object(m, Some(key)),
                        other => redact_key_material(other),
                    }
                }
            }
            _ => {}
        }
    }
}

/// The sensitive fields of envoy/extensions/transport_sockets/tls/v3/secret.proto and
/// common.proto, in either spelling.
fn is_sensitive(key: &str, parent: Option<&str>) -> bool {
    match key {
        "private_key" | "privateKey" | "password" => true,
        "secret" => matches!(parent, Some("generic_secret" | "genericSecret")),
        "keys" => matches!(parent, Some("session_ticket_keys" | "sessionTicketKeys")),
        _ => false,
    }
}

/// A `DataSource` (or a list of them) becomes `{inline_bytes: "[redacted]"}` in the
/// spelling of the input; a string becomes `[redacted]`.
fn redact_data(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(redact_data),
        Value::Object(map) => {
            let camel = map
                .keys()
                .any(|k| k.chars().any(|c| c.is_ascii_uppercase()));
            let key = if camel { "inlineBytes" } else { "inline_bytes" };
            map.clear();
            map.insert(key.to_string(), Value::String(REDACTED_BYTES.to_string()));
        }
        other => *other = Value::String("[redacted]".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_fields_are_redacted_as_envoy_does() {
        let mut v: Value = serde_json::from_str(
            r#"{"configs": [{"dynamic_active_secrets": [{"secret": {
                 "tls_certificate": {"certificate_chain": {"inline_bytes": "Y2VydA=="},
                   "private_key": {"inline_string": "KEY"}, "password": {"inlineBytes": "UEFTUw=="}}}},
               {"secret": {"generic_secret": {"secret": {"inline_bytes": "U0VDUkVU"}}}},
               {"secret": {"sessionTicketKeys": {"keys": [{"inline_bytes": "VElDS0VU"}]}}}]}]}"#,
        )
        .unwrap();
        redact_key_material(&mut v);
        let text = v.to_string();
        for secret in ["KEY", "UEFTUw==", "U0VDUkVU", "VElDS0VU"] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("Y2VydA=="), "the certificate stays: {text}");
        assert_eq!(text.matches(REDACTED_BYTES).count(), 4, "{text}");
    }
}
