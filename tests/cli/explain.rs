//! `explain`: chain paragraphs, simulated selection on the seed fixtures, JSON, DOT.
//! See: #3

use crate::support::{Test, assert_golden};

const SEEDS: [&str; 6] = [
    "istio-1.12-permissive",
    "istio-1.12-strict",
    "istio-1.12-disable",
    "istio-current-permissive",
    "istio-current-strict",
    "istio-current-disable",
];

fn explain(fixture: &str, flags: &[&str]) -> String {
    let path = format!("testdata/dumps/{fixture}.json");
    let mut args = vec!["explain", "-f", &path];
    args.extend_from_slice(flags);
    Test::new(&args).ok()
}

#[test]
fn chain_paragraphs_for_every_seed() {
    for seed in SEEDS {
        let out = explain(seed, &["--port", "15006"]);
        assert_golden(&format!("explain/{seed}/chains.txt"), &out);
    }
    let out = explain("matcher-tree", &[]);
    assert_golden("explain/matcher-tree/chains.txt", &out);
    let out = explain("istio-1.12-permissive", &["--port", "15006", "-o", "json"]);
    assert_golden("explain/istio-1.12-permissive/chains.json", &out);
}

#[test]
fn model_paragraph_on_112_permissive() {
    let out = explain("istio-1.12-permissive", &["--port", "15006"]);
    assert!(out.contains(
        "Chain `0.0.0.0_80` (12th of 13) takes connections to destination port 80 (any destination IP) \
         that arrive as TLS (the TLS inspector saw a ClientHello; Envoy calls this transport `tls`) and \
         whose client offered one of the ALPN values `istio`, `istio-peer-exchange`, `istio-http/1.0`, \
         `istio-http/1.1`, `istio-h2` — that is, traffic from another Istio sidecar over mutual TLS."
    ));
    assert!(out.contains(
        "in order: `default.helloworld` (Wasm, delivered by ECDS, WasmPlugin default/helloworld), \
         `istio.metadata_exchange`, `envoy.filters.http.cors`, `envoy.filters.http.fault`, `istio.stats`, \
         `envoy.filters.http.router`. Requests are routed by the inline route `inbound|80||` to cluster `inbound|80||`."
    ));
}

/// (case, flags, expected selection line) on both PERMISSIVE fixtures.
const PERMISSIVE_CASES: [(&str, &[&str], &str, &str); 5] = [
    (
        "mtls-80",
        &[
            "--dst-port",
            "80",
            "--transport",
            "tls",
            "--alpn",
            "istio-http/1.1",
        ],
        "Selected: chain `0.0.0.0_80` (12th).",
        "Selected: chain `0.0.0.0_80` (7th).",
    ),
    (
        "plaintext-80",
        &[
            "--dst-port",
            "80",
            "--transport",
            "raw_buffer",
            "--alpn",
            "http/1.1",
        ],
        "Selected: chain `0.0.0.0_80` (13th).",
        "Selected: chain `0.0.0.0_80` (8th).",
    ),
    (
        "blackhole",
        &["--dst-port", "15006"],
        "Selected: chain `virtualInbound-blackhole` (1st).",
        "Selected: chain `virtualInbound-blackhole` (1st).",
    ),
    (
        "passthrough-ipv4",
        &[
            "--dst-port",
            "9999",
            "--transport",
            "raw_buffer",
            "--dst-ip",
            "10.244.0.12",
        ],
        "Selected: chain `virtualInbound` (5th).",
        "Selected: chain `virtualInbound` (5th).",
    ),
    (
        "passthrough-ipv6",
        &[
            "--dst-port",
            "9999",
            "--transport",
            "raw_buffer",
            "--dst-ip",
            "fd00::12",
        ],
        "Selected: chain `virtualInbound` (10th).",
        "Selected: chain `virtualInbound` (5th).",
    ),
];

