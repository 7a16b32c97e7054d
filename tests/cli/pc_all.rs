//! `pc all` and `pc bootstrap`: istioctl's concatenation byte for byte on istioctl's own
//! dump, goldens on the fixtures, errors and live fetch masks.

use crate::support::admin_server::{AdminServer, Fault};
use crate::support::{Test, assert_golden, real_dumps, rel};

fn rendered(args: &[&str]) -> String {
    let out = Test::new(args).run();
    if out.code == 0 {
        out.stdout
    } else {
        format!("exit {}\n{}{}", out.code, out.stdout, out.stderr)
    }
}

/// The acceptance test of #15: istioctl's `pc all` summary of its reference dump.
#[test]
fn pc_all_reproduces_istioctl_summary_byte_for_byte() {
    let Some(dir) = real_dumps() else { return };
    let refdir = dir.join("istioctl-reference");
    let want = std::fs::read_to_string(refdir.join("proxyconfig-all-summary.txt")).unwrap();
    let dump = rel(&refdir.join("proxyconfig-config_dump.json"));
    assert_eq!(Test::new(["pc", "all", "-f", &dump]).ok(), want);
    assert_eq!(Test::new(["pc", "a", "-f", &dump]).ok(), want);

    // `--with-headers` (configdump.go `printHeaders`): each block opens with its title and
    // a blank line, the rest unchanged.
    let titles = [
        "BOOTSTRAP",
        "CLUSTER",
        "LISTENER",
        "ROUTE",
        "SECRET",
        "ENDPOINTS",
    ];
    let blocks: Vec<&str> = want.split("\n\n").collect();
    assert_eq!(blocks.len(), titles.len());
    let with_headers: Vec<String> = titles
        .iter()
        .zip(&blocks)
        .map(|(t, b)| format!("------ {t} INFO ------\n\n{b}"))
        .collect();
    assert_eq!(
        Test::new(["pc", "all", "-f", &dump, "--with-headers"]).ok(),
        with_headers.join("\n\n")
    );
    // The bootstrap summary alone is the first block.
    assert_eq!(
        Test::new(["pc", "bootstrap", "-f", &dump, "-o", "short"]).ok(),
        format!("{}\n", blocks[0])
    );
}

#[test]
fn goldens_for_pc_all_and_pc_bootstrap() {
    for fixture in [
        "istio-current-permissive.json",
        "istio-1.12-permissive.json",
        "istio-current-permissive.camel.yaml",
    ] {
        let path = format!("testdata/dumps/{fixture}");
        let stem = fixture.rsplit_once('.').map_or(fixture, |(s, _)| s);
        for (case, flags) in [
            ("short.txt", &[][..]),
            ("headers.txt", &["--with-headers"]),
            ("not-verbose.txt", &["--verbose=false"]),
            ("port-9080.txt", &["--port", "9080"]),
            (
                "filters.txt",
                &["--fqdn", "reviews", "--name", "9080", "--type", "TCP"],
            ),
        ] {
            let mut args = vec!["pc", "all", "-f", &path];
            args.extend_from_slice(flags);
            assert_golden(&format!("pc-all/{stem}.{case}"), &rendered(&args));
        }
        for (case, flags) in [
            ("json", &[][..]),
            ("yaml", &["-o", "yaml"]),
            ("short.txt", &["-o", "short"]),
        ] {
            let mut args = vec!["pc", "b", "-f", &path];
            args.extend_from_slice(flags);
            assert_golden(&format!("pc-bootstrap/{stem}.{case}"), &rendered(&args));
        }
    }
}

#[test]
fn pc_all_json_is_the_whole_dump() {
    let path = "testdata/dumps/istio-current-permissive.json";
    let got: serde_json::Value =
        serde_json::from_str(&Test::new(["pc", "all", "-f", path, "-o", "json"]).ok()).unwrap();
    let text = std::fs::read_to_string(crate::support::root().join(path)).unwrap();
    let want: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(got, want);
}

