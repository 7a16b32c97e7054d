//! meshscope on dumps nobody here wrote: Istio's own fixtures and istioctl's outputs for
//! them, read from `../shared/real-dumps/` (skipped with a notice when absent, except in CI).

use std::io::Write;

use crate::support::{Test, real_dumps, rel};

/// istioctl `pc all`'s listener block minus its NAME column, laid out again the way
/// `pc listener` lays it out (Go tabwriter, padding 1).
fn listener_block_without_name(summary: &str) -> String {
    let mut lines = summary
        .lines()
        .skip_while(|l| !l.starts_with("NAME") || !l.contains("ADDRESSES"));
    let header = lines.next().expect("listener block header");
    let starts: Vec<usize> = ["ADDRESSES", "PORT", "MATCH", "DESTINATION"]
        .iter()
        .map(|h| header.find(h).expect("column"))
        .collect();
    let mut rows = vec![
        header[starts[0]..]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("\t"),
    ];
    for line in lines.take_while(|l| !l.trim().is_empty()) {
        let cell = |i: usize| {
            let end = starts
                .get(i + 1)
                .copied()
                .unwrap_or(line.len())
                .min(line.len());
            line.get(starts[i]..end)
                .unwrap_or("")
                .trim_end()
                .to_string()
        };
        rows.push((0..4).map(cell).collect::<Vec<_>>().join("\t"));
    }
    let mut tw = tabwriter::TabWriter::new(Vec::new()).minwidth(0).padding(1);
    for r in rows {
        writeln!(tw, "{r}").unwrap();
    }
    String::from_utf8(tw.into_inner().unwrap()).unwrap()
}

#[test]
fn pc_listener_reproduces_istioctl_summary() {
    let Some(dir) = real_dumps() else { return };
    let refdir = dir.join("istioctl-reference");
    let summary = std::fs::read_to_string(refdir.join("proxyconfig-all-summary.txt")).unwrap();
    let want = listener_block_without_name(&summary);
    let dump = rel(&refdir.join("proxyconfig-config_dump.json"));
    let got = Test::new(["pc", "listener", "-f", &dump]).ok();
    let trim = |s: &str| s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    assert_eq!(trim(&got), trim(&want));
}

/// A block of istioctl `pc all`'s summary (the one whose header holds `marker`) as the
/// single command prints it: the columns `columns` (read at the header's positions), each
/// cell stripped of `pc all`'s `TYPE/` name prefix, laid out again with Go tabwriter
/// padding 5 (istioctl's cluster and route writers).
fn summary_block(summary: &str, marker: &str, columns: &[&str], prefix: &str) -> String {
    let mut lines = summary
        .lines()
        .skip_while(|l| !l.starts_with("NAME") || !l.contains(marker));
    let header = lines.next().expect("block header");
    let starts: Vec<usize> = columns
        .iter()
        .map(|h| header.find(h).expect("column"))
        .collect();
    let mut rows = vec![columns.join("\t")];
    for line in lines.take_while(|l| !l.trim().is_empty()) {
        let cell = |i: usize| {
            let end = starts
                .get(i + 1)
                .copied()
                .unwrap_or(line.len())
                .min(line.len());
            let text = line.get(starts[i]..end).unwrap_or("").trim_end();
            text.strip_prefix(prefix).unwrap_or(text).to_string()
        };
        rows.push((0..columns.len()).map(cell).collect::<Vec<_>>().join("\t"));
    }
    let mut tw = tabwriter::TabWriter::new(Vec::new()).minwidth(0).padding(5);
    for r in rows {
        writeln!(tw, "{r}").unwrap();
    }
    String::from_utf8(tw.into_inner().unwrap()).unwrap()
}

