//! Lays results out as text, JSON or YAML. It never decides what to show: `analysis/`
//! did that. Colour and width arrive as a [`terminal::Terminal`] decided once in `cmd/`.

pub mod diff;
pub mod explain;
pub mod go_yaml;
pub mod jsonpath;
pub mod log;
pub mod matcher_branch;
pub mod protojson;
pub mod refused_update;
pub mod structured;
pub mod tables;
pub mod terminal;
pub mod wasm;

/// Why output could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    JsonPath(#[from] jsonpath::TemplateError),
    #[error("encoding {format}: {error}")]
    Encode {
        format: &'static str,
        error: Encoding,
    },
}

/// The encoder's own error behind [`RenderError::Encode`].
#[derive(Debug, thiserror::Error)]
pub enum Encoding {
    #[error(transparent)]
    Json(serde_json::Error),
}