#[test]
fn simulated_selection_on_permissive() {
    for (seed, col) in [
        ("istio-1.12-permissive", 0),
        ("istio-current-permissive", 1),
    ] {
        for (case, flags, want_112, want_current) in PERMISSIVE_CASES {
            let mut args = vec!["--port", "15006"];
            args.extend_from_slice(flags);
            let out = explain(seed, &args);
            let want = if col == 0 { want_112 } else { want_current };
            assert!(out.contains(want), "{seed} {case}: want {want}\n{out}");
            assert_golden(&format!("explain/{seed}/{case}.txt"), &out);
        }
    }
    let out = explain(
        "istio-1.12-permissive",
        &[
            "--port",
            "15006",
            "--dst-port",
            "9999",
            "--dst-ip",
            "fd00::12",
        ],
    );
    assert!(out.contains("to cluster `InboundPassthroughClusterIpv6`"));
}

#[test]
fn strict_raw_buffer_to_80_is_closed() {
    for seed in ["istio-1.12-strict", "istio-current-strict"] {
        let out = explain(
            seed,
            &[
                "--port",
                "15006",
                "--dst-port",
                "80",
                "--transport",
                "raw_buffer",
            ],
        );
        assert!(out.contains("No chain matches: connection closed"), "{out}");
        assert!(out.contains(
            "At transport protocol, the only chain still in the running does not accept raw_buffer; \
             Envoy does not backtrack"
        ));
        assert!(out.contains(
            "destination port: port 80 has chains of its own, so chains without a port are never considered"
        ));
        assert!(
            out.contains("transport protocol: the chain wants tls, the connection is raw_buffer")
        );
        assert_golden(&format!("explain/{seed}/raw-80.txt"), &out);
        let json = explain(seed, &["--port", "15006", "--dst-port", "80", "-o", "json"]);
        assert_golden(&format!("explain/{seed}/raw-80.json"), &json);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let sim = &v["listeners"][0]["simulation"];
        assert_eq!(sim["outcome"], "closed");
        assert_eq!(sim["failed_at"], "transport_protocol");
    }
}

#[test]
fn matcher_tree_simulation() {
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "httpbin",
            &["--dst-port", "8000", "--dst-ip", "10.96.88.150"],
            "Selected: chain `inbound-vip|8000|http|httpbin.default.svc.cluster.local` (1st).",
        ),
        (
            "postgres-other-port",
            &["--dst-port", "9", "--dst-ip", "10.96.14.7"],
            "Selected: chain `direct-tcp`",
        ),
        (
            "unmatched",
            &["--dst-port", "8000", "--dst-ip", "192.0.2.1"],
            "No chain matches: connection closed",
        ),
    ];
    for (case, flags, want) in cases {
        let mut args = vec!["--port", "0"];
        args.extend_from_slice(flags);
        let out = explain("matcher-tree", &args);
        assert!(out.contains(want), "{case}: want {want}\n{out}");
        assert_golden(&format!("explain/matcher-tree/{case}.txt"), &out);
    }
}

