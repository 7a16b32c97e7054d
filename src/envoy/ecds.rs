//! `EcdsConfigDump` entries: extension configs delivered through ECDS (DOMAIN.md §1.3).

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::envoy::proto::Str;

/// One `ecds_filters[]` entry, decoded; `raw` is the entry as the dump holds it.
#[derive(Debug, Clone)]
pub struct EcdsFilter<'a> {
    pub version_info: Str<'a>,
    /// `ecds_filter.name`: the ECDS resource name, which is also the HTTP filter's name.
    pub name: Str<'a>,
    /// `ecds_filter.typed_config.@type`, or empty when the entry has no config.
    pub type_url: Str<'a>,
    /// `ecds_filter.typed_config`, raw.
    pub typed_config: Option<&'a RawValue>,
    pub last_updated: Str<'a>,
    pub raw: &'a RawValue,
}

#[derive(Deserialize)]
pub(crate) struct EcdsFilterFields<'a> {
    #[serde(borrow, default, alias = "versionInfo")]
    pub version_info: Str<'a>,
    #[serde(borrow, default, alias = "ecdsFilter")]
    pub ecds_filter: Option<TypedExtensionConfigRaw<'a>>,
    #[serde(borrow, default, alias = "lastUpdated")]
    pub last_updated: Str<'a>,
}

#[derive(Deserialize)]
pub(crate) struct TypedExtensionConfigRaw<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(crate) struct TypeUrl<'a> {
    #[serde(borrow, default, rename = "@type")]
    pub type_url: Str<'a>,
}

/// What an ECDS entry's config says about a Wasm module (DOMAIN.md §6.2, §6.5).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WasmDetails {
    /// `remote.http_uri.uri`, or `file://` + the local file name.
    pub source: Option<String>,
    /// `remote.sha256`, or the digest the agent put in the local file name.
    pub sha256: Option<String>,
    /// `FAIL_CLOSED`, `FAIL_OPEN` or `FAIL_RELOAD` (unset is FAIL_CLOSED in Envoy).
    pub failure_policy: Option<String>,
    pub runtime: Option<String>,
    /// `ISTIO_META_WASM_PLUGIN_RESOURCE_VERSION` from the VM's environment: the WasmPlugin's
    /// `resourceVersion` (Istio 1.14+; from 1.18 only `file://` modules keep it).
    pub resource_version: Option<String>,
    /// The plugin's configuration as JSON: a `StringValue`'s text parsed (istiod puts the
    /// JSON of `pluginConfig` there), a `Struct`/`TypedStruct` value as is; `None` when the
    /// config has none.
    pub configuration: Option<serde_json::Value>,
    /// The VM's `environment_variables.key_values`, without Istio's `ISTIO_META_*` keys.
    pub env: std::collections::BTreeMap<String, String>,
    /// `ISTIO_META_WASM_IMAGE_PULL_POLICY`, when the environment keeps it.
    pub image_pull_policy: Option<String>,
    /// `environment_variables.host_env_keys`.
    pub host_env_keys: Vec<String>,
}

/// The VM environment key that carries the plugin object's `resourceVersion` (DOMAIN.md §6.2).
const RESOURCE_VERSION_KEY: &str = "ISTIO_META_WASM_PLUGIN_RESOURCE_VERSION";

/// The VM environment key that carries `imagePullPolicy` (DOMAIN.md §6.2).
const PULL_POLICY_KEY: &str = "ISTIO_META_WASM_IMAGE_PULL_POLICY";

/// The istio-agent's replacement for a module it could not fetch (DOMAIN.md §6.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentStandIn {
    DenyAll,
    AllowAll,
}

/// Type URLs of the RBAC filters the agent substitutes.
const RBAC_TYPES: [&str; 2] = [
    "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC",
    "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC",
];

#[derive(Deserialize)]
struct WasmAny<'a> {
    #[serde(borrow, default)]
    config: Option<PluginConfig<'a>>,
}

