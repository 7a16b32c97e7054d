//! #17 point 1: the release table (`releases::RELEASES`) drives the checkers. For every check
//! a release adds or drops, and every change of the allowed targetRef kinds, a document whose
//! verdict flips exactly at that boundary: the check's message appears on the side where the
//! table says it is in force, from the layer the table names, and not on the other side.
//! A new entry in the table without a trigger here fails `every_boundary_has_a_trigger`.

use super::{PA, TE, WP, document};
use crate::istio::manifest::resources_of;
use crate::lint::validate::releases::{Check, RELEASES, Rules};
use crate::lint::validate::url::webhook_url_error;
use crate::lint::validate::{Layer, Violation, validate};

/// A document that shows one check: `fragment` is in some violation exactly when the check
/// is in force (`shown_when_active`) or exactly when it is not.
struct Trigger {
    api: &'static str,
    spec: &'static str,
    fragment: &'static str,
    shown_when_active: bool,
}

const fn t(api: &'static str, spec: &'static str, fragment: &'static str) -> Trigger {
    Trigger {
        api,
        spec,
        fragment,
        shown_when_active: true,
    }
}

fn trigger(check: Check) -> Trigger {
    use Check::*;
    let gone = |mut t: Trigger| {
        t.shown_when_active = false;
        t
    };
    match check {
        // crd-all.gen.yaml@1.20.0: `imagePullSecret` minLength 1.
        WasmSchemaLimits => t(
            WP,
            "url: oci://a/b:v1\nimagePullSecret: \"\"\n",
            "should be at least 1 chars long",
        ),
        TargetRefSchemaLimits => t(
            WP,
            "url: oci://a/b:v1\ntargetRefs:\n- {group: gateway.networking.k8s.io, kind: Gateway, name: \"\"}\n",
            "spec.targetRefs[0].name: Invalid value",
        ),
        TargetRefsMaxItems => t(
            WP,
            "url: oci://a/b:v1\ntargetRefs:\n- {kind: Service, group: \"\", name: a0}\n- {kind: Service, group: \"\", name: a1}\n- {kind: Service, group: \"\", name: a2}\n- {kind: Service, group: \"\", name: a3}\n- {kind: Service, group: \"\", name: a4}\n- {kind: Service, group: \"\", name: a5}\n- {kind: Service, group: \"\", name: a6}\n- {kind: Service, group: \"\", name: a7}\n- {kind: Service, group: \"\", name: a8}\n- {kind: Service, group: \"\", name: a9}\n- {kind: Service, group: \"\", name: b0}\n- {kind: Service, group: \"\", name: b1}\n- {kind: Service, group: \"\", name: b2}\n- {kind: Service, group: \"\", name: b3}\n- {kind: Service, group: \"\", name: b4}\n- {kind: Service, group: \"\", name: b5}\n- {kind: Service, group: \"\", name: b6}\n",
            "must have at most 16 items",
        ),
        SelectorSchemaLimits => t(
            PA,
            "selector:\n  matchLabels:\n    app: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
            "may not be more than 63 bytes",
        ),
        PortLevelMinProperties => t(
            PA,
            "selector:\n  matchLabels: {app: a}\nportLevelMtls: {}\n",
            "should have at least 1 properties",
        ),
        FailReload => gone(t(
            WP,
            "url: oci://a/b:v1\nfailStrategy: FAIL_RELOAD\n",
            "Unsupported value: \"FAIL_RELOAD\"",
        )),
        PeerAuthenticationV1 => gone(t(
            "security.istio.io/v1\nkind: PeerAuthentication",
            "mtls: {mode: STRICT}\n",
            "no matches for kind",
        )),
        TrafficExtension => gone(t(TE, "wasm: {url: oci://a/b:v1}\n", "no matches for kind")),
        UrlSchemeCel => t(
            WP,
            "url: s3://bucket/x.wasm\n",
            "url must have schema one of",
        ),
        EnvHostValueCel => t(
            WP,
            "url: oci://a/b:v1\nvmConfig:\n  env:\n  - {name: A, valueFrom: HOST, value: x}\n",
            "env[0]: Invalid value: \"object\": value may only be set when valueFrom is INLINE",
        ),
        SelectorCel => t(
            WP,
            "url: oci://a/b:v1\nselector:\n  matchLabels: {\"app*\": a}\n",
            "wildcard not allowed in label key match",
        ),
        TargetRefNamespaceCel => t(
            WP,
            "url: oci://a/b:v1\ntargetRefs:\n- {group: gateway.networking.k8s.io, kind: Gateway, name: g, namespace: other}\n",
            "cross namespace referencing is not currently supported",
        ),
        // Present in 1.23 and 1.24 only: removed at 1.25 (istio/api#3414).
        TargetRefKindCel => t(
            WP,
            "url: oci://a/b:v1\ntargetRefs:\n- {group: gateway.networking.k8s.io, kind: GatewayClass, name: istio-waypoint}\n",
            "Support kinds are",
        ),
        OneOfCel => t(
            WP,
            "url: oci://a/b:v1\nselector:\n  matchLabels: {app: a}\ntargetRefs:\n- {group: \"\", kind: Service, name: s}\n",
            "only one of targetRefs or selector can be set",
        ),
        PeerAuthenticationCel => t(
            PA,
            "portLevelMtls:\n  \"80\": {mode: DISABLE}\n",
            "portLevelMtls requires selector",
        ),
        // `validateWasmPlugin`@1.14.0: env names must be unique.
        EnvChecks => t(
            WP,
            "url: oci://a/b:v1\nvmConfig:\n  env:\n  - {name: A}\n  - {name: A}\n",
            "duplicate env",
        ),
        MatchChecks => t(
            WP,
            "url: oci://a/b:v1\nmatch:\n- ports:\n  - number: 0\n",
            "is out of range: 0",
        ),
        SelectorWarning => t(
            WP,
            "url: oci://a/b:v1\nselector: {}\n",
            "workload selector specified without labels",
        ),
        PriorityInt32 => t(
            WP,
            "url: oci://a/b:v1\npriority: 3000000000\n",
            "invalid value for int32 type",
        ),
        TargetRefWebhook => t(
            WP,
            "url: oci://a/b:v1\ntargetRef: {group: gateway.networking.k8s.io, kind: Gateway, name: g, namespace: other}\n",
            "targetRef namespace must not be set",
        ),
        TargetRefKindList => t(
            WP,
            "url: oci://a/b:v1\ntargetRefs:\n- {group: gateway.networking.k8s.io, kind: Gateway, name: g}\n- {group: gateway.networking.k8s.io, kind: Gateway, name: h}\nselector:\n  matchLabels: {app: a}\n",
            "only one of targetRefs or workloadSelector can be set",
        ),
        // `validateWasmPluginURL`@1.23.0: `url.ParseRequestURI`. Beneath the CRD's CEL url
        // rule (same parse) it only shows without that rule (`--crd`), so it is probed at
        // the webhook itself: see `verdict`.
        StrictUrlParse => t(WP, "url: \"%zz\"\n", "failed to strict parse url"),
    }
}

