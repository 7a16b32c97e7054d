//! Past the chain that takes a connection: the cluster its tcp_proxy sends it to, that
//! cluster's hosts, and (for Istio's outbound HBONE, DOMAIN.md §3.1) the internal listener
//! an `envoy_internal_address` endpoint hands it to (`connect_originate`), that listener's
//! chain, the HTTP CONNECT its tcp_proxy tunnels the connection in, and the `ORIGINAL_DST`
//! cluster that carries the tunnel (port 15008, mTLS, HTTP/2).
//!
//! Envoy, step by step:
//! - tcp_proxy picks `cluster`, or one of `weighted_clusters` by weight (`TcpProxy::Config::
//!   getRouteFromEntries`); an HTTP connection manager leaves the cluster to the route of
//!   each request, which this step does not follow.
//! - The cluster's hosts: an inline `load_assignment`, or for `EDS` the load assignment of
//!   `eds_cluster_config.service_name` (else the cluster's name; `EdsClusterImpl`); an
//!   `ORIGINAL_DST` cluster makes its host from the connection
//!   (`OriginalDstCluster::LoadBalancer::chooseHost`: filter state
//!   `envoy.network.transport_socket.original_dst_address`, then `metadata_key` in the
//!   connection's dynamic metadata, then the restored local address; then
//!   `upstream_port_override`).
//! - The host's transport socket: the first `transport_socket_matches` entry its
//!   `envoy.transport_socket_match` metadata holds (`TransportSocketMatcherImpl::resolve`).
//! - A host at `envoy_internal_address` is served by the internal listener of that name
//!   (the `envoy.bootstrap.internal_listener` extension's registry; none of that name and
//!   the connection fails). The internal upstream socket copies the host metadata named in
//!   `passthrough_metadata` into the new connection's dynamic metadata
//!   (`InternalUpstreamTransport`), where the listener's `original_dst` filter reads
//!   `envoy.filters.listener.original_dst`/`local` as the restored local address
//!   (`OriginalDstFilter::onAccept`, `EnvoyInternal` case).
//! - tcp_proxy's `tunneling_config` (`TunnelingConfigHelperImpl`): the hostname is a format
//!   string (`%DOWNSTREAM_LOCAL_ADDRESS%` is that restored address), the CONNECT (or POST)
//!   carries `headers_to_add`; HTTP/2 when the cluster's protocol options say so.
//!
//! Envoy's load balancer picks one host per connection; which one is not in the dump, so
//! every host is listed and the way goes on through the first internal one, said as such.
//! Pure: what the dump lacks is a typed gap, worded in `render/explain/upstream.rs`.

use std::net::SocketAddr;

use crate::analysis::explain::chain_select::{Chosen, Connection};
use crate::analysis::explain::matcher_eval::rules::MatcherSemantics;
use crate::analysis::explain::simulation::simulate;
use crate::envoy::cluster::DiscoveryType;
use crate::envoy::endpoint::{ClusterLoadAssignment, InternalAddress, LbEndpoint};
use crate::envoy::filter::{NetworkFilterConfig, TcpProxy};
use crate::envoy::upstream::ClusterUpstream;
use crate::envoy::{FilterChain, Listener};

/// How deep the way follows internal listeners into each other (Istio's double HBONE
/// takes two); a loop in the config stops here.
const MAX_INTERNAL_HOPS: usize = 4;

mod hosts;
mod legs;

use hosts::{Downstream, facts, format_host, original_dst_host};
pub use hosts::{LOCAL_IP_FILTER_STATE, ORIGINAL_DST_FILTER_STATE, ORIGINAL_DST_METADATA};

pub use legs::{
    ClusterFacts, ClusterLeg, EndpointAddress, EndpointFact, HostFrom, Hosts, InternalLeg, Leg,
    Lookup, OriginalDstHost, Reached, Restore, Tunnel,
};

