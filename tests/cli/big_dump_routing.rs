//! A dump big enough to be parsed apart gives `pc route` and `pc endpoint` tables that read
//! their section in the parse itself (one scan, `envoy::dump::reduce_listed` through a
//! section hook) exactly what the one-pass load (`MESHSCOPE_PLAIN=split`) gives, and a bad
//! route configuration or load assignment is reported the same way by both: the hook gives
//! the section back and the ordinary load reports it.
//! See: #15 (point 5)

use std::fmt::Write as _;

use crate::support::Test;

/// Route configurations and load assignments: together above the 4 MiB split threshold.
const CONFIGS: usize = 6_000;

/// The dump; `broken` makes configuration (and assignment) `at` unreadable.
fn dump(broken: Option<usize>) -> String {
    let (mut routes, mut endpoints) = (String::new(), String::new());
    for i in 0..CONFIGS {
        let sep = if i > 0 { ",\n" } else { "" };
        let vhosts = if broken == Some(i) {
            "7".to_string()
        } else {
            format!(
                r#"[{{"name": "svc-{i}.default.svc.cluster.local:{p}", "domains": ["svc-{i}.default.svc.cluster.local", "svc-{i}"],
  "routes": [{{"name": "default", "match": {{"prefix": "/"}}, "route": {{"cluster": "outbound|{p}||svc-{i}.default.svc.cluster.local", "timeout": "0s"}},
   "metadata": {{"filter_metadata": {{"istio": {{"config": "/apis/networking.istio.io/v1/namespaces/default/virtual-service/vs-{i}"}}}}}}}}]}}]"#,
                p = 8000 + i % 50
            )
        };
        write!(
            routes,
            r#"{sep}{{"version_info": "v{i}", "route_config": {{"@type": "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "name": "{p}", "virtual_hosts": {vhosts}}}, "last_updated": "2026-01-01T00:00:00Z"}}"#,
            p = 8000 + i
        )
        .unwrap();
        let lb = if broken == Some(i) {
            r#""x""#.to_string()
        } else {
            format!(
                r#"[{{"endpoint": {{"address": {{"socket_address": {{"address": "10.1.{a}.{b}", "port_value": 8080}}}}}}, "health_status": "HEALTHY", "load_balancing_weight": 1}}]"#,
                a = i / 250,
                b = i % 250
            )
        };
        write!(
            endpoints,
            r#"{sep}{{"endpoint_config": {{"@type": "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", "cluster_name": "outbound|8080||svc-{i}.default.svc.cluster.local",
  "endpoints": [{{"locality": {{}}, "lb_endpoints": {lb}}}]}}}}"#
        )
        .unwrap();
    }
    format!(
        r#"{{"configs": [
  {{"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump", "bootstrap": {{"node": {{"id": "sidecar~10.244.0.7~big-0.default~default.svc.cluster.local"}}}}}},
  {{"@type": "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump", "dynamic_endpoint_configs": [
{endpoints}]}},
  {{"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", "dynamic_route_configs": [
{routes}]}}
]}}
"#
    )
}

fn file(name: &str, text: &str) -> std::path::PathBuf {
    assert!(text.len() > 4 << 20, "{name} is too small to be split");
    let dir = std::env::temp_dir().join(format!("meshscope-big-routing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn both(path: &std::path::Path, args: &[&str]) -> (crate::support::Output, crate::support::Output) {
    let mut argv: Vec<&str> = args.to_vec();
    let f = path.to_str().unwrap();
    argv.extend(["-f", f]);
    let apart = Test::new(argv.clone()).run();
    let whole = Test::new(argv).env("MESHSCOPE_PLAIN", "split").run();
    (apart, whole)
}

#[test]
fn tables_read_in_the_parse_equal_the_one_pass_load() {
    let path = file("good.json", &dump(None));
    for args in [
        &["pc", "route"][..],
        &["pc", "route", "--verbose=false"],
        &["pc", "route", "--name", "8042"],
        &["pc", "endpoint"],
        &[
            "pc",
            "endpoint",
            "--cluster",
            "outbound|8080||svc-7.default.svc.cluster.local",
        ],
    ] {
        let (apart, whole) = both(&path, args);
        assert_eq!((apart.code, apart.stderr.as_str()), (0, ""), "{args:?}");
        assert_eq!(apart.stdout, whole.stdout, "{args:?}");
    }
    let (route, _) = both(&path, &["pc", "route"]);
    assert_eq!(route.stdout.lines().count(), CONFIGS + 1);
    let _ = std::fs::remove_file(path);
}

#[test]
fn a_bad_configuration_is_reported_as_the_one_pass_load_reports_it() {
    let path = file("bad.json", &dump(Some(4_321)));
    for args in [&["pc", "route"][..], &["pc", "endpoint"]] {
        let (apart, whole) = both(&path, args);
        assert_eq!(apart.code, 2, "{args:?}: {}", apart.stdout);
        assert_eq!(
            (apart.stdout.as_str(), apart.stderr.as_str()),
            (whole.stdout.as_str(), whole.stderr.as_str()),
            "{args:?}"
        );
        assert!(apart.stderr.contains("[4321]"), "{}", apart.stderr);
    }
    let _ = std::fs::remove_file(path);
}
