//! Loads an Envoy `/config_dump` (or a bare listener array) in one pass over the text.
//!
//! The text is never turned into a `serde_json::Value`: sections a command does not need
//! are skipped (still validated, so bad JSON anywhere is reported), and each listener is
//! kept as a borrowed `RawValue` until a command decodes it.
//!
//! The text is parsed as bytes, checked to be UTF-8 along the way (`TextCheck`). Any
//! failure is diagnosed by a second, reference parse that reads the text exactly as the
//! loader always has (text check first, then skipping with `IgnoredAny`), so error
//! messages do not depend on the fast path, and inputs it is stricter on still load.

mod split;
pub(crate) mod text_check;

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::envoy::dump::text_check::{TextCheck, binary_offset};
use crate::envoy::ecds::{EcdsFilter, EcdsFilterFields, TypeUrl};
use crate::envoy::listener::Listener;
use crate::envoy::load_error::{self, LoadError, Location};
use crate::envoy::node::{Bootstrap, Node};
use crate::envoy::proto::{BorrowedStr, Str};
use crate::util::parallel;

const LISTENERS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.ListenersConfigDump";
const ECDS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.EcdsConfigDump";
const BOOTSTRAP_TYPE: &str = "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump";

/// The text of one input, and where it came from (for error lines).
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The path (or `-`, or the URL) shown in errors.
    pub label: &'a str,
    /// JSON text. For YAML inputs this is the YAML transcoded to JSON. It is not known to
    /// be UTF-8 until [`Document::load`] has read it, which reports binary data.
    pub text: &'a [u8],
    /// True when `text` was transcoded from YAML, so JSON positions mean nothing to the user.
    pub from_yaml: bool,
    /// Bytes of the input before `text` (a byte-order mark), counted in binary-data offsets.
    pub skipped: usize,
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

/// A loaded dump: the requested sections, borrowing from the document text. Each listener
/// is kept as `L`: its raw JSON by default, or decoded ([`Document::load_decoded`]).
#[derive(Debug)]
pub struct Dump<'a, L = &'a RawValue> {
    pub shape: DumpShape,
    /// The last `ListenersConfigDump` (istioctl reads the last), or `None` without one.
    pub listeners: Option<ListenersSection<'a, L>>,
    /// Every `EcdsConfigDump` concatenated in dump order, or `None` without one.
    pub ecds: Option<Vec<EcdsFilter<'a>>>,
    /// The bootstrap's node, when the dump has a bootstrap section.
    pub node: Option<Node<'a>>,
}

/// The listeners of a dump, one entry per listener state.
#[derive(Debug)]
pub struct ListenersSection<'a, L = &'a RawValue> {
    pub version_info: Str<'a>,
    /// Dynamic listeners (every state they have) in dump order, then static listeners.
    pub entries: Vec<ListenerEntry<'a, L>>,
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

/// One listener in one state.
#[derive(Debug, Clone)]
pub struct ListenerEntry<'a, L = &'a RawValue> {
    pub origin: ListenerOrigin,
    pub state: ListenerState,
    pub version_info: Str<'a>,
    pub last_updated: Str<'a>,
    /// The listener object as the dump holds it (printed by `-o json|yaml`), or decoded.
    pub raw: L,
    /// Index in `configs`, and in its listener list, for error paths.
    section_index: usize,
    index: usize,
}

impl<L> ListenerEntry<'_, L> {
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
    /// A JSON document read from `label`, with nothing before `text`.
    pub fn new(label: &'a str, text: &'a [u8]) -> Self {
        Document {
            label,
            text,
            from_yaml: false,
            skipped: 0,
        }
    }

