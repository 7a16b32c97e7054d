//! CLI integration tests, compiled as one binary (`autotests = false`).

// Test helpers panic on purpose: a failed step is a failed test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

mod big_dump;
mod big_dump_routing;
mod bug_report;
mod ci_integrations;
mod cli_def;
mod diff;
mod diff_policy;
mod errors;
mod explain;
mod explain_hbone;
mod explain_hbone_out;
mod explain_request;
mod explain_verdicts;
mod explain_way;
mod hostile;
mod kube_flags;
mod kubectl_plugin;
mod lint;
mod lint_ci;
mod lint_dump;
mod live;
mod live_fleet;
mod live_fleet_pc;
mod live_rbac;
mod live_wasm;
mod man;
mod network_wasm;
mod pc_all;
mod pc_cluster;
mod pc_ecds;
mod pc_endpoint;
mod pc_listener;
mod pc_listener_waypoint;
mod pc_log;
mod pc_route;
mod pc_secret;
mod protojson;
mod readme;
mod real_dumps;
mod refused_update;
mod rule_docs;
mod secrets;
mod support;
mod terminal;
mod wasm;
mod wasm_fixtures;
mod wasm_gateway;
mod wasm_unchecked;
mod wasm_waypoint;
