//! meshscope: an istioctl-style toolkit for Envoy sidecars and Istio Wasm plugins.
//!
//! Data flows one way: `cli` → `cmd` → `source` → `envoy` model → `analysis` → `render`.
//! Only [`cmd`] wires the layers together; [`run`] parses arguments, dispatches, and
//! reports the one error (if any) as a single line.

#![deny(unsafe_code)]
// Modules are crate-private so that the compiler flags what nothing uses. That holds for
// the full tool; the library core alone (no `cli` feature: what fuzz/ builds) leaves the
// commands out, and with them the only users of most of the crate.
#![cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]

pub(crate) mod analysis;
#[cfg(feature = "cli")]
pub(crate) mod cli;
#[cfg(feature = "cli")]
pub(crate) mod cmd;
pub(crate) mod envoy;
#[cfg(feature = "cli")]
pub(crate) mod error;
pub(crate) mod istio;
pub(crate) mod lint;
pub(crate) mod render;
pub(crate) mod source;
pub(crate) mod util;

pub mod internals;

#[cfg(feature = "cli")]
use std::ffi::OsString;
#[cfg(feature = "cli")]
use std::io::{self, Write};

#[cfg(feature = "cli")]
pub use error::{Error, ExitCode};

#[cfg(feature = "cli")]
/// Runs meshscope with `args` (program name first) and returns the process exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    let mut command = cli::command();
    if is_kubectl_plugin(args.first()) {
        // kubectl runs `kubectl-meshscope` for `kubectl meshscope`: usage lines say so.
        command = command.bin_name("kubectl meshscope");
    }
    let cli = match cli::parse(command, args) {
        Ok(cli) => cli,
        Err(err) => return report_usage(err),
    };
    // Stdout is line-buffered: a 50,000-line report would cost one write call per line.
    // Commands write their whole output before they return, so it is buffered here and
    // flushed once (and before an error line, so the two keep their order).
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut warnings = Vec::new();
    let result = cmd::dispatch(cli, &mut out, &mut warnings).and_then(|code| {
        out.flush().map_err(Error::Output)?;
        Ok(code)
    });
    // Warnings follow the output (and precede an error line); like errors, they carry
    // names from dumps, escaped here.
    if !warnings.is_empty() {
        let _ = out.flush();
        for line in &warnings {
            eprintln!("meshscope: warning: {}", util::sanitize::sanitize(line));
        }
    }
    match result {
        Ok(code) => code as i32,
        Err(err) if err.is_broken_pipe() => ExitCode::Ok as i32,
        Err(err) => {
            let _ = out.flush();
            // The one place errors reach the terminal: names in them come from dumps,
            // manifests and archives, so control characters are escaped here, once.
            for line in err.lines() {
                eprintln!("meshscope: error: {}", util::sanitize::sanitize(&line));
            }
            err.exit_code() as i32
        }
    }
}

#[cfg(feature = "cli")]
/// Whether the program was started as kubectl's plugin binary, `kubectl-meshscope`.
fn is_kubectl_plugin(program: Option<&OsString>) -> bool {
    program
        .and_then(|p| std::path::Path::new(p).file_stem())
        .is_some_and(|stem| stem == "kubectl-meshscope")
}

#[cfg(feature = "cli")]
/// Help and version go to stdout with exit 0; a usage error is clap's whole message (what
/// is wrong, its suggestion or the valid values, the usage line) on stderr, exit 2
/// (CLI.md).
fn report_usage(err: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::Error as i32
            } else {
                ExitCode::Ok as i32
            }
        }
        _ => {
            let _ = err.print();
            ExitCode::Error as i32
        }
    }
}
