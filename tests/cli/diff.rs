//! `diff`: the acceptance cases as goldens, exit codes, and error lines.
// See: #5

use crate::support::{Test, assert_golden};

const DUMPS: &str = "testdata/dumps";

fn dump(name: &str) -> String {
    format!("{DUMPS}/{name}.json")
}

#[test]
fn permissive_to_strict_differs_and_exits_1() {
    for version in ["1.12", "current"] {
        let before = dump(&format!("istio-{version}-permissive"));
        let after = dump(&format!("istio-{version}-strict"));
        let out = Test::new(["diff", &before, &after, "--port", "15006"]).run();
        assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{version}");
        assert_golden(
            &format!("diff/{version}-permissive-strict.txt"),
            &out.stdout,
        );
        let json = Test::new([
            "diff", "-f", &before, "-f", &after, "--port", "15006", "-o", "json",
        ])
        .run();
        assert_eq!(json.code, 1);
        assert_golden(
            &format!("diff/{version}-permissive-strict.json"),
            &json.stdout,
        );
    }
}

#[test]
fn acceptance_counts_for_1_12() {
    let out = Test::new([
        "diff",
        &dump("istio-1.12-permissive"),
        &dump("istio-1.12-strict"),
        "--port",
        "15006",
    ])
    .run();
    assert!(
        out.stdout
            .contains("listener virtualInbound: 8 removed, 1 added, 2 changed, 3 unchanged"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("default.helloworld  6 → 3"));
    for port in ["passthrough 0.0.0.0/0", "passthrough ::0/0", "port 80"] {
        let line = out
            .stdout
            .lines()
            .find(|l| l.trim_start().starts_with(port))
            .unwrap();
        assert!(
            line.contains("PERMISSIVE") && line.contains("STRICT"),
            "{line}"
        );
    }
}

#[test]
fn a_dump_against_itself_has_no_differences() {
    let a = dump("istio-1.12-permissive");
    let out = Test::new(["diff", &a, &a]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.ends_with("\nno differences\n"), "{}", out.stdout);
    // The YAML spelling of a dump equals its JSON spelling.
    let out = Test::new([
        "diff",
        "-f",
        &dump("istio-current-permissive"),
        "-f",
        "testdata/dumps/istio-current-permissive.camel.yaml",
    ])
    .run();
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn what_if_predicts_and_labels_it() {
    let out = Test::new([
        "diff",
        "-f",
        &dump("istio-1.12-permissive"),
        "--what-if",
        "STRICT",
        "--port",
        "15006",
    ])
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    assert_golden("diff/1.12-what-if-strict.txt", &out.stdout);
    assert!(out.stdout.contains("predicted for STRICT"));
    // Plaintext HTTP and plaintext TCP to port 80 would stop matching any chain.
    for kind in ["plaintext HTTP", "plaintext TCP"] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.trim_start().starts_with("port 80")
                    && l.contains(kind)
                    && l.contains("0.0.0.0_80 (Trans: raw_buffer; Addr: *:80)")),
            "{kind}: {}",
            out.stdout
        );
    }
    let json = Test::new([
        "diff",
        "-f",
        &dump("istio-current-strict"),
        "--what-if",
        "permissive",
        "--port",
        "15006",
        "-o",
        "json",
    ])
    .run();
    assert_eq!(json.code, 1);
    assert_golden("diff/current-what-if-permissive.json", &json.stdout);
    // Predicting the mode a dump already has changes nothing.
    let same = Test::new([
        "diff",
        "-f",
        &dump("istio-current-disable"),
        "--what-if",
        "DISABLE",
    ])
    .run();
    assert_eq!(same.code, 0, "{}", same.stdout);
}

#[test]
fn mixed_port_level_mtls_modes_are_reported_per_port() {
    let out = Test::new([
        "diff",
        &dump("istio-current-permissive"),
        &dump("istio-current-mixed"),
        "--port",
        "15006",
    ])
    .run();
    assert_eq!(out.code, 1);
    assert_golden("diff/current-permissive-mixed.txt", &out.stdout);
}

