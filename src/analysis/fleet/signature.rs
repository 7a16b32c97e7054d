//! What a pod's placement signature compares per plugin (see the fleet module docs): the
//! chain count, the ECDS state and the module's identity.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::wasm::ecds::EcdsState;

/// Which module a plugin runs (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ModuleId {
    /// The module's sha256, when known.
    pub sha256: Option<String>,
    /// The module's URI or file path, only when the digest is unknown.
    pub source: Option<String>,
    /// The WasmPlugin's `resourceVersion`, when the VM environment carries it.
    pub resource_version: Option<String>,
}

impl ModuleId {
    /// In words, for reasons: `sha256 d1294d5f5d1e`, the source, and the resource version.
    pub fn describe(&self) -> String {
        let mut text = match (&self.sha256, &self.source) {
            (Some(sha), _) => format!("sha256 {}", short_digest(sha)),
            (None, Some(source)) => source.clone(),
            (None, None) => "an unidentified module".to_string(),
        };
        if let Some(rv) = &self.resource_version {
            text.push_str(&format!(" (resourceVersion {rv})"));
        }
        text
    }
}

/// The first 12 hex digits of a digest, as `docker images` shortens image ids.
pub fn short_digest(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// One plugin on one pod: what its signature compares.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PluginState {
    /// Filter chains that carry it.
    pub count: usize,
    /// Its ECDS state; `null` for an inline Wasm filter.
    pub ecds: Option<EcdsState>,
    /// The module it runs, when the ECDS entry says.
    pub module: Option<ModuleId>,
}

/// A pod's signature: plugin column → state.
pub(crate) type Signature = BTreeMap<String, PluginState>;
