//! `meshscope proxy-config listener`: istioctl's table, plus `-o wide` and `-o jsonpath=`;
//! in fleet mode (`-l`, `-A`) one summary row per pod instead.

use std::io::Write;

use serde_json::Value;

use crate::analysis::listener::refused::{RefusedUpdate, concerns_query, refused_updates};
use crate::analysis::listener::rows::{
    self, ListenerQuery, SelectedListener, TypeFilter, chain_rows, listener_row,
};
use crate::analysis::listener::summary::{
    ListenerSummary, listener_fleet_report, listener_summary,
};
use crate::analysis::listener::waypoint::{sort_waypoint, waypoint_rows};
use crate::cli::UsageError;
use crate::cli::{ListenerArgs, OutputFormat};
use crate::cmd::fleet::{self, FleetFlags, drain, pod_id};
use crate::cmd::fleet::{Failures, Progress};
use crate::cmd::input;
use crate::cmd::listener_select::{self, Selection};
use crate::cmd::{LISTENERS_ONLY, load_listeners};
use crate::envoy::{Document, ListenerState};
use crate::error::{Error, ExitCode};
use crate::render::refused_update::{Reading, refused_update_words};
use crate::render::tables::{fleet as fleet_table, listener};
use crate::render::terminal::Terminal;
use crate::render::{Encoding, RenderError, protojson, structured};
use crate::source::bug_report::BugReportFetch;
use crate::source::{self, DumpMask, RawInput};

/// Options resolved from the flags before any I/O.
struct Options {
    query: ListenerQuery,
    verbose: bool,
    waypoint: bool,
    output: OutputFormat,
}

/// Runs `pc listener`; `warnings` gets one line per listener update Envoy refused that the
/// flags select (stderr: stdout stays what istioctl prints).
pub fn run(
    args: &ListenerArgs,
    term: Terminal,
    out: &mut dyn Write,
    warnings: &mut Vec<String>,
) -> Result<ExitCode, Error> {
    let live = args.fleet.bug_report.is_none();
    let fleet = FleetFlags {
        fleet: &args.fleet,
        kube: &args.input.kube,
        // As istioctl fetches for `pc listener`: the listener sections only.
        mask: DumpMask::Sections(LISTENERS_ONLY),
    };
    if fleet.is_fleet() || !live {
        return run_fleet(args, &fleet, term, out);
    }
    let opts = Options {
        query: ListenerQuery {
            address: args.address.clone(),
            port: args.port,
            listener_type: args.listener_type.as_deref().map(TypeFilter::from_flag),
        },
        verbose: args.verbose,
        waypoint: args.waypoint,
        output: args.output.output.clone(),
    };
    input::with_document(
        &args.input,
        "listener",
        DumpMask::Sections(LISTENERS_ONLY),
        |doc| render(doc, &opts, term, out, warnings),
    )
}

fn render(
    doc: &Document<'_>,
    opts: &Options,
    term: Terminal,
    out: &mut dyn Write,
    warnings: &mut Vec<String>,
) -> Result<ExitCode, Error> {
    let section = load_listeners(doc)?;

    let wide = opts.output == OutputFormat::Wide;
    let Selection {
        listed,
        mut selected,
    } = listener_select::select(doc, &section.entries, &opts.query, |entry| {
        wide || entry.state == ListenerState::Active
    })?;
    // Envoy's refused updates are no listeners it runs, and istioctl shows them nowhere.
    // Each one the flags select gets a warning; wide shows its rows, the structured
    // formats append it after the listeners istioctl prints.
    let refused = refused_updates(&section);
    let configurations = listener_select::refused(doc, &section, wide)?;
    let mut concerned = Vec::new();
    for (i, (update, configuration)) in refused.iter().zip(&configurations).enumerate() {
        if concerns_query(&opts.query, update, configuration.as_ref(), &selected) {
            warnings.push(warning_line(update));
            concerned.push(i);
        }
    }
    let refused_rows = configurations.iter().flatten().count();
    if wide {
        let accepted = configurations.into_iter().flatten();
        selected.extend(accepted.filter(|l| opts.query.accepts(l)));
    }
    // istioctl fails on a dump with no active listener; wide lists every state.
    if listed == 0 && !(wide && refused_rows > 0) {
        return Err(crate::envoy::MissingError::NoListeners {
            path: doc.label.to_string(),
        }
        .into());
    }

    match &opts.output {
        _ if opts.waypoint => {
            sort_waypoint(&mut selected);
            listener::write_waypoint_rows(out, &waypoint_rows(&selected))?;
        }
        OutputFormat::Short if opts.verbose => {
            rows::sort_listeners(&mut selected);
            write_chain_table(out, &selected, false, term)?;
        }
        OutputFormat::Short => {
            rows::sort_listeners(&mut selected);
            let rows: Vec<_> = selected.iter().map(listener_row).collect();
            listener::write_listener_rows(out, &rows)?;
        }
        OutputFormat::Wide => {
            let sorted = rows::sort_listeners_with_states(selected);
            write_chain_table(out, &sorted, true, term)?;
        }
        structured => {
            // istioctl prints the decoded listeners in protojson spelling whatever the
            // dump's; a refused update follows them as Envoy dumps it (a dynamic listener
            // with only its `error_state`, cased by the same rule: `errorState`), so the
            // reason is in the output without changing any element istioctl prints.
            let mut values = selected
                .iter()
                .map(|s| raw_value(section.entries[s.entry_index].raw))
                .map(|v| v.map(|v| protojson::message_of_any(protojson::into_camel_case(v))))
                .collect::<Result<Vec<_>, _>>()?;
            for &i in &concerned {
                let element = refused_element(&section.errors[i], &refused[i])?;
                values.push(protojson::into_camel_case(element));
            }
            let array = Value::Array(values);
            if let Some(format) = super::structured_format(structured) {
                super::write_with_istioctl_println(out, &array, format)?;
            }
        }
    }
    Ok(ExitCode::Ok)
}

