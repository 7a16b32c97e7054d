//! One file per subcommand; the only layer that calls all the others.

mod completion;
mod diff;
mod diff_options;
mod diff_policy;
mod explain;
mod explain_request;
mod explain_upstream;
mod fleet;
mod input;
mod lint;
mod listener_select;
mod proxy_config_all;
mod proxy_config_bootstrap;
mod proxy_config_cluster;
mod proxy_config_ecds;
mod proxy_config_endpoint;
mod proxy_config_listener;
mod proxy_config_log;
mod proxy_config_route;
mod proxy_config_secret;
mod section_read;
mod wasm_count;

use std::io::Write;

use crate::cli::{Cli, ColorChoice, Command, OutputFormat, ProxyConfigCommand, WasmCommand};
use crate::envoy::dump::{LISTENERS_TYPE, ListenersSection};
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, Sections};
use crate::error::{Error, ExitCode};
use crate::render::terminal::Terminal;

/// What `pc listener` and `explain` read, and all a live fetch asks for for them.
pub(crate) const LISTENERS_ONLY: Sections = Sections {
    listeners: true,
    ecds: false,
    bootstrap: false,
};

/// Loads only the listeners of `doc` (`pc listener`, `explain`), or the error that it has
/// none.
pub(crate) fn load_listeners<'a>(doc: &Document<'a>) -> Result<ListenersSection<'a>, Error> {
    let dump = doc.load(LISTENERS_ONLY)?;
    Ok(required(
        dump.listeners,
        doc.label,
        SectionWording::ListenerDump,
        LISTENERS_TYPE,
    )?)
}

/// What `explain` reads: the listeners, and the bootstrap for the node's Envoy version
/// (its matcher rules, DOMAIN.md §2.4, §5.8).
pub(crate) const LISTENERS_AND_NODE: Sections = Sections {
    listeners: true,
    ecds: false,
    bootstrap: true,
};

/// Runs the parsed command line, writing to `out`. A command that has something to say
/// beside its output (which scripts parse, so it stays as it is) leaves one line per
/// warning in `warnings`; `lib.rs` prints them on stderr.
pub fn dispatch(
    cli: Cli,
    out: &mut dyn Write,
    warnings: &mut Vec<String>,
) -> Result<ExitCode, Error> {
    let term = Terminal {
        color: color_enabled(cli.color),
        width: terminal_width(),
    };
    // `colored` consults a process-wide switch; set it from the one decision made here.
    colored::control::set_override(term.color);
    match cli.command {
        Command::ProxyConfig(pc) => match pc.command {
            ProxyConfigCommand::Listener(args) => {
                proxy_config_listener::run(&args, term, out, warnings)
            }
            ProxyConfigCommand::Ecds(args) => proxy_config_ecds::run(&args, term, out),
            ProxyConfigCommand::Cluster(args) => proxy_config_cluster::run(&args, out),
            ProxyConfigCommand::Route(args) => proxy_config_route::run(&args, out),
            ProxyConfigCommand::Endpoint(args) => proxy_config_endpoint::run(&args, out),
            ProxyConfigCommand::Secret(args) => proxy_config_secret::run(&args, out),
            ProxyConfigCommand::Bootstrap(args) => proxy_config_bootstrap::run(&args, out),
            ProxyConfigCommand::All(args) => proxy_config_all::run(&args, out),
            ProxyConfigCommand::Log(args) => proxy_config_log::run(&args, out, warnings),
        },
        Command::Explain(args) => explain::run(&args, term, out),
        Command::Lint(args) => lint::run(&args, term.color, out),
        Command::Wasm(w) => match w.command {
            WasmCommand::Count(args) => wasm_count::run(&args, term, out),
        },
        Command::Diff(args) => diff::run(&args, term, out),
        Command::Completion { shell } => completion::run(shell, out),
    }
}

/// The structured form of a proxy-config `-o` value; `None` for the tables.
fn structured_format(format: &OutputFormat) -> Option<crate::render::structured::Format<'_>> {
    use crate::render::structured::Format;
    match format {
        OutputFormat::Short | OutputFormat::Wide => None,
        OutputFormat::Json => Some(Format::Json),
        OutputFormat::Yaml => Some(Format::Yaml),
        OutputFormat::JsonPath(template) => Some(Format::JsonPath(template)),
    }
}

/// `structured::write_istioctl`, then for YAML the blank line istioctl adds: its writers
/// (`PrintListenerDump`, `PrintRouteDump`, `PrintClusterDump`, the ECDS one) `Fprintln`
/// YAML that already ends in a newline (DOMAIN.md §4.7b).
fn write_with_istioctl_println(
    out: &mut dyn std::io::Write,
    value: &serde_json::Value,
    format: crate::render::structured::Format<'_>,
) -> Result<(), crate::render::RenderError> {
    crate::render::structured::write_istioctl(out, value, format)?;
    if format == crate::render::structured::Format::Yaml {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The dump's objects as istioctl prints them for `-o json|yaml|jsonpath`: the decoded
/// messages (no `Any` wrapper) in protojson spelling, whatever the dump's.
fn raw_array<'a>(
    raws: impl IntoIterator<Item = &'a serde_json::value::RawValue>,
) -> Result<serde_json::Value, crate::render::RenderError> {
    raws.into_iter()
        .map(|raw| {
            // The loader validated the text, so this fails only on resource exhaustion.
            serde_json::from_str(raw.get())
                .map(|v| {
                    use crate::render::protojson::{into_camel_case, message_of_any};
                    message_of_any(into_camel_case(v))
                })
                .map_err(|e| crate::render::RenderError::Encode {
                    format: "json",
                    error: crate::render::Encoding::Json(e),
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(serde_json::Value::Array)
}

/// The width meshscope's own tables and text fit: `COLUMNS` when set (so a width can be
/// asked for even when piping), else the terminal's; none when stdout is not a terminal.
fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return Some(n);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
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
