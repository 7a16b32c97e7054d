//! istiod's policy attachment rules, release by release (DOMAIN.md §6.4): which of a
//! WasmPlugin's `targetRef`/`targetRefs`/`selector` istiod reads, which kinds a ref may name
//! on which proxy, and which namespaces must agree. Read from istio/istio
//! `pilot/pkg/model/policyattachment.go` at each X.Y.0 tag: none before 1.20 (selector only,
//! `WasmPluginWrapper.MatchListener`), `getPolicyMatcher` in 1.20–1.21, `ShouldAttachPolicy`
//! from 1.22, `ServiceEntry` refs from 1.24, `GatewayClass` refs and the policy-namespace
//! check for `Gateway` refs from 1.25 (unchanged through 1.30); TrafficExtension is read from
//! 1.30.

use std::collections::BTreeMap;

/// The pod label of a Gateway-API gateway (`constants.GatewayNameLabel` from 1.21).
pub const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";

/// The label 1.20 used for the same (`constants.GatewayNameLabel` in 1.20,
/// `DeprecatedGatewayNameLabel` as a fallback in 1.21–1.23, gone in 1.24).
pub const LEGACY_GATEWAY_NAME_LABEL: &str = "istio.io/gateway-name";

/// Which of a policy's target fields istiod reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetFields {
    /// Before 1.20 the API has neither field: the API server prunes them and only the
    /// selector counts.
    None,
    /// 1.20–1.21: `targetRef` only (`getPolicyMatcher`); `targetRefs` does not exist yet.
    TargetRef,
    /// From 1.22: `targetRefs`, else `targetRef` (`GetTargetRefs`).
    TargetRefs,
}

/// How a `Service` targetRef attaches on a waypoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceRefs {
    /// Before 1.22: never (only `Gateway` refs exist).
    Never,
    /// 1.22–1.23: the ref's name is the chain's service name, and the ref's namespace is
    /// empty or the waypoint's; neither the service's nor the policy's namespace is compared.
    ByNameInWaypointNamespace,
    /// From 1.24: the ref's name is the service's object name and the policy lives in the
    /// service's namespace (`policyName.Namespace == svc.Namespace`).
    InPolicyNamespace,
}

/// The attachment rules of one Istio release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentRules {
    /// The release (1.N), for messages.
    pub minor: u32,
    /// Which target fields count.
    pub target_fields: TargetFields,
    /// `Service` refs on waypoints.
    pub service_refs: ServiceRefs,
    /// `ServiceEntry` refs attach on waypoints (from 1.24).
    pub service_entry_refs: bool,
    /// `GatewayClass istio-waypoint` from the root namespace attaches on waypoints (1.25).
    pub gateway_class_refs: bool,
    /// A `Gateway` ref attaches only from a policy in the gateway's namespace (1.25); before,
    /// a root-namespace policy naming the gateway attached too.
    pub gateway_ref_needs_own_namespace: bool,
    /// On a waypoint, istiod also looks for plugins in the namespace of each chain's service
    /// (`WasmPluginsByListenerInfo` adds `info.Services[i]`'s namespace, 1.25); before, only
    /// the proxy's and the root namespace.
    pub waypoint_looks_in_service_namespace: bool,
    /// istiod reads TrafficExtensions (1.30; before, the kind does not exist).
    pub traffic_extensions: bool,
    /// On a waypoint, a policy with neither targetRef nor selector attaches (1.20–1.21: it
    /// falls through to `policyMatchSelector` with no selector); from 1.22 a waypoint takes
    /// nothing without targetRefs, and before 1.20 the selector rule applies as anywhere.
    pub waypoint_takes_unscoped: bool,
}

/// The newest release whose rules are written here; a dump without a version is read by it.
pub const CURRENT_MINOR: u32 = 30;

