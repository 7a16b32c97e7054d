//! What `proxy-config listener` and `proxy-config ecds` show: istioctl's rows, the wide
//! columns' data, matcher-tree branches, the fleet listener summary, and the listener
//! updates Envoy refused.

pub mod cell_text;
pub mod chain_match;
pub mod destination;
pub mod ecds_rows;
pub mod matcher_paths;
pub mod refused;
pub mod rows;
pub mod summary;
pub mod waypoint;
