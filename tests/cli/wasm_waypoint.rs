//! `wasm count` checks intent on waypoints with istiod's rules (DOMAIN.md §6.4): istio/istio
//! 1.30.0 `pilot/pkg/model/policyattachment.go` `ShouldAttachPolicy` with `IsWaypoint`
//! (never a selector; a `Service` ref from the service's namespace on that service's chains;
//! `GatewayClass istio-waypoint` from the root namespace everywhere) and
//! `pilot/pkg/networking/core/listener_waypoint.go` (per-service chains of `main_internal`
//! are inbound, SERVER class, port 0: `extensions.go` `matchMode`, `matchPorts`).
//! See: #16 (point 1)

use crate::bug_report::scratch;
use crate::support::Test;
use crate::support::wasm_run::{VerdictRow, wasm_count};

/// Waypoint `waypoint` in `shop` on Istio 1.30: `main_internal` with an HTTP chain for
/// shop/reviews carrying `plugins` (WasmPlugins, 1.30 ECDS names) and one for shop/ratings.
fn waypoint_dump(plugins: &[&str]) -> String {
    waypoint_dump_with(plugins, "")
}

/// [`waypoint_dump`] with `extra` (chains, each followed by a comma) before the others.
fn waypoint_dump_with(plugins: &[&str], extra: &str) -> String {
    let filters: Vec<String> = plugins
        .iter()
        .map(|p| {
            format!(
                r#"{{"name":"extensions.istio.io/trafficextension/{p}~istio-translated-wasmplugin","config_discovery":{{
       "type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}}}},"#
            )
        })
        .collect();
    let hcm = |filters: &str| {
        format!(
            r#"[{{"name":"envoy.filters.network.http_connection_manager","typed_config":{{"http_filters":[{filters}{{"name":"envoy.filters.http.router"}}]}}}}]"#
        )
    };
    format!(
        r#"{{"configs":[
 {{"@type":"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump","bootstrap":{{"node":{{
   "id":"waypoint~10.244.0.11~waypoint-5f7.shop~shop.svc.cluster.local",
   "metadata":{{"NAMESPACE":"shop","ISTIO_VERSION":"1.30.0",
    "LABELS":{{"gateway.networking.k8s.io/gateway-name":"waypoint"}}}}}}}}}},
 {{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[
  {{"name":"main_internal","active_state":{{"listener":{{"name":"main_internal","filter_chains":[{extra}
   {{"name":"inbound-vip|9080|http|reviews.shop.svc.cluster.local","filters":{}}},
   {{"name":"inbound-vip|9080|http|ratings.shop.svc.cluster.local","filters":{}}}]}}}}}}]}}]}}"#,
        hcm(&filters.join("")),
        hcm(
            r#"{"name":"extensions.istio.io/trafficextension/istio-system.mesh~istio-translated-wasmplugin","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}},"#
        )
    )
}

