//! The way past the chain that takes a connection (DOMAIN.md §3.1, outbound HBONE): each
//! test builds the smallest listeners, clusters and load assignments that show one step,
//! and names the Envoy function that decides it.

use std::convert::Infallible;

use super::*;

/// The dump's clusters, load assignments and internal listeners, from JSON; `None` for a
/// section the dump lacks.
struct Fake {
    clusters: Option<Vec<&'static str>>,
    endpoints: Option<Vec<&'static str>>,
    internal: Vec<Listener<'static>>,
}

impl Fake {
    fn new(
        clusters: &[&'static str],
        endpoints: &[&'static str],
        internal: &[&'static str],
    ) -> Self {
        Fake {
            clusters: Some(clusters.to_vec()),
            endpoints: Some(endpoints.to_vec()),
            internal: internal
                .iter()
                .map(|j| serde_json::from_str(j).unwrap())
                .collect(),
        }
    }
}

impl UpstreamConfig<'static> for Fake {
    type Error = Infallible;
    fn cluster(&self, name: &str) -> Result<Lookup<ClusterUpstream<'static>>, Infallible> {
        let Some(all) = &self.clusters else {
            return Ok(Lookup::NoSection);
        };
        let found = all
            .iter()
            .map(|j| serde_json::from_str::<ClusterUpstream>(j).unwrap())
            .find(|c| c.name == name);
        Ok(found.map_or(Lookup::NotInDump, Lookup::Found))
    }
    fn load_assignment(
        &self,
        service: &str,
    ) -> Result<Lookup<ClusterLoadAssignment<'static>>, Infallible> {
        let Some(all) = &self.endpoints else {
            return Ok(Lookup::NoSection);
        };
        let found = all
            .iter()
            .map(|j| serde_json::from_str::<ClusterLoadAssignment>(j).unwrap())
            .find(|c| c.cluster_name == service);
        Ok(found.map_or(Lookup::NotInDump, Lookup::Found))
    }
    fn internal_listeners(&self) -> Result<&[Listener<'static>], Infallible> {
        Ok(&self.internal)
    }
}

fn conn(dst: &str) -> Connection {
    let dst: SocketAddr = dst.parse().unwrap();
    Connection {
        dst_port: u32::from(dst.port()),
        dst_ip: dst.ip(),
        server_name: None,
        transport: "raw_buffer".into(),
        alpn: Vec::new(),
        direct_src_ip: "10.0.0.2".parse().unwrap(),
        src_local: false,
        src_ip: "10.0.0.2".parse().unwrap(),
        src_port: 40000,
        filter_state: Vec::new(),
    }
}

/// A listener whose one chain ends in `terminal` (a network filter's JSON).
fn listener_with(terminal: &str) -> Listener<'static> {
    let json = format!(r#"{{"name":"out","filter_chains":[{{"filters":[{terminal}]}}]}}"#);
    serde_json::from_str(Box::leak(json.into_boxed_str())).unwrap()
}

fn tcp_proxy(cluster: &str) -> String {
    format!(
        r#"{{"name":"envoy.filters.network.tcp_proxy","typed_config":{{"stat_prefix":"x","cluster":"{cluster}"}}}}"#
    )
}

fn run(listener: &Listener<'static>, c: &Connection, restored: bool, fake: &Fake) -> Vec<Leg> {
    let chosen = Chosen::Chain(0);
    match onward(
        listener,
        &chosen,
        c,
        restored,
        fake,
        &MatcherSemantics::current(),
    ) {
        Ok(legs) => legs,
        Err(never) => match never {},
    }
}

