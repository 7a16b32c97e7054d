//! The rule registry. One rule per file: each exports `RULE` (code, name, severity, summary,
//! hint, docs) and `check(ctx, sink)`. Codes are stable forever: never renumber or reuse.
//! Ranges: MS0xxx validation, MS1xxx WasmPlugin/TrafficExtension, MS2xxx PeerAuthentication,
//! MS3xxx config dump (`--dump`).

mod agent_deny_all_stand_in;
mod chain_missing_inspector;
mod chain_never_selected;
mod client_mode_on_waypoint;
mod crd_cel;
mod crd_schema;
mod duplicate_chain_match;
mod duplicate_namespace_peer_authentication;
mod ecds_filter_missing;
mod fail_open_security_phase;
mod filter_list;
mod gateway_ref_elsewhere;
mod gatewayclass_ref_not_waypoint;
mod listener_update_refused;
mod oci_latest_without_sha256;
mod peer_authentication_disable_wide;
mod port_level_service_port;
mod ports_on_waypoint;
mod pull_always_on_digest;
mod remote_without_sha256;
mod root_namespace_selector;
mod same_phase_priority;
mod selector_matches_nothing;
mod selector_on_gateway_api;
mod selector_on_waypoint;
mod server_mode_on_gateway;
mod sha256_digest_mismatch;
mod templated_manifest;
mod unknown_in_version;
mod unset_priority_after_negative;
mod wasm_after_router;
mod weaker_than_mesh_strict;
mod webhook;
mod webhook_warning;
mod yaml11_boolean;

use crate::istio::yaml_tree::Pos;
use crate::lint::dump::position::Spot;

use super::context::Context;
use super::finding::{Finding, Severity};
use super::validate::Layer;

/// A lint rule's description and entry point.
#[derive(Debug)]
pub struct Rule {
    /// Stable code, e.g. `MS1001`.
    pub code: &'static str,
    /// Kebab-case name.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line: what it finds.
    pub summary: &'static str,
    /// One line: how to fix it.
    pub hint: &'static str,
    /// Markdown docs with the sections "What it checks", "Why", "Fix", "Example"
    /// (`src/lint/rules/docs/<CODE>.md`; the page `docs/rules/<CODE>.md` adds the fields above).
    pub docs: &'static str,
    /// Runs the rule.
    pub check: fn(&Context, &mut Sink<'_>),
}

impl Rule {
    /// Config-dump rules (MS3xxx) read `--dump`, not the manifests.
    pub fn is_dump_rule(&self) -> bool {
        self.code.starts_with("MS3")
    }
}

/// Every rule, sorted by code.
pub static RULES: &[&Rule] = &[
    &crd_schema::RULE,
    &crd_cel::RULE,
    &webhook::RULE,
    &webhook_warning::RULE,
    &unknown_in_version::RULE,
    &templated_manifest::RULE,
    &server_mode_on_gateway::RULE,
    &selector_on_gateway_api::RULE,
    &fail_open_security_phase::RULE,
    &unset_priority_after_negative::RULE,
    &same_phase_priority::RULE,
    &oci_latest_without_sha256::RULE,
    &remote_without_sha256::RULE,
    &sha256_digest_mismatch::RULE,
    &pull_always_on_digest::RULE,
    &selector_matches_nothing::RULE,
    &yaml11_boolean::RULE,
    &selector_on_waypoint::RULE,
    &gatewayclass_ref_not_waypoint::RULE,
    &client_mode_on_waypoint::RULE,
    &ports_on_waypoint::RULE,
    &gateway_ref_elsewhere::RULE,
    &port_level_service_port::RULE,
    &duplicate_namespace_peer_authentication::RULE,
    &root_namespace_selector::RULE,
    &weaker_than_mesh_strict::RULE,
    &peer_authentication_disable_wide::RULE,
    &wasm_after_router::RULE,
    &ecds_filter_missing::RULE,
    &agent_deny_all_stand_in::RULE,
    &chain_missing_inspector::RULE,
    &duplicate_chain_match::RULE,
    &chain_never_selected::RULE,
    &listener_update_refused::RULE,
];

/// Collects one rule's findings.
pub struct Sink<'a> {
    rule: &'static Rule,
    ctx: &'a Context,
    findings: &'a mut Vec<Finding>,
}

impl<'a> Sink<'a> {
    /// A sink for `rule` appending to `findings`.
    pub fn new(rule: &'static Rule, ctx: &'a Context, findings: &'a mut Vec<Finding>) -> Self {
        Sink {
            rule,
            ctx,
            findings,
        }
    }

    /// Reports a finding in the `--dump` file at `pos` (no resource: no inline suppression).
    pub fn report_in_dump(&mut self, spot: Spot, message: impl Into<String>) {
        let file = self
            .ctx
            .dump
            .as_ref()
            .and_then(|d| self.ctx.files.get(d.file));
        let path = file.map(|f| f.label.clone()).unwrap_or_default();
        let pos = spot.resolve(file.map_or("", |f| f.text.as_str()));
        self.push(path, pos, message.into(), None);
    }

