//! Wasm truth on a proxy: where each Wasm filter is placed, what its ECDS entry holds,
//! what the WasmPlugins ask for (intent and order), and the per-proxy report.

pub mod count;
pub mod drift;
pub mod ecds;
pub mod identity;
pub mod intent;
pub mod order;
pub mod placement;
pub mod unchecked;
