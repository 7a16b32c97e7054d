//! istioctl's cluster rows: which clusters, in what order, and each row's parts.

use crate::envoy::cluster::{Cluster, DiscoveryType};
use crate::envoy::metadata::istio_config;
use crate::istio::config_path::{ManagingResource, managing_resource};
use crate::istio::subset_key::{SubsetKey, looks_like_subset_key, parse_subset_key, sort_key};
use crate::util::go_sort::sort_slice;

/// `--fqdn`, `--port`, `--subset`, `--direction`: istioctl's `ClusterFilter`.
#[derive(Debug, Clone, Default)]
pub struct ClusterFilter {
    pub fqdn: String,
    /// 0 = any.
    pub port: i64,
    pub subset: String,
    pub direction: String,
}

impl ClusterFilter {
    /// `ClusterFilter.Verify`: every given value is a substring of the cluster's whole name
    /// (not of its parsed parts), the port as `|PORT|`.
    pub fn accepts(&self, name: &str) -> bool {
        let has = |part: &str| part.is_empty() || name.contains(part);
        has(&self.fqdn)
            && has(&self.direction)
            && has(&self.subset)
            && (self.port == 0 || name.contains(&format!("|{}|", self.port)))
    }
}

/// What a row says of the cluster's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterKey {
    /// A name with at least three `|`, cut as `ParseSubsetKey` cuts it.
    Subset {
        fqdn: String,
        port: i64,
        /// Empty when the name has no subset (istioctl prints `-`).
        subset: String,
        direction: String,
    },
    /// Any other name, shown whole with no port, subset or direction.
    Plain(String),
}

/// One row of istioctl's cluster table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterRow {
    /// The cluster's whole name (`pc all`'s NAME column).
    pub name: String,
    pub key: ClusterKey,
    pub discovery_type: DiscoveryType,
    /// The DestinationRule behind the cluster (`metadata.filter_metadata.istio.config`).
    pub destination_rule: ManagingResource,
}

/// Sorts as `retrieveSortedClusterSlice` does (Go `sort.Slice`): by the parsed hostname,
/// then subset, then port, then direction, names without the subset-key shape taken whole
/// as the hostname (`safelyParseSubsetKey`).
///
/// Each name is parsed once, not at every comparison (on a big dump the parse per
/// comparison was a sixth of `pc cluster`): the keys are sorted with the same `less`, so
/// Go's algorithm makes the same comparisons and swaps and ties end up as istioctl's.
pub fn sort_clusters<T>(items: &mut Vec<T>, name: impl Fn(&T) -> &str) {
    let order: Vec<usize> = {
        let mut keyed: Vec<(SubsetKey<'_>, usize)> = items
            .iter()
            .enumerate()
            .map(|(i, item)| (sort_key(name(item)), i))
            .collect();
        sort_slice(&mut keyed, |(i, _), (j, _)| cluster_less(i, j));
        keyed.into_iter().map(|(_, index)| index).collect()
    };
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| slots.get_mut(i)?.take()));
}

/// `retrieveSortedClusterSlice`'s `less` on two parsed names.
fn cluster_less(i: &SubsetKey<'_>, j: &SubsetKey<'_>) -> bool {
    if i.hostname != j.hostname {
        return i.hostname < j.hostname;
    }
    if i.subset != j.subset {
        return i.subset < j.subset;
    }
    if i.port != j.port {
        return i.port < j.port;
    }
    i.direction < j.direction
}

