//! `meshscope proxy-config cluster`: istioctl's table and `-o json|yaml|jsonpath`.

use std::io::Write;

use crate::analysis::cluster::rows::{ClusterFilter, ClusterRow, cluster_row, sort_clusters};
use crate::cli::{ClusterArgs, OutputFormat, UsageError};
use crate::cmd::input;
use crate::envoy::cluster::Cluster;
use crate::envoy::dump::{CLUSTERS_TYPE, ClusterEntry, ClustersSection, RoutingSections};
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, MissingError, Sections};
use crate::error::{Error, ExitCode};
use crate::render::tables::cluster::write_clusters;
use crate::source::DumpMask;

/// What `pc cluster` reads, and all a live fetch asks for.
const READS: RoutingSections = RoutingSections {
    clusters: true,
    routes: false,
    ..RoutingSections::NONE
};

pub fn run(args: &ClusterArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.output.output == OutputFormat::Wide {
        return Err(UsageError::FormatNotSupported { format: "wide" }.into());
    }
    let filter = ClusterFilter {
        fqdn: args.fqdn.clone().unwrap_or_default(),
        port: args.port,
        subset: args.subset.clone().unwrap_or_default(),
        direction: args.direction.clone().unwrap_or_default(),
    };
    let output = args.output.output.clone();
    input::with_document(&args.input, "cluster", DumpMask::Routing(READS), |doc| {
        render(doc, &filter, &output, out)
    })
}

fn render(
    doc: &Document<'_>,
    filter: &ClusterFilter,
    output: &OutputFormat,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let dump = doc.load_with_routing(Sections::default(), READS)?;
    match super::structured_format(output) {
        None => {
            let rows = table_rows(doc, dump.clusters, filter)?;
            write_clusters(out, &rows)?;
        }
        Some(format) => {
            let clusters = selected(doc, dump.clusters, filter)?;
            let raws = clusters.iter().map(|(entry, _)| entry.raw);
            super::write_with_istioctl_println(out, &super::raw_array(raws)?, format)?;
        }
    }
    Ok(ExitCode::Ok)
}

/// The table's rows in istioctl's order: each cluster is reduced to its row on the core
/// that decodes it, so the decoded clusters are never all held at once.
fn table_rows(
    doc: &Document<'_>,
    section: Option<ClustersSection<'_>>,
    filter: &ClusterFilter,
) -> Result<Vec<ClusterRow>, Error> {
    let entries = shown_entries(doc, section)?;
    let decoded = crate::util::parallel::map_in_order(&entries, 256, |e| {
        doc.cluster(e)
            .map(|c| (c.name.to_string(), cluster_row(&c)))
    });
    let mut rows = decoded
        .into_iter()
        .map(|r| r.map_err(Error::from))
        .collect::<Result<Vec<_>, Error>>()?;
    if rows.is_empty() {
        return Err(MissingError::NoClusters {
            path: doc.label.to_string(),
        }
        .into());
    }
    sort_clusters(&mut rows, |(name, _)| name);
    rows.retain(|(name, _)| filter.accepts(name));
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// The entries istioctl's `retrieveSortedClusterSlice` takes, before its sort: the dynamic
/// active clusters, then the static ones (warming clusters are not shown); or the error
/// that the dump has no clusters section.
fn shown_entries<'a>(
    doc: &Document<'a>,
    section: Option<ClustersSection<'a>>,
) -> Result<Vec<ClusterEntry<'a>>, Error> {
    let section = required(
        section,
        doc.label,
        SectionWording::ConfigDump,
        CLUSTERS_TYPE,
    )?;
    Ok(section
        .dynamic_active_clusters
        .into_iter()
        .chain(section.static_clusters)
        .collect())
}

/// The clusters `pc cluster` (and `pc all`) shows, in istioctl's order, or the error that
/// the dump has no clusters section or no cluster.
pub(super) fn selected<'a>(
    doc: &Document<'a>,
    section: Option<ClustersSection<'a>>,
    filter: &ClusterFilter,
) -> Result<Vec<(ClusterEntry<'a>, Cluster<'a>)>, Error> {
    // Decoded on every core, in order (the first error in dump order is the one reported).
    let entries = shown_entries(doc, section)?;
    let decoded = crate::util::parallel::map_in_order(&entries, 256, |e| doc.cluster(e));
    let mut clusters = entries
        .into_iter()
        .zip(decoded)
        .map(|(entry, cluster)| Ok((entry, cluster?)))
        .collect::<Result<Vec<_>, Error>>()?;
    if clusters.is_empty() {
        return Err(MissingError::NoClusters {
            path: doc.label.to_string(),
        }
        .into());
    }
    sort_clusters(&mut clusters, |(_, c)| &c.name);
    clusters.retain(|(_, c)| filter.accepts(&c.name));
    Ok(clusters)
}