/// Where the clusters and load assignments come from; `cmd/` reads them from the dump.
pub trait UpstreamConfig<'a> {
    type Error;
    /// The active cluster named `name` ([`Lookup::Warming`] when only a warming one is).
    fn cluster(&self, name: &str) -> Result<Lookup<ClusterUpstream<'a>>, Self::Error>;
    /// The endpoints section's load assignment for EDS service `service`.
    fn load_assignment(
        &self,
        service: &str,
    ) -> Result<Lookup<ClusterLoadAssignment<'a>>, Self::Error>;
    /// The dump's internal listeners (asked for only when a host is an internal address).
    fn internal_listeners(&self) -> Result<&[Listener<'a>], Self::Error>;
}

/// The legs after `chosen` on `listener` for `conn`. `restored`: the listener's connections
/// have their original destination restored (captured by iptables, handed off).
/// `semantics` are the matcher rules of the dump's Envoy.
pub fn onward<'a, C: UpstreamConfig<'a>>(
    listener: &Listener<'a>,
    chosen: &Chosen,
    conn: &Connection,
    restored: bool,
    config: &C,
    semantics: &MatcherSemantics,
) -> Result<Vec<Leg>, C::Error> {
    let downstream = Downstream {
        local: restored.then(|| SocketAddr::new(conn.dst_ip, conn.dst_port as u16)),
        metadata: Vec::new(),
        run_time_state: Vec::new(),
    };
    let ctx = Walk {
        conn,
        config,
        semantics,
    };
    let mut legs = Vec::new();
    if let Some(chain) = chosen_chain(listener, chosen) {
        ctx.follow_chain(chain, &downstream, 0, &mut legs)?;
    }
    Ok(legs)
}

fn chosen_chain<'l, 'a>(
    listener: &'l Listener<'a>,
    chosen: &Chosen,
) -> Option<&'l FilterChain<'a>> {
    match chosen {
        Chosen::Chain(i) => listener.filter_chains.get(*i),
        Chosen::Default => listener.default_filter_chain.as_ref(),
        _ => None,
    }
}

/// The chain's terminal network filter: its last tcp_proxy or HTTP connection manager.
enum Terminal<'c, 'a> {
    Tcp(&'c TcpProxy<'a>),
    Http,
}

fn terminal<'c, 'a>(chain: &'c FilterChain<'a>) -> Option<Terminal<'c, 'a>> {
    chain.filters.iter().rev().find_map(|f| match &f.config {
        NetworkFilterConfig::TcpProxy(t) => Some(Terminal::Tcp(t)),
        NetworkFilterConfig::HttpConnectionManager(_) => Some(Terminal::Http),
        _ => None,
    })
}

struct Walk<'w, C> {
    conn: &'w Connection,
    config: &'w C,
    semantics: &'w MatcherSemantics,
}

