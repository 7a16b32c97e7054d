//! istioctl-parity tables (Go text/tabwriter layout) and the table writers every report
//! shares.

pub mod bootstrap;
pub mod cluster;
pub mod ecds;
pub mod endpoint;
pub mod fleet;
pub mod go_table;
pub mod layout;
pub mod listener;
pub mod route;
pub mod secret;

use crate::istio::config_path::ManagingResource;

/// istioctl's DESTINATION RULE / VIRTUAL SERVICE cell (route.go `renderConfig`).
fn managing_resource_cell(resource: &ManagingResource) -> String {
    match resource {
        ManagingResource::Unshown => String::new(),
        ManagingResource::Resource { name, namespace } => format!("{name}.{namespace}"),
        ManagingResource::Unknown => "<unknown>".to_string(),
    }
}
