//! Parsing a dump's sections apart must give exactly what the one-pass parse gives, or
//! nothing (and the one pass runs): random dumps, each shape the split refuses or guesses
//! wrong, and errors in big dumps.

use std::fmt;

use proptest::prelude::*;
use serde_json::value::RawValue;

use super::super::*;

/// Every section built, the clusters and routes sections included.
const ALL: Wanted = Wanted {
    sections: Sections {
        listeners: true,
        ecds: true,
        bootstrap: true,
    },
    routing: RoutingSections {
        clusters: true,
        routes: true,
        secrets: true,
        endpoints: true,
        bootstrap: false,
    },
};

const BOOTSTRAP: &str = r#"{"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump", "bootstrap": {"node": {"id": "sidecar~10.0.0.1~p.ns~ns.svc.cluster.local", "metadata": {"NAMESPACE": "ns"}}}}"#;
const CLUSTERS: &str = r#"{"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "version_info": "v1", "static_clusters": [{"cluster": {"name": "agent"}, "last_updated": "t"}], "dynamic_active_clusters": [{"cluster": {"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster", "name": "outbound|80||a"}}, {"cluster": {"name": "b\"{\"@type\": \"type.googleapis.com/envoy.admin.v3.X\"}"}}], "dynamicWarmingClusters": [{"versionInfo": "v2", "cluster": {"name": "w"}}, {"last_updated": "no cluster"}]}"#;
const ROUTES: &str = r#"{"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", "static_route_configs": [{"route_config": {"name": "s"}}], "dynamicRouteConfigs": [{"versionInfo": "v1", "routeConfig": {"name": "80", "virtualHosts": []}}]}"#;
const LISTENERS: &str = r#"{"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump", "version_info": "v1", "static_listeners": [{"listener": {"name": "s"}}], "dynamic_listeners": [{"name": "virtualInbound", "active_state": {"listener": {"name": "virtualInbound", "address": {"socket_address": {"address": "0.0.0.0", "port_value": 15006}}}}, "draining_state": {"listener": {"name": "virtualInbound"}}}, {"name": "w", "warming_state": {"listener": {"name": "w"}}, "error_state": {"details": "boom"}}]}"#;
const ECDS: &str = r#"{"@type": "type.googleapis.com/envoy.admin.v3.EcdsConfigDump", "ecds_filters": [{"ecds_filter": {"name": "ns.plugin", "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"}}}]}"#;
const SECRETS: &str = r#"{"@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump", "static_secrets": [{"name": "s", "secret": {"name": "s"}}], "dynamicActiveSecrets": [{"name": "default", "versionInfo": "v1", "secret": {"@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", "name": "default"}}], "dynamic_warming_secrets": [{"name": "w"}]}"#;
const ENDPOINTS: &str = r#"{"@type": "type.googleapis.com/envoy.admin.v3.EndpointsConfigDump", "static_endpoint_configs": [{"endpoint_config": {"cluster_name": "agent"}}], "dynamicEndpointConfigs": [{"versionInfo": "v1", "endpointConfig": {"clusterName": "outbound|80||a", "endpoints": [{"lbEndpoints": []}]}}, {"last_updated": "no config"}]}"#;
/// A section whose "@type" comes after another field: the split does not see it start.
const LATE_TYPE: &str = r#"{"static_listeners": [{"listener": {"name": "late"}}], "@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump"}"#;
/// A section holding an object that looks like the start of a section.
const LOOK_ALIKE: &str = r#"{"@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump", "x": [{"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", "y": 1}]}"#;

/// [`ALL`] with the bootstrap kept whole instead of only its node.
const ALL_WHOLE: Wanted = Wanted {
    sections: ALL.sections,
    routing: RoutingSections {
        bootstrap: true,
        ..ALL.routing
    },
};

fn one_pass<'a, L: ListenerBody<'a> + Send + fmt::Debug>(d: &Document<'a>) -> String {
    one_pass_of::<L>(d, ALL)
}

fn one_pass_of<'a, L: ListenerBody<'a> + Send + fmt::Debug>(
    d: &Document<'a>,
    wanted: Wanted,
) -> String {
    let top = d.parse::<L>(wanted).unwrap();
    format!("{:?}", d.build(top).unwrap())
}

fn apart<'a, L: ListenerBody<'a> + Send + fmt::Debug>(
    d: &Document<'a>,
    threads: usize,
) -> Option<String> {
    apart_of::<L>(d, threads, ALL)
}

fn apart_of<'a, L: ListenerBody<'a> + Send + fmt::Debug>(
    d: &Document<'a>,
    threads: usize,
    wanted: Wanted,
) -> Option<String> {
    d.parse_apart::<L>(wanted, threads)
        .map(|top| format!("{:?}", d.build(top).unwrap()))
}

fn dump_text(sections: &[&str], pretty: bool) -> String {
    let (open, sep, close) = if pretty {
        ("{\n \"configs\": [\n  ", ",\n  ", "\n ]\n}\n")
    } else {
        ("{\"configs\":[", ",", "]}")
    };
    format!("{open}{}{close}", sections.join(sep))
}

