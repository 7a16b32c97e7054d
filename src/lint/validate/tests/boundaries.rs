//! #17: the release boundaries and Go `net/url` rejections that lint once got wrong, each
//! with a document that passes one side of its boundary and fails the other
//! (DOMAIN.md §8; istio/istio `pkg/config/validation/validation.go`, `crd-all.gen.yaml`).

use super::{Case, TE, WP, leak};
use crate::lint::validate::Layer::{Cel, Schema, Webhook};

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            // Istio's own `wasm-invalid.yaml` document `invalid-url`: no URL, not even with
            // `http://` in front (the '@' makes everything before it a bad userinfo).
            name: "url that is no URL",
            api: WP,
            spec: "url: '#%blah$#@'\n",
            from: 12,
            expect: &[
                (12, 19, Webhook, "failed to parse url", 1),
                (
                    20,
                    30,
                    Cel,
                    "url must have schema one of [http, https, file, oci]",
                    1,
                ),
            ],
        },
        Case {
            name: "url with an invalid escape",
            api: WP,
            spec: "url: http://example.com/%zz.wasm\n",
            from: 12,
            expect: &[
                (12, 19, Webhook, "invalid URL escape \"%zz\"", 1),
                (20, 30, Cel, "url must have schema one of", 1),
            ],
        },
        Case {
            // int64 until 1.18; int32 from 1.19 (the webhook's decode rejects it).
            name: "priority outside int32",
            api: WP,
            spec: "url: oci://a/b:v1\npriority: 3000000000\n",
            from: 12,
            expect: &[(
                19,
                30,
                Webhook,
                "invalid value for int32 type: 3000000000",
                2,
            )],
        },
        Case {
            // CEL `has(self.value)` is true for an empty string (1.20+); before, the
            // webhook had no valueFrom/value check at all.
            name: "HOST env with an empty value",
            api: WP,
            spec: "url: oci://a/b:v1\nvmConfig:\n  env:\n  - {name: A, valueFrom: HOST, value: \"\"}\n",
            from: 14,
            expect: &[(
                20,
                30,
                Cel,
                "value may only be set when valueFrom is INLINE",
                4,
            )],
        },
        Case {
            name: "HOST env with a value before 1.20",
            api: WP,
            spec: "url: oci://a/b:v1\nvmConfig:\n  env:\n  - {name: A, valueFrom: HOST, value: x}\n",
            from: 14,
            expect: &[(
                20,
                30,
                Cel,
                "value may only be set when valueFrom is INLINE",
                4,
            )],
        },
        Case {
            // In every CRD version, though nothing reads it.
            name: "verificationKey",
            api: WP,
            spec: "url: oci://a/b:v1\nverificationKey: key\n",
            from: 12,
            expect: &[],
        },
        Case {
            name: "TrafficExtension phase enum",
            api: TE,
            spec: "phase: UNSPECIFIED\nwasm:\n  url: oci://a/b:v1\n",
            from: 30,
            expect: &[],
        },
        Case {
            name: "TrafficExtension with WasmPlugin's phase",
            api: TE,
            spec: "phase: UNSPECIFIED_PHASE\nwasm:\n  url: oci://a/b:v1\n",
            from: 30,
            expect: &[(
                30,
                30,
                Schema,
                "Unsupported value: \"UNSPECIFIED_PHASE\"",
                1,
            )],
        },
        Case {
            // 1.20–1.21 `validatePolicyTargetReference`: a Gateway only, no namespace; and
            // `validateOneOfSelectorType` compares selector and targetRef.
            name: "1.20 targetRef to a Service, with a namespace and a selector",
            api: WP,
            spec: "url: oci://a/b:v1\nselector:\n  matchLabels: {app: a}\ntargetRef:\n  kind: Service\n  name: web\n  namespace: other\n",
            from: 20,
            expect: &[
                (
                    20,
                    21,
                    Webhook,
                    "only one of targetRef or workloadSelector can be set",
                    2,
                ),
                (
                    22,
                    30,
                    Webhook,
                    "only one of targetRefs or workloadSelector can be set",
                    2,
                ),
                (20, 22, Webhook, "targetRef namespace must not be set", 7),
                (
                    20,
                    21,
                    Webhook,
                    "targetRef Group and/or Kind don't match; expected: [Group: gateway.networking.k8s.io, Kind: Gateway], got: [Group: , Kind: Service]",
                    5,
                ),
                (
                    24,
                    30,
                    Cel,
                    "only one of targetRefs or selector can be set",
                    4,
                ),
                (
                    23,
                    30,
                    Cel,
                    "cross namespace referencing is not currently supported",
                    7,
                ),
                (23, 24, Cel, "no such key: group evaluating rule", 5),
            ],
        },
        Case {
            // 1.22–1.23: targetRef and targetRefs both count in the one-of check.
            name: "targetRef and targetRefs together",
            api: WP,
            spec: "url: oci://a/b:v1\ntargetRef:\n  group: gateway.networking.k8s.io\n  kind: Gateway\n  name: gw\ntargetRefs:\n- group: gateway.networking.k8s.io\n  kind: Gateway\n  name: gw\n",
            from: 22,
            expect: &[
                (
                    22,
                    23,
                    Webhook,
                    "only one of targetRefs or workloadSelector can be set",
                    6,
                ),
                (
                    24,
                    30,
                    Cel,
                    "only one of targetRefs or selector can be set",
                    6,
                ),
            ],
        },
        Case {
            // No maxItems before 1.24's CRD.
            name: "seventeen targetRefs",
            api: WP,
            spec: leak(format!(
                "url: oci://a/b:v1\ntargetRefs:\n{}",
                "- {group: gateway.networking.k8s.io, kind: Gateway, name: gw}\n".repeat(17)
            )),
            from: 22,
            expect: &[(24, 30, Schema, "must have at most 16 items", 3)],
        },
    ]
}
