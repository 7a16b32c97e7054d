//! `pc log` against the fake admin's `/logging` (which answers as Envoy's
//! `LogsHandler::handlerLogging`), through the test API server's port-forward and with
//! `--admin`. Each test names the istioctl (1.30 `istioctl/pkg/proxyconfig/proxyconfig.go`
//! `logCmd`) or Envoy function it follows.

use crate::live::{assert_error, cluster, dump, live};
use crate::support::Test;
use crate::support::admin_server::{AdminServer, Fault};
use crate::support::apiserver::{ApiServer, FakeCluster, FakePod};

const POD: &str = "httpbin-xxx.default";

/// What istioctl prints for one pod: `POD.NAMESPACE:`, then Envoy's list as it is.
fn printed(pod: &str, levels: &[(String, String)]) -> String {
    let mut text = format!("{pod}:\nactive loggers:\n");
    for (name, level) in levels {
        text.push_str(&format!("  {name}: {level}\n"));
    }
    text + "\n"
}

fn level_of(admin: &AdminServer, logger: &str) -> String {
    let levels = admin.log_levels();
    let found = levels.iter().find(|(n, _)| n == logger);
    found.map(|(_, l)| l.clone()).unwrap()
}

fn posts(queries: &[&str]) -> Vec<String> {
    queries
        .iter()
        .map(|q| format!("POST /logging{q}"))
        .collect()
}

/// `logCmd` without --level: `setupEnvoyLogConfig(…, "", …)` reads each pod, then reads it
/// again and prints that answer.
#[test]
fn reads_the_levels() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    let out = live(&api, &["log", POD]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, printed(POD, &admin.log_levels()));
    assert!(out.stdout.contains("  http: warning\n"));
    assert_eq!(admin.calls(), posts(&["", ""]));
    // istioctl's alias, and the namespace from -n.
    let out = live(&api, &["o", "httpbin-yyy", "-n", "apps"]);
    assert_eq!(out.stdout, printed("httpbin-yyy.apps", &admin.log_levels()));
}

/// `logCmd`: a bare level is `defaultLoggerName` (`level=`), which Envoy's
/// `changeLogLevel` applies to every logger.
#[test]
fn sets_every_logger() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    let out = live(&api, &["log", POD, "--level", "debug"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(admin.log_levels().iter().all(|(_, l)| l == "debug"));
    assert_eq!(out.stdout, printed(POD, &admin.log_levels()));
    assert_eq!(admin.calls(), posts(&["", "?level=debug"]));
    // `warn` is istioctl's spelling of `warning`; Envoy gets `warning`.
    live(&api, &["log", POD, "--level", "warn"]);
    assert_eq!(level_of(&admin, "rbac"), "warning");
}

/// `logCmd`: `<logger>:<level>` and `<logger>=<level>` items, one call per logger
/// (Envoy's `changeLogLevelsForComponentLoggers`), `level` first.
#[test]
fn sets_several_loggers() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    let out = live(&api, &["log", POD, "--level", "rbac=info,http:debug"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(level_of(&admin, "http"), "debug");
    assert_eq!(level_of(&admin, "rbac"), "info");
    assert_eq!(level_of(&admin, "router"), "warning");
    assert_eq!(out.stdout, printed(POD, &admin.log_levels()));
    assert_eq!(admin.calls(), posts(&["", "?http=debug", "?rbac=info"]));

    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    live(
        &api,
        &["log", POD, "--level", "envoy::http:trace,level=error"],
    );
    assert_eq!(admin.calls(), posts(&["", "?level=error", "?http=trace"]));
    assert_eq!(level_of(&admin, "http"), "trace");
    assert_eq!(level_of(&admin, "main"), "error");
}

/// `logCmd --reset`: `getLogLevelFromConfigMap` (the injector's
/// `sidecarInjectorWebhook.global.proxy.logLevel`), else `defaultEnvoyOutputLevel` with
/// istioctl's warning; only `level=` is set.
#[test]
fn reset_sets_the_default_level() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    live(&api, &["log", POD, "--level", "debug,http:trace"]);
    let out = live(&api, &["log", POD, "-r"]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "meshscope: warning: unable to get logLevel from ConfigMap istio-sidecar-injector, \
         using default value \"warning\" for envoy proxies\n"
    );
    assert!(admin.log_levels().iter().all(|(_, l)| l == "warning"));
    assert_eq!(out.stdout, printed(POD, &admin.log_levels()));
    assert_eq!(admin.calls()[3..], posts(&["", "?level=warning"]));

    let values = r#"{"sidecarInjectorWebhook":{"global":{"proxy":{"logLevel":"info"}}}}"#;
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin).config_map(
        "istio-system",
        "istio-sidecar-injector",
        &[("values", values)],
    ));
    let out = live(&api, &["log", POD, "--reset"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(admin.log_levels().iter().all(|(_, l)| l == "info"));
    assert_eq!(admin.calls(), posts(&["", "?level=info"]));

    // `ctx.IstioNamespace()`: the ConfigMap is read in -i's namespace, not istio-system;
    // its values are YAML to istioctl (`yaml.Unmarshal`), JSON being one form of it.
    let values = "sidecarInjectorWebhook:\n  global:\n    proxy:\n      logLevel: error\n";
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin).config_map(
        "istio-cp",
        "istio-sidecar-injector",
        &[("values", values)],
    ));
    let out = live(&api, &["log", POD, "--reset", "-i", "istio-cp"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert!(admin.log_levels().iter().all(|(_, l)| l == "error"));
    let out = live(
        &api,
        &["log", POD, "--reset", "--istioNamespace", "istio-cp"],
    );
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let out = live(&api, &["log", POD, "--reset"]);
    assert!(
        out.stderr.contains("unable to get logLevel"),
        "{}",
        out.stderr
    );
}

/// `logCmd`'s `stringToLevel` lookup: "unrecognized logging level", before any change.
#[test]
fn a_bad_level_is_one_line() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    for (flag, bad) in [("loud", "loud"), ("http:loud", "loud"), ("none", "none")] {
        let out = live(&api, &["log", POD, "--level", flag]);
        assert_error(&out, &format!("unrecognized logging level: {bad}"));
    }
    assert_eq!(admin.calls(), posts(&["", "", ""]));
    assert!(admin.log_levels().iter().all(|(_, l)| l == "warning"));
}

