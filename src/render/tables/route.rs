//! `pc route`'s tables: istioctl's `NAME  VHOST NAME  DOMAINS  MATCH  VIRTUAL SERVICE`, or
//! `NAME  VIRTUAL HOSTS` with `--verbose=false`; Go tabwriter with padding 5 (route.go
//! `setupRouteConfigWriter`).

use std::io::Write;

use crate::analysis::route::domains::DomainSummary;
use crate::analysis::route::rows::{MatchCondition, RouteCell, RouteCountRow, RouteRow};
use crate::render::tables::go_table::GoTable;
use crate::render::tables::layout::write_go_table;
use crate::render::tables::managing_resource_cell;

/// istioctl's verbose route table.
pub fn write_routes<'r>(
    out: &mut dyn Write,
    rows: impl IntoIterator<Item = &'r RouteRow>,
) -> std::io::Result<()> {
    route_table(rows).write(out)
}

/// The verbose route table's header.
const ROUTES_HEADER: [&str; 5] = ["NAME", "VHOST NAME", "DOMAINS", "MATCH", "VIRTUAL SERVICE"];

/// The verbose route table of `rows`, to write or to join with others ([`GoTable::append`]):
/// `pc route` builds one per route configuration on the core that decodes it.
pub fn route_table<'r>(rows: impl IntoIterator<Item = &'r RouteRow>) -> GoTable<'static> {
    let mut table = GoTable::new(&ROUTES_HEADER, 5);
    for r in rows {
        let (route_match, virtual_service) = match &r.cell {
            RouteCell::Route {
                conditions,
                virtual_service,
            } => (
                match_cell(conditions),
                managing_resource_cell(virtual_service),
            ),
            // route.go prints these two words for a virtual host without routes.
            RouteCell::NoRoutes => ("/*".to_string(), "404".to_string()),
        };
        table.push(&[
            r.name.as_str(),
            r.virtual_host.as_str(),
            &domains_cell(&r.domains),
            &route_match,
            &virtual_service,
        ]);
    }
    table
}

/// istioctl's `--verbose=false` route table.
pub fn write_route_counts(out: &mut dyn Write, rows: &[RouteCountRow]) -> std::io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| vec![r.name.clone(), r.virtual_hosts.to_string()])
        .collect();
    write_go_table(out, 5, &["NAME", "VIRTUAL HOSTS"], &cells)
}

/// `describeRouteDomains`'s words: `a, b` or `a, b + N more...`.
fn domains_cell(d: &DomainSummary) -> String {
    let shown = d.shown.join(", ");
    if d.more > 0 {
        format!("{shown} + {} more...", d.more)
    } else {
        shown
    }
}

/// `describeMatch`'s words, conditions joined by a space.
fn match_cell(conditions: &[MatchCondition]) -> String {
    conditions
        .iter()
        .map(|c| match c {
            MatchCondition::Prefix(p) => format!("{p}*"),
            MatchCondition::PathSeparatedPrefix(p) => format!("PathPrefix:{p}"),
            MatchCondition::Path(p) => p.clone(),
            MatchCondition::SafeRegex(r) => format!("regex {r}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}
