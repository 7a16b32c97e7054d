//! A Service that uses this waypoint (by its `istio.io/use-waypoint` label, from the
//! resources) but has no per-service chain in the dump: a plugin whose `Service` targetRef
//! names it is expected there and cannot be, so it is `expected-missing` rather than
//! attached nowhere. Only Services in the waypoint's own namespace are judged: a binding from
//! another namespace also needs the Gateway's `allowedRoutes`
//! (`AllowsAttachmentFromNamespace`), which the dump does not carry.

use std::collections::BTreeSet;

use crate::analysis::wasm::intent::chain_service::{ChainService, chain_service};
use crate::analysis::wasm::intent::context::ProxyContext;
use crate::analysis::wasm::placement::ChainSite;
use crate::istio::PluginKind;
use crate::istio::policy_attachment::{AttachmentRules, ServiceRefs};
use crate::istio::service_entry::ServiceEntryHosts;
use crate::istio::wasm_plugin::{WasmPluginSpec, WorkloadMode};
use crate::istio::waypoint_binding::WaypointUser;

/// Per plugin naming a bound Service that no chain serves: its `namespace/name` and the
/// sentence of its `expected-missing` verdict.
pub(super) fn unserved_services(
    ctx: &ProxyContext,
    ns: &str,
    plugins: &[WasmPluginSpec],
    users: &[WaypointUser],
    entries: &[ServiceEntryHosts],
    sites: &[&ChainSite],
) -> Vec<(String, String)> {
    let rules = AttachmentRules::for_minor(ctx.istio_minor);
    let Some(gateway) = rules.gateway_name(&ctx.labels) else {
        return Vec::new();
    };
    let served: BTreeSet<(&str, &str)> = sites
        .iter()
        .filter_map(|s| match chain_service(s, entries)? {
            ChainService::Kubernetes(name, namespace) => Some((name, namespace)),
            ChainService::External(_) => None,
        })
        .collect();
    let mut out = Vec::new();
    for user in users.iter().filter(|u| {
        u.waypoint.0 == ns
            && u.waypoint.1 == gateway
            && u.namespace == ns
            && !served.contains(&(u.name.as_str(), u.namespace.as_str()))
    }) {
        for p in plugins
            .iter()
            .filter(|p| names_service(p, user, ns, ctx, &rules))
        {
            out.push((
                p.id(),
                format!(
                    "its targetRef names Service {}/{}, which uses this waypoint ({}), but \
                     main_internal has no chain for that service",
                    user.namespace, user.name, user.bound_by
                ),
            ));
        }
    }
    out
}

/// Whether `p` attaches to `user`'s chains by a `Service` ref, by the release's rule, and
/// would run there: a kind the release reads, a `match` that takes SERVER class at port 0
/// (`matchMode`, `matchPorts`: what a waypoint's chains are).
fn names_service(
    p: &WasmPluginSpec,
    user: &WaypointUser,
    ns: &str,
    ctx: &ProxyContext,
    rules: &AttachmentRules,
) -> bool {
    if p.namespace != ns && p.namespace != ctx.root_namespace {
        return false;
    }
    if p.kind == PluginKind::TrafficExtension && !rules.traffic_extensions {
        return false;
    }
    let runs_on_waypoint = p.matches.is_empty()
        || p.matches
            .iter()
            .any(|m| m.mode != WorkloadMode::Client && m.ports.is_empty());
    if !runs_on_waypoint {
        return false;
    }
    p.refs_read(rules.target_fields).iter().any(|r| {
        r.kind == "Service"
            && (r.group.is_empty() || r.group == "core")
            && r.name == user.name
            && match rules.service_refs {
                ServiceRefs::Never => false,
                ServiceRefs::ByNameInWaypointNamespace => {
                    r.namespace.is_empty() || r.namespace == ns
                }
                ServiceRefs::InPolicyNamespace => p.namespace == user.namespace,
            }
    })
}
