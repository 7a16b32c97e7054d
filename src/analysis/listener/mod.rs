//! What `proxy-config listener` and `proxy-config ecds` show: istioctl's rows, the wide
//! columns' data, matcher-tree branches, and the fleet listener summary.

pub mod cell_text;
pub mod chain_match;
pub mod destination;
pub mod ecds_rows;
pub mod matcher_paths;
pub mod rows;
pub mod summary;
