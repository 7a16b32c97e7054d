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
use crate::error::Error;
use crate::source::fleet::{FleetItem, FleetPod};
use crate::source::kube::{FleetFetch, KubeOptions};
use crate::source::{DumpMask, RawInput};
use crate::util::parallel;
use crate::util::sanitize::sanitize;

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
    /// What the command reads of each dump.
    pub mask: DumpMask,
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
                query: self.mask.query(),
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

    /// Records a failure that concerns no single pod, with its line as given.
    pub fn push_line(&mut self, source: String, line: String) {
        self.0.push(FleetFailure {
            cluster: None,
            namespace: None,
            pod: None,
            error: sanitize(&line).into_owned(),
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
    Err(Error::Many(
        failures.iter().cloned().map(Error::Failed).collect(),
    ))
}

/// Drains one fleet stream: each readable dump goes to `each` as it arrives (its bytes are
/// dropped when `each` returns), each failure — of the fetch or of `each` — is recorded
/// once. `progress` counts both.
///
/// On a machine with cores to spare, dumps are processed by several worker threads while
/// the fetch thread keeps fetching; a bounded hand-off keeps at most one waiting dump per
/// worker, so memory still follows the concurrency and not the fleet. Results arrive in no
/// particular order: callers sort.
pub fn drain<T: Send>(
    items: impl IntoIterator<Item = FleetItem>,
    progress: &Progress,
    failures: &mut Failures,
    results: &mut Vec<T>,
    each: impl Fn(&FleetPod, &RawInput) -> Result<T, Error> + Sync,
) {
    drain_with(
        processing_workers(),
        items,
        progress,
        failures,
        results,
        each,
    );
}

/// [`drain`] with a given number of processing threads (1: on this thread).
fn drain_with<T: Send>(
    workers: usize,
    items: impl IntoIterator<Item = FleetItem>,
    progress: &Progress,
    failures: &mut Failures,
    results: &mut Vec<T>,
    each: impl Fn(&FleetPod, &RawInput) -> Result<T, Error> + Sync,
) {
    let process = |pod: FleetPod, fetched: Result<Vec<u8>, crate::source::Error>| {
        let label = pod.label();
        let processed = fetched.map_err(Error::from).and_then(|bytes| {
            each(
                &pod,
                &RawInput {
                    label: label.clone(),
                    bytes: bytes.into(),
                },
            )
        });
        (pod, label, processed)
    };
    if workers <= 1 {
        for item in items {
            match item {
                FleetItem::Selected(n) => progress.add(n),
                FleetItem::Failed(what, e) => failures.push(what, None, &Error::from(e)),
                FleetItem::Pod(pod, fetched) => {
                    match process(pod, fetched) {
                        (_, _, Ok(r)) => results.push(r),
                        (pod, label, Err(e)) => failures.push(label, Some(&pod), &e),
                    }
                    progress.advance(failures.len());
                }
            }
        }
        return;
    }
    let shared = std::sync::Mutex::new((std::mem::take(failures), std::mem::take(results)));
    let (tx, rx) = std::sync::mpsc::sync_channel(workers);
    let rx = std::sync::Mutex::new(rx);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    // The lock is held only to take the next job, never while processing.
                    let job = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((pod, fetched)) = job else { return };
                    let done = process(pod, fetched);
                    let Ok(mut guard) = shared.lock() else { return };
                    let (failures, results) = &mut *guard;
                    match done {
                        (_, _, Ok(r)) => results.push(r),
                        (pod, label, Err(e)) => failures.push(label, Some(&pod), &e),
                    }
                    progress.advance(failures.len());
                }
            });
        }
        for item in items {
            match item {
                FleetItem::Selected(n) => progress.add(n),
                FleetItem::Failed(what, e) => {
                    if let Ok(mut guard) = shared.lock() {
                        guard.0.push(what, None, &Error::from(e));
                    }
                }
                FleetItem::Pod(pod, fetched) => {
                    if tx.send((pod, fetched)).is_err() {
                        break;
                    }
                }
            }
        }
        drop(tx);
    });
    // A worker can only poison the lock by panicking, and the scope re-raises that panic
    // before this line; the recovered value is complete either way.
    let (f, r) = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    *failures = f;
    *results = r;
}

/// Threads that process dumps: the cores left after the fetch thread, at most 4 (parsing
/// a dump is quicker than fetching one, so more would only wait).
fn processing_workers() -> usize {
    parallel::cores().saturating_sub(1).clamp(1, 4)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(name: &str) -> FleetPod {
        FleetPod {
            cluster: None,
            namespace: "ns".into(),
            name: name.into(),
            meta: None,
        }
    }

    /// Sequential and parallel draining agree: every readable dump processed once, every
    /// failure (fetch, processing, listing) recorded once with its label.
    #[test]
    fn drains_alike_with_one_or_several_workers() {
        for workers in [1, 3] {
            let mut items = vec![
                FleetItem::Selected(40),
                FleetItem::Failed(
                    "pods -l x".into(),
                    crate::source::Error::NoSidecarSelected {
                        what: "pods -l x".into(),
                    },
                ),
            ];
            for i in 0..40 {
                let fetched = if i % 10 == 3 {
                    Err(crate::source::Error::Timeout {
                        what: format!("pod/p{i:02}.ns"),
                        timeout: Duration::from_secs(1),
                    })
                } else {
                    Ok(format!("{i}").into_bytes())
                };
                items.push(FleetItem::Pod(pod(&format!("p{i:02}")), fetched));
            }
            let mut failures = Failures::default();
            let mut results = Vec::new();
            drain_with(
                workers,
                items,
                &Progress(None),
                &mut failures,
                &mut results,
                |pod, raw| {
                    let n: usize = String::from_utf8_lossy(&raw.bytes).parse().unwrap_or(0);
                    if n % 10 == 7 {
                        return Err(crate::envoy::MissingError::NoListeners {
                            path: raw.label.clone(),
                        }
                        .into());
                    }
                    Ok(pod.name.clone())
                },
            );
            results.sort();
            assert_eq!(results.len(), 32, "workers {workers}");
            assert_eq!(results.first().map(String::as_str), Some("p00"));
            let mut failed = failures.into_inner();
            failed.sort();
            let sources: Vec<&str> = failed.iter().map(|f| f.source.as_str()).collect();
            assert_eq!(sources.len(), 9, "workers {workers}: {sources:?}");
            assert_eq!(sources[0], "pod/p03.ns");
            assert!(sources.contains(&"pod/p07.ns") && sources.contains(&"pods -l x"));
            assert_eq!(
                failed[0].error,
                "pod/p03.ns: no complete config dump within 1s (--timeout)"
            );
        }
    }
}
