//! Where users run `lint` (#17 point 5): the pre-commit hook and the GitHub Action parse,
//! and the command lines they run are ones meshscope accepts.

use crate::support::{Test, root};

fn yaml(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn pre_commit_hook_names_the_lint_command() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "meshscope-lint");
    assert_eq!(hook["language"], "rust");
    assert_eq!(hook["types"], serde_json::json!(["yaml"]));
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry[0], "meshscope");
    // pre-commit appends the staged files: the entry must take file paths.
    let mut args: Vec<&str> = entry[1..].to_vec();
    args.push("testdata/manifests/weaker-than-mesh-strict/good.yaml");
    assert_eq!(Test::new(&args).run().code, 0);
}

#[test]
fn github_action_runs_lint_to_sarif_and_uploads_it() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let lint = steps
        .iter()
        .find_map(|s| s["run"].as_str().filter(|r| r.contains("meshscope lint")))
        .unwrap();
    assert!(lint.contains("-o sarif"), "{lint}");
    assert!(steps.iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
    }));
    // The flags the action passes exist.
    for flag in ["--istio-version", "-o"] {
        assert!(lint.contains(flag));
    }
    let out = Test::new([
        "lint",
        "testdata/manifests/weaker-than-mesh-strict/good.yaml",
        "--istio-version",
        "1.30",
        "-o",
        "sarif",
    ])
    .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
}
