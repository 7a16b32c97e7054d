//! Shared test helpers: run the binary, compare goldens, find the shared real dumps, and
//! the live fakes: an Envoy admin endpoint (`admin_server`) and a Kubernetes API server
//! with TLS, kubeconfig and port-forward (`apiserver`). The fakes run on one background
//! runtime ([`runtime`]) for the whole test binary; each test starts its own instances.
//!
//! # The test cluster, for live and fleet tests
//!
//! A live test starts one [`admin_server::AdminServer`] per distinct proxy behaviour (a
//! dump and a [`admin_server::Fault`]), describes the pods in an
//! [`apiserver::FakeCluster`], starts an [`apiserver::ApiServer`] on it and passes
//! `--kubeconfig api.kubeconfig_str()` to the binary. Everything is on 127.0.0.1; nothing
//! needs a real cluster.
//!
//! ```ignore
//! let good = AdminServer::start(dump.clone(), Fault::None);
//! let slow = AdminServer::start(dump, Fault::Delay(Duration::from_secs(10)));
//! let api = ApiServer::start(
//!     FakeCluster::default()
//!         .pod(FakePod::new("web-1", "default").labels(&[("app", "web")]).admin(&good)
//!             .owner("ReplicaSet", "web-5d9f8c7b6"))
//!         .pod(FakePod::new("web-2", "default").labels(&[("app", "web")]).admin(&slow))
//!         .pod(FakePod::new("web-3", "secret").labels(&[("app", "web")]).admin(&good))
//!         .forbid("secret")                       // 403 on everything in "secret"
//!         .wasm_plugins(&[&plugin_yaml]),          // serves the WasmPlugin CRD and these
//! );
//! let out = Test::new(["wasm", "count", "-l", "app=web", "-A", "--timeout", "1s",
//!                      "--kubeconfig", api.kubeconfig_str()])
//!     .deadline(Duration::from_secs(60))           // kill and fail if it hangs
//!     .run();
//! ```
//!
//! Knobs, by what they simulate:
//! - **latency**: `Fault::Delay(d)` on the admin server (each answer waits `d`);
//! - **timeouts**: a `Delay` longer than `--timeout`, or `Fault::Stall` (half the body,
//!   then silence with the connection open: only the client's time bound ends it);
//! - **dropped connections mid-body**: `Fault::Reset` (half the body, then RST), and
//!   `FakePod::forward_drops` (the port-forward WebSocket closes at once, no message);
//! - **truncated bodies**: `Fault::Truncate` (the declared length is never reached) and
//!   `Fault::CutDump` (a complete HTTP answer carrying half a dump: a parse error);
//! - **API errors**: `FakeCluster::forbid(ns)` (403 `Status` for gets, lists and
//!   port-forwards in `ns`), unknown pods and deployments (404), no WasmPlugin CRD (the
//!   default), `forbid_wasm_plugins` (403 on the cluster-wide list), a port nothing
//!   listens on (`--proxy-admin-port`: the kubelet's error on the port-forward's error
//!   channel);
//! - **pod shapes**: `pending()`, `without_sidecar()` (both skipped by fleet listings),
//!   `owner(kind, name)` (`ownerReferences`), labels, `context_namespace`, deployments;
//! - **RBAC**: `FakeCluster::rbac(Rbac::from_manifest(text, "ClusterRole", name))`
//!   allows only what those rules grant (403 `Status` with the API server's wording
//!   otherwise); discovery stays open;
//! - **several clusters**: start one `ApiServer` each and join them with
//!   [`apiserver::ApiServer::merged_kubeconfig`] (one context per server).
//!
//! `AdminServer::requests()` lists what each proxy was asked (e.g. the `?mask=` query).

#![allow(dead_code)]

