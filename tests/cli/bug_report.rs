//! `--bug-report`: an istioctl bug-report archive (`testdata/bug-report.tar.gz`) or its
//! unpacked folder (`testdata/bug-report/`) as an offline fleet, judged against the
//! WasmPlugins in its `cluster/crs`; and the same fleet served live by the test API server.
//! See: #7

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::live::assert_error;
use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};
use crate::support::{Output, Test, root};

const FOLDER: &str = "testdata/bug-report";
const TARBALL: &str = "testdata/bug-report.tar.gz";
const BROKEN: &str = "meshscope: error: pod/reviews-7f8d9c6b5-zz9xw.apps:18:1: invalid JSON: EOF while parsing an object (the input ends early: truncated file?)\n";

fn wasm_count(bug_report: &str, args: &[&str]) -> Output {
    let mut all = vec!["wasm", "count", "--bug-report", bug_report];
    all.extend_from_slice(args);
    Test::new(all).run()
}

/// The proxies the fleet summary's pod table names (`pod/NAME.NAMESPACE`), in order.
fn proxies(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let mut cells = l.split_whitespace();
            let namespace = cells.next().unwrap_or_default();
            format!("pod/{}.{namespace}", cells.next().unwrap_or_default())
        })
        .collect()
}

/// With --detail, each proxy's own report after the summary: from the first `PROXY `.
fn detail(stdout: &str) -> String {
    let (_, rest) = stdout.split_once("\n\nPROXY ").expect("a --detail report");
    format!("PROXY {rest}")
}

