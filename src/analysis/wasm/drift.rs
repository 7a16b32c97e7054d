//! What runs vs what was asked (#16 point 4): a placement's ECDS Wasm config compared with the
//! WasmPlugin or TrafficExtension it decodes to, field by field, as istiod builds the config
//! (istio/istio `pilot/pkg/model/extensions.go`@1.30.0: `buildWasmConfig`, `buildDataSource`,
//! `buildVMConfig`) and the agent rewrites it (`pkg/wasm/convert.go`: `rewriteVMConfig`).
//! Only what both sides state is compared: a field the dump no longer carries (the agent
//! drops `ISTIO_META_*` keys from remote modules) is not a difference.

use serde::Serialize;

use crate::analysis::wasm::ecds::{EcdsHealth, EcdsState};
use crate::istio::wasm_plugin::{ModuleSpec, WasmPluginSpec};

/// The runtime istiod always sets (`defaultRuntime`).
const DEFAULT_RUNTIME: &str = "envoy.wasm.runtime.v8";

/// One field whose running value is not the asked one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// The resource's field (`sha256`, `url`, `pluginConfig`, `failStrategy`, …).
    pub field: &'static str,
    /// What the resource asks for.
    pub asked: String,
    /// What the proxy's ECDS config says.
    pub runs: String,
}

fn differs(out: &mut Vec<Drift>, field: &'static str, asked: String, runs: String) {
    if asked != runs {
        out.push(Drift { field, asked, runs });
    }
}

/// `failStrategy` as Envoy's `failure_policy` (`buildWasmConfig`: FAIL_CLOSE and unset are
/// FAIL_CLOSED).
fn failure_policy(fail_strategy: Option<&str>) -> &'static str {
    match fail_strategy {
        Some("FAIL_OPEN") => "FAIL_OPEN",
        Some("FAIL_RELOAD") => "FAIL_RELOAD",
        _ => "FAIL_CLOSED",
    }
}

/// The module a running config points at, when it can be compared with the url: a
/// `file://` url is kept as the local file (`buildDataSource`); a remote one is either still
/// remote (its URI) or the agent's local copy, which only the digest identifies.
fn url_drift(asked: &ModuleSpec, running: Option<&str>) -> Option<Drift> {
    let (url, source) = (asked.url.as_deref()?, running?);
    let comparable = url.starts_with("file://")
        || (source.starts_with("http://") || source.starts_with("https://"));
    (comparable && url != source).then(|| Drift {
        field: "url",
        asked: url.to_string(),
        runs: source.to_string(),
    })
}