/// The fixture's node carries no Envoy version: current rules, said so; `--envoy-version`
/// picks a release's rules and the output names them, in text and JSON.
/// See: #14
#[test]
fn matcher_rules_follow_the_envoy_version() {
    let flags = ["--port", "0", "--dst-port", "9", "--dst-ip", "10.96.14.7"];
    let out = explain("matcher-tree", &flags);
    assert!(
        out.contains(
            "Matcher rules: Envoy 1.36.2's (from the dump's node.user_agent_build_version)"
        ),
        "{out}"
    );
    let mut old = flags.to_vec();
    old.extend(["--envoy-version", "1.34"]);
    let out = explain("matcher-tree", &old);
    assert!(
        out.contains("Matcher rules: Envoy 1.34's (--envoy-version)"),
        "{out}"
    );
    assert_golden("explain/matcher-tree/envoy-1.34.txt", &out);
    old.extend(["-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&explain("matcher-tree", &old)).unwrap();
    let rules = &v["listeners"][0]["simulation"]["matcher_rules"];
    assert_eq!(rules["from"], "flag");
    assert_eq!(rules["envoy_version"], "1.34");
    assert_eq!(rules["rules"][0]["followed"], false);
    assert_eq!(rules["rules"][0]["since"], "1.35");
}

#[test]
fn dot_output_renders_with_graphviz() {
    let out = explain(
        "istio-1.12-permissive",
        &[
            "--port",
            "15006",
            "--dst-port",
            "80",
            "--transport",
            "tls",
            "--alpn",
            "istio-http/1.1",
            "-o",
            "dot",
        ],
    );
    assert_golden("explain/istio-1.12-permissive/mtls-80.dot", &out);
    let has_dot = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_dot {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("`dot` (graphviz) is missing, and CI=true requires it");
        }
        eprintln!("notice: skipping the dot -Tsvg check: `dot` (graphviz) is not installed");
        return;
    }
    use std::io::Write;
    let mut child = std::process::Command::new("dot")
        .arg("-Tsvg")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(out.as_bytes())
        .unwrap();
    let result = child.wait_with_output().unwrap();
    assert!(
        result.status.success(),
        "dot failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(String::from_utf8_lossy(&result.stdout).contains("<svg"));
}

#[test]
fn errors_are_one_line() {
    let out = Test::new([
        "explain",
        "-f",
        "testdata/dumps/istio-1.12-permissive.json",
        "--port",
        "1234",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: testdata/dumps/istio-1.12-permissive.json: no active listener on port 1234\n"
    );
    let out = Test::new([
        "explain",
        "-f",
        "testdata/dumps/istio-1.12-permissive.json",
        "--alpn",
        "h2",
    ])
    .run();
    assert_eq!(out.code, 2);
    // clap's whole message names the missing flag (#19: it used to end at the colon).
    assert!(
        out.stderr.starts_with(
            "error: the following required arguments were not provided:\n  <--dst <IP:PORT>|--dst-port <PORT>|--authority <IP:PORT>>\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Usage: meshscope explain"),
        "{}",
        out.stderr
    );
    let out = Test::new(["explain", "--port", "15006"]).run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: explain requires pod name or --file parameter\n"
    );
}

#[test]
fn camel_yaml_and_listener_array_explain_the_same() {
    let flags = [
        "--port",
        "15006",
        "--dst-port",
        "80",
        "--transport",
        "tls",
        "--alpn",
        "istio-http/1.1",
        "-o",
        "json",
    ];
    let json = explain("istio-current-permissive", &flags);
    assert_golden("explain/istio-current-permissive/mtls-80.json", &json);
    let mut args = vec![
        "explain",
        "-f",
        "testdata/dumps/istio-current-permissive.camel.yaml",
    ];
    args.extend_from_slice(&flags);
    assert_eq!(Test::new(&args).ok(), json);
    let mut args = vec!["explain", "-f", "testdata/dumps/listeners-only.json"];
    args.extend_from_slice(&flags);
    assert_eq!(Test::new(&args).ok(), json);
}

/// A warning several listeners share is printed once, with the count and the listeners.
#[test]
fn shared_warnings_are_printed_once_with_a_count() {
    let out = explain("istio-current-permissive", &[]);
    let no_default = "the listener has no default chain";
    assert_eq!(out.matches(no_default).count(), 1, "{out}");
    assert!(out.contains("Warnings on several listeners:\n- the listener has no default chain"));
    assert!(
        out.contains(
            "(no_filter_chain_match; access log NR filter_chain_not_found) (2 listeners: "
        )
    );
    assert!(out.contains("- and 1 shared with other listeners, listed at the end"));
}

/// Unnamed listeners and chains read as words, never as empty backticks or "chain unnamed
/// chain" (#19 point 6).
#[test]
fn unnamed_listeners_and_chains_are_worded() {
    let out = explain(
        "istio-current-permissive",
        &["--port", "15021", "--dst-port", "15021"],
    );
    assert!(
        out.contains("Unnamed listener (0.0.0.0:15021), 1 filter chain:"),
        "{out}"
    );
    assert!(out.contains("Selected: the unnamed chain (1st)."), "{out}");
    assert!(out.contains("Requests are routed by an unnamed inline route to cluster `agent`."));
    let all = explain("istio-current-permissive", &[]);
    for bad in ["``", "chain unnamed chain"] {
        assert!(!all.contains(bad), "{bad:?} in:\n{all}");
        assert!(!out.contains(bad), "{bad:?} in:\n{out}");
    }
}
