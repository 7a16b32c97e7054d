//! `meshscope explain`: loads the listeners, explains the chosen ones, and simulates a
//! connection when `--dst-port` is given.

use std::io::Write;
use std::net::IpAddr;

use crate::analysis::explain::chain_select::Connection;
use crate::analysis::explain::matcher_eval::rules::{EnvoyRelease, semantics_for_dump};
use crate::analysis::explain::{
    Assumption, Candidacy, ExplainedListener, candidates, explain_listener, simulate,
};
use crate::analysis::listener::refused::refused_updates;
use crate::analysis::listener::rows::{self, ListenerQuery};
use crate::cli::{ExplainArgs, ExplainFormat, SrcType, Transport};
use crate::cmd::{LISTENERS_AND_NODE, input, listener_select, load_listeners_and_node};
use crate::envoy::dump::ListenersSection;
use crate::envoy::{Document, ListenerState, MissingError};
use crate::error::{Error, ExitCode};
use crate::render::explain::{dot, json, text};
use crate::render::terminal::Terminal;
use crate::source::{self, DumpMask};

/// Options resolved from the flags before any I/O.
struct Options {
    /// `--port`; `None` lets a simulated connection pick the listeners.
    port: Option<u32>,
    connection: Option<Connection>,
    assumptions: Vec<Assumption>,
    format: ExplainFormat,
}

fn resolve_options(args: &ExplainArgs) -> Options {
    let mut assumptions = Vec::new();
    let connection = args.dst_port.map(|dst_port| {
        let mut note = |flag: &'static str, value: String, given: bool| {
            assumptions.push(Assumption {
                flag,
                value,
                defaulted: !given,
            });
        };
        let dst_ip = args.dst_ip.unwrap_or(IpAddr::from([10, 0, 0, 1]));
        let src_ip = args.src_ip.unwrap_or(IpAddr::from([10, 0, 0, 2]));
        let direct_src_ip = args.direct_src_ip.unwrap_or(src_ip);
        let transport = match args.transport {
            Some(Transport::Tls) => "tls",
            _ => "raw_buffer",
        };
        let src_port = args.src_port.unwrap_or(40000);
        let src_local = args.src_type == Some(SrcType::Local);
        note("--dst-port", dst_port.to_string(), true);
        note("--dst-ip", dst_ip.to_string(), args.dst_ip.is_some());
        note(
            "--transport",
            transport.to_string(),
            args.transport.is_some(),
        );
        let alpn = if args.alpn.is_empty() {
            "none".to_string()
        } else {
            args.alpn.join(",")
        };
        note("--alpn", alpn, !args.alpn.is_empty());
        note(
            "--sni",
            args.sni.clone().unwrap_or_else(|| "none".into()),
            args.sni.is_some(),
        );
        note("--src-ip", src_ip.to_string(), args.src_ip.is_some());
        note("--src-port", src_port.to_string(), args.src_port.is_some());
        note(
            "--direct-src-ip",
            direct_src_ip.to_string(),
            args.direct_src_ip.is_some(),
        );
        note(
            "--src-type",
            if src_local { "local" } else { "external" }.to_string(),
            args.src_type.is_some(),
        );
        Connection {
            dst_port,
            dst_ip,
            server_name: args.sni.clone(),
            transport: transport.to_string(),
            alpn: args
                .alpn
                .iter()
                .filter(|a| !a.is_empty())
                .cloned()
                .collect(),
            direct_src_ip,
            src_local,
            src_ip,
            src_port,
        }
    });
    Options {
        port: args.port,
        connection,
        assumptions,
        format: args.output,
    }
}

/// Why no listener was picked: none binds the port, or Envoy refused the update of the
/// one that would (a refused configuration that does not read tells nothing).
fn no_listener_on_port(
    doc: &Document<'_>,
    section: &ListenersSection<'_>,
    query: &ListenerQuery,
    path: &str,
    port: u32,
) -> MissingError {
    let refused = section.errors.iter().find(|e| {
        e.failed_configuration
            .as_ref()
            .and_then(|c| doc.listener_head(c, false).ok())
            .is_some_and(|head| query.accepts_place(head.address.as_ref(), &[]))
    });
    match refused {
        Some(e) => MissingError::RefusedOnPort {
            path: path.to_string(),
            port,
            listener: e.listener_name(),
            details: e.details.to_string(),
        },
        None => MissingError::NoListenerOnPort {
            path: path.to_string(),
            port,
        },
    }
}

/// Runs `explain`.
pub fn run(args: &ExplainArgs, term: Terminal, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let opts = resolve_options(args);
    let source = input::resolve(
        &args.input,
        "explain",
        DumpMask::Sections(LISTENERS_AND_NODE),
    )?;
    let raw = source::fetch::read(&source)?;
    let text = source::to_json_text(&raw.label, &raw.bytes)?;
    let doc = text.document(&raw.label);
    let (section, node) = load_listeners_and_node(&doc)?;
    let flag = args.envoy_version.map(|v| EnvoyRelease {
        major: v.major,
        minor: v.minor,
    });
    let semantics = semantics_for_dump(flag, node.as_ref());
    let query = ListenerQuery {
        port: opts.port.unwrap_or(0),
        ..ListenerQuery::default()
    };
    let mut selected = listener_select::select(&doc, &section.entries, &query, |entry| {
        entry.state == ListenerState::Active
    })?
    .selected;
    if selected.is_empty() {
        return Err(no_listener_on_port(
            &doc,
            &section,
            &query,
            &raw.label,
            opts.port.unwrap_or(0),
        )
        .into());
    }
    rows::sort_listeners(&mut selected);
    let refused = refused_updates(&section);
    // Without --port, a connection narrows the listeners to those that could take it.
    let picked_for = opts
        .connection
        .as_ref()
        .filter(|_| opts.port.is_none())
        .map(|c| (c.dst_ip, c.dst_port));
    let candidacy: Vec<Option<Candidacy>> = match picked_for {
        Some((ip, port)) => {
            let listeners: Vec<_> = selected.iter().map(|s| &s.listener).collect();
            candidates(&listeners, ip, port)
        }
        None => vec![None; selected.len()],
    };
    let explained: Vec<ExplainedListener> = selected
        .iter()
        .zip(candidacy)
        .filter(|(_, c)| picked_for.is_none() || c.is_some())
        .map(|(s, candidacy)| ExplainedListener {
            explanation: explain_listener(&s.listener, &refused),
            simulation: opts
                .connection
                .as_ref()
                .map(|c| simulate(&s.listener, c, &semantics)),
            candidacy,
        })
        .collect();
    match opts.format {
        ExplainFormat::Text => {
            text::write_explain_text(out, &explained, &opts.assumptions, picked_for, term)?
        }
        ExplainFormat::Json => json::write_explain_json(out, &explained, &opts.assumptions)?,
        ExplainFormat::Dot => dot::write_explain_dot(out, &explained)?,
    }
    Ok(ExitCode::Ok)
}
