//! `meshscope lint`: goldens per reporter, exit codes, error lines, flags.

use crate::support::{Test, assert_golden};

const MIXED: &str = "testdata/manifests/cases/mixed.yaml";
const CLEAN: &str = "testdata/manifests/cases/clean.yaml";

#[test]
fn golden_reporters() {
    for fmt in ["text", "json", "sarif", "github"] {
        let out = Test::new(["lint", MIXED, "-o", fmt]).run();
        assert_eq!(out.code, 1, "{fmt}: {}", out.stderr);
        assert_eq!(out.stderr, "");
        assert_golden(&format!("lint/mixed.{fmt}"), &out.stdout);
    }
}

#[test]
fn golden_text_in_colour() {
    let out = Test::new(["--color", "always", "lint", MIXED]).run();
    assert_golden("lint/mixed-color.text", &out.stdout);
}

#[test]
fn clean_input_exits_zero() {
    let out = Test::new(["lint", CLEAN]).run();
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "no findings\n", "")
    );
}

#[test]
fn list_rules() {
    let out = Test::new(["lint", "--list-rules"]).run();
    assert_eq!(out.code, 0);
    assert_golden("lint/list-rules.text", &out.stdout);
}

#[test]
fn sarif_meets_code_scanning_requirements() {
    let out = Test::new(["lint", MIXED, "-o", "sarif"]).run();
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif"));
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        assert!(rule["id"].as_str().unwrap().starts_with("MS"));
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
    }
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert!(ids.contains(&id));
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(ids[index], id);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], MIXED);
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn unparsable_input_exits_two_after_reporting_the_rest() {
    let out = Test::new([
        "lint",
        "testdata/manifests/cases/broken.yaml",
        MIXED,
        "-o",
        "github",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stdout
            .contains("::error file=testdata/manifests/cases/mixed.yaml,line=11,col=8,")
    );
    assert_eq!(
        out.stderr,
        "meshscope: error: testdata/manifests/cases/broken.yaml:3:11: unclosed bracket '['\n"
    );
}

#[test]
fn missing_file_is_one_error_line() {
    let out = Test::new(["lint", "no/such.yaml", CLEAN]).run();
    assert_eq!(out.code, 2);
    // stdout never reads as clean when an input could not be read (#17 point 4).
    assert_eq!(
        out.stdout,
        "no findings in the inputs that were checked; 1 input not checked (its error is on stderr)\n"
    );
    assert_eq!(
        out.stderr,
        "meshscope: error: no/such.yaml: no such file or directory\n"
    );
}

#[test]
fn directories_are_searched_recursively() {
    let out = Test::new(["lint", "testdata/manifests/cases", "-o", "json"]).run();
    assert_eq!(out.code, 2, "broken.yaml is in the directory");
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&MIXED));
    assert!(
        out.stderr
            .starts_with("meshscope: error: testdata/manifests/cases/broken.yaml:")
    );
}

#[test]
fn stdin_is_read_with_dash() {
    let text = std::fs::read_to_string(crate::support::root().join(MIXED)).unwrap();
    let out = Test::new(["lint", "-", "-o", "github"]).stdin(text).run();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("::error file=-,line=11,col=8,title=MS0002 crd-cel::")
    );
}

#[test]
fn inline_suppression() {
    let out = Test::new([
        "lint",
        "testdata/manifests/cases/suppressed.yaml",
        "--fail-on",
        "info",
    ])
    .run();
    assert_eq!((out.code, out.stdout.as_str()), (0, "no findings\n"));
}

#[test]
fn fail_on_and_rule_selection() {
    let warn = "testdata/manifests/fail-open-security-phase/bad.yaml";
    assert_eq!(Test::new(["lint", warn]).run().code, 0);
    assert_eq!(
        Test::new(["lint", warn, "--fail-on", "warning"]).run().code,
        1
    );
    let out = Test::new(["lint", warn, "--fail-on", "info", "--disable", "MS1003"]).run();
    assert_eq!((out.code, out.stdout.as_str()), (0, "no findings\n"));
    let out = Test::new(["lint", MIXED, "--enable", "MS0", "-o", "json"]).run();
    assert!(!out.stdout.contains("MS1003") && out.stdout.contains("MS0002"));
    let out = Test::new(["lint", MIXED, "--disable", "MS9999"]).run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: unknown rule code \"MS9999\" (see --list-rules)\n"
    );
}

#[test]
fn istio_version_selects_rules() {
    let file = "testdata/manifests/unknown-in-version/bad.yaml";
    let out = Test::new(["lint", file, "-o", "github", "--istio-version", "1.19"]).run();
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .contains("line=9,col=3,title=MS0005 unknown-in-version::unknown field \"spec.type\"")
    );
    assert_eq!(
        Test::new(["lint", file, "--istio-version", "1.20"])
            .run()
            .code,
        0
    );
    let out = Test::new(["lint", file, "--istio-version", "1.31"]).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "error: invalid value '1.31' for '--istio-version <X.Y>': unsupported Istio version \"1.31\": expected 1.12 to 1.30\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn crd_schema_and_cel_rules() {
    let crd = "testdata/crds/wasmplugin.yaml";
    let out = Test::new([
        "lint",
        "--crd",
        crd,
        "testdata/manifests/cases/crd-check.yaml",
        "-o",
        "github",
    ])
    .run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_golden("lint/crd-check.github", &out.stdout);
    // isURL / url(...).getScheme() are evaluated: ftp fails the CRD's scheme rule.
    let doc = "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: a}\nspec:\n  url: ftp://x/y.wasm\n";
    let out = Test::new(["lint", "--crd", crd, "-", "-o", "github"])
        .stdin(doc)
        .run();
    assert!(out.stdout.contains("line=5,col=8,title=MS0002 crd-cel::spec.url: Invalid value: \"string\": url must have schema one of [http, https, file, oci]"), "{}", out.stdout);
    assert!(out.stdout.contains("this site only allows oci modules"));
    let out = Test::new(["lint", "--crd", MIXED, CLEAN]).run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!("meshscope: error: {MIXED}: no CustomResourceDefinition found\n")
    );
}

#[test]
fn error_lines() {
    let out = Test::new(["lint"]).run();
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "meshscope: error: lint requires at least one PATH, '-' for stdin, or --dump\n"
        )
    );
    let out = Test::new(["lint", "-"]).stdin(vec![0xff_u8]).run();
    assert_eq!(out.code, 2);
    // stdout never reads as clean when an input could not be read (#17 point 4).
    assert_eq!(
        out.stdout,
        "no findings in the inputs that were checked; 1 input not checked (its error is on stderr)\n"
    );
    assert_eq!(
        out.stderr,
        "meshscope: error: -: not UTF-8 text (invalid byte at offset 0)\n"
    );
}
