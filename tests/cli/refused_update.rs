//! Listener updates Envoy refused (a dynamic listener's `error_state`, envoy/admin/v3/
//! config_dump_shared.proto `UpdateFailureState`: `failed_configuration`,
//! `last_update_attempt`, `details`) through every command that reads listeners:
//! `pc listener` (rows with STATE `error` in `-o wide`, a warning line on stderr in every
//! format, istioctl's stdout untouched), `explain` and `wasm count` (a warning), and
//! `lint --dump` (MS3007; its goldens are in `lint_dump.rs`).
//! See: #19 (point 4)

use crate::support::{Test, assert_golden};

/// `0.0.0.0_8000` is active, and Envoy refused its next update (testdata/dumps/README.md).
const REFUSED: &str = "testdata/dumps/refused-update.json";
/// `0.0.0.0_15010` has only a refused update: it never became active.
const NEVER_ACTIVE: &str = "testdata/dumps/warming-draining.json";

/// Envoy's reason in `refused-update.json` (filter_chain_manager_impl.cc's wording).
const DETAILS: &str = "error adding listener '0.0.0.0:8000': filter chain 'http-ratelimit' has \
    the same matching rules defined as 'http'. duplicate matcher is: \
    {\"transport_protocol\":\"raw_buffer\",\"application_protocols\":[\"http/1.1\",\"h2c\"]}";

fn warning_8000() -> String {
    format!(
        "meshscope: warning: Envoy refused the last update of listener \"0.0.0.0_8000\" (last \
         attempt 2026-05-18T08:41:07.707Z): {DETAILS}; the active version is what runs\n"
    )
}

const WARNING_15010: &str = "meshscope: warning: Envoy refused the last update of listener \
    \"0.0.0.0_15010\" (last attempt 2026-05-18T08:41:07.707Z): error adding listener \
    '0.0.0.0:15010': filter chain 'tcp-b' has the same matching rules defined as 'tcp-a'. \
    duplicate matcher is: {\"destination_port\":15010,\"transport_protocol\":\"raw_buffer\"}; no \
    version of the listener is active, so none of it runs\n";

#[test]
fn pc_listener_wide_shows_the_refused_rows_and_every_format_warns() {
    let out = Test::new(["pc", "listener", "-f", REFUSED, "-o", "wide"]).run();
    assert_eq!((out.code, out.stderr.clone()), (0, warning_8000()));
    assert_golden("pc-listener/refused-update/wide.txt", &out.stdout);
    // The refused version's rows follow the active ones with the same sort keys.
    let states: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.contains(" 8000 "))
        .map(|l| {
            if l.contains(" error ") {
                "error"
            } else {
                "active"
            }
        })
        .collect();
    assert_eq!(
        states,
        ["active", "active", "error", "error", "error"],
        "{}",
        out.stdout
    );
    for format in ["short", "json", "yaml", "jsonpath={[*].name}"] {
        let out = Test::new(["pc", "listener", "-f", REFUSED, "-o", format]).run();
        assert_eq!(
            (out.code, out.stderr.clone()),
            (0, warning_8000()),
            "{format}"
        );
        // Only the structured formats carry the refused update (as Envoy dumps it).
        let structured = format == "json" || format == "yaml";
        // protojson spelling (`errorState`), as every listener in the array.
        assert_eq!(out.stdout.contains("errorState"), structured, "{format}");
        assert!(!out.stdout.contains("error_state"), "{format}");
        assert_eq!(
            out.stdout.contains("http-ratelimit"),
            structured,
            "{format}"
        );
    }
}

/// istioctl's `-o json` is the active listeners: the running `0.0.0.0_8000` is there once,
/// with its one chain, unchanged. The refused update follows the listeners istioctl prints,
/// in the shape of Envoy's `DynamicListener` with only `error_state`: Envoy's reason and
/// the configuration it refused.
#[test]
fn pc_listener_json_is_istioctls_array_then_the_refused_update() {
    let out = Test::new([
        "pc", "listener", "-f", REFUSED, "--port", "8000", "-o", "json",
    ])
    .run();
    let listeners: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let listeners = listeners.as_array().unwrap();
    assert_eq!(listeners.len(), 2, "{}", out.stdout);
    assert_eq!(listeners[0]["name"], "0.0.0.0_8000");
    let chains = listeners[0]["filterChains"].as_array().unwrap();
    assert_eq!(chains.len(), 1);
    assert!(listeners[0].get("errorState").is_none());
    let refused = &listeners[1];
    assert_eq!(refused["name"], "0.0.0.0_8000");
    let details = refused["errorState"]["details"].as_str().unwrap();
    assert!(
        details.contains("has the same matching rules defined as"),
        "{details}"
    );
    let failed = &refused["errorState"]["failedConfiguration"];
    assert_eq!(
        failed["filterChains"].as_array().unwrap().len(),
        2,
        "{failed}"
    );
    assert!(refused["errorState"]["lastUpdateAttempt"].is_string());
    assert_eq!(out.stderr, warning_8000());
}

