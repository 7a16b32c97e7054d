//! `docs/rules/` is generated from the rule registry (one page per rule and an index);
//! SARIF's helpUri points at these pages, so this test fails when one is missing, stale or
//! left over from a rule that is gone. `SNAPSHOTS=overwrite cargo test --test cli rule_docs`
//! rewrites them.

use std::path::PathBuf;

use meshscope::internals::{RULES, report::rule_docs};

fn pages() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = RULES
        .iter()
        .map(|r| (format!("{}.md", r.code), rule_docs::page(r).into_bytes()))
        .collect();
    out.push((
        "README.md".to_string(),
        rule_docs::index(RULES).into_bytes(),
    ));
    out
}

#[test]
fn rule_docs_pages_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    crate::support::assert_generated(
        &dir,
        &pages(),
        |_| true,
        "SNAPSHOTS=overwrite cargo test --test cli rule_docs",
    );
}
