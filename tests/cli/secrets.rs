//! Issue #8, secrets: no command prints a dump's secrets section, no error message repeats a
//! credential from the kubeconfig, and TLS verification stays on unless the kubeconfig
//! turns it off.

use std::path::{Path, PathBuf};

use crate::support::Test;
use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};

/// Plain and base64 forms of the marker planted where a secret would be.
const MARKER: &str = "MESHSCOPE-PLANTED-PRIVATE-KEY";
const MARKER_B64: &str = "TUVTSFNDT1BFLVBMQU5URUQtUFJJVkFURS1LRVk=";
const TOKEN: &str = "meshscope-planted-bearer-token-0123456789";

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("meshscope-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A real fixture whose secrets section carries the marker as inline bytes (base64, as the
/// admin API prints them) and as an inline string.
fn dump_with_planted_secret(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let mut dump: serde_json::Value = serde_json::from_str(&text).unwrap();
    let configs = dump["configs"].as_array_mut().unwrap();
    let secrets = configs
        .iter_mut()
        .find(|c| {
            c["@type"]
                .as_str()
                .is_some_and(|t| t.ends_with("SecretsConfigDump"))
        })
        .expect("the fixture has a secrets section");
    secrets["dynamic_active_secrets"] = serde_json::json!([{
        "name": "default",
        "version_info": "1",
        "secret": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
            "name": "default",
            "tls_certificate": {
                "certificate_chain": {"inline_string": MARKER},
                "private_key": {"inline_bytes": MARKER_B64}
            }
        }
    }]);
    serde_json::to_string_pretty(&dump).unwrap()
}

fn assert_no_marker(args: &[&str], stdout: &str, stderr: &str) {
    for secret in [MARKER, MARKER_B64, TOKEN] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "`meshscope {}` printed a secret",
            args.join(" ")
        );
    }
}

#[test]
fn the_secrets_section_is_never_printed() {
    let dir = TempDir::new("secrets");
    let root = crate::support::root();
    let dump = dir.write(
        "dump.json",
        &dump_with_planted_secret(&root.join("testdata/dumps/istio-current-permissive.json")),
    );
    // The planted dump is still a dump every command reads.
    let d = dump.as_str();
    let runs: Vec<Vec<&str>> = vec![
        vec!["pc", "listener", "-f", d],
        vec!["pc", "listener", "-f", d, "-o", "wide"],
        vec!["pc", "listener", "-f", d, "-o", "json"],
        vec!["pc", "listener", "-f", d, "-o", "yaml"],
        vec!["pc", "listener", "-f", d, "-o", "jsonpath={..}"],
        vec!["pc", "ecds", "-f", d, "-o", "json"],
        vec!["pc", "ecds", "-f", d, "-o", "yaml"],
        vec!["pc", "ecds", "-f", d, "-o", "wide"],
        vec!["explain", "-f", d, "--port", "15006"],
        vec!["explain", "-f", d, "--port", "15006", "-o", "json"],
        vec!["wasm", "count", "-f", d, "-o", "json"],
        vec!["wasm", "count", "-f", d, "-o", "yaml"],
        vec!["diff", "-f", d, "-f", d],
        vec!["diff", "-f", d, "-f", d, "-o", "json"],
        vec!["diff", "-f", d, "--what-if", "STRICT", "-o", "json"],
        vec!["lint", "--dump", d, "-o", "json"],
    ];
    for args in &runs {
        let out = Test::new(args).run();
        assert_ne!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stdout.is_empty(), "{args:?} printed nothing");
        assert_no_marker(args, &out.stdout, &out.stderr);
    }
    // The admin endpoint serves the same dump: nothing of it leaks either.
    let admin = AdminServer::start(std::fs::read(&dump).unwrap(), Fault::None);
    let url = admin.url();
    let args = ["pc", "listener", "--admin", url.as_str(), "-o", "json"];
    let out = Test::new(args).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_no_marker(&args, &out.stdout, &out.stderr);
}

/// A kubeconfig user with a bearer token, for a cluster at `server`.
fn token_kubeconfig(server: &str, cluster_extra: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n{cluster_extra}users:\n- name: u\n  user:\n    token: {TOKEN}\ncontexts:\n- name: c\n  context: {{cluster: c, user: u}}\ncurrent-context: c\n"
    )
}

#[test]
fn credentials_never_reach_an_error_message() {
    let dir = TempDir::new("credentials");
    let api = ApiServer::start(FakeCluster::default().pod(FakePod::new("p", "default")));
    let cases = [
        // Nothing listens there.
        dir.write(
            "refused",
            &token_kubeconfig("https://127.0.0.1:1", "    insecure-skip-tls-verify: true\n"),
        ),
        // The test server demands a client certificate; a token alone is refused.
        dir.write(
            "no-cert",
            &token_kubeconfig(
                &format!("https://{}", api.addr),
                "    insecure-skip-tls-verify: true\n",
            ),
        ),
        // A kubeconfig that does not parse, with the token beside the mistake.
        dir.write(
            "broken",
            &format!(
                "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: {TOKEN}\n    exec: [{TOKEN}]\ncontexts: {TOKEN}\n"
            ),
        ),
    ];
    // The parse error is placed in the file, without the parser's excerpt of the lines
    // around it (which held the token).
    let out = Test::new(["pc", "listener", "p", "--kubeconfig", &cases[2]]).run();
    assert_eq!(
        out.stderr,
        format!(
            "meshscope: error: {}:7:11: invalid kubeconfig: expected mapping start\n",
            cases[2]
        )
    );
    for kubeconfig in &cases {
        for args in [
            vec!["pc", "listener", "p", "--kubeconfig", kubeconfig],
            vec!["wasm", "count", "-A", "--kubeconfig", kubeconfig],
        ] {
            let out = Test::new(&args).run();
            assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
            assert!(
                out.stderr.starts_with("meshscope: error: "),
                "{}",
                out.stderr
            );
            assert_no_marker(&args, &out.stdout, &out.stderr);
        }
    }
}

#[test]
fn tls_verification_stays_on_unless_the_kubeconfig_turns_it_off() {
    let dir = TempDir::new("tls-verify");
    let admin = AdminServer::start(
        std::fs::read(crate::support::root().join("testdata/dumps/istio-current-permissive.json"))
            .unwrap(),
        Fault::None,
    );
    let api =
        ApiServer::start(FakeCluster::default().pod(FakePod::new("p", "default").admin(&admin)));
    // The test server's own kubeconfig, minus the line that trusts its CA: the server's
    // certificate is then checked against the system roots, and must be refused.
    let trusted = std::fs::read_to_string(&api.kubeconfig).unwrap();
    let untrusted: String = trusted
        .lines()
        .filter(|l| !l.trim_start().starts_with("certificate-authority:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(trusted, untrusted);
    let untrusted = dir.write("untrusted", &untrusted);
    let out = Test::new(["pc", "listener", "p", "--kubeconfig", &untrusted]).run();
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.to_lowercase().contains("certificate"),
        "{}",
        out.stderr
    );
    // The kubeconfig's own switch turns verification off, as kubectl's does.
    let skip = untrusted.replace("untrusted", "skip");
    std::fs::write(
        &skip,
        std::fs::read_to_string(&untrusted).unwrap().replace(
            "  cluster:\n",
            "  cluster:\n    insecure-skip-tls-verify: true\n",
        ),
    )
    .unwrap();
    let out = Test::new(["pc", "listener", "p", "--kubeconfig", &skip]).run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    // And with the CA, of course.
    let out = Test::new(["pc", "listener", "p", "--kubeconfig", api.kubeconfig_str()]).run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
}
