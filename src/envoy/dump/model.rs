//! What a loaded dump is: the sections a command asked for, and each listener entry with
//! where it sits in the dump (its state, origin and JSON path for error lines).

use serde_json::value::RawValue;

use super::admin_sections::{BootstrapSection, EndpointsSection, SecretsSection};
use super::routing::{ClustersSection, RoutesSection, RoutingSections};
use crate::envoy::ecds::EcdsFilter;
use crate::envoy::node::Node;
use crate::envoy::proto::Str;

/// Which sections a command wants built; the others are only validated.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sections {
    pub listeners: bool,
    pub ecds: bool,
    pub bootstrap: bool,
}

/// Everything a command wants built: the listener-family sections and the routing ones.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Wanted {
    pub(super) sections: Sections,
    pub(super) routing: RoutingSections,
}

impl From<Sections> for Wanted {
    fn from(sections: Sections) -> Self {
        Wanted {
            sections,
            routing: RoutingSections::default(),
        }
    }
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
    /// The last `ClustersConfigDump` (istioctl reads the last), or `None` without one.
    pub clusters: Option<ClustersSection<'a>>,
    /// The last `RoutesConfigDump` (istioctl reads the last), or `None` without one.
    pub routes: Option<RoutesSection<'a>>,
    /// The last `SecretsConfigDump`, or `None` without one.
    pub secrets: Option<SecretsSection<'a>>,
    /// The last `EndpointsConfigDump`, or `None` without one.
    pub endpoints: Option<EndpointsSection<'a>>,
    /// The last `BootstrapConfigDump` kept whole, or `None` without one.
    pub bootstrap: Option<BootstrapSection<'a>>,
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

impl<'a, L> ListenersSection<'a, L> {
    /// The same section with each listener turned into `M`, in order.
    pub fn map_listeners<M>(self, mut f: impl FnMut(L) -> M) -> ListenersSection<'a, M> {
        ListenersSection {
            version_info: self.version_info,
            entries: self
                .entries
                .into_iter()
                .map(|e| e.map_raw(&mut f))
                .collect(),
            errors: self.errors,
        }
    }

    /// The same section holding `listeners`, one per entry in order, instead.
    pub(super) fn with_listeners<M>(self, listeners: Vec<M>) -> ListenersSection<'a, M> {
        ListenersSection {
            version_info: self.version_info,
            entries: (self.entries.into_iter().zip(listeners))
                .map(|(e, l)| e.map_raw(|_| l))
                .collect(),
            errors: self.errors,
        }
    }
}

/// Where a listener entry sits in the dump. The order is `-o wide`'s among listeners with
/// the same sort keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ListenerState {
    Active,
    Warming,
    Draining,
    /// The last update Envoy refused (`error_state.failed_configuration`). Such an entry is
    /// never in [`ListenersSection::entries`], which holds what Envoy runs or prepares to;
    /// it is [`ListenerErrorState::failed_configuration`].
    Error,
}

impl ListenerState {
    /// Lower-case name, as `-o wide` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            ListenerState::Active => "active",
            ListenerState::Warming => "warming",
            ListenerState::Draining => "draining",
            ListenerState::Error => "error",
        }
    }

    fn field(self) -> &'static str {
        match self {
            ListenerState::Active => "active_state",
            ListenerState::Warming => "warming_state",
            ListenerState::Draining => "draining_state",
            ListenerState::Error => "error_state",
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
    pub(super) section_index: usize,
    pub(super) index: usize,
}

impl<'a, L> ListenerEntry<'a, L> {
    fn map_raw<M>(self, f: impl FnOnce(L) -> M) -> ListenerEntry<'a, M> {
        ListenerEntry {
            raw: f(self.raw),
            origin: self.origin,
            state: self.state,
            version_info: self.version_info,
            last_updated: self.last_updated,
            section_index: self.section_index,
            index: self.index,
        }
    }

    /// A JSON path to this listener, for error messages.
    pub fn json_path(&self) -> String {
        match self.origin {
            ListenerOrigin::Bare => format!("[{}]", self.index),
            ListenerOrigin::Static => format!(
                "configs[{}].static_listeners[{}].listener",
                self.section_index, self.index
            ),
            ListenerOrigin::Dynamic if self.state == ListenerState::Error => format!(
                "{}.failed_configuration",
                error_state_path(self.section_index, self.index)
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

fn error_state_path(section_index: usize, index: usize) -> String {
    format!(
        "configs[{section_index}].dynamic_listeners[{index}].{}",
        ListenerState::Error.field()
    )
}

/// `DynamicListener.error_state` (envoy/admin/v3/config_dump_shared.proto
/// `UpdateFailureState`): the last update of a listener that Envoy refused. Envoy keeps it
/// until an update of that listener succeeds; meanwhile the listener's active state, if it
/// has one, is what runs (DOMAIN.md §1.2, §3.2).
#[derive(Debug, Clone)]
pub struct ListenerErrorState<'a> {
    /// The dynamic listener's name; empty for the errors Envoy dumps without one.
    pub name: Str<'a>,
    /// Envoy's reason, verbatim.
    pub details: Str<'a>,
    /// When Envoy last tried the update (RFC 3339); empty when the dump does not say.
    pub last_update_attempt: Str<'a>,
    /// The refused listener as an entry in state [`ListenerState::Error`], decoded like any
    /// other; `None` when the dump leaves it out (Envoy builds without full protos do).
    pub failed_configuration: Option<ListenerEntry<'a>>,
    /// Whether the same dynamic listener has an active state: the version that runs.
    pub has_active_state: bool,
    pub(super) section_index: usize,
    pub(super) index: usize,
}

impl ListenerErrorState<'_> {
    /// A JSON path to the `error_state` object, for messages that point at it.
    pub fn json_path(&self) -> String {
        error_state_path(self.section_index, self.index)
    }

    /// The listener's name: the dynamic listener's, else the one in the refused
    /// configuration (read without decoding the rest), else empty.
    pub fn listener_name(&self) -> String {
        #[derive(serde::Deserialize)]
        struct Name<'n> {
            #[serde(borrow, default)]
            name: Str<'n>,
        }
        if !self.name.is_empty() {
            return self.name.to_string();
        }
        self.failed_configuration
            .as_ref()
            .and_then(|e| serde_json::from_str::<Name<'_>>(e.raw.get()).ok())
            .map_or_else(String::new, |n| n.name.to_string())
    }
}