#[test]
fn a_plain_dump_parses_apart_as_in_one_pass() {
    let text = dump_text(
        &[
            BOOTSTRAP, CLUSTERS, ECDS, LISTENERS, ROUTES, SECRETS, ENDPOINTS, ECDS,
        ],
        true,
    );
    let d = Document::new("t.json", text.as_bytes());
    for threads in [2, 3, 8] {
        assert_eq!(
            apart::<&RawValue>(&d, threads).unwrap(),
            one_pass::<&RawValue>(&d)
        );
        assert_eq!(
            apart::<Box<Listener>>(&d, threads).unwrap(),
            one_pass::<Box<Listener>>(&d)
        );
    }
}

#[test]
fn shapes_it_cannot_prove_are_left_to_the_one_pass() {
    for (sections, loads) in [
        (vec![BOOTSTRAP, LATE_TYPE], true),
        (vec![LOOK_ALIKE, LISTENERS], true),
        // Not a section at all: the one pass refuses it.
        (vec![CLUSTERS, "1", LISTENERS], false),
    ] {
        let text = dump_text(&sections, false);
        let d = Document::new("t.json", text.as_bytes());
        assert!(apart::<&RawValue>(&d, 2).is_none(), "{text}");
        assert_eq!(d.load_wanted(ALL).is_ok(), loads, "{text}");
    }
}

#[test]
fn invalid_text_in_a_section_is_not_loaded_apart() {
    for bad in [
        r#"{"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump", "a": [1,]}"#,
        "{\"@type\": \"type.googleapis.com/envoy.admin.v3.RoutesConfigDump\", \"a\": \"\u{1}\"}",
        r#"{"@type": "type.googleapis.com/envoy.admin.v3.RoutesConfigDump"} {}"#,
    ] {
        let text = dump_text(&[LISTENERS, bad], true);
        let d = Document::new("t.json", text.as_bytes());
        assert!(apart::<&RawValue>(&d, 2).is_none(), "{bad}");
    }
    // Not UTF-8 in a string no section builds: found by the section's own UTF-8 check.
    let mut text = dump_text(&[LISTENERS, CLUSTERS], false).into_bytes();
    let at = text.windows(8).position(|w| w == b"outbound").unwrap();
    text[at] = 0xff;
    let d = Document::new("t.json", &text);
    assert!(d.parse_apart::<&RawValue>(ALL, 2).is_none());
    assert!(matches!(d.load_wanted(ALL), Err(LoadError::Binary { .. })));
}

/// Above the size where the loader splits, an error in a later section is reported with
/// the line and column of the whole file, as the one-pass loader reports it.
#[test]
fn an_error_in_a_big_split_dump_has_its_file_position() {
    let padding = format!(
        r#"{{"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump", "pad": "{}"}}"#,
        "x".repeat(SPLIT_AT_LEAST)
    );
    let bad =
        "{\"@type\": \"type.googleapis.com/envoy.admin.v3.RoutesConfigDump\",\n  \"a\": [1,]}";
    let text = dump_text(&[&padding, LISTENERS, bad], true);
    let d = Document::new("big.json", text.as_bytes());
    let err = d.load_wanted(ALL).unwrap_err().to_string();
    // Lines: "{", " \"configs\": [", padding, listeners, the bad section's two lines.
    assert!(err.starts_with("big.json:6:11: "), "{err}");
    // And without the error the same big dump loads apart.
    let good = dump_text(&[&padding, LISTENERS, ECDS], true);
    let d = Document::new("big.json", good.as_bytes());
    assert_eq!(
        apart::<&RawValue>(&d, 2).unwrap(),
        one_pass::<&RawValue>(&d)
    );
}

proptest! {
    /// Any mix of sections, compact or pretty: apart equals one pass whenever it gives an
    /// answer, and it gives one whenever every section starts with its "@type".
    #[test]
    fn apart_is_the_one_pass_or_nothing(
        picks in proptest::collection::vec(0usize..9, 1..8),
        pretty in any::<bool>(),
        threads in 2usize..5,
        whole in any::<bool>(),
    ) {
        let wanted = if whole { ALL_WHOLE } else { ALL };
        let all = [
            BOOTSTRAP, CLUSTERS, LISTENERS, ECDS, LATE_TYPE, LOOK_ALIKE, ROUTES, SECRETS, ENDPOINTS,
        ];
        let sections: Vec<&str> = picks.iter().map(|&i| all[i]).collect();
        let text = dump_text(&sections, pretty);
        let d = Document::new("t.json", text.as_bytes());
        let plain = !picks.iter().skip(1).any(|&i| i == 4) && !picks.contains(&5);
        match apart_of::<Box<Listener>>(&d, threads, wanted) {
            Some(got) => prop_assert_eq!(got, one_pass_of::<Box<Listener>>(&d, wanted)),
            None => prop_assert!(!plain, "a plain dump did not split: {}", text),
        }
        if let Some(got) = apart_of::<&RawValue>(&d, threads, wanted) {
            prop_assert_eq!(got, one_pass_of::<&RawValue>(&d, wanted));
        }
    }
}
