//! `explain --request`: the request followed from the chain to the endpoints, on the
//! current-Istio sidecar fixture and the gateway fixture; NR with the domains tried; a
//! tcp_proxy chain; sections the dump lacks as stated gaps; malformed flags.
//! See: #15

use crate::support::{Test, assert_golden};

fn explain(fixture: &str, flags: &[&str]) -> String {
    let path = format!("testdata/dumps/{fixture}");
    let mut args = vec!["explain", "-f", &path];
    args.extend_from_slice(flags);
    Test::new(&args).ok()
}

const HTTPBIN: &[&str] = &[
    "--dst",
    "10.96.88.150:8000",
    "--request",
    "GET http://httpbin.default:8000/status/418",
];

#[test]
fn httpbin_request_reaches_its_endpoints() {
    let out = explain("istio-current-permissive.json", HTTPBIN);
    for want in [
        "`0.0.0.0_8000` (0.0.0.0:8000) takes it by hand-off",
        "Selected: the unnamed chain (1st).",
        "1. Route configuration `8000` (RDS, from the dump's routes section).",
        "2. Virtual host `httpbin.default.svc.cluster.local:8000`: the Host `httpbin.default:8000`, compared as `httpbin.default`",
        "3. Route `default` (1st): prefix `/` takes the path.",
        "4. Action: route to cluster `outbound|8000||httpbin.default.svc.cluster.local`.",
        "- `10.244.0.12:80` HEALTHY, locality us-east1/us-east1-b, weight 1",
    ] {
        assert!(out.contains(want), "{want}\n{out}");
    }
    assert_golden("explain/request/httpbin.txt", &out);
    let mut json = HTTPBIN.to_vec();
    json.extend(["-o", "json"]);
    assert_golden(
        "explain/request/httpbin.json",
        &explain("istio-current-permissive.json", &json),
    );
    let mut dot = HTTPBIN.to_vec();
    dot.extend(["-o", "dot"]);
    assert_golden(
        "explain/request/httpbin.dot",
        &explain("istio-current-permissive.json", &dot),
    );
}

/// The issue's own line: no --dst, the Service address comes from the dump's virtual host
/// for the URL's host, as the mesh's DNS answers it.
#[test]
fn a_service_name_starts_at_its_address() {
    let out = explain(
        "istio-current-permissive.json",
        &["--request", "GET http://httpbin.default:8000/status/418"],
    );
    assert!(
        out.contains("Connection: the one --request implies"),
        "{out}"
    );
    assert!(
        out.contains("Derived: --dst 10.96.88.150:8000 (the address the dump's route configuration lists for the URL's host"),
        "{out}"
    );
    let with_dst = explain("istio-current-permissive.json", HTTPBIN);
    let request = |o: &str| o[o.find("Request:").unwrap_or(0)..].to_string();
    assert_eq!(request(&out), request(&with_dst));
}

#[test]
fn gateway_routes_by_header_weight_and_wildcard() {
    let gw = |url: &str, more: &[&str]| {
        let request = format!("GET {url}");
        let mut flags = vec!["--dst", "10.244.0.20:8080", "--request", &request];
        flags.extend_from_slice(more);
        explain("istio-current-gateway.json", &flags)
    };
    let split = gw("http://bookinfo.example.com/reviews/1", &[]);
    assert!(split.contains("`reviews-jason` (3rd): not taken: the route needs header `end-user` to equal `jason`; it is absent"), "{split}");
    assert_golden("explain/request/gateway-split.txt", &split);
    let jason = gw(
        "http://bookinfo.example.com/reviews/1",
        &["-H", "End-User: jason"],
    );
    assert!(jason.contains("3. Route `reviews-jason` (3rd)"), "{jason}");
    assert_golden("explain/request/gateway-jason.txt", &jason);
    let wildcard = gw("http://www.example.org:8080/", &["-o", "json"]);
    assert_golden("explain/request/gateway-wildcard.json", &wildcard);
    // `-H host` replaces the URL's authority.
    let host = gw(
        "http://10.244.0.20:8080/productpage",
        &["-H", "host: bookinfo.example.com"],
    );
    assert!(
        host.contains("Virtual host `bookinfo.example.com:80`"),
        "{host}"
    );
}

