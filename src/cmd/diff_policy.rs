//! `diff`'s PeerAuthentication check: which mode each side's proxy should have, from
//! `--resources` or (for a side read from a pod) the cluster, against what its chains say.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::analysis::mtls::mode::{infer_modes, is_virtual_inbound};
use crate::analysis::mtls::policy::{
    PolicyCheck, SidePolicy, Workload, check_against_dump, effective_policy,
};
use crate::envoy::Listener;
use crate::error::Error;
use crate::istio::peer_authentication::{PeerAuthenticationSpec, peer_authentication_of};
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
