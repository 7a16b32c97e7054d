//! `meshscope proxy-config route`: istioctl's tables and `-o json|yaml|jsonpath`.

use std::io::Write;

use crate::analysis::route::rows::{accepts, route_count_row, route_rows, sort_route_configs};
use crate::cli::{OutputFormat, RouteArgs, UsageError};
use crate::cmd::input;
use crate::cmd::section_read::with_reading;
use crate::envoy::dump::{
    ROUTE_CONFIGS, ROUTES_TYPE, RouteConfigEntry, RoutesSection, RoutingSections, reduce_listed,
};
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::route::RouteConfiguration;
use crate::envoy::{Document, MissingError, Sections};
use crate::error::{Error, ExitCode};
use crate::render::tables::route::{route_table, write_route_counts};
use crate::source::DumpMask;

/// What `pc route` reads, and all a live fetch asks for.
const READS: RoutingSections = RoutingSections {
    clusters: false,
    routes: true,
    ..RoutingSections::NONE
};

/// Options resolved from the flags before any I/O.
struct Options {
    name: Option<String>,
    verbose: bool,
    output: OutputFormat,
}

pub fn run(args: &RouteArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.output.output == OutputFormat::Wide {
        return Err(UsageError::FormatNotSupported { format: "wide" }.into());
    }
    let opts = Options {
        name: args.name.clone(),
        verbose: args.verbose,
        output: args.output.output.clone(),
    };
    input::with_document(&args.input, "route", DumpMask::Routing(READS), |doc| {
        render(doc, &opts, out)
    })
}

fn render(doc: &Document<'_>, opts: &Options, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let name = opts.name.as_deref();
    match super::structured_format(&opts.output) {
        None if opts.verbose => {
            // Each configuration's rows become table text on the core that decodes it, so
            // the typed rows are never all held at once.
            let parts = table_rows(doc, name, |c| route_table(&route_rows(c)))?;
            let mut table = route_table(&[]);
            for part in parts {
                table.append(part);
            }
            table.write(out)?;
        }
        None => {
            let rows = table_rows(doc, name, route_count_row)?;
            write_route_counts(out, &rows)?;
        }
        Some(format) => {
            let dump = doc.load_with_routing(Sections::default(), READS)?;
            let configs = selected(doc, dump.routes, name)?;
            let raws = configs.iter().map(|(entry, _)| entry.raw);
            super::write_with_istioctl_println(out, &super::raw_array(raws)?, format)?;
        }
    }
    Ok(ExitCode::Ok)
}

/// The route configurations `pc route` (and `pc all`) shows, in istioctl's order, or the
/// error that the dump has no routes section or no route configuration.
/// The table's rows in istioctl's order: each configuration is reduced by `row` (to its
/// count, or its rows' table text) on the core that decodes it, so the decoded
/// configurations are never all held at once (a big dump's routes section decodes to more
/// than its text).
///
/// A big dump parsed apart has its routes section read by a [`SectionHook`] in that parse,
/// each configuration reduced as it is decoded (one scan of the section); otherwise (a
/// small dump, or any section that does not parse apart) each configuration is kept raw
/// and decoded on every core, which also reports a bad one as every command does.
fn table_rows<R: Send>(
    doc: &Document<'_>,
    name: Option<&str>,
    row: impl Fn(&RouteConfiguration<'_>) -> R + Sync,
) -> Result<Vec<R>, Error> {
    let reduce = |c: RouteConfiguration<'_>| (c.name.to_string(), row(&c));
    let read = |text: &str| reduce_listed(text, &ROUTE_CONFIGS, &reduce);
    let mut named = with_reading(
        doc,
        READS,
        (ROUTES_TYPE, &read),
        |doc, dump, read| match dump.routes {
            Some(section) => decode_rows(doc, section, &reduce),
            None => Ok(required(
                read,
                doc.label,
                SectionWording::ConfigDump,
                ROUTES_TYPE,
            )?),
        },
    )?;
    if named.is_empty() {
        return Err(MissingError::NoRoutes {
            path: doc.label.to_string(),
        }
        .into());
    }
    sort_route_configs(&mut named, |(n, _)| n);
    named.retain(|(n, _)| accepts(name, n));
    Ok(named.into_iter().map(|(_, r)| r).collect())
}

/// Each raw configuration of `section` decoded and reduced on every core, in order (the
/// first error in dump order is the one reported).
fn decode_rows<'a, R: Send>(
    doc: &Document<'a>,
    section: RoutesSection<'a>,
    reduce: &(dyn Fn(RouteConfiguration<'a>) -> (String, R) + Sync),
) -> Result<Vec<(String, R)>, Error> {
    let entries: Vec<_> = section
        .dynamic_route_configs
        .into_iter()
        .chain(section.static_route_configs)
        .collect();
    let decoded =
        crate::util::parallel::map_in_order(&entries, 64, |e| doc.route_config(e).map(reduce));
    decoded
        .into_iter()
        .map(|r| r.map_err(Error::from))
        .collect()
}

pub(super) fn selected<'a>(
    doc: &Document<'a>,
    section: Option<RoutesSection<'a>>,
    name: Option<&str>,
) -> Result<Vec<(RouteConfigEntry<'a>, RouteConfiguration<'a>)>, Error> {
    let section = required(section, doc.label, SectionWording::ConfigDump, ROUTES_TYPE)?;
    // istioctl's `retrieveSortedRouteSlice`: the dynamic route configurations, then the
    // static ones.
    // Decoded on every core, in order (the first error in dump order is the one reported).
    let entries: Vec<_> = section
        .dynamic_route_configs
        .into_iter()
        .chain(section.static_route_configs)
        .collect();
    let decoded = crate::util::parallel::map_in_order(&entries, 64, |e| doc.route_config(e));
    let mut configs = entries
        .into_iter()
        .zip(decoded)
        .map(|(entry, config)| Ok((entry, config?)))
        .collect::<Result<Vec<_>, Error>>()?;
    if configs.is_empty() {
        return Err(MissingError::NoRoutes {
            path: doc.label.to_string(),
        }
        .into());
    }
    sort_route_configs(&mut configs, |(_, c)| &c.name);
    configs.retain(|(_, c)| accepts(name, &c.name));
    Ok(configs)
}
