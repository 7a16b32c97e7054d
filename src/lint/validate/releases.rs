//! DOMAIN.md §8's "By version" table as data: which CRD schema limits, CEL rules and webhook
//! checks each Istio release enforces, and the messages they print. The checkers in the
//! sibling modules ask [`Rules::has`] instead of comparing version numbers, so a new
//! release is one entry in [`RELEASES`] (and, for a new kind of check, one [`Check`]).
//!
//! Read from istio/istio `pkg/config/validation/validation.go` and
//! `manifests/charts/base/…/crd-all.gen.yaml` at each X.Y.0 tag (patch releases do not
//! differ here). The field history (which field a release knows at all) is the `since` of
//! each schema field, beside the schema in `wasm_plugin.rs` and `selector.rs`.

use super::Layer;

/// One check that starts, ends or changes at some release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Check {
    // --- API server: CRD OpenAPI schema ---
    /// WasmPlugin: `spec` and `url` required, lengths, the sha256 pattern, list-maps of
    /// env and match ports, port numbers 1–65535.
    WasmSchemaLimits,
    /// `targetRef(s)`: `kind`/`name` required, group/kind/name lengths and patterns.
    TargetRefSchemaLimits,
    /// `targetRefs` at most 16 items.
    TargetRefsMaxItems,
    /// `selector.matchLabels` at most 4096 entries, values at most 63 characters.
    SelectorSchemaLimits,
    /// PeerAuthentication `portLevelMtls` minProperties 1.
    PortLevelMinProperties,
    /// `failStrategy: FAIL_RELOAD` is in the enum.
    FailReload,
    /// PeerAuthentication `security.istio.io/v1` is served.
    PeerAuthenticationV1,
    /// The `TrafficExtension` kind exists.
    TrafficExtension,
    // --- API server: CRD CEL rules ---
    /// The url scheme rule (`isURL`/`url().getScheme()`).
    UrlSchemeCel,
    /// env `valueFrom: HOST` ⇒ `!has(value)`.
    EnvHostValueCel,
    /// Selector keys and values: no wildcard, no empty key.
    SelectorCel,
    /// targetRef namespace must be empty.
    TargetRefNamespaceCel,
    /// The kind rule on targetRefs (kinds: [`Rules::cel_target_kinds`]).
    TargetRefKindCel,
    /// At most one of selector, targetRef, targetRefs.
    OneOfCel,
    /// PeerAuthentication: port keys 1–65535; portLevelMtls requires a selector.
    PeerAuthenticationCel,
    // --- istiod's webhook (`istioctl validate`) ---
    /// env: empty name, duplicate.
    EnvChecks,
    /// match: nil entries, ports out of range.
    MatchChecks,
    /// `workload selector specified without labels` (a warning).
    SelectorWarning,
    /// `priority` is an int32 (decoding rejects values outside it).
    PriorityInt32,
    /// `validatePolicyTargetReference` and `validateOneOfSelectorType`: name and namespace
    /// of each ref, its kind ([`Rules::webhook_target_kinds`]), selector vs targetRef.
    TargetRefWebhook,
    /// The kind check names a list (`targetRef must be to one of [...]`) instead of the one
    /// expected Gateway, and the one-of check counts `targetRefs` too.
    TargetRefKindList,
    /// The strict request-URI parse (`url.ParseRequestURI`) instead of the lenient one.
    StrictUrlParse,
}

impl Check {
    /// The layer that enforces it.
    pub fn layer(self) -> Layer {
        use Check::*;
        match self {
            WasmSchemaLimits
            | TargetRefSchemaLimits
            | TargetRefsMaxItems
            | SelectorSchemaLimits
            | PortLevelMinProperties
            | FailReload
            | PeerAuthenticationV1
            | TrafficExtension => Layer::Schema,
            UrlSchemeCel
            | EnvHostValueCel
            | SelectorCel
            | TargetRefNamespaceCel
            | TargetRefKindCel
            | OneOfCel
            | PeerAuthenticationCel => Layer::Cel,
            SelectorWarning => Layer::WebhookWarning,
            EnvChecks | MatchChecks | PriorityInt32 | TargetRefWebhook | TargetRefKindList
            | StrictUrlParse => Layer::Webhook,
        }
    }
}

