//! Which Services use which waypoint, from manifests: istio/istio 1.30.0
//! `pilot/pkg/serviceregistry/ambient/waypoints.go` `fetchWaypointForService` and
//! `getUseWaypoint` — the object's own `istio.io/use-waypoint` label (`none` opts out), else
//! its Namespace's; the waypoint's namespace from `istio.io/use-waypoint-namespace`, else the
//! object's. A waypoint's own Service (`gateway.istio.io/managed:
//! istio.io-mesh-controller`) and an east-west gateway's never use one.

use std::collections::BTreeMap;

use super::manifest::Resource;
use super::yaml_tree::Node;

const USE_WAYPOINT: &str = "istio.io/use-waypoint";
const USE_WAYPOINT_NAMESPACE: &str = "istio.io/use-waypoint-namespace";
const MANAGED: &str = "gateway.istio.io/managed";
const MANAGED_BY_ISTIO: [&str; 2] = ["istio.io-mesh-controller", "istio.io-eastwest-controller"];
/// The Gateway label naming the traffic a waypoint takes (`istio.io/waypoint-for`).
const WAYPOINT_FOR: &str = "istio.io/waypoint-for";

/// A Kubernetes Service bound to a waypoint by label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaypointUser {
    /// The Service's namespace.
    pub namespace: String,
    /// The Service's name.
    pub name: String,
    /// The waypoint (`namespace`, `name`) it names.
    pub waypoint: (String, String),
    /// The label that binds it, for messages (`istio.io/use-waypoint=waypoint`, or the same
    /// on namespace `shop`).
    pub bound_by: String,
}

/// Every Service in `resources` that names a waypoint, resolved as `getUseWaypoint` does
/// (Namespace objects in `resources` give the namespace-wide label). A waypoint Gateway in
/// `resources` whose `istio.io/waypoint-for` is `workload` or `none` takes no Service.
pub fn waypoint_users(resources: &[Resource]) -> Vec<WaypointUser> {
    let namespaces: BTreeMap<&str, &BTreeMap<String, String>> = resources
        .iter()
        .filter(|r| r.kind == "Namespace" && r.api_version == "v1")
        .map(|r| (r.name.as_str(), &r.labels))
        .collect();
    let gateway_api = |r: &&Resource, kind: &str| {
        r.kind == kind && r.api_version.starts_with("gateway.networking.k8s.io/")
    };
    let class_traffic: BTreeMap<&str, &str> = resources
        .iter()
        .filter(|r| gateway_api(r, "GatewayClass"))
        .filter_map(|r| Some((r.name.as_str(), r.labels.get(WAYPOINT_FOR)?.as_str())))
        .collect();
    // `gatewayToWaypointTransform`: the Gateway's label, else its GatewayClass's, else
    // `service`; `fetchWaypointForService` takes `service` and `all` only.
    let not_for_services: Vec<(&str, &str)> = resources
        .iter()
        .filter(|r| gateway_api(r, "Gateway"))
        .filter(|r| {
            let class = r
                .node
                .path(&["spec", "gatewayClassName"])
                .and_then(Node::as_scalar)
                .and_then(|c| class_traffic.get(c).copied());
            let traffic = r.labels.get(WAYPOINT_FOR).map(String::as_str).or(class);
            !matches!(traffic, None | Some("service" | "all"))
        })
        .map(|r| (r.namespace.as_str(), r.name.as_str()))
        .collect();
    resources
        .iter()
        .filter(|r| r.kind == "Service" && r.api_version == "v1")
        .filter(|r| {
            !r.labels
                .get(MANAGED)
                .is_some_and(|m| MANAGED_BY_ISTIO.contains(&m.as_str()))
        })
        .filter_map(|r| {
            let (labels, bound_by) = if r.labels.contains_key(USE_WAYPOINT) {
                (&r.labels, String::new())
            } else {
                let ns = namespaces.get(r.namespace.as_str())?;
                (*ns, format!(" on namespace {}", r.namespace))
            };
            let name = labels.get(USE_WAYPOINT)?;
            if name == "none" {
                return None;
            }
            let namespace = labels
                .get(USE_WAYPOINT_NAMESPACE)
                .cloned()
                .unwrap_or_else(|| r.namespace.clone());
            if not_for_services.contains(&(namespace.as_str(), name.as_str())) {
                return None;
            }
            Some(WaypointUser {
                namespace: r.namespace.clone(),
                name: r.name.clone(),
                waypoint: (namespace, name.clone()),
                bound_by: format!("{USE_WAYPOINT}={name}{bound_by}"),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::istio::manifest::resources_of;

    /// `getUseWaypoint`: own label first (`none` opts out even under a labelled namespace),
    /// then the Namespace's; `use-waypoint-namespace` moves the waypoint; the waypoint's own
    /// Service is skipped (`fetchWaypointForService`); a `waypoint-for: workload` Gateway, or
    /// one whose GatewayClass says so (`gatewayToWaypointTransform`), takes no Service.
    #[test]
    fn binds_as_get_use_waypoint_does() {
        let text = "\
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/use-waypoint: waypoint}}
---
apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
---
apiVersion: v1
kind: Service
metadata: {name: ratings, namespace: shop, labels: {istio.io/use-waypoint: none}}
---
apiVersion: v1
kind: Service
metadata: {name: waypoint, namespace: shop, labels: {gateway.istio.io/managed: istio.io-mesh-controller}}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: other, labels: {istio.io/use-waypoint: shared, istio.io/use-waypoint-namespace: infra}}
---
apiVersion: v1
kind: Service
metadata: {name: pods-only, namespace: other, labels: {istio.io/use-waypoint: wl}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: wl, namespace: other, labels: {istio.io/waypoint-for: workload}}
---
apiVersion: v1
kind: Service
metadata: {name: by-class, namespace: other, labels: {istio.io/use-waypoint: classy}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: classy, namespace: other}
spec: {gatewayClassName: workload-waypoints}
---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: workload-waypoints, labels: {istio.io/waypoint-for: workload}}
";
        let got: Vec<(String, (String, String), String)> =
            waypoint_users(&resources_of(0, text).unwrap())
                .into_iter()
                .map(|u| {
                    (
                        format!("{}/{}", u.namespace, u.name),
                        u.waypoint,
                        u.bound_by,
                    )
                })
                .collect();
        assert_eq!(
            got,
            [
                (
                    "shop/reviews".to_string(),
                    ("shop".to_string(), "waypoint".to_string()),
                    "istio.io/use-waypoint=waypoint on namespace shop".to_string()
                ),
                (
                    "other/cart".to_string(),
                    ("infra".to_string(), "shared".to_string()),
                    "istio.io/use-waypoint=shared".to_string()
                ),
            ]
        );
    }
}
