//! Istio knowledge that is not Envoy's: how Istio names the filters it generates, and the
//! manifests (WasmPlugin, PeerAuthentication, workloads) read with source positions.

pub mod config_path;
pub mod crd;
pub mod ecds_name;
pub mod intent_resources;
pub mod manifest;
pub mod passthrough;
pub mod peer_authentication;
pub mod policy_attachment;
pub mod selector;
pub mod service_entry;
pub mod subset_key;
pub mod version;
pub mod wasm_filter;
pub mod wasm_plugin;
pub mod waypoint_binding;
pub mod workload;
pub mod yaml_tree;

pub use ecds_name::{NamingScheme, PluginKind, PluginRef};
