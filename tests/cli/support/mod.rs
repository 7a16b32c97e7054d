//! Shared helpers for CLI tests: run the built binary with arguments and stdin, from the
//! repository root, and compare outputs with golden files (snapbox; `SNAPSHOTS=overwrite`).

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The repository root (tests run the binary from there so paths in outputs are relative).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run produced.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A builder for one run of `meshscope`.
#[derive(Debug, Default)]
pub struct Test {
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    env: Vec<(String, String)>,
}

impl Test {
    /// A run with these arguments.
    pub fn new<I, S>(args: I) -> Test
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Test {
            args: args.into_iter().map(|a| a.as_ref().to_string()).collect(),
            ..Test::default()
        }
    }

    /// Feeds `bytes` on stdin.
    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Test {
        self.stdin = Some(bytes.into());
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Test {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs the binary and collects its output.
    pub fn run(self) -> Output {
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
            child
                .stdin
                .take()
                .expect("stdin is piped")
                .write_all(&bytes)
                .expect("write stdin");
        }
        let out = child.wait_with_output().expect("wait for meshscope");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Compares `actual` with the golden file at `path` (relative to the root), byte for byte.
#[track_caller]
pub fn assert_golden(actual: &str, path: &str) {
    let path = root().join(path);
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .eq(
            actual.to_string(),
            snapbox::Data::read_from(Path::new(&path), Some(snapbox::data::DataFormat::Text)).raw(),
        );
}
