//! `pc endpoint`'s table (from a dump) and `pc all`'s last block: istioctl's `NAME  STATUS
//! LOCALITY  CLUSTER`, Go tabwriter with padding 5 (endpoint.go `PrintEndpointsSummary`).

use std::io::Write;

use crate::analysis::endpoint::EndpointRow;
use crate::render::tables::layout::write_go_table;

/// istioctl's endpoint table; `prefix` is `pc all`'s `endpoint/` before each name.
pub fn write_endpoints(
    out: &mut dyn Write,
    rows: &[EndpointRow],
    prefix: &str,
) -> std::io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                format!("{prefix}{}", r.addresses.join(",")),
                r.status.clone(),
                r.locality.clone(),
                r.cluster.clone(),
            ]
        })
        .collect();
    write_go_table(out, 5, &["NAME", "STATUS", "LOCALITY", "CLUSTER"], &cells)
}
