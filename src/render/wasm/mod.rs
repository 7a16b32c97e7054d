//! `wasm count` laid out.

pub mod table;