#[derive(Deserialize)]
struct PluginConfig<'a> {
    #[serde(borrow, default)]
    configuration: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "vmConfig")]
    vm_config: Option<VmConfig<'a>>,
    #[serde(borrow, default, alias = "failurePolicy")]
    failure_policy: Option<Str<'a>>,
    #[serde(default, alias = "failOpen")]
    fail_open: bool,
}

#[derive(Deserialize)]
struct VmConfig<'a> {
    #[serde(borrow, default)]
    runtime: Option<Str<'a>>,
    #[serde(borrow, default)]
    code: Option<AsyncDataSource<'a>>,
    #[serde(borrow, default, alias = "environmentVariables")]
    environment_variables: Option<EnvironmentVariables<'a>>,
}

#[derive(Deserialize)]
struct EnvironmentVariables<'a> {
    /// A map field: its keys are data, never re-cased.
    #[serde(borrow, default, alias = "keyValues")]
    key_values: Option<std::collections::BTreeMap<Str<'a>, Str<'a>>>,
    #[serde(borrow, default, alias = "hostEnvKeys")]
    host_env_keys: Vec<Str<'a>>,
}

/// An `Any` holding the plugin configuration: `@type` and `value`.
#[derive(Deserialize)]
struct AnyValue {
    #[serde(default, rename = "@type")]
    type_url: String,
    #[serde(default)]
    value: serde_json::Value,
}

/// The configuration as JSON (see [`WasmDetails::configuration`]).
fn configuration_json(raw: &RawValue) -> Option<serde_json::Value> {
    let any: AnyValue = serde_json::from_str(raw.get()).ok()?;
    match (
        any.type_url.ends_with("google.protobuf.StringValue"),
        any.value,
    ) {
        // An empty StringValue (protojson leaves the empty `value` out) is istiod's
        // rendering of an empty pluginConfig.
        (_, serde_json::Value::Null) => Some(serde_json::json!({})),
        (true, serde_json::Value::String(text)) if text.is_empty() => Some(serde_json::json!({})),
        (true, serde_json::Value::String(text)) => {
            Some(serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
        }
        (_, value) => Some(value),
    }
}

#[derive(Deserialize)]
struct AsyncDataSource<'a> {
    #[serde(borrow, default)]
    local: Option<DataSource<'a>>,
    #[serde(borrow, default)]
    remote: Option<RemoteDataSource<'a>>,
}

#[derive(Deserialize)]
struct DataSource<'a> {
    #[serde(borrow, default)]
    filename: Option<Str<'a>>,
    #[serde(borrow, default, alias = "inlineString")]
    inline_string: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct RemoteDataSource<'a> {
    #[serde(borrow, default, alias = "httpUri")]
    http_uri: Option<HttpUri<'a>>,
    #[serde(borrow, default)]
    sha256: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct HttpUri<'a> {
    #[serde(borrow, default)]
    uri: Str<'a>,
}

#[derive(Deserialize)]
struct RbacKeys<'a> {
    #[serde(borrow, default)]
    rules: Option<&'a RawValue>,
}