impl<'a, C: UpstreamConfig<'a>> Walk<'_, C> {
    fn follow_chain(
        &self,
        chain: &FilterChain<'a>,
        downstream: &Downstream,
        depth: usize,
        legs: &mut Vec<Leg>,
    ) -> Result<(), C::Error> {
        let tcp = match terminal(chain) {
            Some(Terminal::Tcp(t)) => t,
            Some(Terminal::Http) => {
                legs.push(Leg::RouteDecides);
                return Ok(());
            }
            None => return Ok(()),
        };
        // A network filter before the terminal that sets filter state an original
        // destination is read from (Envoy's `set_filter_state` network filter; its value
        // is formatted per connection).
        let mut downstream = downstream.clone();
        for f in &chain.filters {
            let NetworkFilterConfig::Other(raw) = &f.config else {
                continue;
            };
            for key in [ORIGINAL_DST_FILTER_STATE, LOCAL_IP_FILTER_STATE] {
                if raw.get().contains(key) {
                    downstream.run_time_state.push((key, f.name.to_string()));
                }
            }
        }
        let downstream = &downstream;
        let clusters: Vec<(String, Option<u32>)> = if tcp.weighted_clusters.is_empty() {
            vec![(tcp.cluster.to_string(), None)]
        } else {
            (tcp.weighted_clusters.iter())
                .map(|w| (w.name.to_string(), Some(w.weight.unwrap_or(0))))
                .collect()
        };
        for (name, weight) in clusters {
            self.cluster(name, weight, downstream, depth, legs)?;
        }
        Ok(())
    }

    fn cluster(
        &self,
        name: String,
        weight: Option<u32>,
        downstream: &Downstream,
        depth: usize,
        legs: &mut Vec<Leg>,
    ) -> Result<(), C::Error> {
        let cluster = match self.config.cluster(&name)? {
            Lookup::Found(c) => c,
            Lookup::NotInDump => return push_gap(legs, name, weight, Lookup::NotInDump),
            Lookup::NoSection => return push_gap(legs, name, weight, Lookup::NoSection),
            Lookup::Warming => return push_gap(legs, name, weight, Lookup::Warming),
        };
        let (hosts, assignment) = match &cluster.discovery_type {
            DiscoveryType::OriginalDst => (
                Hosts::OriginalDst(original_dst_host(&cluster, downstream, self.conn)),
                None,
            ),
            DiscoveryType::Eds => {
                let service = cluster.eds_service_name().to_string();
                match self.config.load_assignment(&service)? {
                    Lookup::Found(cla) => (
                        Hosts::Eds {
                            service,
                            endpoints: Lookup::Found(facts(&cla)),
                        },
                        Some(cla),
                    ),
                    Lookup::NotInDump | Lookup::Warming => (
                        Hosts::Eds {
                            service,
                            endpoints: Lookup::NotInDump,
                        },
                        None,
                    ),
                    Lookup::NoSection => (
                        Hosts::Eds {
                            service,
                            endpoints: Lookup::NoSection,
                        },
                        None,
                    ),
                }
            }
            _ => match &cluster.load_assignment {
                Some(cla) => (Hosts::Inline(facts(cla)), Some(cla.clone())),
                None => (Hosts::NotKnown, None),
            },
        };
        legs.push(Leg::Cluster(ClusterLeg {
            name,
            weight,
            state: Lookup::Found(ClusterFacts {
                discovery: cluster.discovery_type.name(),
                hosts,
                http2: cluster.speaks_http2(),
            }),
        }));
        let Some(cla) = assignment else {
            return Ok(());
        };
        let hosts: Vec<&LbEndpoint<'a>> = (cla.endpoints.iter())
            .flat_map(|l| l.lb_endpoints.iter())
            .collect();
        // The load balancer takes healthy hosts first (EDS health UNKNOWN, HEALTHY or
        // DEGRADED; `HostSetImpl::partitionHosts`), so the way goes on through the first
        // of those that is internal, else the first internal host.
        let usable = |h: &&&LbEndpoint<'a>| matches!(h.health_status.0, 0 | 1 | 5);
        let first_internal = (hosts.iter().filter(usable).find_map(internal_host))
            .or_else(|| hosts.iter().find_map(internal_host));
        if let Some((host, address)) = first_internal
            && depth < MAX_INTERNAL_HOPS
        {
            let (leg, after) =
                self.internal(&cluster, host, address, hosts.len() - 1, downstream, depth)?;
            legs.push(Leg::Internal(Box::new(leg)));
            legs.extend(after);
        }
        Ok(())
    }

    /// The internal listener `address` names, reached through `host` of `cluster`; and the
    /// legs after it.
    fn internal(
        &self,
        cluster: &ClusterUpstream<'a>,
        host: &LbEndpoint<'a>,
        address: &InternalAddress<'a>,
        others: usize,
        upstream_of: &Downstream,
        depth: usize,
    ) -> Result<(InternalLeg, Vec<Leg>), C::Error> {
        let name =
            (address.server_listener_name.as_ref()).map_or_else(String::new, |n| n.to_string());
        let mut leg = InternalLeg {
            listener: name.clone(),
            endpoint_id: address.endpoint_id.to_string(),
            others,
            state: None,
        };
        let internal = self.config.internal_listeners()?;
        let found = (internal.iter()).position(|l| l.is_internal() && l.name == name.as_str());
        let Some(index) = found else {
            return Ok((leg, Vec::new()));
        };
        let listener = &internal[index];
        let metadata = host.metadata.as_ref();
        let match_fields = metadata.map_or(&[][..], |m| m.fields("envoy.transport_socket_match"));
        let passthrough = (cluster.socket_for(match_fields))
            .and_then(|s| s.internal_upstream())
            .map_or_else(Vec::new, |i| i.passthrough);
        // Only the host's own metadata carries the addresses Istio tunnels to; a cluster's
        // metadata passed through holds none of them.
        let passed: Vec<(String, String, String)> = (passthrough.iter())
            .filter(|(kind, _)| kind == "host")
            .flat_map(|(_, filter)| {
                let fields = metadata.map_or(&[][..], |m| m.fields(filter));
                fields.iter().filter_map(move |(k, v)| {
                    let text = serde_json::from_str::<String>(v.get()).ok()?;
                    Some((filter.clone(), k.to_string(), text))
                })
            })
            .collect();
        let local = passed
            .iter()
            .find(|(f, k, _)| f == ORIGINAL_DST_METADATA && k == "local")
            .and_then(|(_, _, v)| v.parse::<SocketAddr>().ok());
        let passes =
            (passthrough.iter()).any(|(kind, f)| kind == "host" && f == ORIGINAL_DST_METADATA);
        let local_ip_set_by = upstream_of.sets(LOCAL_IP_FILTER_STATE);
        let restore = match (
            listener.restores_original_dst(),
            passes,
            local,
            local_ip_set_by,
        ) {
            (false, _, _, _) => Restore::NoOriginalDstFilter,
            (true, true, Some(a), _) => Restore::FromMetadata(a.to_string()),
            // Without the metadata's `local`, the filter reads filter state, which a
            // filter on the way may set at run time.
            (true, _, _, Some(filter)) => Restore::FromFilterStateAtRunTime {
                filter: filter.to_string(),
            },
            (true, false, _, None) => Restore::NotPassedThrough,
            (true, true, None, None) => Restore::NoLocalInMetadata,
        };
        let downstream = Downstream {
            local: matches!(restore, Restore::FromMetadata(_))
                .then_some(local)
                .flatten(),
            metadata: passed,
            // Filter state shared with the upstream connection reaches the internal
            // listener's connection too.
            run_time_state: upstream_of.run_time_state.clone(),
        };
        // The tunnelled connection: the same bytes, to the restored destination. An internal
        // connection has no peer IP; the given source stays for the matcher's sake.
        let mut conn = self.conn.clone();
        if let Some(a) = downstream.local {
            conn.dst_ip = a.ip();
            conn.dst_port = u32::from(a.port());
        }
        let simulation = simulate(listener, &conn, self.semantics);
        let chain = chosen_chain(listener, &simulation.chosen);
        let tunnel = chain.and_then(|c| match terminal(c) {
            Some(Terminal::Tcp(t)) => t.tunneling_config.as_ref().map(|t| Tunnel {
                hostname: t.hostname.to_string(),
                authority: format_host(&t.hostname, downstream.local),
                headers: (t.headers_to_add.iter())
                    .filter_map(|h| h.header.as_ref())
                    .map(|h| (h.key.to_string(), h.value.to_string()))
                    .collect(),
                use_post: t.use_post,
                propagate_response_headers: t.propagate_response_headers,
            }),
            _ => None,
        });
        let mut after = Vec::new();
        if let Some(chain) = chain {
            self.follow_chain(chain, &downstream, depth + 1, &mut after)?;
        }
        leg.state = Some(Reached {
            listener: index,
            restore,
            simulation,
            tunnel,
        });
        Ok((leg, after))
    }
}

/// The host and its internal address, when it is at one.
fn internal_host<'h, 'a>(
    h: &&'h LbEndpoint<'a>,
) -> Option<(&'h LbEndpoint<'a>, &'h InternalAddress<'a>)> {
    let address = h.endpoint.as_ref()?.address.as_ref()?;
    address.envoy_internal_address.as_ref().map(|a| (*h, a))
}

fn push_gap<E>(
    legs: &mut Vec<Leg>,
    name: String,
    weight: Option<u32>,
    state: Lookup<ClusterFacts>,
) -> Result<(), E> {
    legs.push(Leg::Cluster(ClusterLeg {
        name,
        weight,
        state,
    }));
    Ok(())
}

#[cfg(test)]
mod tests;
