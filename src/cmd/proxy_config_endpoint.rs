//! `meshscope proxy-config endpoint`: istioctl's eds table over the dump's endpoints section
//! and `-o json|yaml|jsonpath` of the selected load assignments.

use std::io::Write;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::analysis::cluster::rows::sort_clusters;
use crate::analysis::endpoint::host_status::host_rows;
use crate::analysis::endpoint::{EndpointFilter, endpoint_rows, select_assignments};
use crate::cli::{EndpointArgs, OutputFormat, UsageError};
use crate::cmd::input;
use crate::cmd::section_read::with_reading;
use crate::envoy::dump::{
    ENDPOINT_CONFIGS, ENDPOINTS_TYPE, EndpointConfigEntry, EndpointsSection, RoutingSections,
    reduce_listed,
};
use crate::envoy::endpoint::{ClusterLoadAssignment, ClusterStatus, ClustersStatus};
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, Sections};
use crate::error::{Error, ExitCode};
use crate::render::structured;
use crate::render::tables::endpoint::{endpoint_table, write_endpoints, write_host_rows};
use crate::render::tables::go_table::GoTable;
use crate::source::DumpMask;

/// What `pc endpoint` reads. Envoy dumps endpoints only with `?include_eds=true`, which a
/// live fetch asks for (istioctl's `edsPath`).
const READS: RoutingSections = RoutingSections {
    endpoints: true,
    ..RoutingSections::NONE
};

pub fn run(args: &EndpointArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.output.output == OutputFormat::Wide {
        return Err(UsageError::FormatNotSupported { format: "wide" }.into());
    }
    let filter = EndpointFilter {
        address: args.address.clone().unwrap_or_default(),
        port: args.port,
        cluster: args.cluster.clone().unwrap_or_default(),
        status: args.status.clone().unwrap_or_default(),
    };
    let output = args.output.output.clone();
    // istioctl's live `pc endpoint` reads `/clusters`; a file is either that output or a
    // config dump, told apart by its shape.
    input::with_document(&args.input, "endpoint", DumpMask::EnvoyClusters, |doc| {
        if let Some(raw) = clusters_output(doc) {
            return from_clusters(doc, raw, &filter, &output, out);
        }
        // istioctl prints an empty table for a dump without endpoints; meshscope says that
        // the dump was taken without them (issue #15: a missing section is an error).
        let missing = |section, label: &str| {
            required(section, label, SectionWording::ConfigDump, ENDPOINTS_TYPE)
        };
        match super::structured_format(&output) {
            None => {
                let mut table = endpoint_table(&[], "");
                for part in table_rows(doc, &filter)? {
                    table.append(part);
                }
                table.write(out)?;
            }
            Some(format) => {
                let dump = doc.load_with_routing(Sections::default(), READS)?;
                let section = missing(dump.endpoints, doc.label)?;
                let selected = selected(doc, Some(section), &filter)?;
                let values = selected
                    .iter()
                    .map(|(entry, cla)| filtered_value(entry, cla, &filter))
                    .collect::<Result<Vec<_>, Error>>()?;
                structured::write(out, &Value::Array(values), format)?;
            }
        }
        Ok(ExitCode::Ok)
    })
}

