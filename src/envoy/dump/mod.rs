//! Loads an Envoy `/config_dump` (or a bare listener array) in one pass over the text.
//!
//! The text is never turned into a `serde_json::Value`: sections a command does not need
//! are skipped (still validated, so bad JSON anywhere is reported), and each listener is
//! kept as a borrowed `RawValue` until a command decodes it (or decoded in the same pass,
//! [`Document::load_decoded`]).
//!
//! # Invariants
//!
//! The reference is the one-pass parse: the text checked to be UTF-8, then parsed once
//! with every skipped value read as `IgnoredAny` ([`Document::load`]); on any failure
//! `diagnose.rs` reports it (binary data first, then the JSON error with its line, column
//! and JSON path). Its results and its errors are what every command prints. Each fast
//! path must give exactly what the reference gives, or give up so that the reference
//! runs; these tests prove it:
//!
//! - Sections parsed apart on every core (`split.rs`): `tests/apart.rs`
//!   (`apart_is_the_one_pass_or_nothing`, a property test, and the shapes it refuses),
//!   `tests/cli/big_dump.rs` (`split_and_one_pass_loads_print_the_same`,
//!   `of_two_broken_listeners_decoded_on_every_core_the_first_is_reported`).
//! - Listeners decoded in the pass (`load_decoded`): `tests/mod.rs`
//!   (`decoded_in_the_pass_as_decoded_afterwards`,
//!   `what_the_fast_path_refuses_the_reference_parse_decides`); `wasm count`'s reduced
//!   decode (`src/analysis/wasm/placement/reduced.rs`, its network filters read by the
//!   same [`crate::envoy::filter::FilterFields`] as the full decoder):
//!   `direct_decode_equals_reducing_the_listener` there and `tests/cli/real_dumps.rs`
//!   (`wasm_count_reduced_decode_agrees_on_real_dumps`).
//!
//! `plain_paths.rs` turns the fast paths off for measuring them (`bench/fast_paths.sh`,
//! BENCHMARKS.md). A UTF-8 check fused into the parse was measured the same way and
//! bought nothing, so the text is checked up front.
//!
//! The files: `model.rs` the loaded dump's types, `body.rs` how listeners are kept,
//! `seeds.rs` the top of the document, `sections.rs` one config section, `routing.rs` the
//! clusters and routes sections (built only when asked for with [`RoutingSections`]; the
//! property test parses them apart too), `decode.rs`
//! sections and listeners into the model, `diagnose.rs` the reference parse's error
//! reports.

mod admin_sections;
mod body;
mod decode;
mod diagnose;
mod model;
pub(crate) mod plain_paths;
mod routing;
mod section_reduce;
mod sections;
mod seeds;
mod split;

use std::marker::PhantomData;

use serde::de::DeserializeSeed;

pub use admin_sections::{
    BootstrapSection, EndpointConfigEntry, EndpointsSection, SecretEntry, SecretsSection,
};
pub use body::ListenerBody;
pub use model::{
    Dump, DumpShape, ListenerEntry, ListenerErrorState, ListenerOrigin, ListenerState,
    ListenersSection, Sections,
};
pub use routing::{
    ClusterEntry, ClustersSection, RouteConfigEntry, RoutesSection, RoutingSections,
};
pub use section_reduce::{ENDPOINT_CONFIGS, ROUTE_CONFIGS, reduce_listed};
pub use sections::{
    BOOTSTRAP_TYPE, CLUSTERS_TYPE, ECDS_TYPE, ENDPOINTS_TYPE, LISTENERS_TYPE, ROUTES_TYPE,
    SECRETS_TYPE,
};

use crate::envoy::dump::model::Wanted;

use crate::envoy::dump::plain_paths::FastPath;
use crate::envoy::dump::sections::{Section, SectionSeed};
use crate::envoy::dump::seeds::{Top, TopSeed};
use crate::envoy::listener::Listener;
use crate::envoy::load_error::LoadError;
use crate::envoy::proto::Str;
use crate::util::parallel;

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
    /// Where to hand back the memory of a part of `text` no longer needed (a section the
    /// command does not read, once parsed); `None` when the text is not a file mapping.
    pub release: Option<PageRelease<'a>>,
    /// A reader of whole sections the command reads itself in the parse of a big dump (so
    /// that a section it reduces is scanned once, not kept raw and decoded again).
    pub hook: Option<SectionHook<'a>>,
}

