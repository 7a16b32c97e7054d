//! `TestValidateWasmPlugin` (istio/istio `pkg/config/validation/validation_test.go`), every
//! case of the 1.12.0 … 1.30.0 tables. The table is identical within 1.12–1.13, 1.14–1.19,
//! 1.20–1.21 and 1.22–1.30; every case checks that no warning is given.
//!
//! API-server answers: from 1.20 the CRD requires `url`, has the sha256 pattern, env name
//! lengths, the env list-map and the CEL url rule; from 1.23 the targetRef schema
//! (required kind/name) and its CEL rules (namespace; 1.23–1.24 the kind rule); from 1.24
//! the one-of CEL rule (DOMAIN.md §8).

use super::super::WP;
use super::GoCase;
use super::Want::{ApiServer, CrdOnly, Valid, Webhook};

const SHA: &str = "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b";
const GATEWAY_REF: &str = "  group: gateway.networking.k8s.io\n  kind: Gateway\n";

/// The cases in every table since 1.12.0.
fn since_1_12() -> Vec<GoCase> {
    vec![
        // "empty" (1.12.0–1.30.0): `&extensions.WasmPlugin{}`.
        GoCase::new("empty", WP, "{}\n")
            .at(12, 19, Webhook("url field needs to be set"))
            .at(20, 30, ApiServer("spec.url: Required value")),
        // "wrong scheme" (1.12.0–1.30.0).
        GoCase::new("wrong scheme", WP, "url: ftp://test.com/test\n")
            .at(12, 19, Webhook("unsupported scheme"))
            .at(
                20,
                30,
                ApiServer("url must have schema one of [http, https, file, oci]"),
            ),
        // "valid http" (1.12.0–1.30.0).
        GoCase::new("valid http", WP, "url: http://test.com/test\n").at(12, 30, Valid),
        // "valid http w/ sha" (1.12.0–1.30.0).
        GoCase::new(
            "valid http w/ sha",
            WP,
            format!("url: http://test.com/test\nsha256: {SHA}\n"),
        )
        .at(12, 30, Valid),
        // "short sha" (1.12.0–1.30.0).
        GoCase::new(
            "short sha",
            WP,
            "url: http://test.com/test\nsha256: 01ba47\n",
        )
        .at(12, 19, Webhook("sha256 field must be 64 characters long"))
        .at(20, 30, ApiServer("spec.sha256 in body should match")),
        // "invalid sha" (1.12.0–1.30.0).
        GoCase::new(
            "invalid sha",
            WP,
            "url: http://test.com/test\nsha256: test\n",
        )
        .at(12, 19, Webhook("sha256 field must be 64 characters long"))
        .at(20, 30, ApiServer("spec.sha256 in body should match")),
        // "invalid sha characters" (1.12.0–1.30.0): one upper-case letter.
        GoCase::new(
            "invalid sha characters",
            WP,
            format!(
                "url: http://test.com/test\nsha256: {}\n",
                SHA.replacen('b', "B", 1)
            ),
        )
        .at(
            12,
            19,
            Webhook("sha256 field must match [a-f0-9]{64} pattern"),
        )
        .at(20, 30, ApiServer("spec.sha256 in body should match")),
        // "valid oci" (1.12.0–1.30.0).
        GoCase::new("valid oci", WP, "url: oci://test.com/test\n").at(12, 30, Valid),
        // "valid oci no scheme" (1.12.0–1.30.0).
        GoCase::new("valid oci no scheme", WP, "url: test.com/test\n").at(12, 30, Valid),
    ]
}

/// The env cases, added to the table in 1.14.0 (with `vmConfig`).
fn since_1_14() -> Vec<GoCase> {
    vec![
        // "invalid vm config - invalid env name" (1.14.0–1.30.0): `Name: ""`, HOST.
        GoCase::new(
            "invalid vm config - invalid env name",
            WP,
            "url: test.com/test\nvmConfig:\n  env:\n  - name: \"\"\n    valueFrom: HOST\n",
        )
        .at(14, 19, Webhook("spec.vmConfig.env invalid"))
        .at(
            20,
            30,
            ApiServer("spec.vmConfig.env[0].name in body should be at least 1 chars long"),
        ),
        // "invalid vm config - duplicate env" (1.14.0–1.30.0).
        GoCase::new(
            "invalid vm config - duplicate env",
            WP,
            "url: test.com/test\nvmConfig:\n  env:\n  - name: ENV1\n    value: VAL1\n  - name: ENV1\n    value: VAL1\n",
        )
        .at(14, 19, Webhook("duplicate env"))
        .at(20, 30, ApiServer("Duplicate value")),
    ]
}

