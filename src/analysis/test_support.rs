//! Test helpers shared by the analysis tests: fixture dumps, decoded once and leaked.

use crate::envoy::{Document, Listener, Sections};

/// The text of a fixture under `testdata/dumps/`, leaked so listeners can borrow it.
pub fn fixture_text(name: &str) -> &'static str {
    let path = format!("{}/testdata/dumps/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    Box::leak(text.into_boxed_str())
}

/// Every active listener of a fixture dump, in dump order.
pub fn listeners(name: &str) -> Vec<Listener<'static>> {
    let doc = Document::new("fixture", fixture_text(name).as_bytes());
    let dump = doc
        .load(Sections {
            listeners: true,
            ..Sections::default()
        })
        .unwrap();
    let section = dump.listeners.unwrap();
    section
        .entries
        .iter()
        .map(|e| doc.listener(e).unwrap())
        .collect()
}

/// The `virtualInbound` listener of a fixture dump.
pub fn virtual_inbound(name: &str) -> Listener<'static> {
    listeners(name)
        .into_iter()
        .find(|l| l.name == "virtualInbound")
        .unwrap()
}
