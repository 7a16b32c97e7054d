//! One config section: its `"@type"` decides what is built of it (listeners, ECDS filters,
//! the bootstrap's node, clusters, route configurations) and the rest is skipped.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::admin_sections::{EndpointsAcc, SecretsAcc};
use super::body::ListenerBody;
use super::model::Wanted;
use super::routing::{ClustersAcc, RoutesAcc};
use super::{ListenerEntry, ListenerErrorState, ListenerOrigin, ListenerState, ListenersSection};
use crate::envoy::node::{Bootstrap, Node};
use crate::envoy::proto::{BorrowedStr, Str};

/// The `@type` of the listeners section, as Envoy writes it (and as errors name it).
pub const LISTENERS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.ListenersConfigDump";
/// The `@type` of the ECDS section.
pub const ECDS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.EcdsConfigDump";
pub const BOOTSTRAP_TYPE: &str = "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump";
/// The `@type` of the clusters section.
pub const CLUSTERS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.ClustersConfigDump";
/// The `@type` of the routes section.
pub const ROUTES_TYPE: &str = "type.googleapis.com/envoy.admin.v3.RoutesConfigDump";
/// The `@type` of the secrets section.
pub const SECRETS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.SecretsConfigDump";
/// The `@type` of the endpoints section (dumped only with `?include_eds`).
pub const ENDPOINTS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump";

pub(super) enum Section<'a, L> {
    Listeners(ListenersAcc<'a, L>),
    Ecds(Vec<&'a RawValue>),
    Bootstrap(Option<Node<'a>>),
    Clusters(ClustersAcc<'a>),
    Routes(RoutesAcc<'a>),
    Secrets(SecretsAcc<'a>),
    Endpoints(EndpointsAcc<'a>),
    /// The bootstrap section kept whole: each field raw, in dump order.
    BootstrapWhole(Vec<(String, &'a RawValue)>),
    Other,
}

pub(super) struct ListenersAcc<'a, L> {
    version_info: Str<'a>,
    statics: Vec<StaticListener<'a, L>>,
    dynamics: Vec<DynamicListener<'a, L>>,
}

impl<L> Default for ListenersAcc<'_, L> {
    fn default() -> Self {
        ListenersAcc {
            version_info: Str::default(),
            statics: Vec::new(),
            dynamics: Vec::new(),
        }
    }
}

impl<'a, L> ListenersAcc<'a, L> {
    pub(super) fn into_section(self, section_index: usize) -> ListenersSection<'a, L> {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (index, d) in self.dynamics.into_iter().enumerate() {
            let has_active_state = d
                .active_state
                .as_ref()
                .is_some_and(|s| s.listener.is_some());
            for (state, s) in [
                (ListenerState::Active, d.active_state),
                (ListenerState::Warming, d.warming_state),
                (ListenerState::Draining, d.draining_state),
            ] {
                if let Some(ListenerStateFields {
                    version_info,
                    listener: Some(raw),
                    last_updated,
                }) = s
                {
                    entries.push(ListenerEntry {
                        origin: ListenerOrigin::Dynamic,
                        state,
                        version_info,
                        last_updated,
                        raw,
                        section_index,
                        index,
                    });
                }
            }
            if let Some(e) = d.error_state {
                let failed_configuration = e.failed_configuration.map(|raw| ListenerEntry {
                    origin: ListenerOrigin::Dynamic,
                    state: ListenerState::Error,
                    version_info: e.version_info,
                    last_updated: e.last_update_attempt.clone(),
                    raw,
                    section_index,
                    index,
                });
                errors.push(ListenerErrorState {
                    name: d.name,
                    details: e.details,
                    last_update_attempt: e.last_update_attempt,
                    failed_configuration,
                    has_active_state,
                    section_index,
                    index,
                });
            }
        }
        for (index, s) in self.statics.into_iter().enumerate() {
            if let Some(raw) = s.listener {
                entries.push(ListenerEntry {
                    origin: ListenerOrigin::Static,
                    state: ListenerState::Active,
                    version_info: Str::default(),
                    last_updated: s.last_updated,
                    raw,
                    section_index,
                    index,
                });
            }
        }
        ListenersSection {
            version_info: self.version_info,
            entries,
            errors,
        }
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "L: Deserialize<'de>"))]
struct StaticListener<'a, L> {
    #[serde(default = "Option::default")]
    listener: Option<L>,
    #[serde(borrow, default, alias = "lastUpdated")]
    last_updated: Str<'a>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "L: Deserialize<'de>"))]
struct DynamicListener<'a, L> {
    #[serde(borrow, default)]
    name: Str<'a>,
    #[serde(borrow, default = "Option::default", alias = "activeState")]
    active_state: Option<ListenerStateFields<'a, L>>,
    #[serde(borrow, default = "Option::default", alias = "warmingState")]
    warming_state: Option<ListenerStateFields<'a, L>>,
    #[serde(borrow, default = "Option::default", alias = "drainingState")]
    draining_state: Option<ListenerStateFields<'a, L>>,
    #[serde(borrow, default, alias = "errorState")]
    error_state: Option<UpdateFailureState<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "L: Deserialize<'de>"))]
