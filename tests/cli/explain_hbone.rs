//! `explain --hbone`: an HBONE connection into a waypoint (#14 point 4; DOMAIN.md §3.1):
//! `connect_terminate`'s CONNECT route to `main_internal`, whose filter_chain_matcher then
//! selects the chain for the CONNECT authority, as `--port 0 --dst-…` on the internal
//! listener alone does.

use crate::support::{Test, assert_golden};

const WAYPOINT: &str = "testdata/dumps/matcher-tree.json";

fn hbone(authority: &str, more: &[&str]) -> String {
    let args = [
        &[
            "explain",
            "-f",
            WAYPOINT,
            "--hbone",
            "--authority",
            authority,
        ][..],
        more,
    ];
    Test::new(args.concat()).ok()
}

fn selected(out: &str) -> &str {
    out.lines()
        .find(|l| l.starts_with("Selected") || l.starts_with("No chain matches"))
        .unwrap_or("")
}

/// The simulation of `main_internal` for the tunnelled connection, as `--port 0` shows it
/// for the same destination.
fn direct(ip: &str, port: &str) -> String {
    let out = Test::new([
        "explain",
        "-f",
        WAYPOINT,
        "--port",
        "0",
        "--dst-ip",
        ip,
        "--dst-port",
        port,
    ])
    .ok();
    out.split("\n\nListener `connect_terminate`")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// An in-mesh HTTP service, an in-mesh TCP service, and a port the waypoint does not
/// serve: the answers are the matcher tree's own.
#[test]
fn main_internal_answers_as_its_matcher_tree() {
    let cases = [
        (
            "10.96.88.150",
            "8000",
            "Selected: chain `inbound-vip|8000|http|httpbin.default.svc.cluster.local` (1st).",
        ),
        (
            "10.96.14.7",
            "5432",
            "Selected: chain `inbound-vip|5432|tcp|postgres.default.svc.cluster.local` (2nd).",
        ),
        ("10.96.14.7", "9", "Selected: chain `direct-tcp` (3rd)."),
    ];
    for (ip, port, want) in cases {
        let authority = format!("{ip}:{port}");
        let out = hbone(&authority, &[]);
        assert_eq!(selected(&out), want, "{authority}:\n{out}");
        let (header, listener) = out.split_once("\n\n").unwrap();
        assert!(
            header.contains("1. `connect_terminate` (0.0.0.0:15008) takes the HBONE connection")
        );
        assert!(header.contains("2. `main_internal` (internal) takes the tunnelled connection"));
        let same = direct(ip, port)
            .replace(
                &format!("--dst-port {port}, --dst-ip {ip}"),
                &format!("--authority {authority}"),
            )
            .replace(
                "(derived from --src-ip/--dst-ip)\n",
                &format!(
                    "(derived from --src-ip/--dst-ip), --filter-state io.istio.connect_authority={authority} (what connect_terminate stores for --authority)\n"
                ),
            );
        assert_eq!(listener.trim_end(), same.trim_end(), "{authority}");
    }
    assert_golden(
        "explain/hbone/httpbin.txt",
        &hbone("10.96.88.150:8000", &["--alpn", "http/1.1"]),
    );
}

/// Warnings that do not apply to a waypoint are not printed there: its internal listener
/// closes connections for services it does not serve by design, and connect_terminate's
/// one chain takes everything.
#[test]
fn waypoint_listeners_get_no_default_chain_warning() {
    let all = Test::new(["explain", "-f", WAYPOINT]).ok();
    assert!(!all.contains("has no default chain"), "{all}");
    let out = hbone("10.96.88.150:8000", &[]);
    assert!(!out.contains("A real sidecar could not see"), "{out}");
}

#[test]
fn json_names_the_connect_leg() {
    let out = hbone("10.96.14.7:5432", &["-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let way = &v["way"];
    assert_eq!(way["hbone"]["authority"], "10.96.14.7:5432");
    assert_eq!(way["hbone"]["cluster"], "main_internal");
    assert_eq!(way["hbone"]["stopped"], serde_json::Value::Null);
    let steps: Vec<&str> = (way["hops"].as_array().unwrap().iter())
        .map(|h| h["step"].as_str().unwrap())
        .collect();
    // Past main_internal's chain, its tcp_proxy's cluster: this dump has no clusters
    // section, which the cluster hop says (`found: no_clusters_section`).
    assert_eq!(steps, ["hbone_terminated", "tunnelled", "cluster"]);
    assert_eq!(way["hops"][2]["cluster"]["found"], "no_clusters_section");
    assert_eq!(v["listeners"][0]["name"], "main_internal");
}

/// A sidecar dump has no HBONE terminator: the way stops, said so, nothing simulated.
#[test]
fn a_proxy_without_connect_terminate_says_so() {
    let out = Test::new([
        "explain",
        "-f",
        "testdata/dumps/istio-current-permissive.json",
        "--hbone",
        "--authority",
        "10.96.88.150:8000",
    ])
    .ok();
    assert_eq!(
        out,
        "Way of an HBONE connection for 10.96.88.150:8000:\nThe way stops: no listener terminates HBONE (`connect_terminate`, or an HTTP connection manager with a CONNECT route): this proxy is not a waypoint.\n\n"
    );
    let bad = Test::new(["explain", "-f", WAYPOINT, "--hbone"]).run();
    assert_eq!(bad.code, 2);
    let bad = Test::new([
        "explain",
        "-f",
        WAYPOINT,
        "--hbone",
        "--authority",
        "10.0.0.1:80",
        "--port",
        "15008",
    ])
    .run();
    assert_eq!(bad.code, 2);
}

/// dot: the connection, connect_terminate, then main_internal's chains; a way that stops
/// ends on a stop node, never on a listener that is not drawn.
#[test]
fn dot_draws_the_hbone_leg() {
    let dot = hbone("10.96.14.7:5432", &["-o", "dot"]);
    assert!(
        dot.contains("conn [shape=oval, label=\"HBONE connection for 10.96.14.7:5432\"];"),
        "{dot}"
    );
    assert!(
        dot.contains("conn -> h0 [") && dot.contains("label=\"hbone_terminated\""),
        "{dot}"
    );
    assert!(
        dot.contains("h0 -> l0 [") && dot.contains("label=\"tunnelled\""),
        "{dot}"
    );
    let stopped = Test::new([
        "explain",
        "-f",
        "testdata/dumps/istio-current-permissive.json",
        "--hbone",
        "--authority",
        "10.0.0.1:80",
        "-o",
        "dot",
    ])
    .ok();
    assert!(stopped.contains("conn -> stop;"), "{stopped}");
    assert!(!stopped.contains("l0"), "{stopped}");
}

/// The CONNECT authority is the filter state connect_terminate leaves
/// (`io.istio.connect_authority`), said as derived; `--filter-state` sets others, and a
/// malformed one is a usage error.
#[test]
fn connect_authority_filter_state() {
    let out = hbone("10.96.14.7:5432", &["-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let assumptions = v["listeners"][0]["simulation"]["assumptions"].to_string();
    assert!(
        assumptions.contains("io.istio.connect_authority=10.96.14.7:5432"),
        "{assumptions}"
    );
    let bad = Test::new([
        "explain",
        "-f",
        WAYPOINT,
        "--hbone",
        "--authority",
        "10.96.14.7:5432",
        "--filter-state",
        "novalue",
    ])
    .run();
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("expected KEY=VALUE"), "{}", bad.stderr);
}