    /// Parses the document, building only `sections`; listeners are kept raw.
    pub fn load(&self, sections: Sections) -> Result<Dump<'a>, LoadError> {
        let top = match self.parse_fast(sections) {
            Some(top) => top,
            // The fast path found a problem: the reference parse says which, exactly as
            // it always has (or loads an input the fast path was stricter on).
            None => self.reference_parse(sections)?,
        };
        self.build(top)
    }

    /// Like [`Document::load`], but every listener is decoded in the same pass over the
    /// text, for commands that read them all: a second parse of each listener's text would
    /// cost a third of the load on a big dump. Any failure is reported as `load` and then
    /// [`Document::listener`] on each entry in order would report it.
    /// `L` is what each listener is decoded into (a `Listener`, or a reduction of it).
    pub fn load_decoded<L: ListenerBody<'a> + From<Listener<'a>> + Send>(
        &self,
        sections: Sections,
    ) -> Result<Dump<'a, L>, LoadError> {
        if let Some(top) = self.parse_fast(sections) {
            return self.build(top);
        }
        let dump = self.load(sections)?;
        let listeners = match dump.listeners {
            None => None,
            Some(section) => Some(ListenersSection {
                version_info: section.version_info,
                entries: section
                    .entries
                    .into_iter()
                    .map(|e| {
                        Ok(ListenerEntry {
                            raw: L::from(self.listener(&e)?),
                            origin: e.origin,
                            state: e.state,
                            version_info: e.version_info,
                            last_updated: e.last_updated,
                            section_index: e.section_index,
                            index: e.index,
                        })
                    })
                    .collect::<Result<_, LoadError>>()?,
                errors: section.errors,
            }),
        };
        Ok(Dump {
            shape: dump.shape,
            listeners,
            ecds: dump.ecds,
            node: dump.node,
        })
    }

    fn build<L>(&self, top: Top<'a, L>) -> Result<Dump<'a, L>, LoadError> {
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
                    version_info: Str::default(),
                    errors: Vec::new(),
                }),
                ecds: None,
                node: None,
            }),
            Top::Configs(sections) => self.assemble(sections),
        }
    }

    /// The parse with the UTF-8 check fused in, its sections apart on several cores when
    /// the dump is big and has the plain shape; `None` on any failure.
    fn parse_fast<L: ListenerBody<'a> + Send>(&self, sections: Sections) -> Option<Top<'a, L>> {
        // A section that does not parse may be a wrong guess at the split (a nested
        // object that looks like a section); the one pass decides.
        if self.text.len() >= SPLIT_AT_LEAST
            && parallel::cores() > 1
            && let Some(top) = self.parse_apart(sections, parallel::cores())
        {
            return Some(top);
        }
        let check = TextCheck::new(self.text);
        match self.parse(sections, Some(&check)) {
            Ok(top) if check.finish() => Some(top),
            _ => None,
        }
    }

    /// Parses the sections of a dump on every core, each thread taking the next section
    /// when done with one; `threads` search for the sections. `None` when the dump does
    /// not split (see [`split`]) or a section does not parse.
    fn parse_apart<L: ListenerBody<'a> + Send>(
        &self,
        sections: Sections,
        threads: usize,
    ) -> Option<Top<'a, L>> {
        let ranges = split::split(self.text, threads)?;
        let mut order: Vec<usize> = (0..ranges.len()).collect();
        // Biggest first, so that no big section is left to one thread at the end.
        order.sort_by_key(|&i| std::cmp::Reverse(ranges[i].len()));
        let parsed = parallel::map_in_order(&order, 1, |&i| {
            self.parse_section::<L>(sections, &self.text[ranges[i].clone()])
        });
        let mut slots: Vec<Option<Section<'a, L>>> = (0..ranges.len()).map(|_| None).collect();
        for (&i, section) in order.iter().zip(parsed) {
            slots[i] = Some(section?);
        }
        let all = slots.into_iter().collect::<Option<Vec<_>>>()?;
        Some(Top::Configs(all))
    }

    /// One section, parsed from its own slice of the text, with its own UTF-8 check.
    fn parse_section<L: ListenerBody<'a>>(
        &self,
        sections: Sections,
        slice: &'a [u8],
    ) -> Option<Section<'a, L>> {
        let check = TextCheck::new(slice);
        let mut de = serde_json::Deserializer::from_slice(slice);
        let section = SectionSeed {
            sections,
            check: Some(&check),
            body: PhantomData::<L>,
        }
        .deserialize(&mut de)
        .ok()?;
        de.end().ok()?;
        check.finish().then_some(section)
    }

    /// One parse of the whole text. With `check`, skipped values are walked so that the
    /// check can follow the parser; without it they are skipped as `IgnoredAny`.
    fn parse<L: ListenerBody<'a>>(
        &self,
        sections: Sections,
        check: Option<&TextCheck<'_>>,
    ) -> Result<Top<'a, L>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(self.text);
        let top = TopSeed::new(sections, check).deserialize(&mut de)?;
        de.end()?;
        Ok(top)
    }

    /// The loader as it was before the fast path: binary data first, then the parse.
    fn reference_parse(&self, sections: Sections) -> Result<Top<'a, &'a RawValue>, LoadError> {
        if let Some(at) = binary_offset(self.text) {
            return Err(LoadError::Binary(self.label.to_string(), at + self.skipped));
        }
        self.parse(sections, None)
            .map_err(|e| self.top_level_error(sections, e))
    }

    fn assemble<L>(&self, parsed: Vec<Section<'a, L>>) -> Result<Dump<'a, L>, LoadError> {
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

    fn location(&self, offset: Option<usize>) -> Location {
        Location {
            path: self.label.to_string(),
            position: offset
                .filter(|_| !self.from_yaml)
                .map(|o| load_error::position_of(&String::from_utf8_lossy(self.text), o)),
        }
    }

    /// Only called after the text check passed, so the text is UTF-8.
    fn top_level_error(&self, sections: Sections, e: serde_json::Error) -> LoadError {
        let offset =
            load_error::offset_of(&String::from_utf8_lossy(self.text), e.line(), e.column());
        let message = load_error::strip_serde_position(&e.to_string());
        match e.classify() {
            serde_json::error::Category::Data => {
                // Only now pay for path tracking: rerun the same parse to learn the field.
                let mut de = serde_json::Deserializer::from_slice(self.text);
                let mut track = serde_path_to_error::Track::new();
                let tracked = serde_path_to_error::Deserializer::new(&mut de, &mut track);
                let seed = TopSeed::<&RawValue>::new(sections, None);
                let field = match seed.deserialize(tracked) {
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

/// Dumps smaller than this are parsed in one pass: threads would cost about as much as
/// they save, and small inputs stay on one thread.
const SPLIT_AT_LEAST: usize = 4 << 20;

enum Top<'a, L> {
    Configs(Vec<Section<'a, L>>),
    Listeners(Vec<L>),
    NotADump(String),
}

/// How the loader keeps each listener: its raw JSON (decoded on demand, so a command pays
/// only for the listeners it reads) or the decoded model (for commands that read all).
pub trait ListenerBody<'de>: Deserialize<'de> {
    /// A slice of the text in it, which tells the text check where the parser is.
    fn landmark(&self) -> Option<&str>;
    /// False for an element of a bare array that is not an object (not a listener list).
    fn is_object(&self) -> bool;
}

impl<'de> ListenerBody<'de> for &'de RawValue {
    fn landmark(&self) -> Option<&str> {
        Some(self.get())
    }
    fn is_object(&self) -> bool {
        self.get().starts_with('{')
    }
}

impl<'de> ListenerBody<'de> for Box<Listener<'de>> {
    fn landmark(&self) -> Option<&str> {
        match &self.name {
            std::borrow::Cow::Borrowed(name) => Some(name),
            std::borrow::Cow::Owned(_) => None,
        }
    }
    fn is_object(&self) -> bool {
        true
    }
}

/// Tells the text check where the parser is; a no-op on the reference parse.
fn passed(check: Option<&TextCheck<'_>>, seen: &str) {
    if let Some(c) = check {
        c.passed(seen);
    }
}

/// Skips a value. On the fast path (`check` set) the elements of an array and the entries
/// of an object are taken as raw values, which serde_json checks to be UTF-8 while they
/// are still in the cache, and which tell the text check how far the parser got.
struct Skip<'c> {
    check: Option<&'c TextCheck<'c>>,
}

impl<'de> DeserializeSeed<'de> for Skip<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.check {
            None => IgnoredAny::deserialize(d).map(|_| ()),
            Some(_) => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Skip<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            passed(self.check, raw.get());
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<BorrowedStr<'de>>()? {
            passed(self.check, &key.0);
            let raw = map.next_value::<&'de RawValue>()?;
            passed(self.check, raw.get());
        }
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        passed(self.check, v);
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct TopSeed<'c, L> {
    sections: Sections,
    check: Option<&'c TextCheck<'c>>,
    body: PhantomData<L>,
}

impl<'c, L> TopSeed<'c, L> {
    fn new(sections: Sections, check: Option<&'c TextCheck<'c>>) -> Self {
        TopSeed {
            sections,
            check,
            body: PhantomData,
        }
    }
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for TopSeed<'_, L> {
    type Value = Top<'de, L>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, L: ListenerBody<'de>> Visitor<'de> for TopSeed<'_, L> {
    type Value = Top<'de, L>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an Envoy config dump object or an array of listeners")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut configs = None;
        while let Some(key) = map.next_key::<BorrowedStr<'de>>()? {
            passed(self.check, &key.0);
            if key.0 == "configs" {
                configs = Some(map.next_value_seed(ConfigsSeed {
                    sections: self.sections,
                    check: self.check,
                    body: PhantomData::<L>,
                })?);
            } else {
                map.next_value_seed(Skip { check: self.check })?;
            }
        }
        Ok(match configs {
            Some(c) => Top::Configs(c),
            None => Top::NotADump("an object without \"configs\"".into()),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        let mut not_object = None;
        while let Some(listener) = seq.next_element::<L>()? {
            if let Some(seen) = listener.landmark() {
                passed(self.check, seen);
            }
            if not_object.is_none() && !listener.is_object() {
                not_object = Some(out.len());
            }
            out.push(listener);
        }
        Ok(match not_object {
            Some(i) => Top::NotADump(format!("an array whose element {i} is not an object")),
            None => Top::Listeners(out),
        })
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a string".into()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a boolean".into()))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a number".into()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a number".into()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a number".into()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Top::NotADump("null".into()))
    }
}

struct ConfigsSeed<'c, L> {
    sections: Sections,
    check: Option<&'c TextCheck<'c>>,
    body: PhantomData<L>,
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for ConfigsSeed<'_, L> {
    type Value = Vec<Section<'de, L>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, L: ListenerBody<'de>> Visitor<'de> for ConfigsSeed<'_, L> {
    type Value = Vec<Section<'de, L>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of config sections")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(section) = seq.next_element_seed(SectionSeed {
            sections: self.sections,
            check: self.check,
            body: PhantomData::<L>,
        })? {
            out.push(section);
        }
        Ok(out)
    }
}

