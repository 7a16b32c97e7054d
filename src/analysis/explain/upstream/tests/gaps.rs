//! Where the dump does not hold what the next step needs, or Envoy learns it only at run
//! time: the way stops with a typed gap, never a guess.

use super::*;

/// What the dump lacks is a gap, never a guess: no clusters section; EDS without an
/// endpoints section, or without the service's load assignment (`EdsClusterImpl` waits
/// for it); an internal address no internal listener serves (`findByAddress` finds none).
#[test]
fn missing_sections_and_objects_are_gaps() {
    let l = listener_with(&tcp_proxy("outbound|3306||db"));
    let c = conn("10.96.45.12:3306");
    let no_clusters = Fake {
        clusters: None,
        endpoints: None,
        internal: Vec::new(),
    };
    let legs = run(&l, &c, true, &no_clusters);
    assert!(matches!(
        &legs[0],
        Leg::Cluster(ClusterLeg {
            state: Lookup::NoSection,
            ..
        })
    ));
    let no_eds = Fake {
        clusters: Some(vec![DB]),
        endpoints: None,
        internal: Vec::new(),
    };
    let legs = run(&l, &c, true, &no_eds);
    assert!(matches!(
        &found(&legs[0]).hosts,
        Hosts::Eds {
            endpoints: Lookup::NoSection,
            ..
        }
    ));
    let legs = run(&l, &c, true, &Fake::new(&[DB], &[], &[]));
    assert!(matches!(
        &found(&legs[0]).hosts,
        Hosts::Eds {
            endpoints: Lookup::NotInDump,
            ..
        }
    ));
    assert_eq!(legs.len(), 1);
    let host = hbone_host("10.244.2.40:3306", "10.244.2.40:3306", None);
    let fake = Fake::new(&[DB], &[assignment("outbound|3306||db", &[host])], &[]);
    let legs = run(&l, &c, true, &fake);
    match &legs[1] {
        Leg::Internal(i) => assert!(i.state.is_none() && i.listener == "connect_originate"),
        other => panic!("{other:?}"),
    }
    assert_eq!(legs.len(), 2);
}

/// The destination is restored only when the listener has `original_dst`
/// (`OriginalDstFilter::onAccept`) and the host's socket passes the metadata through
/// (`InternalUpstreamTransport` `passthrough_metadata`); a host whose match metadata
/// picks the plaintext socket passes nothing (`TransportSocketMatcherImpl::resolve`).
#[test]
fn restoring_needs_the_filter_and_the_passed_metadata() {
    let l = listener_with(&tcp_proxy("outbound|3306||db"));
    let c = conn("10.96.45.12:3306");
    let host = hbone_host("10.244.2.40:3306", "10.244.2.40:3306", None);
    let no_filter = r#"{"name":"connect_originate","internal_listener":{},
      "filter_chains":[{"filters":[{"name":"envoy.filters.network.tcp_proxy","typed_config":{
        "stat_prefix":"x","cluster":"connect_originate","tunneling_config":{"hostname":"%DOWNSTREAM_LOCAL_ADDRESS%"}}}]}]}"#;
    let fake = Fake::new(
        &[DB],
        &[assignment("outbound|3306||db", std::slice::from_ref(&host))],
        &[no_filter],
    );
    let legs = run(&l, &c, true, &fake);
    let (_, at) = reached(&legs[1]);
    assert_eq!(at.restore, Restore::NoOriginalDstFilter);
    // An internal address is no IP: the formatter cannot give an authority from it.
    assert_eq!(at.tunnel.as_ref().unwrap().authority, None);
    let plain = host.replace(r#"{"tunnel":"http"}"#, r#"{"tunnel":"none"}"#);
    let fake = Fake::new(
        &[DB],
        &[assignment("outbound|3306||db", &[plain])],
        &[CONNECT_ORIGINATE],
    );
    let legs = run(&l, &c, true, &fake);
    assert_eq!(reached(&legs[1]).1.restore, Restore::NotPassedThrough);
}