#[test]
fn bad_invocations_exit_2() {
    let a = dump("istio-1.12-permissive");
    let cases: [(&[&str], &str); 2] = [
        (
            &["diff", "-f", "testdata/dumps/nope.json", "-f", &a],
            "meshscope: error: testdata/dumps/nope.json: no such file or directory\n",
        ),
        (
            &["diff", "-f", "testdata/dumps/truncated.json", "-f", &a],
            "",
        ),
    ];
    for (args, stderr) in cases {
        let out = Test::new(args).run();
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {}", out.stderr);
        if !stderr.is_empty() {
            assert_eq!(out.stderr, stderr, "{args:?}");
        }
    }
    // The wrong number of sides is a usage error: clap's message and diff's usage line.
    // See: #19 point 7 (one dump is valid with --resources, and says so)
    let usage = "\n\nUsage: meshscope diff [OPTIONS] [BEFORE AFTER]...\n\nFor more information, try '--help'.\n";
    let cases: [(&[&str], &str); 4] = [
        (
            &["diff", &a],
            "error: diff requires BEFORE and AFTER (two arguments, or two -f files), or one dump and --resources to check it against",
        ),
        (
            &[
                "diff",
                "--resources",
                "testdata/manifests/peer-authentication",
            ],
            "error: diff requires BEFORE and AFTER (two arguments, or two -f files), or one dump and --resources to check it against",
        ),
        (
            &[
                "diff",
                "-f",
                &a,
                "-f",
                &a,
                &a,
                "--resources",
                "testdata/manifests/peer-authentication",
            ],
            "error: diff requires BEFORE and AFTER (two arguments, or two -f files), or one dump and --resources to check it against",
        ),
        (
            &["diff", "-f", &a, "-f", &a, "--what-if", "STRICT"],
            "error: diff --what-if requires exactly one dump: -f DUMP (or one argument)",
        ),
    ];
    for (args, message) in cases {
        let out = Test::new(args).run();
        assert_eq!(out.code, 2, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
        assert_eq!(out.stderr, format!("{message}{usage}"), "{args:?}");
    }
    // A bad value is a usage error: clap's message with the valid values (#19).
    let out = Test::new(["diff", "-f", &a, "--what-if", "SOMETIMES"]).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "error: invalid value 'SOMETIMES' for '--what-if <MODE>'\n  [possible values: STRICT, PERMISSIVE, DISABLE]\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn control_characters_in_names_never_reach_the_terminal() {
    let evil = "evil\u{1b}[31mred\u{1b}[0m\tname";
    let listener = |chain: &str, tls: bool| {
        let mut c = serde_json::json!({"name": chain,
            "filter_chain_match": {"destination_port": 80, "transport_protocol": "tls",
                "application_protocols": [evil]},
            "filters": [{"name": evil, "typed_config": {}},
                {"name": "envoy.filters.network.tcp_proxy", "typed_config": {"cluster": evil}}]});
        if tls {
            c["transport_socket"] = serde_json::json!({"name": "envoy.transport_sockets.tls",
                "typed_config": {"common_tls_context": {"alpn_protocols": [evil]}}});
        }
        serde_json::json!([{"name": "virtualInbound",
            "address": {"socket_address": {"address": "0.0.0.0", "port_value": 15006}},
            "filter_chains": [c]}])
    };
    let before = listener(evil, false).to_string();
    let after = listener("other", true);
    let path =
        std::env::temp_dir().join(format!("meshscope-diff-evil-{}.json", std::process::id()));
    std::fs::write(&path, after.to_string()).unwrap();
    let out = Test::new(["diff", "-f", "-", "-f", path.to_str().unwrap()])
        .stdin(before)
        .run();
    std::fs::remove_file(&path).ok();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);
    assert!(out.stdout.contains("evil\\u{1b}[31mred"), "{}", out.stdout);
}

