//! `meshscope lint --dump`: the config-dump rules (MS3xxx) through the CLI.

use crate::support::{Test, assert_golden};

const DUMP_RULES: [&str; 7] = [
    "wasm-after-router",
    "ecds-filter-missing",
    "agent-deny-all-stand-in",
    "chain-missing-inspector",
    "duplicate-chain-match",
    "chain-never-selected",
    "listener-update-refused",
];

/// The dump rules whose severity is error: their findings fail the default `--fail-on`.
/// MS3003 is one since #17: every request to the chain is denied, as `wasm count` says.
const ERROR_RULES: [&str; 3] = [
    "agent-deny-all-stand-in",
    "duplicate-chain-match",
    "listener-update-refused",
];

/// The exit code of `lint --dump` on a rule's bad case at the default `--fail-on error`.
fn default_exit(rule: &str) -> i32 {
    i32::from(ERROR_RULES.contains(&rule))
}

const MIXED: &str = "testdata/manifests/cases/mixed.yaml";

fn case(rule: &str, which: &str) -> String {
    format!("testdata/manifests/{rule}/{which}.json")
}

#[test]
fn lint_dump_golden_per_rule() {
    for rule in DUMP_RULES {
        let bad = case(rule, "bad");
        let out = Test::new(["lint", "--dump", &bad]).run();
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (default_exit(rule), ""),
            "{rule}"
        );
        assert_golden(&format!("lint/dump-{rule}.text"), &out.stdout);
        let out = Test::new(["lint", "--dump", &bad, "--fail-on", "warning"]).run();
        assert_eq!(out.code, 1, "{rule}");
        let good = case(rule, "good");
        let out = Test::new(["lint", "--dump", &good, "--fail-on", "info"]).run();
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (0, "no findings\n", ""),
            "{rule}"
        );
    }
}

#[test]
fn lint_dump_yaml_positions() {
    for rule in [
        "chain-missing-inspector",
        "wasm-after-router",
        "agent-deny-all-stand-in",
        "listener-update-refused",
    ] {
        let dump = format!("testdata/manifests/{rule}/bad.camel.yaml");
        let out = Test::new(["lint", "--dump", &dump]).run();
        assert_eq!(
            (out.code, out.stderr.as_str()),
            (default_exit(rule), ""),
            "{rule}"
        );
        assert_golden(&format!("lint/dump-{rule}.camel.text"), &out.stdout);
    }
}

#[test]
fn lint_dump_beside_manifests() {
    let dump = case("chain-missing-inspector", "bad");
    for fmt in ["github", "json"] {
        let out = Test::new(["lint", MIXED, "--dump", &dump, "-o", fmt]).run();
        assert_eq!(out.code, 1, "{}", out.stderr);
        assert_golden(&format!("lint/dump-mixed.{fmt}"), &out.stdout);
    }
    let out = Test::new(["lint", MIXED, "--dump", &dump, "-o", "sarif"]).run();
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let dump_result = results
        .iter()
        .find(|r| r["ruleId"] == "MS3004")
        .expect("an MS3004 result");
    let location = &dump_result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], dump.as_str());
    assert!(location["region"]["startLine"].as_u64().unwrap() > 1);
}

#[test]
fn lint_dump_rules_can_be_disabled() {
    let dump = case("duplicate-chain-match", "bad");
    let out = Test::new([
        "lint",
        "--dump",
        &dump,
        "--disable",
        "MS3",
        "--fail-on",
        "info",
    ])
    .run();
    assert_eq!((out.code, out.stdout.as_str()), (0, "no findings\n"));
    let out = Test::new(["lint", "--dump", &dump, "--enable", "MS3005", "-o", "json"]).run();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let codes: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["MS3005"]);
}

#[test]
fn lint_dump_unreadable_still_reports_manifests() {
    let out = Test::new(["lint", MIXED, "--dump", "testdata/dumps/truncated.json"]).run();
    assert_eq!(out.code, 2);
    assert!(out.stdout.contains("MS"), "{}", out.stdout);
    assert!(
        out.stderr
            .starts_with("meshscope: error: testdata/dumps/truncated.json:18:1: invalid JSON"),
        "{}",
        out.stderr
    );
    let out = Test::new(["lint", "--dump", "testdata/dumps/garbage.bin"]).run();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "meshscope: error: testdata/dumps/garbage.bin: not a text file (binary data at byte 0)\n"
        )
    );
    let out = Test::new(["lint", "-", "--dump", "-"]).run();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "meshscope: error: PATH '-' and --dump '-' cannot both read stdin\n"
        )
    );
    let out = Test::new(["lint", "--dump", "no/such.json"]).run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: no/such.json: no such file or directory\n"
    );
}

#[test]
fn lint_dump_from_stdin_and_yaml() {
    let text =
        std::fs::read_to_string(crate::support::root().join(case("wasm-after-router", "bad")))
            .unwrap();
    let out = Test::new(["lint", "--dump", "-", "-o", "github"])
        .stdin(text.clone())
        .run();
    assert!(
        out.stdout
            .starts_with("::warning file=-,line=38,col=37,title=MS3001"),
        "{}",
        out.stdout
    );
    // A minified dump is one line: the text report shows a window around the column.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let out = Test::new(["lint", "--dump", "-"])
        .stdin(value.to_string())
        .run();
    assert_golden("lint/dump-minified.text", &out.stdout);
    // Istio's own dumps are clean, YAML included.
    for dump in [
        "testdata/dumps/istio-current-permissive.camel.yaml",
        "testdata/dumps/istio-1.12-strict.json",
        "testdata/dumps/istio-current-strict.json",
    ] {
        let out = Test::new(["lint", "--dump", dump, "--fail-on", "info"]).run();
        assert_eq!(
            (out.code, out.stdout.as_str()),
            (0, "no findings\n"),
            "{dump}"
        );
    }
}
