//! istioctl's spelling of a chain's MATCH and DESTINATION cells (DOMAIN.md §4.3), from the
//! typed [`ChainMatch`] and [`Destination`]. The one place these words are made: the
//! `pc listener` table lays them out, and the reports that quote a chain the way
//! `pc listener` prints it (the diff's and `wasm count`'s wire formats, the what-if marks
//! written into the predicted listener, lint messages) take them from here, which is why
//! this lives below `render/`. Nothing may decide by reading this text back.

use crate::analysis::listener::chain_match::ChainMatch;
use crate::analysis::listener::destination::{Destination, InlineVirtualHost, RouteCondition};

/// ALPN lists istioctl prints by a label (exact order and length).
const ALPN_LABELS: [(&str, &[&str]); 4] = [
    (
        "App: HTTP TLS",
        &[
            "http/1.0",
            "http/1.1",
            "h2c",
            "istio-http/1.0",
            "istio-http/1.1",
            "istio-h2",
        ],
    ),
    (
        "App: Istio HTTP Plain",
        &["istio", "istio-http/1.0", "istio-http/1.1", "istio-h2"],
    ),
    ("App: TCP TLS", &["istio-peer-exchange", "istio"]),
    ("App: HTTP", &["http/1.0", "http/1.1", "h2c"]),
];

/// MATCH: SNI, transport, ALPN, address parts joined by `; `, or `ALL`.
pub fn match_text(m: &ChainMatch) -> String {
    let mut parts = Vec::new();
    if !m.server_names.is_empty() {
        parts.push(format!("SNI: {}", m.server_names.join(",")));
    }
    if !m.transport_protocol.is_empty() {
        parts.push(format!("Trans: {}", m.transport_protocol));
    }
    if !m.application_protocols.is_empty() {
        let label = ALPN_LABELS.iter().find(|(_, list)| {
            list.len() == m.application_protocols.len()
                && list
                    .iter()
                    .zip(&m.application_protocols)
                    .all(|(a, b)| a == b)
        });
        parts.push(match label {
            Some((label, _)) => label.to_string(),
            None => format!("App: {}", m.application_protocols.join(",")),
        });
    }
    let port = m
        .destination_port
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    if !m.prefix_ranges.is_empty() {
        let ranges: Vec<String> = m
            .prefix_ranges
            .iter()
            .map(|r| format!("{}/{}", r.address_prefix, r.prefix_len))
            .collect();
        parts.push(format!("Addr: {}{port}", ranges.join(",")));
    } else if !port.is_empty() {
        parts.push(format!("Addr: *{port}"));
    }
    if parts.is_empty() {
        "ALL".to_string()
    } else {
        parts.join("; ")
    }
}

/// DESTINATION as istioctl prints it.
pub fn destination_text(d: &Destination) -> String {
    match d {
        Destination::Cluster(cluster) => cluster_text(cluster),
        Destination::Rds(name) => format!("Route: {name}"),
        Destination::InlineRoute(vhosts) => {
            let vhosts: Vec<String> = vhosts.iter().map(virtual_host_text).collect();
            format!("Inline Route: {}", vhosts.join("; "))
        }
        Destination::Http => "HTTP".to_string(),
        Destination::Unconfigured(filter) => filter.clone(),
        Destination::NonHttpNonTcp => "Non-HTTP/Non-TCP".to_string(),
    }
}

/// A name containing `Cluster` is printed bare (`InboundPassthroughCluster`), any other as
/// `Cluster: <name>`.
fn cluster_text(cluster: &str) -> String {
    if cluster.contains("Cluster") {
        cluster.to_string()
    } else {
        format!("Cluster: {cluster}")
    }
}

fn virtual_host_text(vh: &InlineVirtualHost) -> String {
    let routes: Vec<String> = vh.routes.iter().map(route_text).collect();
    let routes = routes.join(", ");
    if vh.domains.len() == 1 && vh.domains[0] == "*" {
        return routes;
    }
    let domains = vh.domains.join("/");
    if domains.is_empty() {
        routes
    } else {
        format!("{domains} {routes}")
    }
}

fn route_text(c: &RouteCondition) -> String {
    let mut conds = Vec::new();
    if let Some(p) = &c.prefix {
        conds.push(format!("{p}*"));
    }
    if let Some(p) = &c.path_separated_prefix {
        conds.push(format!("PathPrefix:{p}"));
    }
    if let Some(p) = &c.path {
        conds.push(p.clone());
    }
    if let Some(r) = &c.regex {
        conds.push(format!("regex {r}"));
    }
    conds.join(" ")
}

