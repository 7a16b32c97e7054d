//! `explain` and `lint --dump` on listeners Envoy would refuse to load (DOMAIN.md §3.2), a
//! choice Envoy leaves open (§3), and the source type derived from the addresses (§3.3).
//! Fixture: `testdata/dumps/refused-on-load.json` (generate.py `refused_on_load_dump`).
//! See: #14

use crate::support::{Test, assert_golden};

const DUMP: &str = "testdata/dumps/refused-on-load.json";

fn explain(flags: &[&str]) -> String {
    let mut args = vec!["explain", "-f", DUMP];
    args.extend_from_slice(flags);
    Test::new(&args).ok()
}

/// Each refused listener gets the warning up front, with Envoy's message, in text and JSON:
/// `setupFilterChainMatcher` (partial wildcard), `addFilterChainForSourcePorts` (a CIDR
/// listed twice), PGV on `destination_port` (port 0).
#[test]
fn refused_listeners_get_envoys_reason() {
    let cases = [
        (
            "8443",
            "partial-wildcard",
            "chain `wild` (2nd) lists server name `*example.com`, a partial wildcard",
            "partial wildcards are not supported in \"server_names\"",
        ),
        (
            "9000",
            "duplicate-cidr",
            "chain `internal` (1st) lists one value twice, so it matches destination 10.0.0.0/8 twice",
            "multiple filter chains with overlapping matching rules are defined",
        ),
        (
            "9100",
            "port-0",
            "chain `zero` (2nd) has destination_port 0",
            "value must be inside range [1, 65535]",
        ),
    ];
    for (port, case, what, envoy) in cases {
        let out = explain(&["--port", port, "--dst-port", port]);
        let head = format!(
            "Listener `0.0.0.0_{port}` (0.0.0.0:{port}), 2 filter chains:\n\nEnvoy would refuse this listener: {what}"
        );
        assert!(out.starts_with(&head), "{case}:\n{out}");
        assert!(
            out.contains(&format!("(Envoy: \"{envoy}\")")),
            "{case}:\n{out}"
        );
        assert_golden(&format!("explain/refused-on-load/{case}.txt"), &out);
        // Without a connection, the listing's warnings say the same.
        let listing = explain(&["--port", port]);
        assert!(
            listing.contains(&format!("- Envoy would refuse this listener: {what}")),
            "{listing}"
        );
        let json = explain(&["--port", port, "--dst-port", port, "-o", "json"]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let w = &v["listeners"][0]["warnings"][0];
        assert_eq!(w["kind"], "envoy_would_refuse", "{case}");
        assert!(w["message"].as_str().unwrap().contains(envoy), "{case}");
    }
}

/// A listener Envoy accepts is never said to be rejected: no ranges beside `0.0.0.0/0` is
/// an open choice (`findFilterChainForDestinationIP` gets two trie entries), in every format.
#[test]
fn an_open_choice_is_unspecified_and_not_rejected() {
    let out = explain(&["--port", "9200", "--dst-port", "9200"]);
    assert!(
        out.contains(
            "Unspecified between chain `any` (1st) and chain `ipv4` (2nd): at destination IP"
        ),
        "{out}"
    );
    assert!(
        !out.contains("Selected:") && !out.contains("Envoy rejects") && !out.contains("refuse"),
        "{out}"
    );
    assert_golden("explain/refused-on-load/unspecified.txt", &out);
    let json = explain(&["--port", "9200", "--dst-port", "9200", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let sim = &v["listeners"][0]["simulation"];
    assert_eq!(sim["outcome"], "unspecified");
    assert_eq!(sim["chosen"], serde_json::Value::Null);
    assert_eq!(sim["unspecified"]["reason"], "catch_all_trie_node");
    assert_eq!(sim["unspecified"]["criterion"], "destination_ip");
    let between: Vec<&str> = sim["unspecified"]["between"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(between, ["any", "ipv4"]);
    assert_eq!(sim["chains"][0]["verdict"], "unspecified");
    assert_eq!(sim["chains"][1]["verdict"], "unspecified");
    assert!(
        !json.contains("rejects") && !json.contains("refuse"),
        "{json}"
    );
    let dot = explain(&["--port", "9200", "--dst-port", "9200", "-o", "dot"]);
    // Both chains and their filters drawn as candidates (dashed orange), none as chosen.
    assert_eq!(dot.matches("#d68910").count(), 8, "{dot}");
    assert!(!dot.contains("#c0392b"), "{dot}");
    // IPv6 is not in 0.0.0.0/0: certain.
    let v6 = explain(&[
        "--port",
        "9200",
        "--dst-port",
        "9200",
        "--dst-ip",
        "fd00::1",
    ]);
    assert!(v6.contains("Selected: chain `any` (1st)."), "{v6}");
    // No output of the whole dump claims Envoy rejects a listener.
    for args in [vec![], vec!["--dst-port", "9200"]] {
        let all = explain(&args);
        assert!(!all.contains("Envoy rejects"), "{all}");
    }
}

/// `Network::Utility::isSameIpOrLoopback`: the source type follows from the addresses
/// unless given; a given value against them is kept and flagged; `--sni` implies TLS.
#[test]
fn source_type_is_derived_and_a_contradiction_flagged() {
    let local = explain(&[
        "--port",
        "9100",
        "--dst-port",
        "9100",
        "--src-ip",
        "127.0.0.1",
    ]);
    assert!(
        local.contains("--src-type local (derived from --src-ip/--dst-ip)"),
        "{local}"
    );
    let same = explain(&[
        "--port",
        "9100",
        "--dst-port",
        "9100",
        "--src-ip",
        "10.0.0.1",
    ]);
    assert!(same.contains("--src-type local (derived"), "{same}");
    let other = explain(&[
        "--port",
        "9100",
        "--dst-port",
        "9100",
        "--src-ip",
        "127.0.0.2",
    ]);
    assert!(other.contains("--src-type external (derived"), "{other}");
    let given = explain(&[
        "--port",
        "9100",
        "--dst-port",
        "9100",
        "--src-type",
        "local",
    ]);
    assert!(
        given.contains("Connection: --dst-port 9100, --src-type local\n"),
        "{given}"
    );
    assert!(
        given.contains("- --src-type local: Envoy decides the source type from the addresses (isSameIpOrLoopback), and a connection from 10.0.0.2 to 10.0.0.1 is external; simulated as given"),
        "{given}"
    );
    let json = explain(&[
        "--port",
        "9100",
        "--dst-port",
        "9100",
        "--src-type",
        "local",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let sim = &v["listeners"][0]["simulation"];
    assert_eq!(sim["connection"]["src_type"], "local");
    assert!(
        sim["unseen_inputs"][0]
            .as_str()
            .unwrap()
            .starts_with("--src-type local: Envoy decides")
    );
    let sni = explain(&[
        "--port",
        "8443",
        "--dst-port",
        "8443",
        "--sni",
        "api.example.com",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&sni).unwrap();
    let sim = &v["listeners"][0]["simulation"];
    assert_eq!(sim["connection"]["transport"], "tls");
    let transport = sim["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["flag"] == "--transport")
        .unwrap();
    assert_eq!(transport["derived_from"], "sni");
    assert_eq!(sim["chosen"]["name"], "api");
}

/// `lint --dump` reports the three refused listeners (MS3005, an error) and not the one
/// Envoy loads.
#[test]
fn lint_reports_each_refused_listener() {
    let out = Test::new(["lint", "--dump", DUMP]).run();
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_golden("lint/dump-refused-on-load.text", &out.stdout);
    for listener in ["0.0.0.0_8443", "0.0.0.0_9000", "0.0.0.0_9100"] {
        assert!(
            out.stdout.contains(&format!(
                "error[MS3005] Envoy would refuse listener {listener}:"
            )),
            "{}",
            out.stdout
        );
    }
    assert!(!out.stdout.contains("0.0.0.0_9200"), "{}", out.stdout);
}
