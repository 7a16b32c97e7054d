//! `docs/rules/` is generated from the rule registry (one page per rule and an index);
//! SARIF's helpUri points at these pages, so this test fails when one is missing, stale or
//! left over from a rule that is gone. `SNAPSHOTS=overwrite cargo test --test cli rule_docs`
//! rewrites them.

use std::path::PathBuf;

use meshscope::internals::{RULES, report::rule_docs};

fn pages() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = RULES
        .iter()
        .map(|r| (format!("{}.md", r.code), rule_docs::page(r)))
        .collect();
    out.push(("README.md".to_string(), rule_docs::index(RULES)));
    out
}

#[test]
fn rule_docs_pages_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let overwrite = std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite");
    let generated = pages();
    let mut stale = Vec::new();
    for (file, content) in &generated {
        let path = dir.join(file);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
            if overwrite {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, content).unwrap();
            } else {
                stale.push(file.clone());
            }
        }
    }
    let expected: Vec<&String> = generated.iter().map(|(f, _)| f).collect();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if !expected.contains(&&name) {
            if overwrite {
                std::fs::remove_file(dir.join(&name)).unwrap();
            } else {
                stale.push(format!("{name} (no such rule)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale rule pages: {stale:?}; run `SNAPSHOTS=overwrite cargo test --test cli rule_docs`"
    );
}