/// Istio's outbound EDS cluster of an HBONE-capable sidecar: hosts marked `tunnel: http`
/// take the internal upstream socket that passes their original_dst metadata through.
const DB: &str = r#"{"name":"outbound|3306||db","type":"EDS",
  "eds_cluster_config":{"service_name":"outbound|3306||db"},
  "transport_socket_matches":[
    {"name":"hbone","match":{"tunnel":"http"},"transport_socket":{"name":"internal_upstream",
      "typed_config":{"@type":"type.googleapis.com/envoy.extensions.transport_sockets.internal_upstream.v3.InternalUpstreamTransport",
        "passthrough_metadata":[{"kind":{"host":{}},"name":"envoy.filters.listener.original_dst"}]}}},
    {"name":"tlsMode-disabled","match":{},"transport_socket":{"name":"envoy.transport_sockets.raw_buffer"}}]}"#;

fn hbone_host(id: &str, local: &str, waypoint: Option<&str>) -> String {
    let waypoint = waypoint
        .map(|w| format!(r#","waypoint":"{w}""#))
        .unwrap_or_default();
    format!(
        r#"{{"endpoint":{{"address":{{"envoy_internal_address":{{"server_listener_name":"connect_originate","endpoint_id":"{id}"}}}}}},
          "health_status":"HEALTHY","metadata":{{"filter_metadata":{{
            "envoy.filters.listener.original_dst":{{"local":"{local}"{waypoint}}},
            "envoy.transport_socket_match":{{"tunnel":"http"}}}}}}}}"#
    )
}

fn assignment(service: &str, hosts: &[String]) -> &'static str {
    let json = format!(
        r#"{{"cluster_name":"{service}","endpoints":[{{"lb_endpoints":[{}]}}]}}"#,
        hosts.join(",")
    );
    Box::leak(json.into_boxed_str())
}

/// Istio's `connect_originate` internal listener (listener_waypoint.go
/// `buildConnectForwarder`): original_dst, and a tcp_proxy tunnelling to the restored
/// destination.
const CONNECT_ORIGINATE: &str = r#"{"name":"connect_originate","internal_listener":{},
  "listener_filters":[{"name":"envoy.filters.listener.original_dst"}],
  "filter_chains":[{"filters":[{"name":"envoy.filters.network.tcp_proxy","typed_config":{
    "stat_prefix":"connect_originate","cluster":"connect_originate",
    "tunneling_config":{"hostname":"%DOWNSTREAM_LOCAL_ADDRESS%",
      "headers_to_add":[{"header":{"key":"baggage","value":"%FILTER_STATE(io.istio.baggage:PLAIN)%"}}]}}}]}]}"#;

/// Istio's `connect_originate` cluster (cluster_waypoint.go `buildConnectOriginate`).
const CONNECT_ORIGINATE_CLUSTER: &str = r#"{"name":"connect_originate","type":"ORIGINAL_DST",
  "lb_policy":"CLUSTER_PROVIDED",
  "original_dst_lb_config":{"upstream_port_override":15008,
    "metadata_key":{"key":"envoy.filters.listener.original_dst","path":[{"key":"waypoint"}]}},
  "typed_extension_protocol_options":{"envoy.extensions.upstreams.http.v3.HttpProtocolOptions":
    {"explicit_http_config":{"http2_protocol_options":{"allow_connect":true}}}},
  "transport_socket":{"name":"tls","typed_config":{"common_tls_context":{"alpn_protocols":["h2"]}}}}"#;

fn found(leg: &Leg) -> &ClusterFacts {
    match leg {
        Leg::Cluster(ClusterLeg {
            state: Lookup::Found(f),
            ..
        }) => f,
        other => panic!("{other:?}"),
    }
}

fn reached(leg: &Leg) -> (&InternalLeg, &Reached) {
    match leg {
        Leg::Internal(i) => (i, i.state.as_ref().unwrap()),
        other => panic!("{other:?}"),
    }
}

fn original_dst(leg: &Leg) -> &OriginalDstHost {
    match &found(leg).hosts {
        Hosts::OriginalDst(h) => h,
        other => panic!("{other:?}"),
    }
}

