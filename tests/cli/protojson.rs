//! istioctl's `-o json|yaml` for every `proxy-config` command: protojson names whatever
//! the dump's spelling, data (map keys, Struct payloads) untouched, sigs.k8s.io/yaml's layout.

use std::collections::BTreeSet;

use serde_json::Value;

use meshscope::internals::{DATA_FIELDS, FieldKind, MapValue};

use crate::support::{Test, real_dumps, rel};

const COMMANDS: [&str; 4] = ["listener", "ecds", "cluster", "route"];

#[test]
fn ecds_json_and_yaml_equal_istioctls_byte_for_byte() {
    let Some(dir) = real_dumps() else { return };
    let refdir = dir.join("istioctl-reference");
    let dump = rel(&refdir.join("ecds-configdump.json"));
    for (format, file) in [("json", "ecds-output.json"), ("yaml", "ecds-output.yaml")] {
        let want = std::fs::read_to_string(refdir.join(file)).unwrap();
        let got = Test::new(["pc", "ecds", "-f", &dump, "-o", format]).ok();
        assert_eq!(got, want, "{format}");
    }
}

#[test]
fn snake_case_and_camel_case_dumps_print_the_same() {
    let snake = "testdata/dumps/istio-current-permissive.json";
    let camel = "testdata/dumps/istio-current-permissive.camel.yaml";
    for command in COMMANDS {
        for format in ["json", "yaml"] {
            let a = Test::new(["pc", command, "-f", snake, "-o", format]).ok();
            let b = Test::new(["pc", command, "-f", camel, "-o", format]).ok();
            assert_eq!(a, b, "pc {command} -o {format}");
            assert!(a.len() > 100, "pc {command} -o {format}: {a}");
        }
    }
    // istioctl scripts read camelCase paths.
    let jsonpath = "jsonpath={[*].filterChains[*].name}";
    let out = Test::new([
        "pc", "listener", "-f", snake, "--port", "15006", "-o", jsonpath,
    ])
    .ok();
    assert!(out.contains("virtualInbound-blackhole"), "{out}");
}

/// The JSON names of the fields whose keys or contents are data.
fn data_names() -> BTreeSet<&'static str> {
    meshscope::internals::DATA_FIELDS
        .iter()
        .flat_map(|f| [f.name, f.json])
        .collect()
}

/// Keys that still hold `_` after conversion, with their paths, unless a data field (or an
/// `Any` of a well-known or TypedStruct type) is above them.
fn snake_keys(v: &Value, path: &str, names: &BTreeSet<&str>, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            let any = map.get("@type").and_then(Value::as_str).unwrap_or("");
            let opaque = any.contains("google.protobuf.") || any.ends_with("TypedStruct");
            for (k, child) in map {
                if k.contains('_') {
                    out.push(format!("{path}.{k}"));
                }
                if names.contains(k.as_str()) || (opaque && k == "value") {
                    continue;
                }
                snake_keys(child, &format!("{path}.{k}"), names, out);
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| snake_keys(item, &format!("{path}[]"), names, out)),
        _ => {}
    }
}

/// Every value of a data field, with the field's snake name, in document order.
fn data_values<'a>(v: &'a Value, out: &mut Vec<(&'static str, &'a Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                match DATA_FIELDS.iter().find(|f| f.name == k || f.json == k) {
                    Some(f) => out.push((f.name, child)),
                    None => data_values(child, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| data_values(item, out)),
        _ => {}
    }
}

/// The one kind a field name has in every message, when it has one.
fn sole_kind(name: &str) -> Option<FieldKind> {
    let rows: Vec<_> = DATA_FIELDS.iter().filter(|f| f.name == name).collect();
    let unambiguous = rows.iter().all(|f| f.elsewhere.is_empty());
    (rows.len() == 1 && unambiguous).then(|| rows[0].kind)
}

fn keys(v: &Value) -> Vec<&String> {
    v.as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default()
}

/// On every real dump, every listener, cluster, route and ECDS object converts: no field
/// name keeps `_`, converting again changes nothing, Struct payloads and scalar maps are
/// the dump's own, and maps of messages keep the dump's keys.
#[test]
fn every_real_dump_converts_keeping_data_keys() {
    let Some(dir) = real_dumps() else { return };
    let names = data_names();
    let mut checked = 0;
    let (mut payloads, mut maps) = (0, 0);
    for file in [
        "sidecar-productpage.yaml",
        "compare-before.json",
        "compare-after.json",
        "describe-http.json",
        "istioctl-reference/proxyconfig-config_dump.json",
        "istioctl-reference/ecds-configdump.json",
    ] {
        let path = rel(&dir.join(file));
        // Every real dump is JSON text (the .yaml one too).
        let raw: Value = serde_json::from_slice(&std::fs::read(dir.join(file)).unwrap()).unwrap();
        let mut raw_data = Vec::new();
        data_values(&raw, &mut raw_data);
        for command in COMMANDS {
            let out = Test::new(["pc", command, "-f", &path, "-o", "json"]).run();
            if out.code != 0 {
                // A dump without the command's section says so (tested elsewhere).
                continue;
            }
            let printed: Value = serde_json::from_str(&out.stdout).unwrap();
            let mut snake = Vec::new();
            snake_keys(&printed, "", &names, &mut snake);
            assert!(snake.is_empty(), "{file}: pc {command}: {snake:?}");
            let again = meshscope::internals::to_camel_case(&printed);
            assert_eq!(again, printed, "{file}: pc {command}: not idempotent");
            let mut printed_data = Vec::new();
            data_values(&printed, &mut printed_data);
            for (name, value) in printed_data {
                let mut same_name = raw_data.iter().filter(|(n, _)| *n == name);
                match sole_kind(name) {
                    Some(FieldKind::Map(MapValue::Message)) => {
                        let found = same_name.any(|(_, raw)| keys(raw) == keys(value));
                        assert!(found, "{file}: pc {command}: {name} keys {:?}", keys(value));
                        maps += 1;
                    }
                    Some(_) => {
                        let found = same_name.any(|(_, raw)| *raw == value);
                        assert!(found, "{file}: pc {command}: {name}: {value}");
                        payloads += 1;
                    }
                    None => {}
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "{checked} outputs checked");
    assert!(
        payloads > 20 && maps > 5,
        "{payloads} payloads, {maps} maps checked"
    );
}

/// `-o yaml` reads back as the `-o json` data on every real dump: quoting keeps strings
/// strings (`"1605"`, `"true"`, timestamps) and the layout nests as the JSON does.
#[test]
fn every_real_dump_yaml_reads_back_as_its_json() {
    let Some(dir) = real_dumps() else { return };
    let mut compared = 0;
    for file in [
        "sidecar-productpage.yaml",
        "compare-before.json",
        "describe-http.json",
        "istioctl-reference/proxyconfig-config_dump.json",
        "istioctl-reference/ecds-configdump.json",
    ] {
        let path = rel(&dir.join(file));
        for command in COMMANDS {
            let json = Test::new(["pc", command, "-f", &path, "-o", "json"]).run();
            if json.code != 0 {
                continue;
            }
            let yaml = Test::new(["pc", command, "-f", &path, "-o", "yaml"]).ok();
            let from_json: Value = serde_json::from_str(&json.stdout).unwrap();
            let from_yaml: Value = serde_saphyr::from_str(&yaml).unwrap();
            assert_eq!(from_yaml, from_json, "{file}: pc {command}");
            compared += 1;
        }
    }
    assert!(compared >= 8, "{compared} compared");
}
