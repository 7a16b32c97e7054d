//! Pure functions from the model to typed results; no I/O and no formatting.
//!
//! One folder per feature; each folder's `mod.rs` says what it owns.

pub mod bootstrap;
pub mod cluster;
pub mod diff;
pub mod endpoint;
pub mod explain;
pub mod fleet;
pub mod listener;
pub mod log;
pub mod mtls;
pub mod route;
pub mod secret;
pub mod wasm;

#[cfg(test)]
pub(crate) mod test_support;
