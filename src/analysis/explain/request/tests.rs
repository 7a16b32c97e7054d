use super::*;
use crate::envoy::cluster::Cluster;
use crate::envoy::endpoint::ClusterLoadAssignment;

/// A dump's routes, clusters and endpoints sections for tests; `None` is a section the
/// dump does not have.
#[derive(Default)]
pub(super) struct FakeDump {
    pub routes: Option<Vec<&'static str>>,
    pub clusters: Option<Vec<&'static str>>,
    pub endpoints: Option<Vec<&'static str>>,
}

fn find<T: serde::Deserialize<'static>>(
    section: &Option<Vec<&'static str>>,
    key: impl Fn(&T) -> bool,
) -> Lookup<T> {
    match section {
        None => Lookup::NoSection,
        Some(items) => items
            .iter()
            .map(|j| serde_json::from_str::<T>(j).unwrap())
            .find(key)
            .map_or(Lookup::NotFound, Lookup::Found),
    }
}

impl RoutingLookup<'static> for FakeDump {
    fn route_config(&self, name: &str) -> Result<Lookup<RouteConfiguration<'static>>, LoadError> {
        Ok(find(&self.routes, |c: &RouteConfiguration<'_>| {
            c.name == name
        }))
    }
    fn cluster(&self, name: &str) -> Result<Lookup<Cluster<'static>>, LoadError> {
        Ok(find(&self.clusters, |c: &Cluster<'_>| c.name == name))
    }
    fn load_assignment(
        &self,
        service_name: &str,
    ) -> Result<Lookup<ClusterLoadAssignment<'static>>, LoadError> {
        Ok(find(&self.endpoints, |c: &ClusterLoadAssignment<'_>| {
            c.cluster_name == service_name
        }))
    }
}

pub(super) fn get(url_authority: &str, path: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        scheme: "http".into(),
        authority: url_authority.into(),
        path: path.into(),
        headers: Vec::new(),
    }
}

fn chain(json: &'static str) -> FilterChain<'static> {
    serde_json::from_str(json).unwrap()
}

const RDS_CHAIN: &str = r#"{"filters":[{"name":"envoy.filters.network.http_connection_manager",
  "typed_config":{"rds":{"route_config_name":"8000"}}}]}"#;

const ROUTES_8000: &str = r#"{"name":"8000","ignore_port_in_host_matching":true,"virtual_hosts":[
  {"name":"httpbin.default.svc.cluster.local:8000","domains":["httpbin.default"],
   "routes":[{"name":"default","match":{"prefix":"/"},"route":{"cluster":"outbound|8000||httpbin"}}]}]}"#;

const CLUSTER: &str = r#"{"name":"outbound|8000||httpbin","type":"EDS",
  "eds_cluster_config":{"service_name":"outbound|8000||httpbin"}}"#;

const ENDPOINTS: &str = r#"{"cluster_name":"outbound|8000||httpbin","endpoints":[
  {"locality":{"region":"r","zone":"z"},"lb_endpoints":[
   {"endpoint":{"address":{"socket_address":{"address":"10.244.0.12","port_value":80}}},
    "health_status":"HEALTHY","load_balancing_weight":1}]}]}"#;

fn full_dump() -> FakeDump {
    FakeDump {
        routes: Some(vec![ROUTES_8000]),
        clusters: Some(vec![CLUSTER]),
        endpoints: Some(vec![ENDPOINTS]),
    }
}

/// The whole way: RDS by name, the virtual host (port ignored), the route, the cluster
/// and its EDS endpoints.
#[test]
fn follows_rds_route_cluster_endpoints() {
    let c = chain(RDS_CHAIN);
    let trace = follow_request(
        Some(&c),
        &get("httpbin.default:8000", "/status/418"),
        8000,
        &full_dump(),
    )
    .unwrap();
    let RequestTrace::Http(t) = trace else {
        panic!("{trace:?}")
    };
    assert_eq!(
        t.source,
        Some(RouteSource::Rds {
            name: "8000".into()
        })
    );
    assert_eq!(
        t.virtual_host.as_ref().map(|v| v.rule),
        Some(DomainRule::Exact)
    );
    assert_eq!(t.taken, Some(0));
    assert_eq!(t.gap, None);
    let up = &t.upstreams[0];
    assert_eq!(up.name, "outbound|8000||httpbin");
    assert_eq!(up.endpoints[0].addresses, ["10.244.0.12:80"]);
    assert_eq!(up.endpoints[0].locality, "r/z");
    assert_eq!(up.endpoints[0].weight, Some(1));
}