/// The whole outbound HBONE way. Envoy: tcp_proxy's cluster (`TcpProxy::Config::
/// getRouteFromEntries`); the EDS hosts of `service_name` (`EdsClusterImpl`); the host's
/// socket by its match metadata (`TransportSocketMatcherImpl::resolve`); its internal
/// address served by the internal listener of that name (`InternalListenerManager::
/// findByAddress` in the `envoy.bootstrap.internal_listener` registry); the destination
/// restored from passed-through metadata (`InternalUpstreamTransport`,
/// `OriginalDstFilter::onAccept`, `EnvoyInternal`); the tunnel's authority formatted from
/// it (`TunnelingConfigHelperImpl::host`); the ORIGINAL_DST host with the port override
/// (`OriginalDstCluster::LoadBalancer::chooseHost`).
#[test]
fn internal_eds_host_leads_through_connect_originate_to_port_15008() {
    let hosts = [
        hbone_host("10.244.2.40:3306", "10.244.2.40:3306", None),
        hbone_host("10.244.3.41:3306", "10.244.3.41:3306", None),
    ];
    let fake = Fake::new(
        &[DB, CONNECT_ORIGINATE_CLUSTER],
        &[assignment("outbound|3306||db", &hosts)],
        &[CONNECT_ORIGINATE],
    );
    let legs = run(
        &listener_with(&tcp_proxy("outbound|3306||db")),
        &conn("10.96.45.12:3306"),
        true,
        &fake,
    );
    assert_eq!(legs.len(), 3, "{legs:?}");
    let db = found(&legs[0]);
    assert_eq!(db.discovery, "EDS");
    let Hosts::Eds {
        service,
        endpoints: Lookup::Found(eps),
    } = &db.hosts
    else {
        panic!("{:?}", db.hosts)
    };
    assert_eq!(service, "outbound|3306||db");
    assert_eq!(eps.len(), 2);
    let (internal, at) = reached(&legs[1]);
    assert_eq!(internal.listener, "connect_originate");
    assert_eq!(internal.endpoint_id, "10.244.2.40:3306");
    assert_eq!(internal.others, 1);
    assert_eq!(at.restore, Restore::FromMetadata("10.244.2.40:3306".into()));
    assert_eq!(at.simulation.chosen, Chosen::Chain(0));
    assert_eq!(at.simulation.connection.dst_port, 3306);
    let tunnel = at.tunnel.as_ref().unwrap();
    assert_eq!(tunnel.authority.as_deref(), Some("10.244.2.40:3306"));
    assert_eq!(tunnel.headers[0].0, "baggage");
    let upstream = found(&legs[2]);
    assert!(upstream.http2);
    let host = original_dst(&legs[2]);
    assert_eq!(host.from, HostFrom::RestoredLocal);
    assert_eq!(host.address.as_deref(), Some("10.244.2.40:15008"));
    assert_eq!(host.tls_alpn, Some(vec!["h2".to_string()]));
}

/// `chooseHost` reads `metadata_key` (`metadataOverrideHost`, the connection's dynamic
/// metadata, here passed through from the host) before the restored local address: a
/// service's waypoint carries the tunnel; the port override still applies.
#[test]
fn metadata_waypoint_wins_over_the_restored_destination() {
    let host = hbone_host(
        "10.244.4.50:15008",
        "10.96.45.40:5432",
        Some("10.244.4.50:15008"),
    );
    let fake = Fake::new(
        &[DB, CONNECT_ORIGINATE_CLUSTER],
        &[assignment("outbound|3306||db", &[host])],
        &[CONNECT_ORIGINATE],
    );
    let legs = run(
        &listener_with(&tcp_proxy("outbound|3306||db")),
        &conn("10.96.45.40:5432"),
        true,
        &fake,
    );
    let (_, at) = reached(&legs[1]);
    assert_eq!(
        at.tunnel.as_ref().unwrap().authority.as_deref(),
        Some("10.96.45.40:5432")
    );
    let host = original_dst(&legs[2]);
    assert_eq!(
        host.from,
        HostFrom::Metadata {
            key: "envoy.filters.listener.original_dst/waypoint".into()
        }
    );
    assert_eq!(host.address.as_deref(), Some("10.244.4.50:15008"));
}

