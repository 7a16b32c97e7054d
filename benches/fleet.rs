//! Benchmark (not a test): fleet `wasm count` through the in-process test API server.
//!
//! Starts the test API server of `tests/cli/support/` with N pods (spread over 10
//! namespaces, one Deployment each), all answering through one fake admin endpoint that
//! serves a generated ~1 MB dump after a fixed latency, then runs the release binary
//! `meshscope wasm count -l app=bench -A --concurrency C` under GNU time and reports:
//! - wall time against the ideal `N / C × latency` (every fetch waiting its latency, no
//!   other cost; target ≤ 1.5×);
//! - peak RSS at 100 and at 1,000 pods (memory must follow the concurrency, not the fleet:
//!   target growth ≤ 30 MB).
//!
//! The fake servers run in this process on the same machine, so they compete with
//! meshscope for CPU (TLS, WebSocket framing): the ratio is an upper bound on meshscope's
//! own overhead.
//!
//! ```text
//! cargo build --release --example gen_dump
//! cargo bench --bench fleet                      # 100 and 1000 pods, 1 MB, 50 ms, 16
//! cargo bench --bench fleet -- --pods 100,1000 --size-mb 1 --latency-ms 50 --concurrency 16 --runs 5
//! ```
//!
//! Each round runs every pod count once (so a shift of load on the machine hits them
//! alike); the table has the median of the rounds, with the range.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::unreachable
)]

#[path = "../tests/cli/support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::admin_server::{AdminServer, Fault};
use support::apiserver::{ApiServer, FakeCluster, FakePod};

struct Args {
    pods: Vec<usize>,
    size_mb: usize,
    latency: Duration,
    concurrency: usize,
    runs: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        pods: vec![100, 1000],
        size_mb: 1,
        latency: Duration::from_millis(50),
        concurrency: 16,
        runs: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().unwrap_or_default();
        match a.as_str() {
            "--pods" => args.pods = value().split(',').map(|n| n.parse().unwrap()).collect(),
            "--size-mb" => args.size_mb = value().parse().unwrap(),
            "--latency-ms" => args.latency = Duration::from_millis(value().parse().unwrap()),
            "--concurrency" => args.concurrency = value().parse().unwrap(),
            "--runs" => args.runs = value().parse().unwrap(),
            // `cargo bench` passes `--bench`; ignore what is not ours.
            _ => {}
        }
    }
    args
}

/// The release binaries next to each other: `target/release/{meshscope,examples/gen_dump}`.
fn binaries() -> (PathBuf, PathBuf) {
    let meshscope = PathBuf::from(env!("CARGO_BIN_EXE_meshscope"));
    let gen_dump = meshscope.with_file_name("examples").join("gen_dump");
    if !gen_dump.exists() {
        eprintln!(
            "{} is missing: run `cargo build --release --example gen_dump` first",
            gen_dump.display()
        );
        std::process::exit(2);
    }
    (meshscope, gen_dump)
}

fn generate(gen_dump: &Path, size_mb: usize) -> Vec<u8> {
    let out = Command::new(gen_dump)
        .args(["--size", &size_mb.to_string(), "--seed", "7"])
        .output()
        .unwrap();
    assert!(out.status.success(), "gen_dump failed");
    out.stdout
}

/// The plugin the generated dump carries (`default/bench`), as a cluster resource.
const PLUGIN: &str = "apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: bench
  namespace: default
spec:
  selector:
    matchLabels:
      app: bench
  url: oci://ghcr.io/meshscope-fixtures/wasm/bench:1.0.0
";

fn cluster(pods: usize, admin: &AdminServer) -> FakeCluster {
    let mut cluster = FakeCluster::default().wasm_plugins(&[PLUGIN]);
    for i in 0..pods {
        let namespace = format!("team-{}", i % 10);
        cluster = cluster.pod(
            FakePod::new(&format!("bench-7d5b9c6f48-{i:05}"), &namespace)
                .labels(&[("app", "bench"), ("pod-template-hash", "7d5b9c6f48")])
                .owner("ReplicaSet", "bench-7d5b9c6f48")
                .admin(admin),
        );
    }
    cluster
}

