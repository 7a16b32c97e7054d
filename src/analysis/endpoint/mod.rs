//! What `proxy-config endpoint -f DUMP` (and the last block of `proxy-config all`) shows:
//! istioctl's `pc eds` writer over the endpoints section (istio/istio
//! `istioctl/pkg/writer/envoy/configdump/endpoint.go` `EndpointFilter.Verify`,
//! `retrieveEndpointAddresses`, `retrieveSortedEndpointsSlice`, `PrintEndpointsSummary`, at
//! 1.30.3). Typed rows; the words are `render::tables::endpoint`'s.

pub mod host_status;

use crate::analysis::cluster::rows::sort_clusters;
use crate::envoy::endpoint::{ClusterLoadAssignment, EndpointAddress, LbEndpoint, Locality};

/// `--address`, `--port`, `--cluster`, `--status`; empty or 0 means no filter.
#[derive(Debug, Clone, Default)]
pub struct EndpointFilter {
    pub address: String,
    pub port: u32,
    pub cluster: String,
    pub status: String,
}

impl EndpointFilter {
    /// `EndpointFilter.Verify`: every address compared without case, the primary port,
    /// the cluster name without case, the health status name without case.
    pub fn accepts(&self, ep: &LbEndpoint<'_>, cluster: &str) -> bool {
        if !self.address.is_empty()
            && !endpoint_addresses(ep)
                .iter()
                .any(|a| a.eq_ignore_ascii_case(&self.address))
        {
            return false;
        }
        if self.port != 0 && primary_port(ep) != self.port {
            return false;
        }
        if !self.cluster.is_empty() && !cluster.eq_ignore_ascii_case(&self.cluster) {
            return false;
        }
        self.status.is_empty() || ep.health_status.name().eq_ignore_ascii_case(&self.status)
    }
}

/// One row: an endpoint of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRow {
    /// Every address of the endpoint (`retrieveEndpointAddresses`).
    pub addresses: Vec<String>,
    /// Go's `HealthStatus.String()`.
    pub status: String,
    /// `util.LocalityToString`.
    pub locality: String,
    pub cluster: String,
}

fn primary_port(ep: &LbEndpoint<'_>) -> u32 {
    ep.endpoint
        .as_ref()
        .and_then(|e| e.address.as_ref())
        .and_then(|a| a.socket_address.as_ref())
        .map_or(0, |s| s.port_value)
}

/// `retrieveEndpointAddresses`: the address, then the additional ones, each
/// `ip:port`, a pipe path, `envoy://listener/id`, or `unknown`.
pub fn endpoint_addresses(ep: &LbEndpoint<'_>) -> Vec<String> {
    let endpoint = ep.endpoint.as_ref();
    let primary = endpoint.and_then(|e| e.address.as_ref());
    let additional = endpoint
        .into_iter()
        .flat_map(|e| &e.additional_addresses)
        .map(|a| a.address.as_ref());
    std::iter::once(primary)
        .chain(additional)
        .map(address_text)
        .collect()
}

fn address_text(address: Option<&EndpointAddress<'_>>) -> String {
    let Some(a) = address else {
        return "unknown".to_string();
    };
    if let Some(s) = &a.socket_address {
        return format!("{}:{}", s.address, s.port_value);
    }
    if let Some(p) = &a.pipe {
        return p.path.to_string();
    }
    if let Some(internal) = &a.envoy_internal_address
        && let Some(listener) = &internal.server_listener_name
    {
        return format!("envoy://{listener}/{}", internal.endpoint_id);
    }
    "unknown".to_string()
}

/// `util.LocalityToString`: region, then `/zone`, then `/subzone`, stopping at the first
/// empty one.
pub fn locality_text(l: Option<&Locality<'_>>) -> String {
    let Some(l) = l else {
        return String::new();
    };
    let mut text = l.region.to_string();
    if l.zone.is_empty() {
        return text;
    }
    text.push('/');
    text.push_str(&l.zone);
    if l.sub_zone.is_empty() {
        return text;
    }
    text.push('/');
    text.push_str(&l.sub_zone);
    text
}

/// `retrieveSortedEndpointsSlice`: the load assignments (dynamic, then static, as the
/// caller passes them) with an endpoint the filter keeps, in istioctl's cluster order
/// (the same `less` as for clusters); each item keeps only those endpoints.
pub fn select_assignments<T>(
    items: &mut Vec<T>,
    assignment: impl Fn(&T) -> &ClusterLoadAssignment<'_>,
    filter: &EndpointFilter,
) {
    items.retain(|item| {
        let cla = assignment(item);
        cla.endpoints
            .iter()
            .flat_map(|l| &l.lb_endpoints)
            .any(|ep| filter.accepts(ep, &cla.cluster_name))
    });
    sort_clusters(items, |item| &assignment(item).cluster_name);
}

/// `PrintEndpointsSummary`'s rows of one load assignment: one per endpoint the filter
/// keeps, locality by locality.
pub fn endpoint_rows(cla: &ClusterLoadAssignment<'_>, filter: &EndpointFilter) -> Vec<EndpointRow> {
    cla.endpoints
        .iter()
        .flat_map(|llb| {
            llb.lb_endpoints
                .iter()
                .filter(|ep| filter.accepts(ep, &cla.cluster_name))
                .map(|ep| EndpointRow {
                    addresses: endpoint_addresses(ep),
                    status: ep.health_status.name(),
                    locality: locality_text(llb.locality.as_ref()),
                    cluster: cla.cluster_name.to_string(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests;
