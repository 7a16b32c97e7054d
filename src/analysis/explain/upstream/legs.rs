//! The way past the chain that takes a connection, as data: the legs
//! [`super::onward`] returns (clusters, their hosts, internal listeners reached, tunnels)
//! and the gaps where the dump does not hold what the next step needs. No wording.

use crate::analysis::explain::simulation::Simulation;

/// What the dump holds of one kind of object the way needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<T> {
    Found(T),
    /// The section is in the dump, the object is not.
    NotInDump,
    /// The dump has no such section (taken without it: `?include_eds` for endpoints).
    NoSection,
    /// A cluster only in `dynamic_warming_clusters`: Envoy does not send connections to it
    /// until it is warm.
    Warming,
}

/// One step past the listener whose chain takes the connection.
#[derive(Debug, Clone)]
pub enum Leg {
    /// The chain ends in an HTTP connection manager: each request's route picks the cluster.
    RouteDecides,
    /// A cluster the connection is sent to.
    Cluster(ClusterLeg),
    /// The internal listener a cluster's internal-address host hands it to.
    Internal(Box<InternalLeg>),
}

/// A cluster on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterLeg {
    pub name: String,
    /// Its weight among tcp_proxy's `weighted_clusters`.
    pub weight: Option<u32>,
    pub state: Lookup<ClusterFacts>,
}

/// What the cluster does with the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterFacts {
    /// The discovery type's proto name.
    pub discovery: String,
    pub hosts: Hosts,
    /// HTTP/2 upstream (`explicit_http_config.http2_protocol_options`).
    pub http2: bool,
}

/// Where the cluster's hosts come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hosts {
    /// `ORIGINAL_DST`: one host made from the connection.
    OriginalDst(OriginalDstHost),
    /// The cluster's own `load_assignment`.
    Inline(Vec<EndpointFact>),
    /// EDS: the endpoints section's load assignment for `service`.
    Eds {
        service: String,
        endpoints: Lookup<Vec<EndpointFact>>,
    },
    /// Neither (a DNS cluster without a load assignment, an unknown type).
    NotKnown,
}

/// One host of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFact {
    pub address: EndpointAddress,
    /// `HealthStatus` name.
    pub health: String,
}

/// Where a host is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointAddress {
    /// `IP:PORT` (or `host:port`).
    Socket(String),
    /// An internal listener, and the endpoint id that tells its hosts apart.
    Internal {
        listener: String,
        endpoint_id: String,
    },
    /// A pipe, or no address.
    Other,
}

/// How an `ORIGINAL_DST` cluster makes its host for this connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalDstHost {
    pub from: HostFrom,
    /// The host, `IP:PORT`, once the port override is applied; `None`: Envoy has none and
    /// the connection fails, or (`FilterStateAtRunTime`) it is set only at run time.
    pub address: Option<String>,
    pub port_override: Option<u32>,
    /// The ALPN of its TLS socket; `None` when the socket is not TLS.
    pub tls_alpn: Option<Vec<String>>,
}

/// Which input decided an `ORIGINAL_DST` host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostFrom {
    /// Filter state `envoy.network.transport_socket.original_dst_address` (`--filter-state`).
    FilterState,
    /// That filter state, set at run time by network filter `filter` on the way: the host
    /// is not known from the dump.
    FilterStateAtRunTime { filter: String },
    /// `original_dst_lb_config.metadata_key` (e.g. Istio's `waypoint`), `filter/path`.
    Metadata { key: String },
    /// The connection's restored local address (its original destination).
    RestoredLocal,
    /// Nothing: the local address was never restored.
    Nothing,
}

/// An internal listener on the way.
#[derive(Debug, Clone)]
pub struct InternalLeg {
    pub listener: String,
    /// The host followed: its endpoint id.
    pub endpoint_id: String,
    /// How many other hosts of the cluster the load balancer may pick instead.
    pub others: usize,
    pub state: Option<Reached>,
}

/// The internal listener, found among the dump's internal listeners.
#[derive(Debug, Clone)]
pub struct Reached {
    /// Its index in [`super::UpstreamConfig::internal_listeners`].
    pub listener: usize,
    pub restore: Restore,
    /// Its chain selection for the tunnelled connection.
    pub simulation: Simulation,
    /// The tunnel its chosen chain's tcp_proxy opens.
    pub tunnel: Option<Tunnel>,
}

/// How the internal listener learns the connection's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restore {
    /// Its `original_dst` filter restored `IP:PORT` from the passed-through metadata.
    FromMetadata(String),
    /// The listener has no `original_dst` listener filter.
    NoOriginalDstFilter,
    /// The host's transport socket passes no `envoy.filters.listener.original_dst`
    /// metadata through (not an internal upstream socket, or not named in it).
    NotPassedThrough,
    /// The host's metadata has no `local` address to pass.
    NoLocalInMetadata,
    /// From filter state `envoy.filters.listener.original_dst.local_ip`, which network
    /// filter `filter` on the way sets at run time: not known from the dump.
    FromFilterStateAtRunTime { filter: String },
}

/// The HTTP tunnel tcp_proxy opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunnel {
    /// The hostname format string as configured.
    pub hostname: String,
    /// The CONNECT authority it formats to; `None` when it depends on what only a running
    /// Envoy knows.
    pub authority: Option<String>,
    /// `headers_to_add`, `(key, value format)`.
    pub headers: Vec<(String, String)>,
    pub use_post: bool,
    pub propagate_response_headers: bool,
}