struct Run {
    wall: f64,
    peak_rss_mb: f64,
}

/// One run under GNU time (`%e %M`: wall seconds, peak RSS in KiB).
fn run(meshscope: &Path, api: &ApiServer, pods: usize, concurrency: usize) -> Run {
    let started = Instant::now();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "TIME %e %M %U %S"])
        .arg(meshscope)
        .args([
            "wasm",
            "count",
            "-l",
            "app=bench",
            "-A",
            "--timeout",
            "120s",
        ])
        .args(["--concurrency", &concurrency.to_string()])
        .args(["--kubeconfig", api.kubeconfig_str()])
        .output()
        .expect("GNU time at /usr/bin/time (apt-get install time)");
    let elapsed = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let timing = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("TIME "))
        .unwrap_or_else(|| panic!("no timing line in: {stderr}"));
    let rows = stdout.lines().skip(1).take_while(|l| !l.is_empty()).count();
    assert_eq!(rows, pods, "every pod must be read; stderr: {stderr}");
    // GNU time's wall clock has two decimals; ours is finer and includes nothing more
    // than starting the process.
    let rss_kib: f64 = timing
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in: {timing}"));
    eprintln!("  (meshscope: {timing}: wall s, peak KiB, user s, sys s)");
    Run {
        wall: elapsed,
        peak_rss_mb: rss_kib / 1024.0,
    }
}

fn main() {
    let args = parse_args();
    let (meshscope, gen_dump) = binaries();
    let dump = generate(&gen_dump, args.size_mb);
    println!(
        "fleet wasm count: {:.2} MB dump, {} ms latency, --concurrency {}",
        dump.len() as f64 / (1 << 20) as f64,
        args.latency.as_millis(),
        args.concurrency
    );
    let admin = AdminServer::start(dump, Fault::Delay(args.latency));
    let servers: Vec<(usize, ApiServer)> = args
        .pods
        .iter()
        .map(|&pods| (pods, ApiServer::start(cluster(pods, &admin))))
        .collect();
    let mut runs: Vec<Vec<Run>> = servers.iter().map(|_| Vec::new()).collect();
    for round in 1..=args.runs {
        eprintln!("round {round}/{}", args.runs);
        for ((pods, api), done) in servers.iter().zip(&mut runs) {
            done.push(run(&meshscope, api, *pods, args.concurrency));
        }
    }
    println!(
        "| pods | wall s (median of {}) | range | ideal s | × ideal | peak RSS MB (median) | range |",
        args.runs
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    let mut rss = Vec::new();
    for ((pods, _), done) in servers.iter().zip(&runs) {
        let ideal = *pods as f64 / args.concurrency as f64 * args.latency.as_secs_f64();
        let (wall, wall_lo, wall_hi) = median(done.iter().map(|r| r.wall).collect());
        let (mem, mem_lo, mem_hi) = median(done.iter().map(|r| r.peak_rss_mb).collect());
        println!(
            "| {pods} | {wall:.2} | {wall_lo:.2}–{wall_hi:.2} | {ideal:.2} | {:.2} | {mem:.1} | {mem_lo:.1}–{mem_hi:.1} |",
            wall / ideal
        );
        rss.push((*pods, mem));
    }
    if let (Some(first), Some(last)) = (rss.first(), rss.last())
        && rss.len() > 1
    {
        println!(
            "peak RSS growth {} → {} pods (medians): {:.1} MB",
            first.0,
            last.0,
            last.1 - first.1
        );
    }
}

/// The median (the mean of the middle two for an even count), the minimum and the maximum.
fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mid = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    (mid, v[0], v[n - 1])
}
