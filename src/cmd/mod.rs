//! One file per subcommand; the only layer that calls all the others.

mod completion;
mod diff;
mod diff_policy;
mod explain;
mod fleet;
mod input;
mod lint;
mod listener_select;
mod proxy_config_ecds;
mod proxy_config_listener;
mod resources;
mod wasm_count;

use std::io::Write;

use crate::cli::{Cli, ColorChoice, Command, ProxyConfigCommand, WasmCommand};
use crate::envoy::dump::{LISTENERS_TYPE, ListenersSection};
use crate::envoy::{Document, Sections};
use crate::error::{Error, ExitCode};

pub use diff::DiffError;
pub use fleet::FleetError;
pub use lint::LintError;
pub use resources::ResourceError;

/// Command-level failures: wrong flag combinations, or a dump without what was asked for.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// istioctl's wording for "give me exactly one of POD or --file".
    #[error("{0} requires pod name or --file parameter")]
    NeedsOneInput(&'static str),
    #[error("{0}: no listeners found")]
    NoListeners(String),
    #[error("{path}: {}config dump has no configuration type {type_url}", wording.prefix())]
    MissingSection {
        path: String,
        wording: SectionWording,
        type_url: &'static str,
    },
    #[error("{path}: no active listener on port {port}")]
    NoListenerOnPort { path: String, port: u32 },
    #[error("output format \"{0}\" not supported")]
    UnsupportedOutput(String),
}

/// istioctl words a missing section two ways: `pc listener` and `explain` name the
/// listener dump, the other commands only the config dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionWording {
    ListenerDump,
    ConfigDump,
}

impl SectionWording {
    fn prefix(self) -> &'static str {
        match self {
            SectionWording::ListenerDump => "listener dump: ",
            SectionWording::ConfigDump => "",
        }
    }
}

/// The section a command needs (`type_url`), or the error that the dump at `path` has none.
pub(crate) fn required<T>(
    section: Option<T>,
    path: &str,
    wording: SectionWording,
    type_url: &'static str,
) -> Result<T, CommandError> {
    section.ok_or_else(|| CommandError::MissingSection {
        path: path.to_string(),
        wording,
        type_url,
    })
}

/// Loads only the listeners of `doc` (`pc listener`, `explain`), or the error that it has
/// none.
pub(crate) fn load_listeners<'a>(doc: &Document<'a>) -> Result<ListenersSection<'a>, Error> {
    let dump = doc.load(Sections {
        listeners: true,
        ..Sections::default()
    })?;
    Ok(required(
        dump.listeners,
        doc.label,
        SectionWording::ListenerDump,
        LISTENERS_TYPE,
    )?)
}

/// Runs the parsed command line, writing to `out`.
pub fn dispatch(cli: Cli, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let color = color_enabled(cli.color);
    // `colored` consults a process-wide switch; set it from the one decision made here.
    colored::control::set_override(color);
    match cli.command {
        Command::ProxyConfig(pc) => match pc.command {
            ProxyConfigCommand::Listener(mut args) => {
                args.input.proxy_admin_port = pc.proxy_admin_port;
                proxy_config_listener::run(&args, color, out)
            }
            ProxyConfigCommand::Ecds(mut args) => {
                args.input.proxy_admin_port = pc.proxy_admin_port;
                proxy_config_ecds::run(&args, out)
            }
        },
        Command::Explain(args) => explain::run(&args, out),
        Command::Lint(args) => lint::run(&args, color, out),
        Command::Wasm(w) => match w.command {
            WasmCommand::Count(args) => wasm_count::run(&args, out),
        },
        Command::Diff(args) => diff::run(&args, color, out),
        Command::Completion { shell } => completion::run(shell, out),
    }
}

/// `--color`, `NO_COLOR` and whether stdout is a terminal, decided once.
fn color_enabled(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}
