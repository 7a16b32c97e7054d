//! `meshscope diff`: reads two dumps (or one, with `--what-if`), runs the semantic diff and
//! prints the report, then a unified diff of the two `pc listener -o wide` tables. One dump
//! with `--resources` is only checked against its PeerAuthentications.

use std::collections::BTreeMap;
use std::io::Write;

use crate::analysis::diff::what_if::{Prediction, detect_version, predict, swap_inbound};
use crate::analysis::diff::{DiffDocument, diff_listeners_with_raw};
use crate::analysis::listener::rows::{
    ListenerQuery, SelectedListener, chain_rows, sort_listeners_with_states,
};
use crate::analysis::mtls::inbound_template::MtlsMode;
use crate::analysis::mtls::mode::is_virtual_inbound;
use crate::analysis::mtls::policy::PolicyCheck;
use crate::cli::{DiffArgs, DiffOutput, UsageError};
use crate::cmd::diff_options::{READS, options};
use crate::cmd::diff_policy::{self, SideInput};
use crate::envoy::dump::LISTENERS_TYPE;
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, Listener, ListenerState, MissingError};
use crate::error::{Error, ExitCode};
use crate::render::diff::{policy, tables, text};
use crate::render::structured;
use crate::render::terminal::Terminal;
use crate::source;

/// One side's active listeners on the selected port, and the bootstrap's Istio version.
struct Side<'a> {
    label: String,
    listeners: Vec<(Listener<'a>, &'a str)>,
    istio_version: Option<String>,
    /// The proxy's namespace and labels, from the bootstrap node.
    workload: Option<(String, BTreeMap<String, String>)>,
}

fn load_side<'a>(doc: &Document<'a>, port: u32) -> Result<Side<'a>, Error> {
    let dump = doc.load(READS)?;
    let section = required(
        dump.listeners,
        doc.label,
        SectionWording::ConfigDump,
        LISTENERS_TYPE,
    )?;
    let query = ListenerQuery {
        port,
        ..ListenerQuery::default()
    };
    let active: Vec<_> = section
        .entries
        .iter()
        .filter(|e| e.state == ListenerState::Active)
        .collect();
    // Decoded on every core; the first error in dump order is the one reported.
    let decoded = doc.decode_listeners_on_every_core(&active, |e| e, |_, l| l);
    let mut listeners = Vec::new();
    for (entry, l) in active.iter().zip(decoded) {
        let l = l?;
        if query.accepts_place(l.address.as_ref(), &l.additional_addresses) {
            listeners.push((l, entry.raw.get()));
        }
    }
    let node = dump.node.as_ref();
    let workload = node.and_then(|n| {
        let namespace = n.metadata.namespace.as_deref()?.to_string();
        let labels = n
            .metadata
            .labels
            .0
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Some((namespace, labels))
    });
    Ok(Side {
        label: doc.label.to_string(),
        listeners,
        istio_version: node.and_then(|n| n.metadata.istio_version.as_deref().map(str::to_string)),
        workload,
    })
}