const PLUGINS: &str = "apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: reviews-auth, namespace: shop}
spec:
  targetRefs: [{group: '', kind: Service, name: reviews}]
  url: oci://x/a:1
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: mesh, namespace: istio-system}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: GatewayClass, name: istio-waypoint}]
  url: oci://x/b:1
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: by-selector, namespace: shop}
spec: {selector: {matchLabels: {app: reviews}}, url: oci://x/c:1}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: client-only, namespace: shop}
spec:
  targetRefs: [{group: '', kind: Service, name: reviews}]
  match: [{mode: CLIENT}]
  url: oci://x/d:1
";

type Row = VerdictRow;

/// Each verdict as a [`Row`], the exit code and the table.
fn run(dump: String, name: &str) -> (i32, Vec<Row>, String) {
    run_with(dump, name, "")
}

/// [`run`] with `extra` manifests after [`PLUGINS`].
fn run_with(dump: String, name: &str, extra: &str) -> (i32, Vec<Row>, String) {
    wasm_count(dump, &format!("{PLUGINS}{extra}"), name)
}

#[test]
fn a_clean_waypoint_accounts_for_every_plugin_and_exits_0() {
    let (code, got, table) = run(
        waypoint_dump(&["shop.reviews-auth", "istio-system.mesh"]),
        "wp-clean",
    );
    assert_eq!(code, 0, "{table}");
    assert!(
        !table.contains("not checked") && !table.contains("gateway"),
        "{table}"
    );
    assert!(table.contains("inbound: 2"), "{table}");
    let kinds: Vec<(&str, &str)> = got.iter().map(|v| (v.0.as_str(), v.1.as_str())).collect();
    assert_eq!(
        kinds,
        [
            ("expected-present", "istio-system/mesh"),
            ("expected-present", "shop/reviews-auth"),
            ("not-attached", "shop/by-selector"),
            ("not-attached", "shop/client-only"),
        ]
    );
    assert!(got[0].2.contains("on 2 of 2"), "{got:#?}");
    assert!(got[1].3.contains("reviews.shop") && !got[1].3.contains("ratings"));
    assert!(got[2].2.contains("never takes a plugin by selector"));
    assert!(got[3].2.contains("mode CLIENT never applies on a waypoint"));
}

#[test]
fn a_defective_waypoint_reports_the_fault_on_the_right_chain_and_exits_1() {
    // reviews-auth missing from reviews' chain; client-only there although CLIENT never applies.
    let (code, got, table) = run(
        waypoint_dump(&["shop.client-only", "istio-system.mesh"]),
        "wp-defect",
    );
    assert_eq!(code, 1, "{table}");
    let problems: Vec<(&str, &str)> = got
        .iter()
        .filter(|v| !matches!(v.0.as_str(), "expected-present" | "not-attached"))
        .map(|v| (v.0.as_str(), v.1.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            ("expected-missing", "shop/reviews-auth"),
            ("present-not-expected", "shop/client-only"),
        ]
    );
    let missing = got.iter().find(|v| v.0 == "expected-missing").unwrap();
    assert!(
        missing
            .3
            .contains("inbound-vip|9080|http|reviews.shop.svc.cluster.local")
    );
}

/// A ServiceEntry ref on a waypoint (1.24+, `ShouldAttachPolicy`'s "ServiceEntry attached":
/// the ref names the entry's object, the plugin lives in its namespace, registry External).
/// The dump names the chain after the host, so the verdict needs the ServiceEntry that
/// declares it: without it the plugin is `not-checked` (`resource-missing`) and
/// `--fail-on-unchecked` decides the exit code; with it, an ordinary verdict.
#[test]
fn a_service_entry_ref_on_a_waypoint_resolves_through_the_given_service_entry() {
    let dir = scratch("wp-se");
    let manifests = dir.join("plugins.yaml");
    let plugin = "---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: egress, namespace: shop}
spec:
  targetRefs: [{group: networking.istio.io, kind: ServiceEntry, name: api}]
  url: oci://x/e:1
";
    let entry = "---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec: {hosts: [api.example.com], ports: [{number: 443, name: http, protocol: HTTP}]}
";
    let external = r#"
   {"name":"inbound-vip|443|http|api.example.com","filters":[{"name":"envoy.filters.network.http_connection_manager","typed_config":{"http_filters":[
     {"name":"extensions.istio.io/trafficextension/shop.egress~istio-translated-wasmplugin","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}},
     {"name":"extensions.istio.io/trafficextension/istio-system.mesh~istio-translated-wasmplugin","config_discovery":{"type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}},
     {"name":"envoy.filters.http.router"}]}}]},"#;
    let dump = waypoint_dump_with(&["shop.reviews-auth", "istio-system.mesh"], external);
    let args = |manifests: &std::path::Path| {
        [
            "wasm",
            "count",
            "-f",
            "-",
            "--resources",
            manifests.to_str().unwrap(),
        ]
        .map(str::to_string)
    };

    std::fs::write(&manifests, format!("{PLUGINS}{plugin}")).unwrap();
    let out = Test::new(args(&manifests)).stdin(dump.clone()).run();
    assert_eq!((out.code, out.stderr.as_str()), (1, ""), "{}", out.stdout);
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with(" not-checked "))
        .unwrap_or_default();
    assert!(
        row.contains("shop/egress") && row.contains("api.example.com"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("PROBLEMS: 0; NOT CHECKED: 1"),
        "{}",
        out.stdout
    );
    let off = Test::new(
        args(&manifests)
            .iter()
            .chain(&["--fail-on-unchecked=false".to_string()]),
    )
    .stdin(dump.clone())
    .run();
    assert_eq!((off.code, &off.stdout), (0, &out.stdout));

    let _ = std::fs::remove_dir_all(dir);
    let (code, got, table) = run_with(dump, "wp-se-given", &format!("{plugin}{entry}"));
    assert_eq!(code, 0, "{table}");
    let egress: Vec<&Row> = got.iter().filter(|v| v.1 == "shop/egress").collect();
    assert_eq!(egress.len(), 1, "{egress:#?}");
    assert_eq!(egress[0].0, "expected-present");
    assert_eq!(
        egress[0].3,
        r#"["main_internal inbound-vip|443|http|api.example.com (ALL)"]"#
    );
}

/// A Service bound to the waypoint by `istio.io/use-waypoint` (istio/istio 1.30.0
/// `ambient/waypoints.go` `getUseWaypoint`, own label then the Namespace's) that the dump
/// has no per-service chain for: a plugin naming it is `expected-missing`, not unattached.
/// A Service that opts out (`none`) is not bound, so its plugin is attached nowhere.
#[test]
fn a_bound_service_without_a_chain_is_reported_missing() {
    let extra = "---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/use-waypoint: waypoint}}
---
apiVersion: v1
kind: Service
metadata: {name: details, namespace: shop}
spec: {ports: [{port: 9080, name: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: legacy, namespace: shop, labels: {istio.io/use-waypoint: none}}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: details-auth, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: '', name: details}]
  url: oci://x/f:1
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: legacy-auth, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: '', name: legacy}]
  url: oci://x/g:1
";
    let dump = waypoint_dump(&["shop.reviews-auth", "istio-system.mesh"]);
    let (code, got, table) = run_with(dump, "wp-unserved", extra);
    assert_eq!(code, 1, "{table}");
    let verdict = |plugin: &str| {
        got.iter()
            .find(|v| v.1 == plugin)
            .cloned()
            .unwrap_or_default()
    };
    let details = verdict("shop/details-auth");
    assert_eq!(details.0, "expected-missing", "{details:#?}");
    assert!(
        details.2.contains("Service shop/details")
            && details
                .2
                .contains("istio.io/use-waypoint=waypoint on namespace shop"),
        "{}",
        details.2
    );
    assert_eq!(verdict("shop/legacy-auth").0, "not-attached");
}
