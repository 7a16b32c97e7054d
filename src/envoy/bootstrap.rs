//! What istioctl's bootstrap summary reads of `envoy.config.bootstrap.v3.Bootstrap`: the
//! node's `ISTIO_VERSION` and `ISTIO_PROXY_SHA` metadata and its Envoy build version with
//! the build metadata (a `Struct`, so its keys are data).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::envoy::node::SemanticVersion;

/// The bootstrap, as far as the version summary reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BootstrapVersions {
    #[serde(default)]
    pub node: Option<VersionNode>,
}

/// `Node`: metadata and build version.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VersionNode {
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    #[serde(default, alias = "userAgentBuildVersion")]
    pub user_agent_build_version: Option<FullBuildVersion>,
}

/// `envoy.config.core.v3.BuildVersion` with its metadata.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FullBuildVersion {
    #[serde(default)]
    pub version: Option<SemanticVersion>,
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
}