/// Runs `diff`.
pub fn run(args: &DiffArgs, term: Terminal, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let opts = options(args)?;
    let raws = opts
        .sources
        .iter()
        .map(source::fetch::read)
        .collect::<Result<Vec<_>, _>>()?;
    let texts = raws
        .iter()
        .map(|r| source::to_json_text(&r.label, &r.bytes))
        .collect::<Result<Vec<_>, _>>()?;
    let docs: Vec<Document<'_>> = raws
        .iter()
        .zip(&texts)
        .map(|(r, t)| t.document(&r.label))
        .collect();
    let sides = docs
        .iter()
        .map(|d| load_side(d, opts.port))
        .collect::<Result<Vec<_>, _>>()?;
    let before = match (sides.as_slice(), opts.what_if, &opts.policy) {
        ([dump], None, Some(source)) => {
            let side = SideInput {
                side: "dump",
                workload: dump.workload.clone(),
                listeners: dump.listeners.iter().map(|(l, _)| l).collect(),
            };
            let alone = diff_policy::Alone {
                label: &dump.label,
                source,
                root_namespace: &opts.root_namespace,
                output: opts.output,
                term,
            };
            return alone.run(side, out);
        }
        ([before, ..], _, _) => before,
        // The options have refused a command line without a side.
        ([], _, _) => return Err(UsageError::DiffNeedsTwo.into()),
    };
    let prediction = match opts.what_if {
        Some(mode) => Some(predict_side(before, mode)?),
        None => None,
    };
    let predicted_listener: Option<Listener<'_>> = match &prediction {
        Some(p) => Some(serde_json::from_str(&p.listener_json).map_err(|error| {
            Error::PredictedListener {
                path: before.label.clone(),
                error,
            }
        })?),
        None => None,
    };
    let before_refs: Vec<&Listener<'_>> = before.listeners.iter().map(|(l, _)| l).collect();
    let before_raw: Vec<&str> = before.listeners.iter().map(|(_, r)| *r).collect();
    let (after_refs, after_raw): (Vec<&Listener<'_>>, Vec<&str>) =
        match (&predicted_listener, &prediction, sides.get(1)) {
            (Some(p), Some(pred), _) => swap_inbound(&before.listeners, p, &pred.listener_json),
            (_, _, Some(after)) => after.listeners.iter().map(|(l, r)| (l, *r)).unzip(),
            _ => (Vec::new(), Vec::new()),
        };
    let report = diff_listeners_with_raw(&before_refs, &before_raw, &after_refs, &after_raw);
    let after_label = match (&prediction, sides.get(1)) {
        (Some(p), _) => format!(
            "{} (predicted for {})",
            before.label,
            p.summary.mode.as_str()
        ),
        (None, Some(a)) => a.label.clone(),
        (None, None) => String::new(),
    };
    let summary = prediction.as_ref().map(|p| &p.summary);
    // A predicted side has no proxy of its own to check.
    let policy = match &opts.policy {
        Some(source) => {
            let inputs: Vec<SideInput<'_, '_>> = sides
                .iter()
                .zip(["before", "after"])
                .map(|(side, name)| SideInput {
                    side: name,
                    workload: side.workload.clone(),
                    listeners: side.listeners.iter().map(|(l, _)| l).collect(),
                })
                .collect();
            Some(diff_policy::check(source, &opts.root_namespace, &inputs)?)
        }
        None => None,
    };
    match opts.output {
        DiffOutput::Json => structured::write(
            out,
            &DiffDocument {
                before: &before.label,
                after: &after_label,
                prediction: summary,
                policy: policy.as_ref(),
                report: &report,
            },
            structured::Format::Json,
        )?,
        DiffOutput::Text => {
            // The tables are printed only when something differs; laying out both sides of
            // a big dump costs more than the comparison.
            let tables = if report.equal {
                [String::new(), String::new()]
            } else {
                wide_tables(&before_refs, &after_refs)?
            };
            text::write_report(
                out,
                &text::Labels {
                    before: &before.label,
                    after: &after_label,
                },
                summary,
                &report,
                &tables,
                term,
            )?;
            if let Some(policy) = &policy {
                policy::write_policy(out, policy, term)?;
            }
        }
    }
    // A port that disagrees with its policy is a finding even when the two sides are equal.
    let disagreeing = policy.as_ref().map_or(0, PolicyCheck::disagreements);
    Ok(if report.equal && disagreeing == 0 {
        ExitCode::Ok
    } else {
        ExitCode::Found
    })
}

fn predict_side(side: &Side<'_>, mode: MtlsMode) -> Result<Prediction, Error> {
    let (inbound, raw) = side
        .listeners
        .iter()
        .find(|(l, _)| is_virtual_inbound(l))
        .ok_or_else(|| MissingError::NoInbound {
            path: side.label.clone(),
        })?;
    let version = detect_version(side.istio_version.as_deref(), inbound);
    predict(raw, inbound, mode, version).map_err(|error| Error::Prediction {
        path: side.label.clone(),
        error,
    })
}

/// `pc listener -o wide` rows of each side, laid out with shared column widths.
fn wide_tables(before: &[&Listener<'_>], after: &[&Listener<'_>]) -> Result<[String; 2], Error> {
    let rows_of = |listeners: &[&Listener<'_>]| {
        let selected: Vec<SelectedListener<'_>> = listeners
            .iter()
            .enumerate()
            .map(|(i, l)| SelectedListener::new(i, ListenerState::Active, (*l).clone()))
            .collect();
        sort_listeners_with_states(selected)
            .iter()
            .flat_map(|l| chain_rows(l, true))
            .collect::<Vec<_>>()
    };
    Ok(tables::wide_tables(&rows_of(before), &rows_of(after))?)
}
