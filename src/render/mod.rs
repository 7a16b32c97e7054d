//! Lays results out as text, JSON or YAML. It never decides what to show: `analysis/`
//! did that. Colour arrives as a plain bool decided once in `cmd/`.

pub mod diff_text;
pub mod ecds_table;
pub mod explain_dot;
pub mod explain_json;
pub mod explain_paragraph;
pub mod explain_text;
pub mod explain_words;
pub mod fleet_table;
pub mod jsonpath;
pub mod listener_table;
pub mod policy_text;
pub mod protojson;
pub mod sanitize;
pub mod structured;
pub mod table;
pub mod unified_diff;
pub mod wasm_table;

/// Why output could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("jsonpath: {0}")]
    JsonPath(String),
    #[error("encoding {format}: {message}")]
    Encode {
        format: &'static str,
        message: String,
    },
}
