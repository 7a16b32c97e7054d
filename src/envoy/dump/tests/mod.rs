//! The loader's one-pass parse: section order, late "@type", validation of skipped
//! sections, error positions, and the fast path's fallbacks to the reference parse.

mod apart;

use super::*;

fn doc(text: &str) -> Document<'_> {
    Document::new("t.json", text.as_bytes())
}

const ALL: Sections = Sections {
    listeners: true,
    ecds: true,
    bootstrap: true,
};

#[test]
fn reads_states_in_order_and_statics_last() {
    let text = r#"{"configs":[
      {"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
       "static_listeners":[{"listener":{"name":"s"}}],
       "dynamic_listeners":[
         {"name":"a","active_state":{"listener":{"name":"a"}},"draining_state":{"listener":{"name":"a"}}},
         {"name":"w","warming_state":{"listener":{"name":"w"}},"error_state":{"details":"boom"}}]}]}"#;
    let dump = doc(text).load(ALL).unwrap();
    let l = dump.listeners.unwrap();
    let got: Vec<_> = l.entries.iter().map(|e| (e.origin, e.state)).collect();
    assert_eq!(
        got,
        [
            (ListenerOrigin::Dynamic, ListenerState::Active),
            (ListenerOrigin::Dynamic, ListenerState::Draining),
            (ListenerOrigin::Dynamic, ListenerState::Warming),
            (ListenerOrigin::Static, ListenerState::Active),
        ]
    );
    assert_eq!(l.errors[0].details, "boom");
}

#[test]
fn type_after_fields_and_last_listener_section_wins() {
    let text = r#"{"configs":[
      {"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump","static_listeners":[{"listener":{"name":"old"}}]},
      {"staticListeners":[{"listener":{"name":"new"}}],"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump"}]}"#;
    let d = doc(text);
    let dump = d.load(ALL).unwrap();
    let l = dump.listeners.unwrap();
    assert_eq!(l.entries.len(), 1);
    assert_eq!(d.listener(&l.entries[0]).unwrap().name, "new");
}

#[test]
fn ecds_sections_concatenate() {
    let text = r#"{"configs":[
      {"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecds_filters":[{"ecds_filter":{"name":"a"}}]},
      {"@type":"type.googleapis.com/envoy.admin.v3.EcdsConfigDump","ecdsFilters":[{"ecdsFilter":{"name":"b","typedConfig":{"@type":"t"}}}]}]}"#;
    let dump = doc(text).load(ALL).unwrap();
    let names: Vec<_> = dump
        .ecds
        .unwrap()
        .iter()
        .map(|e| e.name.to_string())
        .collect();
    assert_eq!(names, ["a", "b"]);
}

#[test]
fn skipped_sections_are_still_validated() {
    let text = r#"{"configs":[{"@type":"x.ClustersConfigDump","a":[1,2,}]}"#;
    let err = doc(text).load(Sections::default()).unwrap_err();
    assert!(matches!(err, LoadError::Json { .. }), "{err}");
}

#[test]
fn wrong_type_reports_field_and_position() {
    let text = "{\"configs\":[{\"@type\":\"type.googleapis.com/envoy.admin.v3.ListenersConfigDump\",\n\"static_listeners\":[{\"listener\":{\"name\":\"s\",\n  \"address\":{\"socket_address\":{\"port_value\":true}}}}]}]}";
    let d = doc(text);
    let dump = d.load(ALL).unwrap();
    let entry = &dump.listeners.unwrap().entries[0];
    let err = d.listener(entry).unwrap_err().to_string();
    assert!(err.starts_with("t.json:3:"), "{err}");
    assert!(
        err.contains("configs[0].static_listeners[0].listener.address.socket_address.port_value"),
        "{err}"
    );
}

