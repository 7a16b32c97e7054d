//! `--bug-report PATH`: an `istioctl bug-report` archive (the `.tar.gz`, or the folder it
//! unpacks to) as an offline fleet. It is read as a stream, never unpacked to disk, and it
//! never parses a dump: it hands out bytes, like the live fleet in `kube.rs`.
//!
//! Layout, from istio/istio `tools/bug-report/pkg` (`archive/archive.go`,
//! `content/content.go`, `common/common.go`):
//! - each proxy's admin output under `proxies/<namespace>/<pod>/`, one file per admin URL,
//!   named after the URL: the dump is `config_dump?include_eds` (`config_dump` in releases
//!   before that query was added);
//! - `cluster/crs`: `kubectl get --all-namespaces <every CRD> -o yaml`, one `kind: List`;
//! - `cluster/k8s-resources`: `kubectl get --all-namespaces all,namespaces,… -o yaml`, one
//!   `kind: List` holding the pods (and services, deployments, …).
//!
//! The tarball holds regular files only, under `bug-report/` by default; with `--dir D`
//! istioctl archives other roots (`D`'s name, or none in newer releases), and people repack
//! unpacked folders with a `./` or a folder of their own. So entries are recognised by their
//! trailing components, whatever comes before them.
//!
//! Two passes. Tar order is arbitrary, and no dump can be judged before the WasmPlugins in
//! `cluster/crs` are known. [`open`] reads the archive once for the small `cluster/*` files
//! and the names of the dumps (their bytes are skipped), and [`BugReport::fleet`] reads it
//! again, handing over one dump at a time. A `.tar.gz` is decompressed twice; in exchange
//! memory holds a few dumps at most, not all of them. (istioctl's own tarballs list
//! `cluster/` before `proxies/`, being walked in lexical order, but a repacked archive need
//! not, and a single pass would then have to keep every dump until the WasmPlugins came.)

mod listing;
mod walk;

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::Error;
use super::fleet::{FleetItem, FleetPod, PodMeta};
use super::selector::LabelSelector;
use crate::envoy::LoadError;
use listing::{PodLabels, pod_labels};
use walk::{Layout, walk};

/// A proxy's dump file names, preferred first (the newer name includes endpoints).
const DUMP_FILES: [&str; 2] = ["config_dump?include_eds", "config_dump"];

/// What to read from a bug report: `-n`/`-A` and `-l` pick the proxies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BugReportFetch {
    /// The `.tar.gz` or the unpacked folder.
    pub path: PathBuf,
    /// Only this namespace (`-n` without `-A`); `None`: every namespace in the archive.
    pub namespace: Option<String>,
    /// `-l`: matched against the pods' labels in `cluster/k8s-resources`.
    pub selector: Option<String>,
}

impl BugReportFetch {
    /// What the fleet flags pick from the archive at `path`: `-n` keeps one namespace
    /// unless `-A` is given, `-l` filters by the pods' labels.
    pub fn new(
        path: &std::path::Path,
        namespace: Option<&str>,
        all_namespaces: bool,
        selector: Option<&str>,
    ) -> Self {
        BugReportFetch {
            path: path.to_path_buf(),
            namespace: namespace.filter(|_| !all_namespaces).map(str::to_string),
            selector: selector.map(str::to_string),
        }
    }
}

/// A proxy of the archive: where its dump sits tells its namespace and pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivePod {
    /// The `<namespace>` directory.
    pub namespace: String,
    /// The `<pod>` directory.
    pub name: String,
    /// The pod's labels in `cluster/k8s-resources`; `None` when the pod is not listed there.
    pub labels: Option<BTreeMap<String, String>>,
}

/// A text file of the archive, with the label error lines show (`ARCHIVE/ENTRY`).
#[derive(Debug, Clone)]
pub struct ArchiveText {
    pub label: String,
    pub text: String,
}

/// A bug report after the first pass: its resources, and the proxies to read.
#[derive(Debug)]
pub struct BugReport {
    layout: Layout,
    crs: Option<ArchiveText>,
    /// The selected proxies by fleet label (`pod/NAME.NAMESPACE`), with their entry names.
    proxies: BTreeMap<String, (String, ArchivePod)>,
}

/// What an entry is, by its trailing path components.
#[derive(Debug, PartialEq, Eq)]
enum Kind<'a> {
    /// `proxies/<namespace>/<pod>/<DUMP_FILES[rank]>`.
    Dump {
        namespace: &'a str,
        pod: &'a str,
        rank: usize,
    },
    /// `cluster/crs`.
    Crs,
    /// `cluster/k8s-resources`.
    K8sResources,
}