/// A listener with no refused update prints exactly istioctl's array: no element is added.
#[test]
fn pc_listener_json_without_refused_updates_has_no_error_elements() {
    let out = Test::new([
        "pc", "listener", "-f", REFUSED, "--port", "53", "-o", "json",
    ])
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(!out.stdout.contains("errorState"), "{}", out.stdout);
}

/// A refused update is warned about when the flags select it: its refused configuration
/// passes `--port`, `--address`, `--type`.
#[test]
fn pc_listener_warns_only_for_the_refused_updates_the_flags_select() {
    for (flags, warns) in [
        (&["--port", "15010"][..], true),
        (&["--port", "15006"], false),
        (&["--address", "0.0.0.0"], true),
        (&["--type", "tcp"], true),
        (&["--type", "http"], false),
        (&["--verbose=false"], true),
    ] {
        let mut args = vec!["pc", "listener", "-f", NEVER_ACTIVE];
        args.extend_from_slice(flags);
        let out = Test::new(&args).run();
        assert_eq!(out.code, 0, "{flags:?}: {}", out.stderr);
        let want = if warns { WARNING_15010 } else { "" };
        assert_eq!(out.stderr, want, "{flags:?}");
    }
    let out = Test::new([
        "pc",
        "listener",
        "-f",
        NEVER_ACTIVE,
        "--port",
        "15010",
        "-o",
        "wide",
    ])
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, WARNING_15010));
    assert_eq!(
        out.stdout.lines().filter(|l| l.contains(" error ")).count(),
        2
    );
}

/// Without its configuration (Envoy builds without full protos leave it out) where a
/// refused listener would bind is unknown: it is warned about unless the flags narrow the
/// listing to listeners of other names, and it has no rows. A configuration that does not
/// decode fails `-o wide` only, which shows its rows.
#[test]
fn pc_listener_refused_update_without_a_readable_configuration() {
    let dump = |error_state: &str| {
        format!(
            r#"{{"configs":[{{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[
            {{"name":"a","active_state":{{"listener":{{"name":"a","address":{{"socket_address":{{"address":"0.0.0.0","port_value":80}}}}}}}},
             "error_state":{error_state}}}]}}]}}"#
        )
    };
    let missing = dump(r#"{"details":"boom"}"#);
    let warning = "meshscope: warning: Envoy refused the last update of listener \"a\": boom; \
                   the active version is what runs\n";
    let out = Test::new(["pc", "listener", "-f", "-", "-o", "wide"])
        .stdin(missing.clone())
        .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, warning));
    assert!(!out.stdout.contains(" error "), "{}", out.stdout);
    // Narrowed: only when a listener of its name is selected.
    let out = Test::new(["pc", "listener", "-f", "-", "--port", "80"])
        .stdin(missing.clone())
        .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, warning));
    let out = Test::new(["pc", "listener", "-f", "-", "--port", "81"])
        .stdin(missing.clone())
        .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));

    let broken = dump(
        r#"{"details":"boom","failed_configuration":{"name":"a","address":{"socket_address":{"port_value":true}}}}"#,
    );
    let out = Test::new(["pc", "listener", "-f", "-"])
        .stdin(broken.clone())
        .run();
    assert_eq!((out.code, out.stderr.as_str()), (0, warning));
    let out = Test::new(["pc", "listener", "-f", "-", "-o", "wide"])
        .stdin(broken)
        .run();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "meshscope: error: -:3:126: configs[0].dynamic_listeners[0].error_state.\
             failed_configuration.address.socket_address.port_value: invalid type: boolean \
             `true`, expected an unsigned 32-bit integer (number or string)\n"
        )
    );
}