/// Serialises a match as its MATCH text, for wire formats that quote `pc listener`.
pub fn serialize_match<S: serde::Serializer>(m: &ChainMatch, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&match_text(m))
}

/// Serialises a destination as its DESTINATION text, for wire formats that quote `pc listener`.
pub fn serialize_destination<S: serde::Serializer>(
    d: &Destination,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&destination_text(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envoy::{FilterChain, FilterChainMatch};

    fn fcm(json: &str) -> FilterChainMatch<'_> {
        serde_json::from_str(json).unwrap()
    }

    fn chain_match(m: Option<&FilterChainMatch<'_>>) -> String {
        match_text(&ChainMatch::of(m))
    }

    fn chain_destination(c: &FilterChain<'_>) -> String {
        destination_text(&crate::analysis::listener::destination::chain_destination(
            c,
        ))
    }

    #[test]
    fn match_text_follows_istioctl() {
        let cases = [
            ("{}", "ALL"),
            (r#"{"destination_port":15006}"#, "Addr: *:15006"),
            (
                r#"{"transport_protocol":"tls","application_protocols":["istio-peer-exchange","istio"]}"#,
                "Trans: tls; App: TCP TLS",
            ),
            (
                r#"{"transport_protocol":"raw_buffer","application_protocols":["http/1.1","h2c"]}"#,
                "Trans: raw_buffer; App: http/1.1,h2c",
            ),
            (
                r#"{"prefix_ranges":[{"address_prefix":"::0"}],"destination_port":80,"server_names":["a","b"]}"#,
                "SNI: a,b; Addr: ::0/0:80",
            ),
            (
                r#"{"application_protocols":["http/1.0","http/1.1","h2c"]}"#,
                "App: HTTP",
            ),
        ];
        for (json, want) in cases {
            assert_eq!(chain_match(Some(&fcm(json))), want, "{json}");
        }
        assert_eq!(chain_match(None), "ALL");
    }

    #[test]
    fn destination_follows_istioctl() {
        let chain = |filters: &str| -> String {
            let json = format!(r#"{{"filters":{filters}}}"#);
            let c: FilterChain = serde_json::from_str(&json).unwrap();
            chain_destination(&c)
        };
        let hcm = |tc: &str| {
            format!(
                r#"[{{"name":"envoy.filters.network.http_connection_manager","typed_config":{tc}}}]"#
            )
        };
        let tcp = |cluster: &str| {
            format!(
                r#"{{"name":"envoy.filters.network.tcp_proxy","typed_config":{{"cluster":"{cluster}"}}}}"#
            )
        };
        assert_eq!(chain("[]"), "Non-HTTP/Non-TCP");
        assert_eq!(
            chain(&format!("[{}]", tcp("BlackHoleCluster"))),
            "Non-HTTP/Non-TCP"
        );
        assert_eq!(
            chain(&format!("[{}]", tcp("inbound|80||"))),
            "Cluster: inbound|80||"
        );
        assert_eq!(
            chain(&format!("[{}]", tcp("InboundPassthroughCluster"))),
            "InboundPassthroughCluster"
        );
        assert_eq!(
            chain(&hcm(r#"{"rds":{"route_config_name":"80"}}"#)),
            "Route: 80"
        );
        assert_eq!(chain(&hcm("{}")), "HTTP");
        assert_eq!(
            chain(&hcm(
                r#"{"route_config":{"virtual_hosts":[{"domains":["*"],"routes":[{"match":{"prefix":"/"},"route":{"cluster":"inbound|80||"}}]}]}}"#
            )),
            "Cluster: inbound|80||"
        );
        assert_eq!(
            chain(&hcm(
                r#"{"route_config":{"virtual_hosts":[{"domains":["*"],"routes":[{"match":{"prefix":"/healthz/ready"}},{"match":{"path":"/x","safe_regex":{"regex":"a.*"}}}]},
                   {"domains":["a","b"],"routes":[{"match":{"path_separated_prefix":"/api"}}]}]}}"#
            )),
            "Inline Route: /healthz/ready*, /x regex a.*; a/b PathPrefix:/api"
        );
    }
}