struct ListenerStateFields<'a, L> {
    #[serde(borrow, default, alias = "versionInfo")]
    version_info: Str<'a>,
    #[serde(default = "Option::default")]
    listener: Option<L>,
    #[serde(borrow, default, alias = "lastUpdated")]
    last_updated: Str<'a>,
}

#[derive(Deserialize)]
struct UpdateFailureState<'a> {
    #[serde(borrow, default, alias = "failedConfiguration")]
    failed_configuration: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "lastUpdateAttempt")]
    last_update_attempt: Str<'a>,
    #[serde(borrow, default)]
    details: Str<'a>,
    /// Marked not implemented in the proto; read in case an Envoy fills it.
    #[serde(borrow, default, alias = "versionInfo")]
    version_info: Str<'a>,
}

pub(super) struct SectionSeed<L> {
    pub(super) sections: Wanted,
    pub(super) body: PhantomData<L>,
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for SectionSeed<L> {
    type Value = Section<'de, L>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<L> SectionSeed<L> {
    fn start<'de>(&self, type_url: &str) -> Section<'de, L> {
        let Wanted { sections, routing } = self.sections;
        match type_url {
            // Kept whole when asked for; the node is read from it as well.
            BOOTSTRAP_TYPE if routing.bootstrap => Section::BootstrapWhole(Vec::new()),
            LISTENERS_TYPE if sections.listeners => Section::Listeners(Default::default()),
            ECDS_TYPE if sections.ecds => Section::Ecds(Vec::new()),
            BOOTSTRAP_TYPE if sections.bootstrap => Section::Bootstrap(None),
            // A section we do not build still counts as present (e.g. "no ECDS section").
            LISTENERS_TYPE => Section::Listeners(Default::default()),
            ECDS_TYPE => Section::Ecds(Vec::new()),
            CLUSTERS_TYPE if routing.clusters => Section::Clusters(Default::default()),
            ROUTES_TYPE if routing.routes => Section::Routes(Default::default()),
            SECRETS_TYPE if routing.secrets => Section::Secrets(Default::default()),
            ENDPOINTS_TYPE if routing.endpoints => Section::Endpoints(Default::default()),
            _ => Section::Other,
        }
    }

    fn wants(&self, section: &Section<'_, L>) -> bool {
        let Wanted { sections, routing } = self.sections;
        match section {
            Section::Listeners(_) => sections.listeners,
            Section::Ecds(_) => sections.ecds,
            Section::Bootstrap(_) => sections.bootstrap,
            Section::Clusters(_) => routing.clusters,
            Section::Routes(_) => routing.routes,
            Section::Secrets(_) => routing.secrets,
            Section::Endpoints(_) => routing.endpoints,
            Section::BootstrapWhole(_) => routing.bootstrap,
            Section::Other => false,
        }
    }
}

/// Reads one field of a section into its accumulator (or skips it).
struct FieldSeed<'s, 'de, L> {
    key: &'s str,
    section: &'s mut Section<'de, L>,
    build: bool,
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for FieldSeed<'_, 'de, L> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if !self.build {
            return IgnoredAny::deserialize(d).map(|_| ());
        }
        match (self.section, self.key) {
            (Section::Listeners(acc), "version_info" | "versionInfo") => {
                acc.version_info = BorrowedStr::deserialize(d)?.0;
            }
            (Section::Listeners(acc), "static_listeners" | "staticListeners") => {
                acc.statics = Vec::deserialize(d)?;
            }
            (Section::Listeners(acc), "dynamic_listeners" | "dynamicListeners") => {
                acc.dynamics = Vec::deserialize(d)?;
            }
            (Section::Ecds(raws), "ecds_filters" | "ecdsFilters") => {
                *raws = Vec::deserialize(d)?;
            }
            (Section::Bootstrap(node), "bootstrap") => {
                *node = Bootstrap::deserialize(d)?.node;
            }
            (Section::Clusters(acc), "version_info" | "versionInfo") => {
                acc.version_info = BorrowedStr::deserialize(d)?.0;
            }
            (Section::Clusters(acc), "static_clusters" | "staticClusters") => {
                acc.lists[0] = Vec::deserialize(d)?;
            }
            (Section::Clusters(acc), "dynamic_active_clusters" | "dynamicActiveClusters") => {
                acc.lists[1] = Vec::deserialize(d)?;
            }
            (Section::Clusters(acc), "dynamic_warming_clusters" | "dynamicWarmingClusters") => {
                acc.lists[2] = Vec::deserialize(d)?;
            }
            (Section::Routes(acc), "static_route_configs" | "staticRouteConfigs") => {
                acc.lists[0] = Vec::deserialize(d)?;
            }
            (Section::Routes(acc), "dynamic_route_configs" | "dynamicRouteConfigs") => {
                acc.lists[1] = Vec::deserialize(d)?;
            }
            (Section::Secrets(acc), "static_secrets" | "staticSecrets") => {
                acc.lists[0] = Vec::deserialize(d)?;
            }
            (Section::Secrets(acc), "dynamic_active_secrets" | "dynamicActiveSecrets") => {
                acc.lists[1] = Vec::deserialize(d)?;
            }
            (Section::Secrets(acc), "dynamic_warming_secrets" | "dynamicWarmingSecrets") => {
                acc.lists[2] = Vec::deserialize(d)?;
            }
            (Section::Endpoints(acc), "static_endpoint_configs" | "staticEndpointConfigs") => {
                acc.lists[0] = Vec::deserialize(d)?;
            }
            (Section::Endpoints(acc), "dynamic_endpoint_configs" | "dynamicEndpointConfigs") => {
                acc.lists[1] = Vec::deserialize(d)?;
            }
            (Section::BootstrapWhole(fields), key) => {
                fields.push((key.to_string(), <&RawValue>::deserialize(d)?));
            }
            _ => {
                IgnoredAny::deserialize(d)?;
            }
        }
        Ok(())
    }
}

