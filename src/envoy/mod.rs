//! The Envoy config-dump model and its loader (DOMAIN.md §1–2).
//!
//! Types keep Envoy's proto names in Rust case and accept both the snake_case and the
//! camelCase JSON spellings. Strings borrow from the document text; configs this model
//! does not know stay raw JSON. Nothing here prints or decides what to show.

pub mod bootstrap;
pub mod cluster;
pub mod dump;
pub mod ecds;
pub mod endpoint;
pub mod filter;
pub mod filter_chain;
pub mod listener;
pub mod listener_head;
pub mod load_error;
pub mod matcher;
pub mod metadata;
pub mod missing;
pub mod node;
pub mod proto;
pub mod proto_data;
pub mod route;
pub mod route_match;
pub mod secret;
pub mod tls;
pub mod upstream;
pub mod wasm;

pub use dump::{
    Document, Hooked, ListenerEntry, ListenerState, PageRelease, SectionHook, Sections,
};
pub use ecds::EcdsFilter;
pub use filter::{HttpFilter, NetworkFilter, NetworkFilterConfig};
pub use filter_chain::{CidrRange, FilterChain, FilterChainMatch, SourceType};
pub use listener::{Address, Listener, SocketAddress, TrafficDirection};
pub use load_error::LoadError;
pub use missing::MissingError;
pub use node::Node;
