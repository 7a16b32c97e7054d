//! `lint` in a CI pipeline (#17 point 4): Helm templates are reported (MS0006) in every
//! format and never read as clean, `--exclude` skips paths, an input path without
//! manifests is an error, and SARIF locations are relative to the checkout.

use std::path::{Path, PathBuf};

use crate::support::Test;

/// A repository with a chart (one template) and one plain manifest, in a fresh directory.
fn repo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meshscope-lint-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let templates = dir.join("charts/demo/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::create_dir_all(dir.join("manifests")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/manifests");
    std::fs::copy(
        root.join("templated-manifest/bad.yaml"),
        templates.join("wasmplugin.yaml"),
    )
    .unwrap();
    std::fs::copy(
        root.join("weaker-than-mesh-strict/good.yaml"),
        dir.join("manifests/pa.yaml"),
    )
    .unwrap();
    dir
}

#[test]
fn a_chart_is_reported_in_every_format_and_exits_2() {
    let dir = repo("formats");
    let path = dir.to_str().unwrap();
    let expect = [
        ("text", "error[MS0006]"),
        ("json", "\"MS0006\""),
        ("sarif", "\"MS0006\""),
        ("github", "::error file="),
    ];
    for (format, marker) in expect {
        let out = Test::new(["lint", path, "-o", format]).run();
        assert_eq!(out.code, 2, "{format}: {}", out.stderr);
        assert!(out.stdout.contains(marker), "{format}: {}", out.stdout);
        assert!(out.stdout.contains("MS0006"), "{format}");
        assert!(
            out.stderr
                .contains("wasmplugin.yaml:4:9: a template, not a manifest"),
            "{format}: {}",
            out.stderr
        );
    }
    let text = Test::new(["lint", path]).run().stdout;
    assert!(
        text.contains("1 error(s), 0 warning(s), 0 info; 1 input not checked"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&Test::new(["lint", path, "-o", "json"]).run().stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["not_checked"].as_array().unwrap().len(), 1);
    let sarif: serde_json::Value =
        serde_json::from_str(&Test::new(["lint", path, "-o", "sarif"]).run().stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    // --exclude skips the chart: the rest is clean.
    let out = Test::new(["lint", path, "--exclude", "**/charts/**"]).run();
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "no findings\n", "")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An input path without manifests is an error, and stdout does not claim a clean result
/// when an input could not be read.
#[test]
fn nothing_to_check_is_an_error_never_a_clean_result() {
    let dir = repo("empty");
    let empty = dir.join("nothing-here");
    std::fs::create_dir_all(&empty).unwrap();
    let out = Test::new(["lint", empty.to_str().unwrap()]).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .ends_with("nothing-here: no manifest found (*.yaml, *.yml, *.json)\n"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stdout.contains("no findings\n") || out.stdout.contains("not checked"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout,
        "no findings in the inputs that were checked; 1 input not checked (its error is on stderr)\n"
    );
    let broken = Test::new([
        "lint",
        "testdata/manifests/cases/broken.yaml",
        "testdata/manifests/weaker-than-mesh-strict/good.yaml",
    ])
    .run();
    assert_eq!(broken.code, 2);
    assert!(
        broken.stdout.contains("1 input not checked"),
        "{}",
        broken.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Code scanning resolves `%SRCROOT%`-relative URIs against the checkout.
#[test]
fn sarif_locations_are_relative_to_the_run() {
    let out = Test::new([
        "lint",
        "testdata/manifests/weaker-than-mesh-strict/bad.yaml",
        "-o",
        "sarif",
    ])
    .run();
    let log: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let loc = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(
        loc["uri"],
        "testdata/manifests/weaker-than-mesh-strict/bad.yaml"
    );
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

/// SARIF's helpUri points at the rule's generated page under `--rules-url` (which the
/// GitHub Action sets to the action's own ref), and the page it names exists in
/// `docs/rules/`; without a known place no link is given (the page travels as help text).
#[test]
fn sarif_help_uri_names_the_generated_rule_page() {
    let base = "https://example.org/meshscope/blob/v1/docs/rules";
    let file = "testdata/manifests/weaker-than-mesh-strict/bad.yaml";
    let log: serde_json::Value = serde_json::from_str(
        &Test::new(["lint", file, "-o", "sarif", "--rules-url", base])
            .run()
            .stdout,
    )
    .unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(!rules.is_empty());
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert_eq!(rule["helpUri"], format!("{base}/{id}.md"));
        assert!(docs.join(format!("{id}.md")).is_file(), "{id} has no page");
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## Fix")
        );
    }
    let plain: serde_json::Value =
        serde_json::from_str(&Test::new(["lint", file, "-o", "sarif"]).run().stdout).unwrap();
    let first = &plain["runs"][0]["tool"]["driver"]["rules"][0];
    if env!("CARGO_PKG_REPOSITORY").is_empty() {
        assert!(first.get("helpUri").is_none(), "{first}");
    } else {
        assert!(first["helpUri"].as_str().unwrap().contains("/docs/rules/"));
    }
    let bad = Test::new(["lint", file, "-o", "sarif", "--rules-url", "docs/rules"]).run();
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("absolute URL"), "{}", bad.stderr);
}