fn verdict(api: &str, spec: &str, version: u32) -> Vec<Violation> {
    let text = document(api, spec);
    if spec == trigger(Check::StrictUrlParse).spec {
        let url = "%zz";
        return webhook_url_error(url, &Rules::at(version))
            .map(|message| Violation {
                layer: Layer::Webhook,
                pos: crate::istio::yaml_tree::Pos::default(),
                message,
            })
            .into_iter()
            .collect();
    }
    let r = resources_of(0, &text).unwrap().remove(0);
    validate(&r, version)
}

fn shows(found: &[Violation], fragment: &str) -> Option<Layer> {
    found
        .iter()
        .find(|v| v.message.contains(fragment))
        .map(|v| v.layer)
}

#[test]
fn every_boundary_has_a_trigger() {
    for release in &RELEASES[1..] {
        for &check in release.adds.iter().chain(release.drops) {
            let trig = trigger(check);
            for version in [release.minor - 1, release.minor] {
                let active = Rules::at(version).has(check);
                let found = verdict(trig.api, trig.spec, version);
                let layer = shows(&found, trig.fragment);
                let expected = active == trig.shown_when_active;
                assert_eq!(
                    layer.is_some(),
                    expected,
                    "{check:?} at 1.{version} (boundary 1.{}): {found:?}",
                    release.minor
                );
                if trig.shown_when_active
                    && let Some(layer) = layer
                {
                    let want = check.layer();
                    assert_eq!(layer, want, "{check:?} at 1.{version}: {found:?}");
                }
            }
        }
    }
}

