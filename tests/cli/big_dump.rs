//! A dump big enough for the loader to parse its sections apart and decode listeners on
//! every core gives the same output as the same dump read in one pass on one thread.
//!
//! The reference is the same dump with one section's "@type" written after another field:
//! the loader cannot see where that section starts, so it parses the whole document in
//! one pass (the shape every dump had before sections were parsed apart).

use std::fmt::Write as _;
use std::path::Path;

use crate::support::Test;

/// Above the 4 MiB from which the loader splits a dump.
const PADDING_CLUSTERS: usize = 12_000;
const LISTENERS: usize = 300;

/// How a listener of the test dump is broken.
#[derive(Clone, Copy, PartialEq)]
enum Broken {
    No,
    /// Where it binds does not read: found by the listener heads of a `--port` query.
    Port,
    /// Its chains do not read: found only when the listener is decoded.
    Chains,
}

fn listener(i: usize, broken: Broken) -> String {
    let port = if broken == Broken::Port {
        "true".to_string()
    } else {
        (10_000 + i).to_string()
    };
    let chains = if broken == Broken::Chains {
        "[1, "
    } else {
        "["
    };
    format!(
        r#"{{"name": "l{i}", "active_state": {{"version_info": "v1", "listener": {{
  "@type": "type.googleapis.com/envoy.config.listener.v3.Listener", "name": "10.0.{a}.{b}_{p}",
  "address": {{"socket_address": {{"address": "10.0.{a}.{b}", "port_value": {port}}}}},
  "filter_chains": {chains}{{"filters": [{{"name": "envoy.filters.network.http_connection_manager",
    "typed_config": {{"@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
      "stat_prefix": "s{i}", "rds": {{"route_config_name": "{p}"}},
      "http_filters": [
        {{"name": "extensions.istio.io/wasmplugin/default.plugin", "config_discovery": {{"config_source": {{"ads": {{}}}},
          "type_urls": ["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}}}},
        {{"name": "envoy.filters.http.router", "typed_config": {{"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"}}}}]}}}}]}}],
  "traffic_direction": "OUTBOUND"}}, "last_updated": "2026-01-01T00:00:00Z"}}}}"#,
        a = i / 250,
        b = i % 250,
        p = 10_000 + i,
    )
}

/// The dump's text; `late_type` writes the clusters section's "@type" after its list.
fn dump(late_type: bool, broken: &[(usize, Broken)]) -> String {
    let mut clusters = String::new();
    for i in 0..PADDING_CLUSTERS {
        if i > 0 {
            clusters.push_str(",\n");
        }
        write!(
            clusters,
            r#"{{"version_info": "v1", "cluster": {{"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster", "name": "outbound|{p}||svc-{i}.default.svc.cluster.local", "type": "EDS", "connect_timeout": "10s", "lb_policy": "LEAST_REQUEST", "eds_cluster_config": {{"eds_config": {{"ads": {{}}, "resource_api_version": "V3"}}, "service_name": "outbound|{p}||svc-{i}.default.svc.cluster.local"}}}}, "last_updated": "2026-01-01T00:00:00Z"}}"#,
            p = 10_000 + i % LISTENERS,
        )
        .unwrap();
    }
    let clusters_type = r#""@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump""#;
    let clusters = if late_type {
        format!("{{\"dynamic_active_clusters\": [\n{clusters}],\n {clusters_type}}}")
    } else {
        format!("{{{clusters_type},\n \"dynamic_active_clusters\": [\n{clusters}]}}")
    };
    let listeners: Vec<String> = (0..LISTENERS)
        .map(|i| {
            let how = broken.iter().find(|(at, _)| *at == i);
            listener(i, how.map_or(Broken::No, |(_, how)| *how))
        })
        .collect();
    format!(
        r#"{{
 "configs": [
  {{"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump", "bootstrap": {{"node": {{
    "id": "sidecar~10.244.0.7~big-0.default~default.svc.cluster.local",
    "metadata": {{"NAMESPACE": "default", "ISTIO_VERSION": "1.30.0", "LABELS": {{"app": "big"}}}}}}}}}},
  {clusters},
  {{"@type": "type.googleapis.com/envoy.admin.v3.EcdsConfigDump", "ecds_filters": [{{"version_info": "1",
    "ecds_filter": {{"@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
      "name": "extensions.istio.io/wasmplugin/default.plugin",
      "typed_config": {{"@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
        "config": {{"vm_config": {{"runtime": "envoy.wasm.runtime.v8"}}}}}}}}}}]}},
  {{"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump", "version_info": "v1",
   "dynamic_listeners": [
{}
  ]}}
 ]
}}
"#,
        listeners.join(",\n")
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    assert!(text.len() > 4 << 20, "{name} is too small to be split");
    path.display().to_string()
}

