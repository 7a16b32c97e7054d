//! `meshscope proxy-config route`: istioctl's tables and `-o json|yaml|jsonpath`.

use std::io::Write;

use crate::analysis::route::rows::{accepts, route_count_row, route_rows, sort_route_configs};
use crate::cli::{OutputFormat, RouteArgs, UsageError};
use crate::cmd::input;
use crate::envoy::dump::{ROUTES_TYPE, RoutingSections};
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, MissingError, Sections};
use crate::error::{Error, ExitCode};
use crate::render::structured;
use crate::render::tables::route::{write_route_counts, write_routes};
use crate::source::DumpMask;

/// What `pc route` reads, and all a live fetch asks for.
const READS: RoutingSections = RoutingSections {
    clusters: false,
    routes: true,
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

/// What the table keeps of a decoded route configuration.
struct Summary {
    name: String,
    rows: Vec<crate::analysis::route::rows::RouteRow>,
    count: Option<crate::analysis::route::rows::RouteCountRow>,
}

fn render(doc: &Document<'_>, opts: &Options, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let dump = doc.load_with_routing(Sections::default(), READS)?;
    let section = required(
        dump.routes,
        doc.label,
        SectionWording::ConfigDump,
        ROUTES_TYPE,
    )?;
    // istioctl's `retrieveSortedRouteSlice`: the dynamic route configurations, then the
    // static ones.
    // Each route configuration is decoded on every core and kept only as its name and
    // rows: the decoded configurations of a big dump would double the memory the table needs.
    let entries: Vec<_> = section
        .dynamic_route_configs
        .iter()
        .chain(&section.static_route_configs)
        .collect();
    let verbose = opts.verbose;
    let mut configs = crate::util::parallel::map_in_order(&entries, 64, |entry| {
        let c = doc.route_config(entry)?;
        let (rows, count) = if verbose {
            (route_rows(&c), None)
        } else {
            (Vec::new(), Some(route_count_row(&c)))
        };
        let name = c.name.to_string();
        Ok((*entry, Summary { name, rows, count }))
    })
    .into_iter()
    .collect::<Result<Vec<_>, Error>>()?;
    if configs.is_empty() {
        return Err(MissingError::NoRoutes {
            path: doc.label.to_string(),
        }
        .into());
    }
    sort_route_configs(&mut configs, |(_, c)| &c.name);
    configs.retain(|(_, c)| accepts(opts.name.as_deref(), &c.name));

    match super::structured_format(&opts.output) {
        None if opts.verbose => {
            let rows: Vec<_> = configs.into_iter().flat_map(|(_, c)| c.rows).collect();
            write_routes(out, &rows)?;
        }
        None => {
            let rows: Vec<_> = configs.into_iter().filter_map(|(_, c)| c.count).collect();
            write_route_counts(out, &rows)?;
        }
        Some(format) => {
            let raws = configs.iter().map(|(entry, _)| entry.raw);
            structured::write(out, &super::raw_array(raws)?, format)?;
        }
    }
    Ok(ExitCode::Ok)
}
