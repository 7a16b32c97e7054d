//! Istio knowledge that is not Envoy's: how Istio names the filters it generates.

pub mod ecds_name;

pub use ecds_name::{PluginKind, PluginRef};
