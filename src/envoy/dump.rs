//! Loads an Envoy `/config_dump` (or a bare listener array) in one pass over the text.
//!
//! The text is never turned into a `serde_json::Value`: sections a command does not need
//! are skipped with `IgnoredAny` (still validated, so bad JSON anywhere is reported), and
//! each listener is kept as a borrowed `RawValue` until a command decodes it.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::ecds::{EcdsFilter, EcdsFilterFields, TypeUrl};
use super::listener::Listener;
use super::load_error::{self, LoadError, Location};
use super::node::{Bootstrap, Node};
use super::proto::{BorrowedStr, Str};

const LISTENERS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.ListenersConfigDump";
const ECDS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.EcdsConfigDump";
const BOOTSTRAP_TYPE: &str = "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump";

/// The text of one input, and where it came from (for error lines).
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The path (or `-`, or the URL) shown in errors.
    pub label: &'a str,
    /// JSON text. For YAML inputs this is the YAML transcoded to JSON.
    pub text: &'a str,
    /// True when `text` was transcoded from YAML, so JSON positions mean nothing to the user.
    pub from_yaml: bool,
}

/// Which sections a command wants built; the others are only validated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sections {
    pub listeners: bool,
    pub ecds: bool,
    pub bootstrap: bool,
}

/// What kind of document the input was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpShape {
    /// `{"configs": [...]}` as `/config_dump` returns it.
    ConfigDump,
    /// A bare array of listeners (`pc listener -o json` output).
    ListenerArray,
}

/// A loaded dump: the requested sections, borrowing from the document text.
#[derive(Debug)]
pub struct Dump<'a> {
    pub shape: DumpShape,
    /// The last `ListenersConfigDump` (istioctl reads the last), or `None` without one.
    pub listeners: Option<ListenersSection<'a>>,
    /// Every `EcdsConfigDump` concatenated in dump order, or `None` without one.
    pub ecds: Option<Vec<EcdsFilter<'a>>>,
    /// The bootstrap's node, when the dump has a bootstrap section.
    pub node: Option<Node<'a>>,
}

/// The listeners of a dump, one entry per listener state.
#[derive(Debug, Default)]
pub struct ListenersSection<'a> {
    pub version_info: Str<'a>,
    /// Dynamic listeners (every state they have) in dump order, then static listeners.
    pub entries: Vec<ListenerEntry<'a>>,
    /// The last rejected update of each dynamic listener that has one.
    pub errors: Vec<ListenerErrorState<'a>>,
}

/// Where a listener entry sits in the dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListenerState {
    Active,
    Warming,
    Draining,
}

impl ListenerState {
    /// Lower-case name, as `-o wide` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            ListenerState::Active => "active",
            ListenerState::Warming => "warming",
            ListenerState::Draining => "draining",
        }
    }

    fn field(self) -> &'static str {
        match self {
            ListenerState::Active => "active_state",
            ListenerState::Warming => "warming_state",
            ListenerState::Draining => "draining_state",
        }
    }
}

/// Static, dynamic, or an element of a bare listener array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerOrigin {
    Static,
    Dynamic,
    Bare,
}

/// One listener in one state, not decoded yet.
#[derive(Debug, Clone)]
pub struct ListenerEntry<'a> {
    pub origin: ListenerOrigin,
    pub state: ListenerState,
    pub version_info: Str<'a>,
    pub last_updated: Str<'a>,
    /// The listener object as the dump holds it (printed by `-o json|yaml`).
    pub raw: &'a RawValue,
    /// Index in `configs`, and in its listener list, for error paths.
    section_index: usize,
    index: usize,
}

impl ListenerEntry<'_> {
    /// A JSON path to this listener, for error messages.
    pub fn json_path(&self) -> String {
        match self.origin {
            ListenerOrigin::Bare => format!("[{}]", self.index),
            ListenerOrigin::Static => format!(
                "configs[{}].static_listeners[{}].listener",
                self.section_index, self.index
            ),
            ListenerOrigin::Dynamic => format!(
                "configs[{}].dynamic_listeners[{}].{}.listener",
                self.section_index,
                self.index,
                self.state.field()
            ),
        }
    }
}

/// `DynamicListener.error_state`: the last update Envoy rejected.
#[derive(Debug, Clone)]
pub struct ListenerErrorState<'a> {
    pub name: Str<'a>,
    pub details: Str<'a>,
    pub last_update_attempt: Str<'a>,
    pub failed_configuration: Option<&'a RawValue>,
}

