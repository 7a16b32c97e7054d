//! `pc endpoint` from a dump: istioctl's eds table on the real dump and the fixtures, its
//! filters, errors and live fetch.

use crate::support::admin_server::{AdminServer, Fault};
use crate::support::{Test, assert_golden, real_dumps, rel};

#[test]
fn pc_endpoint_reproduces_istioctl_summary_block() {
    let Some(dir) = real_dumps() else { return };
    let refdir = dir.join("istioctl-reference");
    let summary = std::fs::read_to_string(refdir.join("proxyconfig-all-summary.txt")).unwrap();
    let dump = rel(&refdir.join("proxyconfig-config_dump.json"));
    // `pc all`'s block less its `endpoint/` prefix, which narrows the first column by 9.
    let block = summary.split("\n\n").last().unwrap();
    let want: String = block
        .lines()
        .map(|l| {
            let (name, rest) = l.split_at(59);
            let name = name.trim_end();
            let name = name.strip_prefix("endpoint/").unwrap_or(name);
            format!("{name:<50}{rest}\n")
        })
        .collect();
    assert_eq!(Test::new(["pc", "endpoint", "-f", &dump]).ok(), want);
}

#[test]
fn goldens_for_every_format_and_filter() {
    for fixture in [
        "istio-current-permissive.json",
        "istio-current-permissive.camel.yaml",
    ] {
        let path = format!("testdata/dumps/{fixture}");
        let stem = fixture.rsplit_once('.').map_or(fixture, |(s, _)| s);
        for (case, flags) in [
            ("short.txt", &[][..]),
            ("json", &["-o", "json"]),
            ("yaml", &["-o", "yaml"]),
            ("address.txt", &["--address", "10.244.1.22:9080"]),
            ("port-53.txt", &["--port", "53"]),
            (
                "cluster.txt",
                &[
                    "--cluster",
                    "OUTBOUND|9080||reviews.default.svc.cluster.local",
                ],
            ),
            ("status-unhealthy.txt", &["--status", "unhealthy"]),
            ("status-json", &["--status", "draining", "-o", "json"]),
        ] {
            let mut args = vec!["pc", "ep", "-f", &path];
            args.extend_from_slice(flags);
            assert_golden(
                &format!("pc-endpoint/{stem}.{case}"),
                &Test::new(&args).ok(),
            );
        }
    }
}

#[test]
fn a_dump_without_endpoints_is_one_line_and_exit_2() {
    let path = "testdata/dumps/istio-1.12-permissive.json";
    let out = Test::new(["pc", "endpoints", "-f", path]).run();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert_eq!(
        out.stderr,
        format!(
            "meshscope: error: {path}: config dump has no configuration type \
             type.googleapis.com/envoy.admin.v3.EndpointsConfigDump\n"
        )
    );
}

#[test]
fn admin_fetch_asks_for_endpoints() {
    let path = "testdata/dumps/istio-current-permissive.json";
    let bytes = std::fs::read(crate::support::root().join(path)).unwrap();
    let admin = AdminServer::start(bytes, Fault::None);
    let live = Test::new(["pc", "endpoint", "--admin", &admin.url()]).ok();
    assert_eq!(live, Test::new(["pc", "endpoint", "-f", path]).ok());
    assert_eq!(admin.requests(), ["/config_dump?include_eds=true"]);
}