impl<'de, L: ListenerBody<'de>> Visitor<'de> for SectionSeed<L> {
    type Value = Section<'de, L>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a config section object with \"@type\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Envoy writes "@type" first; anything before it is held raw and read afterwards.
        let mut early: Vec<(Str<'de>, &'de RawValue)> = Vec::new();
        let mut section: Option<Section<'de, L>> = None;
        while let Some(key) = map.next_key::<BorrowedStr<'de>>()? {
            let key = key.0;
            if key == "@type" && section.is_none() {
                let type_url = map.next_value::<BorrowedStr<'de>>()?.0;
                let mut s = self.start(&type_url);
                let build = self.wants(&s);
                for (k, raw) in early.drain(..) {
                    let mut de = serde_json::Deserializer::from_str(raw.get());
                    FieldSeed {
                        key: &k,
                        section: &mut s,
                        build,
                    }
                    .deserialize(&mut de)
                    .map_err(|e| de::Error::custom(format!("{k}: {e}")))?;
                }
                section = Some(s);
                continue;
            }
            match section.as_mut() {
                Some(s) => {
                    let build = self.wants(s);
                    map.next_value_seed(FieldSeed {
                        key: &key,
                        section: s,
                        build,
                    })?;
                }
                None => {
                    let raw: &'de RawValue = map.next_value()?;
                    early.push((key, raw));
                }
            }
        }
        Ok(section.unwrap_or(Section::Other))
    }
}
