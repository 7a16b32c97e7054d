//! WasmPlugin cases, continued: selectors, target references, match, env and lengths.

use super::{Case, WP, leak};
use crate::lint::validate::Layer::{Cel, Schema, Webhook};

/// The second half of the WasmPlugin cases.
pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "targetRef kind",
            api: WP,
            spec: "url: oci://a/b\ntargetRefs:\n- kind: Deployment\n  group: apps\n  name: web\n",
            from: 22,
            expect: &[
                (
                    22,
                    22,
                    Webhook,
                    "targetRef must be to one of [core/v1/Service gateway.networking.k8s.io/v1beta1/Gateway] but was apps/Deployment",
                    3,
                ),
                (
                    23,
                    23,
                    Cel,
                    "Support kinds are core/Service and gateway.networking.k8s.io/Gateway",
                    3,
                ),
                (
                    24,
                    24,
                    Cel,
                    "Support kinds are core/Service, networking.istio.io/ServiceEntry, gateway.networking.k8s.io/Gateway",
                    3,
                ),
                // The list prints each release's gvk versions (Gateway API v1beta1 until
                // 1.28, v1 from 1.29; pkg/config/schema/gvk/resources.gen.go).
                (
                    25,
                    28,
                    Webhook,
                    "targetRef must be to one of [core/v1/Service networking.istio.io/v1/ServiceEntry gateway.networking.k8s.io/v1beta1/Gateway gateway.networking.k8s.io/v1beta1/GatewayClass] but was apps/Deployment",
                    3,
                ),
                (
                    29,
                    30,
                    Webhook,
                    "targetRef must be to one of [core/v1/Service networking.istio.io/v1/ServiceEntry gateway.networking.k8s.io/v1/Gateway gateway.networking.k8s.io/v1/GatewayClass] but was apps/Deployment",
                    3,
                ),
            ],
        },
        Case {
            name: "targetRef GatewayClass",
            api: WP,
            spec: "url: oci://a/b\ntargetRefs:\n- kind: GatewayClass\n  group: gateway.networking.k8s.io\n  name: istio-waypoint\n",
            from: 22,
            // The webhook allows GatewayClass from 1.25 (`allowedTargetRefs`).
            expect: &[
                (
                    22,
                    24,
                    Webhook,
                    "but was gateway.networking.k8s.io/GatewayClass",
                    3,
                ),
                (23, 24, Cel, "Support kinds are", 3),
            ],
        },
        Case {
            name: "targetRef required name",
            api: WP,
            spec: "url: oci://a/b\ntargetRef:\n  kind: Service\n",
            from: 20,
            // The 1.20–1.22 CRDs type targetRef's fields as plain strings (no `required`):
            // the webhook answers until 1.23's CRD requires kind and name.
            expect: &[
                (20, 22, Webhook, "targetRef name must be set", 3),
                (20, 21, Webhook, "got: [Group: , Kind: Service]", 3),
                (23, 30, Schema, "spec.targetRef.name: Required value", 3),
                (23, 24, Cel, "no such key: group evaluating rule", 3),
            ],
        },
        Case {
            name: "targetRef kind pattern",
            api: WP,
            spec: "url: oci://a/b\ntargetRef:\n  kind: 9Service\n  name: x\n",
            from: 20,
            // The kind pattern came with 1.23's CRD; before, the webhook's kind check.
            expect: &[
                (
                    20,
                    21,
                    Webhook,
                    "targetRef Group and/or Kind don't match",
                    3,
                ),
                (
                    23,
                    30,
                    Schema,
                    "should match '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$'",
                    3,
                ),
                (22, 22, Webhook, "but was /9Service", 3),
                (23, 23, Cel, "Support kinds are", 3),
                (24, 24, Cel, "Support kinds are", 3),
                (25, 30, Webhook, "but was /9Service", 3),
            ],
        },
        Case {
            name: "match port zero",
            api: WP,
            spec: "url: oci://a/b\nmatch:\n- ports:\n  - number: 0\n",
            from: 16,
            expect: &[
                (
                    16,
                    19,
                    Webhook,
                    "spec.Match[0].Ports[0] is out of range: 0",
                    4,
                ),
                (
                    20,
                    30,
                    Schema,
                    "spec.match[0].ports[0].number in body should be greater than or equal to 1",
                    4,
                ),
            ],
        },
        Case {
            name: "match port too big",
            api: WP,
            spec: "url: oci://a/b\nmatch:\n- ports:\n  - number: 70000\n",
            from: 16,
            expect: &[
                (16, 19, Webhook, "is out of range: 70000", 4),
                (20, 30, Schema, "should be less than or equal to 65535", 4),
            ],
        },
        Case {
            name: "match duplicate ports",
            api: WP,
            spec: "url: oci://a/b\nmatch:\n- ports:\n  - number: 80\n  - number: 80\n",
            from: 16,
            expect: &[(
                20,
                30,
                Schema,
                "spec.match[0].ports[1]: Duplicate value: map[string]interface {}{\"number\":80}",
                5,
            )],
        },
        Case {
            name: "match nil",
            api: WP,
            spec: "url: oci://a/b\nmatch:\n- null\n",
            from: 16,
            expect: &[(16, 30, Webhook, "spec.Match[0] is nil", 3)],
        },
        Case {
            name: "match mode enum",
            api: WP,
            spec: "url: oci://a/b\nmatch:\n- mode: BOTH\n",
            from: 16,
            expect: &[(16, 30, Schema, "spec.match[0].mode: Unsupported value", 3)],
        },
        Case {
            name: "env empty name",
            api: WP,
            spec: "url: oci://a/b\nvmConfig:\n  env:\n  - value: x\n",
            from: 14,
            expect: &[
                (14, 19, Webhook, "spec.vmConfig.env invalid", 4),
                (
                    20,
                    30,
                    Schema,
                    "spec.vmConfig.env[0].name: Required value",
                    4,
                ),
            ],
        },
        Case {
            name: "env duplicate",
            api: WP,
            spec: "url: oci://a/b\nvmConfig:\n  env:\n  - name: A\n  - name: A\n",
            from: 14,
            expect: &[
                (14, 19, Webhook, "duplicate env", 5),
                (
                    20,
                    30,
                    Schema,
                    "Duplicate value: map[string]interface {}{\"name\":\"A\"}",
                    5,
                ),
            ],
        },
        Case {
            name: "env host with value",
            api: WP,
            spec: "url: oci://a/b\nvmConfig:\n  env:\n  - name: A\n    valueFrom: HOST\n    value: x\n",
            from: 14,
            // No webhook check before 1.23 (DOMAIN.md §8); the CRD's CEL rule from 1.20.
            expect: &[(
                20,
                30,
                Cel,
                "value may only be set when valueFrom is INLINE",
                6,
            )],
        },
        Case {
            name: "plugin name too long",
            api: WP,
            spec: leak(format!("url: oci://a/b\npluginName: {}\n", "p".repeat(257))),
            from: 12,
            expect: &[(
                20,
                30,
                Schema,
                "spec.pluginName: Too long: may not be more than 256 bytes",
                2,
            )],
        },
        Case {
            name: "env value too long",
            api: WP,
            spec: leak(format!(
                "url: oci://a/b\nvmConfig:\n  env:\n  - name: A\n    value: {}\n",
                "v".repeat(2049)
            )),
            from: 14,
            expect: &[(
                20,
                30,
                Schema,
                "spec.vmConfig.env[0].value: Too long: may not be more than 2048 bytes",
                5,
            )],
        },
        Case {
            name: "env name too long",
            api: WP,
            spec: leak(format!(
                "url: oci://a/b\nvmConfig:\n  env:\n  - name: {}\n",
                "n".repeat(257)
            )),
            from: 14,
            expect: &[(
                20,
                30,
                Schema,
                "spec.vmConfig.env[0].name: Too long: may not be more than 256 bytes",
                4,
            )],
        },
        Case {
            name: "env valueFrom enum",
            api: WP,
            spec: "url: oci://a/b\nvmConfig:\n  env:\n  - name: A\n    valueFrom: FILE\n",
            from: 14,
            expect: &[(
                14,
                30,
                Schema,
                "spec.vmConfig.env[0].valueFrom: Unsupported value: \"FILE\"",
                5,
            )],
        },
        Case {
            name: "targetRef group pattern",
            api: WP,
            spec: "url: oci://a/b\ntargetRef:\n  group: Gateway_API\n  kind: Gateway\n  name: gw\n",
            from: 20,
            // The group pattern came with 1.23's CRD; before, the webhook's kind check.
            expect: &[
                (
                    20,
                    21,
                    Webhook,
                    "got: [Group: Gateway_API, Kind: Gateway]",
                    4,
                ),
                (
                    23,
                    30,
                    Schema,
                    "spec.targetRef.group in body should match",
                    3,
                ),
                (22, 22, Webhook, "but was Gateway_API/Gateway", 4),
                (23, 24, Cel, "Support kinds are", 4),
                (25, 30, Webhook, "but was Gateway_API/Gateway", 4),
            ],
        },
        Case {
            name: "targetRef name too long",
            api: WP,
            spec: leak(format!(
                "url: oci://a/b\ntargetRef:\n  kind: Service\n  group: \"\"\n  name: {}\n",
                "s".repeat(254)
            )),
            from: 20,
            // No length limit before 1.23's CRD, and none in the webhook: 1.22 accepts it
            // (1.20–1.21 reject the Service kind).
            expect: &[
                (20, 21, Webhook, "got: [Group: , Kind: Service]", 3),
                (
                    23,
                    30,
                    Schema,
                    "spec.targetRef.name: Too long: may not be more than 253 bytes",
                    5,
                ),
            ],
        },
        Case {
            name: "too many labels",
            api: WP,
            spec: leak(format!(
                "url: oci://a/b\nselector:\n  matchLabels: {{{}}}\n",
                (0..4097)
                    .map(|i| format!("k{i}: v"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            from: 12,
            expect: &[(
                23,
                30,
                Schema,
                "spec.selector.matchLabels: Too many: 4097: must have at most 4096 items",
                3,
            )],
        },
    ]
}
