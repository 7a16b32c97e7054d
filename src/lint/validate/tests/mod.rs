//! Every rejection DOMAIN.md §8 lists, at every release 1.12–1.30: reported once, as an error
//! of the right layer and wording, at the offending line; nothing else is an error.

mod boundaries;
mod istio_crd_cases;
mod istio_go_cases;
mod peer_authentication;
mod release_table;
mod wasm_plugin;
mod wasm_plugin_refs;

use super::{Layer, validate};
use crate::istio::manifest::resources_of;

pub const WP: &str = "extensions.istio.io/v1alpha1\nkind: WasmPlugin";
pub const PA: &str = "security.istio.io/v1beta1\nkind: PeerAuthentication";
pub const TE: &str = "extensions.istio.io/v1alpha1\nkind: TrafficExtension";

/// (first release, last release, layer, message fragment, line within spec (1-based)).
pub type Expect = (u32, u32, Layer, &'static str, usize);

pub struct Case {
    pub name: &'static str,
    pub api: &'static str,
    pub spec: &'static str,
    /// Releases to test (where the fields used exist).
    pub from: u32,
    pub expect: &'static [Expect],
}

fn cases() -> Vec<Case> {
    let mut all = wasm_plugin::cases();
    all.extend(peer_authentication::cases());
    all.extend(boundaries::cases());
    all
}

pub fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

pub fn document(api: &str, spec: &str) -> String {
    let mut text = format!("apiVersion: {api}\nmetadata:\n  name: t\n  namespace: foo\nspec:\n");
    for line in spec.lines() {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Lines before the spec body in [`document`].
const HEADER_LINES: usize = 6;

#[test]
fn every_rejection_at_every_release() {
    for case in cases() {
        let text = document(case.api, case.spec);
        let r = resources_of(0, &text).unwrap().remove(0);
        for v in case.from..=30 {
            let errors: Vec<_> = validate(&r, v)
                .into_iter()
                .filter(|x| x.layer != Layer::WebhookWarning)
                .collect();
            let applies: Vec<_> = case
                .expect
                .iter()
                .filter(|e| (e.0..=e.1).contains(&v))
                .collect();
            // The API server checks schema and CEL before it calls the webhook: where it
            // rejects, the webhook's errors are never seen (the tables list each layer's
            // own verdict).
            let api_rejects = applies
                .iter()
                .any(|e| matches!(e.2, Layer::Schema | Layer::Cel));
            let want: Vec<_> = applies
                .into_iter()
                .filter(|e| !(api_rejects && e.2 == Layer::Webhook))
                .collect();
            assert_eq!(
                errors.len(),
                want.len(),
                "{} at 1.{v}: {errors:#?}",
                case.name
            );
            for (got, w) in errors.iter().zip(&want) {
                assert_eq!(got.layer, w.2, "{} at 1.{v}: {got:?}", case.name);
                assert!(
                    got.message.contains(w.3),
                    "{} at 1.{v}: {:?} lacks {:?}",
                    case.name,
                    got.message,
                    w.3
                );
                assert_eq!(
                    got.pos.line,
                    w.4 + HEADER_LINES,
                    "{} at 1.{v}: {got:?}",
                    case.name
                );
                assert!(got.pos.column > 0);
            }
        }
    }
}

#[test]
fn unserved_versions_and_kinds() {
    let pa_v1 = document(
        "security.istio.io/v1\nkind: PeerAuthentication",
        "mtls: {mode: STRICT}\n",
    );
    let r = resources_of(0, &pa_v1).unwrap().remove(0);
    assert_eq!(validate(&r, 21)[0].layer, Layer::Version);
    assert!(validate(&r, 22).is_empty());
    let te = document(TE, "wasm:\n  url: oci://a/b\n");
    let r = resources_of(0, &te).unwrap().remove(0);
    assert_eq!(validate(&r, 29)[0].layer, Layer::Version);
}

#[test]
fn missing_spec() {
    let text = format!("apiVersion: {WP}\nmetadata:\n  name: t\n");
    let r = resources_of(0, &text).unwrap().remove(0);
    assert_eq!(validate(&r, 30)[0].message, "spec: Required value");
    assert_eq!(validate(&r, 12)[0].message, "url field needs to be set");
}

#[test]
fn empty_selector_is_only_a_warning() {
    let text = document(PA, "selector: {}\n");
    let r = resources_of(0, &text).unwrap().remove(0);
    let v = validate(&r, 30);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].layer, Layer::WebhookWarning);
    assert!(validate(&r, 15).is_empty());
    // The webhook's warning starts in 1.18: none on 1.16 and 1.17 (DOMAIN.md §8).
    let wp = document(WP, "url: oci://a/b:v1\nselector: {}\n");
    let r = resources_of(0, &wp).unwrap().remove(0);
    assert!(validate(&r, 17).is_empty());
    assert_eq!(validate(&r, 18)[0].layer, Layer::WebhookWarning);
}

/// A webhook warning is not printed beside a CEL rejection: the API server rejects the
/// document before the webhook sees it (#17).
#[test]
fn no_webhook_verdict_beside_an_api_server_rejection() {
    let text = document(WP, "url: '#%blah$#@'\nselector: {}\n");
    let r = resources_of(0, &text).unwrap().remove(0);
    let v = validate(&r, 30);
    assert_eq!(v.len(), 1, "{v:#?}");
    assert_eq!(v[0].layer, Layer::Cel);
    // Before the CRD had CEL rules (1.19), the webhook answers, with its warning.
    let layers: Vec<Layer> = validate(&r, 19).into_iter().map(|x| x.layer).collect();
    assert!(
        layers.contains(&Layer::Webhook) && layers.contains(&Layer::WebhookWarning),
        "{layers:?}"
    );
}
