//! `meshscope proxy-config log`: reads and sets a live proxy's log levels through Envoy's
//! admin `/logging`, as istioctl 1.30's `logCmd` (istioctl/pkg/proxyconfig/proxyconfig.go):
//! read every proxy first (`POST /logging`), check `--level` against the last answer,
//! then per proxy the calls `analysis::log` plans, printing the last answer.

use std::io::Write;
use std::time::Duration;

use crate::analysis::log::{
    DEFAULT_LEVEL, LevelChanges, LogError, LogLevel, parse_active_loggers, parse_levels,
};
use crate::cli::{LogArgs, UsageError};
use crate::cmd::input::kube_options;
use crate::error::{Error, ExitCode};
use crate::render::log::write_answer;
use crate::source::kube::KubeOptions;
use crate::source::kube::logging::{LogPod, PodChoice, injector_log_level, log_pods, post_logging};
use crate::source::{self, AdminUrl};

/// One proxy `pc log` talks to.
enum Proxy {
    /// `--admin URL`.
    Admin(AdminUrl),
    /// A pod, through a port-forward.
    Pod(LogPod),
}

impl Proxy {
    /// How istioctl heads a proxy's answer: `POD.NAMESPACE` (the URL for `--admin`).
    fn name(&self) -> String {
        match self {
            Proxy::Admin(url) => url.label.clone(),
            Proxy::Pod(pod) => format!("{}.{}", pod.name, pod.namespace),
        }
    }
}

/// The flags resolved before any I/O.
struct LogOptions {
    kube: KubeOptions,
    /// Where the sidecar injector's ConfigMap lives.
    istio_namespace: String,
    port: u16,
    timeout: Duration,
    /// `--admin`, else the pods to look up.
    admin: Option<String>,
    pods: Option<PodChoice>,
    /// `--level` as given, unless `--reset`.
    level: Option<String>,
    reset: bool,
}

/// istioctl's `Args` checks: a proxy to talk to, not both `--level` and `--reset`; and,
/// ours, no dump file.
fn resolve(args: &LogArgs) -> Result<LogOptions, Error> {
    if args.file.is_some() {
        return Err(UsageError::LogIsLive.into());
    }
    let pods = match (&args.pod, &args.selector) {
        (Some(pod), _) => Some(PodChoice::Reference(pod.clone())),
        (None, Some(selector)) => Some(PodChoice::Selector(selector.clone())),
        (None, None) => None,
    };
    if pods.is_none() && args.admin.is_none() {
        return Err(UsageError::LogNeedsPod.into());
    }
    if args.reset && args.level.is_some() {
        return Err(UsageError::LevelWithReset.into());
    }
    if args.kube.context.len() > 1 {
        return Err(UsageError::ContextsNeedFleet.into());
    }
    Ok(LogOptions {
        kube: kube_options(&args.kube),
        istio_namespace: args.istio_namespace.clone(),
        port: args.kube.proxy_admin_port,
        timeout: args.kube.timeout,
        admin: args.admin.clone(),
        pods,
        level: args.level.clone(),
        reset: args.reset,
    })
}

pub fn run(
    args: &LogArgs,
    out: &mut dyn Write,
    warnings: &mut Vec<String>,
) -> Result<ExitCode, Error> {
    let options = resolve(args)?;
    let proxies = match (&options.admin, &options.pods) {
        (Some(url), _) => vec![Proxy::Admin(AdminUrl::parse(url)?)],
        (None, Some(choice)) => {
            source::block_on(log_pods(&options.kube, choice, options.timeout))??
                .into_iter()
                .map(Proxy::Pod)
                .collect()
        }
        (None, None) => return Err(UsageError::LogNeedsPod.into()),
    };
    // istioctl reads every proxy before changing any, stops at the first that fails, and
    // checks logger names against the last answer.
    let mut active = String::new();
    for proxy in &proxies {
        active = post(&options, proxy, "")?;
        if parse_active_loggers(&active).is_none() {
            return Err(LogError::NotLoggingAnswer(proxy.name()).into());
        }
    }
    let changes = if options.reset {
        LevelChanges::reset(reset_level(&options, warnings))
    } else if let Some(flag) = &options.level {
        parse_levels(flag, &active)?
    } else {
        LevelChanges::default()
    };
    let queries = changes.queries();
    // As istioctl: every proxy is tried, those that answered are printed, and the
    // failures reported together at the end.
    let mut failures = Vec::new();
    for proxy in &proxies {
        match post_all(&options, proxy, &queries) {
            Ok(answer) => write_answer(out, &proxy.name(), &answer)?,
            Err(e) => failures.push(e),
        }
    }
    match failures.len() {
        0 => Ok(ExitCode::Ok),
        1 => Err(failures.remove(0)),
        _ => Err(Error::Many(failures)),
    }
}

/// The level `--reset` sets: the sidecar injector's, as istioctl reads it, else istioctl's
/// default with its warning. `--admin` reads no cluster, so it always takes the default.
fn reset_level(options: &LogOptions, warnings: &mut Vec<String>) -> LogLevel {
    let configured = match options.admin {
        Some(_) => None,
        None => source::block_on(injector_log_level(
            &options.kube,
            &options.istio_namespace,
            options.timeout,
        ))
        .ok()
        .flatten(),
    };
    match configured.as_deref().and_then(LogLevel::parse) {
        Some(level) => level,
        None => {
            warnings.push(format!(
                "unable to get logLevel from ConfigMap istio-sidecar-injector, using default \
                 value \"{}\" for envoy proxies",
                DEFAULT_LEVEL.as_str()
            ));
            DEFAULT_LEVEL
        }
    }
}

/// Every call of `queries` in order, stopping at the first that fails; the last answer.
fn post_all(options: &LogOptions, proxy: &Proxy, queries: &[String]) -> Result<String, Error> {
    let mut answer = String::new();
    for query in queries {
        answer = post(options, proxy, query)?;
    }
    Ok(answer)
}

/// One `POST /logging[?query]` to `proxy`: Envoy's answer as text.
fn post(options: &LogOptions, proxy: &Proxy, query: &str) -> Result<String, Error> {
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let bytes = match proxy {
        Proxy::Admin(url) => source::block_on(source::admin::post_logging_url(
            url,
            &query,
            options.timeout,
        ))??,
        Proxy::Pod(pod) => source::block_on(post_logging(
            &options.kube,
            pod,
            options.port,
            &query,
            options.timeout,
        ))??,
    };
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
