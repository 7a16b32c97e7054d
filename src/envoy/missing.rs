//! A dump that loaded but lacks what the command asked for: a section, any listener, a
//! listener on the given port. Each variant names the dump first, like a load error.

/// What a loaded dump does not have.
#[derive(Debug, thiserror::Error)]
pub enum MissingError {
    /// The dump has no listener at all.
    #[error("{path}: no listeners found")]
    NoListeners { path: String },
    /// The dump has no section of this type (`context` is istioctl's prefix for some commands).
    #[error("{path}: {context}config dump has no configuration type {type_url}")]
    Section {
        path: String,
        context: &'static str,
        type_url: &'static str,
    },
    /// No active listener binds the port.
    #[error("{path}: no active listener on port {port}")]
    NoListenerOnPort { path: String, port: u32 },
    /// `diff --what-if` needs the inbound listener to predict from.
    #[error("{path}: no virtualInbound listener to predict from")]
    NoInbound { path: String },
}
