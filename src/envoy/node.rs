//! The proxy's identity from the bootstrap section's `node` (DOMAIN.md §6.4).

use serde::Deserialize;

use crate::envoy::proto::{OrderedMap, Str};

/// `envoy.config.core.v3.Node`, as far as meshscope reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Node<'a> {
    /// `sidecar~IP~pod.namespace~namespace.svc.cluster.local` on Istio sidecars.
    #[serde(borrow, default)]
    pub id: Str<'a>,
    #[serde(borrow, default)]
    pub cluster: Str<'a>,
    #[serde(borrow, default)]
    pub metadata: NodeMetadata<'a>,
    /// The Envoy build that wrote the dump; Envoy fills it in itself (DOMAIN.md §5.8).
    #[serde(default, alias = "userAgentBuildVersion")]
    pub user_agent_build_version: Option<BuildVersion>,
}

/// `envoy.config.core.v3.BuildVersion`; its `metadata` (revision, build type) is not read.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct BuildVersion {
    #[serde(default)]
    pub version: Option<SemanticVersion>,
}

/// `envoy.type.v3.SemanticVersion`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
pub struct SemanticVersion {
    #[serde(default, alias = "majorNumber")]
    pub major_number: u32,
    #[serde(default, alias = "minorNumber")]
    pub minor_number: u32,
    #[serde(default)]
    pub patch: u32,
}

/// Istio's keys in `node.metadata` (a `Struct`: its keys are data, never re-cased).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NodeMetadata<'a> {
    #[serde(borrow, default, rename = "NAMESPACE")]
    pub namespace: Option<Str<'a>>,
    #[serde(borrow, default, rename = "LABELS")]
    pub labels: OrderedMap<'a, Str<'a>>,
    #[serde(borrow, default, rename = "ISTIO_VERSION")]
    pub istio_version: Option<Str<'a>>,
    #[serde(borrow, default, rename = "WORKLOAD_NAME")]
    pub workload_name: Option<Str<'a>>,
    /// The pod's name.
    #[serde(borrow, default, rename = "NAME")]
    pub name: Option<Str<'a>>,
    /// The pod's controller, as the injector saw it:
    /// `kubernetes://apis/apps/v1/namespaces/NS/deployments/NAME`.
    #[serde(borrow, default, rename = "OWNER")]
    pub owner: Option<Str<'a>>,
    /// The pod's own addresses, comma-separated (`10.244.0.12,fd00::12`).
    #[serde(borrow, default, rename = "INSTANCE_IPS")]
    pub instance_ips: Option<Str<'a>>,
}

impl NodeMetadata<'_> {
    /// The pod's own addresses; the ones that do not parse are left out.
    pub fn instance_ips(&self) -> Vec<std::net::IpAddr> {
        self.instance_ips
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter_map(|ip| ip.trim().parse().ok())
            .collect()
    }
}

/// `BootstrapConfigDump.bootstrap`, only its node.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct Bootstrap<'a> {
    #[serde(borrow, default)]
    pub node: Option<Node<'a>>,
}