/// A host no virtual host takes: Envoy's `NR`, with every domain that was tried.
#[test]
fn no_virtual_host_lists_the_domains_tried() {
    let c = chain(RDS_CHAIN);
    let RequestTrace::Http(t) =
        follow_request(Some(&c), &get("other", "/"), 8000, &full_dump()).unwrap()
    else {
        panic!()
    };
    assert_eq!(t.virtual_host, None);
    assert_eq!(t.tried_domains, ["httpbin.default"]);
    assert!(t.upstreams.is_empty());
}

/// Missing sections are gaps, never errors: no routes section, a route configuration not
/// in it, no endpoints section.
#[test]
fn missing_sections_are_gaps() {
    let c = chain(RDS_CHAIN);
    let r = get("httpbin.default", "/");
    let gap = |dump: &FakeDump| match follow_request(Some(&c), &r, 8000, dump).unwrap() {
        RequestTrace::Http(t) => t
            .gap
            .or_else(|| t.upstreams.first().and_then(|u| u.gap.clone())),
        other => panic!("{other:?}"),
    };
    assert_eq!(gap(&FakeDump::default()), Some(Gap::NoRoutesSection));
    let empty = FakeDump {
        routes: Some(vec![]),
        ..FakeDump::default()
    };
    assert_eq!(
        gap(&empty),
        Some(Gap::RouteConfigMissing {
            name: "8000".into()
        })
    );
    let no_eds = FakeDump {
        endpoints: None,
        ..full_dump()
    };
    assert_eq!(gap(&no_eds), Some(Gap::NoEndpointsSection));
    let no_clusters = FakeDump {
        clusters: None,
        ..full_dump()
    };
    assert_eq!(gap(&no_clusters), Some(Gap::NoClustersSection));
}

/// A tcp_proxy chain: no request routing; its weighted clusters are followed.
#[test]
fn tcp_chain_follows_its_clusters() {
    let c = chain(
        r#"{"filters":[{"name":"envoy.filters.network.tcp_proxy","typed_config":{
          "weighted_clusters":{"clusters":[{"name":"a","weight":90},{"name":"b","weight":10}]}}}]}"#,
    );
    let RequestTrace::Tcp { upstreams } =
        follow_request(Some(&c), &get("x", "/"), 80, &full_dump()).unwrap()
    else {
        panic!()
    };
    let names: Vec<_> = upstreams
        .iter()
        .map(|u| (u.name.as_str(), u.weight))
        .collect();
    assert_eq!(names, [("a", Some(90)), ("b", Some(10))]);
    assert_eq!(
        upstreams[0].gap,
        Some(Gap::ClusterMissing { name: "a".into() })
    );
    assert_eq!(
        follow_request(None, &get("x", "/"), 80, &full_dump()).unwrap(),
        RequestTrace::NoChain
    );
}

/// A virtual host with a matcher tree is a gap, never read as "no route"; `require_tls` is
/// kept for the words (`VirtualHostImpl::getRouteFromEntries` redirects first).
#[test]
fn virtual_host_matcher_and_require_tls() {
    let dump = FakeDump {
        routes: Some(vec![
            r#"{"name":"8000","virtual_hosts":[{"name":"m","domains":["a"],"matcher":{},"require_tls":"ALL"}]}"#,
        ]),
        ..FakeDump::default()
    };
    let c = chain(RDS_CHAIN);
    let RequestTrace::Http(t) = follow_request(Some(&c), &get("a", "/"), 80, &dump).unwrap() else {
        panic!()
    };
    assert_eq!(t.gap, Some(Gap::VirtualHostMatcher));
    assert_eq!(t.require_tls.as_deref(), Some("ALL"));
    assert!(!t.route_not_found());
}
