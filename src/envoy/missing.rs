//! A dump that loaded but lacks what the command asked for: a section, any listener,
//! cluster or route configuration, a listener on the given port. Each variant names the dump first, like a load error.

/// What a loaded dump does not have. `path` is the dump's label (file, URL or pod).
#[derive(Debug, thiserror::Error)]
pub enum MissingError {
    /// The dump has no listener at all.
    #[error("{path}: no listeners found")]
    NoListeners {
        /// The dump.
        path: String,
    },
    /// The clusters section holds no active or static cluster (istioctl's wording).
    #[error("{path}: no clusters found")]
    NoClusters {
        /// The dump.
        path: String,
    },
    /// The routes section holds no route configuration (istioctl's wording).
    #[error("{path}: no routes found")]
    NoRoutes {
        /// The dump.
        path: String,
    },
    /// The dump has no section of this type.
    #[error("{path}: {}config dump has no configuration type {type_url}", wording.prefix())]
    Section {
        /// The dump.
        path: String,
        /// How istioctl words it for the command.
        wording: SectionWording,
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
    /// No active listener binds the port, and Envoy refused the update of one that would
    /// (its `error_state`): the reason is why there is nothing to explain.
    #[error(
        "{path}: no active listener on port {port}: Envoy refused the update of listener {listener:?}: {details}"
    )]
    RefusedOnPort {
        /// The dump.
        path: String,
        /// `--port`.
        port: u32,
        /// The refused listener's name.
        listener: String,
        /// Envoy's reason.
        details: String,
    },
    /// `diff --what-if` needs the inbound listener to predict from.
    #[error("{path}: no virtualInbound listener to predict from")]
    NoInbound {
        /// The dump.
        path: String,
    },
    /// `diff DUMP --resources`: the inbound listener is what the policies are checked on.
    #[error("{path}: no virtualInbound listener to check against the PeerAuthentications")]
    NoInboundToCheck {
        /// The dump.
        path: String,
    },
    /// `diff DUMP --resources`: which policies apply depends on the proxy's namespace.
    #[error(
        "{path}: no bootstrap node.metadata.NAMESPACE: the PeerAuthentication check needs the \
         proxy's namespace"
    )]
    NoNamespace {
        /// The dump.
        path: String,
    },
}

/// istioctl words a missing section two ways: `pc listener` and `explain` name the
/// listener dump, the other commands only the config dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionWording {
    /// `listener dump: config dump has no …`.
    ListenerDump,
    /// `config dump has no …`.
    ConfigDump,
}

impl SectionWording {
    fn prefix(self) -> &'static str {
        match self {
            SectionWording::ListenerDump => "listener dump: ",
            SectionWording::ConfigDump => "",
        }
    }
}

/// The section a command needs (`type_url`), or the error that the dump at `path` has none.
pub fn required<T>(
    section: Option<T>,
    path: &str,
    wording: SectionWording,
    type_url: &'static str,
) -> Result<T, MissingError> {
    section.ok_or_else(|| MissingError::Section {
        path: path.to_string(),
        wording,
        type_url,
    })
}
