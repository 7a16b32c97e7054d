//! Which service a waypoint chain serves, from the chain's name and the ServiceEntries of
//! the resources. `listener_waypoint.go` names each per-service chain of `main_internal` after
//! its cluster: `inbound-vip|PORT|PROTOCOL|HOST` from 1.24, `inbound-vip|PORT||HOST-tcp` and
//! `…-http` in 1.22–1.23. istiod tells a Kubernetes Service from a ServiceEntry by its
//! registry (`provider.Kubernetes`, `provider.External`), which the name does not carry: a
//! host some given ServiceEntry declares is external, else a `name.namespace.svc.…` host is
//! a Kubernetes Service.

use crate::analysis::wasm::placement::ChainSite;
use crate::istio::service_entry::ServiceEntryHosts;

/// The service behind a per-service chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ChainService<'a> {
    /// A Kubernetes Service (`name`, `namespace`).
    Kubernetes(&'a str, &'a str),
    /// A ServiceEntry host.
    External(&'a str),
}

/// The host of a per-service chain; `None` for other chains.
pub(super) fn chain_host(site: &ChainSite) -> Option<&str> {
    let mut parts = site.chain.split('|');
    (parts.next() == Some("inbound-vip")).then_some(())?;
    let protocol = parts.nth(1)?;
    let host = parts.next()?;
    if protocol.is_empty() {
        // 1.22–1.23: the protocol is a suffix of the name, not a field.
        return host
            .strip_suffix("-http")
            .or_else(|| host.strip_suffix("-tcp"))
            .or(Some(host));
    }
    Some(host)
}

/// The service a waypoint chain serves; `None` for a chain that serves no service.
pub(super) fn chain_service<'a>(
    site: &'a ChainSite,
    entries: &[ServiceEntryHosts],
) -> Option<ChainService<'a>> {
    let host = chain_host(site)?;
    if !entries_for(host, entries).is_empty() {
        return Some(ChainService::External(host));
    }
    let mut labels = host.split('.');
    let kubernetes = match (labels.next(), labels.next(), labels.next()) {
        (Some(name), Some(namespace), Some("svc")) => {
            Some(ChainService::Kubernetes(name, namespace))
        }
        _ => None,
    };
    Some(kubernetes.unwrap_or(ChainService::External(host)))
}

/// The ServiceEntries (`namespace`, `name`) that declare `host`, deduplicated.
pub(super) fn entries_for<'e>(
    host: &str,
    entries: &'e [ServiceEntryHosts],
) -> Vec<(&'e str, &'e str)> {
    let mut found: Vec<(&str, &str)> = entries
        .iter()
        .filter(|e| e.hosts.iter().any(|h| h == host))
        .map(|e| (e.namespace.as_str(), e.name.as_str()))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The namespace of the service `site` serves, as `WasmPluginsByListenerInfo` adds it to the
/// namespaces it looks in (1.25+): the Service's, or the one ServiceEntry's that declares
/// the host.
pub(super) fn service_namespace<'a>(
    site: &'a ChainSite,
    entries: &'a [ServiceEntryHosts],
) -> Option<&'a str> {
    match chain_service(site, entries)? {
        ChainService::Kubernetes(_, namespace) => Some(namespace),
        ChainService::External(host) => match entries_for(host, entries)[..] {
            [(namespace, _)] => Some(namespace),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::wasm::placement::{ProxyKind, chain_sites};
    use crate::envoy::{Listener, ListenerState};

    fn site(chain: &str) -> ChainSite {
        let text = format!(
            r#"{{"name":"main_internal","filter_chains":[{{"name":"{chain}","filters":[]}}]}}"#
        );
        let l: Listener = serde_json::from_str(&text).unwrap();
        chain_sites(&[(ListenerState::Active, &l)], ProxyKind::Waypoint).remove(0)
    }

    /// `listener_waypoint.go`: 1.24+ names the chain after its cluster
    /// (`BuildSubsetKey(TrafficDirectionInboundVIP, "http", …)`); 1.22–1.23 after the subset-less
    /// key with a `-tcp`/`-http` suffix. A host a ServiceEntry declares is external even in
    /// the `.svc.` shape (istiod goes by the registry, not the name).
    #[test]
    fn reads_both_chain_namings_and_the_registry() {
        let entries = [ServiceEntryHosts {
            namespace: "shop".into(),
            name: "legacy".into(),
            hosts: vec!["legacy.shop.svc.cluster.local".into()],
        }];
        let s = site("inbound-vip|9080|http|reviews.shop.svc.cluster.local");
        assert_eq!(
            chain_service(&s, &[]),
            Some(ChainService::Kubernetes("reviews", "shop"))
        );
        let s = site("inbound-vip|9080||reviews.shop.svc.cluster.local-http");
        assert_eq!(
            chain_service(&s, &[]),
            Some(ChainService::Kubernetes("reviews", "shop"))
        );
        let s = site("inbound-vip|443||api.example.com-tcp");
        assert_eq!(
            chain_service(&s, &[]),
            Some(ChainService::External("api.example.com"))
        );
        let s = site("inbound-vip|80|http|legacy.shop.svc.cluster.local");
        assert_eq!(
            chain_service(&s, &entries),
            Some(ChainService::External("legacy.shop.svc.cluster.local"))
        );
        assert_eq!(service_namespace(&s, &entries), Some("shop"));
        assert_eq!(chain_service(&site("direct-http"), &entries), None);
    }
}
