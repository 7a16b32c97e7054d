//! What the crate's own integration tests (`tests/`), fuzz targets (`fuzz/`) and
//! benchmarks reach inside the library. Every module is crate-private, so the compiler
//! flags code that nothing uses; this list is the one way in from outside. Not an API:
//! nothing here is promised to anyone but this repository.

pub use crate::analysis::explain::chain_select::{self, Connection, Criterion};
pub use crate::analysis::explain::matcher_eval::evaluate_matcher;
pub use crate::analysis::explain::matcher_eval::rules::MatcherSemantics;
pub use crate::analysis::explain::simulation::simulate;
pub use crate::analysis::explain::warnings::listener_warnings;
pub use crate::analysis::wasm::placement::{ListenerChains, ProxyKind, reduced_sites};
#[cfg(feature = "cli")]
pub use crate::cli::command;
pub use crate::envoy::listener_head::decode_head;
pub use crate::envoy::matcher::Matcher;
pub use crate::envoy::proto_data::{DATA_FIELDS, FieldKind, MapValue};
pub use crate::envoy::{Document, FilterChainMatch, Listener, Sections};
pub use crate::istio::crd::crd_of;
pub use crate::istio::manifest::resources_of;
pub use crate::lint::report::{self, Format};
pub use crate::lint::validate::crd::{CompiledCrd, compile};
pub use crate::lint::{Context, RULES, SourceFile, lint};
pub use crate::render::jsonpath::render_template;
pub use crate::render::protojson::to_camel_case;
pub use crate::source::to_json_text;
pub use crate::util::sanitize::sanitize;
