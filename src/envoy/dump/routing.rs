//! The clusters (`envoy.admin.v3.ClustersConfigDump`) and routes
//! (`envoy.admin.v3.RoutesConfigDump`) sections: each cluster and route configuration kept
//! as its raw JSON, with where it sits in the dump, until a command decodes it.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::proto::Str;

/// Which of the clusters, routes, secrets and endpoints sections, and the whole bootstrap,
/// a command wants built. They are asked for apart from [`super::Sections`] because only
/// the `pc cluster|route|secret|endpoint|bootstrap|all` family reads them; every other
/// command keeps naming just the sections it reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoutingSections {
    pub clusters: bool,
    pub routes: bool,
    pub secrets: bool,
    pub endpoints: bool,
    /// The bootstrap section kept whole (raw fields); the node is read from it too.
    pub bootstrap: bool,
}

impl RoutingSections {
    /// None of them: the base that a command's constant names its sections over.
    pub const NONE: RoutingSections = RoutingSections {
        clusters: false,
        routes: false,
        secrets: false,
        endpoints: false,
        bootstrap: false,
    };
}

/// Where a cluster sits in `ClustersConfigDump` (envoy/admin/v3/config_dump_shared.proto).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterOrigin {
    Static,
    DynamicActive,
    DynamicWarming,
}

impl ClusterOrigin {
    fn field(self) -> &'static str {
        match self {
            ClusterOrigin::Static => "static_clusters",
            ClusterOrigin::DynamicActive => "dynamic_active_clusters",
            ClusterOrigin::DynamicWarming => "dynamic_warming_clusters",
        }
    }
}

/// Where a route configuration sits in `RoutesConfigDump`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteConfigOrigin {
    Static,
    Dynamic,
}

impl RouteConfigOrigin {
    fn field(self) -> &'static str {
        match self {
            RouteConfigOrigin::Static => "static_route_configs",
            RouteConfigOrigin::Dynamic => "dynamic_route_configs",
        }
    }
}

/// One cluster of the dump, its `envoy.config.cluster.v3.Cluster` kept raw.
#[derive(Debug, Clone)]
pub struct ClusterEntry<'a> {
    pub origin: ClusterOrigin,
    pub version_info: Str<'a>,
    pub last_updated: Str<'a>,
    /// The cluster object as the dump holds it (printed by `-o json|yaml`).
    pub raw: &'a RawValue,
    pub(super) section_index: usize,
    pub(super) index: usize,
}

impl ClusterEntry<'_> {
    /// A JSON path to this cluster, for error messages.
    pub fn json_path(&self) -> String {
        format!(
            "configs[{}].{}[{}].cluster",
            self.section_index,
            self.origin.field(),
            self.index
        )
    }
}

/// One route configuration of the dump, its `envoy.config.route.v3.RouteConfiguration`
/// kept raw.
#[derive(Debug, Clone)]
pub struct RouteConfigEntry<'a> {
    pub origin: RouteConfigOrigin,
    pub version_info: Str<'a>,
    pub last_updated: Str<'a>,
    /// The route configuration as the dump holds it (printed by `-o json|yaml`).
    pub raw: &'a RawValue,
    pub(super) section_index: usize,
    pub(super) index: usize,
}

impl RouteConfigEntry<'_> {
    /// A JSON path to this route configuration, for error messages.
    pub fn json_path(&self) -> String {
        format!(
            "configs[{}].{}[{}].route_config",
            self.section_index,
            self.origin.field(),
            self.index
        )
    }
}

/// The clusters of a dump, in each list's dump order. Entries without a `cluster` are left
/// out, as istioctl skips them.
#[derive(Debug, Default)]
pub struct ClustersSection<'a> {
    pub version_info: Str<'a>,
    pub static_clusters: Vec<ClusterEntry<'a>>,
    pub dynamic_active_clusters: Vec<ClusterEntry<'a>>,
    pub dynamic_warming_clusters: Vec<ClusterEntry<'a>>,
}

/// The route configurations of a dump, in each list's dump order. Entries without a
/// `route_config` are left out, as istioctl skips them.
#[derive(Debug, Default)]
pub struct RoutesSection<'a> {
    pub static_route_configs: Vec<RouteConfigEntry<'a>>,
    pub dynamic_route_configs: Vec<RouteConfigEntry<'a>>,
}

/// `StaticCluster` and `DynamicCluster` alike: the fields read of either.
#[derive(Deserialize)]
pub(super) struct ClusterFields<'a> {
    #[serde(borrow, default, alias = "versionInfo")]
    version_info: Str<'a>,
    #[serde(borrow, default)]
    cluster: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "lastUpdated")]
    last_updated: Str<'a>,
}

/// `StaticRouteConfig` and `DynamicRouteConfig` alike.
#[derive(Deserialize)]
pub(super) struct RouteConfigFields<'a> {
    #[serde(borrow, default, alias = "versionInfo")]
    version_info: Str<'a>,
    #[serde(borrow, default, alias = "routeConfig")]
    route_config: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "lastUpdated")]
    last_updated: Str<'a>,
}

/// The clusters section as read, before it knows its place among the sections.
#[derive(Default)]
pub(super) struct ClustersAcc<'a> {
    pub(super) version_info: Str<'a>,
    pub(super) lists: [Vec<ClusterFields<'a>>; 3],
}

impl<'a> ClustersAcc<'a> {
    pub(super) fn into_section(self, section_index: usize) -> ClustersSection<'a> {
        let [statics, active, warming] = self.lists;
        let entries = |list: Vec<ClusterFields<'a>>, origin| {
            list.into_iter()
                .enumerate()
                .filter_map(|(index, f)| {
                    Some(ClusterEntry {
                        origin,
                        version_info: f.version_info,
                        last_updated: f.last_updated,
                        raw: f.cluster?,
                        section_index,
                        index,
                    })
                })
                .collect()
        };
        ClustersSection {
            version_info: self.version_info,
            static_clusters: entries(statics, ClusterOrigin::Static),
            dynamic_active_clusters: entries(active, ClusterOrigin::DynamicActive),
            dynamic_warming_clusters: entries(warming, ClusterOrigin::DynamicWarming),
        }
    }
}

/// The routes section as read.
#[derive(Default)]
pub(super) struct RoutesAcc<'a> {
    pub(super) lists: [Vec<RouteConfigFields<'a>>; 2],
}

impl<'a> RoutesAcc<'a> {
    pub(super) fn into_section(self, section_index: usize) -> RoutesSection<'a> {
        let [statics, dynamics] = self.lists;
        let entries = |list: Vec<RouteConfigFields<'a>>, origin| {
            list.into_iter()
                .enumerate()
                .filter_map(|(index, f)| {
                    Some(RouteConfigEntry {
                        origin,
                        version_info: f.version_info,
                        last_updated: f.last_updated,
                        raw: f.route_config?,
                        section_index,
                        index,
                    })
                })
                .collect()
        };
        RoutesSection {
            static_route_configs: entries(statics, RouteConfigOrigin::Static),
            dynamic_route_configs: entries(dynamics, RouteConfigOrigin::Dynamic),
        }
    }
}