#[test]
fn a_host_no_virtual_host_takes_ends_in_nr() {
    let out = explain(
        "istio-current-gateway.json",
        &[
            "--dst",
            "10.244.0.20:8080",
            "--request",
            "GET http://other.example.net:8080/",
        ],
    );
    assert!(
        out.contains("No virtual host takes the Host `other.example.net:8080`, compared as `other.example.net` (the route configuration sets ignore_port_in_host_matching): Envoy answers 404 with response flag NR (route not found). Domains tried: `bookinfo.example.com`, `*.example.org`."),
        "{out}"
    );
    assert_golden("explain/request/gateway-nr.txt", &out);
}

#[test]
fn tcp_chain_shows_its_cluster_and_endpoints() {
    let out = explain(
        "istio-current-permissive.json",
        &[
            "--dst",
            "10.96.0.10:53",
            "--request",
            "GET http://kube-dns.kube-system:53/",
        ],
    );
    assert!(
        out.contains("Not applicable: the chain ends in tcp_proxy"),
        "{out}"
    );
    assert!(out.contains("`10.244.0.3:53` HEALTHY"), "{out}");
}

/// A section the dump lacks is a gap in the answer, not an error (#15 point 6).
#[test]
fn missing_sections_are_stated_gaps() {
    // Istio 1.12 fixtures were dumped without ?include_eds.
    let out = explain(
        "istio-1.12-permissive.json",
        &[
            "--dst",
            "10.96.88.150:8000",
            "--request",
            "GET http://httpbin.default:8000/",
        ],
    );
    assert!(
        out.contains(
            "Not followed further: the dump has no endpoints section (taken without ?include_eds"
        ),
        "{out}"
    );
    // A bare listener array has no routes section at all.
    let out = explain(
        "listeners-only.json",
        &[
            "--port",
            "8000",
            "--request",
            "GET http://httpbin.default:8000/",
        ],
    );
    assert!(
        out.contains("Not followed further: the dump has no routes section"),
        "{out}"
    );
}

#[test]
fn malformed_request_or_header_is_a_usage_error() {
    let dump = "testdata/dumps/istio-current-permissive.json";
    for (flag, value) in [
        ("--request", "GET"),
        ("--request", "GET ftp://x/"),
        ("--request", "GET httpbin/"),
    ] {
        let out = Test::new([
            "explain",
            "-f",
            dump,
            "--dst",
            "10.96.88.150:8000",
            flag,
            value,
        ])
        .run();
        assert_eq!(out.code, 2, "{value}");
        assert!(
            out.stderr.starts_with("error: invalid value"),
            "{}",
            out.stderr
        );
    }
    let out = Test::new([
        "explain",
        "-f",
        dump,
        "--dst",
        "10.96.88.150:8000",
        "--request",
        "GET http://a/",
        "-H",
        "nocolon",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .starts_with("error: invalid value 'nocolon' for '--header <NAME: VALUE>'"),
        "{}",
        out.stderr
    );
    // A name the dump lists no address for, and no --dst: one line, exit 2.
    let out = Test::new([
        "explain",
        "-f",
        dump,
        "--request",
        "GET http://nope.default:8000/",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "meshscope: error: explain --request needs --dst IP:PORT (or --port): the dump's route configuration 8000 lists no address for nope.default, and meshscope resolves no names itself\n"
    );
    // An IP address as the URL's host is the destination.
    let out = explain(
        "istio-current-permissive.json",
        &["--request", "GET http://10.96.88.150:8000/"],
    );
    assert!(
        out.contains("--dst 10.96.88.150:8000 (taken from the --request URL)"),
        "{out}"
    );
}