#[test]
fn decoded_in_the_pass_as_decoded_afterwards() {
    let text = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
       "dynamic_listeners":[{"name":"a","active_state":{"listener":{"name":"a",
         "address":{"socket_address":{"port_value":80}}}}}],
       "static_listeners":[{"listener":{"name":"s"}}]}]}"#;
    let d = doc(text);
    let decoded = d.load_decoded::<Box<Listener>>(ALL).unwrap();
    let raw = d.load(ALL).unwrap();
    let names = |it: Vec<String>| it.join(",");
    assert_eq!(
        names(
            decoded
                .listeners
                .unwrap()
                .entries
                .iter()
                .map(|e| e.raw.name.to_string())
                .collect()
        ),
        names(
            raw.listeners
                .unwrap()
                .entries
                .iter()
                .map(|e| d.listener(e).unwrap().name.to_string())
                .collect()
        ),
    );
}

#[test]
fn what_the_fast_path_refuses_the_reference_parse_decides() {
    // A float too big for f64 in a skipped section: valid JSON, and it loads.
    let text = r#"{"configs":[{"@type":"x.ClustersConfigDump","n":1e400}],"other":[1e400]}"#;
    assert!(doc(text).load(ALL).is_ok());
    assert!(doc(text).load_decoded::<Box<Listener>>(ALL).is_ok());
    // A wrong type inside a listener decoded in the pass: reported as the lazy decode does.
    let text = r#"{"configs":[{"@type":"type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
       "static_listeners":[{"listener":{"name":"s","address":{"socket_address":{"port_value":true}}}}]}]}"#;
    let d = doc(text);
    let lazy = d.listener(&d.load(ALL).unwrap().listeners.unwrap().entries[0]);
    let fused = d.load_decoded::<Box<Listener>>(ALL).unwrap_err();
    assert_eq!(fused.to_string(), lazy.unwrap_err().to_string());
}

#[test]
fn binary_data_in_a_skipped_string_is_still_refused() {
    let mut text = br#"{"configs":[{"@type":"x.ClustersConfigDump","a":["ok",""#.to_vec();
    let at = text.len();
    text.extend_from_slice(b"\xff\"]}]}");
    let d = Document::new("t.json", &text);
    let err = d.load(Sections::default()).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("t.json: not a text file (binary data at byte {at})")
    );
    // Counted from the start of the file when a byte-order mark came before the text.
    let d = Document { skipped: 3, ..d };
    let err = d.load(Sections::default()).unwrap_err().to_string();
    assert!(err.ends_with(&format!("at byte {})", at + 3)), "{err}");
}

#[test]
fn not_a_dump() {
    for text in [r#"{"kind":"Pod"}"#, "[1,2]", "\"x\"", "42"] {
        let err = doc(text).load(ALL).unwrap_err();
        assert!(matches!(err, LoadError::NotADump { .. }), "{text}: {err}");
    }
}

#[test]
fn binary_offset_reports_utf8_before_nul() {
    use super::diagnose::binary_offset;
    assert_eq!(binary_offset(b"ab\0\xff"), Some(3));
    assert_eq!(binary_offset(b"ab\0c"), Some(2));
    assert_eq!(binary_offset(b"abc"), None);
}

#[test]
fn clusters_and_routes_in_either_spelling_last_section_wins() {
    let routing = RoutingSections {
        clusters: true,
        routes: true,
        ..RoutingSections::NONE
    };
    let text = r#"{"configs":[
      {"@type":"type.googleapis.com/envoy.admin.v3.ClustersConfigDump","static_clusters":[{"cluster":{"name":"old"}}]},
      {"@type":"type.googleapis.com/envoy.admin.v3.ClustersConfigDump",
       "staticClusters":[{"cluster":{"name":"s"}}],
       "dynamicActiveClusters":[{"versionInfo":"v1","cluster":{"name":"a"}},{"lastUpdated":"t"}],
       "dynamic_warming_clusters":[{"cluster":{"name":"w"}}]},
      {"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump",
       "static_route_configs":[{"route_config":{"name":"sr"}}],
       "dynamicRouteConfigs":[{"routeConfig":{"name":"80","virtualHosts":[{"name":"v"}]}}]}]}"#;
    let d = doc(text);
    let dump = d.load_with_routing(Sections::default(), routing).unwrap();
    let clusters = dump.clusters.unwrap();
    let names = |entries: &[ClusterEntry]| -> Vec<String> {
        entries
            .iter()
            .map(|e| d.cluster(e).unwrap().name.to_string())
            .collect()
    };
    assert_eq!(names(&clusters.static_clusters), ["s"]);
    // The entry without a cluster is left out, as istioctl skips it.
    assert_eq!(names(&clusters.dynamic_active_clusters), ["a"]);
    assert_eq!(clusters.dynamic_active_clusters[0].version_info, "v1");
    assert_eq!(names(&clusters.dynamic_warming_clusters), ["w"]);
    let routes = dump.routes.unwrap();
    let config = d.route_config(&routes.dynamic_route_configs[0]).unwrap();
    assert_eq!(
        (config.name.as_ref(), config.virtual_hosts.len()),
        ("80", 1)
    );
    assert_eq!(routes.static_route_configs.len(), 1);
    // Not asked for: not built.
    let dump = d.load(ALL).unwrap();
    assert!(dump.clusters.is_none() && dump.routes.is_none());
}

