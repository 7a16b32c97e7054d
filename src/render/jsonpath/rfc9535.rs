//! RFC 9535 queries: an action starting with `$` that kubectl's grammar rejects is parsed
//! and run by `jsonpath-rust`, and its multi-line error reports are cut to one line. It
//! must not implement any of RFC 9535 itself.

use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::parser::parse_json_path;
use jsonpath_rust::query::js_path_process;
use serde_json::Value;

use super::ast::Expr;
use super::{Located, Problem};

/// The action `start..end` read as an RFC 9535 query: `text` is its source from the `$` at
/// `first`, and `kubectl` is why kubectl's grammar rejected it.
pub(super) fn parse(
    text: &str,
    first: usize,
    start: usize,
    end: usize,
    kubectl: Problem,
) -> Result<Expr, Located> {
    match parse_json_path(text.trim_end()) {
        Ok(query) => Ok(Expr::Rfc9535 { query, start, end }),
        Err(rfc) => {
            let (rfc, column) = one_line(&rfc.to_string());
            // Point at the RFC parser's position: a `$…` action that kubectl rejects
            // was most likely meant as RFC 9535.
            let at = column.map_or(first, |c| (first + c.saturating_sub(1)).min(end));
            let problem = Problem::Unparsable {
                kubectl: Box::new(kubectl),
                rfc,
            };
            Err(Located::new(at, end, problem))
        }
    }
}

/// Runs a parsed query on `node`; a failure is reported at the action `start..end`.
pub(super) fn eval<'a>(
    query: &'a JpQuery,
    node: &'a Value,
    start: usize,
    end: usize,
) -> Result<Vec<&'a Value>, Located> {
    js_path_process(query, node)
        .map(|found| found.into_iter().map(|r| r.val).collect())
        .map_err(|e| {
            Located::new(
                start,
                end,
                Problem::RfcFailed {
                    message: one_line(&e.to_string()).0,
                },
            )
        })
}

/// Flattens jsonpath-rust's multi-line pest report to its `expected …` line, plus the
/// 1-based column in the query when the report has one.
fn one_line(report: &str) -> (String, Option<usize>) {
    let column = report
        .split_once("-->")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .and_then(|pos| pos.split(':').nth(1))
        .and_then(|col| col.parse().ok());
    let what = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("= "))
        .map(str::to_string)
        .unwrap_or_else(|| report.split_whitespace().collect::<Vec<_>>().join(" "));
    (what, column)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::render::jsonpath::test_support::{check, ecds, listeners};

    #[test]
    fn rfc9535_queries() {
        let l = listeners();
        check(&[
            (
                "{$[?@.address.socketAddress.portValue == 15006].name}",
                l.clone(),
                "virtualInbound",
            ),
            (
                "{$[?@.name == 'virtualInbound' || @.name == 'connect_originate'].name}",
                l.clone(),
                "virtualInbound connect_originate",
            ),
            (
                "{$[?@.useOriginalDst == true && @.trafficDirection == 'OUTBOUND'].name}",
                l.clone(),
                "virtualOutbound",
            ),
            (
                "{$[?length(@.filterChains) == 2].name}",
                l.clone(),
                "virtualInbound",
            ),
            (
                "{$.ecdsFilters[?@.versionInfo == '1'].ecdsFilter.name}",
                ecds(),
                "istio-system.stats",
            ),
            ("{$.a['b.c']}", json!({"a": {"b.c": 1}}), "1"),
            // RFC semantics: a missing member selects nothing.
            ("{$.a[?@.x > 1]}", json!({"a": [{"x": 1}]}), ""),
            (
                "names: {$[?@.bindToPort == false].name}.",
                l.clone(),
                "names: 10.96.0.10_53.",
            ),
        ]);
    }
}
