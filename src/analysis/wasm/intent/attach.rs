//! Whether istiod attaches a plugin to a proxy at all (DOMAIN.md §6.4): the candidate
//! namespaces, then the release's attachment rule (`istio::policy_attachment`: selector only
//! before 1.20, `getPolicyMatcher` in 1.20–1.21, `ShouldAttachPolicy` in
//! istio/istio `pilot/pkg/model/policyattachment.go` from 1.22), which tells sidecars and
//! classic gateways (selector only; any targetRefs never attach) from Gateway-API gateways (a
//! `Gateway` targetRef naming the gateway, else the selector under
//! `ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY`, default on) and waypoints (per chain,
//! `ListenerInfo.WithService`).

use crate::analysis::wasm::intent::chain_service::{
    ChainService, chain_service, entries_for, service_namespace,
};
use crate::analysis::wasm::intent::context::ProxyContext;
use crate::analysis::wasm::placement::{ChainSite, ProxyKind};
use crate::istio::PluginKind;
use crate::istio::policy_attachment::{AttachmentRules, ServiceRefs, TargetFields};
use crate::istio::selector::selects;
use crate::istio::service_entry::ServiceEntryHosts;
use crate::istio::wasm_plugin::{TargetRef, WasmPluginSpec};

/// The API group a `Gateway` or `GatewayClass` targetRef must name (`matchesGroupKind`).
const GATEWAY_GROUP: &str = "gateway.networking.k8s.io";

/// The API group of `ServiceEntry` (`gvk.ServiceEntry`).
const NETWORKING_GROUP: &str = "networking.istio.io";

/// The GatewayClass a root-namespace plugin names to reach every waypoint
/// (`constants.WaypointGatewayClassName`).
const WAYPOINT_CLASS: &str = "istio-waypoint";

/// Whether `p` applies to the proxy at all (namespace, targetRefs, selector); `Err` says why
/// not, in istiod's terms.
pub(super) fn applies(p: &WasmPluginSpec, ctx: &ProxyContext, ns: &str) -> Result<(), String> {
    in_candidate_namespace(p, ctx, ns)?;
    let rules = AttachmentRules::for_minor(ctx.istio_minor);
    let refs = p.refs_read(rules.target_fields);
    let gateway_name = match ctx.kind {
        ProxyKind::Gateway | ProxyKind::Waypoint => rules.gateway_name(&ctx.labels),
        _ => None,
    };
    match gateway_name {
        None if !refs.is_empty() => Err(match ctx.kind {
            ProxyKind::Gateway | ProxyKind::Waypoint => format!(
                "it has targetRefs, which classic gateways (no label {}) ignore",
                gateway_label_words(&rules)
            ),
            _ => "it has targetRefs, which sidecars ignore".into(),
        }),
        Some(gateway) if !refs.is_empty() => any_ref(refs.iter().map(|r| {
            gateway_ref_mismatch(r, p, ns, gateway, &rules, ctx.kind == ProxyKind::Waypoint)
        })),
        // No targetRefs: the selector decides, on Gateway-API gateways too
        // (ENABLE_SELECTOR_BASED_K8S_GATEWAY_POLICY defaults to true).
        _ => selector_rule(p, ctx),
    }
}

/// `lookupInNamespaces`: the proxy's namespace and the root namespace; and the kind must
/// exist in the release (TrafficExtension from 1.30).
fn in_candidate_namespace(p: &WasmPluginSpec, ctx: &ProxyContext, ns: &str) -> Result<(), String> {
    let rules = AttachmentRules::for_minor(ctx.istio_minor);
    if p.kind == PluginKind::TrafficExtension && !rules.traffic_extensions {
        return Err(format!(
            "Istio 1.{} has no TrafficExtension (istiod reads them from 1.30)",
            rules.minor
        ));
    }
    if p.namespace != ns && p.namespace != ctx.root_namespace {
        return Err(format!(
            "its namespace {} is neither the proxy's ({ns}) nor the root namespace",
            p.namespace
        ));
    }
    Ok(())
}

fn selector_rule(p: &WasmPluginSpec, ctx: &ProxyContext) -> Result<(), String> {
    match &p.selector {
        Some(sel) if !selects(sel, &ctx.labels) => {
            let text: Vec<_> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
            Err(format!(
                "its selector {} does not match the proxy's labels",
                text.join(",")
            ))
        }
        _ => Ok(()),
    }
}

/// Any one ref that fits attaches; otherwise each ref's reason.
fn any_ref(why: impl Iterator<Item = Option<String>>) -> Result<(), String> {
    let why: Vec<Option<String>> = why.collect();
    if why.iter().any(Option::is_none) {
        Ok(())
    } else {
        Err(why.into_iter().flatten().collect::<Vec<_>>().join("; "))
    }
}

