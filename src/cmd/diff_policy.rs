//! `diff`'s PeerAuthentication check: which mode each side's proxy should have, from
//! `--resources` or (for a side read from a pod) the cluster, against what its chains say;
//! and `diff DUMP --resources PA…`, where that check is the whole command.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::analysis::diff::PolicyDocument;
use crate::analysis::mtls::mode::{infer_modes, is_virtual_inbound};
use crate::analysis::mtls::policy::{
    PolicyCheck, SidePolicy, Workload, check_against_dump, effective_policy,
};
use crate::cli::DiffOutput;
use crate::envoy::{Listener, MissingError};
use crate::error::{Error, ExitCode};
use crate::istio::peer_authentication::{PeerAuthenticationSpec, peer_authentication_of};
use crate::render::diff::policy::write_check;
use crate::render::structured;
use crate::render::terminal::Terminal;
use crate::source::resources;
use crate::source::{self, kube::KubeOptions};

/// Where the PeerAuthentications come from.
pub enum PolicySource {
    Files(Vec<PathBuf>),
    Cluster(KubeOptions, Duration),
}

/// What one side offers the check: its proxy's identity and its listeners.
pub struct SideInput<'s, 'a> {
    pub side: &'static str,
    /// `node.metadata.NAMESPACE` and `LABELS`.
    pub workload: Option<(String, BTreeMap<String, String>)>,
    pub listeners: Vec<&'s Listener<'a>>,
}

fn load(source: &PolicySource) -> Result<Vec<PeerAuthenticationSpec>, Error> {
    let resources = match source {
        PolicySource::Files(paths) => resources::from_paths(paths)?,
        PolicySource::Cluster(kube, timeout) => {
            let lists = source::block_on(source::kube::peer_authentication_lists(kube, *timeout))??;
            resources::from_cluster_lists(&lists)?
        }
    };
    Ok(resources
        .iter()
        .filter_map(peer_authentication_of)
        .collect())
}

/// The check of every side. `--resources` that cannot be read is an error; the cluster's
/// policies that cannot be read (RBAC, no CRD) only leave the check undone.
pub fn check(
    source: &PolicySource,
    root_namespace: &str,
    sides: &[SideInput<'_, '_>],
) -> Result<PolicyCheck, Error> {
    let policies = match (load(source), source) {
        (Ok(p), _) => p,
        (Err(e), PolicySource::Cluster(..)) => return Ok(PolicyCheck::Unavailable(e.to_string())),
        (Err(e), PolicySource::Files(_)) => return Err(e),
    };
    Ok(PolicyCheck::Sides(
        sides
            .iter()
            .map(|s| {
                let Some((namespace, labels)) = &s.workload else {
                    return SidePolicy {
                        side: s.side,
                        workload: None,
                        policy: None,
                        ports: Vec::new(),
                    };
                };
                let policy = effective_policy(&policies, namespace, labels, root_namespace);
                let ports = s
                    .listeners
                    .iter()
                    .filter(|l| is_virtual_inbound(l))
                    .flat_map(|l| check_against_dump(&policy, &infer_modes(l)))
                    .collect();
                SidePolicy {
                    side: s.side,
                    workload: Some(Workload {
                        namespace: namespace.clone(),
                        labels: labels.clone(),
                    }),
                    policy: Some(policy),
                    ports,
                }
            })
            .collect(),
    ))
}

/// `diff DUMP --resources PA…`: one dump's inbound chains against its policies, with no
/// second side to compare.
pub struct Alone<'o> {
    /// The dump's input label.
    pub label: &'o str,
    pub source: &'o PolicySource,
    pub root_namespace: &'o str,
    pub output: DiffOutput,
    pub term: Terminal,
}

impl Alone<'_> {
    /// Checks and prints `side`; exit 1 when a port disagrees. The check is all the command
    /// does, so a dump it cannot be made on is an error rather than a "not checked" line.
    pub fn run(&self, side: SideInput<'_, '_>, out: &mut dyn Write) -> Result<ExitCode, Error> {
        let path = || self.label.to_string();
        if side.workload.is_none() {
            return Err(MissingError::NoNamespace { path: path() }.into());
        }
        if !side.listeners.iter().any(|l| is_virtual_inbound(l)) {
            return Err(MissingError::NoInboundToCheck { path: path() }.into());
        }
        let check = check(self.source, self.root_namespace, &[side])?;
        match self.output {
            DiffOutput::Json => structured::write(
                out,
                &PolicyDocument {
                    dump: self.label,
                    policy: &check,
                },
                structured::Format::Json,
            )?,
            DiffOutput::Text => write_check(out, self.label, &check, self.term)?,
        }
        Ok(match check {
            PolicyCheck::Sides(_) if check.disagreements() == 0 => ExitCode::Ok,
            // Disagreeing ports; or policies that could not be read, which must not look clean.
            _ => ExitCode::Found,
        })
    }
}
