//! `explain`: a connection's way through the listeners before chain selection (#14 point
//! 1; DOMAIN.md §3.1): the capture listener, Envoy's hand-off by original destination
//! (`ActiveTcpSocket::newConnection` → `ConnectionHandlerImpl::getBalancedHandlerByAddress`:
//! exact `IP:PORT`, then the any-address listener on the port), and the listener whose
//! chains decide.

use crate::support::{Test, assert_golden, real_dumps, rel};

const CURRENT: &str = "testdata/dumps/istio-current-permissive.json";

fn explain(args: &[&str]) -> String {
    Test::new([&["explain", "-f", CURRENT][..], args].concat()).ok()
}

/// The selected chain's line.
fn selected(out: &str) -> &str {
    out.lines()
        .find(|l| l.starts_with("Selected"))
        .unwrap_or("")
}

/// The outbound case: `--port 15001` names `virtualOutbound`, which hands the
/// connection to `0.0.0.0_8000`, whose HTTP chain takes it.
#[test]
fn outbound_is_handed_off_to_the_listener_on_the_port() {
    let args = [
        "--port",
        "15001",
        "--dst-port",
        "8000",
        "--dst-ip",
        "10.96.88.150",
        "--alpn",
        "http/1.1",
    ];
    let out = explain(&args);
    assert_golden("explain/way/outbound-8000.txt", &out);
    assert!(
        out.contains("1. `virtualOutbound` (0.0.0.0:15001) captures it"),
        "{out}"
    );
    assert!(out.contains("2. `0.0.0.0_8000` (0.0.0.0:8000) takes it by hand-off"));
    assert!(out.contains("\nListener `0.0.0.0_8000` (0.0.0.0:8000), 1 filter chain:\n"));
    assert!(!out.contains("Listener `virtualOutbound`"), "{out}");
    assert_eq!(selected(&out), "Selected: the unnamed chain (1st).");
    assert!(out.contains("that the HTTP inspector recognised as `http/1.1`"));
    // Without --port the application's connection goes the same way (outbound by default).
    let way = explain(&["--dst", "10.96.88.150:8000", "--alpn", "http/1.1"]);
    let after_header = |s: &str| s.split_once("\nListener ").map(|(_, r)| r.to_string());
    let same_listener = after_header(&way).map(|s| s.replace("--dst 10.96.88.150:8000", ""));
    let named = after_header(&out).map(|s| s.replace("--dst-port 8000, --dst-ip 10.96.88.150", ""));
    assert_eq!(same_listener, named);
    assert!(way.starts_with("Way of a connection to 10.96.88.150:8000 (outbound: "));
}

/// No listener on the port: `virtualOutbound` keeps the connection and its passthrough
/// chain takes it.
#[test]
fn a_destination_without_a_listener_ends_on_the_passthrough_chain() {
    let out = explain(&["--dst", "10.96.88.150:9999"]);
    assert!(
        out.contains("2. No listener is bound to 10.96.88.150:9999"),
        "{out}"
    );
    assert!(out.contains("\nListener `virtualOutbound` (0.0.0.0:15001), 2 filter chains:\n"));
    assert_eq!(
        selected(&out),
        "Selected: chain `virtualOutbound-catchall-tcp` (2nd)."
    );
    assert!(out.contains("forwards the bytes to cluster `PassthroughCluster`"));
    // use_original_dst restores the destination (Envoy
    // `ListenerImpl::buildOriginalDstListenerFilter`): no "own address and port 15001".
    assert!(!out.contains("matches on its own address"), "{out}");
}

/// `--direction inbound` to the pod's port 80 ends on virtualInbound's port-80 chain,
/// exactly as naming the listener does; the pod's own address is inbound without it.
#[test]
fn inbound_ends_on_virtual_inbound_as_before() {
    let today = explain(&["--port", "15006", "--dst-port", "80"]);
    let way = explain(&["--dst-port", "80", "--direction", "inbound"]);
    let (header, rest) = way.split_once("\n\n").unwrap();
    assert!(header.contains("(inbound, --direction)"), "{header}");
    assert!(header.contains("1. `virtualInbound` (0.0.0.0:15006) captures it"));
    assert_eq!(rest, today);
    assert_eq!(selected(&way), "Selected: chain `0.0.0.0_80` (8th).");
    let own = explain(&["--dst", "10.244.0.12:80"]);
    assert!(own.starts_with(
        "Way of a connection to 10.244.0.12:80 (inbound: the destination is one of the pod's own addresses"
    ));
    assert_eq!(selected(&own), "Selected: chain `0.0.0.0_80` (8th).");
}

