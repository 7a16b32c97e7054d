//! `TestValidatePeerAuthentication` (istio/istio `pkg/config/validation/validation_test.go`):
//! the same nine cases at every tag 1.12.0 … 1.30.0. From 1.18.0 the test also checks the
//! warning; before, `ValidatePeerAuthentication` returned no warning at all (its `nil,
//! errs` at 1.12.0–1.17.0), so `Valid` (no warning) is the verdict there too.
//! `configName` is `metadata.name`: "default" (`constants.DefaultAuthenticationPolicyName`),
//! "foo", "port-level" or `someName`.
//!
//! API-server answers from 1.23: `portLevelMtls` minProperties 1, the `portLevelMtls
//! requires selector` and port-range CEL rules (DOMAIN.md §8).

use super::super::PA;
use super::GoCase;
use super::Want::{ApiServer, Valid, Warn, Webhook};

const HTTPBIN: &str = "selector:\n  matchLabels:\n    app: httpbin\n";

pub fn cases() -> Vec<GoCase> {
    vec![
        // "empty spec" (1.12.0–1.30.0).
        GoCase::new("empty spec", PA, "{}\n")
            .named("default")
            .at(12, 30, Valid),
        // "empty mtls" (1.12.0–1.17.0), renamed "empty mtls with selector of empty labels"
        // when 1.18.0 began checking its warning.
        GoCase::new(
            "empty mtls with selector of empty labels",
            PA,
            "selector: {}\n",
        )
        .named("default")
        .at(12, 17, Valid)
        .at(18, 30, Warn("workload selector specified without labels")),
        // "empty spec with non default name" (1.12.0–1.30.0).
        GoCase::new("empty spec with non default name", PA, "{}\n").at(12, 30, Valid),
        // "default name with non empty selector" (1.12.0–1.30.0).
        GoCase::new("default name with non empty selector", PA, HTTPBIN)
            .named("default")
            .at(12, 30, Valid),
        // "empty port level mtls" (1.12.0–1.30.0): a non-nil empty map.
        GoCase::new(
            "empty port level mtls",
            PA,
            format!("{HTTPBIN}portLevelMtls: {{}}\n"),
        )
        .named("foo")
        .at(
            12,
            22,
            Webhook("port level mTLS, if defined, must have at least one element"),
        )
        .at(
            23,
            30,
            ApiServer("spec.portLevelMtls in body should have at least 1 properties"),
        ),
        // "empty selector with port level mtls" (1.12.0–1.30.0): no selector.
        GoCase::new(
            "empty selector with port level mtls",
            PA,
            "portLevelMtls:\n  \"8080\":\n    mode: UNSET\n",
        )
        .named("default")
        .at(
            12,
            22,
            Webhook("mesh/namespace peer authentication cannot have port level mTLS"),
        )
        .at(23, 30, ApiServer("portLevelMtls requires selector")),
        // "port 0" (1.12.0–1.30.0): no selector either, so two errors in Go.
        GoCase::new("port 0", PA, "portLevelMtls:\n  \"0\":\n    mode: UNSET\n")
            .named("foo")
            .at(12, 22, Webhook("port cannot be 0"))
            .at(23, 30, ApiServer("port must be between 1-65535")),
        // Its other error, checked on its own.
        GoCase::new(
            "port 0 (mesh-level error)",
            PA,
            "portLevelMtls:\n  \"0\":\n    mode: UNSET\n",
        )
        .named("foo")
        .at(
            12,
            22,
            Webhook("mesh/namespace peer authentication cannot have port level mTLS"),
        )
        .at(23, 30, ApiServer("portLevelMtls requires selector")),
        // "unset mode" (1.12.0–1.30.0).
        GoCase::new("unset mode", PA, "mtls:\n  mode: UNSET\n")
            .named("default")
            .at(12, 30, Valid),
        // "port level" (1.12.0–1.30.0).
        GoCase::new(
            "port level",
            PA,
            format!("{HTTPBIN}portLevelMtls:\n  \"8080\":\n    mode: UNSET\n"),
        )
        .named("port-level")
        .at(12, 30, Valid),
    ]
}
