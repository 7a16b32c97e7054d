//! Whether istiod attaches a plugin to a proxy at all (DOMAIN.md §6.4): the candidate
//! namespaces, then `ShouldAttachPolicy` (istio/istio `pilot/pkg/model/policyattachment.go`),
//! which tells sidecars and classic gateways (selector only; any targetRefs never attach)
//! from Gateway-API gateways (a `Gateway` targetRef in the proxy's namespace naming the
//! gateway, else the selector under `ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY`, default on).

use crate::analysis::wasm::intent::context::ProxyContext;
use crate::analysis::wasm::placement::{ChainSite, ProxyKind};
use crate::istio::selector::selects;
use crate::istio::wasm_plugin::{TargetRef, WasmPluginSpec};

/// The pod label that makes a proxy a Gateway-API gateway (`workloadGatewayName`).
const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";

/// The API group a `Gateway` targetRef must name (`matchesGroupKind` with
/// `gvk.KubernetesGateway`).
const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// Whether `p` applies to the proxy at all (namespace, targetRefs, selector); `Err` says why
/// not, in istiod's terms.
pub(super) fn applies(p: &WasmPluginSpec, ctx: &ProxyContext, ns: &str) -> Result<(), String> {
    if p.namespace != ns && p.namespace != ctx.root_namespace {
        return Err(format!(
            "its namespace {} is neither the proxy's ({ns}) nor the root namespace",
            p.namespace
        ));
    }
    let gateway_name = match ctx.kind {
        ProxyKind::Gateway => ctx.labels.get(GATEWAY_NAME_LABEL),
        _ => None,
    };
    match gateway_name {
        None if !p.target_refs.is_empty() || p.has_target_refs => Err(match ctx.kind {
            ProxyKind::Gateway => "it has targetRefs, which classic gateways (no label \
                                   gateway.networking.k8s.io/gateway-name) ignore"
                .into(),
            _ => "it has targetRefs, which sidecars ignore".into(),
        }),
        Some(gateway) if !p.target_refs.is_empty() => {
            // Any one ref that fits attaches; otherwise each ref's reason.
            let why: Vec<Option<String>> = p
                .target_refs
                .iter()
                .map(|r| gateway_ref_mismatch(r, p, ns, gateway))
                .collect();
            if why.iter().any(Option::is_none) {
                Ok(())
            } else {
                Err(why.into_iter().flatten().collect::<Vec<_>>().join("; "))
            }
        }
        // No targetRefs: the selector decides, on Gateway-API gateways too
        // (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY defaults to true).
        _ => match &p.selector {
            Some(sel) if !selects(sel, &ctx.labels) => {
                let text: Vec<_> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
                Err(format!(
                    "its selector {} does not match the proxy's labels",
                    text.join(",")
                ))
            }
            _ => Ok(()),
        },
    }
}

/// Why `r` does not attach `p` to Gateway-API gateway `gateway` in namespace `ns`; `None`
/// when it does. The order of the tests is `ShouldAttachPolicy`'s for a non-waypoint.
fn gateway_ref_mismatch(
    r: &TargetRef,
    p: &WasmPluginSpec,
    ns: &str,
    gateway: &str,
) -> Option<String> {
    let named = format!("targetRefs name {} {}", r.kind, r.name);
    if matches!(r.kind.as_str(), "Service" | "ServiceEntry" | "GatewayClass") {
        return Some(format!("{named}, which attaches only on waypoints"));
    }
    if p.namespace != ns {
        return Some(format!(
            "{named}, but a targetRef attaches only from the gateway's own namespace ({ns})"
        ));
    }
    if !r.namespace.is_empty() && r.namespace != ns {
        return Some(format!(
            "{named} in namespace {}, another namespace than the gateway's ({ns}), which never matches",
            r.namespace
        ));
    }
    if r.kind != "Gateway" || r.group != GATEWAY_GROUP {
        let group = if r.group.is_empty() { "core" } else { &r.group };
        return Some(format!(
            "{named} of group {group}, not a {GATEWAY_GROUP} Gateway"
        ));
    }
    if r.name != gateway {
        return Some(format!("{named}, this proxy is gateway {gateway}"));
    }
    None
}