#[test]
fn json_has_the_hops_and_dot_draws_them() {
    let out = explain(&["--dst", "10.96.88.150:8000", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let way = &v["way"];
    assert_eq!(way["destination"], "10.96.88.150:8000");
    assert_eq!(way["direction"], "outbound");
    assert_eq!(way["direction_from"], "default");
    assert_eq!(way["kept_by_capture_listener"], false);
    let steps: Vec<(&str, &str)> = (way["hops"].as_array().unwrap().iter())
        .map(|h| (h["listener"].as_str().unwrap(), h["step"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("virtualOutbound", "captured"),
            ("0.0.0.0_8000", "handed_off_any_address"),
            // Without ALPN the default chain takes it: its tcp_proxy sends it to
            // PassthroughCluster, whose host is the restored destination.
            ("", "cluster")
        ]
    );
    let listeners = v["listeners"].as_array().unwrap();
    assert_eq!(listeners.len(), 1);
    assert_eq!(listeners[0]["name"], "0.0.0.0_8000");
    // Named by --port without a connection: no way.
    let plain = explain(&["--port", "8000", "-o", "json"]);
    assert!(!plain.contains("\"way\""));
    let dot = explain(&["--dst", "10.96.88.150:8000", "-o", "dot"]);
    assert!(dot.contains("conn -> h0 ["), "{dot}");
    assert!(dot.contains("h0 -> l0 ["), "{dot}");
    assert!(dot.contains("label=\"handed_off_any_address\""), "{dot}");
}

/// A proxy without capture listeners takes a connection on the listener bound to its
/// destination; a port nothing binds is refused.
#[test]
fn without_capture_listeners_the_bound_listener_takes_it() {
    let dump = "testdata/dumps/warming-draining.json";
    let out = Test::new([
        "explain",
        "-f",
        dump,
        "--dst-port",
        "9080",
        "--alpn",
        "http/1.1",
    ])
    .ok();
    assert!(
        out.starts_with(
            "Way of a connection to 10.0.0.1:9080:\n1. `0.0.0.0_9080` (0.0.0.0:9080) is bound to it"
        ),
        "{out}"
    );
    let refused = Test::new(["explain", "-f", dump, "--dst-port", "7070"]).ok();
    assert_eq!(
        refused,
        "No listener takes a connection to 10.0.0.1:7070: none is bound to it and none captures connections, so it is refused.\n"
    );
    let json = Test::new(["explain", "-f", dump, "--dst-port", "7070", "-o", "json"]).ok();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["way"]["hops"], serde_json::json!([]));
    assert_eq!(v["listeners"], serde_json::json!([]));
}

/// `--dst` is `--dst-ip` and `--dst-port` in one; it cannot be given with them.
#[test]
fn dst_and_dst_port_are_one_destination() {
    let out = Test::new([
        "explain",
        "-f",
        CURRENT,
        "--dst",
        "10.0.0.1:80",
        "--dst-port",
        "80",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
    let out = Test::new(["explain", "-f", CURRENT, "--direction", "inbound"]).run();
    assert_eq!(out.code, 2, "{}", out.stderr);
    let v6 = explain(&["--dst", "[fd00::1]:8000", "-o", "json"]);
    assert!(v6.contains("\"destination\": \"[fd00::1]:8000\""), "{v6}");
}

/// On Istio's own bookinfo dump: the kubernetes API's VIP has its own listener, bound to
/// exactly 10.96.0.1:443.
#[test]
fn real_dump_kubernetes_api_is_handed_off_to_its_vip_listener() {
    let Some(dir) = real_dumps() else { return };
    let dump = rel(&dir.join("sidecar-productpage.yaml"));
    let out = Test::new([
        "explain",
        "-f",
        &dump,
        "--dst",
        "10.96.0.1:443",
        "--transport",
        "tls",
        "--sni",
        "kubernetes.default.svc",
    ])
    .ok();
    let out = out.replace(&dump, "sidecar-productpage.yaml");
    assert_golden("explain/way/real-productpage-kubernetes.txt", &out);
    assert!(out.contains("2. `10.96.0.1_443` (10.96.0.1:443) takes it by hand-off: it is bound to exactly 10.96.0.1:443."));
}
