//! Shared test helpers: run the binary, compare goldens, find the shared real dumps, and
//! the live fakes: an Envoy admin endpoint (`admin_server`) and a Kubernetes API server
//! with TLS, kubeconfig and port-forward (`apiserver`). The fakes run on one background
//! runtime ([`runtime`]) for the whole test binary; each test starts its own instances.

#![allow(dead_code)]

pub mod admin_server;
mod api_json;
pub mod apiserver;
mod portforward;
mod tls;

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
        }
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn run(self) -> Output {
        use std::io::Write;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_meshscope"));
        cmd.args(&self.args)
            .current_dir(root())
            .env_remove("NO_COLOR")
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn meshscope");
        if let Some(bytes) = self.stdin {
            child.stdin.take().unwrap().write_all(&bytes).unwrap();
        }
        let out = child.wait_with_output().unwrap();
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
