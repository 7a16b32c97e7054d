//! CLI integration tests, compiled as one binary (`autotests = false`).

mod cli_def;
mod errors;
mod man;
mod pc_ecds;
mod pc_listener;
mod real_dumps;
mod support;
