//! Draining a fleet stream: each readable dump is handed to the command as it arrives,
//! on worker threads when there are cores to spare, and every failure (of the fetch or of
//! the command's processing) is recorded once, as the line stderr prints for it.

use std::fmt::Display;

use super::Progress;
use crate::analysis::fleet::FleetFailure;
use crate::source::fleet::{FleetItem, FleetPod};
use crate::source::{Error, RawInput};
use crate::util::parallel;
use crate::util::sanitize::sanitize;

/// Failures gathered over a run, each with its one stderr line.
#[derive(Default)]
pub struct Failures(Vec<FleetFailure>);

impl Failures {
    /// Records a pod (or source) that could not be read or processed.
    pub fn push(&mut self, source: String, pod: Option<&FleetPod>, error: &impl Display) {
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
    fn len(&self) -> usize {
        self.0.len()
    }

    /// The failures, for the report.
    pub fn into_inner(self) -> Vec<FleetFailure> {
        self.0
    }
}

/// Drains one fleet stream: each readable dump goes to `each` as it arrives (its bytes are
/// dropped when `each` returns), each failure — of the fetch or of `each` — is recorded
/// once. `progress` counts both.
///
/// On a machine with cores to spare, dumps are processed by several worker threads while
/// the fetch thread keeps fetching; a bounded hand-off keeps at most one waiting dump per
/// worker, so memory still follows the concurrency and not the fleet. Results arrive in no
/// particular order: callers sort.
pub fn drain<T: Send, E: From<Error> + Display>(
    items: impl IntoIterator<Item = FleetItem>,
    progress: &Progress,
    failures: &mut Failures,
    results: &mut Vec<T>,
    each: impl Fn(&FleetPod, &RawInput) -> Result<T, E> + Sync,
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
fn drain_with<T: Send, E: From<Error> + Display>(
    workers: usize,
    items: impl IntoIterator<Item = FleetItem>,
    progress: &Progress,
    failures: &mut Failures,
    results: &mut Vec<T>,
    each: impl Fn(&FleetPod, &RawInput) -> Result<T, E> + Sync,
) {
    let process = |pod: FleetPod, fetched: Result<Vec<u8>, Error>| {
        let label = pod.label();
        let processed = fetched.map_err(E::from).and_then(|bytes| {
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
                FleetItem::Failed(what, e) => failures.push(what, None, &e),
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
                        guard.0.push(what, None, &e);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
                    Error::NoSidecarSelected {
                        what: "pods -l x".into(),
                    },
                ),
            ];
            for i in 0..40 {
                let fetched = if i % 10 == 3 {
                    Err(Error::Timeout {
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
                        return Err(Error::NotFound {
                            path: raw.label.clone(),
                        });
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