/// Fleet mode: one summary per pod, each dump dropped once summarised; then one error line
/// per pod that could not be read.
fn run_fleet(
    args: &ListenerArgs,
    flags: &FleetFlags<'_>,
    term: Terminal,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let input = &args.input;
    if input.pod.is_some() || input.file.is_some() || input.admin.is_some() {
        return Err(UsageError::OneProxyInput.into());
    }
    let narrowing = [
        (args.port != 0, "--port"),
        (args.address.is_some(), "--address"),
        (args.listener_type.is_some(), "--type"),
    ];
    if let Some((_, flag)) = narrowing.iter().find(|(given, _)| *given) {
        return Err(UsageError::NotInFleetMode { flag }.into());
    }
    let progress = Progress::new();
    let mut failures = Failures::default();
    let mut rows = Vec::new();
    for request in flags.requests() {
        let items = source::kube::fleet::fleet(request);
        drain(items, &progress, &mut failures, &mut rows, |pod, raw| {
            Ok((pod_id(pod), summarise(raw)?))
        });
    }
    if let Some(path) = &args.fleet.bug_report {
        let archive = source::bug_report::open(&BugReportFetch::new(
            path,
            input.kube.namespace.as_deref(),
            args.fleet.all_namespaces,
            args.fleet.selector.as_deref(),
        ))?;
        drain(
            archive.fleet(),
            &progress,
            &mut failures,
            &mut rows,
            |pod, raw| Ok((pod_id(pod), summarise(raw)?)),
        );
    }
    progress.finish();
    let report = listener_fleet_report(rows, failures.into_inner());
    match &args.output.output {
        OutputFormat::Short | OutputFormat::Wide => {
            fleet_table::write_listener_fleet(out, &report, term.width)?
        }
        other => {
            if let Some(format) = super::structured_format(other) {
                structured::write(out, &report, format)?;
            }
        }
    }
    fleet::check(&report.failures)?;
    Ok(ExitCode::Ok)
}

/// One pod's listener summary.
fn summarise(raw: &RawInput) -> Result<ListenerSummary, Error> {
    let text = source::to_json_text(&raw.label, &raw.bytes)?;
    let doc = text.document(&raw.label);
    let section = load_listeners(&doc)?;
    let listeners = section
        .entries
        .iter()
        .map(|e| Ok((e.state, doc.listener(e)?)))
        .collect::<Result<Vec<_>, Error>>()?;
    let refs: Vec<_> = listeners.iter().map(|(s, l)| (*s, l)).collect();
    Ok(listener_summary(&refs))
}

/// The warning line of one refused update (`lib.rs` prefixes and sanitises it).
fn warning_line(update: &RefusedUpdate) -> String {
    refused_update_words(update, |n| format!("{n:?}"), Reading::Plain)
}

/// A refused update in `-o json|yaml`: `{name, error_state: {failed_configuration,
/// last_update_attempt, details}}`, the shape of envoy/admin/v3/config_dump_shared.proto's
/// `DynamicListener` with only `error_state` set, in proto spelling (re-cased with the rest).
fn refused_element(
    state: &crate::envoy::dump::ListenerErrorState<'_>,
    update: &RefusedUpdate,
) -> Result<Value, RenderError> {
    let mut error_state = serde_json::Map::new();
    if let Some(entry) = &state.failed_configuration {
        error_state.insert("failed_configuration".into(), raw_value(entry.raw)?);
    }
    if !update.last_update_attempt.is_empty() {
        let attempt = Value::String(update.last_update_attempt.clone());
        error_state.insert("last_update_attempt".into(), attempt);
    }
    error_state.insert("details".into(), Value::String(update.details.clone()));
    let mut element = serde_json::Map::new();
    element.insert("name".into(), Value::String(update.listener.clone()));
    element.insert("error_state".into(), Value::Object(error_state));
    Ok(Value::Object(element))
}

fn raw_value(raw: &serde_json::value::RawValue) -> Result<Value, RenderError> {
    // The text was validated by the loader, so this only fails on resource exhaustion.
    serde_json::from_str(raw.get()).map_err(|e| RenderError::Encode {
        format: "json",
        error: Encoding::Json(e),
    })
}

fn write_chain_table(
    out: &mut dyn Write,
    listeners: &[SelectedListener<'_>],
    wide: bool,
    term: Terminal,
) -> Result<(), Error> {
    let rows: Vec<_> = listeners.iter().flat_map(|l| chain_rows(l, wide)).collect();
    listener::write_chain_rows(out, &rows, wide, term)?;
    Ok(())
}
