//! `pc ecds` goldens.

use crate::support::{Test, assert_golden};

const FIXTURES: [&str; 3] = [
    "istio-current-permissive.json",
    "istio-current-strict.json",
    "istio-current-permissive.camel.yaml",
];

#[test]
fn goldens_for_every_format() {
    for fixture in FIXTURES {
        let path = format!("testdata/dumps/{fixture}");
        for (case, flags) in [
            ("short.txt", &[][..]),
            ("wide.txt", &["-o", "wide"]),
            ("json", &["-o", "json"]),
            ("yaml", &["-o", "yaml"]),
            (
                "names.txt",
                &["-o", "jsonpath={.ecdsFilters[*].ecdsFilter.name}"],
            ),
        ] {
            let mut args = vec!["pc", "ecds", "-f", &path];
            args.extend_from_slice(flags);
            let out = Test::new(&args).run();
            let rendered = if out.code == 0 {
                out.stdout
            } else {
                format!("exit {}\n{}{}", out.code, out.stdout, out.stderr)
            };
            let stem = fixture.rsplit_once('.').map_or(fixture, |(s, _)| s);
            assert_golden(&format!("pc-ecds/{stem}.{case}"), &rendered);
        }
    }
}

#[test]
fn dump_without_ecds_section_is_an_error() {
    // Istio 1.12's Envoy did not dump ECDS: istioctl's message, exit 2.
    let out = Test::new([
        "pc",
        "ecds",
        "-f",
        "testdata/dumps/istio-1.12-permissive.json",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "meshscope: error: testdata/dumps/istio-1.12-permissive.json: config dump has no \
         configuration type type.googleapis.com/envoy.admin.v3.EcdsConfigDump\n"
    );
}

#[test]
fn agent_deny_all_stand_in_is_noted() {
    let dump = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecds_filters":[
      {"ecds_filter":{"@type":"type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
        "name":"extensions.istio.io/wasmplugin/default.authz",
        "typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC","rules":{},
          "rules_stat_prefix":"wasm-default-deny"}}}]}]}"#;
    let out = Test::new(["pc", "ecds", "-f", "-", "-o", "wide"])
        .stdin(dump)
        .ok();
    let row = out.lines().nth(1).unwrap();
    assert!(row.contains("default/authz"), "{row}");
    assert!(row.contains("agent deny-all stand-in"), "{row}");
}
