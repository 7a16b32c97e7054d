//! JSON helpers of the test API server: responses, Kubernetes `Status` errors, label
//! selectors and query parameters.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use serde_json::{Value, json};

/// A JSON 200 response.
pub fn ok(body: Value) -> Response<Full<Bytes>> {
    json_response(StatusCode::OK, &body)
}

/// A Kubernetes `Status` failure, as the API server sends it.
pub fn status(code: u16, reason: &str, message: &str) -> Response<Full<Bytes>> {
    let body = json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "message": message, "reason": reason, "code": code,
    });
    json_response(StatusCode::from_u16(code).unwrap(), &body)
}

pub fn json_response(code: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

/// Whether `labels` satisfy an equality selector (`k=v,k2=v2`; what deployments send).
pub fn matches(labels: &[(String, String)], selector: &str) -> bool {
    selector.split(',').filter(|s| !s.is_empty()).all(|term| {
        let (k, v) = term.split_once('=').unwrap_or((term, ""));
        let v = v.trim_start_matches('=');
        labels.iter().any(|(lk, lv)| lk == k && lv == v)
    })
}

/// A decoded query parameter.
pub fn query_param(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == key).then(|| percent_decode(v))
    })
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn pairs(labels: &[(&str, &str)]) -> Vec<(String, String)> {
    labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub fn label_map(labels: &[(String, String)]) -> Value {
    Value::Object(
        labels
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// The `security.istio.io` APIGroup, serving `version` only.
pub fn security_group(version: &str) -> Value {
    let version =
        json!({"groupVersion": format!("security.istio.io/{version}"), "version": version});
    json!({"kind": "APIGroup", "apiVersion": "v1", "name": "security.istio.io",
           "versions": [version.clone()], "preferredVersion": version})
}

/// The `extensions.istio.io` APIGroup, serving v1alpha1 only.
pub fn extensions_group() -> Value {
    let version = json!({"groupVersion": "extensions.istio.io/v1alpha1", "version": "v1alpha1"});
    json!({"kind": "APIGroup", "apiVersion": "v1", "name": "extensions.istio.io",
           "versions": [version.clone()], "preferredVersion": version})
}

/// The `networking.istio.io` APIGroup, serving v1 only.
pub fn networking_group() -> Value {
    let version = json!({"groupVersion": "networking.istio.io/v1", "version": "v1"});
    json!({"kind": "APIGroup", "apiVersion": "v1", "name": "networking.istio.io",
           "versions": [version.clone()], "preferredVersion": version})
}

/// `networking.istio.io/v1`'s resources (ServiceEntries only) and the ServiceEntry list.
pub fn networking_answer(rest: &[&str], items: &[Value]) -> Option<Value> {
    match rest {
        [] => Some(networking_group()),
        ["v1"] => Some(json!({
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": "networking.istio.io/v1",
            "resources": [{"name": "serviceentries", "singularName": "serviceentry", "namespaced": true,
                           "kind": "ServiceEntry", "verbs": ["get", "list"]}],
        })),
        ["v1", "serviceentries"] => Some(json!({
            "apiVersion": "networking.istio.io/v1", "kind": "ServiceEntryList",
            "metadata": {"resourceVersion": "1"}, "items": items,
        })),
        _ => None,
    }
}