/// `logCmd`'s `strings.Contains(loggerName, …)`: a name the read answer does not contain
/// is refused before any change; a part of a name passes, and Envoy's
/// `changeLogLevelsForComponentLoggers` refuses it (400 "unknown logger name").
#[test]
fn a_bad_logger_is_one_line() {
    let admin = AdminServer::start(dump(), Fault::None);
    let api = ApiServer::start(cluster(&admin));
    let out = live(&api, &["log", POD, "--level", "redis:debug"]);
    assert_error(&out, "unrecognized logger name: redis");
    assert_eq!(admin.calls(), posts(&[""]));

    let out = live(&api, &["log", POD, "--level", "htt:debug"]);
    assert_error(
        &out,
        "pod/httpbin-xxx.default: POST /logging?htt=debug: HTTP 400 Bad Request",
    );
    assert_eq!(admin.calls()[1..], posts(&["", "?htt=debug"]));
    assert!(admin.log_levels().iter().all(|(_, l)| l == "warning"));
}

/// `logCmd` with `-l` (`getPodNameBySelector`) or a deployment
/// (`InferPodsFromTypedResource`: all its pods): every pod read, then each set and printed.
#[test]
fn selector_and_deployment_set_every_pod() {
    let (one, two) = (
        AdminServer::start(dump(), Fault::None),
        AdminServer::start(dump(), Fault::None),
    );
    let labels = [("app", "web")];
    let api = ApiServer::start(
        FakeCluster::default()
            .pod(FakePod::new("web-1", "default").labels(&labels).admin(&one))
            .pod(FakePod::new("web-2", "default").labels(&labels).admin(&two))
            .pod(FakePod::new("web-3", "default").labels(&labels).pending())
            .deployment("web", "default", &labels),
    );
    let out = live(&api, &["log", "-l", "app=web", "--level", "rbac:debug"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let want =
        printed("web-1.default", &one.log_levels()) + &printed("web-2.default", &two.log_levels());
    assert_eq!(out.stdout, want);
    for admin in [&one, &two] {
        assert_eq!(level_of(admin, "rbac"), "debug");
        assert_eq!(admin.calls(), posts(&["", "?rbac=debug"]));
    }
    let out = live(&api, &["log", "deploy/web", "--level", "rbac:off"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    let want =
        printed("web-1.default", &one.log_levels()) + &printed("web-2.default", &two.log_levels());
    assert_eq!(out.stdout, want);
    assert_eq!(
        (level_of(&one, "rbac"), level_of(&two, "rbac")),
        ("off".into(), "off".into())
    );
}

/// `--admin` posts to the URL as a pod's port-forward would.
#[test]
fn admin_url_sets_levels() {
    let admin = AdminServer::start(dump(), Fault::None);
    let url = admin.url();
    let out = Test::new(["pc", "log", "--admin", &url, "--level", "jwt=trace"]).run();
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, printed(&url, &admin.log_levels()));
    assert_eq!(level_of(&admin, "jwt"), "trace");
    assert_eq!(admin.calls(), posts(&["", "?jwt=trace"]));

    let refusing = AdminServer::start(dump(), Fault::Status(503));
    let url = refusing.url();
    let out = Test::new(["pc", "log", "--admin", &url]).run();
    assert_error(
        &out,
        &format!("{url}: POST /logging: HTTP 503 Service Unavailable"),
    );

    let slow = AdminServer::start(dump(), Fault::Delay(std::time::Duration::from_secs(10)));
    let url = slow.url();
    let out = Test::new(["pc", "log", "--admin", &url, "--timeout", "300ms"]).run();
    assert_error(&out, &format!("{url}: no answer within 0.3s (--timeout)"));
}

/// A pod's proxy that does not answer in time: one line naming the pod.
#[test]
fn a_slow_pod_is_one_line() {
    let slow = AdminServer::start(dump(), Fault::Delay(std::time::Duration::from_secs(10)));
    let api = ApiServer::start(cluster(&slow));
    let out = live(&api, &["log", POD, "--timeout", "500ms"]);
    assert_error(
        &out,
        "pod/httpbin-xxx.default: no answer within 0.5s (--timeout)",
    );
}

/// Live only, and `logCmd`'s `Args` checks (istioctl's words).
#[test]
fn bad_flag_combinations_are_one_line() {
    let out = Test::new(["pc", "log", "-f", "testdata/dumps/istio-1.12-strict.json"]).run();
    assert_error(
        &out,
        "log reads and sets a running proxy's log levels, which a config dump does not hold: \
         give POD, --selector or --admin instead of --file",
    );
    let out = Test::new(["pc", "log"]).run();
    assert_error(&out, "log requires pod name, --selector or --admin");
    let out = Test::new(["pc", "log", POD, "--level", "debug", "-r"]).run();
    assert_error(&out, "--level cannot be combined with --reset");
}
