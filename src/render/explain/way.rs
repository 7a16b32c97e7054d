//! The way of a simulated connection through the listeners, in words (text) and as data
//! (JSON `hops`): which listener captured it, where Envoy handed it off, and which one's
//! chains decide.

use serde::Serialize;

use crate::analysis::explain::upstream::Leg;
use crate::analysis::explain::{
    Direction, DirectionSource, HboneGap, HboneNote, HopKind, HopReport, WayReport,
};
use crate::render::explain::upstream::{
    ClusterOut, InternalOut, cluster_out, internal_out, onward_lines,
};
use crate::render::explain::words::code;
use crate::util::sanitize::sanitize;

/// The opening lines of `explain` text for a connection that followed its way.
pub fn way_header(way: &WayReport) -> String {
    if let Some(hbone) = &way.hbone {
        return hbone_header(way, hbone);
    }
    let dst = &way.destination;
    if way.hops.is_empty() {
        return format!(
            "No listener takes a connection to {dst}: none is bound to it and none captures connections, so it is refused.\n"
        );
    }
    let mut s = format!("Way of a connection to {dst}");
    if let Some((direction, source)) = way.direction {
        s.push_str(&format!(" ({})", direction_words(direction, source)));
    }
    s.push_str(":\n");
    for (n, hop) in way.hops.iter().enumerate() {
        s.push_str(&format!("{}. {}\n", n + 1, hop_words(hop, dst)));
    }
    let mut next = way.hops.len() + 1;
    if way.kept
        && let Some(first) = way.hops.first()
        && first.kind == HopKind::Captured(Direction::Outbound)
    {
        s.push_str(&format!(
            "{next}. No listener is bound to {dst} or to the any-address on its port: {} keeps it, and its own chains decide (Istio: PassthroughCluster or BlackHoleCluster, per the outbound traffic policy).\n",
            name(first)
        ));
        next += 1;
    }
    if !way.onward.is_empty() {
        s.push_str(&format!(
            "Past the chain that takes it (its selection is shown below):\n{}",
            onward_lines(&way.onward, next)
        ));
    }
    s.push('\n');
    s
}

/// The header of an HBONE connection: its CONNECT leg, then where it stops or the
/// internal listener whose chains decide.
fn hbone_header(way: &WayReport, hbone: &HboneNote) -> String {
    let authority = sanitize(&hbone.authority);
    let mut s = format!("Way of an HBONE connection for {authority}:\n");
    let terminate = way.hops.first();
    if let Some(hop) = terminate {
        s.push_str(&format!(
            "1. {} ({}) takes the HBONE connection (mTLS, HTTP/2) and its CONNECT request for {authority}{}.\n",
            name(hop),
            place(hop),
            hbone
                .cluster
                .as_ref()
                .map(|c| format!(", which its route sends to cluster {}", code(c)))
                .unwrap_or_default()
        ));
    }
    if let Some(hop) = way.hops.get(1) {
        s.push_str(&format!(
            "2. {} ({}) takes the tunnelled connection, to {authority}: Istio names the internal upstream cluster after its internal listener (the dump's clusters are not read to confirm it).\n",
            name(hop),
            place(hop)
        ));
    }
    if let Some(gap) = &hbone.gap {
        let listener = terminate.map_or_else(|| "the listener".to_string(), name);
        s.push_str(&format!(
            "The way stops: {}.\n",
            gap_words(gap, &listener, &authority)
        ));
    }
    if !way.onward.is_empty() {
        s.push_str(&format!(
            "Past the chain that takes it (its selection is shown below):\n{}",
            onward_lines(&way.onward, way.hops.len() + 1)
        ));
    }
    s.push('\n');
    s
}

fn gap_words(gap: &HboneGap, listener: &str, authority: &str) -> String {
    match gap {
        HboneGap::NoTerminateListener => "no listener terminates HBONE (`connect_terminate`, or an HTTP connection manager with a CONNECT route): this proxy is not a waypoint".to_string(),
        HboneGap::NoChain => format!("no chain of {listener} takes an mTLS HTTP/2 connection"),
        HboneGap::RouteFromRds { route } => format!(
            "the routes of {listener} come from RDS (route configuration {}), which explain does not read, so the CONNECT route is not known",
            code(route)
        ),
        HboneGap::NoConnectRoute => format!(
            "no route of {listener}'s virtual host for {authority} matches a CONNECT request (connect_matcher): Envoy answers 404"
        ),
        HboneGap::NoInternalListener { cluster } => format!(
            "the CONNECT route sends to cluster {}, and no internal listener of that name is in the dump",
            code(cluster)
        ),
    }
}

fn direction_words(direction: Direction, source: DirectionSource) -> &'static str {
    match (direction, source) {
        (Direction::Outbound, DirectionSource::Flag) => "outbound, --direction",
        (Direction::Inbound, DirectionSource::Flag) => "inbound, --direction",
        (Direction::Inbound, DirectionSource::PodAddress) => {
            "inbound: the destination is one of the pod's own addresses (bootstrap INSTANCE_IPS)"
        }
        (Direction::Outbound, _) => {
            "outbound: a connection the application opens; --direction inbound for one to the pod"
        }
        (Direction::Inbound, _) => "inbound: the only capture listener this proxy has",
    }
}