/// The allowed targetRef kinds change at 1.22 (Service, no longer Gateway only), 1.24
/// (ServiceEntry), 1.25 (GatewayClass) and 1.29 (Gateway API `v1` in the message): a
/// reference of the new kind is rejected just before and accepted from then on, and the
/// message names the release's list (`allowedTargetRefs`, istio/istio validation.go).
#[test]
fn target_ref_kind_boundaries() {
    let refs = |kind: &str, group: &str| {
        leak_spec(format!(
            "url: oci://a/b:v1\ntargetRefs:\n- {{group: \"{group}\", kind: {kind}, name: x}}\n"
        ))
    };
    for release in RELEASES.iter().filter(|r| r.webhook_target_kinds.is_some()) {
        let now = Rules::at(release.minor).webhook_target_kinds();
        let before = Rules::at(release.minor - 1).webhook_target_kinds();
        if release.minor == 20 {
            continue; // targetRef itself is new in 1.20 (the field history decides before).
        }
        for new in now.iter().filter(|k| {
            !before
                .iter()
                .any(|b| (b.group, b.kind) == (k.group, k.kind))
        }) {
            let spec = refs(new.kind, new.group);
            let errors = |v: u32| -> Vec<Violation> {
                verdict(WP, spec, v)
                    .into_iter()
                    .filter(|x| x.layer != Layer::WebhookWarning)
                    .collect()
            };
            assert!(
                errors(release.minor).is_empty(),
                "{} at 1.{}: {:?}",
                new.kind,
                release.minor,
                errors(release.minor)
            );
            assert!(
                !errors(release.minor - 1).is_empty(),
                "{} at 1.{}",
                new.kind,
                release.minor - 1
            );
        }
        // The message lists the kinds as that release prints them.
        let bogus = verdict(WP, refs("Deployment", "apps"), release.minor);
        if release.minor >= 22 {
            let listed: Vec<String> = now
                .iter()
                .map(|k| {
                    format!(
                        "{}/{}/{}",
                        if k.group.is_empty() { "core" } else { k.group },
                        k.version,
                        k.kind
                    )
                })
                .collect();
            let want = format!("[{}]", listed.join(" "));
            assert!(
                bogus.iter().any(|v| v.message.contains(&want))
                    || release.minor < 25 && bogus.iter().any(|v| v.layer == Layer::Cel),
                "1.{}: {bogus:?}",
                release.minor
            );
        }
    }
    // 1.29: Gateway API v1 in the webhook's message.
    let bogus = refs("Deployment", "apps");
    assert!(
        verdict(WP, bogus, 29)
            .iter()
            .any(|v| v.message.contains("gateway.networking.k8s.io/v1/Gateway "))
    );
    assert!(verdict(WP, bogus, 28).iter().any(|v| {
        v.message
            .contains("gateway.networking.k8s.io/v1beta1/Gateway ")
    }));
}

fn leak_spec(s: String) -> &'static str {
    super::leak(s)
}