/// The GatewayClass a root-namespace plugin names to reach every waypoint
/// (`constants.WaypointGatewayClassName`).
const WAYPOINT_CLASS: &str = "istio-waypoint";

/// The Kubernetes Service a waypoint chain serves, from the chain's name:
/// `listener_waypoint.go` names each per-service chain of `main_internal` after its cluster,
/// `inbound-vip|PORT|PROTOCOL|HOST`, and a Kubernetes host is `name.namespace.svc.…`.
/// `None` for other chains and for external (ServiceEntry) hosts.
fn served_service(site: &ChainSite) -> Option<(&str, &str)> {
    let mut parts = site.chain.split('|');
    if parts.next() != Some("inbound-vip") {
        return None;
    }
    let host = parts.nth(2)?;
    let mut labels = host.split('.');
    let (name, namespace) = (labels.next()?, labels.next()?);
    (labels.next() == Some("svc")).then_some((name, namespace))
}

/// Whether `site` is a per-service chain for an external (ServiceEntry) host.
fn serves_external_host(site: &ChainSite) -> bool {
    site.chain.starts_with("inbound-vip|") && served_service(site).is_none()
}

/// Whether `p` names a ServiceEntry, whose object name the dump does not carry (the
/// chain is named after the host), so a waypoint's verdict on it cannot be reached.
pub(super) fn names_service_entry(p: &WasmPluginSpec) -> bool {
    p.target_refs.iter().any(|r| r.kind == "ServiceEntry")
}

/// `ShouldAttachPolicy` on a waypoint for the chain `site` (`ListenerInfo.WithService`):
/// no selector ever applies; a `Service` ref attaches on the chains of that service when the
/// plugin is in the service's namespace; `GatewayClass istio-waypoint` from the root
/// namespace everywhere; a `Gateway` ref naming this waypoint from its own namespace.
pub(super) fn applies_on_waypoint(
    p: &WasmPluginSpec,
    ctx: &ProxyContext,
    ns: &str,
    site: &ChainSite,
) -> Result<(), String> {
    if p.target_refs.is_empty() {
        return Err("it has no targetRefs, and a waypoint never takes a plugin by selector".into());
    }
    let service = served_service(site);
    let why: Vec<Option<String>> = p
        .target_refs
        .iter()
        .map(|r| {
            let named = format!("targetRefs name {} {}", r.kind, r.name);
            match r.kind.as_str() {
                "Service" if r.group.is_empty() || r.group == "core" => match service {
                    Some((name, svc_ns)) if name == r.name && svc_ns == p.namespace => None,
                    Some((name, svc_ns)) if name == r.name => Some(format!(
                        "{named}, but the plugin is in {}, not the service's namespace {svc_ns}",
                        p.namespace
                    )),
                    Some((name, svc_ns)) => Some(format!(
                        "{named}, this chain serves service {svc_ns}/{name}"
                    )),
                    None if serves_external_host(site) => {
                        Some(format!("{named}, this chain serves an external host"))
                    }
                    None => Some(format!("{named}, this is not a per-service chain")),
                },
                "GatewayClass" if r.name == WAYPOINT_CLASS && r.group == GATEWAY_GROUP => {
                    (p.namespace != ctx.root_namespace).then(|| {
                        format!(
                            "{named}, which attaches only from the root namespace ({})",
                            ctx.root_namespace
                        )
                    })
                }
                "GatewayClass" => Some(format!(
                    "{named}, and only GatewayClass {WAYPOINT_CLASS} attaches to waypoints"
                )),
                "Gateway" => {
                    let gateway = ctx.labels.get(GATEWAY_NAME_LABEL).map(String::as_str);
                    gateway_ref_mismatch(r, p, ns, gateway.unwrap_or(""))
                }
                _ => Some(format!("{named}, which no waypoint rule attaches")),
            }
        })
        .collect();
    if why.iter().any(Option::is_none) {
        Ok(())
    } else {
        Err(why.into_iter().flatten().collect::<Vec<_>>().join("; "))
    }
}