fn classify(name: &str) -> Option<Kind<'_>> {
    let parts: Vec<&str> = name.split('/').collect();
    match parts.as_slice() {
        [.., "proxies", namespace, pod, file] if !namespace.is_empty() && !pod.is_empty() => {
            let rank = DUMP_FILES.iter().position(|f| f == file)?;
            Some(Kind::Dump {
                namespace,
                pod,
                rank,
            })
        }
        [.., "cluster", "crs"] => Some(Kind::Crs),
        [.., "cluster", "k8s-resources"] => Some(Kind::K8sResources),
        _ => None,
    }
}

/// First pass: the `cluster/*` files, and which proxies to read.
pub fn open(req: &BugReportFetch) -> Result<BugReport, Error> {
    let selector = req
        .selector
        .as_deref()
        .map(|s| {
            LabelSelector::parse(s).map_err(|reason| Error::BadSelector {
                selector: s.to_string(),
                reason,
            })
        })
        .transpose()?;
    let layout = match std::fs::metadata(&req.path) {
        Ok(m) if m.is_dir() => Layout::Folder(req.path.clone()),
        Ok(_) => Layout::Tarball(req.path.clone()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Error::NotFound {
                path: req.path.display().to_string(),
            });
        }
        Err(source) => {
            return Err(Error::Io {
                path: req.path.display().to_string(),
                source,
            });
        }
    };
    let mut crs = None;
    let mut pods = None;
    // (namespace, pod) → (rank, entry name): one dump per pod, the preferred name winning.
    let mut dumps: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    walk(&layout, &mut |mut entry| {
        match classify(&entry.name) {
            Some(Kind::Dump {
                namespace,
                pod,
                rank,
            }) => {
                let key = (namespace.to_string(), pod.to_string());
                if dumps.get(&key).is_none_or(|(r, _)| rank < *r) {
                    dumps.insert(key, (rank, entry.name.clone()));
                }
            }
            Some(Kind::Crs) if crs.is_none() => {
                let label = layout.entry_label(&entry.name);
                let bytes = entry.bytes(&layout)?;
                let text = String::from_utf8(bytes).map_err(|e| LoadError::Binary {
                    path: label.clone(),
                    offset: e.utf8_error().valid_up_to(),
                })?;
                crs = Some(ArchiveText { label, text });
            }
            Some(Kind::K8sResources) if pods.is_none() => {
                let label = layout.entry_label(&entry.name);
                pods = Some(entry.read(&layout, |r| Ok(pod_labels(&label, r)))??);
            }
            _ => {}
        }
        Ok(true)
    })?;
    if dumps.is_empty() {
        return Err(Error::NotBugReport {
            path: layout.label(),
        });
    }
    if selector.is_some() && pods.is_none() {
        return Err(Error::BugReportLacks {
            path: layout.label(),
            entry: "cluster/k8s-resources",
            needed_for: "-l",
        });
    }
    let mut proxies = BTreeMap::new();
    for ((namespace, name), (_, entry)) in dumps {
        if req.namespace.as_ref().is_some_and(|ns| *ns != namespace) {
            continue;
        }
        let labels = pods
            .as_ref()
            .and_then(|p: &PodLabels| p.get(&(namespace.clone(), name.clone())).cloned());
        // A pod missing from k8s-resources has unknown labels: no selector picks it.
        if let Some(selector) = &selector
            && !labels.as_ref().is_some_and(|l| selector.matches(l))
        {
            continue;
        }
        let label = format!("pod/{name}.{namespace}");
        let pod = ArchivePod {
            namespace,
            name,
            labels,
        };
        proxies.insert(label, (entry, pod));
    }
    if proxies.is_empty() {
        let mut what = Vec::new();
        if let Some(ns) = &req.namespace {
            what.push(format!("namespace {ns}"));
        }
        if let Some(s) = &req.selector {
            what.push(format!("-l {s}"));
        }
        return Err(Error::NoProxySelected {
            path: layout.label(),
            what: what.join(", "),
        });
    }
    Ok(BugReport {
        layout,
        crs,
        proxies,
    })
}

impl BugReport {
    /// The `--bug-report` path, as error lines show it.
    pub fn label(&self) -> String {
        self.layout.label()
    }