/// `chooseHost` reads the filter state `envoy.network.transport_socket.original_dst_address`
/// (`filterStateOverrideHost`) before anything else; without a restored destination and
/// without overrides it has no host (`No downstream connection or no original_dst`).
#[test]
fn original_dst_host_order_and_no_host() {
    let passthrough = r#"{"name":"PassthroughCluster","type":"ORIGINAL_DST"}"#;
    let fake = Fake::new(&[passthrough], &[], &[]);
    let l = listener_with(&tcp_proxy("PassthroughCluster"));
    let mut c = conn("10.96.0.9:9999");
    let legs = run(&l, &c, true, &fake);
    assert_eq!(
        original_dst(&legs[0]).address.as_deref(),
        Some("10.96.0.9:9999")
    );
    assert_eq!(original_dst(&legs[0]).tls_alpn, None);
    c.filter_state
        .push((ORIGINAL_DST_FILTER_STATE.into(), "10.1.1.1:80".into()));
    let legs = run(&l, &c, true, &fake);
    assert_eq!(original_dst(&legs[0]).from, HostFrom::FilterState);
    assert_eq!(
        original_dst(&legs[0]).address.as_deref(),
        Some("10.1.1.1:80")
    );
    // Bound to its own socket (no capture): the local address is never restored.
    let legs = run(&l, &conn("10.96.0.9:9999"), false, &fake);
    assert_eq!(original_dst(&legs[0]).from, HostFrom::Nothing);
    assert_eq!(original_dst(&legs[0]).address, None);
}

/// An HTTP connection manager leaves the cluster to each request's route
/// (`ConnectionManagerImpl` → the router): the way stops at the chain.
#[test]
fn an_http_chain_leaves_the_cluster_to_the_route() {
    let hcm = r#"{"name":"envoy.filters.network.http_connection_manager","typed_config":{"stat_prefix":"x","rds":{"route_config_name":"80"}}}"#;
    let legs = run(
        &listener_with(hcm),
        &conn("10.96.0.9:80"),
        true,
        &Fake::new(&[], &[], &[]),
    );
    assert!(matches!(legs.as_slice(), [Leg::RouteDecides]), "{legs:?}");
}

/// `weighted_clusters` (`TcpProxy::Config::WeightedClusterEntry`): each cluster may take the
/// connection by its weight, so each is followed, in order, with its weight.
#[test]
fn weighted_clusters_are_each_followed() {
    let proxy = r#"{"name":"envoy.filters.network.tcp_proxy","typed_config":{"stat_prefix":"x",
      "weighted_clusters":{"clusters":[{"name":"a","weight":80},{"name":"b","weight":20}]}}}"#;
    let a = r#"{"name":"a","type":"STATIC","load_assignment":{"cluster_name":"a","endpoints":[{"lb_endpoints":[
      {"endpoint":{"address":{"socket_address":{"address":"10.0.0.7","port_value":80}}}}]}]}}"#;
    let legs = run(
        &listener_with(proxy),
        &conn("10.96.0.9:80"),
        true,
        &Fake::new(&[a], &[], &[]),
    );
    let names: Vec<(&str, Option<u32>)> = legs
        .iter()
        .map(|l| match l {
            Leg::Cluster(c) => (c.name.as_str(), c.weight),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(names, [("a", Some(80)), ("b", Some(20))]);
    match &found(&legs[0]).hosts {
        Hosts::Inline(eps) => assert_eq!(
            eps[0].address,
            EndpointAddress::Socket("10.0.0.7:80".into())
        ),
        other => panic!("{other:?}"),
    }
    let Leg::Cluster(b) = &legs[1] else { panic!() };
    assert_eq!(b.state, Lookup::NotInDump);
}

/// An internal listener whose cluster leads back to itself has no end the dump can show:
/// the way stops after a bounded number of internal hops.
#[test]
fn a_loop_through_internal_listeners_stops() {
    let host = hbone_host("10.244.2.40:3306", "10.244.2.40:3306", None);
    let looping = r#"{"name":"connect_originate","internal_listener":{},
      "listener_filters":[{"name":"envoy.filters.listener.original_dst"}],
      "filter_chains":[{"filters":[{"name":"envoy.filters.network.tcp_proxy","typed_config":{
        "stat_prefix":"x","cluster":"outbound|3306||db"}}]}]}"#;
    let fake = Fake::new(
        &[DB],
        &[assignment("outbound|3306||db", &[host])],
        &[looping],
    );
    let legs = run(
        &listener_with(&tcp_proxy("outbound|3306||db")),
        &conn("10.96.45.12:3306"),
        true,
        &fake,
    );
    let internal = legs
        .iter()
        .filter(|l| matches!(l, Leg::Internal(_)))
        .count();
    assert_eq!(internal, MAX_INTERNAL_HOPS);
}

