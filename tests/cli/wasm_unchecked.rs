//! `wasm count` never reads clean for something it did not check: each plugin whose verdict
//! could not be reached is a `not-checked` verdict with its reason, and the exit code follows
//! `--fail-on-unchecked` (default on).
//! See: #16 (point 2)

use crate::bug_report::{pack, scratch};
use crate::support::Test;

const SEED_DUMP: &str = "testdata/dumps/istio-current-permissive.json";
const SEED: &str = "testdata/manifests/wasm-count/seed/";

/// `(verdict, plugin, reason)` of each verdict of the first proxy of a JSON report.
fn verdicts(stdout: &str) -> Vec<(String, String, String)> {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
    v["proxies"][0]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["verdict"].as_str().unwrap().to_string(),
                v["plugin"].as_str().unwrap().to_string(),
                v["reason"].as_str().unwrap_or("null").to_string(),
            )
        })
        .collect()
}

#[test]
fn without_resources_each_plugin_is_not_checked_and_exits_1() {
    let out = Test::new(["wasm", "count", "-f", SEED_DUMP]).run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with(" not-checked "))
        .unwrap_or_else(|| panic!("no not-checked row in {}", out.stdout));
    assert!(row.contains("default/helloworld"), "{row}");
    assert!(row.contains("no WasmPlugins to check it against"), "{row}");
    assert!(
        out.stdout
            .ends_with("PROBLEMS: 0; NOT CHECKED: 1 plugin (no --resources)\n"),
        "{}",
        out.stdout
    );
    // The counts are the same either way; only the exit code follows the flag.
    for (flag, code) in [
        ("--fail-on-unchecked=false", 0),
        ("--fail-on-unchecked=true", 1),
        ("--fail-on-unchecked", 1),
    ] {
        let run = Test::new(["wasm", "count", "-f", SEED_DUMP, flag]).run();
        assert_eq!((run.code, run.stderr.as_str()), (code, ""), "{flag}");
        assert_eq!(run.stdout, out.stdout, "{flag}");
    }
    // A proxy with no plugin at all: whether one is missing is not checked either.
    let empty = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[]}]}"#;
    let out = Test::new(["wasm", "count", "-f", "-"]).stdin(empty).run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    assert!(
        out.stdout.ends_with(
            "PLUGINS: none\n\nPROBLEMS: 0; NOT CHECKED: whether a plugin is missing (no --resources)\n"
        ),
        "{}",
        out.stdout
    );
    let out = Test::new([
        "wasm",
        "count",
        "-f",
        SEED_DUMP,
        "--fail-on-unchecked=maybe",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: invalid value 'maybe' for '--fail-on-unchecked [<BOOL>]'"),
        "{}",
        out.stderr
    );
}

#[test]
fn with_color_not_checked_is_painted_as_a_warning() {
    let out = Test::new(["wasm", "count", "-f", SEED_DUMP, "--color", "always"]).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    // Yellow (33), as a warning: neither a problem's red nor a clean verdict's green.
    assert!(
        out.stdout.contains(" \u{1b}[33mnot-checked\u{1b}[0m "),
        "{:?}",
        out.stdout
    );
    assert!(
        out.stdout
            .ends_with("PROBLEMS: 0; \u{1b}[33mNOT CHECKED: 1 plugin (no --resources)\u{1b}[0m\n"),
        "{:?}",
        out.stdout
    );
}

#[test]
fn json_and_yaml_carry_the_not_checked_entries() {
    let out = Test::new(["wasm", "count", "-f", SEED_DUMP, "-o", "json"]).run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        verdicts(&out.stdout),
        [(
            "not-checked".to_string(),
            "default/helloworld".to_string(),
            "no-resources".to_string()
        )]
    );
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let proxy = &v["proxies"][0];
    assert_eq!(proxy["problems"], 0);
    assert_eq!(proxy["unchecked"], 1);
    assert_eq!(proxy["verdicts"][0]["chains"].as_array().unwrap().len(), 5);
    let yaml = Test::new(["wasm", "count", "-f", SEED_DUMP, "-o", "yaml"]).run();
    assert_eq!(yaml.code, 1);
    assert!(yaml.stdout.contains("  unchecked: 1\n"), "{}", yaml.stdout);
    assert!(
        yaml.stdout.contains("    reason: no-resources\n"),
        "{}",
        yaml.stdout
    );
    assert!(
        yaml.stdout.contains("    verdict: not-checked\n"),
        "{}",
        yaml.stdout
    );
}