/// istioctl's `pc all` prints the cluster and route blocks with the same writers as
/// `pc cluster` and `pc route`, a NAME column (`cluster/…`, `route/…`) in front; in the
/// cluster block a name that is not a subset key fills SERVICE FQDN with that NAME
/// (cluster.go renames the cluster before printing), so the prefix is dropped there too.
#[test]
fn pc_cluster_and_pc_route_reproduce_istioctl_summary() {
    let Some(dir) = real_dumps() else { return };
    let refdir = dir.join("istioctl-reference");
    let summary = std::fs::read_to_string(refdir.join("proxyconfig-all-summary.txt")).unwrap();
    let dump = rel(&refdir.join("proxyconfig-config_dump.json"));
    let columns = [
        "SERVICE FQDN",
        "PORT",
        "SUBSET",
        "DIRECTION",
        "TYPE",
        "DESTINATION RULE",
    ];
    let want = summary_block(&summary, "SERVICE FQDN", &columns, "cluster/");
    assert_eq!(want.lines().count(), 4, "{want}");
    assert_eq!(Test::new(["pc", "cluster", "-f", &dump]).ok(), want);

    let columns = ["NAME", "VHOST NAME", "DOMAINS", "MATCH", "VIRTUAL SERVICE"];
    let want = summary_block(&summary, "VHOST NAME", &columns, "route/");
    assert_eq!(want.lines().count(), 2, "{want}");
    assert_eq!(Test::new(["pc", "route", "-f", &dump]).ok(), want);
}

/// Every real dump with a clusters or routes section loads for `pc cluster` / `pc route`
/// in every format; the others say which section is missing.
#[test]
fn every_dump_loads_for_pc_cluster_and_pc_route() {
    let Some(dir) = real_dumps() else { return };
    for file in [
        "sidecar-productpage.yaml",
        "compare-before.json",
        "compare-after.json",
        "describe-http.json",
        "istioctl-reference/proxyconfig-config_dump.json",
        "istioctl-reference/ecds-configdump.json",
    ] {
        let path = rel(&dir.join(file));
        for (command, section) in [
            ("cluster", "ClustersConfigDump"),
            ("route", "RoutesConfigDump"),
        ] {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            let has = text.contains(&format!("envoy.admin.v3.{section}"));
            for flags in [&[][..], &["-o", "json"], &["-o", "yaml"]] {
                let mut args = vec!["pc", command, "-f", &path];
                args.extend_from_slice(flags);
                let out = Test::new(&args).run();
                if has {
                    assert_eq!(out.code, 0, "{file} {command} {flags:?}: {}", out.stderr);
                    assert!(out.stdout.lines().count() > 1, "{file} {command}");
                } else {
                    assert_eq!(out.code, 2, "{file} {command}");
                    assert_eq!(
                        out.stderr,
                        format!(
                            "meshscope: error: {path}: config dump has no configuration type \
                             type.googleapis.com/envoy.admin.v3.{section}\n"
                        )
                    );
                }
            }
        }
    }
}

#[test]
fn pc_ecds_reproduces_istioctl_outputs() {
    let Some(dir) = real_dumps() else { return };
    let refdir = dir.join("istioctl-reference");
    let dump = rel(&refdir.join("ecds-configdump.json"));
    let read = |f: &str| std::fs::read_to_string(refdir.join(f)).unwrap();

    assert_eq!(
        Test::new(["pc", "ecds", "-f", &dump]).ok(),
        read("ecds-output.txt")
    );

    let got: serde_json::Value =
        serde_json::from_str(&Test::new(["pc", "ecds", "-f", &dump, "-o", "json"]).ok()).unwrap();
    let want: serde_json::Value = serde_json::from_str(&read("ecds-output.json")).unwrap();
    assert_eq!(got, want, "json as data");

    let got: serde_json::Value =
        serde_saphyr::from_str(&Test::new(["pc", "ecds", "-f", &dump, "-o", "yaml"]).ok()).unwrap();
    let want: serde_json::Value = serde_saphyr::from_str(&read("ecds-output.yaml")).unwrap();
    assert_eq!(got, want, "yaml as data");
}

