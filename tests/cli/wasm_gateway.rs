//! `wasm count` checks intent on gateways with istiod's rules (DOMAIN.md §6.4): istio/istio
//! 1.30.0 `pilot/pkg/model/policyattachment.go` `ShouldAttachPolicy` (a Gateway-API gateway
//! takes a `Gateway` targetRef naming its gateway-name label in its own namespace, else the
//! selector; a classic gateway the selector only) and `pilot/pkg/model/extensions.go`
//! `matchMode`/`workloadModeForListenerClass` (gateway chains are CLIENT class, so
//! `mode: SERVER` never applies) and `matchPorts` (the listener port `gateway.go` gives
//! `ListenerInfo`). Every plugin given is accounted for: attached here, or not attached with
//! the reason.
//! See: #16 (point 1)

use crate::support::wasm_run::wasm_count;

/// Gateway-API gateway `web` in `shop` on Istio 1.30: listener 0.0.0.0_8080 carries
/// `PLUGINS` (1.30 ECDS names).
fn gateway_api_dump(plugins: &[&str]) -> String {
    let filters: Vec<String> = plugins
        .iter()
        .map(|p| {
            format!(
                r#"{{"name":"extensions.istio.io/trafficextension/{p}","config_discovery":{{
       "type_urls":["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"]}}}},"#
            )
        })
        .collect();
    r#"{"configs":[
 {"@type":"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump","bootstrap":{"node":{
   "id":"router~10.244.0.9~web-istio-6d8.shop~shop.svc.cluster.local",
   "metadata":{"NAMESPACE":"shop","ISTIO_VERSION":"1.30.0",
    "LABELS":{"gateway.networking.k8s.io/gateway-name":"web","app":"web-istio"}}}}},
 {"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[
  {"name":"0.0.0.0_8080","active_state":{"listener":{"name":"0.0.0.0_8080",
   "address":{"socket_address":{"address":"0.0.0.0","port_value":8080}},
   "filter_chains":[{"filters":[{"name":"envoy.filters.network.http_connection_manager",
    "typed_config":{"http_filters":[PLUGINS
     {"name":"envoy.filters.http.router"}]}}]}]}}}]}]}"#
        .replace("PLUGINS", &filters.join(""))
}

/// One plugin per rule: attached by Gateway ref, by selector fallback, by a TrafficExtension's
/// Gateway ref; not attached: another Gateway, a Service ref, a ref from the root namespace,
/// mode SERVER, a port the listener does not have.
const PLUGINS: &str = "apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: by-ref, namespace: shop}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: web}]
  url: oci://x/a:1
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: by-selector, namespace: shop}
spec: {selector: {matchLabels: {app: web-istio}}, url: oci://x/b:1}
---
apiVersion: extensions.istio.io/v1alpha1
kind: TrafficExtension
metadata: {name: te, namespace: shop}
spec:
  targetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: web}
  wasm: {url: oci://x/te:1}
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: other-gw, namespace: shop}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: api}]
  url: oci://x/c:1
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: by-svc, namespace: shop}
spec:
  targetRefs: [{group: '', kind: Service, name: web}]
  url: oci://x/d:1
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: root-ref, namespace: istio-system}
spec:
  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: web}]
  url: oci://x/e:1
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: server-only, namespace: shop}
spec:
  match: [{mode: SERVER}]
  url: oci://x/f:1
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: {name: port-8443, namespace: shop}
spec:
  match: [{ports: [{number: 8443}]}]
  url: oci://x/g:1
";

const ATTACHED: [&str; 3] = [
    "shop.by-ref~istio-translated-wasmplugin",
    "shop.by-selector~istio-translated-wasmplugin",
    "shop.te",
];

/// `(verdict, plugin, detail)` of each verdict, the exit code and the table.
fn run(dump: String, name: &str) -> (i32, Vec<(String, String, String)>, String) {
    let (code, rows, table) = wasm_count(dump, PLUGINS, name);
    let rows = rows.into_iter().map(|(k, p, d, _)| (k, p, d)).collect();
    (code, rows, table)
}

#[test]
fn a_clean_gateway_api_gateway_accounts_for_every_plugin_and_exits_0() {
    let (code, got, table) = run(gateway_api_dump(&ATTACHED), "gw-clean");
    assert_eq!(code, 0, "{table}");
    assert!(
        table.contains("INTENT: checked against the given resources"),
        "{table}"
    );
    assert!(
        !table.contains("not checked") && !table.contains("not-checked"),
        "{table}"
    );
    assert!(table.ends_with("PROBLEMS: 0\n"), "{table}");
    let kinds: Vec<(&str, &str)> = got
        .iter()
        .map(|(k, p, _)| (k.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("expected-present", "shop/by-ref"),
            ("expected-present", "shop/by-selector"),
            ("expected-present", "shop/te"),
            ("not-attached", "istio-system/root-ref"),
            ("not-attached", "shop/by-svc"),
            ("not-attached", "shop/other-gw"),
            ("not-attached", "shop/port-8443"),
            ("not-attached", "shop/server-only"),
        ]
    );
    let detail = |p: &str| &got.iter().find(|v| v.1 == p).unwrap().2;
    assert!(
        detail("shop/other-gw").contains("targetRefs name Gateway api, this proxy is gateway web")
    );
    assert!(detail("shop/by-svc").contains("Service web, which attaches only on waypoints"));
    assert!(
        detail("istio-system/root-ref").contains("only from the gateway's own namespace (shop)")
    );
    assert!(detail("shop/server-only").contains("mode SERVER never applies on a gateway"));
    assert!(detail("shop/port-8443").contains("excludes gateway port 8080"));
}

#[test]
fn a_defective_gateway_api_gateway_reports_each_fault_and_exits_1() {
    // by-selector missing; other-gw (another Gateway's plugin) and server-only misplaced here.
    let dump = gateway_api_dump(&[
        "shop.by-ref~istio-translated-wasmplugin",
        "shop.te",
        "shop.other-gw~istio-translated-wasmplugin",
        "shop.server-only~istio-translated-wasmplugin",
    ]);
    let (code, got, table) = run(dump, "gw-defect");
    assert_eq!(code, 1, "{table}");
    let problems: Vec<(&str, &str)> = got
        .iter()
        .filter(|(k, _, _)| !matches!(k.as_str(), "expected-present" | "not-attached"))
        .map(|(k, p, _)| (k.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        problems,
        [
            ("expected-missing", "shop/by-selector"),
            ("present-not-expected", "shop/other-gw"),
            ("present-not-expected", "shop/server-only"),
        ]
    );
    assert!(table.contains("0.0.0.0_8080 - (ALL)"), "{table}");
    assert!(table.ends_with("PROBLEMS: 3\n"), "{table}");
}
