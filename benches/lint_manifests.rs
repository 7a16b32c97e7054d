//! Benchmark (not a test): `meshscope lint` over 1,000 generated manifests of about 40 lines
//! each, written to a temporary directory. Run with `cargo bench --bench lint_manifests`;
//! prints the median wall time of several runs of the release binary.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const FILES: usize = 1000;
const RUNS: usize = 11;

fn manifest(i: usize) -> String {
    let ns = format!("team-{}", i % 25);
    match i % 4 {
        0 => format!(
            "apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: plugin-{i}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: plugin-{i}
    app.kubernetes.io/part-of: bench
  annotations:
    example.com/owner: team
spec:
  selector:
    matchLabels:
      app: app-{i}
      version: v1
  url: oci://ghcr.io/acme/plugin-{i}:v1.{i}
  sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  imagePullPolicy: IfNotPresent
  phase: AUTHZ
  priority: {p}
  failStrategy: FAIL_CLOSE
  pluginConfig:
    header: x-bench
    values:
    - a
    - b
    nested:
      enabled: true
      limit: 10
  match:
  - mode: SERVER
    ports:
    - number: 8080
    - number: 9090
  vmConfig:
    env:
    - name: POD_NAME
      valueFrom: HOST
    - name: LEVEL
      value: debug
",
            p = i % 7
        ),
        1 => format!(
            "apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: pa-{i}
  namespace: {ns}
  labels:
    app.kubernetes.io/part-of: bench
spec:
  selector:
    matchLabels:
      app: app-{j}
  mtls:
    mode: STRICT
  portLevelMtls:
    8080:
      mode: PERMISSIVE
    9090:
      mode: DISABLE
---
apiVersion: v1
kind: Service
metadata:
  name: svc-{i}
  namespace: {ns}
spec:
  selector:
    app: app-{j}
  ports:
  - name: http
    port: 80
    targetPort: 8080
  - name: grpc
    port: 90
    targetPort: 9090
",
            j = i - 1
        ),
        _ => format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: {ns}
  labels:
    app: app-{i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
        version: v1
    spec:
      containers:
      - name: app
        image: ghcr.io/acme/app:{i}
        ports:
        - containerPort: 8080
        - containerPort: 9090
        env:
        - name: MODE
          value: \"on\"
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
          limits:
            cpu: 500m
            memory: 128Mi
        readinessProbe:
          httpGet:
            path: /ready
            port: 8080
"
        ),
    }
}

fn generate(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let mut lines = 0;
    for i in 0..FILES {
        let text = manifest(i);
        lines += text.lines().count();
        std::fs::write(dir.join(format!("m{i:04}.yaml")), text)?;
    }
    Ok(lines)
}

fn main() -> std::io::Result<()> {
    let dir: PathBuf = std::env::temp_dir().join(format!("meshscope-bench-{}", std::process::id()));
    let lines = generate(&dir)?;
    let bin = env!("CARGO_BIN_EXE_meshscope");
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut code = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = Command::new(bin)
            .args(["lint", "-o", "json", "--fail-on", "error"])
            .arg(&dir)
            .output()?;
        times.push(start.elapsed());
        code = out.status.code();
    }
    std::fs::remove_dir_all(&dir)?;
    times.sort();
    println!(
        "lint: {FILES} manifests ({} lines avg), exit {code:?}, median {:.3} s (min {:.3} s, max {:.3} s) over {RUNS} runs",
        lines / FILES,
        times[RUNS / 2].as_secs_f64(),
        times[0].as_secs_f64(),
        times[RUNS - 1].as_secs_f64()
    );
    Ok(())
}
