//! The kube flags (`-n`, `--kubeconfig`, `--context`, `--timeout`, `--proxy-admin-port`)
//! are one shared group, on every command that reads pods, meaning the same on each.
//! See: #19 point 7

use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};
use crate::support::{Test, root};

/// Every leaf command that takes a pod (POD arguments, or diff's sides).
const READS_PODS: [&str; 12] = [
    "meshscope proxy-config listener",
    "meshscope proxy-config ecds",
    "meshscope proxy-config cluster",
    "meshscope proxy-config route",
    "meshscope proxy-config endpoint",
    "meshscope proxy-config secret",
    "meshscope proxy-config bootstrap",
    "meshscope proxy-config all",
    "meshscope proxy-config log",
    "meshscope explain",
    "meshscope wasm count",
    "meshscope diff",
];

/// Each kube flag as `--help` shows it, and its default.
const KUBE_FLAGS: [(&str, Option<&str>); 5] = [
    ("-n, --namespace <NAMESPACE>", None),
    ("--kubeconfig <PATH>", None),
    ("--context <NAME>", None),
    ("--timeout <DURATION>", Some("30s")),
    ("--proxy-admin-port <PORT>", Some("15000")),
];

fn leaves(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
    let subs: Vec<&clap::Command> = cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .collect();
    if subs.is_empty() {
        out.push((path.to_string(), cmd.clone()));
    }
    for sub in subs {
        leaves(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

fn takes_pods(cmd: &clap::Command) -> bool {
    cmd.get_positionals().any(|a| {
        a.get_value_names()
            .is_some_and(|names| names.iter().any(|n| n == "POD" || n == "BEFORE AFTER"))
    })
}

#[test]
fn every_command_that_reads_pods_has_the_kube_flags() {
    let mut all = Vec::new();
    leaves(&meshscope::internals::command(), "meshscope", &mut all);
    let mut readers = Vec::new();
    for (name, cmd) in &all {
        let kube: Vec<&clap::Arg> = ["namespace", "kubeconfig", "context", "timeout"]
            .iter()
            .chain(&["proxy_admin_port"])
            .filter_map(|id| cmd.get_arguments().find(|a| a.get_id() == *id))
            .collect();
        if !takes_pods(cmd) {
            assert!(kube.is_empty(), "{name} reads no pod but has kube flags");
            continue;
        }
        readers.push(name.as_str());
        assert_eq!(kube.len(), 5, "{name}");
        for (arg, (shown, default)) in kube.iter().zip(KUBE_FLAGS) {
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().into_owned())
                .collect();
            assert_eq!(
                defaults,
                Vec::from_iter(default.map(String::from)),
                "{name} {shown}"
            );
        }
    }
    assert_eq!(readers, READS_PODS);
}

#[test]
fn help_of_every_command_that_reads_pods_lists_the_kube_flags() {
    for name in READS_PODS {
        let mut args: Vec<&str> = name.split(' ').skip(1).collect();
        args.push("--help");
        let help = Test::new(&args).ok();
        let lines: Vec<&str> = help.lines().collect();
        for (shown, default) in KUBE_FLAGS {
            let at = lines
                .iter()
                .position(|l| l.trim_start().starts_with(shown))
                .unwrap_or_else(|| panic!("{name}: no {shown} in\n{help}"));
            // The entry runs to the next line that starts another flag.
            let entry: String = lines[at..]
                .iter()
                .enumerate()
                .take_while(|(i, l)| *i == 0 || !l.trim_start().starts_with('-'))
                .flat_map(|(_, l)| l.split_whitespace())
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(default) = default {
                assert!(
                    entry.contains(&format!("[default: {default}]")),
                    "{name}: {entry}"
                );
            }
        }
    }
}

const DUMP: &str = "testdata/dumps/istio-1.12-strict.json";

/// A cluster whose one pod has its Envoy admin on 15001.
fn pod_on_15001() -> (AdminServer, ApiServer) {
    let admin = AdminServer::start(std::fs::read(root().join(DUMP)).unwrap(), Fault::None);
    let api = ApiServer::start(
        FakeCluster::default().pod(
            FakePod::new("httpbin", "apps")
                .admin(&admin)
                .admin_port(15001),
        ),
    );
    (admin, api)
}

/// `explain` had no --proxy-admin-port: a pod whose admin is not on 15000 could not be read.
#[test]
fn explain_reads_a_pod_on_another_admin_port() {
    let (admin, api) = pod_on_15001();
    let from_file = Test::new(["explain", "-f", DUMP, "--port", "15006"]).ok();
    let kube = ["-n", "apps", "--kubeconfig", api.kubeconfig_str()];
    let mut args = vec![
        "explain",
        "httpbin",
        "--port",
        "15006",
        "--proxy-admin-port",
        "15001",
    ];
    args.extend(kube);
    let out = Test::new(&args).run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, from_file.replace(DUMP, "pod/httpbin.apps"));
    // The bootstrap too: its node says the Envoy release whose matcher rules apply.
    assert_eq!(
        admin.requests(),
        ["/config_dump?mask=bootstrap,dynamic_listeners,static_listeners"]
    );
    // The default port is refused by the kubelet, in one line naming it.
    let mut args = vec!["explain", "httpbin", "--port", "15006"];
    args.extend(kube);
    let out = Test::new(&args).run();
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert!(
        out.stderr
            .starts_with("meshscope: error: pod/httpbin.apps: port-forward to port 15000 failed: "),
        "{}",
        out.stderr
    );
    assert_eq!(out.stderr.lines().count(), 1);
}

/// `pc` takes --proxy-admin-port before its subcommand (as istioctl's persistent flag) and
/// after it (the shared group), with the same effect.
#[test]
fn pc_takes_the_admin_port_before_or_after_the_subcommand() {
    let (admin, api) = pod_on_15001();
    let from_file = Test::new(["pc", "listener", "-f", DUMP]).ok();
    let kube = ["-n", "apps", "--kubeconfig", api.kubeconfig_str()];
    for args in [
        vec!["pc", "--proxy-admin-port", "15001", "listener", "httpbin"],
        vec!["pc", "listener", "httpbin", "--proxy-admin-port", "15001"],
    ] {
        let mut args = args;
        args.extend(kube);
        let out = Test::new(&args).run();
        assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{args:?}");
        assert_eq!(out.stdout, from_file, "{args:?}");
    }
    // pc ecds reads the pod's dump on 15001 too (this one has no ECDS section).
    let mut args = vec!["pc", "ecds", "httpbin", "--proxy-admin-port", "15001"];
    args.extend(kube);
    let out = Test::new(&args).run();
    assert_eq!(
        out.stderr,
        "meshscope: error: pod/httpbin.apps: config dump has no configuration type \
         type.googleapis.com/envoy.admin.v3.EcdsConfigDump\n"
    );
    assert_eq!(admin.requests().len(), 3);
}
