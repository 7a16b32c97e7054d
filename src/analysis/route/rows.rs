//! istioctl's route rows: which route configurations, in what order, and each row's parts.

use crate::envoy::metadata::istio_config;
use crate::envoy::route::{Route, RouteConfiguration, RouteMatch};
use crate::istio::config_path::{ManagingResource, managing_resource};
use crate::istio::passthrough::PASSTHROUGH_CLUSTER;
use crate::util::go_sort::sort_slice;
use crate::util::go_strconv::atoi;

use super::domains::{DomainSummary, describe_route_domains};

/// One path condition of a route's match, in `describeMatch`'s order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchCondition {
    Prefix(String),
    PathSeparatedPrefix(String),
    Path(String),
    SafeRegex(String),
}

/// What a row says of the virtual host's routes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteCell {
    /// One route: its path conditions (headers are not shown) and the VirtualService
    /// behind it (`metadata.filter_metadata.istio.config`).
    Route {
        conditions: Vec<MatchCondition>,
        virtual_service: ManagingResource,
    },
    /// A virtual host without routes (istioctl prints `/*` and `404`).
    NoRoutes,
}

/// One row of istioctl's verbose route table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRow {
    pub name: String,
    pub virtual_host: String,
    pub domains: DomainSummary,
    pub cell: RouteCell,
}

/// One row of `--verbose=false`: the route configuration and its number of virtual hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteCountRow {
    pub name: String,
    pub virtual_hosts: usize,
}

/// Sorts as `retrieveSortedRouteSlice` does (Go `sort.Slice`): `less` holds only when both
/// names are numbers (Go `strconv.Atoi`) and the first is smaller. That is no strict weak
/// order once a name is not a number, so the order of the rest is whatever Go's algorithm
/// makes of it, which the port of `sort.Slice` reproduces.
pub fn sort_route_configs<T>(items: &mut [T], name: impl Fn(&T) -> &str) {
    sort_slice(items, |a, b| match (atoi(name(a)), atoi(name(b))) {
        ((i, true), (j, true)) => i < j,
        _ => false,
    });
}

/// `RouteFilter.Verify`: `--name` must equal the configuration's name.
pub fn accepts(name_filter: Option<&str>, config_name: &str) -> bool {
    name_filter.is_none_or(|n| n == config_name)
}

/// The rows `PrintRouteSummary` prints for `config` with `--verbose` (the default): one per
/// route of each virtual host, routes to `PassthroughCluster` left out, and one `NoRoutes`
/// row for a virtual host without routes.
pub fn route_rows(config: &RouteConfiguration<'_>) -> Vec<RouteRow> {
    let mut rows = Vec::new();
    for vhost in &config.virtual_hosts {
        let row = |cell| RouteRow {
            name: config.name.to_string(),
            virtual_host: vhost.name.to_string(),
            domains: describe_route_domains(&vhost.domains),
            cell,
        };
        for route in vhost.routes.iter().filter(|r| !is_passthrough(r)) {
            rows.push(row(RouteCell::Route {
                conditions: describe_match(&route.route_match),
                virtual_service: managing_resource(&istio_config(route.metadata.as_ref())),
            }));
        }
        if vhost.routes.is_empty() {
            rows.push(row(RouteCell::NoRoutes));
        }
    }
    rows
}

/// The row of `--verbose=false`.
pub fn route_count_row(config: &RouteConfiguration<'_>) -> RouteCountRow {
    RouteCountRow {
        name: config.name.to_string(),
        virtual_hosts: config.virtual_hosts.len(),
    }
}

/// `isPassthrough` (route.go): a route action whose cluster is `PassthroughCluster`.
fn is_passthrough(route: &Route<'_>) -> bool {
    route
        .route
        .as_ref()
        .and_then(|action| action.cluster.as_deref())
        == Some(PASSTHROUGH_CLUSTER)
}

/// `describeMatch` (listener.go): prefix, path-separated prefix, path and regex, each when
/// non-empty (a regex matcher even with an empty regex), in that order.
fn describe_match(m: &RouteMatch<'_>) -> Vec<MatchCondition> {
    let set = |v: &Option<std::borrow::Cow<'_, str>>| {
        v.as_deref().filter(|s| !s.is_empty()).map(str::to_string)
    };
    let mut conditions = Vec::new();
    conditions.extend(set(&m.prefix).map(MatchCondition::Prefix));
    conditions.extend(set(&m.path_separated_prefix).map(MatchCondition::PathSeparatedPrefix));
    conditions.extend(set(&m.path).map(MatchCondition::Path));
    if let Some(regex) = &m.safe_regex {
        conditions.push(MatchCondition::SafeRegex(regex.regex.to_string()));
    }
    conditions
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows `retrieveSortedRouteSlice`'s `less` (istioctl route.go): numbers ascending;
    /// with names that are not numbers, Go's insertion sort (up to 12 elements) moves a
    /// number only past the numbers before it, never past a name.
    #[test]
    fn retrieve_sorted_route_slice_order() {
        let mut names = vec!["9080", "80", "15010", "8000"];
        sort_route_configs(&mut names, |n| n);
        assert_eq!(names, ["80", "8000", "9080", "15010"]);
        let mut names = vec!["9080", "InboundPassthroughCluster", "80", "15010", "8000"];
        sort_route_configs(&mut names, |n| n);
        assert_eq!(
            names,
            ["9080", "InboundPassthroughCluster", "80", "8000", "15010"]
        );
    }

    fn config(json: &'static str) -> RouteConfiguration<'static> {
        serde_json::from_str(json).unwrap()
    }

    /// Follows `PrintRouteSummary` and `isPassthrough` (istioctl route.go).
    #[test]
    fn print_route_summary_rows() {
        let c = config(
            r#"{"name":"80","virtual_hosts":[
              {"name":"a:80","domains":["a"],"routes":[
                {"match":{"prefix":"/api"},"route":{"cluster":"x"},
                 "metadata":{"filter_metadata":{"istio":{"config":"/apis/networking.istio.io/v1/namespaces/ns/virtual-service/a"}}}},
                {"match":{"path":"/p"},"route":{"cluster":"y"}}]},
              {"name":"empty","domains":["*"]},
              {"name":"allow_any","domains":["*"],"routes":[{"match":{"prefix":"/"},"route":{"cluster":"PassthroughCluster"}}]}]}"#,
        );
        let rows = route_rows(&c);
        let cells: Vec<_> = rows.iter().map(|r| (&*r.virtual_host, &r.cell)).collect();
        assert_eq!(
            cells,
            [
                (
                    "a:80",
                    &RouteCell::Route {
                        conditions: vec![MatchCondition::Prefix("/api".into())],
                        virtual_service: ManagingResource::Resource {
                            name: "a".into(),
                            namespace: "ns".into()
                        }
                    }
                ),
                (
                    "a:80",
                    &RouteCell::Route {
                        conditions: vec![MatchCondition::Path("/p".into())],
                        virtual_service: ManagingResource::Unshown
                    }
                ),
                ("empty", &RouteCell::NoRoutes),
            ]
        );
        assert_eq!(route_count_row(&c).virtual_hosts, 3);
    }

    /// Follows `describeMatch` (istioctl listener.go).
    #[test]
    fn describe_match_order() {
        let m: RouteMatch<'static> = serde_json::from_str(
            r#"{"prefix":"","safe_regex":{"regex":""},"path_separated_prefix":"/a"}"#,
        )
        .unwrap();
        assert_eq!(
            describe_match(&m),
            [
                MatchCondition::PathSeparatedPrefix("/a".into()),
                MatchCondition::SafeRegex(String::new())
            ]
        );
    }
}
