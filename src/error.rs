//! The top-level error: one variant per layer, each reported once by [`crate::run`], which
//! adds the `meshscope: error: ` prefix and sanitises the line (names in it come from dumps,
//! manifests and archives). No variant's text carries the prefix itself.
//!
//! Exit codes live here too, so every command agrees on them (CLI.md "Exit codes").

use std::io;

use crate::analysis::fleet::FleetFailure;

/// Process exit codes; CLI.md is the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum ExitCode {
    /// Success, nothing to report.
    Ok = 0,
    /// The command found what it looks for (diff: differences, lint: findings, ...).
    Found = 1,
    /// An input could not be read or parsed, or the flags are wrong.
    Error = 2,
}

/// Everything that can stop a command. Each variant's text is one line; the path of the
/// offending input leads it where there is one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Usage(#[from] crate::cli::UsageError),
    #[error(transparent)]
    Source(#[from] crate::source::Error),
    #[error(transparent)]
    Resource(#[from] crate::source::resources::ResourceError),
    #[error(transparent)]
    Load(#[from] crate::envoy::LoadError),
    #[error(transparent)]
    Missing(#[from] crate::envoy::MissingError),
    #[error(transparent)]
    Lint(#[from] crate::lint::LintError),
    #[error(transparent)]
    Log(#[from] crate::analysis::log::LogError),
    /// `diff --what-if` could not build the predicted listener.
    #[error("{path}: predicting the listener failed: {error}")]
    Prediction {
        path: String,
        error: crate::analysis::diff::what_if::WhatIfError,
    },
    /// The predicted listener does not read back as a listener.
    #[error("{path}: predicting the listener failed: {error}")]
    PredictedListener {
        path: String,
        error: serde_json::Error,
    },
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    /// A pod (or source) of a fleet run that could not be read or processed; its line was
    /// written when it was recorded (it also appears in the fleet report).
    #[error("{}", .0.error)]
    Failed(FleetFailure),
    /// Several inputs failed; each is reported on its own line, in order.
    #[error("{}", many_line(.0))]
    Many(Vec<Error>),
    /// Writing to stdout failed (a closed pipe is not reported, see [`Error::is_broken_pipe`]).
    #[error("writing output: {0}")]
    Output(#[source] io::Error),
}

/// `Many` as one line, for callers that print an error inline; [`Error::lines`] is the
/// one-per-line form that `run` prints.
fn many_line(errors: &[Error]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl Error {
    /// The exit code this error ends the process with.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::Error
    }

    /// `meshscope ... | head` closes the pipe early; that is not an error (ripgrep, bat).
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Output(e) => e.kind() == io::ErrorKind::BrokenPipe,
            Error::Render(crate::render::RenderError::Io(e)) => {
                e.kind() == io::ErrorKind::BrokenPipe
            }
            _ => false,
        }
    }

    /// The lines to report, one per failed input (`Many` flattened), before sanitising.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Error::Many(errors) => errors.iter().flat_map(Error::lines).collect(),
            other => vec![other.to_string()],
        }
    }
}

/// Only for writes to the command's output: every other I/O error is wrapped by the layer
/// that did the I/O, with the path it concerns (`source::Error::Io`, ...).
impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Output(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Several failed inputs are reported one per line, in order, nested or not; no line
    /// carries the `meshscope: error: ` prefix, which `run` adds.
    #[test]
    fn many_is_one_line_per_input() {
        let missing = |path: &str| {
            Error::Missing(crate::envoy::MissingError::NoListeners { path: path.into() })
        };
        let err = Error::Many(vec![
            missing("a.json"),
            Error::Many(vec![missing("b.json"), missing("c.json")]),
        ]);
        assert_eq!(
            err.lines(),
            [
                "a.json: no listeners found",
                "b.json: no listeners found",
                "c.json: no listeners found"
            ]
        );
        assert!(err.lines().iter().all(|l| !l.contains("meshscope: error")));
    }
}