    /// Reports a finding on file `file` (an index into the context's files) at `pos`,
    /// for what concerns a whole file rather than one of its resources.
    pub fn report_in_file(&mut self, file: usize, pos: Pos, message: impl Into<String>) {
        let path = (self.ctx.files.get(file))
            .map(|f| f.label.clone())
            .unwrap_or_default();
        self.push(path, pos, message.into(), None);
    }

    fn push(&mut self, path: String, pos: Pos, message: String, resource: Option<usize>) {
        self.findings.push(Finding {
            code: self.rule.code,
            name: self.rule.name,
            severity: self.rule.severity,
            path,
            line: pos.line,
            column: pos.column,
            message,
            hint: self.rule.hint,
            resource,
        });
    }

    /// Reports a finding on resource `resource` at `pos`.
    pub fn report(&mut self, resource: usize, pos: Pos, message: impl Into<String>) {
        let path = self
            .ctx
            .resources
            .get(resource)
            .and_then(|r| self.ctx.files.get(r.file))
            .map(|f| f.label.clone())
            .unwrap_or_default();
        self.push(path, pos, message.into(), Some(resource));
    }
}

/// Reports the violations of one validation layer (shared by MS0001–MS0005).
pub(crate) fn report_layer(ctx: &Context, sink: &mut Sink<'_>, layer: Layer) {
    for (i, v) in ctx.violations.iter().filter(|(_, v)| v.layer == layer) {
        sink.report(*i, v.pos, v.message.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_sorted() {
        let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn every_rule_has_docs() {
        for r in RULES {
            for section in ["## What it checks", "## Why", "## Fix", "## Example"] {
                assert!(r.docs.contains(section), "{} lacks {section}", r.code);
            }
            assert!(!r.hint.is_empty() && !r.hint.contains('\n'), "{}", r.code);
        }
    }

    /// The bodies under `src/lint/rules/docs/` are the rules' docs (`include_str!`): one per
    /// rule, named by its code, and none left over from a rule that is gone. (The published
    /// pages in `docs/rules/` are generated from the registry: `tests/cli/rule_docs.rs`.)
    #[test]
    fn docs_bodies_are_exactly_the_rules() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint/rules/docs");
        let mut pages: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        pages.sort();
        let expected: Vec<String> = RULES.iter().map(|r| format!("{}.md", r.code)).collect();
        assert_eq!(pages, expected);
    }

    #[test]
    fn every_rule_has_a_testdata_case() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/manifests");
        for r in RULES {
            let dir = root.join(r.name);
            for case in cases(r) {
                assert!(
                    dir.join(case).is_file(),
                    "{} lacks {}/{case}",
                    r.code,
                    r.name
                );
            }
        }
    }

    /// The bad and good cases: YAML manifests, or JSON dumps for the MS3xxx rules.
    fn cases(r: &Rule) -> [&'static str; 2] {
        if r.is_dump_rule() {
            ["bad.json", "good.json"]
        } else {
            ["bad.yaml", "good.yaml"]
        }
    }

    #[test]
    fn dump_bad_triggers_and_good_is_clean() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/manifests");
        for r in RULES.iter().filter(|r| r.is_dump_rule()) {
            let [bad, good] = cases(r);
            let text = std::fs::read_to_string(root.join(r.name).join(bad)).unwrap();
            let found = crate::lint::test_support::run_dump(r, &text);
            assert!(!found.is_empty(), "{} {bad}", r.code);
            assert!(found.iter().all(|f| f.line > 1 && f.column > 0));
            let text = std::fs::read_to_string(root.join(r.name).join(good)).unwrap();
            for other in RULES.iter().filter(|o| o.is_dump_rule()) {
                let found = crate::lint::test_support::run_dump(other, &text);
                assert!(
                    found.is_empty(),
                    "{} {}/{good}: {found:#?}",
                    other.code,
                    r.name
                );
            }
        }
    }

    /// `# istio-version: 1.N` on the first line picks the release; default 1.30.
    fn version_of(text: &str) -> u32 {
        text.lines()
            .next()
            .and_then(|l| l.strip_prefix("# istio-version: 1."))
            .and_then(|m| m.trim().parse().ok())
            .unwrap_or(30)
    }

    #[test]
    fn bad_triggers_and_good_does_not() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/manifests");
        for r in RULES.iter().filter(|r| !r.is_dump_rule()) {
            for (case, want) in [("bad.yaml", true), ("good.yaml", false)] {
                let text = std::fs::read_to_string(root.join(r.name).join(case)).unwrap();
                let found = crate::lint::test_support::run(r, &text, version_of(&text));
                assert_eq!(!found.is_empty(), want, "{} {case}: {found:#?}", r.code);
                assert!(found.iter().all(|f| f.line > 0 && f.column > 0));
                // A document Istio accepts never gets an error from any rule.
                let all = crate::lint::test_support::run_all(&text, version_of(&text));
                if !want && r.severity == Severity::Error {
                    assert!(
                        all.iter().all(|f| f.severity != Severity::Error),
                        "{}: {all:#?}",
                        r.code
                    );
                }
            }
        }
    }
}
