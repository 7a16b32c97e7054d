//! `diff`'s flags resolved before any I/O: the two sides (a dump file if such a path exists,
//! otherwise a pod), the what-if mode, and where PeerAuthentications come from.

use crate::analysis::mtls::inbound_template::MtlsMode;
use crate::cli::{DiffArgs, DiffOutput, WhatIfMode};
use crate::cmd::diff_policy::PolicySource;
use crate::envoy::Sections;
use crate::error::Error;
use crate::source::target::{Positional, positional};
use crate::source::{DumpMask, DumpSource};

/// What `diff` reads: the bootstrap (the proxy's node and Istio version, for the policy
/// check and the what-if rules) and the listeners; a live fetch asks for these only.
pub(super) const READS: Sections = Sections {
    listeners: true,
    ecds: false,
    bootstrap: true,
};

/// Options resolved from the flags before any I/O.
pub(super) struct Options {
    pub(super) sources: Vec<DumpSource>,
    pub(super) what_if: Option<MtlsMode>,
    pub(super) port: u32,
    pub(super) output: DiffOutput,
    /// Where PeerAuthentications come from, when the modes are to be checked.
    pub(super) policy: Option<PolicySource>,
    pub(super) root_namespace: String,
}

fn side(arg: &str, args: &DiffArgs) -> Result<DumpSource, Error> {
    // CLI.md: a side is a dump file if such a path exists, otherwise a pod (a path that
    // does not exist is an error, not a pod).
    Ok(match positional(arg)? {
        Positional::File(path) => DumpSource::File(path),
        Positional::Pod(reference) => DumpSource::Pod(crate::source::kube::PodFetch {
            reference,
            kube: crate::cmd::input::kube_options(&args.kube),
            admin_port: args.kube.proxy_admin_port,
            path: DumpMask::Sections(READS).path(),
            query: DumpMask::Sections(READS).query(),
            timeout: args.kube.timeout,
        }),
    })
}

pub(super) fn options(args: &DiffArgs) -> Result<Options, Error> {
    let mut sources: Vec<DumpSource> = args.files.iter().cloned().map(DumpSource::File).collect();
    for s in &args.sides {
        sources.push(side(s, args)?);
    }
    let what_if = args.what_if.map(|m| match m {
        WhatIfMode::Strict => MtlsMode::Strict,
        WhatIfMode::Permissive => MtlsMode::Permissive,
        WhatIfMode::Disable => MtlsMode::Disable,
    });
    // The parser has refused these already; asked again so that nothing below indexes a
    // side that is not there.
    if let Some(problem) = args.side_count_error() {
        return Err(problem.into());
    }
    let policy = if !args.resources.is_empty() {
        Some(PolicySource::Files(args.resources.clone()))
    } else {
        sources.iter().find_map(|s| match s {
            DumpSource::Pod(pod) => Some(PolicySource::Cluster(pod.kube.clone(), pod.timeout)),
            _ => None,
        })
    };
    Ok(Options {
        sources,
        what_if,
        port: args.port,
        output: args.output,
        policy,
        root_namespace: args.root_namespace.clone(),
    })
}
