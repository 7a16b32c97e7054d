//! Sections and listeners of a parsed dump turned into the model, with the file position
//! and JSON path of whatever does not decode.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{
    BootstrapSection, ClusterEntry, Document, Dump, DumpShape, EndpointConfigEntry, ListenerEntry,
    RouteConfigEntry, SecretEntry, Section,
};
use crate::envoy::cluster::Cluster;
use crate::envoy::ecds::{EcdsFilter, EcdsFilterFields, TypeUrl};
use crate::envoy::endpoint::ClusterLoadAssignment;
use crate::envoy::listener::Listener;
use crate::envoy::load_error::{self, LoadError, Location};
use crate::envoy::node::Bootstrap;
use crate::envoy::proto::Str;
use crate::envoy::route::RouteConfiguration;
use crate::envoy::secret::Secret;
use crate::util::parallel;

/// Listeners per task when they are decoded on every core: a few milliseconds of work.
const LISTENERS_PER_TASK: usize = 64;

impl<'a> Document<'a> {
    pub(super) fn assemble<L>(
        &self,
        parsed: Vec<Section<'a, L>>,
    ) -> Result<Dump<'a, L>, LoadError> {
        let mut listeners = None;
        let mut ecds: Option<Vec<EcdsFilter<'a>>> = None;
        let mut node = None;
        let mut clusters = None;
        let mut routes = None;
        let mut secrets = None;
        let mut endpoints = None;
        let mut bootstrap = None;
        for (section_index, section) in parsed.into_iter().enumerate() {
            match section {
                Section::Listeners(acc) => {
                    listeners = Some(acc.into_section(section_index));
                }
                Section::Ecds(raws) => {
                    let all = ecds.get_or_insert_with(Vec::new);
                    for (i, raw) in raws.into_iter().enumerate() {
                        let path = format!("configs[{section_index}].ecds_filters[{i}]");
                        all.push(self.decode_ecds(raw, &path)?);
                    }
                }
                Section::Bootstrap(n) => node = n.or(node),
                // The last of each, as istioctl's `getSection` takes it.
                Section::Clusters(acc) => clusters = Some(acc.into_section(section_index)),
                Section::Routes(acc) => routes = Some(acc.into_section(section_index)),
                Section::Secrets(acc) => secrets = Some(acc.into_section(section_index)),
                Section::Endpoints(acc) => endpoints = Some(acc.into_section(section_index)),
                Section::BootstrapWhole(fields) => {
                    let whole = BootstrapSection {
                        fields,
                        section_index,
                    };
                    // The node as `Section::Bootstrap` would have read it.
                    if let Some(raw) = whole.bootstrap() {
                        let b: Bootstrap<'a> = self.decode(raw, &whole.json_path())?;
                        node = b.node.or(node);
                    }
                    bootstrap = Some(whole);
                }
                Section::Other => {}
            }
        }
        Ok(Dump {
            shape: DumpShape::ConfigDump,
            listeners,
            ecds,
            node,
            clusters,
            routes,
            secrets,
            endpoints,
            bootstrap,
        })
    }

    fn decode_ecds(&self, raw: &'a RawValue, path: &str) -> Result<EcdsFilter<'a>, LoadError> {
        let fields: EcdsFilterFields<'a> = self.decode(raw, path)?;
        let (name, typed_config) = match fields.ecds_filter {
            Some(f) => (f.name, f.typed_config),
            None => (Str::default(), None),
        };
        let type_url = match typed_config {
            Some(tc) => {
                self.decode::<TypeUrl<'a>>(tc, &format!("{path}.ecds_filter.typed_config"))?
                    .type_url
            }
            None => Str::default(),
        };
        Ok(EcdsFilter {
            version_info: fields.version_info,
            name,
            type_url,
            typed_config,
            last_updated: fields.last_updated,
            raw,
        })
    }

    /// Decodes a listener entry into the typed model.
    pub fn listener(&self, entry: &ListenerEntry<'a>) -> Result<Listener<'a>, LoadError> {
        self.decode(entry.raw, &entry.json_path())
    }

    /// Decodes a cluster entry into the typed model.
    pub fn cluster(&self, entry: &ClusterEntry<'a>) -> Result<Cluster<'a>, LoadError> {
        self.decode(entry.raw, &entry.json_path())
    }

    /// Decodes a secret entry into the typed model (no key material: see `envoy::secret`).
    pub fn secret(&self, entry: &SecretEntry<'a>) -> Result<Option<Secret<'a>>, LoadError> {
        entry
            .secret
            .map(|raw| self.decode(raw, &entry.json_path()))
            .transpose()
    }

    /// Decodes a load assignment entry into the typed model.
    pub fn load_assignment(
        &self,
        entry: &EndpointConfigEntry<'a>,
    ) -> Result<ClusterLoadAssignment<'a>, LoadError> {
        self.decode(entry.raw, &entry.json_path())
    }

    /// Decodes a route configuration entry into the typed model.
    pub fn route_config(
        &self,
        entry: &RouteConfigEntry<'a>,
    ) -> Result<RouteConfiguration<'a>, LoadError> {
        self.decode(entry.raw, &entry.json_path())
    }

    /// Decodes the listener `entry` gives of each item, then `then` of the item and the
    /// listener, on every core. Results are in the items' order, so the first error in
    /// dump order is the first `Err`, as a walk over them one by one would report it.
    pub fn decode_listeners_on_every_core<T: Sync, R: Send>(
        &self,
        items: &[T],
        entry: impl Fn(&T) -> &ListenerEntry<'a> + Sync,
        then: impl Fn(&T, Listener<'a>) -> R + Sync,
    ) -> Vec<Result<R, LoadError>> {
        parallel::map_in_order(items, LISTENERS_PER_TASK, |item| {
            Ok(then(item, self.listener(entry(item))?))
        })
    }

    /// Reads only where a listener binds (see [`crate::envoy::listener_head`]).
    pub fn listener_head(
        &self,
        entry: &ListenerEntry<'a>,
        with_additional: bool,
    ) -> Result<crate::envoy::listener_head::ListenerHead<'a>, LoadError> {
        match crate::envoy::listener_head::decode_head(entry.raw.get(), with_additional) {
            Ok(head) => Ok(head),
            // Report it exactly as a full decode would (same path, same position).
            Err(_) => self
                .listener(entry)
                .map(|l| crate::envoy::listener_head::ListenerHead {
                    address: l.address,
                    additional_addresses: l.additional_addresses,
                }),
        }
    }

    /// Decodes `raw` (a slice of this document) as `T`; errors carry the file position of
    /// the offending field and its JSON path below `path`.
    pub fn decode<T: Deserialize<'a>>(
        &self,
        raw: &'a RawValue,
        path: &str,
    ) -> Result<T, LoadError> {
        let sub = raw.get();
        serde_json::from_str(sub).map_err(|e| {
            let mut de = serde_json::Deserializer::from_str(sub);
            let inner = match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Err(pe) => pe.path().to_string(),
                Ok(_) => String::new(),
            };
            let field = join_path(path, &inner);
            let base = (sub.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
            let within = load_error::offset_of(sub, e.line(), e.column());
            LoadError::Field {
                location: self.location(Some(base + within)),
                field,
                message: load_error::strip_serde_position(&e.to_string()),
            }
        })
    }

    pub(super) fn location(&self, offset: Option<usize>) -> Location {
        Location {
            path: self.label.to_string(),
            position: offset
                .filter(|_| !self.from_yaml)
                .map(|o| load_error::position_of(&String::from_utf8_lossy(self.text), o)),
        }
    }
}

fn join_path(prefix: &str, inner: &str) -> String {
    match (prefix.is_empty(), inner.is_empty() || inner == ".") {
        (_, true) => prefix.to_string(),
        (true, false) => inner.to_string(),
        (false, false) if inner.starts_with('[') => format!("{prefix}{inner}"),
        (false, false) => format!("{prefix}.{inner}"),
    }
}