#[test]
fn split_and_one_pass_loads_print_the_same() {
    if std::thread::available_parallelism().map_or(1, usize::from) < 2 {
        eprintln!(
            "notice: one core here, so the loader parses in one pass; this compares it with itself"
        );
    }
    let dir = tempfile_dir("same");
    let split = write(&dir, "split.json", &dump(false, &[]));
    let whole = write(&dir, "whole.json", &dump(true, &[]));
    for args in [
        &["pc", "listener"][..],
        &["pc", "listener", "-o", "wide"],
        &["pc", "listener", "--port", "10123"],
        &["pc", "ecds"],
        // No resources: every plugin is not checked, which is not what this compares.
        &["wasm", "count", "-o", "json", "--fail-on-unchecked=false"],
        &["explain", "--port", "10042"],
    ] {
        let run = |file: &str| {
            let mut argv: Vec<&str> = args.to_vec();
            argv.extend(["-f", file]);
            Test::new(argv).run()
        };
        let (a, b) = (run(&split), run(&whole));
        assert_eq!(a.code, 0, "{args:?}: {}", a.stderr);
        assert_eq!(a.code, b.code, "{args:?}");
        // The file names differ; everything else must not.
        let a = a.stdout.replace(&split, "F");
        let b = b.stdout.replace(&whole, "F");
        assert_eq!(a, b, "{args:?}");
    }
    // And the listing has every listener (plus the header).
    let out = Test::new(["pc", "listener", "-f", &split]).run();
    assert_eq!(out.stdout.lines().count(), LISTENERS + 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn of_two_broken_listeners_decoded_on_every_core_the_first_is_reported() {
    let dir = tempfile_dir("broken");
    // Both found by the listener heads (`--port`) or by decoding every listener.
    let path = write(
        &dir,
        "ports.json",
        &dump(false, &[(270, Broken::Port), (130, Broken::Port)]),
    );
    // With `--port 10130` the heads stop at listener 270; listener 130, before it, is on
    // the port and fails only when decoded: its error comes first in dump order.
    let chains = write(
        &dir,
        "chains.json",
        &dump(false, &[(270, Broken::Port), (130, Broken::Chains)]),
    );
    let runs: [Vec<&str>; 6] = [
        vec!["pc", "listener", "-f", &path],
        vec!["pc", "listener", "--port", "10200", "-f", &path],
        vec!["pc", "listener", "-f", &chains],
        vec!["pc", "listener", "--port", "10130", "-f", &chains],
        vec!["explain", "--port", "10130", "-f", &chains],
        // diff decodes every listener of both sides.
        vec!["diff", "-f", &chains, "-f", &path],
    ];
    for argv in runs {
        let out = Test::new(argv.clone()).run();
        assert_eq!(out.code, 2, "{argv:?}");
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(
            out.stderr
                .contains("configs[3].dynamic_listeners[130].active_state.listener"),
            "{argv:?}: {}",
            out.stderr
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn tempfile_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("meshscope-big-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
