//! WasmPlugin cases: every DOMAIN.md §8 rejection, with the releases where it applies.

use super::{Case, WP, leak};
use crate::lint::validate::Layer::{Cel, Schema, Version, Webhook};

/// The WasmPlugin cases.
pub fn cases() -> Vec<Case> {
    let mut all = vec![
        Case {
            name: "valid wasm",
            api: WP,
            spec: "url: oci://ghcr.io/a/b:v1\nphase: AUTHN\npriority: -1\nselector:\n  matchLabels: {app: x}\n",
            from: 12,
            expect: &[],
        },
        Case {
            name: "missing url",
            api: WP,
            spec: "phase: AUTHN\n",
            from: 12,
            expect: &[
                (12, 19, Webhook, "url field needs to be set", 1),
                (20, 30, Schema, "spec.url: Required value", 1),
            ],
        },
        Case {
            name: "empty url",
            api: WP,
            spec: "url: \"\"\n",
            from: 12,
            expect: &[
                (12, 19, Webhook, "url field needs to be set", 1),
                (
                    20,
                    30,
                    Schema,
                    "spec.url in body should be at least 1 chars long",
                    1,
                ),
            ],
        },
        Case {
            name: "url scheme",
            api: WP,
            spec: "url: ftp://x/p.wasm\n",
            from: 12,
            expect: &[
                (12, 19, Webhook, "url contains unsupported scheme: ftp", 1),
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
            name: "sha256 length",
            api: WP,
            spec: "url: oci://a/b\nsha256: abc\n",
            from: 12,
            expect: &[
                (
                    12,
                    19,
                    Webhook,
                    "sha256 field must be 64 characters long",
                    2,
                ),
                (20, 30, Schema, "should match '(^$|^[a-f0-9]{64}$)'", 2),
            ],
        },
        Case {
            name: "sha256 pattern",
            api: WP,
            spec: "url: oci://a/b\nsha256: E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\n",
            from: 12,
            expect: &[
                (
                    12,
                    19,
                    Webhook,
                    "sha256 field must match [a-f0-9]{64} pattern",
                    2,
                ),
                (20, 30, Schema, "should match", 2),
            ],
        },
        Case {
            name: "phase enum",
            api: WP,
            spec: "url: oci://a/b\nphase: AUTHX\n",
            from: 12,
            expect: &[(
                12,
                30,
                Schema,
                "spec.phase: Unsupported value: \"AUTHX\"",
                2,
            )],
        },
        Case {
            name: "pull policy enum",
            api: WP,
            spec: "url: oci://a/b\nimagePullPolicy: Never\n",
            from: 12,
            expect: &[(12, 30, Schema, "spec.imagePullPolicy: Unsupported value", 2)],
        },
        Case {
            name: "priority type",
            api: WP,
            spec: "url: oci://a/b\npriority: high\n",
            from: 12,
            expect: &[(
                12,
                30,
                Schema,
                "spec.priority in body must be of type integer",
                2,
            )],
        },
        Case {
            name: "pull secret length",
            api: WP,
            spec: leak(format!(
                "url: oci://a/b\nimagePullSecret: {}\n",
                "a".repeat(254)
            )),
            from: 12,
            expect: &[(
                20,
                30,
                Schema,
                "spec.imagePullSecret: Too long: may not be more than 253 bytes",
                2,
            )],
        },
        Case {
            name: "plugin name empty",
            api: WP,
            spec: "url: oci://a/b\npluginName: \"\"\n",
            from: 12,
            expect: &[(
                20,
                30,
                Schema,
                "spec.pluginName in body should be at least 1 chars long",
                2,
            )],
        },
        Case {
            name: "fail strategy enum",
            api: WP,
            spec: "url: oci://a/b\nfailStrategy: FAIL_RELOAD\n",
            from: 19,
            expect: &[(
                19,
                26,
                Schema,
                "spec.failStrategy: Unsupported value: \"FAIL_RELOAD\"",
                2,
            )],
        },
        Case {
            name: "type enum",
            api: WP,
            spec: "url: oci://a/b\ntype: TCP\n",
            from: 20,
            expect: &[(20, 30, Schema, "spec.type: Unsupported value", 2)],
        },
        Case {
            name: "field too new",
            api: WP,
            spec: "url: oci://a/b\nfailStrategy: FAIL_OPEN\n",
            from: 12,
            expect: &[(12, 18, Version, "unknown field \"spec.failStrategy\"", 2)],
        },
        Case {
            name: "selector key wildcard",
            api: WP,
            spec: "url: oci://a/b\nselector:\n  matchLabels:\n    \"app*\": x\n",
            from: 12,
            expect: &[
                (
                    12,
                    22,
                    Webhook,
                    "wildcard is not supported in selector: \"app*=x\"",
                    4,
                ),
                (23, 30, Cel, "wildcard not allowed in label key match", 4),
            ],
        },
        Case {
            name: "selector value wildcard",
            api: WP,
            spec: "url: oci://a/b\nselector:\n  matchLabels:\n    app: \"*\"\n",
            from: 12,
            expect: &[
                (
                    12,
                    22,
                    Webhook,
                    "wildcard is not supported in selector: \"app=*\"",
                    4,
                ),
                (23, 30, Cel, "wildcard not allowed in label value match", 4),
            ],
        },
        Case {
            name: "selector empty key",
            api: WP,
            spec: "url: oci://a/b\nselector:\n  matchLabels:\n    \"\": x\n",
            from: 12,
            expect: &[
                (
                    12,
                    22,
                    Webhook,
                    "empty key is not supported in selector: \"=x\"",
                    4,
                ),
                (23, 30, Cel, "key must not be empty", 4),
            ],
        },
        Case {
            name: "selector value length",
            api: WP,
            spec: leak(format!(
                "url: oci://a/b\nselector:\n  matchLabels:\n    app: {}\n",
                "a".repeat(64)
            )),
            from: 12,
            expect: &[(
                23,
                30,
                Schema,
                "spec.selector.matchLabels[app]: Too long: may not be more than 63 bytes",
                4,
            )],
        },
        Case {
            name: "one of selector and targetRefs",
            api: WP,
            spec: "url: oci://a/b\nselector:\n  matchLabels: {app: x}\ntargetRefs:\n- kind: Service\n  group: \"\"\n  name: web\n",
            from: 22,
            expect: &[
                (
                    22,
                    23,
                    Webhook,
                    "only one of targetRefs or workloadSelector can be set",
                    2,
                ),
                (
                    24,
                    30,
                    Cel,
                    "only one of targetRefs or selector can be set",
                    4,
                ),
            ],
        },
        Case {
            name: "targetRef namespace",
            api: WP,
            spec: "url: oci://a/b\ntargetRefs:\n- kind: Service\n  group: \"\"\n  name: web\n  namespace: other\n",
            from: 22,
            expect: &[
                // validation.go at 1.22.0: the "; cross namespace…" suffix came in 1.23.
                (22, 22, Webhook, "targetRef namespace must not be set", 6),
                (
                    23,
                    30,
                    Cel,
                    "cross namespace referencing is not currently supported",
                    6,
                ),
            ],
        },
    ];
    all.extend(super::wasm_plugin_refs::cases());
    all
}
