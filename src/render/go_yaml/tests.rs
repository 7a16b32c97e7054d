//! Expected texts follow go-yaml v2.4.0's rules (resolve.go, sorter.go, emitterc.go); the
//! byte-for-byte check against istioctl's own output is `tests/cli/protojson.rs`.

use serde_json::json;

use super::to_yaml;

fn one(s: &str) -> String {
    to_yaml(&json!({ "k": s }))
}

#[test]
fn strings_that_would_read_back_as_other_types_are_double_quoted() {
    for s in [
        "true", "yes", "n", "ON", "~", "null", "1605", "-3", "1.5", "0x1F", "1_000",
    ] {
        assert_eq!(one(s), format!("k: \"{s}\"\n"), "{s}");
    }
    // Base-60 floats and timestamps (resolve.go's isBase60Float, parseTimestamp).
    for s in [
        "12:30",
        "2022-12-08T11:03:53.361Z",
        "2022-12-08",
        "2022-1-2 3:04:05",
    ] {
        assert_eq!(one(s), format!("k: \"{s}\"\n"), "{s}");
    }
    assert_eq!(one(""), "k: \"\"\n");
}

#[test]
fn strings_libyaml_will_not_write_plain_are_single_quoted() {
    let cases = [
        ("@type", "'@type'"),
        ("*", "'*'"),
        ("a: b", "'a: b'"),
        ("a #b", "'a #b'"),
        ("- x", "'- x'"),
        ("{it's}", "'{it''s}'"),
        (" lead", "' lead'"),
        ("---x", "'---x'"),
        ("{\"header_1\":\"v\"}", "'{\"header_1\":\"v\"}'"),
    ];
    for (s, want) in cases {
        assert_eq!(one(s), format!("k: {want}\n"), "{s}");
    }
}

#[test]
fn other_strings_stay_plain() {
    for s in [
        "-x",
        "10.96.88.150",
        "0.0.0.0_8000",
        "0s",
        "2022-12-08T09:07:09Z/10",
        "a#b",
        "it's {x}",
        "a:b",
        "é",
    ] {
        assert_eq!(one(s), format!("k: {s}\n"), "{s}");
    }
}

#[test]
fn unprintable_characters_force_double_quotes_with_escapes() {
    assert_eq!(one("a\tb"), "k: \"a\\tb\"\n");
    assert_eq!(one("smile 😀"), "k: \"smile \\U0001F600\"\n");
    // A space before a line break rules out the literal block.
    assert_eq!(one("a \nb"), "k: \"a \\nb\"\n");
}

#[test]
fn multi_line_strings_are_literal_blocks_with_chomping() {
    assert_eq!(one("a\nb\n"), "k: |\n  a\n  b\n");
    assert_eq!(one("a\n\nb"), "k: |-\n  a\n\n  b\n");
    assert_eq!(one("a\nb\n\n"), "k: |+\n  a\n  b\n\n");
    assert_eq!(one(" a\nb"), "k: |2-\n   a\n  b\n");
}

#[test]
fn keys_sort_in_go_yamls_order() {
    let v = json!({"b": 1, "a_b": 1, "aB": 1, "a10": 1, "a9": 1, "@type": 1, "B": 1});
    assert_eq!(
        to_yaml(&v),
        "'@type': 1\nB: 1\na_b: 1\na9: 1\na10: 1\naB: 1\nb: 1\n"
    );
}

#[test]
fn layout_nests_maps_and_leaves_lists_at_their_keys_column() {
    let v = json!([{"name": "x", "chains": [{"a": [], "b": {}}, ["p", "q"]], "m": {"n": null, "t": true, "f": 0.5}}]);
    // go-yaml v2 reads a bare `n` as false, so the key `n` is quoted.
    let want = "- chains:\n  - a: []\n    b: {}\n  - - p\n    - q\n  m:\n    f: 0.5\n    \"n\": null\n    t: true\n  name: x\n";
    assert_eq!(to_yaml(&v), want);
    assert_eq!(to_yaml(&json!({})), "{}\n");
    assert_eq!(to_yaml(&json!([])), "[]\n");
}

#[test]
fn numbers_are_spelled_as_go_formats_them() {
    let v = json!({"a": 1e-7, "b": 1_000_000.5, "c": -3, "d": 18446744073709551615u64, "e": 100.0});
    assert_eq!(
        to_yaml(&v),
        "a: 1e-07\nb: 1.0000005e+06\nc: -3\nd: 18446744073709551615\ne: 100\n"
    );
}

#[test]
fn long_strings_fold_after_column_80() {
    let words = ["word"; 30].join(" ");
    let text = to_yaml(&json!({ "key": words }));
    let lines: Vec<&str> = text.lines().collect();
    // "key: " then words until the column passes 80; the next space becomes a break
    // indented two past the key.
    assert_eq!(lines[0].len(), 84, "{text}");
    assert!(lines[1].starts_with("  word"), "{text}");
    assert_eq!(text.replace("\n  ", " "), format!("key: {words}\n"));
    // A key never folds.
    let key = ["k"; 50].join(" ");
    assert_eq!(to_yaml(&json!({ key.clone(): 1 })), format!("{key}: 1\n"));
}
