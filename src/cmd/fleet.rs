//! The fleet path shared by `wasm count` and `pc listener` (`-l SELECTOR`, `-A`, one stream
//! per `--context`): builds the fetch requests from the flags, drains a stream of
//! [`FleetItem`]s while showing progress, hands each readable dump to the command as it
//! arrives, and collects every failure as one line.
//!
//! The consumer is generic over where the items come from: anything that yields
//! [`FleetItem`]s (the cluster today, an archive tomorrow) plugs in here.

use std::path::PathBuf;
use std::time::Duration;

use crate::analysis::fleet::{FleetFailure, PodId};
use crate::cmd::input::RawInput;
use crate::error::Error;
use crate::render::sanitize::sanitize;
use crate::source::fleet::{FleetItem, FleetPod};
use crate::source::kube::{FleetFetch, KubeOptions};

/// Fleet failures: the others were reported; each of these is one line.
#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    /// Pods (or sources) that could not be read, one line each, already sanitised.
    #[error("{}", .0.join("\nmeshscope: error: "))]
    Inputs(Vec<String>),
    /// `--context` more than once where only one cluster can be read.
    #[error("--context can be given once here; several contexts need fleet mode (-l/-A)")]
    ContextsNeedFleet,
    /// POD, `--file` or `--admin` given with `-l`/`-A` where only one kind of input is read.
    #[error(
        "POD, --file and --admin read one proxy; fleet mode (-l/-A) reads the pods it selects: give one or the other"
    )]
    OneProxyInput,
    /// A flag that selects within one proxy, given in fleet mode.
    #[error("{0} selects within one proxy's output and does not apply in fleet mode (-l/-A)")]
    NotInFleetMode(&'static str),
}

/// The fleet flags, as each command has them.
pub struct FleetFlags<'a> {
    /// `-l`.
    pub selector: Option<&'a str>,
    /// `-A`.
    pub all_namespaces: bool,
    /// `--context`, possibly several.
    pub contexts: &'a [String],
    /// `--kubeconfig`.
    pub kubeconfig: Option<&'a PathBuf>,
    /// `-n`.
    pub namespace: Option<&'a str>,
    /// `--proxy-admin-port`.
    pub admin_port: u16,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--concurrency`.
    pub concurrency: usize,
    /// The `/config_dump` query the command needs.
    pub query: &'static str,
}

impl FleetFlags<'_> {
    /// Whether fleet mode is on.
    pub fn is_fleet(&self) -> bool {
        self.selector.is_some() || self.all_namespaces
    }

    /// One request per cluster; none outside fleet mode. With several contexts each pod is
    /// labelled with its context (the CLUSTER column).
    pub fn requests(&self) -> Vec<FleetFetch> {
        if !self.is_fleet() {
            return Vec::new();
        }
        let contexts: Vec<Option<&String>> = if self.contexts.is_empty() {
            vec![None]
        } else {
            self.contexts.iter().map(Some).collect()
        };
        let several = contexts.len() > 1;
        contexts
            .into_iter()
            .map(|context| FleetFetch {
                kube: KubeOptions {
                    kubeconfig: self.kubeconfig.cloned(),
                    context: context.cloned(),
                    namespace: self.namespace.map(str::to_string),
                },
                selector: self.selector.unwrap_or_default().to_string(),
                all_namespaces: self.all_namespaces,
                admin_port: self.admin_port,
                query: self.query.to_string(),
                timeout: self.timeout,
                concurrency: self.concurrency,
                cluster: context.filter(|_| several).cloned(),
            })
            .collect()
    }
}

/// Where a fleet pod sits, for the report.
pub fn pod_id(pod: &FleetPod) -> PodId {
    PodId {
        cluster: pod.cluster.clone(),
        namespace: pod.namespace.clone(),
        pod: pod.name.clone(),
    }
}

/// Failures gathered over a run, each with its one stderr line.
#[derive(Default)]
pub struct Failures(Vec<FleetFailure>);

impl Failures {
    /// Records a pod (or source) that could not be read or processed.
    pub fn push(&mut self, source: String, pod: Option<&FleetPod>, error: &Error) {
        self.0.push(FleetFailure {
            cluster: pod.and_then(|p| p.cluster.clone()),
            namespace: pod.map(|p| p.namespace.clone()),
            pod: pod.map(|p| p.name.clone()),
            error: sanitize(&error.to_string()).into_owned(),
            source,
        });
    }

    /// How many so far.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The failures, for the report.
    pub fn into_inner(self) -> Vec<FleetFailure> {
        self.0
    }
}

/// After everything readable was printed: exit 2 with one line per failure (sorted, as the
/// report lists them), or carry on.
pub fn check(failures: &[FleetFailure]) -> Result<(), Error> {
    if failures.is_empty() {
        return Ok(());
    }
    Err(FleetError::Inputs(failures.iter().map(|f| f.error.clone()).collect()).into())
}

/// Drains one fleet stream: each readable dump goes to `each` as it arrives (its bytes are
/// dropped when `each` returns), each failure — of the fetch or of `each` — is recorded
/// once. `progress` counts both.
pub fn drain<T>(
    items: impl IntoIterator<Item = FleetItem>,
    progress: &Progress,
    failures: &mut Failures,
    results: &mut Vec<T>,
    mut each: impl FnMut(&FleetPod, &RawInput) -> Result<T, Error>,
) {
    for item in items {
        match item {
            FleetItem::Selected(n) => progress.add(n),
            FleetItem::Failed(what, e) => failures.push(what, None, &Error::from(e)),
            FleetItem::Pod(pod, fetched) => {
                let label = pod.label();
                let processed = fetched.map_err(Error::from).and_then(|bytes| {
                    each(
                        &pod,
                        &RawInput {
                            label: label.clone(),
                            bytes,
                        },
                    )
                });
                match processed {
                    Ok(r) => results.push(r),
                    Err(e) => failures.push(label, Some(&pod), &e),
                }
                progress.advance(failures.len());
            }
        }
    }
}

/// The fleet progress bar: on stderr, only when stderr is a terminal; one bar for every
/// cluster of the run.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// A bar on a terminal, nothing otherwise.
    pub fn new() -> Progress {
        use std::io::IsTerminal;
        Progress(std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(0);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} pods read {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        }))
    }

    /// A source announced `pods` more pods.
    fn add(&self, pods: usize) {
        if let Some(bar) = &self.0 {
            bar.inc_length(pods as u64);
        }
    }

    /// One more pod done.
    fn advance(&self, failed: usize) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
            if failed > 0 {
                bar.set_message(format!("({failed} failed)"));
            }
        }
    }

    /// Clears the bar before the report is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