/// The differences between `spec` and the ECDS config `health` holds; empty when the entry is
/// not a Wasm module (missing, or an agent stand-in: those have their own verdicts).
pub fn drift(spec: &WasmPluginSpec, health: &EcdsHealth) -> Vec<Drift> {
    if health.state != EcdsState::Present || health.runtime.is_none() && health.source.is_none() {
        return Vec::new();
    }
    let asked = &spec.module;
    let running = &health.module;
    let mut out = Vec::new();
    if let (Some(a), Some(r)) = (&asked.sha256, &health.sha256) {
        differs(
            &mut out,
            "sha256",
            a.to_ascii_lowercase(),
            r.to_ascii_lowercase(),
        );
    }
    out.extend(url_drift(asked, health.source.as_deref()));
    // `buildWasmConfig`: an empty or absent pluginConfig sends no configuration, which the
    // dump shows as none or `{}`; compared as JSON values, not text.
    let empty = serde_json::json!({});
    let asked_config = asked.plugin_config.clone().unwrap_or_else(|| empty.clone());
    let running_config = running.configuration.clone().unwrap_or(empty);
    if asked_config != running_config {
        differs(
            &mut out,
            "pluginConfig",
            asked_config.to_string(),
            running_config.to_string(),
        );
    }
    if let Some(r) = &health.failure_policy {
        let a = failure_policy(asked.fail_strategy.as_deref());
        differs(&mut out, "failStrategy", a.to_string(), r.clone());
    }
    if let Some(r) = &health.runtime {
        differs(
            &mut out,
            "vmConfig runtime",
            DEFAULT_RUNTIME.to_string(),
            r.clone(),
        );
    }
    for (name, value) in &asked.inline_env {
        let runs = running.env.get(name).map_or("(unset)", String::as_str);
        differs(
            &mut out,
            "vmConfig.env",
            format!("{name}={value}"),
            format!("{name}={runs}"),
        );
    }
    for name in &asked.host_env {
        if !running.host_env_keys.contains(name) {
            differs(
                &mut out,
                "vmConfig.env",
                format!("{name} from the host"),
                "not among host_env_keys".into(),
            );
        }
    }
    // `buildVMConfig` sets the pull policy key only when the resource sets one; the agent
    // keeps it only for `file://` modules, so only a key that is there is compared.
    if let (Some(a), Some(r)) = (&asked.image_pull_policy, &running.image_pull_policy) {
        differs(&mut out, "imagePullPolicy", a.clone(), r.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::wasm::ecds::ModuleConfig;
    use crate::istio::manifest::resources_of;
    use crate::istio::wasm_plugin::wasm_plugin_of;

    fn spec(module: &str) -> WasmPluginSpec {
        let text = format!(
            "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata: {{name: p, namespace: default}}\nspec:\n{module}"
        );
        wasm_plugin_of(&resources_of(0, &text).unwrap()[0]).unwrap()
    }

    fn running(source: &str, sha256: Option<&str>, config: serde_json::Value) -> EcdsHealth {
        EcdsHealth {
            filter: "f".into(),
            plugin: Some("default/p".into()),
            state: EcdsState::Present,
            version_info: None,
            last_updated: None,
            source: Some(source.into()),
            sha256: sha256.map(str::to_string),
            failure_policy: Some("FAIL_CLOSED".into()),
            runtime: Some(DEFAULT_RUNTIME.into()),
            resource_version: None,
            listeners: Default::default(),
            module: ModuleConfig {
                configuration: Some(config),
                ..ModuleConfig::default()
            },
        }
    }

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    /// The agent names its local copy by the module's digest (`rewriteVMConfig`,
    /// pkg/wasm/convert.go), so a pinned sha256 is compared with it.
    #[test]
    fn a_pinned_digest_that_is_not_the_running_one_is_drift() {
        let s = spec(&format!("  url: oci://r/p:v1\n  sha256: {A}\n"));
        let same = running(
            "file:///var/lib/istio/data/x/a.wasm",
            Some(A),
            serde_json::json!({}),
        );
        assert!(drift(&s, &same).is_empty());
        let other = running(
            "file:///var/lib/istio/data/x/b.wasm",
            Some(B),
            serde_json::json!({}),
        );
        let d = drift(&s, &other);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].field, d[0].asked.as_str(), d[0].runs.as_str()),
            ("sha256", A, B)
        );
    }

    /// `buildWasmConfig` sends pluginConfig as the JSON of a StringValue: compared as JSON,
    /// so key order and spacing are no difference, a changed value is.
    #[test]
    fn plugin_config_is_compared_as_json() {
        let s = spec("  url: oci://r/p:v1\n  pluginConfig:\n    header: x-a\n    limit: 10\n");
        let same = running(
            "file:///m.wasm",
            None,
            serde_json::json!({"limit": 10, "header": "x-a"}),
        );
        assert!(drift(&s, &same).is_empty());
        let changed = running(
            "file:///m.wasm",
            None,
            serde_json::json!({"header": "x-b", "limit": 10}),
        );
        let d = drift(&s, &changed);
        assert_eq!(d[0].field, "pluginConfig");
        assert!(
            d[0].asked.contains("x-a") && d[0].runs.contains("x-b"),
            "{d:?}"
        );
    }

    /// `buildDataSource`: a `file://` url stays the local file; a remote url rewritten by the
    /// agent is identified only by its digest, so it is no url difference.
    #[test]
    fn urls_are_compared_only_where_they_survive() {
        let file = spec("  url: file:///opt/a.wasm\n");
        assert_eq!(
            drift(
                &file,
                &running("file:///opt/b.wasm", None, serde_json::json!({}))
            )[0]
            .field,
            "url"
        );
        let oci = spec("  url: oci://r/p:v1\n");
        assert!(
            drift(
                &oci,
                &running(
                    "file:///var/lib/istio/data/x/y.wasm",
                    None,
                    serde_json::json!({})
                )
            )
            .is_empty()
        );
    }

    #[test]
    fn fail_strategy_and_env_follow_build_wasm_config() {
        let s = spec(
            "  url: file:///m.wasm\n  failStrategy: FAIL_OPEN\n  vmConfig:\n    env:\n    - {name: MODE, value: strict}\n",
        );
        let mut r = running("file:///m.wasm", None, serde_json::json!({}));
        r.module.env.insert("MODE".into(), "lax".into());
        let fields: Vec<&str> = drift(&s, &r).iter().map(|d| d.field).collect();
        assert_eq!(fields, ["failStrategy", "vmConfig.env"]);
    }
}
