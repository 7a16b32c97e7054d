//! Typed views of `WasmPlugin` and `TrafficExtension` resources (DOMAIN.md §6.3–6.6), built
//! on the spanned [`Resource`] envelope that `lint` parses. Only the fields that decide
//! where a plugin lands and in which order are read; validation stays in `lint`.

use std::collections::BTreeMap;

use super::ecds_name::PluginKind;
use super::manifest::{Resource, selector_labels};
use super::policy_attachment::TargetFields;
use super::yaml_tree::Node;

/// API group of both kinds.
const GROUP: &str = "extensions.istio.io";

/// `ExecutionPhase`: where in the HTTP filter chain the plugin goes (DOMAIN.md §6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Right after Istio's authentication filters' anchor.
    Authn,
    /// After authentication, before `rbac`.
    Authz,
    /// After `rbac`.
    Stats,
    /// `UNSPECIFIED_PHASE`: after the STATS plugins.
    Unspecified,
}

impl Phase {
    /// The enum name as the API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Authn => "AUTHN",
            Phase::Authz => "AUTHZ",
            Phase::Stats => "STATS",
            Phase::Unspecified => "UNSPECIFIED_PHASE",
        }
    }
}

/// `WorkloadMode` of a `match` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadMode {
    /// `UNDEFINED` or `CLIENT_AND_SERVER`: every listener class.
    ClientAndServer,
    /// Sidecar outbound and every gateway.
    Client,
    /// Sidecar inbound only.
    Server,
}

/// One `match[]` entry (`TrafficSelector`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficSelector {
    /// `mode`.
    pub mode: WorkloadMode,
    /// `ports[].number`; empty means any port.
    pub ports: Vec<u32>,
}

/// `PluginType`: an HTTP filter or a network filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginType {
    /// `UNSPECIFIED_PLUGIN_TYPE` or `HTTP`.
    Http,
    /// `NETWORK`.
    Network,
}

/// One `PolicyTargetReference`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRef {
    /// `group`; `""` is the core group.
    pub group: String,
    /// `kind`: `Gateway`, `GatewayClass`, `Service`, `ServiceEntry`.
    pub kind: String,
    /// `name`.
    pub name: String,
    /// `namespace`; empty means the policy's own.
    pub namespace: String,
}

fn target_ref_of(n: &Node) -> TargetRef {
    let text = |key: &str| {
        n.get(key)
            .and_then(Node::as_scalar)
            .map(str::to_string)
            .unwrap_or_default()
    };
    TargetRef {
        group: text("group"),
        kind: text("kind"),
        name: text("name"),
        namespace: text("namespace"),
    }
}

/// A WasmPlugin, or a TrafficExtension with a `wasm` module.
#[derive(Debug, Clone)]
pub struct WasmPluginSpec {
    /// WasmPlugin or TrafficExtension.
    pub kind: PluginKind,
    /// `metadata.namespace` (`default` when absent).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.creationTimestamp`, when the manifest carries it.
    pub creation_timestamp: Option<String>,
    /// `selector.matchLabels`; `None` without a selector.
    pub selector: Option<BTreeMap<String, String>>,
    /// `targetRef` (1.20 on).
    pub target_ref: Option<TargetRef>,
    /// `targetRefs` (1.22 on); see [`WasmPluginSpec::refs_read`] for how istiod folds the two.
    pub target_refs: Vec<TargetRef>,
    /// `phase`.
    pub phase: Phase,
    /// `priority`; unset sorts below every negative priority.
    pub priority: Option<i64>,
    /// `match[]`; empty applies everywhere.
    pub matches: Vec<TrafficSelector>,
    /// `type` (of the `wasm` block for a TrafficExtension).
    pub plugin_type: PluginType,
    /// The module fields istiod turns into the ECDS config (the drift check's "asked").
    pub module: ModuleSpec,
}

/// `url` … `vmConfig` of a WasmPlugin (or a TrafficExtension's `wasm`), as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModuleSpec {
    pub url: Option<String>,
    pub sha256: Option<String>,
    /// `pluginConfig` as JSON; `None` when absent.
    pub plugin_config: Option<serde_json::Value>,
    /// `failStrategy` as written (FAIL_CLOSE, FAIL_OPEN, FAIL_RELOAD).
    pub fail_strategy: Option<String>,
    pub image_pull_policy: Option<String>,
    /// `vmConfig.env` entries with `valueFrom` INLINE (the default): name → value.
    pub inline_env: BTreeMap<String, String>,
    /// `vmConfig.env` entries with `valueFrom: HOST`.
    pub host_env: Vec<String>,
}

