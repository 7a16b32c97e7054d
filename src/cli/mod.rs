//! The command-line definition (clap derive only). Doc comments here are the user help;
//! `man/` is generated from this definition by a test.

mod diff;
mod explain;
mod groups;
mod input;
mod lint;
mod log;
mod output;
mod proxy_config;
mod request;
mod usage;
mod wasm;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use diff::{DiffArgs, DiffOutput, WhatIfMode};
pub use explain::{DirectionArg, ExplainArgs, ExplainFormat, SrcType, Transport};
pub use groups::{FleetArgs, KubeArgs, OutputArgs};
pub use input::InputArgs;
pub use lint::{LintArgs, LintOutput, LintSeverity};
pub use log::LogArgs;
pub use output::{ColorChoice, OutputFormat};
pub use proxy_config::{
    AllArgs, BootstrapArgs, ClusterArgs, EcdsArgs, EndpointArgs, ListenerArgs, ProxyConfigArgs,
    ProxyConfigCommand, RouteArgs, SecretArgs,
};
pub use request::RequestArg;
pub use usage::UsageError;
pub use wasm::{WasmArgs, WasmCommand, WasmCountArgs, WasmOutput};

/// Debug and validate Envoy sidecars and Istio Wasm plugins, istioctl-style.
#[derive(Debug, Parser)]
#[command(name = "meshscope", version, propagate_version = true)]
#[command(after_help = "Examples:\n  \
    meshscope pc listener -f config_dump.json --port 15006\n  \
    meshscope pc listener -f config_dump.json --port 15006 -o wide\n  \
    meshscope pc ecds -f config_dump.json -o wide\n\n\
    Exit status (every command): 0 ok; 1 the command found what it looks for (diff:\n\
    differences, or ports that disagree with their PeerAuthentication; lint: findings at\n\
    or above --fail-on; wasm count: a problem verdict); 2 an input could not be read,\n\
    parsed or fetched, or bad flags.")]
pub struct Cli {
    /// When to colour output: auto (a terminal on stdout and no NO_COLOR), always, never.
    /// istioctl's own tables are never coloured. Width works alike: meshscope's own tables
    /// and text (-o wide, wasm count, explain, fleet summaries) fit COLUMNS or the
    /// terminal's width, long cells wrapped and ECDS names shortened to their plugin;
    /// piped without COLUMNS, every value stays whole on one line.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Retrieve information about an Envoy proxy's configuration (istioctl proxy-config).
    #[command(name = "proxy-config", visible_alias = "pc")]
    ProxyConfig(Box<ProxyConfigArgs>),

    /// Explain each filter chain in plain words, and simulate Envoy's chain selection.
    Explain(Box<ExplainArgs>),

    /// Preflight checks of WasmPlugin, TrafficExtension and PeerAuthentication manifests, and of a config dump with --dump (no cluster).
    Lint(Box<LintArgs>),

    /// Wasm filters on Envoy proxies: placements, and the WasmPlugins behind them.
    Wasm(Box<WasmArgs>),

    /// Compare two dumps' listeners as mTLS modes, chains and Wasm placements (or predict one).
    Diff(Box<DiffArgs>),

    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  meshscope completion bash > /etc/bash_completion.d/meshscope\n\n\
                      Exit status: 0 printed; 2 bad flags."
    )]
    Completion {
        /// The shell to generate completions for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The clap command tree, for parsing, completions, man pages and tests. Enumerated values
/// are accepted in any case everywhere (CLI.md), so that is set here once for every
/// argument of every subcommand.
pub fn command() -> clap::Command {
    ignore_case(Cli::command())
}

/// Parses `args` with `command` (from [`command`], perhaps renamed): clap's own rules, then
/// the combinations clap cannot express, reported as clap reports a usage error (what is
/// wrong, the subcommand's usage line; CLI.md).
pub fn parse(mut command: clap::Command, args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let matches = command.try_get_matches_from_mut(args)?;
    let cli = Cli::from_arg_matches(&matches)?;
    if let Command::Diff(diff) = &cli.command
        && let Some(problem) = diff.side_count_error()
    {
        // Built, so that the subcommand's usage line carries the full binary name.
        command.build();
        let kind = clap::error::ErrorKind::WrongNumberOfValues;
        return Err(match command.find_subcommand_mut("diff") {
            Some(sub) => sub.error(kind, problem),
            None => command.error(kind, problem),
        });
    }
    Ok(cli)
}

fn ignore_case(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|a| {
        let enumerated = a.get_action().takes_values() && !a.get_possible_values().is_empty();
        a.ignore_case(enumerated)
    })
    .mut_subcommands(ignore_case)
}
