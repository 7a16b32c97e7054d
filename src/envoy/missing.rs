//! A dump that loaded but lacks what the command asked for: a section, any listener, a
//! listener on the given port. Each variant names the dump first, like a load error.

/// What a loaded dump does not have. `path` is the dump's label (file, URL or pod).
#[derive(Debug, thiserror::Error)]
pub enum MissingError {
    /// The dump has no listener at all.
    #[error("{path}: no listeners found")]
    NoListeners {
        /// The dump.
        path: String,
    },
    /// The dump has no section of this type.
    #[error("{path}: {context}config dump has no configuration type {type_url}")]
    Section {
        /// The dump.
        path: String,
        /// istioctl's prefix for some commands (`listener dump: `), else empty.
        context: &'static str,
        /// The missing section's `@type`.
        type_url: &'static str,
    },
    /// No active listener binds the port.
    #[error("{path}: no active listener on port {port}")]
    NoListenerOnPort {
        /// The dump.
        path: String,
        /// `--port`.
        port: u32,
    },
    /// `diff --what-if` needs the inbound listener to predict from.
    #[error("{path}: no virtualInbound listener to predict from")]
    NoInbound {
        /// The dump.
        path: String,
    },
}