/// The targetRef cases, added in 1.20.0; 1.22.0 changed the kind messages and the one-of
/// message and added `target-ref-good-service`.
fn since_1_20() -> Vec<GoCase> {
    let url = "url: http://test.com/test\n";
    vec![
        // "target-ref-good" (1.20.0–1.30.0).
        GoCase::new(
            "target-ref-good",
            WP,
            format!("{url}targetRef:\n{GATEWAY_REF}  name: foo\n"),
        )
        .at(20, 30, Valid),
        // "target-ref-good-service" (1.22.0–1.30.0): `Group: gvk.Service.Group`, which is
        // "", written out.
        GoCase::new(
            "target-ref-good-service (group: \"\")",
            WP,
            format!("{url}targetRef:\n  group: \"\"\n  kind: Service\n  name: foo\n"),
        )
        .at(22, 30, Valid),
        // The same, with the empty group left out, as the proto's JSON form does.
        GoCase::new(
            "target-ref-good-service (no group)",
            WP,
            format!("{url}targetRef:\n  kind: Service\n  name: foo\n"),
        )
        .at(22, 22, Valid)
        .at(
            23,
            24,
            CrdOnly(
                "no such key: group",
                "the 1.23/1.24 CRD kind rule reads `self.group`, which fails to evaluate \
                 on a ref without the key; the rule was removed in 1.25 (istio/api#3414)",
            ),
        )
        .at(25, 30, Valid),
        // "target-ref-non-empty-namespace" (1.20.0–1.30.0).
        GoCase::new(
            "target-ref-non-empty-namespace",
            WP,
            format!("{url}targetRef:\n{GATEWAY_REF}  name: foo\n  namespace: bar\n"),
        )
        .at(20, 22, Webhook("targetRef namespace must not be set"))
        .at(
            23,
            30,
            ApiServer("cross namespace referencing is not currently supported"),
        ),
        // "target-ref-empty-name" (1.20.0–1.30.0): no name.
        GoCase::new(
            "target-ref-empty-name",
            WP,
            format!("{url}targetRef:\n{GATEWAY_REF}"),
        )
        .at(20, 22, Webhook("targetRef name must be set"))
        .at(23, 30, ApiServer("spec.targetRef.name: Required value")),
        // "target-ref-wrong-group" (1.20.0–1.30.0).
        GoCase::new(
            "target-ref-wrong-group",
            WP,
            format!("{url}targetRef:\n  group: wrong-group\n  kind: Gateway\n  name: foo\n"),
        )
        .at(
            20,
            21,
            Webhook(
                "targetRef Group and/or Kind don't match; expected: [Group: gateway.networking.k8s.io, Kind: Gateway], got: [Group: wrong-group, Kind: Gateway]",
            ),
        )
        .at(22, 22, Webhook("but was wrong-group/Gateway"))
        .at(23, 23, ApiServer("Support kinds are core/Service and gateway.networking.k8s.io/Gateway"))
        .at(24, 24, ApiServer("Support kinds are core/Service, networking.istio.io/ServiceEntry"))
        .at(25, 30, Webhook("but was wrong-group/Gateway")),
        // "target-ref-wrong-kind" (1.20.0–1.30.0).
        GoCase::new(
            "target-ref-wrong-kind",
            WP,
            format!("{url}targetRef:\n  group: gateway.networking.k8s.io\n  kind: wrong-kind\n  name: foo\n"),
        )
        .at(
            20,
            21,
            Webhook(
                "targetRef Group and/or Kind don't match; expected: [Group: gateway.networking.k8s.io, Kind: Gateway], got: [Group: gateway.networking.k8s.io, Kind: wrong-kind]",
            ),
        )
        .at(22, 22, Webhook("but was gateway.networking.k8s.io/wrong-kind"))
        .at(23, 24, ApiServer("Support kinds are core/Service"))
        .at(25, 30, Webhook("but was gateway.networking.k8s.io/wrong-kind")),
        // "target-ref-and-selector-cannot-both-be-set" (1.20.0–1.30.0).
        GoCase::new(
            "target-ref-and-selector-cannot-both-be-set",
            WP,
            format!("{url}targetRef:\n{GATEWAY_REF}  name: foo\nselector:\n  matchLabels:\n    app: httpbin\n"),
        )
        .at(20, 21, Webhook("only one of targetRef or workloadSelector can be set"))
        .at(22, 23, Webhook("only one of targetRefs or workloadSelector can be set"))
        .at(24, 30, ApiServer("only one of targetRefs or selector can be set")),
    ]
}

pub fn cases() -> Vec<GoCase> {
    let mut all = since_1_12();
    all.extend(since_1_14());
    all.extend(since_1_20());
    all
}