#[test]
fn a_sidecar_with_resources_is_checked_and_unchanged() {
    let out = Test::new([
        "wasm",
        "count",
        "-f",
        SEED_DUMP,
        "--resources",
        SEED,
        "-o",
        "json",
    ])
    .ok();
    assert_eq!(
        verdicts(&out),
        [(
            "expected-present".to_string(),
            "default/helloworld".to_string(),
            "null".to_string()
        )]
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["proxies"][0]["intent"], "checked");
    assert_eq!(v["proxies"][0]["unchecked"], 0);
    // The seed's counts (DOMAIN.md §5.7) do not depend on the check.
    assert_eq!(
        v["proxies"][0]["plugins"][0]["by_listener"]["virtualInbound"],
        4
    );
}

#[test]
fn an_unmodelled_istio_version_or_namespace_is_not_checked() {
    let dump = std::fs::read_to_string(SEED_DUMP).unwrap();
    assert!(dump.contains("\"ISTIO_VERSION\": \"1.30.0\""));
    for (version, words) in [
        (
            "1.31.0",
            "Istio 1.31.0 is outside the modelled range 1.12-1.30",
        ),
        (
            "1.11.2",
            "Istio 1.11.2 is outside the modelled range 1.12-1.30",
        ),
    ] {
        let dump = dump.replace("\"1.30.0\"", &format!("\"{version}\""));
        let args = ["wasm", "count", "-f", "-", "--resources", SEED];
        let out = Test::new(args).stdin(dump.clone()).run();
        assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{version}");
        assert!(
            out.stdout
                .ends_with(&format!("PROBLEMS: 0; NOT CHECKED: 1 plugin ({words})\n")),
            "{}",
            out.stdout
        );
        let json = Test::new(args.iter().chain(&["-o", "json"]))
            .stdin(dump)
            .run();
        let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
        assert_eq!(v["proxies"][0]["intent"], "istio-version-not-modelled");
        assert_eq!(
            v["proxies"][0]["verdicts"][0]["reason"],
            "istio-version-not-modelled"
        );
    }
    // No bootstrap node and no --namespace: which plugins apply is unknown.
    let out = Test::new([
        "wasm",
        "count",
        "-f",
        "testdata/dumps/listeners-only.json",
        "--resources",
        SEED,
        "-o",
        "json",
    ])
    .run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    let reasons: Vec<String> = verdicts(&out.stdout).into_iter().map(|v| v.2).collect();
    assert!(!reasons.is_empty());
    assert!(
        reasons.iter().all(|r| r == "unknown-namespace"),
        "{reasons:?}"
    );
}

#[test]
fn fleet_mode_counts_unchecked_pods_and_follows_the_flag() {
    let checked = std::fs::read(crate::support::root().join(SEED_DUMP)).unwrap();
    let text = String::from_utf8(checked.clone()).unwrap();
    let unmodelled = text.replace("\"1.30.0\"", "\"1.31.0\"").into_bytes();
    let (a, b) = (
        "proxies/default/httpbin-a/config_dump".to_string(),
        "proxies/default/httpbin-b/config_dump".to_string(),
    );
    let dir = scratch("unchecked-fleet");
    let path = dir.join("fleet.tar.gz");
    pack(&path, "bug-report/", &[(&a, &checked), (&b, &unmodelled)]);
    let path = path.to_str().unwrap();
    let args = ["wasm", "count", "--bug-report", path, "--resources", SEED];
    let out = Test::new(args).run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""));
    assert!(
        out.stdout.ends_with(
            "\nNOT CHECKED: 1 of 2 pods, 1 plugin(s) (Istio version outside 1.12-1.30 on 1)\n"
        ),
        "{}",
        out.stdout
    );
    let off = Test::new(args.iter().chain(&["--fail-on-unchecked=false"])).run();
    assert_eq!((off.code, off.stdout), (0, out.stdout));

    let json = Test::new(args.iter().chain(&["-o", "json"])).run();
    assert_eq!(json.code, 1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        v["unchecked"],
        serde_json::json!({"pods": 1, "plugins": 1, "reasons": {"istio-version-not-modelled": 1}})
    );
    let rows: Vec<_> = v["pods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["pod"].clone(),
                p["unchecked"].clone(),
                p["unchecked_reason"].clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("httpbin-a".into(), 0.into(), serde_json::Value::Null),
            (
                "httpbin-b".into(),
                1.into(),
                "istio-version-not-modelled".into()
            ),
        ]
    );
    let _ = std::fs::remove_dir_all(dir);
}
