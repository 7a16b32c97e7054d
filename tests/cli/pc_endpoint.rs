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

/// A live proxy is read as istioctl's `pc endpoint` reads it: `/clusters?format=json`,
/// istioctl's `ENDPOINT STATUS OUTLIER CHECK CLUSTER` table. Its endpoints are the dump's
/// (the fake admin answers `/clusters` from the fixture's endpoints section, as Envoy
/// would), so the two tables agree row for row on address, status and cluster.
#[test]
fn live_reads_envoys_clusters_and_agrees_with_the_dump() {
    let path = "testdata/dumps/istio-current-permissive.json";
    let bytes = std::fs::read(crate::support::root().join(path)).unwrap();
    let admin = AdminServer::start(bytes.clone(), Fault::None);
    let live = Test::new(["pc", "endpoint", "--admin", &admin.url()]).ok();
    assert_eq!(admin.requests(), ["/clusters?format=json"]);
    assert_golden("pc-endpoint/live-clusters.short.txt", &live);

    let rows = |table: &str, name: usize, status: usize, cluster: usize| {
        let mut rows: Vec<(String, String, String)> = table
            .lines()
            .skip(1)
            .map(|l| {
                let cells: Vec<&str> = l.split_whitespace().collect();
                let name = cells[name].to_string();
                (name, cells[status].to_string(), cells[cluster].to_string())
            })
            .collect();
        rows.sort();
        rows
    };
    let from_dump = Test::new(["pc", "endpoint", "-f", path]).ok();
    // The eds table has LOCALITY before CLUSTER, empty for the static endpoints.
    let dump_rows: Vec<_> = from_dump
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            let last = cells.len() - 1;
            (
                cells[0].to_string(),
                cells[1].to_string(),
                cells[last].to_string(),
            )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Hosts repeat over subsets; the sets of rows match.
    let live_rows: Vec<_> = rows(&live, 0, 1, 3)
        .into_iter()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(live_rows, dump_rows);

    // The same output saved to a file (`curl …/clusters?format=json`) reads the same, with
    // the filters of istioctl's clusters writer.
    let saved = crate::support::admin_server::clusters_json(&bytes);
    let saved = String::from_utf8(saved).unwrap();
    assert_eq!(
        Test::new(["pc", "endpoint", "-f", "-"])
            .stdin(saved.as_str())
            .ok(),
        live
    );
    for (case, flags) in [
        ("address.txt", &["--address", "10.244.1.22"][..]),
        ("status-draining.txt", &["--status", "DRAINING"]),
        ("json", &["--port", "53", "-o", "json"]),
    ] {
        let mut args = vec!["pc", "endpoint", "-f", "-"];
        args.extend_from_slice(flags);
        let got = Test::new(&args).stdin(saved.as_str()).ok();
        assert_golden(&format!("pc-endpoint/live-clusters.{case}"), &got);
    }
}

/// Through the Kubernetes API: the port-forward asks the pod's admin for `/clusters`, and
/// `pc secret` for istioctl's secret mask.
#[test]
fn a_pod_is_read_through_a_port_forward() {
    use crate::support::apiserver::ApiServer;
    let path = "testdata/dumps/istio-current-permissive.json";
    let bytes = std::fs::read(crate::support::root().join(path)).unwrap();
    let admin = AdminServer::start(bytes, Fault::None);
    let api = ApiServer::start(crate::live::cluster(&admin));
    let out = crate::live::live(&api, &["endpoint", "httpbin-xxx.default"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let by_admin = Test::new(["pc", "endpoint", "--admin", &admin.url()]).ok();
    assert_eq!(out.stdout, by_admin);
    let out = crate::live::live(&api, &["secret", "httpbin-xxx.default"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, Test::new(["pc", "secret", "-f", path]).ok());
    assert_eq!(
        admin.requests(),
        [
            "/clusters?format=json",
            "/clusters?format=json",
            "/config_dump?mask=dynamic_active_secrets,dynamic_warming_secrets"
        ]
    );
}
