//! Hostile input: truncations, deep nesting, alias bombs, binary data, huge files and
//! control characters never panic or hang; they end in one clear error line and exit 2.

use meshscope::internals::Sections;
use meshscope::internals::to_json_text;

use crate::support::{Test, root};

const ALL: Sections = Sections {
    listeners: true,
    ecds: true,
    bootstrap: true,
};

/// Loads every section and decodes every listener, as the commands do.
fn load_everything(bytes: &[u8]) -> Result<usize, String> {
    let text = to_json_text("input", bytes).map_err(|e| e.to_string())?;
    let doc = text.document("input");
    let dump = doc.load(ALL).map_err(|e| e.to_string())?;
    let mut n = 0;
    for entry in dump.listeners.iter().flat_map(|s| s.entries.iter()) {
        doc.listener(entry).map_err(|e| e.to_string())?;
        n += 1;
    }
    Ok(n)
}

#[test]
fn every_prefix_of_a_dump_is_an_error_or_a_valid_document() {
    let bytes = std::fs::read(root().join("testdata/dumps/matcher-tree.json")).unwrap();
    for end in 0..bytes.len() {
        let prefix = &bytes[..end];
        let valid_json = serde_json::from_slice::<serde::de::IgnoredAny>(prefix).is_ok();
        match load_everything(prefix) {
            Ok(_) => assert!(valid_json, "prefix {end} loaded but is not a document"),
            Err(msg) => {
                assert!(!msg.contains('\n'), "prefix {end}: multi-line error {msg}");
                assert!(msg.starts_with("input"), "prefix {end}: {msg}");
            }
        }
    }
}

#[test]
fn sampled_prefixes_of_a_big_dump_exit_2_through_the_binary() {
    let bytes = std::fs::read(root().join("testdata/dumps/istio-1.12-permissive.json")).unwrap();
    let step = bytes.len() / 23;
    for end in (1..bytes.len()).step_by(step) {
        let out = Test::new(["pc", "listener", "-f", "-"])
            .stdin(bytes[..end].to_vec())
            .run();
        assert_eq!(out.code, 2, "prefix {end}: {out:?}");
        assert_eq!(out.stderr.lines().count(), 1, "prefix {end}");
        assert!(
            out.stderr.starts_with("meshscope: error: -:"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let deep = format!("{}1{}", open.repeat(depth), close.repeat(depth));
        assert!(load_everything(deep.as_bytes()).is_err());
        let wrapped = format!(
            r#"{{"configs":[{{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","static_listeners":[{{"listener":{deep}}}]}}]}}"#
        );
        // Where we decode, the depth limit answers; deep data in a field we do not read
        // (`{"a":{"a":…}}` in a listener) is skipped without recursion and is fine.
        if let Err(msg) = load_everything(wrapped.as_bytes()) {
            assert!(!msg.contains('\n'), "{msg}");
        }
    }
    let deep_yaml = format!("configs:\n{}", "- ".repeat(depth));
    assert!(load_everything(deep_yaml.as_bytes()).is_err());
}

#[test]
fn yaml_alias_bomb_is_refused() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        bomb.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    let started = std::time::Instant::now();
    let result = load_everything(bomb.as_bytes());
    assert!(result.is_err(), "{result:?}");
    // A bound on work, not a benchmark: an expanded bomb would take minutes and gigabytes.
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn binary_and_nul_bytes_are_refused() {
    for bytes in [&b"\xff\xfe{}"[..], b"{\"configs\":[]}\0", b"\0\0\0"] {
        let err = load_everything(bytes).unwrap_err();
        assert!(err.contains("not a text file"), "{err}");
    }
}

#[test]
fn out_of_range_numbers_and_duplicate_keys_are_errors() {
    let listener = |body: &str| {
        format!(
            r#"{{"configs":[{{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","static_listeners":[{{"listener":{body}}}]}}]}}"#
        )
    };
    for body in [
        r#"{"address":{"socket_address":{"port_value":4294967296}}}"#,
        r#"{"address":{"socket_address":{"port_value":-1}}}"#,
        r#"{"filter_chains":[{"filter_chain_match":{"destination_port":"99999999999"}}]}"#,
        r#"{"name":"a","name":"b"}"#,
    ] {
        let err = load_everything(listener(body).as_bytes()).unwrap_err();
        assert!(err.starts_with("input:"), "{body}: {err}");
    }
}

#[test]
fn control_characters_in_names_are_inert_in_tables_and_exact_in_json() {
    let name = "evil\u{1b}[31mred\u{1b}[0m\tname";
    let dump = serde_json::json!({"configs": [{
        "@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
        "static_listeners": [{"listener": {
            "name": name,
            "address": {"socket_address": {"address": "0.0.0.0", "port_value": 1}},
            "filter_chains": [{"name": name, "filters": [{
                "name": "envoy.filters.network.tcp_proxy",
                "typed_config": {"cluster": name}}]}]}}]}]});
    let text = dump.to_string();
    let table = Test::new(["pc", "listener", "-f", "-", "-o", "wide"])
        .stdin(text.clone())
        .ok();
    assert!(!table.contains('\u{1b}'), "{table:?}");
    assert!(table.contains("evil\\u{1b}[31mred"), "{table}");
    assert_eq!(
        table.lines().count(),
        2,
        "a tab in a name must not add cells or lines"
    );

    let json = Test::new(["pc", "listener", "-f", "-", "-o", "json"])
        .stdin(text)
        .ok();
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(back[0]["name"], name);
}