/// What a [`SectionHook`] did with a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hooked {
    /// Not a section it reads: the loader parses it as usual.
    NotMine,
    /// Read; the loader keeps nothing of it.
    Read,
    /// It did not read: the loader parses the whole document in one pass instead (which
    /// keeps the section raw, as without a hook), so errors are reported as always.
    Failed,
}

/// Called with each section's index among the sections and its text, on the core parsing
/// it, when a big dump is parsed apart ([`Hooked`] says what became of it). Never called on
/// the one-pass parse.
#[derive(Clone, Copy)]
pub struct SectionHook<'a> {
    pub read: &'a (dyn Fn(usize, &str) -> Hooked + Sync),
    /// The `@type` of the section it reads, which is parsed first: reading costs more than
    /// checking, so the other core checks the rest meanwhile.
    pub type_url: &'a str,
}

impl std::fmt::Debug for SectionHook<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SectionHook")
    }
}

/// Gives the pages of a part of the text back to the system (a mapped file's part is read
/// again from the page cache if touched later, so nothing is lost but time).
#[derive(Clone, Copy)]
pub struct PageRelease<'a>(pub &'a (dyn Fn(&[u8]) + Sync));

impl std::fmt::Debug for PageRelease<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageRelease")
    }
}

impl<'a> Document<'a> {
    /// A JSON document read from `label`, with nothing before `text`.
    pub fn new(label: &'a str, text: &'a [u8]) -> Self {
        Document {
            label,
            text,
            from_yaml: false,
            skipped: 0,
            release: None,
            hook: None,
        }
    }

