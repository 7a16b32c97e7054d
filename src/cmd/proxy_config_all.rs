//! `meshscope proxy-config all`: istioctl's concatenation of the bootstrap summary and the
//! cluster, listener, route, secret and endpoint tables (configdump.go `PrintFullSummary`
//! with `SetPrintConfigTypeInSummary(true)`, at 1.30.3), or the whole dump with `-o
//! json|yaml|jsonpath`.

use std::io::Write;

use serde_json::Value;

use crate::analysis::cluster::rows::{ClusterFilter, cluster_row};
use crate::analysis::endpoint::EndpointFilter;
use crate::analysis::listener::rows::{
    ListenerQuery, TypeFilter, chain_rows, listener_row, sort_listeners,
};
use crate::analysis::route::rows::{route_count_row, route_rows};
use crate::analysis::secret::redact::redact_key_material;
use crate::cli::{AllArgs, OutputFormat, UsageError};
use crate::cmd::{input, listener_select};
use crate::envoy::dump::{BOOTSTRAP_TYPE, Dump, LISTENERS_TYPE, RoutingSections, SECRETS_TYPE};
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, ListenerState, MissingError, Sections};
use crate::error::{Error, ExitCode};
use crate::render::tables::bootstrap::write_version_summary;
use crate::render::tables::cluster::write_clusters_named;
use crate::render::tables::listener::write_named_listener_tables;
use crate::render::tables::route::{write_route_counts, write_routes};
use crate::render::{Encoding, RenderError, structured};
use crate::source::DumpMask;

/// Every section the summary reads.
const READS: RoutingSections = RoutingSections {
    clusters: true,
    routes: true,
    secrets: true,
    endpoints: true,
    bootstrap: true,
};
const LISTENERS: Sections = Sections {
    listeners: true,
    ecds: false,
    bootstrap: false,
};

pub fn run(args: &AllArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.output.output == OutputFormat::Wide {
        return Err(UsageError::FormatNotSupported { format: "wide" }.into());
    }
    // istioctl fetches the whole dump with endpoints (`edsPath`) for every format.
    input::with_document(&args.input, "all", DumpMask::WithEndpoints, |doc| {
        match super::structured_format(&args.output.output) {
            Some(format) => {
                // Validated (with its error positions) by the loader first.
                doc.load(Sections::default())?;
                let mut value: Value =
                    serde_json::from_slice(doc.text).map_err(|e| RenderError::Encode {
                        format: "json",
                        error: Encoding::Json(e),
                    })?;
                redact_key_material(&mut value);
                structured::write(out, &value, format)?;
            }
            None => {
                let dump = doc.load_with_routing(LISTENERS, READS)?;
                summary(doc, dump, args, out)?;
            }
        }
        Ok(ExitCode::Ok)
    })
}

/// `printHeaders`: the `--with-headers` line and a blank line.
fn header(out: &mut dyn Write, args: &AllArgs, title: &str) -> std::io::Result<()> {
    if args.with_headers {
        write!(out, "------ {title} ------\n\n")?;
    }
    Ok(())
}

/// `PrintFullSummary`: each table after a blank line; the first that fails ends it.
fn summary<'a>(
    doc: &Document<'a>,
    dump: Dump<'a>,
    args: &AllArgs,
    out: &mut dyn Write,
) -> Result<(), Error> {
    header(out, args, "BOOTSTRAP INFO")?;
    let bootstrap = required(
        dump.bootstrap,
        doc.label,
        SectionWording::ConfigDump,
        BOOTSTRAP_TYPE,
    )?;
    write_version_summary(
        out,
        &super::proxy_config_bootstrap::summary(doc, &bootstrap)?,
    )?;

    writeln!(out)?;
    header(out, args, "CLUSTER INFO")?;
    let filter = ClusterFilter {
        fqdn: args.fqdn.clone().unwrap_or_default(),
        port: i64::from(args.port),
        subset: args.subset.clone().unwrap_or_default(),
        direction: args.direction.clone().unwrap_or_default(),
    };
    let clusters = super::proxy_config_cluster::selected(doc, dump.clusters, &filter)?;
    let rows: Vec<_> = clusters.iter().map(|(_, c)| cluster_row(c)).collect();
    write_clusters_named(out, &rows)?;

    writeln!(out)?;
    header(out, args, "LISTENER INFO")?;
    write_listeners(doc, dump.listeners, args, out)?;

    writeln!(out)?;
    header(out, args, "ROUTE INFO")?;
    let configs = super::proxy_config_route::selected(doc, dump.routes, args.name.as_deref())?;
    // route.go: `route.Name = "route/" + route.Name` before the rows are made.
    let named = |name: &str| format!("route/{name}");
    if args.verbose {
        let mut rows: Vec<_> = configs.iter().flat_map(|(_, c)| route_rows(c)).collect();
        rows.iter_mut().for_each(|r| r.name = named(&r.name));
        write_routes(out, &rows)?;
    } else {
        let mut rows: Vec<_> = configs.iter().map(|(_, c)| route_count_row(c)).collect();
        rows.iter_mut().for_each(|r| r.name = named(&r.name));
        write_route_counts(out, &rows)?;
    }

    writeln!(out)?;
    header(out, args, "SECRET INFO")?;
    let secrets = required(
        dump.secrets,
        doc.label,
        SectionWording::ConfigDump,
        SECRETS_TYPE,
    )?;
    super::proxy_config_secret::write_summary(doc, &secrets, "secret/", out)?;

    writeln!(out)?;
    header(out, args, "ENDPOINTS INFO")?;
    // `GetEndpointsConfigDump` treats a missing section as no endpoints.
    let filter = EndpointFilter {
        port: args.port,
        address: args.address.clone().unwrap_or_default(),
        ..EndpointFilter::default()
    };
    let selected = super::proxy_config_endpoint::selected(doc, dump.endpoints, &filter)?;
    super::proxy_config_endpoint::write_table(&selected, &filter, "endpoint/", out)
}

/// `PrintListenerSummary` with the NAME column, as `pc listener` selects and sorts.
fn write_listeners<'a>(
    doc: &Document<'a>,
    section: Option<crate::envoy::dump::ListenersSection<'a>>,
    args: &AllArgs,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let section = required(
        section,
        doc.label,
        SectionWording::ListenerDump,
        LISTENERS_TYPE,
    )?;
    let query = ListenerQuery {
        address: args.address.clone(),
        port: args.port,
        listener_type: args.listener_type.as_deref().map(TypeFilter::from_flag),
    };
    let selection = listener_select::select(doc, &section.entries, &query, |entry| {
        entry.state == ListenerState::Active
    })?;
    if selection.listed == 0 {
        return Err(MissingError::NoListeners {
            path: doc.label.to_string(),
        }
        .into());
    }
    let mut selected = selection.selected;
    sort_listeners(&mut selected);
    if args.verbose {
        let rows: Vec<_> = selected.iter().flat_map(|l| chain_rows(l, false)).collect();
        write_named_listener_tables(out, Some(&rows), &[])?;
    } else {
        let rows: Vec<_> = selected.iter().map(listener_row).collect();
        write_named_listener_tables(out, None, &rows)?;
    }
    Ok(())
}