enum Section<'a, L> {
    Listeners(ListenersAcc<'a, L>),
    Ecds(Vec<&'a RawValue>),
    Bootstrap(Option<Node<'a>>),
    Other,
}

struct ListenersAcc<'a, L> {
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
    fn into_section(self, section_index: usize) -> ListenersSection<'a, L> {
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
}

/// A list element that holds slices of the text, which tell the check where the parser is.
trait Landmarks {
    /// Tells `check` about the element's slices, in the order Envoy writes them.
    fn report(&self, check: &TextCheck<'_>);
}

fn report_str(check: &TextCheck<'_>, s: &Str<'_>) {
    if let std::borrow::Cow::Borrowed(b) = s {
        check.passed(b);
    }
}

impl Landmarks for &RawValue {
    fn report(&self, check: &TextCheck<'_>) {
        check.passed(self.get());
    }
}

impl<'de, L: ListenerBody<'de>> Landmarks for StaticListener<'_, L> {
    fn report(&self, check: &TextCheck<'_>) {
        if let Some(seen) = self.listener.as_ref().and_then(L::landmark) {
            check.passed(seen);
        }
    }
}

impl<'de, L: ListenerBody<'de>> Landmarks for DynamicListener<'_, L> {
    fn report(&self, check: &TextCheck<'_>) {
        report_str(check, &self.name);
        for state in [
            &self.active_state,
            &self.warming_state,
            &self.draining_state,
        ] {
            if let Some(seen) = state
                .as_ref()
                .and_then(|s| s.listener.as_ref())
                .and_then(L::landmark)
            {
                check.passed(seen);
            }
        }
    }
}