/// The row `PrintClusterSummary` prints for `cluster`.
pub fn cluster_row(cluster: &Cluster<'_>) -> ClusterRow {
    let key = if looks_like_subset_key(&cluster.name) {
        let k = parse_subset_key(&cluster.name);
        ClusterKey::Subset {
            fqdn: k.hostname.to_string(),
            port: k.port,
            subset: k.subset.to_string(),
            direction: k.direction.to_string(),
        }
    } else {
        ClusterKey::Plain(cluster.name.to_string())
    };
    ClusterRow {
        name: cluster.name.to_string(),
        key,
        discovery_type: cluster.discovery_type.clone(),
        destination_rule: managing_resource(&istio_config(cluster.metadata.as_ref())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows `retrieveSortedClusterSlice`'s `less` (istioctl cluster.go).
    #[test]
    fn retrieve_sorted_cluster_slice_order() {
        let mut names = vec![
            "outbound|9080|v2|reviews.default.svc.cluster.local",
            "prometheus_stats",
            "outbound|9080|v1|reviews.default.svc.cluster.local",
            "inbound|9080||reviews.default.svc.cluster.local",
            "outbound|80||reviews.default.svc.cluster.local",
            "outbound|9080||reviews.default.svc.cluster.local",
            "BlackHoleCluster",
            "agent",
            "outbound|8000||httpbin.default.svc.cluster.local",
        ];
        sort_clusters(&mut names, |n| n);
        assert_eq!(
            names,
            [
                "BlackHoleCluster",
                "agent",
                "outbound|8000||httpbin.default.svc.cluster.local",
                "prometheus_stats",
                // Same host: no subset first, then by port, then by direction.
                "outbound|80||reviews.default.svc.cluster.local",
                "inbound|9080||reviews.default.svc.cluster.local",
                "outbound|9080||reviews.default.svc.cluster.local",
                "outbound|9080|v1|reviews.default.svc.cluster.local",
                "outbound|9080|v2|reviews.default.svc.cluster.local",
            ]
        );
    }

    /// Follows `ClusterFilter.Verify` (istioctl cluster.go): substrings of the whole name.
    #[test]
    fn cluster_filter_verify() {
        let name = "outbound|9080|v1|reviews.default.svc.cluster.local";
        let f = |fqdn: &str, port, subset: &str, direction: &str| ClusterFilter {
            fqdn: fqdn.into(),
            port,
            subset: subset.into(),
            direction: direction.into(),
        };
        assert!(f("", 0, "", "").accepts(name));
        assert!(f("reviews", 9080, "v1", "outbound").accepts(name));
        // Substrings anywhere in the name, as istioctl matches them.
        assert!(f("", 0, "", "out").accepts(name));
        assert!(f("", 0, "view", "").accepts(name));
        assert!(!f("", 908, "", "").accepts(name));
        assert!(!f("", 0, "", "inbound").accepts(name));
        assert!(!f("ratings", 0, "", "").accepts(name));
        assert!(!f("", 9080, "", "").accepts("agent"));
    }

    #[test]
    fn rows_cut_subset_keys_and_keep_other_names_whole() {
        let cluster = |json: &'static str| serde_json::from_str::<Cluster<'static>>(json).unwrap();
        let row = cluster_row(&cluster(
            r#"{"name":"outbound|9080|v1|reviews.default.svc.cluster.local","type":"EDS",
               "metadata":{"filter_metadata":{"istio":{"config":"/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews"}}}}"#,
        ));
        assert_eq!(
            row,
            ClusterRow {
                name: "outbound|9080|v1|reviews.default.svc.cluster.local".into(),
                key: ClusterKey::Subset {
                    fqdn: "reviews.default.svc.cluster.local".into(),
                    port: 9080,
                    subset: "v1".into(),
                    direction: "outbound".into(),
                },
                discovery_type: DiscoveryType::Eds,
                destination_rule: ManagingResource::Resource {
                    name: "reviews".into(),
                    namespace: "default".into()
                },
            }
        );
        let row = cluster_row(&cluster(r#"{"name":"agent"}"#));
        assert_eq!(row.key, ClusterKey::Plain("agent".into()));
        assert_eq!(row.discovery_type, DiscoveryType::Static);
        assert_eq!(row.destination_rule, ManagingResource::Unshown);
    }
}
