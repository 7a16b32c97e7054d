//! Where users run `lint` (#17 point 5): the pre-commit hook and the GitHub Action parse,
//! the command lines they run are ones meshscope accepts, and the action's lint step runs as
//! written. (`pre-commit try-repo`, which builds the hook from crates.io, is a step of
//! `.ci/run`: `.ci/pre-commit-try-repo`.)

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Test, root};

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("meshscope-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

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
    for flag in ["--istio-version", "--rules-url", "-o"] {
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

/// The action's lint step, run by bash as the runner would: its `${{ … }}` expressions
/// filled in, `meshscope` on PATH, the runner's environment. The SARIF file it writes
/// parses, its helpUris name the action's own ref, and the exit code reaches
/// `$GITHUB_OUTPUT` for the last step.
#[test]
fn github_action_lint_step_runs_as_written() {
    let action = yaml("action.yml");
    let step = action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "lint")
        .unwrap()
        .clone();
    let dir = scratch("action");
    let sarif = dir.join("out.sarif");
    let output = dir.join("github-output");
    let manifest = root().join("testdata/manifests/weaker-than-mesh-strict/bad.yaml");
    let mut script = step["run"].as_str().unwrap().to_string();
    for (expr, value) in [
        ("${{ inputs.paths }}", manifest.display().to_string()),
        ("${{ inputs.istio-version }}", "1.30".to_string()),
        ("${{ inputs.args }}", "--fail-on info".to_string()),
        ("${{ inputs.sarif-file }}", sarif.display().to_string()),
    ] {
        script = script.replace(expr, &value);
    }
    assert!(!script.contains("${{"), "unfilled expression in: {script}");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_meshscope")).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &script])
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_SERVER_URL", "https://github.com");
    // `env:` of the step, as the runner would set it.
    let env = step["env"].as_object().unwrap();
    assert!(env.contains_key("MESHSCOPE_ACTION_REPOSITORY"));
    cmd.env("MESHSCOPE_ACTION_REPOSITORY", "example/meshscope")
        .env("MESHSCOPE_ACTION_REF", "v1");
    let run = cmd.output().unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
    let id = rule["id"].as_str().unwrap();
    assert_eq!(
        rule["helpUri"],
        format!("https://github.com/example/meshscope/blob/v1/docs/rules/{id}.md")
    );
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    // The bad manifest has an info finding; `--fail-on info` makes it exit 1.
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "exit=1\n");
    let _ = std::fs::remove_dir_all(&dir);
}
