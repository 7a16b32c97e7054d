//! Resolves a command's input flags to a dump source, and the fetched bytes to a loaded
//! document. Fetching itself is `source::fetch`'s.

use crate::cli::{InputArgs, KubeArgs, UsageError};
use crate::envoy::{Document, PageRelease};
use crate::error::Error;
use crate::source::kube::{KubeOptions, PodFetch};
use crate::source::target::{Positional, positional};
use crate::source::{self, DumpMask, DumpSource};

/// Exactly one of POD, `--file` or `--admin` (istioctl's rule, extended to `--admin`); a
/// POD argument that names a file is that file (CLI.md); a live source fetches what `mask`
/// names.
pub fn resolve(
    args: &InputArgs,
    command: &'static str,
    mask: DumpMask,
) -> Result<DumpSource, Error> {
    let given = [
        args.pod.is_some(),
        args.file.is_some(),
        args.admin.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(UsageError::NeedsOneInput { command }.into());
    }
    if args.kube.context.len() > 1 {
        return Err(UsageError::ContextsNeedFleet.into());
    }
    let query = mask.query();
    let pod = match args.pod.as_deref().map(positional).transpose()? {
        Some(Positional::File(path)) => return Ok(DumpSource::File(path)),
        Some(Positional::Pod(reference)) => reference,
        None => String::new(),
    };
    Ok(if let Some(f) = &args.file {
        DumpSource::File(f.clone())
    } else if let Some(url) = &args.admin {
        DumpSource::Admin {
            url: url.clone(),
            path: mask.path(),
            query,
            timeout: args.kube.timeout,
        }
    } else {
        DumpSource::Pod(PodFetch {
            reference: pod,
            kube: kube_options(&args.kube),
            admin_port: args.kube.proxy_admin_port,
            path: mask.path(),
            query,
            timeout: args.kube.timeout,
        })
    })
}

/// Cluster access of a single-proxy read: the first `--context` (a second one is rejected
/// where only one cluster is read).
pub fn kube_options(kube: &KubeArgs) -> KubeOptions {
    KubeOptions {
        kubeconfig: kube.kubeconfig.clone(),
        context: kube.context.first().cloned(),
        namespace: kube.namespace.clone(),
    }
}

/// Reads the single dump a command's flags name and runs `body` on it. The text lives
/// only for the call, so the model can borrow from it instead of copying strings.
pub fn with_document<T>(
    args: &InputArgs,
    command: &'static str,
    mask: DumpMask,
    body: impl FnOnce(&Document<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let source = resolve(args, command, mask)?;
    let raw = source::fetch::read(&source)?;
    let text = source::to_json_text(&raw.label, &raw.bytes)?;
    let release = |part: &[u8]| raw.bytes.release(part);
    let document = Document {
        release: Some(PageRelease(&release)),
        ..text.document(&raw.label)
    };
    body(&document)
}