#[test]
fn real_compare_dumps_report_the_listener_changes() {
    // ../shared/real-dumps: istioctl's compare fixtures differ inside two HCM configs.
    let Some(dir) = crate::support::real_dumps() else {
        return;
    };
    let before = crate::support::rel(&dir.join("compare-before.json"));
    let after = crate::support::rel(&dir.join("compare-after.json"));
    let out = Test::new(["diff", &before, &after]).run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("listener connect_terminate: 0 removed, 0 added, 1 changed")
    );
    assert!(
        out.stdout
            .contains("typed_config.use_remote_address: false → (absent)")
    );
    assert!(
        out.stdout.contains(
            "typed_config.stat_prefix: \"inbound_0.0.0.0_9080\" → \"inbound_0.0.0.0_9999\""
        )
    );
    let same = Test::new(["diff", &before, &before]).run();
    assert_eq!(same.code, 0, "{}", same.stdout);
}

#[test]
fn color_always_paints_the_unified_diff_only() {
    let args = [
        "diff",
        "--color",
        "always",
        "testdata/dumps/istio-current-permissive.json",
        "testdata/dumps/istio-current-strict.json",
        "--port",
        "15006",
    ];
    let out = Test::new(args).run();
    assert_eq!(out.code, 1);
    let (report, table_diff) = out.stdout.split_once("pc listener -o wide\n").unwrap();
    assert!(!report.contains('\u{1b}'));
    assert!(table_diff.contains("\u{1b}["), "{table_diff}");
    let json = Test::new(args.iter().copied().chain(["-o", "json"])).run();
    assert!(!json.stdout.contains('\u{1b}'));
}

/// See: #19. Istio's two static listeners (15090, 15021) have no name: paired by name
/// alone they were one listener, and a change to the second went unreported. They are
/// paired by address (analysis/diff `ListenerKey`).
#[test]
fn unnamed_listeners_are_paired_by_address() {
    let before = std::fs::read_to_string("testdata/dumps/istio-current-permissive.json").unwrap();
    let mut dump: serde_json::Value = serde_json::from_str(&before).unwrap();
    let configs = dump["configs"].as_array_mut().unwrap();
    let listeners = configs
        .iter_mut()
        .find(|c| {
            c["@type"]
                .as_str()
                .unwrap()
                .ends_with("ListenersConfigDump")
        })
        .unwrap();
    let healthz = listeners["static_listeners"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|l| l["listener"]["address"]["socket_address"]["port_value"] == 15021)
        .unwrap();
    let hcm = &mut healthz["listener"]["filter_chains"][0]["filters"][0]["typed_config"];
    assert_eq!(hcm["stat_prefix"], "agent");
    hcm["stat_prefix"] = "agent-changed".into();
    let path =
        std::env::temp_dir().join(format!("meshscope-diff-15021-{}.json", std::process::id()));
    std::fs::write(&path, dump.to_string()).unwrap();
    let after = path.to_str().unwrap();
    let out = Test::new([
        "diff",
        "-f",
        "testdata/dumps/istio-current-permissive.json",
        "-f",
        after,
    ])
    .run();
    let json = Test::new([
        "diff",
        "-f",
        "testdata/dumps/istio-current-permissive.json",
        "-f",
        after,
        "-o",
        "json",
    ])
    .run();
    std::fs::remove_file(&path).ok();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("listener (unnamed) 0.0.0.0:15021: 0 removed, 0 added, 1 changed"),
        "{}",
        out.stdout
    );
    // Only the listener that differs is printed; the others are counted in one line.
    assert!(!out.stdout.contains("15090"), "{}", out.stdout);
    assert_eq!(
        out.stdout.matches("listener (unnamed)").count(),
        1,
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\n5 other listeners are identical\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("typed_config.stat_prefix: \"agent\" → \"agent-changed\""),
        "{}",
        out.stdout
    );
    assert_eq!(json.code, 1);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let addresses: Vec<&str> = report["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["address"].as_str())
        .collect();
    assert_eq!(addresses, ["0.0.0.0:15021", "0.0.0.0:15090"]);
}
