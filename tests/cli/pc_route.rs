//! `pc route` goldens, its filters, its errors and its live fetch.

use crate::support::admin_server::{AdminServer, Fault};
use crate::support::{Test, assert_golden};

const FIXTURES: [&str; 3] = [
    "istio-current-permissive.json",
    "istio-1.12-permissive.json",
    "istio-current-permissive.camel.yaml",
];

#[test]
fn goldens_for_every_format_and_filter() {
    for fixture in FIXTURES {
        let path = format!("testdata/dumps/{fixture}");
        for (case, flags) in [
            ("short.txt", &[][..]),
            ("brief.txt", &["--verbose=false"]),
            ("json", &["-o", "json"]),
            ("yaml", &["-o", "yaml"]),
            (
                "names.txt",
                &["-o", "jsonpath={range [*]}{.name}{\"\\n\"}{end}"],
            ),
            ("name-9080.txt", &["--name", "9080"]),
            ("name-none.txt", &["--name", "908"]),
        ] {
            let mut args = vec!["pc", "route", "-f", &path];
            args.extend_from_slice(flags);
            let out = Test::new(&args).run();
            assert_eq!(out.code, 0, "{fixture} {flags:?}: {}", out.stderr);
            let stem = fixture.rsplit_once('.').map_or(fixture, |(s, _)| s);
            assert_golden(&format!("pc-route/{stem}.{case}"), &out.stdout);
        }
    }
}

#[test]
fn camel_case_dump_prints_what_the_snake_case_one_prints() {
    for flags in [&[][..], &["--verbose=false"], &["--name", "80"]] {
        let run = |fixture: &str| {
            let mut args = vec!["pc", "routes", "-f", fixture];
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
fn missing_or_empty_section_is_one_line_and_exit_2() {
    let out = Test::new(["pc", "r", "-f", "testdata/dumps/refused-update.json"]).run();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert_eq!(
        out.stderr,
        "meshscope: error: testdata/dumps/refused-update.json: config dump has no \
         configuration type type.googleapis.com/envoy.admin.v3.RoutesConfigDump\n"
    );
    let dump = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump"}]}"#;
    let out = Test::new(["pc", "route", "-f", "-"]).stdin(dump).run();
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, "meshscope: error: -: no routes found\n");
}

#[test]
fn a_virtual_host_without_routes_and_names_that_are_not_numbers() {
    // istioctl: "/*" and "404" for a host without routes; names sorted only where both
    // are numbers: Go's insertion sort moves the static "70" before "80" but never past
    // "b", so "9080" stays first.
    let dump = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
      "dynamic_route_configs":[
        {"route_config":{"name":"9080","virtual_hosts":[{"name":"v","domains":["a:1","b:2"]}]}},
        {"route_config":{"name":"b","virtual_hosts":[]}},
        {"route_config":{"name":"80","virtual_hosts":[{"name":"w","domains":["x"],"routes":[{"match":{"prefix":"/"},"route":{"cluster":"c"}}]}]}}],
      "static_route_configs":[{"route_config":{"name":"70","virtual_hosts":[{"name":"s","domains":["*"]}]}}]}]}"#;
    let out = Test::new(["pc", "route", "-f", "-"]).stdin(dump).ok();
    assert_eq!(
        out,
        "NAME     VHOST NAME     DOMAINS     MATCH     VIRTUAL SERVICE\n\
         9080     v                          /*        404\n\
         70       s              *           /*        404\n\
         80       w              x           /*        \n"
    );
}

#[test]
fn admin_fetch_asks_for_istioctls_route_mask() {
    let path = "testdata/dumps/istio-1.12-strict.json";
    let bytes = std::fs::read(crate::support::root().join(path)).unwrap();
    let admin = AdminServer::start(bytes, Fault::None);
    let live = Test::new(["pc", "route", "--admin", &admin.url()]).ok();
    assert_eq!(live, Test::new(["pc", "route", "-f", path]).ok());
    assert_eq!(
        admin.requests(),
        ["/config_dump?mask=dynamic_route_configs,static_route_configs"]
    );
}
