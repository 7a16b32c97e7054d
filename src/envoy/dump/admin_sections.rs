//! The secrets (`envoy.admin.v3.SecretsConfigDump`), endpoints
//! (`envoy.admin.v3.EndpointsConfigDump`) and whole bootstrap (`BootstrapConfigDump`)
//! sections, for `pc secret`, `pc endpoint`, `pc bootstrap` and `pc all`: each secret and
//! endpoint configuration kept as its raw JSON, with where it sits in the dump, until a
//! command reads it. Nothing here decodes key material: a secret stays raw text.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::proto::Str;

/// Where a secret sits in `SecretsConfigDump` (envoy/admin/v3/config_dump_shared.proto).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretOrigin {
    Static,
    DynamicActive,
    DynamicWarming,
}

impl SecretOrigin {
    fn field(self) -> &'static str {
        match self {
            SecretOrigin::Static => "static_secrets",
            SecretOrigin::DynamicActive => "dynamic_active_secrets",
            SecretOrigin::DynamicWarming => "dynamic_warming_secrets",
        }
    }
}

/// One secret of the dump: its name and version, its `envoy.extensions.transport_sockets.
/// tls.v3.Secret` kept raw (Envoy's admin already redacts private keys to `[redacted]`).
#[derive(Debug, Clone)]
pub struct SecretEntry<'a> {
    pub origin: SecretOrigin,
    pub name: Str<'a>,
    pub version_info: Str<'a>,
    pub last_updated: Str<'a>,
    /// The secret, `None` when the dump entry has none.
    pub secret: Option<&'a RawValue>,
    pub(super) section_index: usize,
    pub(super) index: usize,
}

impl SecretEntry<'_> {
    /// A JSON path to this secret, for error messages.
    pub fn json_path(&self) -> String {
        format!(
            "configs[{}].{}[{}].secret",
            self.section_index,
            self.origin.field(),
            self.index
        )
    }
}

/// The secrets of a dump, in each list's dump order.
#[derive(Debug, Default)]
pub struct SecretsSection<'a> {
    pub static_secrets: Vec<SecretEntry<'a>>,
    pub dynamic_active_secrets: Vec<SecretEntry<'a>>,
    pub dynamic_warming_secrets: Vec<SecretEntry<'a>>,
}

/// Where an endpoint configuration sits in `EndpointsConfigDump`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointOrigin {
    Static,
    Dynamic,
}

impl EndpointOrigin {
    fn field(self) -> &'static str {
        match self {
            EndpointOrigin::Static => "static_endpoint_configs",
            EndpointOrigin::Dynamic => "dynamic_endpoint_configs",
        }
    }
}

/// One `envoy.config.endpoint.v3.ClusterLoadAssignment` of the dump, kept raw.
#[derive(Debug, Clone)]
pub struct EndpointConfigEntry<'a> {
    pub origin: EndpointOrigin,
    pub version_info: Str<'a>,
    pub last_updated: Str<'a>,
    /// The load assignment as the dump holds it.
    pub raw: &'a RawValue,
    pub(super) section_index: usize,
    pub(super) index: usize,
}

impl EndpointConfigEntry<'_> {
    /// A JSON path to this load assignment, for error messages.
    pub fn json_path(&self) -> String {
        format!(
            "configs[{}].{}[{}].endpoint_config",
            self.section_index,
            self.origin.field(),
            self.index
        )
    }
}

/// The endpoint configurations of a dump, in each list's dump order. Entries without an
/// `endpoint_config` are left out, as istioctl cannot unmarshal them.
#[derive(Debug, Default)]
pub struct EndpointsSection<'a> {
    pub static_endpoint_configs: Vec<EndpointConfigEntry<'a>>,
    pub dynamic_endpoint_configs: Vec<EndpointConfigEntry<'a>>,
}

/// The bootstrap section's fields (`bootstrap`, `last_updated`), each kept raw, in dump
/// order; `@type` is not among them.
#[derive(Debug, Default)]
pub struct BootstrapSection<'a> {
    pub fields: Vec<(String, &'a RawValue)>,
    pub(super) section_index: usize,
}

impl<'a> BootstrapSection<'a> {
    /// The `bootstrap` field (`envoy.config.bootstrap.v3.Bootstrap`), if present.
    pub fn bootstrap(&self) -> Option<&'a RawValue> {
        self.fields
            .iter()
            .rev()
            .find(|(k, _)| k == "bootstrap")
            .map(|(_, raw)| *raw)
    }

    /// A JSON path to the `bootstrap` field, for error messages.
    pub fn json_path(&self) -> String {
        format!("configs[{}].bootstrap", self.section_index)
    }
}

/// `SecretsConfigDump.StaticSecret` and `DynamicSecret` alike.
#[derive(Deserialize)]
pub(super) struct SecretFields<'a> {
    #[serde(borrow, default)]
    name: Str<'a>,
    #[serde(borrow, default, alias = "versionInfo")]
    version_info: Str<'a>,
    #[serde(borrow, default, alias = "lastUpdated")]
    last_updated: Str<'a>,
    #[serde(borrow, default)]
    secret: Option<&'a RawValue>,
}

/// `EndpointsConfigDump.StaticEndpointConfig` and `DynamicEndpointConfig` alike.
#[derive(Deserialize)]
pub(super) struct EndpointConfigFields<'a> {
    #[serde(borrow, default, alias = "versionInfo")]
    version_info: Str<'a>,
    #[serde(borrow, default, alias = "endpointConfig")]
    endpoint_config: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "lastUpdated")]
    last_updated: Str<'a>,
}

/// The secrets section as read.
#[derive(Default)]
pub(super) struct SecretsAcc<'a> {
    pub(super) lists: [Vec<SecretFields<'a>>; 3],
}

impl<'a> SecretsAcc<'a> {
    pub(super) fn into_section(self, section_index: usize) -> SecretsSection<'a> {
        let [statics, active, warming] = self.lists;
        let entries = |list: Vec<SecretFields<'a>>, origin| {
            list.into_iter()
                .enumerate()
                .map(|(index, f)| SecretEntry {
                    origin,
                    name: f.name,
                    version_info: f.version_info,
                    last_updated: f.last_updated,
                    secret: f.secret,
                    section_index,
                    index,
                })
                .collect()
        };
        SecretsSection {
            static_secrets: entries(statics, SecretOrigin::Static),
            dynamic_active_secrets: entries(active, SecretOrigin::DynamicActive),
            dynamic_warming_secrets: entries(warming, SecretOrigin::DynamicWarming),
        }
    }
}

/// The endpoints section as read.
#[derive(Default)]
pub(super) struct EndpointsAcc<'a> {
    pub(super) lists: [Vec<EndpointConfigFields<'a>>; 2],
}

impl<'a> EndpointsAcc<'a> {
    pub(super) fn into_section(self, section_index: usize) -> EndpointsSection<'a> {
        let [statics, dynamics] = self.lists;
        let entries = |list: Vec<EndpointConfigFields<'a>>, origin| {
            list.into_iter()
                .enumerate()
                .filter_map(|(index, f)| {
                    Some(EndpointConfigEntry {
                        origin,
                        version_info: f.version_info,
                        last_updated: f.last_updated,
                        raw: f.endpoint_config?,
                        section_index,
                        index,
                    })
                })
                .collect()
        };
        EndpointsSection {
            static_endpoint_configs: entries(statics, EndpointOrigin::Static),
            dynamic_endpoint_configs: entries(dynamics, EndpointOrigin::Dynamic),
        }
    }
}