fn gateway_label_words(rules: &AttachmentRules) -> &'static str {
    match rules.minor {
        20 => "istio.io/gateway-name",
        21..=23 => "gateway.networking.k8s.io/gateway-name (or istio.io/gateway-name)",
        _ => "gateway.networking.k8s.io/gateway-name",
    }
}

fn named(r: &TargetRef) -> String {
    format!("targetRefs name {} {}", r.kind, r.name)
}

/// `matchesGroupKind` with `config.CanonicalGroup` (`""` is `core`); 1.20–1.21 compared the
/// group as written, which differs only for the core group no `Gateway` lives in.
fn is_group(r: &TargetRef, group: &str) -> bool {
    let canonical = |g: &str| if g.is_empty() { "core" } else { g }.to_string();
    canonical(&r.group) == canonical(group)
}

/// Why `r` does not attach `p` as a `Gateway` ref to Gateway-API gateway `gateway` in
/// namespace `ns`; `None` when it does. The order of the tests is the release's.
fn gateway_ref_mismatch(
    r: &TargetRef,
    p: &WasmPluginSpec,
    ns: &str,
    gateway: &str,
    rules: &AttachmentRules,
    on_waypoint: bool,
) -> Option<String> {
    let named = named(r);
    let release = rules.minor;
    if r.kind != "Gateway" && !on_waypoint {
        let since = match r.kind.as_str() {
            "Service" => Some(("Service", 22)),
            "ServiceEntry" => Some(("ServiceEntry", 24)),
            "GatewayClass" => Some(("GatewayClass", 25)),
            _ => None,
        };
        return Some(match since {
            Some((_, from)) if release >= from => {
                format!("{named}, which attaches only on waypoints")
            }
            Some((kind, from)) => format!(
                "{named}, and Istio 1.{release} attaches no {kind} refs (waypoints take them from 1.{from})"
            ),
            None => format!("{named}, which no gateway rule attaches"),
        });
    }
    if rules.gateway_ref_needs_own_namespace && p.namespace != ns {
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
    if r.kind != "Gateway" || !is_group(r, GATEWAY_GROUP) {
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

/// Why the verdict of `p` on the waypoint chain `site` cannot be reached: it names a
/// ServiceEntry, the chain serves an external host, and the resources do not say which one
/// ServiceEntry declares that host.
pub(super) fn unresolved_on_waypoint(
    p: &WasmPluginSpec,
    ctx: &ProxyContext,
    site: &ChainSite,
    entries: &[ServiceEntryHosts],
) -> Option<String> {
    let rules = AttachmentRules::for_minor(ctx.istio_minor);
    let names_entry = p
        .refs_read(rules.target_fields)
        .iter()
        .any(|r| r.kind == "ServiceEntry" && is_group(r, NETWORKING_GROUP));
    let Some(ChainService::External(host)) = chain_service(site, entries) else {
        return None;
    };
    if !rules.service_entry_refs || !names_entry {
        return None;
    }
    match entries_for(host, entries).len() {
        1 => None,
        0 => Some(format!(
            "not checked: chain {} serves host {host}, and no ServiceEntry among the resources \
             declares it (give the ServiceEntries in --resources)",
            site.chain
        )),
        n => Some(format!(
            "not checked: {n} ServiceEntries among the resources declare host {host}; which one \
             istiod's service for chain {} stands for is not in the dump",
            site.chain
        )),
    }
}

/// The release's rule on a waypoint for the chain `site` (`ListenerInfo.WithService`).
/// From 1.22 no selector ever applies; a `Service` ref attaches on the chains of that service
/// (1.24: from the service's namespace; 1.22–1.23: by name, ref namespace the waypoint's); a
/// `ServiceEntry` ref on the chains of that entry's hosts (1.24); `GatewayClass
/// istio-waypoint` from the root namespace everywhere (1.25); a `Gateway` ref naming this
/// waypoint. 1.20–1.21 (`getPolicyMatcher`) know only `Gateway` refs, and take a plugin with
/// neither targetRef nor selector; before 1.20 the selector decides, as on any proxy.
pub(super) fn applies_on_waypoint(
    p: &WasmPluginSpec,
    ctx: &ProxyContext,
    ns: &str,
    site: &ChainSite,
    entries: &[ServiceEntryHosts],
) -> Result<(), String> {
    let rules = AttachmentRules::for_minor(ctx.istio_minor);
    // 1.25+ also looks in the namespace of the chain's service (`WasmPluginsByListenerInfo`).
    let service_ns =
        service_namespace(site, entries).filter(|_| rules.waypoint_looks_in_service_namespace);
    if service_ns != Some(p.namespace.as_str()) {
        in_candidate_namespace(p, ctx, ns)?;
    }
    let Some(gateway) = rules.gateway_name(&ctx.labels) else {
        // Before 1.20, or a waypoint without the release's gateway label: not a Gateway-API
        // proxy to istiod, so the sidecar rule.
        return applies(p, ctx, ns);
    };
    let refs = p.refs_read(rules.target_fields);
    if refs.is_empty() {
        return match (&p.selector, rules.waypoint_takes_unscoped) {
            (None, true) => Ok(()),
            (Some(_), true) => Err("it has a selector and no targetRef, and a waypoint \
                                    ignores selectors"
                .into()),
            _ => {
                Err("it has no targetRefs, and a waypoint never takes a plugin by selector".into())
            }
        };
    }
    if rules.target_fields == TargetFields::TargetRef {
        let r = refs[0];
        return match gateway_ref_mismatch(r, p, ns, gateway, &rules, true) {
            None => Ok(()),
            Some(why) if r.kind != "Gateway" => Err(format!(
                "{why} (Istio 1.{} attaches only Gateway refs)",
                rules.minor
            )),
            Some(why) => Err(why),
        };
    }
    any_ref(
        refs.iter()
            .map(|r| waypoint_ref_mismatch(r, p, ctx, ns, site, entries, &rules, gateway)),
    )
}

/// Why one ref does not attach `p` on the waypoint chain `site`; `None` when it does.
#[allow(clippy::too_many_arguments)]
fn waypoint_ref_mismatch(
    r: &TargetRef,
    p: &WasmPluginSpec,
    ctx: &ProxyContext,
    ns: &str,
    site: &ChainSite,
    entries: &[ServiceEntryHosts],
    rules: &AttachmentRules,
    gateway: &str,
) -> Option<String> {
    let named = named(r);
    let release = rules.minor;
    match r.kind.as_str() {
        "Service" if is_group(r, "") => {
            let served = chain_service(site, entries);
            let service = match served {
                Some(ChainService::Kubernetes(name, namespace)) => Some((name, namespace)),
                _ => None,
            };
            match (rules.service_refs, service) {
                (ServiceRefs::Never, _) => Some(format!(
                    "{named}, and Istio 1.{release} attaches no Service refs (from 1.22)"
                )),
                (ServiceRefs::ByNameInWaypointNamespace, Some((name, _))) if name == r.name => {
                    (!r.namespace.is_empty() && r.namespace != ns).then(|| {
                        format!("{named} in namespace {}, not the waypoint's ({ns})", r.namespace)
                    })
                }
                (ServiceRefs::InPolicyNamespace, Some((name, svc_ns))) if name == r.name => {
                    (svc_ns != p.namespace).then(|| {
                        format!(
                            "{named}, but the plugin is in {}, not the service's namespace {svc_ns}",
                            p.namespace
                        )
                    })
                }
                (_, Some((name, svc_ns))) => Some(format!(
                    "{named}, this chain serves service {svc_ns}/{name}"
                )),
                (_, None) if matches!(served, Some(ChainService::External(_))) => {
                    Some(format!("{named}, this chain serves an external host"))
                }
                (_, None) => Some(format!("{named}, this is not a per-service chain")),
            }
        }
        "ServiceEntry" if is_group(r, NETWORKING_GROUP) => {
            if !rules.service_entry_refs {
                return Some(format!(
                    "{named}, and Istio 1.{release} attaches no ServiceEntry refs (from 1.24)"
                ));
            }
            let host = match chain_service(site, entries) {
                Some(ChainService::External(host)) => host,
                Some(ChainService::Kubernetes(name, svc_ns)) => {
                    return Some(format!(
                        "{named}, this chain serves Kubernetes service {svc_ns}/{name}"
                    ));
                }
                None => return Some(format!("{named}, this is not a per-service chain")),
            };
            match entries_for(host, entries)[..] {
                [(se_ns, se_name)] if se_name == r.name && se_ns == p.namespace => None,
                [(se_ns, se_name)] if se_name == r.name => Some(format!(
                    "{named}, but the plugin is in {}, not the ServiceEntry's namespace {se_ns}",
                    p.namespace
                )),
                [(se_ns, se_name)] => Some(format!(
                    "{named}, this chain serves host {host} of ServiceEntry {se_ns}/{se_name}"
                )),
                // Unknown or ambiguous: `unresolved_on_waypoint` reports it.
                _ => Some(format!("{named}, host {host}'s ServiceEntry is not known")),
            }
        }
        "GatewayClass" if !rules.gateway_class_refs => Some(format!(
            "{named}, and Istio 1.{release} attaches no GatewayClass refs (from 1.25)"
        )),
        "GatewayClass" if r.name == WAYPOINT_CLASS && is_group(r, GATEWAY_GROUP) => {
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
        "Gateway" => gateway_ref_mismatch(r, p, ns, gateway, rules, true),
        _ => Some(format!("{named}, which no waypoint rule attaches")),
    }
}
