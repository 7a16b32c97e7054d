//! The fleet path shared by `wasm count` and `pc listener` (`-l SELECTOR`, `-A`, one stream
//! per `--context`): builds the fetch requests from the flags, names each pod for the
//! report, and turns the recorded failures into the exit-2 error. Draining the stream
//! (workers, progress, failure lines) is `source::fleet`'s.

mod drain;
mod progress;

pub use drain::Failures;
pub use progress::Progress;

use crate::analysis::fleet::{FleetFailure, PodId};
use crate::cli::{FleetArgs, KubeArgs};
use crate::error::Error;
use crate::source::DumpMask;
use crate::source::RawInput;
use crate::source::fleet::{FleetItem, FleetPod};
use crate::source::kube::KubeOptions;
use crate::source::kube::fleet::FleetFetch;

/// The fleet flags, with what each command adds to them.
pub struct FleetFlags<'a> {
    /// `-l`, `-A`, `--bug-report`, `--concurrency`.
    pub fleet: &'a FleetArgs,
    /// `-n`, `--kubeconfig`, `--context` (possibly several), `--timeout`,
    /// `--proxy-admin-port`.
    pub kube: &'a KubeArgs,
    /// What the command reads of each dump.
    pub mask: DumpMask,
}

impl FleetFlags<'_> {
    /// Whether the live fleet mode is on: `-l`/`-A` without `--bug-report` (with it, they
    /// pick from the archive).
    pub fn is_fleet(&self) -> bool {
        self.fleet.bug_report.is_none()
            && (self.fleet.selector.is_some() || self.fleet.all_namespaces)
    }

    /// One request per cluster; none outside fleet mode. With several contexts each pod is
    /// labelled with its context (the CLUSTER column).
    pub fn requests(&self) -> Vec<FleetFetch> {
        if !self.is_fleet() {
            return Vec::new();
        }
        let contexts: Vec<Option<&String>> = if self.kube.context.is_empty() {
            vec![None]
        } else {
            self.kube.context.iter().map(Some).collect()
        };
        let several = contexts.len() > 1;
        contexts
            .into_iter()
            .map(|context| FleetFetch {
                kube: KubeOptions {
                    kubeconfig: self.kube.kubeconfig.clone(),
                    context: context.cloned(),
                    namespace: self.kube.namespace.clone(),
                },
                selector: self.fleet.selector.clone().unwrap_or_default(),
                all_namespaces: self.fleet.all_namespaces,
                admin_port: self.kube.proxy_admin_port,
                query: self.mask.query(),
                timeout: self.kube.timeout,
                concurrency: self.fleet.concurrency,
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

/// [`drain::drain`] for a command's processing, which
/// fails with any [`Error`].
pub fn drain<T: Send>(
    items: impl IntoIterator<Item = FleetItem>,
    progress: &Progress,
    failures: &mut Failures,
    results: &mut Vec<T>,
    each: impl Fn(&FleetPod, &RawInput) -> Result<T, Error> + Sync,
) {
    drain::drain(items, progress, failures, results, each);
}
