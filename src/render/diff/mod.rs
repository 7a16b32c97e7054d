//! `diff` laid out: the report's text, the PeerAuthentication check and the unified diff.

pub mod policy;
pub mod tables;
pub mod text;
pub mod unified;
