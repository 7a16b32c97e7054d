//! The part of a `ServiceEntry` the waypoint attachment check needs: its object name and
//! namespace for each host. A waypoint's per-service chain is named after the host
//! (`inbound-vip|PORT|PROTOCOL|HOST`), while a `ServiceEntry` targetRef names the object
//! (`ptr.NonEmptyOrDefault(service.Attributes.ObjectName, …)` in `WithService`), so only the
//! manifest joins the two.

use super::manifest::Resource;
use super::yaml_tree::Node;

/// One ServiceEntry: `metadata.namespace`/`name` and `spec.hosts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceEntryHosts {
    /// `metadata.namespace` (`default` when absent).
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `spec.hosts`.
    pub hosts: Vec<String>,
}

/// The ServiceEntry in `r`, if it is one (any `networking.istio.io` version).
pub fn service_entry_of(r: &Resource) -> Option<ServiceEntryHosts> {
    if r.kind != "ServiceEntry" || !r.api_version.starts_with("networking.istio.io/") {
        return None;
    }
    let hosts = r
        .node
        .path(&["spec", "hosts"])
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_scalar)
        .map(str::to_string)
        .collect();
    Some(ServiceEntryHosts {
        namespace: r.namespace.clone(),
        name: r.name.clone(),
        hosts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::istio::manifest::resources_of;

    #[test]
    fn reads_name_namespace_and_hosts() {
        let text = "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: api, namespace: shop}\nspec: {hosts: [api.example.com, b.example.com]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\n";
        let rs = resources_of(0, text).unwrap();
        assert_eq!(
            service_entry_of(&rs[0]),
            Some(ServiceEntryHosts {
                namespace: "shop".into(),
                name: "api".into(),
                hosts: vec!["api.example.com".into(), "b.example.com".into()],
            })
        );
        assert_eq!(service_entry_of(&rs[1]), None);
    }
}