#[test]
fn pc_listener_color_paints_the_error_state() {
    let out = Test::new([
        "--color", "always", "pc", "listener", "-f", REFUSED, "-o", "wide",
    ])
    .run();
    assert!(
        out.stdout.contains("\u{1b}[31merror\u{1b}[0m"),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_warns_that_the_active_version_is_what_is_shown() {
    let out = Test::new(["explain", "-f", REFUSED, "--port", "8000"]).ok();
    assert_golden("explain/refused-update/chains.txt", &out);
    let warning = format!(
        "Warnings:\n- Envoy refused the last update of listener `0.0.0.0_8000` (last attempt \
         2026-05-18T08:41:07.707Z): {DETAILS}; the active version is what runs, and what is \
         shown here\n"
    );
    assert!(out.contains(&warning), "{out}");
    // A simulated connection gets the warning too (and no other chain warning).
    let out = Test::new([
        "explain",
        "-f",
        REFUSED,
        "--port",
        "8000",
        "--dst-port",
        "8000",
        "--alpn",
        "h2c",
    ])
    .ok();
    assert!(out.contains("Selected: chain `http`"), "{out}");
    assert!(out.ends_with(&format!("\n\n{warning}")), "{out}");

    let out = Test::new(["explain", "-f", REFUSED, "--port", "8000", "-o", "json"]).ok();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let first = &report["listeners"][0]["warnings"][0];
    assert_eq!(first["kind"], "refused_update");
    assert_eq!(first["chain"], serde_json::Value::Null);
    let message = first["message"].as_str().unwrap();
    assert!(message.contains(DETAILS), "{message}");
    assert!(message.contains("2026-05-18T08:41:07.707Z"), "{message}");
    // Listeners without a refused update get no such warning.
    let out = Test::new(["explain", "-f", REFUSED, "--port", "53"]).ok();
    assert!(!out.contains("Envoy refused"), "{out}");
}

/// No listener to explain: when Envoy refused the one that would bind the port, the error
/// says so, with Envoy's reason.
#[test]
fn explain_on_a_port_only_a_refused_update_binds_names_envoys_reason() {
    let out = Test::new(["explain", "-f", NEVER_ACTIVE, "--port", "15010"]).run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: testdata/dumps/warming-draining.json: no active listener on port \
         15010: Envoy refused the update of listener \"0.0.0.0_15010\": error adding listener \
         '0.0.0.0:15010': filter chain 'tcp-b' has the same matching rules defined as 'tcp-a'. \
         duplicate matcher is: {\"destination_port\":15010,\"transport_protocol\":\"raw_buffer\"}\n"
    );
}

#[test]
fn wasm_count_warns_that_the_active_version_is_what_is_counted() {
    // A warning, not a problem verdict: the exit code stays 0 (the plugins, not checked
    // without resources, are let through).
    let out = Test::new(["wasm", "count", "-f", REFUSED, "--fail-on-unchecked=false"]).ok();
    assert_golden("wasm-count/refused-update.txt", &out);
    assert!(out.contains(&format!(
        "WARNING: Envoy refused the last update of listener \"0.0.0.0_8000\" (last attempt \
         2026-05-18T08:41:07.707Z): {DETAILS}; the active version is what runs, and what is \
         counted here\n"
    )));
    let out = Test::new([
        "wasm",
        "count",
        "-f",
        REFUSED,
        "-o",
        "json",
        "--fail-on-unchecked=false",
    ])
    .ok();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["proxies"][0]["refused_updates"],
        serde_json::json!([{
            "listener": "0.0.0.0_8000",
            "details": DETAILS,
            "last_update_attempt": "2026-05-18T08:41:07.707Z",
            "has_active_version": true
        }])
    );
    // What is counted is the active version: helloworld once, and not the refused chain's
    // second plugin.
    let plugins = report["proxies"][0]["plugins"].as_array().unwrap();
    assert_eq!(plugins.len(), 1, "{out}");
    assert_eq!(plugins[0]["plugin"], "default/helloworld");
    assert_eq!(plugins[0]["total"], 1);

    let out = Test::new(["wasm", "count", "-f", NEVER_ACTIVE]).run();
    assert!(
        out.stdout.contains(
            "WARNING: Envoy refused the last update of listener \"0.0.0.0_15010\" (last attempt \
             2026-05-18T08:41:07.707Z): error adding listener '0.0.0.0:15010'"
        ) && out
            .stdout
            .contains("; no version of the listener is active, so none of it runs\n"),
        "{}",
        out.stdout
    );
}
