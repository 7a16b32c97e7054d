//! `wasm count -f - --resources FILE` on an inline dump, in JSON and as a table: the exit
//! code (both formats agree), each verdict and the table, for the tests that build small
//! gateway and waypoint dumps in code.

use super::Test;

/// `(verdict, plugin, detail, chains as JSON)` of one verdict.
pub type VerdictRow = (String, String, String, String);

/// Runs `wasm count` on `dump` with `manifests` written to a scratch file under `name`.
pub fn wasm_count(dump: String, manifests: &str, name: &str) -> (i32, Vec<VerdictRow>, String) {
    let dir =
        std::env::temp_dir().join(format!("meshscope-wasm-run-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("plugins.yaml");
    std::fs::write(&file, manifests).unwrap();
    let args = [
        "wasm",
        "count",
        "-f",
        "-",
        "--resources",
        file.to_str().unwrap(),
    ];
    let json = Test::new(args.iter().chain(&["-o", "json"]))
        .stdin(dump.clone())
        .run();
    assert_eq!(json.stderr, "");
    let table = Test::new(args).stdin(dump).run();
    assert_eq!(table.code, json.code);
    let _ = std::fs::remove_dir_all(dir);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let verdicts = v["proxies"][0]["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["verdict"].as_str().unwrap().to_string(),
                v["plugin"].as_str().unwrap().to_string(),
                v["detail"].as_str().unwrap().to_string(),
                v["chains"].to_string(),
            )
        })
        .collect();
    (json.code, verdicts, table.stdout)
}