/// A group/version/kind a targetRef may name (group "" is core).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefKind {
    pub group: &'static str,
    /// The API version the webhook's message prints (istiod's `gvk` table of that release).
    pub version: &'static str,
    pub kind: &'static str,
}

const fn kind(group: &'static str, version: &'static str, kind: &'static str) -> RefKind {
    RefKind {
        group,
        version,
        kind,
    }
}

const SERVICE: RefKind = kind("", "v1", "Service");
const SERVICE_ENTRY: RefKind = kind("networking.istio.io", "v1", "ServiceEntry");
const GATEWAY_V1BETA1: RefKind = kind("gateway.networking.k8s.io", "v1beta1", "Gateway");
const GATEWAY_CLASS_V1BETA1: RefKind = kind("gateway.networking.k8s.io", "v1beta1", "GatewayClass");
const GATEWAY_V1: RefKind = kind("gateway.networking.k8s.io", "v1", "Gateway");
const GATEWAY_CLASS_V1: RefKind = kind("gateway.networking.k8s.io", "v1", "GatewayClass");

/// The CRD's kind rule on targetRefs (1.23, 1.24): the kinds and the rule's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindRule {
    pub kinds: &'static [RefKind],
    pub message: &'static str,
}

/// What one release changes against the one before.
#[derive(Debug)]
pub struct Release {
    /// Istio 1.`minor`.
    pub minor: u32,
    /// Checks that start here.
    pub adds: &'static [Check],
    /// Checks that end here.
    pub drops: &'static [Check],
    /// The webhook's allowed targetRef kinds from here (`allowedTargetRefs`), if changed.
    pub webhook_target_kinds: Option<&'static [RefKind]>,
    /// The CRD kind rule from here, if changed (`Some(None)`: removed).
    pub cel_target_kinds: Option<Option<KindRule>>,
}

const fn release(minor: u32, adds: &'static [Check]) -> Release {
    Release {
        minor,
        adds,
        drops: &[],
        webhook_target_kinds: None,
        cel_target_kinds: None,
    }
}

use Check::*;

/// Every release whose rules differ from the one before, oldest first (DOMAIN.md §8).
pub static RELEASES: &[Release] = &[
    // The baseline: enums only in the CRD; the webhook checks the selector, the url
    // (leniently: `url.Parse`), sha256, and PeerAuthentication's port-level rules.
    release(12, &[]),
    release(14, &[EnvChecks]),
    release(16, &[MatchChecks]),
    release(18, &[SelectorWarning]),
    release(19, &[PriorityInt32]),
    Release {
        // `validatePolicyTargetReference`@1.20.0: a Gateway only.
        webhook_target_kinds: Some(&[kind("gateway.networking.k8s.io", "", "Gateway")]),
        ..release(
            20,
            &[
                WasmSchemaLimits,
                UrlSchemeCel,
                EnvHostValueCel,
                TargetRefWebhook,
            ],
        )
    },
    Release {
        webhook_target_kinds: Some(&[SERVICE, GATEWAY_V1BETA1]),
        ..release(22, &[PeerAuthenticationV1, TargetRefKindList])
    },
    Release {
        cel_target_kinds: Some(Some(KindRule {
            kinds: &[SERVICE, GATEWAY_V1BETA1],
            message: "Support kinds are core/Service and gateway.networking.k8s.io/Gateway",
        })),
        ..release(
            23,
            &[
                TargetRefSchemaLimits,
                SelectorSchemaLimits,
                PortLevelMinProperties,
                SelectorCel,
                TargetRefNamespaceCel,
                TargetRefKindCel,
                PeerAuthenticationCel,
                StrictUrlParse,
            ],
        )
    },
    Release {
        webhook_target_kinds: Some(&[SERVICE, SERVICE_ENTRY, GATEWAY_V1BETA1]),
        cel_target_kinds: Some(Some(KindRule {
            kinds: &[SERVICE, SERVICE_ENTRY, GATEWAY_V1BETA1],
            message: "Support kinds are core/Service, networking.istio.io/ServiceEntry, gateway.networking.k8s.io/Gateway",
        })),
        ..release(24, &[TargetRefsMaxItems, OneOfCel])
    },
    Release {
        // istio/api#3414 removed the CRD's kind rule; the webhook allows GatewayClass.
        drops: &[TargetRefKindCel],
        webhook_target_kinds: Some(&[
            SERVICE,
            SERVICE_ENTRY,
            GATEWAY_V1BETA1,
            GATEWAY_CLASS_V1BETA1,
        ]),
        cel_target_kinds: Some(None),
        ..release(25, &[])
    },
    release(27, &[FailReload]),
    Release {
        // istiod's `gvk` table prints Gateway API `v1` from 1.29.
        webhook_target_kinds: Some(&[SERVICE, SERVICE_ENTRY, GATEWAY_V1, GATEWAY_CLASS_V1]),
        ..release(29, &[])
    },
    release(30, &[TrafficExtension]),
];