impl<'a> Document<'a> {
    /// Parses the document, building only `sections`.
    pub fn load(&self, sections: Sections) -> Result<Dump<'a>, LoadError> {
        let mut de = serde_json::Deserializer::from_str(self.text);
        let top = TopSeed { sections }
            .deserialize(&mut de)
            .and_then(|top| de.end().map(|()| top));
        let top = match top {
            Ok(top) => top,
            Err(e) => return Err(self.top_level_error(sections, e)),
        };
        match top {
            Top::NotADump(found) => Err(LoadError::NotADump {
                location: self.location(None),
                found,
            }),
            Top::Listeners(raws) => Ok(Dump {
                shape: DumpShape::ListenerArray,
                listeners: Some(ListenersSection {
                    entries: raws
                        .into_iter()
                        .enumerate()
                        .map(|(index, raw)| ListenerEntry {
                            origin: ListenerOrigin::Bare,
                            state: ListenerState::Active,
                            version_info: Str::default(),
                            last_updated: Str::default(),
                            raw,
                            section_index: 0,
                            index,
                        })
                        .collect(),
                    ..Default::default()
                }),
                ecds: None,
                node: None,
            }),
            Top::Configs(sections) => self.assemble(sections),
        }
    }

    fn assemble(&self, parsed: Vec<Section<'a>>) -> Result<Dump<'a>, LoadError> {
        let mut listeners = None;
        let mut ecds: Option<Vec<EcdsFilter<'a>>> = None;
        let mut node = None;
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
                Section::Other => {}
            }
        }
        Ok(Dump {
            shape: DumpShape::ConfigDump,
            listeners,
            ecds,
            node,
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

    /// Reads only where a listener binds (see [`super::listener_head`]).
    pub fn listener_head(
        &self,
        entry: &ListenerEntry<'a>,
        with_additional: bool,
    ) -> Result<super::listener_head::ListenerHead<'a>, LoadError> {
        match super::listener_head::decode_head(entry.raw.get(), with_additional) {
            Ok(head) => Ok(head),
            // Report it exactly as a full decode would (same path, same position).
            Err(_) => self
                .listener(entry)
                .map(|l| super::listener_head::ListenerHead {
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

    fn location(&self, offset: Option<usize>) -> Location {
        Location {
            path: self.label.to_string(),
            position: offset
                .filter(|_| !self.from_yaml)
                .map(|o| load_error::position_of(self.text, o)),
        }
    }

    fn top_level_error(&self, sections: Sections, e: serde_json::Error) -> LoadError {
        let offset = load_error::offset_of(self.text, e.line(), e.column());
        let message = load_error::strip_serde_position(&e.to_string());
        match e.classify() {
            serde_json::error::Category::Data => {
                // Only now pay for path tracking: rerun the same parse to learn the field.
                let mut de = serde_json::Deserializer::from_str(self.text);
                let mut track = serde_path_to_error::Track::new();
                let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
                let field = match (TopSeed { sections }).deserialize(tracked) {
                    Err(_) => track.path().to_string(),
                    Ok(_) => String::new(),
                };
                LoadError::Field {
                    location: self.location(Some(offset)),
                    field: if field.is_empty() { ".".into() } else { field },
                    message,
                }
            }
            serde_json::error::Category::Eof => LoadError::Json {
                location: self.location(Some(offset)),
                message: format!("{message} (the input ends early: truncated file?)"),
            },
            _ => LoadError::Json {
                location: self.location(Some(offset)),
                message,
            },
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

enum Top<'a> {
    Configs(Vec<Section<'a>>),
    Listeners(Vec<&'a RawValue>),
    NotADump(String),
}

struct TopSeed {
    sections: Sections,
}

impl<'de> DeserializeSeed<'de> for TopSeed {
    type Value = Top<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Top<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an Envoy config dump object or an array of listeners")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
        let mut configs = None;
        while let Some(key) = map.next_key::<BorrowedStr<'de>>()? {
            if key.0 == "configs" {
                configs = Some(map.next_value_seed(ConfigsSeed {
                    sections: self.sections,
                })?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(match configs {
            Some(c) => Top::Configs(c),
            None => Top::NotADump("an object without \"configs\"".into()),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top<'de>, A::Error> {
        let mut out = Vec::new();
        let mut not_object = None;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            if not_object.is_none() && !raw.get().starts_with('{') {
                not_object = Some(out.len());
            }
            out.push(raw);
        }
        Ok(match not_object {
            Some(i) => Top::NotADump(format!("an array whose element {i} is not an object")),
            None => Top::Listeners(out),
        })
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Top<'de>, E> {
        Ok(Top::NotADump("a string".into()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Top<'de>, E> {
        Ok(Top::NotADump("a boolean".into()))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Top<'de>, E> {
        Ok(Top::NotADump("a number".into()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Top<'de>, E> {
        Ok(Top::NotADump("a number".into()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Top<'de>, E> {
        Ok(Top::NotADump("a number".into()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Top<'de>, E> {
        Ok(Top::NotADump("null".into()))
    }
}

struct ConfigsSeed {
    sections: Sections,
}

impl<'de> DeserializeSeed<'de> for ConfigsSeed {
    type Value = Vec<Section<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ConfigsSeed {
    type Value = Vec<Section<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of config sections")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(section) = seq.next_element_seed(SectionSeed {
            sections: self.sections,
        })? {
            out.push(section);
        }
        Ok(out)
    }
}

/// One element of `configs`, built only when its section is wanted.
enum Section<'a> {
    Listeners(ListenersAcc<'a>),
    Ecds(Vec<&'a RawValue>),
    Bootstrap(Option<Node<'a>>),
    Other,
}

#[derive(Default)]
struct ListenersAcc<'a> {
    version_info: Str<'a>,
    statics: Vec<StaticListener<'a>>,
    dynamics: Vec<DynamicListener<'a>>,
}

impl<'a> ListenersAcc<'a> {
    fn into_section(self, section_index: usize) -> ListenersSection<'a> {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (index, d) in self.dynamics.into_iter().enumerate() {
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
                errors.push(ListenerErrorState {
                    name: d.name,
                    details: e.details,
                    last_update_attempt: e.last_update_attempt,
                    failed_configuration: e.failed_configuration,
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
struct StaticListener<'a> {
    #[serde(borrow, default)]
    listener: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "lastUpdated")]
    last_updated: Str<'a>,
}

#[derive(Deserialize)]
struct DynamicListener<'a> {
    #[serde(borrow, default)]
    name: Str<'a>,
    #[serde(borrow, default, alias = "activeState")]
    active_state: Option<ListenerStateFields<'a>>,
    #[serde(borrow, default, alias = "warmingState")]
    warming_state: Option<ListenerStateFields<'a>>,
    #[serde(borrow, default, alias = "drainingState")]
    draining_state: Option<ListenerStateFields<'a>>,
    #[serde(borrow, default, alias = "errorState")]
    error_state: Option<UpdateFailureState<'a>>,
}

#[derive(Deserialize)]
struct ListenerStateFields<'a> {
    #[serde(borrow, default, alias = "versionInfo")]
    version_info: Str<'a>,
    #[serde(borrow, default)]
    listener: Option<&'a RawValue>,
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
}

#[derive(Deserialize)]
struct EcdsSectionFilters<'a>(#[serde(borrow)] Vec<&'a RawValue>);

struct SectionSeed {
    sections: Sections,
}

impl<'de> DeserializeSeed<'de> for SectionSeed {
    type Value = Section<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl SectionSeed {
    fn start<'de>(&self, type_url: &str) -> Section<'de> {
        match type_url {
            LISTENERS_TYPE if self.sections.listeners => Section::Listeners(Default::default()),
            ECDS_TYPE if self.sections.ecds => Section::Ecds(Vec::new()),
            BOOTSTRAP_TYPE if self.sections.bootstrap => Section::Bootstrap(None),
            // A section we do not build still counts as present (e.g. "no ECDS section").
            LISTENERS_TYPE => Section::Listeners(Default::default()),
            ECDS_TYPE => Section::Ecds(Vec::new()),
            _ => Section::Other,
        }
    }

    fn wants(&self, section: &Section<'_>) -> bool {
        match section {
            Section::Listeners(_) => self.sections.listeners,
            Section::Ecds(_) => self.sections.ecds,
            Section::Bootstrap(_) => self.sections.bootstrap,
            Section::Other => false,
        }
    }
}

/// Reads one field of a section into its accumulator (or skips it).
struct FieldSeed<'s, 'de> {
    key: &'s str,
    section: &'s mut Section<'de>,
    build: bool,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if !self.build {
            IgnoredAny::deserialize(d)?;
            return Ok(());
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
                *raws = EcdsSectionFilters::deserialize(d)?.0;
            }
            (Section::Bootstrap(node), "bootstrap") => {
                *node = Bootstrap::deserialize(d)?.node;
            }
            _ => {
                IgnoredAny::deserialize(d)?;
            }
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for SectionSeed {
    type Value = Section<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a config section object with \"@type\"")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Envoy writes "@type" first; anything before it is held raw and read afterwards.
        let mut early: Vec<(Str<'de>, &'de RawValue)> = Vec::new();
        let mut section: Option<Section<'de>> = None;
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
                None => early.push((key, map.next_value()?)),
            }
        }
        Ok(section.unwrap_or(Section::Other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document<'_> {
        Document {
            label: "t.json",
            text,
            from_yaml: false,
        }
    }

    const ALL: Sections = Sections {
        listeners: true,
        ecds: true,
        bootstrap: true,
    };

    #[test]
    fn reads_states_in_order_and_statics_last() {
        let text = r#"{"configs":[
          {"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
           "static_listeners":[{"listener":{"name":"s"}}],
           "dynamic_listeners":[
             {"name":"a","active_state":{"listener":{"name":"a"}},"draining_state":{"listener":{"name":"a"}}},
             {"name":"w","warming_state":{"listener":{"name":"w"}},"error_state":{"details":"boom"}}]}]}"#;
        let dump = doc(text).load(ALL).unwrap();
        let l = dump.listeners.unwrap();
        let got: Vec<_> = l.entries.iter().map(|e| (e.origin, e.state)).collect();
        assert_eq!(
            got,
            [
                (ListenerOrigin::Dynamic, ListenerState::Active),
                (ListenerOrigin::Dynamic, ListenerState::Draining),
                (ListenerOrigin::Dynamic, ListenerState::Warming),
                (ListenerOrigin::Static, ListenerState::Active),
            ]
        );
        assert_eq!(l.errors[0].details, "boom");
    }

    #[test]
    fn type_after_fields_and_last_listener_section_wins() {
        let text = r#"{"configs":[
          {"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","static_listeners":[{"listener":{"name":"old"}}]},
          {"staticListeners":[{"listener":{"name":"new"}}],"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump"}]}"#;
        let d = doc(text);
        let dump = d.load(ALL).unwrap();
        let l = dump.listeners.unwrap();
        assert_eq!(l.entries.len(), 1);
        assert_eq!(d.listener(&l.entries[0]).unwrap().name, "new");
    }

    #[test]
    fn ecds_sections_concatenate() {
        let text = r#"{"configs":[
          {"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecds_filters":[{"ecds_filter":{"name":"a"}}]},
          {"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecdsFilters":[{"ecdsFilter":{"name":"b","typedConfig":{"@type":"t"}}}]}]}"#;
        let dump = doc(text).load(ALL).unwrap();
        let names: Vec<_> = dump
            .ecds
            .unwrap()
            .iter()
            .map(|e| e.name.to_string())
            .collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn skipped_sections_are_still_validated() {
        let text = r#"{"configs":[{"@type":"x.ClustersConfigDump","a":[1,2,}]}"#;
        let err = doc(text).load(Sections::default()).unwrap_err();
        assert!(matches!(err, LoadError::Json { .. }), "{err}");
    }

    #[test]
    fn wrong_type_reports_field_and_position() {
        let text = "{\"configs\":[{\"@type\":\"type.googleapis.com/envoy.admin.v3.ListenersConfigDump\",\n\"static_listeners\":[{\"listener\":{\"name\":\"s\",\n  \"address\":{\"socket_address\":{\"port_value\":true}}}}]}]}";
        let d = doc(text);
        let dump = d.load(ALL).unwrap();
        let entry = &dump.listeners.unwrap().entries[0];
        let err = d.listener(entry).unwrap_err().to_string();
        assert!(err.starts_with("t.json:3:"), "{err}");
        assert!(
            err.contains(
                "configs[0].static_listeners[0].listener.address.socket_address.port_value"
            ),
            "{err}"
        );
    }

    #[test]
    fn not_a_dump() {
        for text in [r#"{"kind":"Pod"}"#, "[1,2]", "\"x\"", "42"] {
            let err = doc(text).load(ALL).unwrap_err();
            assert!(matches!(err, LoadError::NotADump { .. }), "{text}: {err}");
        }
    }
}