/// A list whose elements report their slices to the check as soon as each is read.
struct ListSeed<'c, T> {
    check: Option<&'c TextCheck<'c>>,
    element: std::marker::PhantomData<T>,
}

impl<'c, T> ListSeed<'c, T> {
    fn new(check: Option<&'c TextCheck<'c>>) -> Self {
        ListSeed {
            check,
            element: std::marker::PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de> + Landmarks> DeserializeSeed<'de> for ListSeed<'_, T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
        match self.check {
            None => Vec::deserialize(d),
            Some(_) => d.deserialize_seq(self),
        }
    }
}

impl<'de, T: Deserialize<'de> + Landmarks> Visitor<'de> for ListSeed<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(element) = seq.next_element::<T>()? {
            if let Some(check) = self.check {
                element.report(check);
            }
            out.push(element);
        }
        Ok(out)
    }
}

struct SectionSeed<'c, L> {
    sections: Sections,
    check: Option<&'c TextCheck<'c>>,
    body: PhantomData<L>,
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for SectionSeed<'_, L> {
    type Value = Section<'de, L>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<L> SectionSeed<'_, L> {
    fn start<'de>(&self, type_url: &str) -> Section<'de, L> {
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

    fn wants(&self, section: &Section<'_, L>) -> bool {
        match section {
            Section::Listeners(_) => self.sections.listeners,
            Section::Ecds(_) => self.sections.ecds,
            Section::Bootstrap(_) => self.sections.bootstrap,
            Section::Other => false,
        }
    }
}

/// Reads one field of a section into its accumulator (or skips it).
struct FieldSeed<'s, 'de, L> {
    key: &'s str,
    section: &'s mut Section<'de, L>,
    build: bool,
    check: Option<&'s TextCheck<'s>>,
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for FieldSeed<'_, 'de, L> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        let check = self.check;
        if !self.build {
            return Skip { check }.deserialize(d);
        }
        match (self.section, self.key) {
            (Section::Listeners(acc), "version_info" | "versionInfo") => {
                acc.version_info = BorrowedStr::deserialize(d)?.0;
            }
            (Section::Listeners(acc), "static_listeners" | "staticListeners") => {
                acc.statics = ListSeed::new(check).deserialize(d)?;
            }
            (Section::Listeners(acc), "dynamic_listeners" | "dynamicListeners") => {
                acc.dynamics = ListSeed::new(check).deserialize(d)?;
            }
            (Section::Ecds(raws), "ecds_filters" | "ecdsFilters") => {
                *raws = ListSeed::new(check).deserialize(d)?;
            }
            (Section::Bootstrap(node), "bootstrap") => {
                *node = Bootstrap::deserialize(d)?.node;
            }
            _ => Skip { check }.deserialize(d)?,
        }
        Ok(())
    }
}

