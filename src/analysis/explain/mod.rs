//! `meshscope explain` as data: for each chain of a listener, what it takes, which listener
//! filters it depends on, its filter pipeline with Wasm filters classified, and where it ends
//! (DOMAIN.md §2, §5, §6.2); and, for one connection, which chain Envoy selects and why the
//! others lose (chain_select for `filter_chain_match`, matcher_eval for matcher trees).
//! Pure: the wording lives in `render/explain/`.

pub mod chain_select;
pub mod explanation;
pub mod hbone;
pub mod inspector;
pub mod matcher_eval;
pub mod owned_match;
pub mod refusal;
pub mod request;
pub mod simulation;
pub mod upstream;
pub mod warnings;
pub mod way;

pub use crate::analysis::explain::explanation::{
    ChainInfo, RouteInfo, Stage, TlsHandling, TrafficKind, explain_listener,
};
pub use crate::analysis::explain::inspector::{Inspector, InspectorState, inspector_state};
pub use crate::analysis::explain::simulation::{
    Assumption, Derivation, ExplainedListener, Simulation, Unseen, is_same_ip_or_loopback, simulate,
};
pub use crate::analysis::explain::warnings::{Warning, listener_warnings};
pub use crate::analysis::explain::way::{
    Direction, DirectionSource, HboneGap, HboneNote, HopKind, HopReport, WayReport, way,
};

#[cfg(test)]
use crate::envoy::Listener;

#[cfg(test)]
mod tests;
