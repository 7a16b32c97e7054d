//! Istio's inbound passthrough clusters (DOMAIN.md §5.5), by name: through 1.22 one per IP
//! family (`InboundPassthroughClusterIpv4`, `…Ipv6`), from 1.23 one shared
//! `InboundPassthroughCluster`. Which of them a proxy's chains send to tells its Istio
//! version apart when the bootstrap does not say.

/// Istio's outbound passthrough cluster (pilot/pkg/networking/util `PassthroughCluster`).
pub const PASSTHROUGH_CLUSTER: &str = "PassthroughCluster";

/// Istio's shared inbound passthrough cluster (1.23+).
pub const INBOUND_PASSTHROUGH: &str = "InboundPassthroughCluster";

/// What an inbound passthrough cluster name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundPassthrough {
    /// The one cluster for every IP family (1.23+).
    Shared,
    /// A cluster per IP family (1.12–1.22).
    PerFamily,
}

impl InboundPassthrough {
    /// Classifies a cluster name; `None` for any other cluster.
    pub fn of_cluster(name: &str) -> Option<InboundPassthrough> {
        match name.strip_prefix(INBOUND_PASSTHROUGH) {
            Some("") => Some(InboundPassthrough::Shared),
            Some(family) if family.starts_with("Ipv") => Some(InboundPassthrough::PerFamily),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_cluster_names() {
        let cases = [
            (
                "InboundPassthroughCluster",
                Some(InboundPassthrough::Shared),
            ),
            (
                "InboundPassthroughClusterIpv4",
                Some(InboundPassthrough::PerFamily),
            ),
            (
                "InboundPassthroughClusterIpv6",
                Some(InboundPassthrough::PerFamily),
            ),
            ("PassthroughCluster", None),
            ("inbound|80||", None),
        ];
        for (name, want) in cases {
            assert_eq!(InboundPassthrough::of_cluster(name), want, "{name}");
        }
    }
}
