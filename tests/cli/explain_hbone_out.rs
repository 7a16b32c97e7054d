//! `explain --dst` past the chain that takes the connection (#14 point 4, outbound HBONE;
//! DOMAIN.md §3.1): the tcp_proxy's cluster, its EDS hosts at `envoy_internal_address`
//! `connect_originate`, that internal listener (Envoy's `envoy.bootstrap.internal_listener`
//! registry, `InternalListenerManager::findByAddress`) with the destination its
//! `original_dst` filter restores from the host's metadata (`OriginalDstFilter::onAccept`),
//! its tcp_proxy `tunneling_config` (`TunnelingConfigHelperImpl::host`), and the
//! `ORIGINAL_DST` cluster `connect_originate` to port 15008 with TLS ALPN h2
//! (`OriginalDstCluster::LoadBalancer::chooseHost`). The fixture follows Istio 1.30's
//! `buildConnectOriginate`, `buildConnectForwarder` and `endpoint_builder.go`.

use crate::support::{Test, assert_golden};

const SIDECAR: &str = "testdata/dumps/sidecar-hbone-outbound.json";

fn explain(dst: &str, more: &[&str]) -> String {
    Test::new([&["explain", "-f", SIDECAR, "--dst", dst][..], more].concat()).ok()
}

/// The header lines: the way, up to the first listener's section.
fn header(out: &str) -> &str {
    out.split("\n\nListener ").next().unwrap_or_default()
}

#[test]
fn outbound_hbone_goes_through_connect_originate() {
    let out = explain("10.96.45.12:3306", &[]);
    assert_golden("explain/hbone-out/mysqldb.txt", &out);
    let way = header(&out);
    assert!(way.contains("3. tcp_proxy sends it to cluster `outbound|3306||mysqldb.default.svc.cluster.local` (EDS)"), "{way}");
    assert!(
        way.contains("4. `connect_originate` (internal) takes it"),
        "{way}"
    );
    assert!(
        way.contains("restores the destination 10.244.2.40:3306"),
        "{way}"
    );
    assert!(
        way.contains("HTTP CONNECT request for 10.244.2.40:3306"),
        "{way}"
    );
    assert!(way.contains("5. tcp_proxy sends it to cluster `connect_originate` (ORIGINAL_DST): it makes its host from the connection: 10.244.2.40:15008"), "{way}");
    assert!(way.contains("over TLS with ALPN h2"), "{way}");
    // Both listeners whose chains decide are explained, the internal one for the
    // connection it is handed.
    assert!(out.contains("\n\nListener `10.96.45.12_3306` (10.96.45.12:3306), 1 filter chain:\n"));
    assert!(out.contains("\n\nListener `connect_originate` (internal), 1 filter chain:\n"));
    assert!(out.contains(
        "Connection: the one the cluster's internal host hands over, to 10.244.2.40:3306"
    ));
}

#[test]
fn json_and_dot_carry_every_hop() {
    let out = explain("10.96.45.12:3306", &["-o", "json"]);
    assert_golden("explain/hbone-out/mysqldb.json", &out);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let hops = v["way"]["hops"].as_array().unwrap();
    let steps: Vec<(&str, &str)> = hops
        .iter()
        .map(|h| (h["listener"].as_str().unwrap(), h["step"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("virtualOutbound", "captured"),
            ("10.96.45.12_3306", "handed_off_exact"),
            ("", "cluster"),
            ("connect_originate", "internal_upstream"),
            ("", "cluster")
        ]
    );
    assert_eq!(
        hops[3]["internal"]["restored_destination"],
        "10.244.2.40:3306"
    );
    assert_eq!(
        hops[3]["internal"]["tunnel"]["authority"],
        "10.244.2.40:3306"
    );
    assert_eq!(
        hops[4]["cluster"]["original_dst"]["address"],
        "10.244.2.40:15008"
    );
    assert_eq!(hops[4]["cluster"]["original_dst"]["tls_alpn"][0], "h2");
    let names: Vec<&str> = (v["listeners"].as_array().unwrap().iter())
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["10.96.45.12_3306", "connect_originate"]);
    assert_eq!(
        v["listeners"][1]["simulation"]["connection"]["dst_ip"],
        "10.244.2.40"
    );
    let dot = explain("10.96.45.12:3306", &["-o", "dot"]);
    assert_golden("explain/hbone-out/mysqldb.dot", &dot);
    assert!(dot.contains("u0 -> l1 [") && dot.contains("internal_upstream 10.244.2.40:3306"));
    assert!(dot.contains("tunnel CONNECT 10.244.2.40:3306"), "{dot}");
}

/// A service with a waypoint (endpoint_builder.go: the tunnel targets the service address,
/// the host's metadata names the waypoint): `connect_originate`'s `metadata_key` sends the
/// tunnel to the waypoint instead of the restored destination (`metadataOverrideHost`).
#[test]
fn a_service_waypoint_carries_the_tunnel() {
    let out = explain("10.96.45.40:5432", &[]);
    let way = header(&out);
    assert!(
        way.contains("HTTP CONNECT request for 10.96.45.40:5432"),
        "{way}"
    );
    assert!(
        way.contains("it makes its host from the connection: 10.244.4.50:15008 (from the connection's metadata `envoy.filters.listener.original_dst/waypoint`"),
        "{way}"
    );
}

/// What the dump does not hold stops the way, said plainly: a cluster not in the clusters
/// section (tcp_proxy `Filter::initializeUpstreamConnection`: no thread-local cluster, NC),
/// one only warming (not in the cluster manager's thread-local clusters yet), an EDS
/// service without a load assignment in the endpoints section; an HTTP chain leaves the
/// cluster to each request's route.
#[test]
fn gaps_are_stated() {
    let cases = [
        (
            "10.96.45.30:27017",
            &[][..],
            "3. tcp_proxy sends it to cluster `outbound|27017||mongo.default.svc.cluster.local`, which is not in the dump's clusters section: Envoy has no such cluster, so tcp_proxy closes the connection (NC, no cluster found)",
        ),
        (
            "10.96.45.60:11211",
            &[][..],
            "which is only warming (dynamic_warming_clusters): Envoy sends no connection to it until it is warm",
        ),
        (
            "10.96.45.20:6379",
            &[][..],
            "the dump's endpoints section has no load assignment for EDS service `outbound|6379||redis.default.svc.cluster.local`, so its hosts are not known: the way stops here.",
        ),
        (
            "10.96.45.50:9080",
            &["--alpn", "http/1.1"][..],
            "3. The chain ends in an HTTP connection manager: the route each request matches decides the cluster, so the way is not followed past the chain.",
        ),
    ];
    for (dst, more, want) in cases {
        let out = explain(dst, more);
        assert!(header(&out).contains(want), "{dst}: {out}");
        assert!(!out.contains("connect_originate"), "{dst}: {out}");
    }
    let gaps = explain("10.96.45.20:6379", &["-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&gaps).unwrap();
    assert_eq!(
        v["way"]["hops"][2]["cluster"]["endpoints_found"],
        "not_in_dump"
    );
}

/// A dump taken without clusters or endpoints says so rather than looking clean.
#[test]
fn a_dump_without_clusters_says_so() {
    let out = Test::new([
        "explain",
        "-f",
        "testdata/dumps/warming-draining.json",
        "--dst",
        "10.96.0.10:53",
    ])
    .ok();
    assert!(
        out.contains("the dump has no clusters section, so what the cluster does is not known: the way stops here."),
        "{out}"
    );
}