/// A YAML node as JSON (scalars typed as YAML 1.2 core reads them).
fn node_json(n: &Node) -> serde_json::Value {
    use crate::istio::yaml_tree::Kind;
    match n.kind() {
        Kind::Object => serde_json::Value::Object(
            n.entries()
                .iter()
                .map(|(k, v)| (k.display().into_owned(), node_json(v)))
                .collect(),
        ),
        Kind::Array => serde_json::Value::Array(n.items().iter().map(node_json).collect()),
        Kind::Null => serde_json::Value::Null,
        Kind::String => serde_json::Value::String(n.display().into_owned()),
        _ => {
            let text = n.display();
            serde_json::from_str(&text)
                .unwrap_or_else(|_| serde_json::Value::String(text.into_owned()))
        }
    }
}

fn module_of(module: &Node) -> ModuleSpec {
    let text = |key: &str| {
        module
            .get(key)
            .filter(|v| !v.is_null())
            .map(|v| v.display().into_owned())
    };
    let mut spec = ModuleSpec {
        url: text("url"),
        sha256: text("sha256").filter(|s| !s.is_empty()),
        plugin_config: module
            .get("pluginConfig")
            .filter(|v| !v.is_null())
            .map(node_json),
        fail_strategy: text("failStrategy"),
        image_pull_policy: text("imagePullPolicy"),
        ..ModuleSpec::default()
    };
    for e in module
        .path(&["vmConfig", "env"])
        .map(Node::items)
        .unwrap_or_default()
    {
        let name = e
            .get("name")
            .map(|n| n.display().into_owned())
            .unwrap_or_default();
        match e
            .get("valueFrom")
            .map(|v| v.display().into_owned())
            .as_deref()
        {
            Some("HOST") => spec.host_env.push(name),
            _ => {
                let value = e
                    .get("value")
                    .map(|v| v.display().into_owned())
                    .unwrap_or_default();
                spec.inline_env.insert(name, value);
            }
        }
    }
    spec
}

impl WasmPluginSpec {
    /// `namespace/name`.
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// A WasmPlugin with only its name: no selector or targetRefs, phase and priority unset,
    /// HTTP, no module fields. Tests build the case they need from it.
    #[cfg(test)]
    pub fn named(namespace: &str, name: &str) -> Self {
        WasmPluginSpec {
            kind: PluginKind::WasmPlugin,
            namespace: namespace.into(),
            name: name.into(),
            creation_timestamp: None,
            selector: None,
            target_ref: None,
            target_refs: Vec::new(),
            phase: Phase::Unspecified,
            priority: None,
            matches: Vec::new(),
            plugin_type: PluginType::Http,
            module: ModuleSpec::default(),
        }
    }

    /// The refs a release's istiod reads: none before 1.20; `targetRef` alone in 1.20–1.21;
    /// from 1.22 `targetRefs`, else `targetRef` (`GetTargetRefs`).
    pub fn refs_read(&self, fields: TargetFields) -> Vec<&TargetRef> {
        match fields {
            TargetFields::None => Vec::new(),
            TargetFields::TargetRef => self.target_ref.iter().collect(),
            TargetFields::TargetRefs if !self.target_refs.is_empty() => {
                self.target_refs.iter().collect()
            }
            TargetFields::TargetRefs => self.target_ref.iter().collect(),
        }
    }
}

