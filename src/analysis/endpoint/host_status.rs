//! What `proxy-config endpoint` shows from Envoy's `/clusters?format=json` (a live proxy, or
//! a file of that output): istioctl's clusters writer (istio/istio
//! `istioctl/pkg/writer/envoy/clusters/clusters.go` `EndpointFilter.Verify`,
//! `retrieveEndpointAddress`, `PrintEndpointsSummary`, `retrieveSortedEndpointClusterSlice`,
//! at 1.30.3).

use super::EndpointFilter;
use crate::envoy::endpoint::{ClusterStatus, HealthStatus, HostStatus};
use crate::util::go_sort::sort_slice;

/// One row: a host of a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRow {
    /// The IP, `unix://PATH`, `envoy://LISTENER/ID` or `unknown`.
    pub address: String,
    /// The socket port, 0 for other addresses.
    pub port: u32,
    pub cluster: String,
    pub status: HealthStatus,
    /// The outlier detector ejected the host.
    pub failed_outlier_check: bool,
}

/// `retrieveEndpointAddress`: unlike the eds writer, no port, and `unix://` for pipes.
fn host_address(host: &HostStatus<'_>) -> String {
    let Some(a) = &host.address else {
        return "unknown".to_string();
    };
    if let Some(s) = &a.socket_address {
        return s.address.to_string();
    }
    if let Some(p) = &a.pipe {
        return format!("unix://{}", p.path);
    }
    if let Some(i) = &a.envoy_internal_address
        && let Some(listener) = &i.server_listener_name
    {
        return format!("envoy://{listener}/{}", i.endpoint_id);
    }
    "unknown".to_string()
}

fn host_port(host: &HostStatus<'_>) -> u32 {
    host.address
        .as_ref()
        .and_then(|a| a.socket_address.as_ref())
        .map_or(0, |s| s.port_value)
}

impl EndpointFilter {
    /// `EndpointFilter.Verify` of the clusters writer: the address (without port) compared
    /// without case, the port, the cluster, the EDS health status name.
    pub fn accepts_host(&self, host: &HostStatus<'_>, cluster: &str) -> bool {
        if !self.address.is_empty() && !host_address(host).eq_ignore_ascii_case(&self.address) {
            return false;
        }
        if self.port != 0 && host_port(host) != self.port {
            return false;
        }
        if !self.cluster.is_empty() && !cluster.eq_ignore_ascii_case(&self.cluster) {
            return false;
        }
        let status = host.health_status.unwrap_or_default().eds_health_status;
        self.status.is_empty() || status.name().eq_ignore_ascii_case(&self.status)
    }
}

/// The rows the filter keeps, sorted by address, port, then cluster (Go `sort.Slice`).
pub fn host_rows(clusters: &[ClusterStatus<'_>], filter: &EndpointFilter) -> Vec<HostRow> {
    let mut rows: Vec<HostRow> = clusters
        .iter()
        .flat_map(|c| {
            c.host_statuses
                .iter()
                .filter(|h| filter.accepts_host(h, &c.name))
                .map(|h| {
                    let health = h.health_status.unwrap_or_default();
                    HostRow {
                        address: host_address(h),
                        port: host_port(h),
                        cluster: c.name.to_string(),
                        status: health.eds_health_status,
                        failed_outlier_check: health.failed_outlier_check,
                    }
                })
        })
        .collect();
    sort_slice(&mut rows, |a, b| {
        if a.address != b.address {
            return a.address < b.address;
        }
        if a.port != b.port {
            return a.port < b.port;
        }
        a.cluster < b.cluster
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows `retrieveSortedEndpointClusterSlice` and `Verify` (clusters.go).
    #[test]
    fn rows_sorted_and_filtered_as_istioctl() {
        let clusters: Vec<ClusterStatus> = serde_json::from_str(
            r#"[{"name": "b", "host_statuses": [
                  {"address": {"socket_address": {"address": "10.0.0.2", "port_value": 80}},
                   "health_status": {"eds_health_status": "UNHEALTHY", "failed_outlier_check": true}},
                  {"address": {"pipe": {"path": "/s"}}}]},
                {"name": "a", "hostStatuses": [
                  {"address": {"socket_address": {"address": "10.0.0.2", "port_value": 80}},
                   "healthStatus": {"edsHealthStatus": "HEALTHY"}},
                  {"address": {"socket_address": {"address": "10.0.0.10", "port_value": 9}}}]}]"#,
        )
        .unwrap();
        let rows = host_rows(&clusters, &EndpointFilter::default());
        let got: Vec<(&str, u32, &str)> = rows
            .iter()
            .map(|r| (r.address.as_str(), r.port, r.cluster.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("10.0.0.10", 9, "a"),
                ("10.0.0.2", 80, "a"),
                ("10.0.0.2", 80, "b"),
                ("unix:///s", 0, "b")
            ]
        );
        assert!(rows[2].failed_outlier_check);
        let by_address = EndpointFilter {
            address: "10.0.0.2".into(),
            status: "unhealthy".into(),
            ..EndpointFilter::default()
        };
        assert_eq!(host_rows(&clusters, &by_address).len(), 1);
    }
}