#[test]
fn a_missing_section_is_one_line_and_exit_2() {
    // No bootstrap: nothing printed (the bootstrap block comes first).
    let dump = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.ClustersConfigDump"}]}"#;
    for args in [
        &["pc", "all", "-f", "-"][..],
        &["pc", "bootstrap", "-f", "-"],
    ] {
        let out = Test::new(args).stdin(dump).run();
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{args:?}");
        assert_eq!(
            out.stderr,
            "meshscope: error: -: config dump has no configuration type \
             type.googleapis.com/envoy.admin.v3.BootstrapConfigDump\n"
        );
    }
    // The 1.12 fixture has no endpoints section: `pc all` prints the header alone, as
    // istioctl does.
    let out = Test::new([
        "pc",
        "all",
        "-f",
        "testdata/dumps/istio-1.12-permissive.json",
    ])
    .ok();
    assert!(
        out.ends_with("\nNAME     STATUS     LOCALITY     CLUSTER\n"),
        "{out}"
    );
}

#[test]
fn live_fetches_ask_for_istioctls_masks() {
    let path = "testdata/dumps/istio-current-permissive.json";
    let bytes = std::fs::read(crate::support::root().join(path)).unwrap();
    // Envoy's mask keeps only the named fields (the bootstrap's `last_updated` goes), so
    // the bootstrap is compared by its summary.
    for (command, query) in [
        ("all", "/config_dump?include_eds=true"),
        ("bootstrap", "/config_dump?mask=bootstrap"),
    ] {
        let admin = AdminServer::start(bytes.clone(), Fault::None);
        let live = Test::new(["pc", command, "--admin", &admin.url(), "-o", "short"]).ok();
        assert_eq!(
            live,
            Test::new(["pc", command, "-f", path, "-o", "short"]).ok()
        );
        assert_eq!(admin.requests(), [query]);
    }
}

/// Every real dump loads for `pc secret`, `pc endpoint`, `pc bootstrap` and `pc all` in
/// every format, or says in one line which section it lacks.
#[test]
fn every_real_dump_loads_or_names_the_missing_section() {
    let Some(dir) = real_dumps() else { return };
    for file in [
        "sidecar-productpage.yaml",
        "compare-before.json",
        "compare-after.json",
        "describe-http.json",
        "istioctl-reference/proxyconfig-config_dump.json",
        "istioctl-reference/ecds-configdump.json",
    ] {
        let path = rel(&dir.join(file));
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for (command, section) in [
            ("secret", "SecretsConfigDump"),
            ("endpoint", "EndpointsConfigDump"),
            ("bootstrap", "BootstrapConfigDump"),
        ] {
            let has = text.contains(&format!("envoy.admin.v3.{section}"));
            for format in ["short", "json", "yaml"] {
                let out = Test::new(["pc", command, "-f", &path, "-o", format]).run();
                if has {
                    assert_eq!(out.code, 0, "{file} {command} {format}: {}", out.stderr);
                    assert!(!out.stdout.is_empty(), "{file} {command} {format}");
                } else {
                    assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{file} {command}");
                    assert_eq!(
                        out.stderr,
                        format!(
                            "meshscope: error: {path}: config dump has no configuration type \
                             type.googleapis.com/envoy.admin.v3.{section}\n"
                        )
                    );
                }
            }
        }
        // `pc all -o json` is the dump itself, whatever sections it has.
        let out = Test::new(["pc", "all", "-f", &path, "-o", "json"]).run();
        assert_eq!(out.code, 0, "{file}: {}", out.stderr);
    }
}

/// The camelCase variant of a fixture prints the same tables.
#[test]
fn camel_case_dump_prints_what_the_snake_case_one_prints() {
    for command in ["all", "secret", "endpoint"] {
        let run = |fixture: &str| Test::new(["pc", command, "-f", fixture]).ok();
        assert_eq!(
            run("testdata/dumps/istio-current-permissive.json"),
            run("testdata/dumps/istio-current-permissive.camel.yaml"),
            "{command}"
        );
    }
}
