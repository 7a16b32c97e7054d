//! `pc endpoint`'s table (from a dump) and `pc all`'s last block: istioctl's `NAME  STATUS
//! LOCALITY  CLUSTER`, Go tabwriter with padding 5 (endpoint.go `PrintEndpointsSummary`).

use std::io::Write;

use crate::analysis::endpoint::EndpointRow;
use crate::analysis::endpoint::host_status::HostRow;
use crate::render::tables::go_table::GoTable;
use crate::render::tables::layout::write_go_table;

/// istioctl's endpoint table; `prefix` is `pc all`'s `endpoint/` before each name.
pub fn write_endpoints<'r>(
    out: &mut dyn Write,
    rows: impl IntoIterator<Item = &'r EndpointRow>,
    prefix: &str,
) -> std::io::Result<()> {
    endpoint_table(rows, prefix).write(out)
}

/// The endpoint table's header.
const ENDPOINTS_HEADER: [&str; 4] = ["NAME", "STATUS", "LOCALITY", "CLUSTER"];

/// The endpoint table of `rows`, to write or to join with others ([`GoTable::append`]):
/// `pc endpoint` builds one per load assignment on the core that decodes it.
pub fn endpoint_table<'r>(
    rows: impl IntoIterator<Item = &'r EndpointRow>,
    prefix: &str,
) -> GoTable<'static> {
    let mut table = GoTable::new(&ENDPOINTS_HEADER, 5);
    for r in rows {
        table.push(&[
            &format!("{prefix}{}", r.addresses.join(",")),
            r.status.as_str(),
            r.locality.as_str(),
            r.cluster.as_str(),
        ]);
    }
    table
}

/// istioctl's live `pc endpoint` table from Envoy's `/clusters`: `ENDPOINT  STATUS  OUTLIER
/// CHECK  CLUSTER`, padding 5 (clusters.go `PrintEndpointsSummary`).
pub fn write_host_rows(out: &mut dyn Write, rows: &[HostRow]) -> std::io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let endpoint = if r.port == 0 {
                r.address.clone()
            } else {
                format!("{}:{}", r.address, r.port)
            };
            let outlier = if r.failed_outlier_check {
                "FAILED"
            } else {
                "OK"
            };
            vec![
                endpoint,
                r.status.name(),
                outlier.to_string(),
                r.cluster.clone(),
            ]
        })
        .collect();
    let header = ["ENDPOINT", "STATUS", "OUTLIER CHECK", "CLUSTER"];
    write_go_table(out, 5, &header, &cells)
}
