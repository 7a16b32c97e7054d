//! PeerAuthentication and TrafficExtension cases (DOMAIN.md §6.6, §7–8).

use super::{Case, PA, TE};
use crate::lint::validate::Layer::{Cel, Schema, Webhook};

/// The PeerAuthentication and TrafficExtension cases.
pub fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "valid pa",
            api: PA,
            spec: "selector:\n  matchLabels: {app: a}\nmtls: {mode: STRICT}\nportLevelMtls:\n  8080: {mode: DISABLE}\n",
            from: 12,
            expect: &[],
        },
        Case {
            name: "pa mode enum",
            api: PA,
            spec: "mtls:\n  mode: ON\n",
            from: 12,
            expect: &[(
                12,
                30,
                Schema,
                "spec.mtls.mode: Unsupported value: \"ON\"",
                2,
            )],
        },
        Case {
            name: "pa port level without selector",
            api: PA,
            spec: "portLevelMtls:\n  8080: {mode: DISABLE}\n",
            from: 12,
            expect: &[
                (
                    12,
                    22,
                    Webhook,
                    "mesh/namespace peer authentication cannot have port level mTLS",
                    1,
                ),
                (23, 30, Cel, "portLevelMtls requires selector", 1),
            ],
        },
        Case {
            name: "pa port level empty",
            api: PA,
            spec: "selector:\n  matchLabels: {app: a}\nportLevelMtls: {}\n",
            from: 12,
            expect: &[
                (
                    12,
                    22,
                    Webhook,
                    "port level mTLS, if defined, must have at least one element",
                    3,
                ),
                (
                    23,
                    30,
                    Schema,
                    "spec.portLevelMtls in body should have at least 1 properties",
                    3,
                ),
            ],
        },
        Case {
            name: "pa port zero",
            api: PA,
            spec: "selector:\n  matchLabels: {app: a}\nportLevelMtls:\n  0: {mode: DISABLE}\n",
            from: 12,
            expect: &[
                (12, 22, Webhook, "port cannot be 0", 4),
                (23, 30, Cel, "port must be between 1-65535", 4),
            ],
        },
        Case {
            name: "pa port too big",
            api: PA,
            spec: "selector:\n  matchLabels: {app: a}\nportLevelMtls:\n  70000: {mode: DISABLE}\n",
            from: 12,
            expect: &[(23, 30, Cel, "port must be between 1-65535", 4)],
        },
        Case {
            name: "pa selector wildcard",
            api: PA,
            spec: "selector:\n  matchLabels:\n    app: \"web*\"\n",
            from: 12,
            expect: &[
                (
                    12,
                    22,
                    Webhook,
                    "wildcard is not supported in selector: \"app=web*\"",
                    3,
                ),
                (23, 30, Cel, "wildcard not allowed in label value match", 3),
            ],
        },
        Case {
            name: "te one of wasm or lua",
            api: TE,
            spec: "lua:\n  inlineCode: x\nwasm:\n  url: oci://a/b\n",
            from: 30,
            expect: &[(30, 30, Cel, "exactly one of wasm or lua must be set", 1)],
        },
        Case {
            name: "te empty lua",
            api: TE,
            spec: "lua:\n  inlineCode: \"\"\n",
            from: 30,
            // The 1.30 CRD's `minLength: 1` answers before the webhook.
            expect: &[(
                30,
                30,
                Schema,
                "spec.lua.inlineCode in body should be at least 1 chars long",
                2,
            )],
        },
        Case {
            // `validateLuaConfig`@1.30.0 tests `len(InlineCode) == 0`, and the CRD's
            // minLength is 1: code of blanks passes both.
            name: "te blank lua",
            api: TE,
            spec: "lua:\n  inlineCode: \"  \"\n",
            from: 30,
            expect: &[],
        },
        Case {
            name: "te wasm url",
            api: TE,
            spec: "wasm:\n  url: ftp://x/y\n",
            from: 30,
            expect: &[(30, 30, Cel, "spec.wasm.url: Invalid value", 2)],
        },
        Case {
            name: "te valid",
            api: TE,
            spec: "selector:\n  matchLabels: {app: a}\nwasm:\n  url: oci://a/b:v1\n",
            from: 30,
            expect: &[],
        },
        Case {
            name: "pa non-numeric port",
            api: PA,
            spec: "selector:\n  matchLabels: {app: a}\nportLevelMtls:\n  http: {mode: DISABLE}\n",
            from: 12,
            expect: &[
                (
                    12,
                    22,
                    Webhook,
                    "cannot decode key \"http\" as a port number",
                    4,
                ),
                (23, 30, Cel, "port must be between 1-65535", 4),
            ],
        },
        Case {
            name: "pa port mode enum",
            api: PA,
            spec: "selector:\n  matchLabels: {app: a}\nportLevelMtls:\n  8080: {mode: OFF}\n",
            from: 12,
            expect: &[(
                12,
                30,
                Schema,
                "spec.portLevelMtls[8080].mode: Unsupported value: \"OFF\"",
                4,
            )],
        },
    ]
}
