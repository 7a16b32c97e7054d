//! Istio's own CRD test data as our cases (#17 point 2): each document below is ours,
//! written to trigger what one document of istio/istio
//! `pkg/config/validation/testdata/crds/{wasm,peerauth}-{valid,invalid}.yaml` (HEAD,
//! 86c9f01; the files date from 1.23) triggers, with Istio's expected error fragment (its
//! `_err`), checked at every release from 1.23 to 1.30.

use super::{PA, WP, document};
use crate::istio::manifest::resources_of;
use crate::lint::validate::{Layer, validate};

/// (source document name, spec body, expected error fragment or `None` for valid).
const CASES: &[(&str, &str, &str, Option<&str>)] = &[
    // wasm-invalid.yaml
    (
        "unset-port",
        WP,
        "match:\n- ports:\n  - {}\n",
        Some("spec.match[0].ports[0].number: Required value"),
    ),
    (
        "unset-url",
        WP,
        "url: \"\"\n",
        Some("spec.url in body should be at least"),
    ),
    (
        "invalid-url",
        WP,
        "url: \"#%frag$#@\"\n",
        Some("url must have schema one of"),
    ),
    (
        "invalid-url-schema",
        WP,
        "url: \"gopher://modules.example\"\n",
        Some("url must have schema one of"),
    ),
    (
        "invalid-sha256",
        WP,
        "url: http://modules.example/f.wasm\nsha256: abc\n",
        Some("spec.sha256 in body should match"),
    ),
    (
        "invalid-imagePullSecret",
        WP,
        "url: http://modules.example/f.wasm\nimagePullSecret: \"\"\n",
        Some("spec.imagePullSecret in body should be at least 1 chars long"),
    ),
    (
        "invalid-pluginName",
        WP,
        "url: http://modules.example/f.wasm\npluginName: \"\"\n",
        Some("spec.pluginName in body should be at least 1 chars long"),
    ),
    (
        "duplicate-env",
        WP,
        "url: http://modules.example/f.wasm\nvmConfig:\n  env:\n  - name: X\n  - name: X\n",
        Some("Duplicate value"),
    ),
    (
        "invalid-env-name",
        WP,
        "url: http://modules.example/f.wasm\nvmConfig:\n  env:\n  - name: \"\"\n",
        Some("spec.vmConfig.env[0].name in body should be at least"),
    ),
    (
        "invalid-env-name (HOST with value)",
        WP,
        "url: http://modules.example/f.wasm\nvmConfig:\n  env:\n  - name: TOKEN\n    valueFrom: HOST\n    value: secret\n",
        Some("value may only be set when valueFrom is INLINE"),
    ),
    (
        "nested-nil",
        WP,
        "url:\n",
        Some("spec.url in body must be of type string: \"null\""),
    ),
    (
        "invalid-selector (value)",
        WP,
        "url: http://modules.example/f.wasm\nselector:\n  matchLabels:\n    app: \"web*\"\n",
        Some("wildcard not allowed in label value match"),
    ),
    (
        "invalid-selector (key)",
        WP,
        "url: http://modules.example/f.wasm\nselector:\n  matchLabels:\n    \"app*\": web\n",
        Some("wildcard not allowed in label key match"),
    ),
    // wasm-valid.yaml
    (
        "full",
        WP,
        "selector:\n  matchLabels:\n    istio: ingressgateway\nurl: file:///opt/filters/auth.wasm\nsha256: 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0\nphase: AUTHN\npluginConfig:\n  realm: edge\n",
        None,
    ),
    (
        "sha256-empty",
        WP,
        "url: http://modules.example/f.wasm\n",
        None,
    ),
    ("url-without-schema", WP, "url: modules\n", None),
    (
        "env",
        WP,
        "url: http://modules.example/f.wasm\nvmConfig:\n  env:\n  - name: A\n    valueFrom: HOST\n  - name: B\n    valueFrom: INLINE\n    value: b\n  - name: C\n    value: c\n",
        None,
    ),
    // peerauth-invalid.yaml
    (
        "bad-mode",
        PA,
        "mtls:\n  mode: NOPE\n",
        Some("Unsupported value: \"NOPE\""),
    ),
    (
        "port-level-global",
        PA,
        "portLevelMtls:\n  \"8080\":\n    mode: STRICT\n",
        Some("portLevelMtls requires selector"),
    ),
    (
        "empty-port-level",
        PA,
        "selector:\n  matchLabels:\n    app: web\nportLevelMtls: {}\n",
        Some("spec.portLevelMtls in body should have at least 1 properties"),
    ),
    (
        "zero-port",
        PA,
        "selector:\n  matchLabels:\n    app: web\nportLevelMtls:\n  \"0\":\n    mode: STRICT\n",
        Some("port must be between 1-65535"),
    ),
    (
        "high-port",
        PA,
        "selector:\n  matchLabels:\n    app: web\nportLevelMtls:\n  \"70000\":\n    mode: STRICT\n",
        Some("port must be between 1-65535"),
    ),
    // peerauth-valid.yaml
    (
        "full",
        PA,
        "selector:\n  matchLabels:\n    app: web\nmtls:\n  mode: PERMISSIVE\nportLevelMtls:\n  \"8080\":\n    mode: STRICT\n",
        None,
    ),
    ("partial-selector", PA, "selector: {}\n", None),
    // wasm-invalid.yaml `nil`: `spec:` with nothing under it is null.
    (
        "nil",
        WP,
        "",
        Some("spec in body must be of type object: \"null\""),
    ),
    // peerauth-invalid.yaml `bad-port`: `int(key)` fails on "acd".
    (
        "bad-port",
        PA,
        "selector:\n  matchLabels:\n    foo: bar\nportLevelMtls:\n  \"acd\":\n    mode: STRICT\n",
        Some("type conversion error from"),
    ),
];

#[test]
fn istio_crd_test_data_verdicts_from_1_23() {
    for (name, api, spec, want) in CASES {
        let text = document(api, spec);
        let r = resources_of(0, &text).unwrap().remove(0);
        for v in 23..=30 {
            let errors: Vec<String> = validate(&r, v)
                .into_iter()
                .filter(|x| x.layer != Layer::WebhookWarning)
                .map(|x| x.message)
                .collect();
            match want {
                None => assert!(errors.is_empty(), "{name} at 1.{v}: {errors:?}"),
                Some(fragment) => assert!(
                    errors.iter().any(|e| e.contains(fragment)),
                    "{name} at 1.{v}: {errors:?} lacks {fragment:?}"
                ),
            }
        }
    }
}