/// A `set_filter_state` network filter (`envoy.filters.network.set_filter_state`) before the
/// tcp_proxy sets `envoy.network.transport_socket.original_dst_address` per connection,
/// which `chooseHost` reads first (`filterStateOverrideHost`): the host is not known from
/// the dump, and is not guessed from the restored destination.
#[test]
fn filter_state_set_at_run_time_is_not_guessed() {
    let set = r#"{"name":"envoy.filters.network.set_filter_state","typed_config":{
      "on_new_connection":[{"object_key":"envoy.network.transport_socket.original_dst_address",
        "format_string":{"text_format_source":{"inline_string":"%FILTER_STATE(x:PLAIN)%"}}}]}}"#;
    let json = format!(
        r#"{{"name":"out","filter_chains":[{{"filters":[{set},{}]}}]}}"#,
        tcp_proxy("PassthroughCluster")
    );
    let l: Listener<'static> = serde_json::from_str(Box::leak(json.into_boxed_str())).unwrap();
    let passthrough = r#"{"name":"PassthroughCluster","type":"ORIGINAL_DST"}"#;
    let legs = run(
        &l,
        &conn("10.96.0.9:9999"),
        true,
        &Fake::new(&[passthrough], &[], &[]),
    );
    let host = original_dst(&legs[0]);
    assert_eq!(
        host.from,
        HostFrom::FilterStateAtRunTime {
            filter: "envoy.filters.network.set_filter_state".into()
        }
    );
    assert_eq!(host.address, None);
}

/// The load balancer picks among healthy hosts (`HostSetImpl::partitionHosts`: EDS health
/// UNHEALTHY, DRAINING and TIMEOUT hosts are not healthy), so the way goes on through the
/// first healthy internal host, not an unhealthy one listed before it.
#[test]
fn the_way_goes_on_through_a_healthy_host() {
    let sick = hbone_host("10.244.9.9:3306", "10.244.9.9:3306", None)
        .replace("\"HEALTHY\"", "\"UNHEALTHY\"");
    let well = hbone_host("10.244.2.40:3306", "10.244.2.40:3306", None);
    let fake = Fake::new(
        &[DB, CONNECT_ORIGINATE_CLUSTER],
        &[assignment("outbound|3306||db", &[sick, well])],
        &[CONNECT_ORIGINATE],
    );
    let legs = run(
        &listener_with(&tcp_proxy("outbound|3306||db")),
        &conn("10.96.45.12:3306"),
        true,
        &fake,
    );
    let (internal, at) = reached(&legs[1]);
    assert_eq!(internal.endpoint_id, "10.244.2.40:3306");
    assert_eq!(at.restore, Restore::FromMetadata("10.244.2.40:3306".into()));
}

mod gaps;
