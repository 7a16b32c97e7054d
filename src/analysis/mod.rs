//! Pure functions from the model to typed results; no I/O and no formatting.

pub mod chain_select;
pub mod cidr;
pub mod diff;
pub mod ecds_rows;
pub mod explain;
pub mod explain_simulation;
pub mod explain_warnings;
pub mod fleet;
pub mod go_sort;
pub mod inbound_template;
pub mod listener_rows;
pub mod listener_summary;
pub mod matcher_eval;
pub mod matcher_paths;
pub mod mtls_mode;
pub mod mtls_policy;
pub mod wasm_count;
pub mod wasm_ecds;
pub mod wasm_intent;
pub mod wasm_order;
pub mod wasm_placement;
pub mod what_if;

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod chain_select_prop;