#[test]
fn a_bad_cluster_has_its_position_and_path() {
    let text = "{\"configs\":[{\"@type\":\"type.googleapis.com/envoy.admin.v3.ClustersConfigDump\",\n\"dynamic_active_clusters\":[{\"cluster\":{\"name\":\"a\",\n  \"metadata\":{\"filter_metadata\":{\"istio\":{\"config\":\"x\"}}},\"name2\":1}},\n{\"cluster\":{\"name\":7}}]}]}";
    let d = doc(text);
    let routing = RoutingSections {
        clusters: true,
        routes: false,
        ..RoutingSections::NONE
    };
    let dump = d.load_with_routing(Sections::default(), routing).unwrap();
    let entries = &dump.clusters.unwrap().dynamic_active_clusters;
    assert!(d.cluster(&entries[0]).is_ok());
    let err = d.cluster(&entries[1]).unwrap_err().to_string();
    assert!(err.starts_with("t.json:4:20: "), "{err}");
    assert!(
        err.contains("configs[0].dynamic_active_clusters[1].cluster.name"),
        "{err}"
    );
}

#[test]
fn secrets_endpoints_and_the_whole_bootstrap_in_either_spelling() {
    let routing = RoutingSections {
        secrets: true,
        endpoints: true,
        bootstrap: true,
        ..RoutingSections::NONE
    };
    let text = r#"{"configs":[
      {"@type":"type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
       "bootstrap":{"node":{"id":"n","metadata":{"NAMESPACE":"ns"}}},"lastUpdated":"t"},
      {"@type":"type.googleapis.com/envoy.admin.v3.SecretsConfigDump",
       "dynamicActiveSecrets":[{"name":"default","versionInfo":"v1","secret":{"name":"default"}}],
       "dynamic_warming_secrets":[{"name":"w"}]},
      {"@type":"type.googleapis.com/envoy.admin.v3.EndpointsConfigDump",
       "static_endpoint_configs":[{"endpoint_config":{"cluster_name":"agent"}},{"last_updated":"t"}],
       "dynamicEndpointConfigs":[{"endpointConfig":{"clusterName":"a"}}]}]}"#;
    let d = doc(text);
    let dump = d.load_with_routing(Sections::default(), routing).unwrap();
    let secrets = dump.secrets.unwrap();
    assert_eq!(secrets.dynamic_active_secrets[0].name, "default");
    assert_eq!(secrets.dynamic_active_secrets[0].version_info, "v1");
    assert!(secrets.dynamic_warming_secrets[0].secret.is_none());
    assert_eq!(
        secrets.dynamic_active_secrets[0].json_path(),
        "configs[1].dynamic_active_secrets[0].secret"
    );
    let endpoints = dump.endpoints.unwrap();
    // The entry without an endpoint_config is left out.
    assert_eq!(endpoints.static_endpoint_configs.len(), 1);
    assert_eq!(endpoints.dynamic_endpoint_configs.len(), 1);
    let bootstrap = dump.bootstrap.unwrap();
    let keys: Vec<&str> = bootstrap.fields.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["bootstrap", "lastUpdated"]);
    // The node is read from the whole bootstrap as well.
    assert_eq!(dump.node.unwrap().id, "n");
    // Not asked for: not built.
    let dump = d.load(ALL).unwrap();
    assert!(dump.secrets.is_none() && dump.endpoints.is_none() && dump.bootstrap.is_none());
}
