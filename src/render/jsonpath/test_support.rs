//! Shared inputs and table runners for the jsonpath unit tests: the documents that
//! `pc listener` and `pc ecds` hand over, and `check`/`check_errors` over
//! `render_template`. Test-only; the cases live next to the code they test.

use serde_json::{Value, json};

use super::render_template;

/// What `pc listener -o jsonpath` sees: an array of listeners.
pub(super) fn listeners() -> Value {
    json!([
        {
            "name": "virtualInbound",
            "address": {"socketAddress": {"address": "0.0.0.0", "portValue": 15006}},
            "filterChains": [{"name": "virtualInbound-blackhole"}, {"name": "0.0.0.0_15006"}],
            "trafficDirection": "INBOUND"
        },
        {
            "name": "virtualOutbound",
            "address": {"socketAddress": {"address": "0.0.0.0", "portValue": 15001}},
            "filterChains": [{"name": "virtualOutbound-catchall-tcp"}],
            "useOriginalDst": true,
            "trafficDirection": "OUTBOUND"
        },
        {
            "name": "10.96.0.10_53",
            "address": {"socketAddress": {"address": "10.96.0.10", "portValue": 53}},
            "bindToPort": false
        },
        {
            "name": "connect_originate",
            "address": {"envoyInternalAddress": {"serverListenerName": "connect_originate"}}
        }
    ])
}

/// What `pc ecds -o jsonpath` sees.
pub(super) fn ecds() -> Value {
    json!({"ecdsFilters": [
        {"versionInfo": "1", "ecdsFilter": {
            "name": "istio-system.stats",
            "typedConfig": {"@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"}
        }},
        {"versionInfo": "2", "ecdsFilter": {
            "name": "default.authz",
            "typedConfig": {"@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig"}
        }}
    ]})
}

pub(super) fn check(cases: &[(&str, Value, &str)]) {
    for (template, input, want) in cases {
        match render_template(template, input) {
            Ok(got) => assert_eq!(got, *want, "template {template:?}"),
            Err(e) => panic!("template {template:?} failed: {e}"),
        }
    }
}

pub(super) fn check_errors(cases: &[(&str, Value, &str)]) {
    for (template, input, want) in cases {
        match render_template(template, input) {
            Ok(got) => panic!("template {template:?} printed {got:?}, want error {want:?}"),
            Err(e) => assert_eq!(e.to_string(), *want, "template {template:?}"),
        }
    }
}
