//! `pc listener` goldens over every fixture and flag, and the acceptance counts.

use crate::support::{Test, assert_golden};

/// Every dump fixture `pc listener` must render.
const FIXTURES: [&str; 11] = [
    "istio-1.12-permissive.json",
    "istio-1.12-strict.json",
    "istio-1.12-disable.json",
    "istio-current-permissive.json",
    "istio-current-strict.json",
    "istio-current-disable.json",
    "istio-current-permissive.camel.yaml",
    "matcher-tree.json",
    "listeners-only.json",
    "warming-draining.json",
    "refused-update.json",
];

/// (case name, golden extension, flags).
const CASES: [(&str, &str, &[&str]); 10] = [
    ("all", "txt", &[]),
    ("port-15006", "txt", &["--port", "15006"]),
    ("port-15006.wide", "txt", &["--port", "15006", "-o", "wide"]),
    ("wide", "txt", &["-o", "wide"]),
    ("not-verbose", "txt", &["--verbose=false"]),
    ("type-http", "txt", &["--type", "http"]),
    ("address-0.0.0.0", "txt", &["--address", "0.0.0.0"]),
    ("port-15006", "json", &["--port", "15006", "-o", "json"]),
    ("port-15006", "yaml", &["--port", "15006", "-o", "yaml"]),
    (
        "names",
        "txt",
        &["-o", "jsonpath={range [*]}{.name}{\"\\n\"}{end}"],
    ),
];

#[test]
fn goldens_for_every_fixture_and_flag() {
    for fixture in FIXTURES {
        let path = format!("testdata/dumps/{fixture}");
        for (case, ext, flags) in CASES {
            let mut args = vec!["pc", "listener", "-f", &path];
            args.extend_from_slice(flags);
            let out = Test::new(&args).run();
            let rendered = if out.code == 0 {
                // Envoy's refused updates are warned about on stderr (their own tests below
                // say which); nothing else goes there.
                assert!(
                    out.stderr
                        .lines()
                        .all(|l| l.starts_with("meshscope: warning: Envoy refused ")),
                    "{args:?}: {}",
                    out.stderr
                );
                out.stdout
            } else {
                format!("exit {}\n{}{}", out.code, out.stdout, out.stderr)
            };
            let stem = fixture.rsplit_once('.').map_or(fixture, |(s, _)| s);
            assert_golden(&format!("pc-listener/{stem}/{case}.{ext}"), &rendered);
        }
    }
}

/// Rows of `-o wide` whose WASM column names `plugin`.
fn wasm_rows(fixture: &str, plugin: &str) -> usize {
    let out = Test::new([
        "pc",
        "listener",
        "-f",
        &format!("testdata/dumps/{fixture}"),
        "--port",
        "15006",
        "-o",
        "wide",
    ])
    .ok();
    out.lines()
        .skip(1)
        .filter(|l| {
            // WASM is the third-to-last column (MODE and LISTENER come after it).
            l.split_whitespace()
                .rev()
                .nth(2)
                .is_some_and(|w| w.split(',').any(|f| f == plugin))
        })
        .count()
}

#[test]
fn helloworld_placements_match_the_seed() {
    let current =
        "extensions.istio.io/trafficextension/default.helloworld~istio-translated-wasmplugin";
    let cases = [
        ("istio-1.12-permissive.json", "default.helloworld", 6),
        ("istio-1.12-strict.json", "default.helloworld", 3),
        ("istio-1.12-disable.json", "default.helloworld", 3),
        ("istio-current-permissive.json", current, 4),
        ("istio-current-strict.json", current, 2),
        ("istio-current-disable.json", current, 2),
        ("istio-current-permissive.camel.yaml", current, 4),
    ];
    for (fixture, plugin, want) in cases {
        assert_eq!(wasm_rows(fixture, plugin), want, "{fixture}");
    }
}

