//! `TestValidateTrafficExtension` (istio/istio `pkg/config/validation/validation_test.go`,
//! 1.30.0, the first release with the kind). Every case checks that no warning is given.
//!
//! The 1.30 CRD (`crd-all.gen.yaml`) answers first for most invalid cases: the CEL rules
//! `exactly one of wasm or lua must be set` and the one-of rule, `lua.inlineCode`
//! minLength 1 / maxLength 65536, the `wasm` module schema as WasmPlugin's (url minLength
//! and CEL rule, sha256 pattern, env list-map and name length, pluginName maxLength 256),
//! and `match[].ports[].number` 1–65535.

use super::super::TE;
use super::GoCase;
use super::Want::{ApiServer, Valid, Webhook};

const SHA: &str = "01ba4719c80b6fe911b091a7c05124b64eeece964e09c058ef8f9805daca546b";
const LUA: &str = "lua:\n  inlineCode: function envoy_on_request() end\n";

fn wasm(body: &str) -> String {
    let mut s = String::from("wasm:\n");
    for line in body.lines() {
        s.push_str("  ");
        s.push_str(line);
        s.push('\n');
    }
    s
}

fn at_1_30(name: &'static str, spec: String, want: super::Want) -> GoCase {
    GoCase::new(name, TE, spec).at(30, 30, want)
}

pub fn cases() -> Vec<GoCase> {
    let url = "url: http://test.com/test\n";
    let env = "vmConfig:\n  env:\n";
    // `string(make([]byte, 65537))` in Go: 65,537 bytes; ours are a Lua comment.
    let big_lua = format!("lua:\n  inlineCode: \"-- {}\"\n", "x".repeat(65_534));
    vec![
        at_1_30(
            "neither wasm nor lua set",
            "{}\n".into(),
            ApiServer("exactly one of wasm or lua must be set"),
        ),
        at_1_30(
            "valid lua config",
            "lua:\n  inlineCode: |-\n    function envoy_on_request(request_handle)\n      request_handle:headers():add('x-foo', 'bar')\n    end\n".into(),
            Valid,
        ),
        at_1_30(
            "lua code empty",
            "lua:\n  inlineCode: \"\"\n".into(),
            ApiServer("spec.lua.inlineCode in body should be at least 1 chars long"),
        ),
        at_1_30(
            "lua code too large",
            big_lua,
            ApiServer("spec.lua.inlineCode: Too long: may not be more than 65536 bytes"),
        ),
        at_1_30("valid wasm config", wasm(url), Valid),
        at_1_30(
            "wasm url empty",
            wasm("url: \"\"\n"),
            ApiServer("spec.wasm.url in body should be at least 1 chars long"),
        ),
        at_1_30(
            "wasm wrong scheme",
            wasm("url: ftp://test.com/test\n"),
            ApiServer("url must have schema one of [http, https, file, oci]"),
        ),
        at_1_30("wasm valid http", wasm(url), Valid),
        at_1_30(
            "wasm valid http w/ sha",
            wasm(&format!("{url}sha256: {SHA}\n")),
            Valid,
        ),
        at_1_30(
            "wasm short sha",
            wasm(&format!("{url}sha256: 01ba47\n")),
            ApiServer("spec.wasm.sha256 in body should match"),
        ),
        at_1_30(
            "wasm invalid sha characters",
            wasm(&format!("{url}sha256: {}\n", SHA.replacen('b', "B", 1))),
            ApiServer("spec.wasm.sha256 in body should match"),
        ),
        at_1_30("wasm valid oci", wasm("url: oci://test.com/test\n"), Valid),
        at_1_30("wasm valid oci no scheme", wasm("url: test.com/test\n"), Valid),
        at_1_30(
            "wasm invalid vm config - invalid env name",
            wasm(&format!(
                "url: test.com/test\n{env}  - name: \"\"\n    valueFrom: HOST\n"
            )),
            ApiServer("spec.wasm.vmConfig.env[0].name in body should be at least 1 chars long"),
        ),
        at_1_30(
            "wasm invalid vm config - duplicate env",
            wasm(&format!(
                "url: test.com/test\n{env}  - name: ENV1\n    value: VAL1\n  - name: ENV1\n    value: VAL1\n"
            )),
            ApiServer("Duplicate value"),
        ),
        at_1_30(
            "valid lua with selector",
            format!("selector:\n  matchLabels:\n    app: test\n{LUA}"),
            Valid,
        ),
        at_1_30(
            "valid lua with targetRefs",
            format!("targetRefs:\n- group: gateway.networking.k8s.io\n  kind: Gateway\n  name: gateway\n{LUA}"),
            Valid,
        ),
        at_1_30(
            "both selector and targetRefs",
            format!("selector:\n  matchLabels:\n    app: test\ntargetRefs:\n- group: gateway.networking.k8s.io\n  kind: Gateway\n  name: gateway\n{LUA}"),
            ApiServer("only one of targetRefs or selector can be set"),
        ),
        // A null list item: lint gives the webhook's message (see the report of #17
        // point 2: the API server may well answer first with a type error; same verdict).
        at_1_30(
            "invalid match - nil traffic selector",
            format!("match:\n- null\n{LUA}"),
            Webhook("spec.Match[0] is nil"),
        ),
        at_1_30(
            "invalid match - nil port selector",
            format!("match:\n- ports:\n  - null\n{LUA}"),
            Webhook("spec.Match[0].Ports[0] is nil"),
        ),
        at_1_30(
            "invalid match - port out of range (too low)",
            format!("match:\n- ports:\n  - number: 0\n{LUA}"),
            ApiServer("spec.match[0].ports[0].number in body should be greater than or equal to 1"),
        ),
        at_1_30(
            "invalid match - port out of range (too high)",
            format!("match:\n- ports:\n  - number: 65536\n{LUA}"),
            ApiServer("spec.match[0].ports[0].number in body should be less than or equal to 65535"),
        ),
        at_1_30(
            "valid match with port",
            format!("match:\n- mode: CLIENT\n  ports:\n  - number: 8080\n{LUA}"),
            Valid,
        ),
        at_1_30(
            "wasm plugin name too long",
            wasm(&format!("url: test.com/test\npluginName: {}\n", "p".repeat(257))),
            ApiServer("spec.wasm.pluginName: Too long: may not be more than 256 bytes"),
        ),
    ]
}
