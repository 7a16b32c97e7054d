//! `pc cluster` goldens, its filters, its errors and its live fetch.

use crate::support::admin_server::{AdminServer, Fault};
use crate::support::{Test, assert_golden};

const FIXTURES: [&str; 3] = [
    "istio-current-permissive.json",
    "istio-1.12-permissive.json",
    "istio-current-permissive.camel.yaml",
];

fn rendered(args: &[&str]) -> String {
    let out = Test::new(args).run();
    if out.code == 0 {
        out.stdout
    } else {
        format!("exit {}\n{}{}", out.code, out.stdout, out.stderr)
    }
}

#[test]
fn goldens_for_every_format_and_filter() {
    for fixture in FIXTURES {
        let path = format!("testdata/dumps/{fixture}");
        for (case, flags) in [
            ("short.txt", &[][..]),
            ("json", &["-o", "json"]),
            ("yaml", &["-o", "yaml"]),
            (
                "names.txt",
                &["-o", "jsonpath={range [*]}{.name}{\"\\n\"}{end}"],
            ),
            ("fqdn-reviews.txt", &["--fqdn", "reviews"]),
            ("port-9080.txt", &["--port", "9080"]),
            ("subset-v1.txt", &["--subset", "v1"]),
            ("direction-inbound.txt", &["--direction", "inbound"]),
            (
                "all-filters.txt",
                &[
                    "--fqdn",
                    "reviews.default",
                    "--port",
                    "9080",
                    "--subset",
                    "v2",
                    "--direction",
                    "outbound",
                ],
            ),
        ] {
            let mut args = vec!["pc", "cluster", "-f", &path];
            args.extend_from_slice(flags);
            let stem = fixture.rsplit_once('.').map_or(fixture, |(s, _)| s);
            assert_golden(&format!("pc-cluster/{stem}.{case}"), &rendered(&args));
        }
    }
}

#[test]
fn camel_case_dump_prints_what_the_snake_case_one_prints() {
    for flags in [&[][..], &["--port", "9080"], &["-o", "json"]] {
        let run = |fixture: &str| {
            let mut args = vec!["pc", "clusters", "-f", fixture];
            args.extend_from_slice(flags);
            Test::new(&args).ok()
        };
        let snake = run("testdata/dumps/istio-current-permissive.json");
        let camel = run("testdata/dumps/istio-current-permissive.camel.yaml");
        if flags.contains(&"json") {
            // Field names keep the dump's spelling until -o json speaks protojson (#15).
            assert_eq!(
                serde_json::from_str::<serde_json::Value>(&snake)
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .len(),
                serde_json::from_str::<serde_json::Value>(&camel)
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .len()
            );
        } else {
            assert_eq!(snake, camel, "{flags:?}");
        }
    }
}

#[test]
fn missing_or_empty_section_is_one_line_and_exit_2() {
    let out = Test::new(["pc", "c", "-f", "testdata/dumps/warming-draining.json"]).run();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert_eq!(
        out.stderr,
        "meshscope: error: testdata/dumps/warming-draining.json: config dump has no \
         configuration type type.googleapis.com/envoy.admin.v3.ClustersConfigDump\n"
    );
    // Only a warming cluster: istioctl shows none and says so.
    let dump = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
      "dynamic_warming_clusters":[{"cluster":{"name":"outbound|80||a"}}]}]}"#;
    let out = Test::new(["pc", "cluster", "-f", "-"]).stdin(dump).run();
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, "meshscope: error: -: no clusters found\n");
}

#[test]
fn wide_is_not_an_output_of_pc_cluster() {
    let out = Test::new([
        "pc",
        "cluster",
        "-f",
        "testdata/dumps/istio-current-permissive.json",
        "-o",
        "wide",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: output format \"wide\" not supported\n"
    );
}

#[test]
fn a_bad_cluster_is_reported_with_its_position() {
    let dump = "{\"configs\":[{\"@type\":\"type.googleapis.com/envoy.admin.v3.ClustersConfigDump\",\n\"static_clusters\":[{\"cluster\":{\"name\":[]}}]}]}";
    let out = Test::new(["pc", "cluster", "-f", "-"]).stdin(dump).run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "meshscope: error: -:2:38: configs[0].static_clusters[0].cluster.name: invalid type"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn admin_fetch_asks_for_istioctls_cluster_mask() {
    let path = "testdata/dumps/istio-current-permissive.json";
    let bytes = std::fs::read(crate::support::root().join(path)).unwrap();
    let admin = AdminServer::start(bytes, Fault::None);
    let live = Test::new(["pc", "cluster", "--admin", &admin.url()]).ok();
    assert_eq!(live, Test::new(["pc", "cluster", "-f", path]).ok());
    assert_eq!(
        admin.requests(),
        ["/config_dump?mask=dynamic_active_clusters,dynamic_warming_clusters,static_clusters"]
    );
}
