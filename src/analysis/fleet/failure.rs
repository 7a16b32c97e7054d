//! A fleet member that could not be read, as the fleet reports list it.

use serde::Serialize;

/// A pod that could not be read (or parsed), for the `failures` list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FleetFailure {
    /// The label the error line starts with (`[CONTEXT/]pod/NAME.NAMESPACE`).
    pub source: String,
    /// The cluster, when several were read.
    pub cluster: Option<String>,
    /// The pod's namespace, when the failure concerns one pod.
    pub namespace: Option<String>,
    /// The pod's name, when the failure concerns one pod.
    pub pod: Option<String>,
    /// The error: the one line stderr prints after `meshscope: error: ` (it starts with
    /// `source`).
    pub error: String,
}
