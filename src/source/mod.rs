//! Where configuration comes from: files, stdin, admin URLs, pods and bug-report archives.
//! `cmd/` calls [`load_text`] and never sees how the bytes were fetched.

#[cfg(feature = "cli")]
pub mod admin;
#[cfg(feature = "cli")]
pub mod bug_report;
mod error;
#[cfg(feature = "cli")]
pub mod fetch;
pub mod file;
#[cfg(feature = "cli")]
pub mod fleet;
#[cfg(feature = "cli")]
pub mod kube;
#[cfg(feature = "cli")]
pub mod resources;
#[cfg(feature = "cli")]
pub mod selector;
#[cfg(feature = "cli")]
pub mod target;
pub mod text;
pub mod tree;

#[cfg(feature = "cli")]
pub use admin::{AdminUrl, block_on};
#[cfg(feature = "cli")]
pub use fetch::{DumpMask, DumpSource, RawInput};

pub use error::Error;
pub use file::{InputBytes, read_dump, read_input};
pub use text::to_json_text;
pub use tree::manifest_files;
