//! The top-level error: one variant per layer, each reported once by [`crate::run`].
//!
//! Exit codes live here too, so every command agrees on them (CLI.md "Exit codes").

use std::io;

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
    Source(#[from] crate::source::Error),
    #[error(transparent)]
    Load(#[from] crate::envoy::LoadError),
    #[error(transparent)]
    Command(#[from] crate::cmd::CommandError),
    #[error(transparent)]
    Lint(#[from] crate::cmd::LintError),
    #[error(transparent)]
    Diff(#[from] crate::cmd::DiffError),
    #[error(transparent)]
    Fleet(#[from] crate::cmd::FleetError),
    #[error(transparent)]
    Resource(#[from] crate::cmd::ResourceError),
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    /// Writing to stdout failed (a closed pipe is not reported, see [`Error::is_broken_pipe`]).
    #[error("writing output: {0}")]
    Output(#[source] io::Error),
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
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Output(e)
    }
}