/// The first key of the top-level object, when it is a plain string (no escapes).
fn first_key(text: &[u8]) -> Option<&[u8]> {
    let skip = |from: usize| {
        text[from..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map(|i| from + i)
    };
    let open = skip(0)?;
    if text[open] != b'{' {
        return None;
    }
    let quote = skip(open + 1)?;
    if text[quote] != b'"' {
        return None;
    }
    let len = text[quote + 1..]
        .iter()
        .position(|&b| b == b'"' || b == b'\\')?;
    let end = quote + 1 + len;
    (text[end] == b'"').then(|| &text[quote + 1..end])
}

/// The whole text when it is Envoy's `/clusters?format=json` output (no `configs`, a
/// `cluster_statuses` list), not a dump.
fn clusters_output<'a>(doc: &Document<'a>) -> Option<&'a RawValue> {
    #[derive(Deserialize)]
    struct Shape {
        configs: Option<IgnoredAny>,
        #[serde(alias = "clusterStatuses")]
        cluster_statuses: Option<IgnoredAny>,
    }
    // A config dump opens with its `configs` key (Envoy writes it first): known without
    // reading the rest of a file of hundreds of megabytes.
    match first_key(doc.text) {
        Some(b"configs") => return None,
        Some(b"cluster_statuses" | b"clusterStatuses") => {
            return serde_json::from_slice(doc.text).ok();
        }
        _ => {}
    }
    let text = std::str::from_utf8(doc.text).ok()?;
    let shape: Shape = serde_json::from_str(text).ok()?;
    if shape.configs.is_some() || shape.cluster_statuses.is_none() {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// istioctl's clusters writer: the table of each cluster's hosts, or (`-o json|yaml`) the
/// clusters with a host the filter keeps, as Envoy gave them.
fn from_clusters<'a>(
    doc: &Document<'a>,
    raw: &'a RawValue,
    filter: &EndpointFilter,
    output: &OutputFormat,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let all: ClustersStatus<'a> = doc.decode(raw, "")?;
    let clusters = all
        .cluster_statuses
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let c: ClusterStatus<'a> = doc.decode(raw, &format!("cluster_statuses[{i}]"))?;
            Ok((*raw, c))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    match super::structured_format(output) {
        None => {
            let statuses: Vec<_> = clusters.into_iter().map(|(_, c)| c).collect();
            write_host_rows(out, &host_rows(&statuses, filter))?;
        }
        Some(format) => {
            let kept = clusters.iter().filter(|(_, c)| {
                c.host_statuses
                    .iter()
                    .any(|h| filter.accepts_host(h, &c.name))
            });
            let raws = kept.map(|(raw, _)| *raw);
            structured::write(out, &super::raw_array(raws)?, format)?;
        }
    }
    Ok(ExitCode::Ok)
}

/// A selected load assignment: its entry and what it decodes to.
pub(super) type Assignment<'a> = (EndpointConfigEntry<'a>, ClusterLoadAssignment<'a>);

/// `retrieveSortedEndpointsSlice`: dynamic then static assignments that keep an endpoint,
/// in istioctl's order; none without a section.
/// The table's parts in istioctl's order: each assignment is reduced to its rows' table text
/// on the core that decodes it, so neither the decoded assignments nor their typed rows are
/// ever all held at once. An assignment with no endpoint the filter keeps has no rows and
/// drops out, as in `select_assignments`.
///
/// A big dump parsed apart has its endpoints section read in that parse, each assignment
/// reduced as it is decoded (`section_read`); otherwise each is kept raw and decoded on
/// every core, which also reports a bad one as before.
fn table_rows(doc: &Document<'_>, filter: &EndpointFilter) -> Result<Vec<GoTable<'static>>, Error> {
    let reduce = |cla: ClusterLoadAssignment<'_>| {
        let rows = endpoint_rows(&cla, filter);
        let part = (!rows.is_empty()).then(|| endpoint_table(&rows, ""));
        (cla.cluster_name.to_string(), part)
    };
    let read = |text: &str| reduce_listed(text, &ENDPOINT_CONFIGS, &reduce);
    let mut named = with_reading(
        doc,
        READS,
        (ENDPOINTS_TYPE, &read),
        |doc, dump, read| match dump.endpoints {
            Some(section) => decode_parts(doc, section, &reduce),
            None => Ok(required(
                read,
                doc.label,
                SectionWording::ConfigDump,
                ENDPOINTS_TYPE,
            )?),
        },
    )?;
    named.retain(|(_, part)| part.is_some());
    sort_clusters(&mut named, |(name, _)| name);
    Ok(named.into_iter().filter_map(|(_, part)| part).collect())
}

