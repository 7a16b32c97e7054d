//! See: #19 point 9. `kubectl meshscope …`: the `kubectl-meshscope` binary is the same tool
//! under kubectl's plugin name, and says so in its usage lines; the krew manifest template
//! names that binary on every platform.

use std::process::Command;

const PLUGIN: &str = env!("CARGO_BIN_EXE_kubectl-meshscope");
const DUMP: &str = "testdata/dumps/istio-1.12-permissive.json";

fn run(bin: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_plugin_binary_is_meshscope_under_kubectls_name() {
    let args = ["pc", "listener", "-f", DUMP, "--port", "15006"];
    let plugin = run(PLUGIN, &args);
    let meshscope = run(env!("CARGO_BIN_EXE_meshscope"), &args);
    assert_eq!(plugin, meshscope);
    assert_eq!(plugin.0, 0);
    let (code, help, _) = run(PLUGIN, &["pc", "listener", "--help"]);
    assert_eq!(code, 0);
    assert!(
        help.contains("Usage: kubectl meshscope proxy-config listener [OPTIONS] [POD]"),
        "{help}"
    );
    let (code, _, usage) = run(PLUGIN, &["--frobnicate"]);
    assert_eq!(code, 2);
    assert!(usage.contains("Usage: kubectl meshscope "), "{usage}");
    // The checks clap cannot express (diff's number of sides, #19 point 7) name it too.
    let (code, _, usage) = run(PLUGIN, &["diff", DUMP]);
    assert_eq!(code, 2);
    assert!(
        usage.contains("\nUsage: kubectl meshscope diff [OPTIONS] [BEFORE AFTER]...\n"),
        "{usage}"
    );
    let (_, help, _) = run(env!("CARGO_BIN_EXE_meshscope"), &["--help"]);
    assert!(help.contains("Usage: meshscope "), "{help}");
}

#[test]
fn the_krew_manifest_names_the_plugin_binary() {
    let text = std::fs::read_to_string("deploy/krew/meshscope.yaml").unwrap();
    let manifest: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(manifest["kind"], "Plugin");
    assert_eq!(manifest["metadata"]["name"], "meshscope");
    let short = manifest["spec"]["shortDescription"].as_str().unwrap();
    assert!(!short.is_empty() && short.len() <= 80, "{short}");
    let platforms = manifest["spec"]["platforms"].as_array().unwrap();
    assert!(platforms.len() >= 2);
    for p in platforms {
        assert_eq!(p["bin"], "kubectl-meshscope", "{p}");
        assert!(p["selector"]["matchLabels"]["os"].is_string(), "{p}");
        assert!(
            p["uri"].as_str().is_some_and(|u| u.ends_with(".tar.gz")),
            "{p}"
        );
    }
}