/// A fresh scratch folder for one test.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "meshscope-bug-report-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file of the fixture folder that belongs to the archive: relative name → bytes.
fn fixture_files() -> BTreeMap<String, Vec<u8>> {
    let base = root().join(FOLDER);
    let mut files = BTreeMap::new();
    let mut dirs = vec![base.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let name = path
                .strip_prefix(&base)
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            if name != "generate.py" && name != "README.md" {
                files.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Writes `files` as a `.tar.gz`, in the given order, each name under `prefix`.
pub(crate) fn pack(path: &Path, prefix: &str, files: &[(&String, &Vec<u8>)]) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::default(),
    );
    let mut tar = tar::Builder::new(gz);
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, format!("{prefix}{name}"), data.as_slice())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

#[test]
fn the_folder_and_the_tarball_give_the_same_fleet_report() {
    let folder = wasm_count(FOLDER, &["-A"]);
    let tarball = wasm_count(TARBALL, &["-A"]);
    assert_eq!(folder.stdout, tarball.stdout);
    // The broken dump is one line; every other proxy is reported, and exit is 2.
    assert_eq!((folder.code, folder.stderr.as_str()), (2, BROKEN));
    assert_eq!((tarball.code, tarball.stderr.as_str()), (2, BROKEN));
    assert_eq!(
        proxies(&folder.stdout),
        // By namespace, then pod, as `kubectl get pods -A` lists them.
        [
            "pod/ratings-6b9f8c7d5-h2j4k.apps",
            "pod/ratings-6b9f8c7d5-p8q3r.apps",
            "pod/httpbin-7d5b9c6f48-m4n7t.default",
            "pod/httpbin-7d5b9c6f48-qz8vw.default",
            "pod/httpbin-7d5b9c6f48-x2k9p.default",
        ]
    );
    // The summary: the pod without the plugin has a problem verdict and no placement.
    let row = folder
        .stdout
        .lines()
        .find(|l| l.contains(" httpbin-7d5b9c6f48-m4n7t "))
        .unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[3..6], ["-", "-", "1"], "{row}");
    // Intent vs reality, from the archive's own WasmPlugins: the pod without the plugin.
    let detailed = wasm_count(FOLDER, &["-A", "--detail"]);
    assert_eq!((detailed.code, detailed.stderr.as_str()), (2, BROKEN));
    let report = format!("\n\n{}", detail(&detailed.stdout));
    let missing = report
        .split("\n\nPROXY ")
        .find(|p| p.starts_with("pod/httpbin-7d5b9c6f48-m4n7t.default"))
        .unwrap();
    assert!(missing.contains("INTENT: checked against the given resources"));
    assert!(missing.contains(" expected-missing  default/helloworld "));
    assert!(missing.contains("PROBLEMS: 1"));

    // --resources replaces the archive's WasmPlugins: only default/helloworld then.
    let seed = "testdata/manifests/wasm-count/seed/helloworld.yaml";
    let out = wasm_count(TARBALL, &["-n", "default", "--resources", seed]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let live = wasm_count(TARBALL, &["-n", "default"]);
    assert_eq!(out.stdout, live.stdout);
}

#[test]
fn namespace_and_selector_pick_the_proxies() {
    for source in [FOLDER, TARBALL] {
        // Exit 1: the default namespace holds the pod without its plugin.
        let out = wasm_count(source, &["-n", "default"]);
        assert_eq!((out.code, out.stderr.as_str()), (1, ""));
        assert_eq!(proxies(&out.stdout).len(), 3);
        assert!(proxies(&out.stdout).iter().all(|p| p.ends_with(".default")));

        let out = wasm_count(source, &["-n", "apps"]);
        assert_eq!((out.code, out.stderr.as_str()), (2, BROKEN));
        assert_eq!(
            proxies(&out.stdout),
            [
                "pod/ratings-6b9f8c7d5-h2j4k.apps",
                "pod/ratings-6b9f8c7d5-p8q3r.apps"
            ]
        );

        // -l reads the labels cluster/k8s-resources gives the pods; -A wins over -n. The two
        // ratings pods disagree (one dump has no ECDS section, so its module is unknown):
        // no majority, exit 1.
        let out = wasm_count(source, &["-l", "app=ratings", "-n", "default", "-A"]);
        assert_eq!((out.code, out.stderr.as_str()), (1, ""));
        assert_eq!(proxies(&out.stdout).len(), 2);
        assert_eq!(
            out.stdout.matches(" no-majority\n").count(),
            2,
            "{}",
            out.stdout
        );
        let out = wasm_count(source, &["-l", "app notin (ratings,reviews),version=v1"]);
        assert_eq!(proxies(&out.stdout).len(), 3);
    }
    let out = wasm_count(FOLDER, &["-n", "apps", "-l", "app=httpbin"]);
    assert_error(
        &out,
        "testdata/bug-report: no proxy in the bug report matches namespace apps, -l app=httpbin",
    );
    let out = wasm_count(FOLDER, &["-l", "app in (a"]);
    assert_error(&out, "app in (a: not a label selector: '(' without ')'");
}

#[test]
fn the_same_fleet_live_gives_the_same_report() {
    // The cluster the archive describes: its sidecar pods with their labels, each serving
    // its dump, and the WasmPlugins of its cluster/crs.
    let text = |name: &str| std::fs::read_to_string(root().join(FOLDER).join(name)).unwrap();
    let listing: Value = serde_saphyr::from_str(&text("cluster/k8s-resources")).unwrap();
    let crs: Value = serde_saphyr::from_str(&text("cluster/crs")).unwrap();
    let mut admins = Vec::new();
    let mut cluster = FakeCluster::default();
    for pod in listing["items"].as_array().unwrap() {
        if pod["kind"] != "Pod" {
            continue;
        }
        let (name, namespace) = (
            pod["metadata"]["name"].as_str().unwrap(),
            pod["metadata"]["namespace"].as_str().unwrap(),
        );
        let labels: Vec<(&str, &str)> = pod["metadata"]["labels"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        let dir = root()
            .join(FOLDER)
            .join("proxies")
            .join(namespace)
            .join(name);
        let dump = ["config_dump?include_eds", "config_dump"]
            .iter()
            .find_map(|f| std::fs::read(dir.join(f)).ok());
        let mut fake = FakePod::new(name, namespace).labels(&labels);
        fake = match dump {
            Some(bytes) => {
                let admin = AdminServer::start(bytes, Fault::None);
                let fake = fake.admin(&admin);
                admins.push(admin);
                fake
            }
            None => fake.without_sidecar(),
        };
        cluster = cluster.pod(fake);
    }
    let plugins: Vec<String> = crs["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "WasmPlugin")
        .map(|i| serde_json::to_string(i).unwrap())
        .collect();
    assert_eq!((admins.len(), plugins.len()), (6, 2));
    let plugin_refs: Vec<&str> = plugins.iter().map(String::as_str).collect();
    let api = ApiServer::start(cluster.wasm_plugins(&plugin_refs));

    for args in [
        &["-A"][..],
        &["-l", "app=ratings", "-A"],
        &["-n", "default", "-l", "version=v1"],
    ] {
        let mut live_args = vec!["wasm", "count", "--kubeconfig", api.kubeconfig_str()];
        live_args.extend_from_slice(args);
        let live = Test::new(&live_args).run();
        let offline = wasm_count(TARBALL, args);
        assert_eq!(live.stdout, offline.stdout, "{args:?}");
        assert_eq!(
            (live.code, &live.stderr),
            (offline.code, &offline.stderr),
            "{args:?}"
        );
        assert!(!offline.stdout.is_empty());
    }
    // The fleet `pc listener` summary too, from the folder and from the tarball.
    for args in [&["-A"][..], &["-n", "default", "-l", "version=v1"]] {
        let mut live_args = vec!["pc", "listener", "--kubeconfig", api.kubeconfig_str()];
        live_args.extend_from_slice(args);
        let live = Test::new(&live_args).run();
        for source in [FOLDER, TARBALL] {
            let mut offline_args = vec!["pc", "listener", "--bug-report", source];
            offline_args.extend_from_slice(args);
            let offline = Test::new(&offline_args).run();
            assert_eq!(live.stdout, offline.stdout, "{args:?}");
            assert_eq!(
                (live.code, &live.stderr),
                (offline.code, &offline.stderr),
                "{args:?}"
            );
            assert!(
                offline.stdout.contains("INBOUND CHAINS"),
                "{}",
                offline.stdout
            );
        }
    }
}

#[test]
fn entries_are_found_in_any_order_under_any_root() {
    let files = fixture_files();
    let mut entries: Vec<_> = files.iter().collect();
    // The proxies first and cluster/crs last: the dumps wait for the WasmPlugins.
    entries.sort_by_key(|(name, _)| (!name.starts_with("proxies/"), name.contains("crs")));
    let dir = scratch("order");
    let expected = wasm_count(FOLDER, &["-A"]);
    for (file, prefix) in [
        ("dot.tar.gz", "./"),
        ("bare.tar.gz", ""),
        ("nested.tar.gz", "tmp/bug-report/"),
    ] {
        let path = dir.join(file);
        pack(&path, prefix, &entries);
        let out = wasm_count(path.to_str().unwrap(), &["-A"]);
        assert_eq!(out.stdout, expected.stdout, "{prefix}");
        assert_eq!(out.stderr, expected.stderr, "{prefix}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn names_from_the_archive_are_escaped() {
    let good = std::fs::read(root().join("testdata/dumps/istio-current-strict.json")).unwrap();
    let broken = std::fs::read(root().join("testdata/dumps/truncated.json")).unwrap();
    let (a, b) = (
        "proxies/default/red\x1b[31m/config_dump".to_string(),
        "proxies/default/bell\x07/config_dump".to_string(),
    );
    let dir = scratch("escape");
    let path = dir.join("evil.tar.gz");
    pack(&path, "bug-report/", &[(&a, &good), (&b, &broken)]);
    let seed = "testdata/manifests/wasm-count/seed/helloworld.yaml";
    let out = wasm_count(path.to_str().unwrap(), &["--resources", seed]);
    assert_eq!(out.code, 2);
    assert_eq!(proxies(&out.stdout), ["pod/red\\u{1b}[31m.default"]);
    assert_eq!(
        out.stderr,
        "meshscope: error: pod/bell\\u{7}.default:18:1: invalid JSON: EOF while parsing an object (the input ends early: truncated file?)\n"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_dump_without_identity_takes_it_from_the_archive() {
    // A bare listener array has no bootstrap node: the namespace comes from where the
    // archive keeps the dump, the labels from the pod cluster/k8s-resources lists.
    let dir = scratch("identity");
    let pod_dir = dir.join("proxies/default/httpbin-1");
    std::fs::create_dir_all(&pod_dir).unwrap();
    std::fs::create_dir_all(dir.join("cluster")).unwrap();
    let dump = "testdata/dumps/listeners-only.json";
    let seed = "testdata/manifests/wasm-count/seed/helloworld.yaml";
    std::fs::copy(root().join(dump), pod_dir.join("config_dump?include_eds")).unwrap();
    let plugin = std::fs::read_to_string(root().join(seed)).unwrap();
    let plugin: String = plugin
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("  {l}\n"))
        .collect();
    std::fs::write(
        dir.join("cluster/crs"),
        format!("apiVersion: v1\nkind: List\nitems:\n-{}", &plugin[1..]),
    )
    .unwrap();
    std::fs::write(
        dir.join("cluster/k8s-resources"),
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: httpbin-1\n    namespace: default\n    labels:\n      app: httpbin\n",
    )
    .unwrap();
    let out = wasm_count(dir.to_str().unwrap(), &["--detail"]);
    let from_flags = Test::new([
        "wasm",
        "count",
        "-f",
        dump,
        "--resources",
        seed,
        "-n",
        "default",
        "--labels",
        "app=httpbin",
    ])
    .run();
    assert_eq!((out.code, out.stderr.as_str()), (from_flags.code, ""));
    assert!(
        out.stdout
            .contains("INTENT: checked against the given resources")
    );
    assert_eq!(
        detail(&out.stdout),
        from_flags
            .stdout
            .replace(dump, "pod/httpbin-1.default")
            .replace("identity from flags", "identity from bug-report")
    );

    // Without cluster/crs there is nothing to judge against, unless --resources says.
    std::fs::remove_file(dir.join("cluster/crs")).unwrap();
    let path = dir.to_str().unwrap();
    let out = wasm_count(path, &[]);
    assert_error(
        &out,
        &format!(
            "{path}: the bug report has no cluster/crs (its WasmPlugins; --resources can give them)"
        ),
    );
    let out = wasm_count(path, &["--resources", seed]);
    assert_eq!(out.code, from_flags.code, "{}", out.stderr);
    // Without cluster/k8s-resources, -l cannot pick pods.
    std::fs::remove_file(dir.join("cluster/k8s-resources")).unwrap();
    let out = wasm_count(path, &["-l", "app=httpbin", "--resources", seed]);
    assert_error(
        &out,
        &format!("{path}: the bug report has no cluster/k8s-resources (needed for -l)"),
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn unreadable_archives_are_one_line_naming_them() {
    let out = wasm_count("testdata/dumps/garbage.bin", &[]);
    assert_error(
        &out,
        "testdata/dumps/garbage.bin: not a .tar.gz archive or a folder (expected istioctl bug-report's output)",
    );
    let out = wasm_count("testdata/no-such-report.tar.gz", &[]);
    assert_error(
        &out,
        "testdata/no-such-report.tar.gz: no such file or directory",
    );
    let out = wasm_count("testdata/manifests", &[]);
    assert_error(
        &out,
        "testdata/manifests: not an istioctl bug report: no proxies/NAMESPACE/POD/config_dump in it",
    );

    // Damaged gzip data: cut short, or a flipped byte inside a tar header.
    let dir = scratch("corrupt");
    let packed = std::fs::read(root().join(TARBALL)).unwrap();
    let cut = dir.join("cut.tar.gz");
    std::fs::write(&cut, &packed[..packed.len() / 2]).unwrap();
    let cut = cut.to_str().unwrap();
    let out = wasm_count(cut, &["-A"]);
    assert_error(
        &out,
        &format!("{cut}: corrupt archive: incomplete deflate stream"),
    );
    let mut flipped = packed.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0xff; // the gzip trailer's length field
    let bad = dir.join("trailer.tar.gz");
    std::fs::write(&bad, &flipped).unwrap();
    let bad = bad.to_str().unwrap();
    let out = wasm_count(bad, &["-A"]);
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(
        out.stderr
            .starts_with(&format!("meshscope: error: {bad}: corrupt archive: ")),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);
    let _ = std::fs::remove_dir_all(dir);

    // A POD argument would read a cluster: not with --bug-report.
    let out = wasm_count(FOLDER, &["httpbin"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "error: the argument '--bug-report <PATH>' cannot be used with '[POD]...'\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("Usage: meshscope wasm count"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_fixture_is_what_its_generator_writes() {
    let script = root().join(FOLDER).join("generate.py");
    let out = match std::process::Command::new("python3")
        .arg(&script)
        .arg("--check")
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "python3 is needed"
            );
            eprintln!("notice: skipping: no python3");
            return;
        }
        Err(e) => panic!("python3: {e}"),
    };
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