    /// `cluster/crs`, when the archive has it.
    pub fn crs(&self) -> Option<&ArchiveText> {
        self.crs.as_ref()
    }

    /// The pod behind a fleet label this report handed out.
    pub fn pod(&self, label: &str) -> Option<&ArchivePod> {
        self.proxies.get(label).map(|(_, pod)| pod)
    }

    /// Second pass, on a background thread: `Selected(n)`, then each selected proxy's dump
    /// as it is read. The channel holds one item, so the reader waits while the caller works
    /// on a dump: besides the caller's, one dump waits in the channel and one is being read.
    pub fn fleet(&self) -> Receiver<FleetItem> {
        let (tx, rx) = sync_channel(1);
        let layout = self.layout.clone();
        let wanted: BTreeMap<String, FleetPod> = self
            .proxies
            .values()
            .map(|(entry, pod)| (entry.clone(), fleet_pod(pod)))
            .collect();
        std::thread::spawn(move || read_dumps(&layout, wanted, &tx));
        rx
    }
}

/// An archive pod as a fleet member; its labels (when `cluster/k8s-resources` lists it)
/// stand in for the pod object's. The archive keeps no owner: the dump's node names the
/// workload.
fn fleet_pod(pod: &ArchivePod) -> FleetPod {
    FleetPod {
        cluster: None,
        namespace: pod.namespace.clone(),
        name: pod.name.clone(),
        meta: pod.labels.clone().map(|labels| PodMeta {
            labels,
            owner: None,
        }),
    }
}

fn read_dumps(layout: &Layout, mut wanted: BTreeMap<String, FleetPod>, tx: &SyncSender<FleetItem>) {
    if tx.send(FleetItem::Selected(wanted.len())).is_err() {
        return;
    }
    let walked = walk(layout, &mut |mut entry| {
        let Some(pod) = wanted.remove(&entry.name) else {
            return Ok(true);
        };
        let bytes = entry.bytes(layout);
        // A broken tarball stops the walk: nothing after this entry can be trusted.
        let go_on = !matches!(bytes, Err(Error::CorruptArchive { .. }));
        Ok(tx.send(FleetItem::Pod(pod, bytes)).is_ok() && go_on && !wanted.is_empty())
    });
    if let Err(e) = walked {
        let _ = tx.send(FleetItem::Failed(layout.label(), e));
        return;
    }
    // Entries the first pass saw and this one did not: the archive changed in between.
    for (entry, pod) in wanted {
        let gone = Error::NotFound {
            path: layout.entry_label(&entry),
        };
        if tx.send(FleetItem::Pod(pod, Err(gone))).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The namespaces and pods of every dump the archive holds, whatever `-n`/`-l` say.
    fn all_dumps(layout: &Layout) -> BTreeSet<(String, String)> {
        let mut found = BTreeSet::new();
        walk(layout, &mut |entry| {
            if let Some(Kind::Dump { namespace, pod, .. }) = classify(&entry.name) {
                found.insert((namespace.to_string(), pod.to_string()));
            }
            Ok(true)
        })
        .unwrap();
        found
    }

    #[test]
    fn recognises_entries_under_any_root() {
        let cases = [
            (
                "bug-report/proxies/default/httpbin-1/config_dump?include_eds",
                Some(Kind::Dump {
                    namespace: "default",
                    pod: "httpbin-1",
                    rank: 0,
                }),
            ),
            (
                "proxies/apps/p/config_dump",
                Some(Kind::Dump {
                    namespace: "apps",
                    pod: "p",
                    rank: 1,
                }),
            ),
            ("x/y/bug-report/cluster/crs", Some(Kind::Crs)),
            ("bug-report/cluster/k8s-resources", Some(Kind::K8sResources)),
            ("bug-report/proxies/default/httpbin-1/clusters", None),
            (
                "bug-report/proxies/default/httpbin-1/stats/prometheus",
                None,
            ),
            ("bug-report/istio/istio-system/istiod-1/debug/configz", None),
            ("bug-report/cluster/events", None),
            ("config_dump", None),
        ];
        for (name, want) in cases {
            assert_eq!(classify(name), want, "{name}");
        }
    }

    #[test]
    fn the_fixture_folder_and_tarball_hold_the_same_dumps() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        let folder = all_dumps(&Layout::Folder(root.join("bug-report")));
        let tarball = all_dumps(&Layout::Tarball(root.join("bug-report.tar.gz")));
        assert!(folder.len() >= 4, "{folder:?}");
        assert_eq!(folder, tarball);
    }
}