mod admin_logging;
pub mod admin_server;
mod api_json;
pub mod apiserver;
mod portforward;
pub mod rbac;
mod tls;
pub mod wasm_run;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run of `meshscope` produced.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Builds one invocation of the binary (just's `Test` builder, reduced).
pub struct Test {
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    env: Vec<(String, String)>,
    env_removed: Vec<String>,
    deadline: Option<std::time::Duration>,
}

impl Test {
    pub fn new<I, S>(args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Test {
            args: args.into_iter().map(|a| a.as_ref().to_string()).collect(),
            stdin: None,
            env: Vec::new(),
            env_removed: Vec::new(),
            deadline: None,
        }
    }

    /// Kills the run and fails the test if it has not ended after `limit` (a guard against
    /// hangs, not a performance assertion: pick a generous bound).
    pub fn deadline(mut self, limit: std::time::Duration) -> Self {
        self.deadline = Some(limit);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs without `key` in the environment (e.g. `COLUMNS`, which clap reads).
    pub fn env_remove(mut self, key: &str) -> Self {
        self.env_removed.push(key.into());
        self
    }

    pub fn run(self) -> Output {
        use std::io::Write;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_meshscope"));
        cmd.args(&self.args)
            .current_dir(root())
            .env_remove("NO_COLOR")
            // A width asked for by the environment would fit the tables: tests set their own.
            .env_remove("COLUMNS")
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for k in &self.env_removed {
            cmd.env_remove(k);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn meshscope");
        if let Some(bytes) = self.stdin {
            child.stdin.take().unwrap().write_all(&bytes).unwrap();
        }
        let watchdog = self.deadline.map(|limit| {
            let pid = child.id();
            let (done, wait) = std::sync::mpsc::channel::<()>();
            let thread = std::thread::spawn(move || {
                if wait.recv_timeout(limit).is_err() {
                    // Still running: kill it (by its pid, which we own) so the test fails
                    // with a message instead of hanging.
                    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                    return true;
                }
                false
            });
            (done, thread)
        });
        let out = child.wait_with_output().unwrap();
        if let Some((done, thread)) = watchdog {
            let _ = done.send(());
            let killed = thread.join().unwrap();
            assert!(
                !killed,
                "meshscope {} did not end within {:?}",
                self.args.join(" "),
                self.deadline
            );
        }
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }

    /// Runs and asserts success with empty stderr; returns stdout.
    pub fn ok(self) -> String {
        let args = self.args.join(" ");
        let out = self.run();
        assert_eq!(out.code, 0, "meshscope {args}\nstderr: {}", out.stderr);
        assert_eq!(out.stderr, "", "meshscope {args}");
        out.stdout
    }
}

/// The runtime the fake servers run on, shared by every test of the binary.
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

/// The crate root (tests run from there, so relative testdata paths work).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with the golden file (relative to `testdata/golden/`).
/// `SNAPSHOTS=overwrite cargo test` rewrites it.
pub fn assert_golden(relative: &str, actual: &str) {
    let path = root().join("testdata/golden").join(relative);
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .normalize_paths(false)
        .eq(
            snapbox::Data::text(actual).raw(),
            snapbox::Data::read_from(&path, None).raw(),
        );
}

/// `../shared/real-dumps`, or `None` (with a notice) when absent outside CI.
/// Under `CI=true` the folder is always there, so its absence fails the test.
pub fn real_dumps() -> Option<PathBuf> {
    let dir = root().join("../shared/real-dumps");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{} is missing, and CI=true requires it", dir.display());
    }
    eprintln!("notice: skipping: {} is absent", dir.display());
    None
}

/// `path` relative to the crate root, as the binary sees it.
pub fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Generated files in `dir` equal `generated` (name, bytes): none missing, none stale, and no
/// file left over among those `ours` claims. `SNAPSHOTS=overwrite` rewrites them instead;
/// `how` says how to regenerate (the man pages, the rule pages).
pub fn assert_generated(
    dir: &Path,
    generated: &[(String, Vec<u8>)],
    ours: impl Fn(&str) -> bool,
    how: &str,
) {
    let overwrite = std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite");
    let mut stale = Vec::new();
    for (file, content) in generated {
        let path = dir.join(file);
        if std::fs::read(&path).ok().as_deref() != Some(content.as_slice()) {
            if overwrite {
                std::fs::create_dir_all(dir).unwrap();
                std::fs::write(&path, content).unwrap();
            } else {
                stale.push(file.clone());
            }
        }
    }
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if ours(&name) && !generated.iter().any(|(f, _)| *f == name) {
            if overwrite {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                stale.push(format!("{name} (left over)"));
            }
        }
    }
    assert!(stale.is_empty(), "stale: {stale:?}; run `{how}`");
}
