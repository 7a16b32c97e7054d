use super::*;
use crate::istio::yaml_tree::Pos;

fn facts(text: &str) -> DumpFacts {
    let doc = Document::new("d.json", text.as_bytes());
    DumpFacts::load(&doc, text, 0).unwrap()
}

#[test]
fn positions_of_listeners_chains_and_filters() {
    let text = r#"{"configs":[
{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","dynamic_listeners":[
 {"name":"l","warming_state":{"listener":
  {"name":"l","filter_chains":[
   {"name":"c","filters":[{"name":"envoy.filters.network.http_connection_manager","typed_config":{"http_filters":[
    {"name":"extensions.istio.io/wasmplugin/default.p","config_discovery":{}},
    {"name":"envoy.filters.http.router"}]}}]}],
   "default_filter_chain":{"filters":[]}}}}]}]}"#;
    let f = facts(text);
    assert!(!f.ecds_section);
    let l = &f.listeners[0];
    assert_eq!(l.label(), "l (warming)");
    let at = |s: Spot| {
        let p = s.resolve(text);
        (p.line, p.column)
    };
    assert_eq!(at(l.pos), (4, 3));
    assert_eq!(at(l.chains[0].pos), (5, 4));
    let filters = &l.chains[0].hcms[0];
    assert_eq!(at(filters[0].pos), (6, 13));
    assert!(filters[0].ecds && filters[0].wasm.is_some());
    assert!(filters[1].is_terminal && filters[1].wasm.is_none());
    assert_eq!(l.default_chain.as_ref().map(|c| c.name.as_str()), Some("-"));
    // Without an ECDS section the filter's state is unknown.
    assert_eq!(
        f.ecds[0].health.state,
        crate::analysis::wasm::ecds::EcdsState::Unknown
    );
    assert_eq!(f.ecds[0].first_reference, Some(filters[0].pos));
}

#[test]
fn yaml_positions_follow_the_path() {
    let doc = Document {
        from_yaml: true,
        ..Document::new(
            "d.yaml",
            br#"[{"name":"l","filter_chains":[{"name":"c"}]}]"#,
        )
    };
    // Not the YAML the JSON came from: nothing to follow, so the start of the file.
    let f = DumpFacts::load(&doc, "[]", 0).unwrap();
    assert_eq!(f.listeners[0].chains[0].pos, START);
    let yaml = "- name: l\n  filter_chains:\n  - name: c\n";
    let f = DumpFacts::load(&doc, yaml, 0).unwrap();
    assert_eq!(f.listeners[0].pos, Spot::At(Pos { line: 1, column: 3 }));
    assert_eq!(
        f.listeners[0].chains[0].pos,
        Spot::At(Pos { line: 3, column: 5 })
    );
}
