//! Every rejection DOMAIN.md §8 lists, at every release 1.12–1.30: reported once, as an error
//! of the right layer and wording, at the offending line; nothing else is an error.

use super::{Layer, validate};
use crate::istio::manifest::resources_of;

const WP: &str = "extensions.istio.io/v1alpha1\nkind: WasmPlugin";
const PA: &str = "security.istio.io/v1beta1\nkind: PeerAuthentication";
const TE: &str = "extensions.istio.io/v1alpha1\nkind: TrafficExtension";

/// (first release, last release, layer, message fragment, line within spec (1-based)).
type Expect = (u32, u32, Layer, &'static str, usize);

struct Case {
    name: &'static str,
    api: &'static str,
    spec: &'static str,
    /// Releases to test (where the fields used exist).
    from: u32,
    expect: &'static [Expect],
}

use Layer::{Cel, Schema, Version, Webhook};

fn cases() -> Vec<Case> {
    vec![
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
                "spec.selector.matchLabels.app: Too long: may not be more than 63 bytes",
                4,
            )],
        },
        Case {
            name: "one of selector and targetRefs",
            api: WP,
            spec: "url: oci://a/b\nselector:\n  matchLabels: {app: x}\ntargetRefs:\n- kind: Service\n  name: web\n",
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
            spec: "url: oci://a/b\ntargetRefs:\n- kind: Service\n  name: web\n  namespace: other\n",
            from: 22,
            expect: &[
                (
                    22,
                    22,
                    Webhook,
                    "targetRef namespace must not be set; cross namespace referencing is not supported",
                    5,
                ),
                (
                    23,
                    30,
                    Cel,
                    "cross namespace referencing is not currently supported",
                    5,
                ),
            ],
        },
        Case {
            name: "targetRef kind",
            api: WP,
            spec: "url: oci://a/b\ntargetRefs:\n- kind: Deployment\n  group: apps\n  name: web\n",
            from: 22,
            expect: &[
                (22, 22, Webhook, "but was apps/Deployment", 3),
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
                (
                    25,
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
            expect: &[(23, 24, Cel, "Support kinds are", 3)],
        },
        Case {
            name: "targetRef required name",
            api: WP,
            spec: "url: oci://a/b\ntargetRef:\n  kind: Service\n",
            from: 20,
            expect: &[(20, 30, Schema, "spec.targetRef.name: Required value", 3)],
        },
        Case {
            name: "targetRef kind pattern",
            api: WP,
            spec: "url: oci://a/b\ntargetRef:\n  kind: 9Service\n  name: x\n",
            from: 20,
            expect: &[
                (
                    20,
                    21,
                    Schema,
                    "should match '^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$'",
                    3,
                ),
                (
                    22,
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
            name: "targetRefs max items",
            api: WP,
            spec: "url: oci://a/b\ntargetRefs: [{kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}, {kind: Service, name: a}]\n",
            from: 22,
            expect: &[(
                22,
                30,
                Schema,
                "spec.targetRefs: Too many: 17: must have at most 16 items",
                2,
            )],
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
            expect: &[
                (
                    14,
                    19,
                    Webhook,
                    "value may only be set when valueFrom is INLINE",
                    4,
                ),
                (
                    20,
                    30,
                    Cel,
                    "value may only be set when valueFrom is INLINE",
                    6,
                ),
            ],
        },
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
            expect: &[(30, 30, Webhook, "lua inlineCode must be set", 2)],
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
    ]
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn document(api: &str, spec: &str) -> String {
    let mut text = format!("apiVersion: {api}\nmetadata:\n  name: t\n  namespace: foo\nspec:\n");
    for line in spec.lines() {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Lines before the spec body in [`document`].
const HEADER_LINES: usize = 6;

#[test]
fn every_rejection_at_every_release() {
    for case in cases() {
        let text = document(case.api, case.spec);
        let r = resources_of(0, &text).unwrap().remove(0);
        for v in case.from..=30 {
            let errors: Vec<_> = validate(&r, v)
                .into_iter()
                .filter(|x| x.layer != Layer::WebhookWarning)
                .collect();
            let want: Vec<_> = case
                .expect
                .iter()
                .filter(|e| (e.0..=e.1).contains(&v))
                .collect();
            assert_eq!(
                errors.len(),
                want.len(),
                "{} at 1.{v}: {errors:#?}",
                case.name
            );
            for (got, w) in errors.iter().zip(&want) {
                assert_eq!(got.layer, w.2, "{} at 1.{v}: {got:?}", case.name);
                assert!(
                    got.message.contains(w.3),
                    "{} at 1.{v}: {:?} lacks {:?}",
                    case.name,
                    got.message,
                    w.3
                );
                assert_eq!(
                    got.pos.line,
                    w.4 + HEADER_LINES,
                    "{} at 1.{v}: {got:?}",
                    case.name
                );
                assert!(got.pos.column > 0);
            }
        }
    }
}

#[test]
fn unserved_versions_and_kinds() {
    let pa_v1 = document(
        "security.istio.io/v1\nkind: PeerAuthentication",
        "mtls: {mode: STRICT}\n",
    );
    let r = resources_of(0, &pa_v1).unwrap().remove(0);
    assert_eq!(validate(&r, 21)[0].layer, Layer::Version);
    assert!(validate(&r, 22).is_empty());
    let te = document(TE, "wasm:\n  url: oci://a/b\n");
    let r = resources_of(0, &te).unwrap().remove(0);
    assert_eq!(validate(&r, 29)[0].layer, Layer::Version);
}

#[test]
fn missing_spec() {
    let text = format!("apiVersion: {WP}\nmetadata:\n  name: t\n");
    let r = resources_of(0, &text).unwrap().remove(0);
    assert_eq!(validate(&r, 30)[0].message, "spec: Required value");
    assert_eq!(validate(&r, 12)[0].message, "url field needs to be set");
}

#[test]
fn empty_selector_is_only_a_warning() {
    let text = document(PA, "selector: {}\n");
    let r = resources_of(0, &text).unwrap().remove(0);
    let v = validate(&r, 30);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].layer, Layer::WebhookWarning);
    assert!(validate(&r, 15).is_empty());
}