#[test]
fn current_permissive_matches_the_domain_example() {
    // DOMAIN.md §4.6: HEAD, httpbin, PERMISSIVE, `--port 15006`.
    let want = "\
ADDRESSES PORT  MATCH                                                                                         DESTINATION
0.0.0.0   15006 Addr: *:15006                                                                                 Non-HTTP/Non-TCP
0.0.0.0   15006 Trans: tls; App: istio-http/1.0,istio-http/1.1,istio-h2                                       InboundPassthroughCluster
0.0.0.0   15006 Trans: raw_buffer; App: http/1.1,h2c                                                          InboundPassthroughCluster
0.0.0.0   15006 Trans: tls; App: TCP TLS                                                                      InboundPassthroughCluster
0.0.0.0   15006 Trans: raw_buffer                                                                             InboundPassthroughCluster
0.0.0.0   15006 Trans: tls                                                                                    InboundPassthroughCluster
0.0.0.0   15006 Trans: tls; App: istio,istio-peer-exchange,istio-http/1.0,istio-http/1.1,istio-h2; Addr: *:80 Cluster: inbound|80||
0.0.0.0   15006 Trans: raw_buffer; Addr: *:80                                                                 Cluster: inbound|80||
";
    let got = Test::new([
        "pc",
        "listener",
        "-f",
        "testdata/dumps/istio-current-permissive.json",
        "--port",
        "15006",
    ])
    .ok();
    assert_eq!(got, want);
}

#[test]
fn camel_yaml_renders_like_snake_json() {
    for flags in [
        &["--port", "15006"][..],
        &["-o", "wide"],
        &["--verbose=false"],
    ] {
        let run = |f: &str| {
            let mut args = vec!["pc", "listener", "-f", f];
            args.extend_from_slice(flags);
            Test::new(&args).ok()
        };
        assert_eq!(
            run("testdata/dumps/istio-current-permissive.json"),
            run("testdata/dumps/istio-current-permissive.camel.yaml"),
            "{flags:?}"
        );
    }
}

#[test]
fn stdin_and_aliases_give_the_same_table() {
    let file = "testdata/dumps/istio-1.12-strict.json";
    let bytes = std::fs::read(crate::support::root().join(file)).unwrap();
    let want = Test::new(["proxy-config", "listener", "-f", file]).ok();
    for alias in ["listener", "listeners", "l"] {
        assert_eq!(Test::new(["pc", alias, "-f", file]).ok(), want, "{alias}");
    }
    assert_eq!(
        Test::new(["pc", "listener", "-f", "-"]).stdin(bytes).ok(),
        want
    );
}

#[test]
fn json_output_is_the_dump_objects_unsorted() {
    // -o json prints candidates in dump order (istioctl does not sort it).
    let out = Test::new([
        "pc",
        "listener",
        "-f",
        "testdata/dumps/istio-current-permissive.json",
        "-o",
        "json",
    ])
    .ok();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["name"].as_str())
        .collect();
    assert!(names.contains(&"virtualInbound"), "{names:?}");
    assert!(out.starts_with("[\n    {"), "4-space indent");
}

#[test]
fn wide_mode_column_shows_port_level_mtls() {
    // See: #5. portLevelMtls {80: STRICT, 9090: PERMISSIVE} under a PERMISSIVE workload.
    let out = Test::new([
        "pc",
        "listener",
        "-f",
        "testdata/dumps/istio-current-mixed.json",
        "--port",
        "15006",
        "-o",
        "wide",
    ])
    .ok();
    assert_golden("pc-listener/istio-current-mixed/port-15006.wide.txt", &out);
}

/// `--color always` paints the STATE cell of warming (yellow) and draining (dimmed) rows,
/// decided from each row's state; active rows and the default table stay plain.
#[test]
fn color_always_paints_warming_and_draining_states() {
    let args = [
        "--color",
        "always",
        "pc",
        "listener",
        "-f",
        "testdata/dumps/warming-draining.json",
        "-o",
        "wide",
    ];
    let out = Test::new(args).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("\u{1b}[33mwarming\u{1b}[0m"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\u{1b}[2mdraining\u{1b}[0m"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains("\u{1b}[33mactive"), "{}", out.stdout);
    let plain = Test::new(args[2..].iter().copied()).run();
    assert!(!plain.stdout.contains('\u{1b}'));
}