/// The checks in force at one release.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Istio 1.`version`.
    pub version: u32,
    active: Vec<Check>,
    webhook_target_kinds: &'static [RefKind],
    cel_target_kinds: Option<KindRule>,
}

impl Rules {
    /// The rules of Istio 1.`version`: every release entry up to it, folded.
    pub fn at(version: u32) -> Rules {
        let mut rules = Rules {
            version,
            active: Vec::new(),
            webhook_target_kinds: &[],
            cel_target_kinds: None,
        };
        for r in RELEASES.iter().take_while(|r| r.minor <= version) {
            rules.active.retain(|c| !r.drops.contains(c));
            rules.active.extend_from_slice(r.adds);
            if let Some(kinds) = r.webhook_target_kinds {
                rules.webhook_target_kinds = kinds;
            }
            if let Some(rule) = r.cel_target_kinds {
                rules.cel_target_kinds = rule;
            }
        }
        rules
    }

    /// Whether `check` is enforced at this release.
    pub fn has(&self, check: Check) -> bool {
        self.active.contains(&check)
    }

    /// The webhook's allowed targetRef kinds (empty before 1.20).
    pub fn webhook_target_kinds(&self) -> &'static [RefKind] {
        self.webhook_target_kinds
    }

    /// The CRD's kind rule on targetRefs, where one exists.
    pub fn cel_target_kinds(&self) -> Option<KindRule> {
        self.cel_target_kinds.filter(|_| self.has(TargetRefKindCel))
    }

    /// `validateOneOfSelectorType`'s message (it names `targetRefs` once it counts them).
    pub fn one_of_webhook_message(&self) -> &'static str {
        if self.has(TargetRefKindList) {
            "only one of targetRefs or workloadSelector can be set"
        } else {
            "only one of targetRef or workloadSelector can be set"
        }
    }

    /// The webhook's URL parse error prefix: `url.ParseRequestURI` from 1.23, `url.Parse`
    /// before.
    pub fn url_parse_message(&self) -> &'static str {
        if self.has(StrictUrlParse) {
            "failed to strict parse url"
        } else {
            "failed to parse url"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_are_in_order_and_each_changes_something() {
        for w in RELEASES.windows(2) {
            assert!(
                w[0].minor < w[1].minor,
                "1.{} after 1.{}",
                w[1].minor,
                w[0].minor
            );
        }
        // The first entry is the baseline; every later one is a boundary.
        for r in &RELEASES[1..] {
            let changes = !r.adds.is_empty()
                || !r.drops.is_empty()
                || r.webhook_target_kinds.is_some()
                || r.cel_target_kinds.is_some();
            assert!(changes, "1.{} changes nothing", r.minor);
        }
    }

    #[test]
    fn a_check_is_added_once_and_dropped_only_after_it_was_added() {
        let mut seen: Vec<Check> = Vec::new();
        for r in RELEASES {
            for d in r.drops {
                assert!(
                    seen.contains(d),
                    "1.{} drops {d:?} before it exists",
                    r.minor
                );
            }
            for a in r.adds {
                assert!(!seen.contains(a), "{a:?} added twice");
                seen.push(*a);
            }
        }
    }

    #[test]
    fn folding_follows_the_table() {
        assert!(!Rules::at(19).has(UrlSchemeCel));
        assert!(Rules::at(20).has(UrlSchemeCel));
        assert!(Rules::at(24).cel_target_kinds().is_some());
        assert!(Rules::at(25).cel_target_kinds().is_none());
        assert_eq!(Rules::at(21).webhook_target_kinds().len(), 1);
        assert_eq!(Rules::at(30).webhook_target_kinds()[3].kind, "GatewayClass");
        assert!(Rules::at(12).webhook_target_kinds().is_empty());
    }
}