#[test]
fn every_listener_dump_loads() {
    let Some(dir) = real_dumps() else { return };
    for (file, expect) in [
        ("sidecar-productpage.yaml", Ok(())),
        ("compare-before.json", Ok(())),
        ("compare-after.json", Ok(())),
        ("istioctl-reference/proxyconfig-config_dump.json", Ok(())),
        ("describe-http.json", Err("no listeners found")),
        (
            "istioctl-reference/ecds-configdump.json",
            Err(
                "listener dump: config dump has no configuration type type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
            ),
        ),
    ] {
        let path = rel(&dir.join(file));
        for flags in [
            &[][..],
            &["-o", "wide"],
            &["-o", "json"],
            &["--verbose=false"],
        ] {
            let mut args = vec!["pc", "listener", "-f", &path];
            args.extend_from_slice(flags);
            let out = Test::new(&args).run();
            match expect {
                Ok(()) => {
                    assert_eq!(out.code, 0, "{file} {flags:?}: {}", out.stderr);
                    assert!(out.stdout.lines().count() > 1, "{file}");
                }
                Err(msg) => {
                    assert_eq!(out.code, 2, "{file}");
                    assert_eq!(out.stderr, format!("meshscope: error: {path}: {msg}\n"));
                }
            }
        }
    }
    // Every file with an ECDS section loads for pc ecds; the others say it is missing.
    for file in ["sidecar-productpage.yaml", "compare-before.json"] {
        let out = Test::new(["pc", "ecds", "-f", &rel(&dir.join(file))]).run();
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains("EcdsConfigDump"), "{}", out.stderr);
    }
}

#[test]
fn matcher_listeners_list_their_branches_in_wide() {
    let Some(dir) = real_dumps() else { return };
    let out = Test::new([
        "pc",
        "listener",
        "-f",
        &rel(&dir.join("compare-before.json")),
        "-o",
        "wide",
    ])
    .ok();
    let internal: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("inbound-vip|9080||details"))
        .collect();
    assert!(!internal.is_empty(), "{out}");
    assert!(
        internal
            .iter()
            .all(|l| l.contains("ip=") && l.contains(" -> port=9080")),
        "{internal:?}"
    );
    assert!(
        !out.lines()
            .skip(1)
            .any(|l| l.contains(" ALL ") && l.contains("inbound-vip"))
    );
}

/// `wasm count`'s listener decode (straight into chains and Wasm filters) agrees with
/// reducing the fully decoded listeners, on every listener of every real dump.
#[test]
fn wasm_count_reduced_decode_agrees_on_real_dumps() {
    use meshscope::internals::Sections;
    use meshscope::internals::{ListenerChains, ProxyKind, reduced_sites};

    let Some(dir) = real_dumps() else { return };
    let sections = Sections {
        listeners: true,
        ecds: true,
        bootstrap: true,
    };
    let mut listeners = 0;
    for file in [
        "sidecar-productpage.yaml",
        "compare-before.json",
        "compare-after.json",
        "istioctl-reference/proxyconfig-config_dump.json",
    ] {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let text = meshscope::internals::to_json_text(file, &bytes).unwrap();
        let doc = text.document(file);
        let direct = doc.load_decoded::<ListenerChains>(sections).unwrap();
        let full = doc.load(sections).unwrap();
        let direct = direct.listeners.unwrap().entries;
        let full = full.listeners.unwrap().entries;
        assert_eq!(direct.len(), full.len(), "{file}");
        let mut from_full = Vec::new();
        for (d, f) in direct.into_iter().zip(&full) {
            let reduced = ListenerChains::from(doc.listener(f).unwrap());
            assert_eq!(format!("{:?}", d.raw), format!("{reduced:?}"), "{file}");
            from_full.push((f.state, reduced));
            listeners += 1;
        }
        assert!(!reduced_sites(from_full, ProxyKind::Sidecar, false).is_empty());
    }
    assert!(listeners > 30, "{listeners} listeners");
}
