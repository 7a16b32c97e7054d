//! `pc secret`: istioctl's certificate table on the real dump and the fixtures, and no key
//! material in any output format.

use crate::support::admin_server::{AdminServer, Fault};
use crate::support::{Test, assert_golden, real_dumps, rel};

#[test]
fn pc_secret_reproduces_istioctl_summary_block() {
    let Some(dir) = real_dumps() else { return };
    let refdir = dir.join("istioctl-reference");
    let summary = std::fs::read_to_string(refdir.join("proxyconfig-all-summary.txt")).unwrap();
    let dump = rel(&refdir.join("proxyconfig-config_dump.json"));
    // `pc all`'s block less its `secret/` prefix, which narrows the first column by 7.
    let block: Vec<&str> = summary
        .split("\n\n")
        .find(|b| b.starts_with("RESOURCE NAME"))
        .unwrap()
        .lines()
        .collect();
    let want: String = block
        .iter()
        .map(|l| {
            let (name, rest) = l.split_at(19);
            let name = name
                .trim_end()
                .strip_prefix("secret/")
                .unwrap_or(name.trim_end());
            format!("{name:<18}{rest}\n")
        })
        .collect();
    assert_eq!(Test::new(["pc", "secret", "-f", &dump]).ok(), want);
}

#[test]
fn goldens_for_every_format() {
    for fixture in [
        "istio-current-permissive.json",
        "istio-1.12-permissive.json",
        "istio-current-permissive.camel.yaml",
    ] {
        let path = format!("testdata/dumps/{fixture}");
        let stem = fixture.rsplit_once('.').map_or(fixture, |(s, _)| s);
        for (case, flags) in [
            ("short.txt", &[][..]),
            ("json", &["-o", "json"]),
            ("yaml", &["-o", "yaml"]),
        ] {
            let mut args = vec!["pc", "secret", "-f", &path];
            args.extend_from_slice(flags);
            assert_golden(&format!("pc-secret/{stem}.{case}"), &Test::new(&args).ok());
        }
    }
}

/// Private keys, passwords and generic secrets written in the clear (which Envoy's admin
/// never does) are printed as Envoy's redaction by every command and format.
#[test]
fn no_key_material_in_any_output() {
    const KEY: &str = "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1FU0hTQ09QRQ==";
    const PASSWORD: &str = "meshscope-planted-password";
    const GENERIC: &str = "bWVzaHNjb3BlLWdlbmVyaWM=";
    let dump = format!(
        r#"{{"configs":[
      {{"@type":"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump","bootstrap":{{"node":{{"id":"n"}},
        "static_resources":{{"secrets":[{{"name":"s","tls_certificate":{{"private_key":{{"inline_bytes":"{KEY}"}}}}}}]}}}}}},
      {{"@type":"type.googleapis.com/envoy.admin.v3.ClustersConfigDump","static_clusters":[{{"cluster":{{"name":"agent"}}}}]}},
      {{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","static_listeners":[{{"listener":{{"name":"l"}}}}]}},
      {{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump","static_route_configs":[{{"route_config":{{"name":"r"}}}}]}},
      {{"@type":"type.googleapis.com/envoy.admin.v3.SecretsConfigDump",
        "static_secrets":[{{"name":"g","secret":{{"generic_secret":{{"secret":{{"inline_bytes":"{GENERIC}"}}}}}}}}],
        "dynamic_active_secrets":[{{"name":"default","secret":{{"tlsCertificate":{{
          "privateKey":{{"inlineBytes":"{KEY}"}},"password":{{"inline_string":"{PASSWORD}"}}}}}}}}]}}]}}"#
    );
    for command in ["secret", "all", "bootstrap"] {
        for format in ["short", "json", "yaml", "jsonpath={..}"] {
            let args = ["pc", command, "-f", "-", "-o", format];
            let out = Test::new(args).stdin(dump.as_str()).run();
            assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
            for secret in [KEY, PASSWORD, GENERIC, "MESHSCOPE", "PRIVATE KEY"] {
                assert!(
                    !out.stdout.contains(secret) && !out.stderr.contains(secret),
                    "{args:?} printed key material: {}",
                    out.stdout
                );
            }
        }
    }
    let out = Test::new(["pc", "secret", "-f", "-", "-o", "json"])
        .stdin(dump.as_str())
        .run();
    // The key, the password and the generic secret, each as Envoy redacts a DataSource.
    assert_eq!(
        out.stdout.matches("W3JlZGFjdGVkXQ==").count(),
        3,
        "{}",
        out.stdout
    );
}

#[test]
fn missing_section_and_no_secrets() {
    let out = Test::new(["pc", "s", "-f", "testdata/dumps/warming-draining.json"]).run();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert_eq!(
        out.stderr,
        "meshscope: error: testdata/dumps/warming-draining.json: config dump has no \
         configuration type type.googleapis.com/envoy.admin.v3.SecretsConfigDump\n"
    );
    let dump = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.SecretsConfigDump",
      "static_secrets":[{"name":"s"}]}]}"#;
    let out = Test::new(["pc", "secrets", "-f", "-"]).stdin(dump).ok();
    assert_eq!(out, "No active or warming secrets found.\n");
}

#[test]
fn admin_fetch_asks_for_istioctls_secret_mask() {
    let path = "testdata/dumps/istio-current-permissive.json";
    let bytes = std::fs::read(crate::support::root().join(path)).unwrap();
    let admin = AdminServer::start(bytes, Fault::None);
    let live = Test::new(["pc", "secret", "--admin", &admin.url()]).ok();
    assert_eq!(live, Test::new(["pc", "secret", "-f", path]).ok());
    assert_eq!(
        admin.requests(),
        ["/config_dump?mask=dynamic_active_secrets,dynamic_warming_secrets"]
    );
}