/// The typed view of `r`, if it is a WasmPlugin or a Wasm TrafficExtension.
pub fn wasm_plugin_of(r: &Resource) -> Option<WasmPluginSpec> {
    if r.group() != GROUP {
        return None;
    }
    let spec = r.spec()?;
    let (kind, module) = match r.kind.as_str() {
        "WasmPlugin" => (PluginKind::WasmPlugin, spec),
        // A Lua extension is an inline filter, not a Wasm module.
        "TrafficExtension" => (PluginKind::TrafficExtension, spec.get("wasm")?),
        _ => return None,
    };
    let text = |n: &Node, key: &str| n.get(key).and_then(Node::as_scalar).map(str::to_string);
    Some(WasmPluginSpec {
        kind,
        namespace: r.namespace.clone(),
        name: r.name.clone(),
        creation_timestamp: r.creation_timestamp.clone(),
        selector: selector_labels(spec),
        // The TrafficExtension CRD has only `targetRefs`.
        target_ref: spec
            .get("targetRef")
            .filter(|t| !t.is_null() && kind == PluginKind::WasmPlugin)
            .map(target_ref_of),
        target_refs: spec
            .get("targetRefs")
            .map(|t| t.items().iter().map(target_ref_of).collect())
            .unwrap_or_default(),
        phase: match text(spec, "phase").as_deref() {
            Some("AUTHN") => Phase::Authn,
            Some("AUTHZ") => Phase::Authz,
            Some("STATS") => Phase::Stats,
            _ => Phase::Unspecified,
        },
        priority: spec
            .get("priority")
            .and_then(|p| p.as_i64().or_else(|| p.as_scalar()?.parse().ok())),
        matches: spec
            .get("match")
            .map(|m| m.items().iter().map(selector_of).collect())
            .unwrap_or_default(),
        plugin_type: match text(module, "type").as_deref() {
            Some("NETWORK") => PluginType::Network,
            _ => PluginType::Http,
        },
        module: module_of(module),
    })
}

fn selector_of(entry: &Node) -> TrafficSelector {
    let mode = match entry.get("mode").and_then(Node::as_scalar) {
        Some("CLIENT") => WorkloadMode::Client,
        Some("SERVER") => WorkloadMode::Server,
        _ => WorkloadMode::ClientAndServer,
    };
    let ports = entry
        .get("ports")
        .map(|p| {
            p.items()
                .iter()
                .filter_map(|p| p.get("number").and_then(Node::as_i64))
                .filter_map(|n| u32::try_from(n).ok())
                .collect()
        })
        .unwrap_or_default();
    TrafficSelector { mode, ports }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::istio::manifest::resources_of;

    #[test]
    fn reads_placement_fields() {
        let text = "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata: {name: a, namespace: ns, creationTimestamp: '2026-01-01T00:00:00Z'}\nspec:\n  selector: {matchLabels: {app: x}}\n  phase: AUTHZ\n  priority: -3\n  match: [{mode: SERVER, ports: [{number: 80}]}]\n  type: NETWORK\n  url: oci://x/y:1\n---\napiVersion: extensions.istio.io/v1alpha1\nkind: TrafficExtension\nmetadata: {name: t}\nspec:\n  targetRefs: [{kind: Gateway, name: g}]\n  wasm: {url: file:///a.wasm}\n---\napiVersion: extensions.istio.io/v1alpha1\nkind: TrafficExtension\nmetadata: {name: lua}\nspec: {lua: {inlineCode: x}}\n";
        let rs = resources_of(0, text).unwrap();
        let p = wasm_plugin_of(&rs[0]).unwrap();
        assert_eq!(p.id(), "ns/a");
        assert_eq!(p.phase, Phase::Authz);
        assert_eq!(p.priority, Some(-3));
        assert_eq!(
            p.matches,
            [TrafficSelector {
                mode: WorkloadMode::Server,
                ports: vec![80]
            }]
        );
        assert_eq!(p.plugin_type, PluginType::Network);
        assert_eq!(p.selector.unwrap().get("app").unwrap(), "x");
        let t = wasm_plugin_of(&rs[1]).unwrap();
        assert_eq!(t.kind, PluginKind::TrafficExtension);
        assert!(t.selector.is_none() && t.priority.is_none());
        assert_eq!(t.refs_read(TargetFields::None), Vec::<&TargetRef>::new());
        assert!(t.refs_read(TargetFields::TargetRef).is_empty());
        assert_eq!(
            t.refs_read(TargetFields::TargetRefs),
            [&TargetRef {
                group: String::new(),
                kind: "Gateway".into(),
                name: "g".into(),
                namespace: String::new()
            }]
        );
        assert_eq!(t.phase, Phase::Unspecified);
        assert!(wasm_plugin_of(&rs[2]).is_none());
    }
}