impl AttachmentRules {
    /// The rules of Istio 1.`minor` (`None`: the current release).
    pub fn for_minor(minor: Option<u32>) -> Self {
        let m = minor.unwrap_or(CURRENT_MINOR);
        AttachmentRules {
            minor: m,
            target_fields: match m {
                ..=19 => TargetFields::None,
                20..=21 => TargetFields::TargetRef,
                _ => TargetFields::TargetRefs,
            },
            service_refs: match m {
                ..=21 => ServiceRefs::Never,
                22..=23 => ServiceRefs::ByNameInWaypointNamespace,
                _ => ServiceRefs::InPolicyNamespace,
            },
            service_entry_refs: m >= 24,
            gateway_class_refs: m >= 25,
            gateway_ref_needs_own_namespace: m >= 25,
            waypoint_looks_in_service_namespace: m >= 25,
            traffic_extensions: m >= 30,
            waypoint_takes_unscoped: (20..=21).contains(&m),
        }
    }

    /// The gateway name of a Gateway-API gateway pod from its labels, by the labels this
    /// release reads (`workloadGatewayName` / `KubernetesGatewayNameAndExists`); `None` for
    /// any other proxy. Before 1.20 istiod makes no such distinction.
    pub fn gateway_name<'l>(&self, labels: &'l BTreeMap<String, String>) -> Option<&'l str> {
        let keys: &[&str] = match self.minor {
            ..=19 => &[],
            20 => &[LEGACY_GATEWAY_NAME_LABEL],
            21..=23 => &[GATEWAY_NAME_LABEL, LEGACY_GATEWAY_NAME_LABEL],
            _ => &[GATEWAY_NAME_LABEL],
        };
        keys.iter().find_map(|k| labels.get(*k)).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each boundary, read at the X.Y.0 tags of `policyattachment.go` named above.
    #[test]
    fn each_release_boundary_is_where_istiod_changed() {
        let r = |m| AttachmentRules::for_minor(Some(m));
        assert_eq!(r(19).target_fields, TargetFields::None);
        assert_eq!(r(20).target_fields, TargetFields::TargetRef);
        assert_eq!(r(21).target_fields, TargetFields::TargetRef);
        assert_eq!(r(22).target_fields, TargetFields::TargetRefs);
        assert_eq!(r(21).service_refs, ServiceRefs::Never);
        assert_eq!(r(22).service_refs, ServiceRefs::ByNameInWaypointNamespace);
        assert_eq!(r(23).service_refs, ServiceRefs::ByNameInWaypointNamespace);
        assert_eq!(r(24).service_refs, ServiceRefs::InPolicyNamespace);
        assert!(!r(23).service_entry_refs && r(24).service_entry_refs);
        assert!(!r(24).gateway_class_refs && r(25).gateway_class_refs);
        assert!(!r(24).gateway_ref_needs_own_namespace && r(25).gateway_ref_needs_own_namespace);
        assert!(!r(19).waypoint_takes_unscoped && r(20).waypoint_takes_unscoped);
        assert!(r(21).waypoint_takes_unscoped && !r(22).waypoint_takes_unscoped);
        assert!(!r(29).traffic_extensions && r(30).traffic_extensions);
        assert!(!r(24).waypoint_looks_in_service_namespace);
        assert!(r(25).waypoint_looks_in_service_namespace);
        assert_eq!(AttachmentRules::for_minor(None), r(CURRENT_MINOR));
    }

    /// `constants.GatewayNameLabel` was `istio.io/gateway-name` in 1.20; 1.21–1.23 read the
    /// Gateway API label and fall back to the old one; 1.24 dropped the fallback.
    #[test]
    fn gateway_name_label_by_release() {
        let labels = |k: &str| BTreeMap::from([(k.to_string(), "web".to_string())]);
        let old = labels(LEGACY_GATEWAY_NAME_LABEL);
        let new = labels(GATEWAY_NAME_LABEL);
        let r = |m| AttachmentRules::for_minor(Some(m));
        assert_eq!(r(19).gateway_name(&new), None);
        assert_eq!(r(20).gateway_name(&old), Some("web"));
        assert_eq!(r(20).gateway_name(&new), None);
        assert_eq!(r(23).gateway_name(&old), Some("web"));
        assert_eq!(r(23).gateway_name(&new), Some("web"));
        assert_eq!(r(24).gateway_name(&old), None);
        assert_eq!(r(30).gateway_name(&new), Some("web"));
    }
}