impl<'de, L: ListenerBody<'de>> Visitor<'de> for SectionSeed<'_, L> {
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
            passed(self.check, &key);
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
                        check: self.check,
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
                        check: self.check,
                    })?;
                }
                None => {
                    let raw: &'de RawValue = map.next_value()?;
                    passed(self.check, raw.get());
                    early.push((key, raw));
                }
            }
        }
        Ok(section.unwrap_or(Section::Other))
    }
}

#[cfg(test)]
mod apart_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document<'_> {
        Document::new("t.json", text.as_bytes())
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
    fn decoded_in_the_pass_as_decoded_afterwards() {
        let text = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
           "dynamic_listeners":[{"name":"a","active_state":{"listener":{"name":"a",
             "address":{"socket_address":{"port_value":80}}}}}],
           "static_listeners":[{"listener":{"name":"s"}}]}]}"#;
        let d = doc(text);
        let decoded = d.load_decoded::<Box<Listener>>(ALL).unwrap();
        let raw = d.load(ALL).unwrap();
        let names = |it: Vec<String>| it.join(",");
        assert_eq!(
            names(
                decoded
                    .listeners
                    .unwrap()
                    .entries
                    .iter()
                    .map(|e| e.raw.name.to_string())
                    .collect()
            ),
            names(
                raw.listeners
                    .unwrap()
                    .entries
                    .iter()
                    .map(|e| d.listener(e).unwrap().name.to_string())
                    .collect()
            ),
        );
    }

    #[test]
    fn what_the_fast_path_refuses_the_reference_parse_decides() {
        // A float too big for f64 in a skipped section: valid JSON, and it loads.
        let text = r#"{"configs":[{"@type":"x.ClustersConfigDump","n":1e400}],"other":[1e400]}"#;
        assert!(doc(text).load(ALL).is_ok());
        assert!(doc(text).load_decoded::<Box<Listener>>(ALL).is_ok());
        // A wrong type inside a listener decoded in the pass: reported as the lazy decode does.
        let text = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
           "static_listeners":[{"listener":{"name":"s","address":{"socket_address":{"port_value":true}}}}]}]}"#;
        let d = doc(text);
        let lazy = d.listener(&d.load(ALL).unwrap().listeners.unwrap().entries[0]);
        let fused = d.load_decoded::<Box<Listener>>(ALL).unwrap_err();
        assert_eq!(fused.to_string(), lazy.unwrap_err().to_string());
    }

    #[test]
    fn binary_data_in_a_skipped_string_is_still_refused() {
        let mut text = br#"{"configs":[{"@type":"x.ClustersConfigDump","a":["ok",""#.to_vec();
        let at = text.len();
        text.extend_from_slice(b"\xff\"]}]}");
        let d = Document::new("t.json", &text);
        let err = d.load(Sections::default()).unwrap_err().to_string();
        assert_eq!(
            err,
            format!("t.json: not a text file (binary data at byte {at})")
        );
        // Counted from the start of the file when a byte-order mark came before the text.
        let d = Document { skipped: 3, ..d };
        let err = d.load(Sections::default()).unwrap_err().to_string();
        assert!(err.ends_with(&format!("at byte {})", at + 3)), "{err}");
    }

    #[test]
    fn not_a_dump() {
        for text in [r#"{"kind":"Pod"}"#, "[1,2]", "\"x\"", "42"] {
            let err = doc(text).load(ALL).unwrap_err();
            assert!(matches!(err, LoadError::NotADump { .. }), "{text}: {err}");
        }
    }
}
