//! Istio's own webhook test tables as our cases (#17 point 2): `TestValidateWasmPlugin`,
//! `TestValidatePeerAuthentication` and `TestValidateTrafficExtension` in istio/istio
//! `pkg/config/validation/validation_test.go`, read at every X.Y.0 tag from 1.12.0 to 1.30.0.
//! Each case is our own manifest for what the Go struct literal means, with Istio's verdict
//! at every release whose table holds the case.
//!
//! The Go tests call the webhook function alone; `lint` also applies the CRD schema and CEL
//! rules, which the API server checks first. So each verdict says who answers at that
//! release: the webhook (Go's error fragment, which lint must print), the API server (Go
//! says invalid too, but the CRD of that release rejects first; we check its fragment), or
//! the CRD alone (Go says valid, the CRD of that release rejects: the reason is written
//! beside it). Go's "invalid message" cases (a wrong proto type, `cannot cast`) have no
//! manifest and are left out.
//!
//! Where each table changes (diffed tag by tag): WasmPlugin at 1.14 (env cases), 1.20
//! (targetRef cases), 1.22 (`target-ref-good-service`, new messages); PeerAuthentication at
//! 1.18 (warnings checked); TrafficExtension exists from 1.30.

mod peer_authentication;
mod traffic_extension;
mod wasm_plugin;

use crate::istio::manifest::resources_of;
use crate::lint::validate::{Layer, Violation, validate};

/// Istio's verdict at one release, and who gives it.
#[derive(Debug, Clone, Copy)]
pub enum Want {
    /// Accepted with no warning.
    Valid,
    /// Accepted, with a webhook warning holding the fragment.
    Warn(&'static str),
    /// Rejected by the webhook (the CRD of that release lets it through): an error of the
    /// webhook layer holds Go's fragment.
    Webhook(&'static str),
    /// Go's test says invalid, and the API server (schema or CEL) rejects first: an error
    /// of that layer holds the fragment, and no webhook verdict is printed beside it.
    ApiServer(&'static str),
    /// Go's test says valid but the CRD of that release rejects: (API server fragment, why).
    CrdOnly(&'static str, &'static str),
}

/// One case of a Go table: its name there, our manifest, and Istio's verdict per release.
pub struct GoCase {
    /// The Go test case name (`t.Run` name).
    pub name: &'static str,
    /// `metadata.name` (PeerAuthentication cases set `configName`).
    pub meta_name: &'static str,
    pub api: &'static str,
    /// The spec body, unindented.
    pub spec: String,
    /// (first release, last release, verdict): exactly the releases whose table holds the case.
    pub at: Vec<(u32, u32, Want)>,
}

impl GoCase {
    pub fn new(name: &'static str, api: &'static str, spec: impl Into<String>) -> GoCase {
        GoCase {
            name,
            meta_name: "some-name",
            api,
            spec: spec.into(),
            at: Vec::new(),
        }
    }

    pub fn named(mut self, meta_name: &'static str) -> GoCase {
        self.meta_name = meta_name;
        self
    }

    pub fn at(mut self, from: u32, to: u32, want: Want) -> GoCase {
        self.at.push((from, to, want));
        self
    }
}

fn document(case: &GoCase) -> String {
    let mut text = format!(
        "apiVersion: {}\nmetadata:\n  name: {}\n  namespace: some-namespace\nspec:\n",
        case.api, case.meta_name
    );
    for line in case.spec.lines() {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    text
}

fn all_cases() -> Vec<GoCase> {
    let mut all = wasm_plugin::cases();
    all.extend(peer_authentication::cases());
    all.extend(traffic_extension::cases());
    all
}

fn is_api_server(v: &Violation) -> bool {
    matches!(v.layer, Layer::Schema | Layer::Cel)
}

/// Whether lint's verdict at one release is `want`; `Err` says how it differs.
fn check(got: &[Violation], want: Want) -> Result<(), String> {
    let errors: Vec<&Violation> = got
        .iter()
        .filter(|v| v.layer != Layer::WebhookWarning)
        .collect();
    let warnings: Vec<&Violation> = got
        .iter()
        .filter(|v| v.layer == Layer::WebhookWarning)
        .collect();
    let holds = |list: &[&Violation], f: &str, layer: fn(&Violation) -> bool| {
        list.iter().any(|v| layer(v) && v.message.contains(f))
    };
    let ok = match want {
        Want::Valid => got.is_empty(),
        Want::Warn(f) => errors.is_empty() && holds(&warnings, f, |_| true),
        Want::Webhook(f) => {
            warnings.is_empty()
                && !errors.iter().any(|v| is_api_server(v))
                && holds(&errors, f, |v| v.layer == Layer::Webhook)
        }
        // A verdict that departs from Go's must say why.
        Want::CrdOnly(_, "") => false,
        Want::ApiServer(f) | Want::CrdOnly(f, _) => {
            warnings.is_empty()
                && errors.iter().all(|v| is_api_server(v))
                && holds(&errors, f, is_api_server)
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("want {want:?}, got {got:#?}"))
    }
}

/// Each case at each release of its range, driven through `validate` as the lint rules do;
/// every mismatch is listed before the test fails.
#[test]
fn istio_go_table_verdicts() {
    let mut failures = Vec::new();
    let mut pairs = 0;
    for case in all_cases() {
        let text = document(&case);
        let r = resources_of(0, &text).unwrap().remove(0);
        assert!(!case.at.is_empty(), "{}: no releases", case.name);
        for &(from, to, want) in &case.at {
            for v in from..=to {
                pairs += 1;
                if let Err(e) = check(&validate(&r, v), want) {
                    failures.push(format!("{} at 1.{v}: {e}", case.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The table is the point: guard against it silently shrinking.
    assert!(pairs >= 450, "only {pairs} (document, release) pairs");
}

/// The runner itself can fail: a wrong verdict of each shape is caught.
#[test]
fn checker_rejects_wrong_verdicts() {
    let text = "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\nmetadata:\n  name: a\nspec:\n  url: ftp://test.com/test\n";
    let r = resources_of(0, text).unwrap().remove(0);
    assert!(check(&validate(&r, 19), Want::Webhook("unsupported scheme")).is_ok());
    assert!(check(&validate(&r, 19), Want::Valid).is_err());
    assert!(check(&validate(&r, 19), Want::ApiServer("unsupported scheme")).is_err());
    assert!(check(&validate(&r, 20), Want::Webhook("unsupported scheme")).is_err());
    assert!(check(&validate(&r, 20), Want::ApiServer("url must have schema")).is_ok());
    assert!(check(&validate(&r, 20), Want::ApiServer("no such text")).is_err());
}