/// Each raw assignment of `section` decoded and reduced on every core, in order (the first
/// error in dump order is the one reported).
fn decode_parts<'a, R: Send>(
    doc: &Document<'a>,
    section: EndpointsSection<'a>,
    reduce: &(dyn Fn(ClusterLoadAssignment<'a>) -> R + Sync),
) -> Result<Vec<R>, Error> {
    let entries: Vec<_> = section
        .dynamic_endpoint_configs
        .into_iter()
        .chain(section.static_endpoint_configs)
        .collect();
    let decoded =
        crate::util::parallel::map_in_order(&entries, 256, |e| doc.load_assignment(e).map(reduce));
    decoded
        .into_iter()
        .map(|r| r.map_err(Error::from))
        .collect()
}

pub(super) fn selected<'a>(
    doc: &Document<'a>,
    section: Option<EndpointsSection<'a>>,
    filter: &EndpointFilter,
) -> Result<Vec<Assignment<'a>>, Error> {
    let Some(section) = section else {
        return Ok(Vec::new());
    };
    // Decoded on every core, in order (the first error in dump order is the one reported).
    let entries: Vec<_> = section
        .dynamic_endpoint_configs
        .into_iter()
        .chain(section.static_endpoint_configs)
        .collect();
    let decoded = crate::util::parallel::map_in_order(&entries, 256, |e| doc.load_assignment(e));
    let mut items = entries
        .into_iter()
        .zip(decoded)
        .map(|(entry, cla)| Ok((entry, cla?)))
        .collect::<Result<Vec<_>, Error>>()?;
    select_assignments(&mut items, |(_, cla)| cla, filter);
    Ok(items)
}

/// `PrintEndpointsSummary`; `prefix` is `pc all`'s `endpoint/`.
pub(super) fn write_table(
    selected: &[Assignment<'_>],
    filter: &EndpointFilter,
    prefix: &str,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let rows: Vec<_> = selected
        .iter()
        .flat_map(|(_, cla)| endpoint_rows(cla, filter))
        .collect();
    write_endpoints(out, &rows, prefix)?;
    Ok(())
}

/// The assignment as the dump holds it, with only the endpoints the filter keeps in each
/// locality, as istioctl's `retrieveEndpoint` leaves it.
fn filtered_value(
    entry: &EndpointConfigEntry<'_>,
    cla: &ClusterLoadAssignment<'_>,
    filter: &EndpointFilter,
) -> Result<Value, Error> {
    let mut value = super::raw_array([entry.raw])?
        .as_array_mut()
        .and_then(Vec::pop)
        .unwrap_or(Value::Null);
    let localities = value.get_mut("endpoints").and_then(Value::as_array_mut);
    for (llb, decoded) in localities.into_iter().flatten().zip(&cla.endpoints) {
        let Some(map) = llb.as_object_mut() else {
            continue;
        };
        for key in ["lb_endpoints", "lbEndpoints"] {
            if let Some(Value::Array(eps)) = map.get_mut(key) {
                let mut keep = decoded
                    .lb_endpoints
                    .iter()
                    .map(|ep| filter.accepts(ep, &cla.cluster_name));
                eps.retain(|_| keep.next().unwrap_or(false));
            }
        }
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::first_key;

    #[test]
    fn first_key_reads_the_opening_key_only() {
        assert_eq!(first_key(b" \n{ \"configs\": [1]}"), Some(&b"configs"[..]));
        assert_eq!(
            first_key(b"{\"cluster_statuses\":[]}"),
            Some(&b"cluster_statuses"[..])
        );
        // Escapes, another shape, or no object: the full parse decides instead.
        assert_eq!(first_key(b"{\"con\\u0066igs\": []}"), None);
        assert_eq!(first_key(b"[1]"), None);
        assert_eq!(first_key(b"{\"unterminated"), None);
    }
}
