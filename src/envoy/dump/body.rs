//! How the loader keeps each listener ([`ListenerBody`]).

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::listener::Listener;

/// How the loader keeps each listener: its raw JSON (decoded on demand, so a command pays
/// only for the listeners it reads) or the decoded model (for commands that read all).
pub trait ListenerBody<'de>: Deserialize<'de> {
    /// False for an element of a bare array that is not an object (not a listener list).
    fn is_object(&self) -> bool;
}

impl<'de> ListenerBody<'de> for &'de RawValue {
    fn is_object(&self) -> bool {
        self.get().starts_with('{')
    }
}

impl<'de> ListenerBody<'de> for Box<Listener<'de>> {
    fn is_object(&self) -> bool {
        true
    }
}
