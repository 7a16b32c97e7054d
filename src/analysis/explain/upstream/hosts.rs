//! The hosts of a cluster as explain follows a connection into it: a load assignment's
//! hosts, the host an `ORIGINAL_DST` cluster makes for the connection
//! (`OriginalDstCluster::LoadBalancer::chooseHost`), and a tunnel's hostname formatted
//! from the restored destination (`TunnelingConfigHelperImpl::host`). What the connection
//! carries from one hop to the next is [`Downstream`].

use std::net::SocketAddr;

use crate::analysis::explain::chain_select::Connection;
use crate::analysis::explain::upstream::legs::{
    EndpointAddress, EndpointFact, HostFrom, OriginalDstHost,
};
use crate::envoy::endpoint::ClusterLoadAssignment;
use crate::envoy::upstream::ClusterUpstream;

/// The filter name under which Envoy's `original_dst` listener filter reads an internal
/// connection's destination (`envoy.filters.listener.original_dst`, field `local`).
pub const ORIGINAL_DST_METADATA: &str = "envoy.filters.listener.original_dst";
/// The filter state key an `ORIGINAL_DST` cluster reads first (`OriginalDstClusterFilterStateKey`).
pub const ORIGINAL_DST_FILTER_STATE: &str = "envoy.network.transport_socket.original_dst_address";
/// The filter state key an internal listener's `original_dst` filter reads when the
/// metadata has no `local` (`OriginalDstFilter::onAccept`, `EnvoyInternal`).
pub const LOCAL_IP_FILTER_STATE: &str = "envoy.filters.listener.original_dst.local_ip";
/// What the connection carries into the next cluster: its restored local address and the
/// dynamic metadata passed to it.
#[derive(Debug, Clone, Default)]
pub(super) struct Downstream {
    pub(super) local: Option<SocketAddr>,
    /// `(filter, field, string value)`.
    pub(super) metadata: Vec<(String, String, String)>,
    /// `(filter state key, network filter)`: a filter on the way that sets that key at run
    /// time (`envoy.filters.network.set_filter_state`), so the dump cannot tell its value.
    pub(super) run_time_state: Vec<(&'static str, String)>,
}

impl Downstream {
    /// The filter that sets `key` at run time, if one does.
    pub(super) fn sets(&self, key: &str) -> Option<&str> {
        (self.run_time_state.iter())
            .find(|(k, _)| *k == key)
            .map(|(_, f)| f.as_str())
    }
}

/// The host an `ORIGINAL_DST` cluster makes, in `chooseHost`'s order. A `metadata_key`
/// path of one key is read (Istio's `waypoint`); the HTTP header a cluster may use instead
/// is never there for a TCP connection.
pub(super) fn original_dst_host(
    cluster: &ClusterUpstream<'_>,
    downstream: &Downstream,
    conn: &Connection,
) -> OriginalDstHost {
    let lb = cluster.original_dst_lb_config.as_ref();
    let from_state = (conn.filter_state.iter())
        .find(|(k, _)| k == ORIGINAL_DST_FILTER_STATE)
        .and_then(|(_, v)| v.parse::<SocketAddr>().ok());
    let from_metadata = lb.and_then(|lb| lb.metadata_key.as_ref()).and_then(|key| {
        let [segment] = key.path.as_slice() else {
            return None;
        };
        let (_, _, value) = downstream
            .metadata
            .iter()
            .find(|(f, k, _)| f == key.key.as_ref() && k == segment.key.as_ref())?;
        let address = value.parse::<SocketAddr>().ok()?;
        Some((format!("{}/{}", key.key, segment.key), address))
    });
    let set_by = downstream.sets(ORIGINAL_DST_FILTER_STATE);
    let (from, address) = match (from_state, set_by, from_metadata, downstream.local) {
        (Some(a), _, _, _) => (HostFrom::FilterState, Some(a)),
        (None, Some(filter), _, _) => (
            HostFrom::FilterStateAtRunTime {
                filter: filter.to_string(),
            },
            None,
        ),
        (None, None, Some((key, a)), _) => (HostFrom::Metadata { key }, Some(a)),
        (None, None, None, Some(a)) => (HostFrom::RestoredLocal, Some(a)),
        (None, None, None, None) => (HostFrom::Nothing, None),
    };
    let port_override = lb.and_then(|lb| lb.upstream_port_override);
    let address = address.map(|mut a| {
        if let Some(port) = port_override.and_then(|p| u16::try_from(p).ok()) {
            a.set_port(port);
        }
        a.to_string()
    });
    OriginalDstHost {
        from,
        address,
        port_override,
        tls_alpn: cluster.socket_for(&[]).and_then(|s| s.upstream_alpn()),
    }
}

/// The tunnel's hostname with the commands that need only the restored local address
/// formatted; `None` when another command is in it (Envoy's substitution formatter fills
/// those only at run time).
pub(super) fn format_host(template: &str, local: Option<SocketAddr>) -> Option<String> {
    let mut out = template.to_string();
    for (command, value) in [
        (
            "%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%",
            local.map(|a| a.ip().to_string()),
        ),
        ("%DOWNSTREAM_LOCAL_ADDRESS%", local.map(|a| a.to_string())),
        (
            "%DOWNSTREAM_LOCAL_PORT%",
            local.map(|a| a.port().to_string()),
        ),
    ] {
        if out.contains(command) {
            out = out.replace(command, &value?);
        }
    }
    (!out.contains('%')).then_some(out)
}

/// The hosts of a load assignment, in its order.
pub(super) fn facts(cla: &ClusterLoadAssignment<'_>) -> Vec<EndpointFact> {
    (cla.endpoints.iter())
        .flat_map(|l| l.lb_endpoints.iter())
        .map(|h| {
            let address = h.endpoint.as_ref().and_then(|e| e.address.as_ref());
            let address = match address {
                Some(a) if a.envoy_internal_address.is_some() => {
                    let i = a.envoy_internal_address.as_ref();
                    EndpointAddress::Internal {
                        listener: i
                            .and_then(|i| i.server_listener_name.as_ref())
                            .map_or_else(String::new, |n| n.to_string()),
                        endpoint_id: i.map_or_else(String::new, |i| i.endpoint_id.to_string()),
                    }
                }
                Some(a) => match &a.socket_address {
                    Some(s) => EndpointAddress::Socket(host_port(&s.address, s.port_value)),
                    None => EndpointAddress::Other,
                },
                None => EndpointAddress::Other,
            };
            EndpointFact {
                address,
                health: h.health_status.name(),
            }
        })
        .collect()
}

/// `IP:PORT`, an IPv6 address in brackets; a name as it is.
fn host_port(host: &str, port: u32) -> String {
    match (host.parse::<std::net::IpAddr>(), u16::try_from(port)) {
        (Ok(ip), Ok(port)) => SocketAddr::new(ip, port).to_string(),
        _ => format!("{host}:{port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Envoy's substitution formatter fills `%DOWNSTREAM_LOCAL_ADDRESS%` and its variants from
    /// the restored local address (`TunnelingConfigHelperImpl::host`); any other command is
    /// known only at run time.
    #[test]
    fn tunnel_hostname_formatting() {
        let local: Option<SocketAddr> = "10.244.2.40:3306".parse().ok();
        assert_eq!(
            format_host("%DOWNSTREAM_LOCAL_ADDRESS%", local).as_deref(),
            Some("10.244.2.40:3306")
        );
        assert_eq!(
            format_host("%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%:15008", local).as_deref(),
            Some("10.244.2.40:15008")
        );
        assert_eq!(
            format_host("db.svc:%DOWNSTREAM_LOCAL_PORT%", local).as_deref(),
            Some("db.svc:3306")
        );
        assert_eq!(format_host("%REQ(x)%", local), None);
        assert_eq!(format_host("%DOWNSTREAM_LOCAL_ADDRESS%", None), None);
        assert_eq!(
            format_host("plain.example:443", None).as_deref(),
            Some("plain.example:443")
        );
        let v6: Option<SocketAddr> = "[fd00::5]:80".parse().ok();
        assert_eq!(
            format_host("%DOWNSTREAM_LOCAL_ADDRESS%", v6).as_deref(),
            Some("[fd00::5]:80")
        );
    }
}