impl EcdsFilter<'_> {
    /// True when the config is an HTTP or network Wasm filter.
    pub fn is_wasm(&self) -> bool {
        self.type_url == crate::envoy::wasm::HTTP_WASM_TYPE
            || self.type_url == crate::envoy::wasm::NETWORK_WASM_TYPE
    }

    /// Module, digest, failure policy and runtime of a Wasm entry; `None` for other types.
    pub fn wasm_details(&self) -> Option<WasmDetails> {
        if !self.is_wasm() {
            return None;
        }
        let any: WasmAny = self
            .typed_config
            .and_then(|raw| serde_json::from_str(raw.get()).ok())?;
        let config = any.config?;
        let mut details = WasmDetails {
            failure_policy: Some(match config.failure_policy.as_deref() {
                Some(p) if !p.is_empty() && p != "UNSPECIFIED" => p.to_string(),
                _ if config.fail_open => "FAIL_OPEN".to_string(),
                _ => "FAIL_CLOSED".to_string(),
            }),
            ..Default::default()
        };
        details.configuration = config.configuration.and_then(configuration_json);
        if let Some(vm) = config.vm_config {
            details.runtime = vm.runtime.map(|r| r.into_owned());
            if let Some(env) = vm.environment_variables {
                details.host_env_keys = env.host_env_keys.iter().map(|k| k.to_string()).collect();
                for (k, v) in env.key_values.unwrap_or_default() {
                    match k.as_ref() {
                        RESOURCE_VERSION_KEY => {
                            details.resource_version =
                                Some(v.into_owned()).filter(|v| !v.is_empty())
                        }
                        PULL_POLICY_KEY => details.image_pull_policy = Some(v.into_owned()),
                        key if key.starts_with("ISTIO_META_") => {}
                        key => {
                            details.env.insert(key.to_string(), v.into_owned());
                        }
                    }
                }
            }
            if let Some(code) = vm.code {
                if let Some(remote) = code.remote {
                    details.source = remote.http_uri.map(|u| u.uri.into_owned());
                    details.sha256 = remote
                        .sha256
                        .map(|s| s.into_owned())
                        .filter(|s| !s.is_empty());
                } else if let Some(local) = code.local {
                    if let Some(f) = local.filename {
                        details.sha256 = digest_from_filename(&f);
                        details.source = Some(format!("file://{f}"));
                    } else if let Some(s) = local.inline_string {
                        details.source = Some(format!("inline:{s}"));
                    }
                }
            }
        }
        Some(details)
    }

    /// The agent's deny-all / allow-all RBAC stand-in, if this entry is one.
    pub fn agent_stand_in(&self) -> Option<AgentStandIn> {
        if !RBAC_TYPES.contains(&self.type_url.as_ref()) {
            return None;
        }
        let keys: RbacKeys = self
            .typed_config
            .and_then(|raw| serde_json::from_str(raw.get()).ok())?;
        Some(if keys.rules.is_some() {
            AgentStandIn::DenyAll
        } else {
            AgentStandIn::AllowAll
        })
    }
}

/// The agent stores modules as `…/<sha256>.wasm`: the file name is the module's digest.
fn digest_from_filename(path: &str) -> Option<String> {
    let stem = path.rsplit('/').next()?.strip_suffix(".wasm")?;
    (stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit())).then(|| stem.to_string())
}

#[cfg(test)]
mod tests {
    use crate::envoy::{Document, Sections};

    /// One ECDS entry per spelling: snake_case with a remote module, camelCase with a local
    /// file whose VM environment carries the plugin's resourceVersion.
    const DUMP: &str = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecds_filters":[
      {"ecds_filter":{"name":"a","typed_config":{"@type":"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
        "config":{"vm_config":{"code":{"remote":{"http_uri":{"uri":"https://x/a.wasm"},"sha256":"abc"}}}}}}},
      {"ecdsFilter":{"name":"b","typedConfig":{"@type":"type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
        "config":{"vmConfig":{"code":{"local":{"filename":"/var/lib/istio/data/m/d1294d5f5d1e29473e8bce0e97f9131c8338a8ac705a09181ad9382c7c4bcde9.wasm"}},
          "environmentVariables":{"keyValues":{"ISTIO_META_WASM_PLUGIN_RESOURCE_VERSION":"4711","OTHER":"x"}}}}}}}]}]}"#;

    #[test]
    fn module_identity_and_resource_version() {
        let doc = Document::new("t", DUMP.as_bytes());
        let dump = doc
            .load(Sections {
                ecds: true,
                ..Sections::default()
            })
            .unwrap();
        let entries = dump.ecds.unwrap();
        let a = entries[0].wasm_details().unwrap();
        assert_eq!(
            (a.sha256.as_deref(), a.source.as_deref(), a.resource_version),
            (Some("abc"), Some("https://x/a.wasm"), None)
        );
        let b = entries[1].wasm_details().unwrap();
        assert_eq!(
            b.sha256.as_deref(),
            Some("d1294d5f5d1e29473e8bce0e97f9131c8338a8ac705a09181ad9382c7c4bcde9")
        );
        assert_eq!(b.resource_version.as_deref(), Some("4711"));
    }
}
