//! Flag combinations that clap cannot express: what `cmd/` rejects while it resolves the
//! flags into options, before any I/O. Each variant is one line after `meshscope: error: `.

/// A command line that parses but asks for something meshscope cannot do.
#[derive(Debug, thiserror::Error)]
pub enum UsageError {
    /// istioctl's wording for "give me exactly one of POD or --file".
    #[error("{command} requires pod name or --file parameter")]
    NeedsOneInput { command: &'static str },
    /// `--context` more than once where only one cluster can be read.
    #[error("--context can be given once here; several contexts need fleet mode (-l/-A)")]
    ContextsNeedFleet,
    /// POD, `--file` or `--admin` given with `-l`/`-A` where only one kind of input is read.
    #[error(
        "POD, --file and --admin read one proxy; fleet mode (-l/-A) reads the pods it selects: give one or the other"
    )]
    OneProxyInput,
    /// A flag that selects within one proxy, given in fleet mode.
    #[error("{flag} selects within one proxy's output and does not apply in fleet mode (-l/-A)")]
    NotInFleetMode { flag: &'static str },
    /// `diff` without its two sides, or one side without `--resources` to check it against.
    #[error(
        "diff requires BEFORE and AFTER (two arguments, or two -f files), or one dump and \
         --resources to check it against"
    )]
    DiffNeedsTwo,
    /// `diff --what-if` with other than one side.
    #[error("diff --what-if requires exactly one dump: -f DUMP (or one argument)")]
    WhatIfNeedsOne,
    /// `lint`: PATH `-` and `--dump -` both want stdin.
    #[error("PATH '-' and --dump '-' cannot both read stdin")]
    StdinTwice,
    /// An `-o` value the command has no output for (istioctl's wording, proxyconfig.go).
    #[error("output format \"{format}\" not supported")]
    FormatNotSupported { format: &'static str },
    /// `lint`: neither PATH nor `--dump` given.
    #[error("lint requires at least one PATH, '-' for stdin, or --dump")]
    NoLintInput,
    /// `explain --request` without a destination, and a URL whose host is a name the
    /// dump lists no single address for.
    #[error(
        "explain --request needs --dst IP:PORT (or --port): the dump's route configuration \
         {port} lists {found} for {host}, and meshscope resolves no names itself"
    )]
    RequestNeedsDestination {
        host: String,
        port: u32,
        /// `no address` or `several addresses`.
        found: &'static str,
    },
    /// `pc log` with no proxy to read (istioctl's wording, `--admin` added).
    #[error("log requires pod name, --selector or --admin")]
    LogNeedsPod,
    /// `pc log --level … --reset` (istioctl's wording).
    #[error("--level cannot be combined with --reset")]
    LevelWithReset,
    /// `pc log -f`: a dump holds no log levels.
    #[error(
        "log reads and sets a running proxy's log levels, which a config dump does not hold: \
         give POD, --selector or --admin instead of --file"
    )]
    LogIsLive,
}