fn hop_words(hop: &HopReport, dst: &str) -> String {
    let who = format!("{} ({})", name(hop), place(hop));
    match hop.kind {
        HopKind::Captured(Direction::Outbound) => format!(
            "{who} captures it: iptables redirects the application's outbound connections there, and the original destination {dst} is restored (use_original_dst: Envoy hands the connection off by it)."
        ),
        HopKind::Captured(Direction::Inbound) => format!(
            "{who} captures it: iptables redirects connections to the pod there; the original_dst listener filter restores {dst}, and the listener keeps every connection (no use_original_dst), so its chains decide."
        ),
        HopKind::HandedOffExact => {
            format!("{who} takes it by hand-off: it is bound to exactly {dst}.")
        }
        HopKind::HandedOffAnyAddress => format!(
            "{who} takes it by hand-off: no listener is bound to exactly {dst}, and this one is bound to the any-address on its port."
        ),
        HopKind::Bound => format!(
            "{who} is bound to it: this proxy has no capture listener for the connection (a gateway or plain Envoy), so it arrives on the listener's own socket."
        ),
        HopKind::HboneTerminated => format!("{who} terminates the HBONE connection."),
        HopKind::Tunnelled => format!("{who} takes the tunnelled connection."),
    }
}

fn name(hop: &HopReport) -> String {
    if hop.listener.is_empty() {
        "the unnamed listener".to_string()
    } else {
        code(&hop.listener)
    }
}

fn place(hop: &HopReport) -> String {
    if hop.address.is_empty() {
        "internal".to_string()
    } else {
        sanitize(&hop.address).into_owned()
    }
}

/// JSON: one hop.
#[derive(Debug, Serialize)]
pub struct HopOut {
    pub listener: String,
    pub address: String,
    /// `captured`, `handed_off_exact`, `handed_off_any_address`, `bound`, `hbone_terminated`,
    /// `tunnelled`; past the chain that takes the connection, `route_decides`, `cluster`,
    /// `internal_upstream`.
    pub step: &'static str,
    /// `outbound` or `inbound` for a captured hop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<&'static str>,
    /// Step `cluster`: the cluster past the chain that takes the connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<ClusterOut>,
    /// Step `internal_upstream`: how the internal listener was reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<InternalOut>,
}

/// JSON: the way.
#[derive(Debug, Serialize)]
pub struct WayOut {
    pub destination: String,
    /// `outbound`, `inbound`, or null on a proxy without capture listeners.
    pub direction: Option<&'static str>,
    /// `flag`, `pod_address`, `default`, or null.
    pub direction_from: Option<&'static str>,
    /// Empty: no listener takes the connection.
    pub hops: Vec<HopOut>,
    /// True when a capture listener kept the connection and its own chains decide.
    pub kept_by_capture_listener: bool,
    /// `--hbone`: the CONNECT leg.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hbone: Option<HboneOut>,
}

/// JSON: the CONNECT leg of an HBONE connection.
#[derive(Debug, Serialize)]
pub struct HboneOut {
    pub authority: String,
    /// The CONNECT route's cluster, once found.
    pub cluster: Option<String>,
    /// Where the way stops short of a chain: `no_terminate_listener`, `no_chain`,
    /// `route_from_rds`, `no_connect_route`, `no_internal_listener`; null when it reached
    /// the internal listener.
    pub stopped: Option<&'static str>,
}

/// The way as JSON data.
pub fn way_out(way: &WayReport) -> WayOut {
    WayOut {
        destination: way.destination.clone(),
        direction: way.direction.map(|(d, _)| direction_name(d)),
        direction_from: way.direction.map(|(_, s)| match s {
            DirectionSource::Flag => "flag",
            DirectionSource::PodAddress => "pod_address",
            DirectionSource::Default => "default",
        }),
        hops: way
            .hops
            .iter()
            .map(|h| HopOut {
                listener: h.listener.clone(),
                address: h.address.clone(),
                step: step_name(h.kind),
                direction: match h.kind {
                    HopKind::Captured(d) => Some(direction_name(d)),
                    _ => None,
                },
                cluster: None,
                internal: None,
            })
            .chain(way.onward.iter().map(leg_hop))
            .collect(),
        kept_by_capture_listener: way.kept,
        hbone: way.hbone.as_ref().map(|h| HboneOut {
            authority: h.authority.clone(),
            cluster: h.cluster.clone(),
            stopped: h.gap.as_ref().map(|g| match g {
                HboneGap::NoTerminateListener => "no_terminate_listener",
                HboneGap::NoChain => "no_chain",
                HboneGap::RouteFromRds { .. } => "route_from_rds",
                HboneGap::NoConnectRoute => "no_connect_route",
                HboneGap::NoInternalListener { .. } => "no_internal_listener",
            }),
        }),
    }
}

/// A leg past the chain as a `hops` entry; only an internal listener has a name.
fn leg_hop(leg: &Leg) -> HopOut {
    let (listener, step, cluster, internal) = match leg {
        Leg::RouteDecides => (String::new(), "route_decides", None, None),
        Leg::Cluster(c) => (String::new(), "cluster", Some(cluster_out(c)), None),
        Leg::Internal(i) => (
            i.listener.clone(),
            "internal_upstream",
            None,
            Some(internal_out(i)),
        ),
    };
    HopOut {
        listener,
        address: String::new(),
        step,
        direction: None,
        cluster,
        internal,
    }
}

fn direction_name(d: Direction) -> &'static str {
    match d {
        Direction::Outbound => "outbound",
        Direction::Inbound => "inbound",
    }
}

/// The JSON (and dot) name of a hop's step.
pub fn step_name(kind: HopKind) -> &'static str {
    match kind {
        HopKind::Captured(_) => "captured",
        HopKind::HandedOffExact => "handed_off_exact",
        HopKind::HandedOffAnyAddress => "handed_off_any_address",
        HopKind::Bound => "bound",
        HopKind::HboneTerminated => "hbone_terminated",
        HopKind::Tunnelled => "tunnelled",
    }
}