    /// Parses the document, building only `sections`; listeners are kept raw.
    pub fn load(&self, sections: Sections) -> Result<Dump<'a>, LoadError> {
        self.load_wanted(sections.into())
    }

    /// Like [`Document::load`], building the clusters and routes sections `routing` names
    /// too (each cluster and route configuration kept raw).
    pub fn load_with_routing(
        &self,
        sections: Sections,
        routing: RoutingSections,
    ) -> Result<Dump<'a>, LoadError> {
        self.load_wanted(Wanted { sections, routing })
    }

    fn load_wanted(&self, sections: Wanted) -> Result<Dump<'a>, LoadError> {
        let top = match self.parse_fast(sections) {
            Some(top) => top,
            // The parse failed: the reference parse says how, exactly as it always has.
            None => self.reference_parse(sections)?,
        };
        self.build(top)
    }

    /// Like [`Document::load`], but every listener is decoded in the same pass over the
    /// text, for commands that read them all: a second parse of each listener's text would
    /// add much to the load of a big dump (BENCHMARKS.md). Any failure is reported as
    /// `load` and then [`Document::listener`] on each entry in order would report it.
    /// `L` is what each listener is decoded into (a `Listener`, or a reduction of it).
    pub fn load_decoded<L: ListenerBody<'a> + From<Listener<'a>> + Send>(
        &self,
        sections: Sections,
    ) -> Result<Dump<'a, L>, LoadError> {
        if let Some(top) = self.parse_fast(sections.into()) {
            return self.build(top);
        }
        let dump = self.load(sections)?;
        let listeners = match dump.listeners {
            None => None,
            Some(section) => {
                let decoded = self
                    .decode_listeners_on_every_core(&section.entries, |e| e, |_, l| L::from(l))
                    .into_iter()
                    .collect::<Result<Vec<L>, LoadError>>()?;
                Some(section.with_listeners(decoded))
            }
        };
        Ok(Dump {
            shape: dump.shape,
            listeners,
            ecds: dump.ecds,
            node: dump.node,
            clusters: dump.clusters,
            routes: dump.routes,
            secrets: dump.secrets,
            endpoints: dump.endpoints,
            bootstrap: dump.bootstrap,
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
                clusters: None,
                routes: None,
                secrets: None,
                endpoints: None,
                bootstrap: None,
            }),
            Top::Configs(sections) => self.assemble(sections),
        }
    }

    /// The parse, its sections apart on several cores when the dump is big and has the
    /// plain shape; `None` on any failure, which the reference parse then reports.
    fn parse_fast<L: ListenerBody<'a> + Send>(&self, sections: Wanted) -> Option<Top<'a, L>> {
        // A section that does not parse may be a wrong guess at the split (a nested
        // object that looks like a section); the one pass decides.
        if self.text.len() >= SPLIT_AT_LEAST
            && parallel::cores() > 1
            && FastPath::Split.on()
            && let Some(top) = self.parse_apart(sections, parallel::cores())
        {
            return Some(top);
        }
        std::str::from_utf8(self.text).ok()?;
        self.parse(sections).ok()
    }

    /// Parses the sections of a dump on every core, each thread taking the next section
    /// when done with one; `threads` search for the sections. `None` when the dump does
    /// not split (see [`split`]) or a section does not parse.
    fn parse_apart<L: ListenerBody<'a> + Send>(
        &self,
        sections: Wanted,
        threads: usize,
    ) -> Option<Top<'a, L>> {
        let ranges = split::split(self.text, threads)?;
        let mut order: Vec<usize> = (0..ranges.len()).collect();
        // The hook's section first, then the biggest, so that no big section is left to one
        // thread at the end.
        let hooked = |i: usize| {
            self.hook.is_some_and(|h| {
                section_reduce::opens_as(&self.text[ranges[i].clone()], h.type_url)
            })
        };
        order.sort_by_key(|&i| std::cmp::Reverse((hooked(i), ranges[i].len())));
        let parsed = parallel::map_in_order(&order, 1, |&i| {
            let slice = &self.text[ranges[i].clone()];
            let hooked = match self.hook {
                Some(hook) if section_reduce::opens_as(slice, hook.type_url) => {
                    match std::str::from_utf8(slice) {
                        Ok(text) => (hook.read)(i, text),
                        Err(_) => Hooked::Failed,
                    }
                }
                _ => Hooked::NotMine,
            };
            let section = match hooked {
                Hooked::NotMine => self.parse_section::<L>(sections, slice),
                Hooked::Read => Some(Section::Other),
                Hooked::Failed => None,
            };
            // A section parsed only to be checked borrows nothing: its pages can go, which
            // keeps the peak memory of a command near the part of the dump it reads.
            if let (Some(Section::Other), Some(release)) = (&section, self.release) {
                (release.0)(slice);
            }
            section
        });
        let mut slots: Vec<Option<Section<'a, L>>> = (0..ranges.len()).map(|_| None).collect();
        for (&i, section) in order.iter().zip(parsed) {
            slots[i] = Some(section?);
        }
        let all = slots.into_iter().collect::<Option<Vec<_>>>()?;
        Some(Top::Configs(all))
    }

    /// One section, parsed from its own slice of the text, which must be UTF-8.
    fn parse_section<L: ListenerBody<'a>>(
        &self,
        sections: Wanted,
        slice: &'a [u8],
    ) -> Option<Section<'a, L>> {
        // Checked once here; the `str` reader then trusts it instead of checking each
        // string and each raw value kept again.
        std::str::from_utf8(slice).ok()?;
        let mut de = serde_json::Deserializer::from_slice(slice);
        let section = SectionSeed {
            sections,
            body: PhantomData::<L>,
        }
        .deserialize(&mut de)
        .ok()?;
        de.end().ok().map(|()| section)
    }

    /// One parse of the whole text; skipped values are read as `IgnoredAny`.
    fn parse<L: ListenerBody<'a>>(
        &self,
        sections: Wanted,
    ) -> Result<Top<'a, L>, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_slice(self.text);
        let top = TopSeed::new(sections).deserialize(&mut de)?;
        de.end()?;
        Ok(top)
    }
}

/// Dumps smaller than this are parsed in one pass: threads would cost about as much as
/// they save, and small inputs stay on one thread.
const SPLIT_AT_LEAST: usize = 4 << 20;

#[cfg(test)]
mod tests;
