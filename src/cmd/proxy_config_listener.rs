//! `meshscope proxy-config listener`: istioctl's table, plus `-o wide` and `-o jsonpath=`.

use std::io::Write;

use serde_json::Value;

use crate::analysis::listener_rows::{
    self, ListenerQuery, SelectedListener, chain_rows, listener_row,
};
use crate::cli::{ListenerArgs, OutputFormat};
use crate::cmd::{CommandError, input};
use crate::envoy::{Document, ListenerState, Sections};
use crate::error::{Error, ExitCode};
use crate::render::{RenderError, jsonpath, listener_table, structured};

const LISTENERS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.ListenersConfigDump";

/// Options resolved from the flags before any I/O.
struct Options {
    query: ListenerQuery,
    verbose: bool,
    output: OutputFormat,
}

pub fn run(args: &ListenerArgs, color: bool, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let opts = Options {
        query: ListenerQuery {
            address: args.address.clone(),
            port: args.port,
            listener_type: args.listener_type.clone(),
        },
        verbose: args.verbose,
        output: args.output.clone(),
    };
    input::with_document(&args.input, "listener", |doc| {
        render(doc, &opts, color, out)
    })
}

fn render(
    doc: &Document<'_>,
    opts: &Options,
    color: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let dump = doc.load(Sections {
        listeners: true,
        ..Sections::default()
    })?;
    let section = dump.listeners.ok_or_else(|| CommandError::MissingSection {
        path: doc.label.to_string(),
        context: "listener dump: ",
        type_url: LISTENERS_TYPE,
    })?;

    let wide = opts.output == OutputFormat::Wide;
    let mut listed = 0;
    let mut selected = Vec::new();
    for (i, entry) in section.entries.iter().enumerate() {
        let active = entry.state == ListenerState::Active;
        if !active && !wide {
            continue;
        }
        listed += 1;
        if opts.query.filters_by_place_only() {
            let head = doc.listener_head(entry, opts.query.address.is_some())?;
            if !opts
                .query
                .accepts_place(head.address.as_ref(), &head.additional_addresses)
            {
                continue;
            }
        }
        let listener = SelectedListener::new(i, entry.state, doc.listener(entry)?);
        if opts.query.accepts(&listener) {
            selected.push(listener);
        }
    }
    // istioctl fails on a dump with no active listener; wide also lists warming ones.
    if listed == 0 {
        return Err(CommandError::NoListeners(doc.label.to_string()).into());
    }

    match &opts.output {
        OutputFormat::Short if opts.verbose => {
            listener_rows::sort_listeners(&mut selected);
            write_chain_table(out, &selected, false, color)?;
        }
        OutputFormat::Short => {
            listener_rows::sort_listeners(&mut selected);
            let rows: Vec<_> = selected.iter().map(listener_row).collect();
            listener_table::write_listener_rows(out, &rows)?;
        }
        OutputFormat::Wide => {
            let sorted = listener_rows::sort_listeners_with_states(selected);
            write_chain_table(out, &sorted, true, color)?;
        }
        OutputFormat::Json | OutputFormat::Yaml | OutputFormat::JsonPath(_) => {
            let values = selected
                .iter()
                .map(|s| raw_value(section.entries[s.entry_index].raw))
                .collect::<Result<Vec<_>, _>>()?;
            let array = Value::Array(values);
            match &opts.output {
                OutputFormat::Json => structured::write_json(out, &array)?,
                OutputFormat::Yaml => structured::write_yaml(out, &array)?,
                OutputFormat::JsonPath(t) => {
                    out.write_all(jsonpath::render_template(t, &array)?.as_bytes())?
                }
                _ => unreachable!("outer match arm only admits structured formats"),
            }
        }
    }
    Ok(ExitCode::Ok)
}

fn raw_value(raw: &serde_json::value::RawValue) -> Result<Value, RenderError> {
    // The text was validated by the loader, so this only fails on resource exhaustion.
    serde_json::from_str(raw.get()).map_err(|e| RenderError::Encode {
        format: "json",
        message: e.to_string(),
    })
}

fn write_chain_table(
    out: &mut dyn Write,
    listeners: &[SelectedListener<'_>],
    wide: bool,
    color: bool,
) -> Result<(), Error> {
    let rows: Vec<_> = listeners.iter().flat_map(|l| chain_rows(l, wide)).collect();
    listener_table::write_chain_rows(out, &rows, wide, color)?;
    Ok(())
}
