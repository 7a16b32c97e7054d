//! `pc cluster`'s table: istioctl's `SERVICE FQDN  PORT  SUBSET  DIRECTION  TYPE
//! DESTINATION RULE`, Go tabwriter with padding 5 (cluster.go `setupClusterConfigWriter`).

use std::io::Write;

use crate::analysis::cluster::rows::{ClusterKey, ClusterRow};
use crate::render::tables::go_table::GoTable;
use crate::render::tables::layout::write_go_table;
use crate::render::tables::managing_resource_cell;

const HEADER: [&str; 6] = [
    "SERVICE FQDN",
    "PORT",
    "SUBSET",
    "DIRECTION",
    "TYPE",
    "DESTINATION RULE",
];

/// istioctl's cluster table.
pub fn write_clusters(out: &mut dyn Write, rows: &[ClusterRow]) -> std::io::Result<()> {
    // Each row's cells go straight into the table, never all held as strings at once.
    let mut table = GoTable::new(&HEADER, 5);
    for row in rows {
        table.push(&cells(row));
    }
    table.write(out)
}

/// `pc all`'s cluster table: a NAME column `cluster/<name>` first. As
/// `PrintClusterSummary` with `includeConfigType`, a name without the subset-key shape is
/// shown prefixed in SERVICE FQDN too, and a cluster with an empty name gets no NAME cell
/// (its row is one cell short, as istioctl prints it).
pub fn write_clusters_named(out: &mut dyn Write, rows: &[ClusterRow]) -> std::io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let named = format!("cluster/{}", row.name);
            let mut c = cells(row);
            match &row.key {
                ClusterKey::Subset { .. } => c.insert(0, named),
                ClusterKey::Plain(name) if name.is_empty() => {}
                ClusterKey::Plain(_) => {
                    c[0].clone_from(&named);
                    c.insert(0, named);
                }
            }
            c
        })
        .collect();
    let mut header = vec!["NAME"];
    header.extend(HEADER);
    write_go_table(out, 5, &header, &cells)
}

fn cells(row: &ClusterRow) -> Vec<String> {
    let dash = || "-".to_string();
    let mut cells = match &row.key {
        ClusterKey::Subset {
            fqdn,
            port,
            subset,
            direction,
        } => vec![
            fqdn.clone(),
            port.to_string(),
            if subset.is_empty() {
                dash()
            } else {
                subset.clone()
            },
            direction.clone(),
        ],
        ClusterKey::Plain(name) => vec![name.clone(), dash(), dash(), dash()],
    };
    cells.push(row.discovery_type.name());
    cells.push(managing_resource_cell(&row.destination_rule));
    cells
}
