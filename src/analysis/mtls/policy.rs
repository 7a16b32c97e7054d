//! The mTLS mode PeerAuthentications give one workload, composed as istiod does
//! (DOMAIN.md §7, `ComposePeerAuthentication`), and checked against the mode a dump's
//! `virtualInbound` chains imply.
//!
//! Pure: resources and the workload's namespace and labels in, the policy and the
//! disagreements out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::mtls::inbound_template::MtlsMode;
use crate::analysis::mtls::mode::{GroupKind, InferredMode, PortMode};
use crate::istio::peer_authentication::{PeerAuthenticationSpec, PeerMode};
use crate::istio::selector::selects;

/// Where a policy applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Mesh,
    Namespace,
    Workload,
}

impl Level {
    /// `mesh`, `namespace`, `workload`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Mesh => "mesh",
            Level::Namespace => "namespace",
            Level::Workload => "workload",
        }
    }
}

/// A PeerAuthentication that decides part of the mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedPolicy {
    pub level: Level,
    /// `namespace/name`.
    pub id: String,
    /// Its `mtls.mode`, `UNSET` when it inherits.
    pub mode: &'static str,
}

/// A PeerAuthentication that would apply but does not, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IgnoredPolicy {
    pub id: String,
    pub reason: String,
}

/// The composed policy of one workload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectivePolicy {
    /// The workload-wide mode (PERMISSIVE when nothing sets one).
    pub mode: MtlsMode,
    /// `portLevelMtls` of the chosen workload policy, with UNSET entries resolved.
    pub ports: BTreeMap<u32, MtlsMode>,
    /// Mesh, namespace and workload policies that were chosen, in that order.
    pub applied: Vec<AppliedPolicy>,
    /// Policies at a level that another one won, or that istiod ignores.
    pub ignored: Vec<IgnoredPolicy>,
}

impl EffectivePolicy {
    /// The mode traffic to container port `port` gets (`None`: the workload mode).
    pub fn mode_for(&self, port: Option<u32>) -> MtlsMode {
        port.and_then(|p| self.ports.get(&p).copied())
            .unwrap_or(self.mode)
    }
}

fn mode_text(m: PeerMode) -> &'static str {
    match m {
        PeerMode::Unset => "UNSET",
        PeerMode::Disable => "DISABLE",
        PeerMode::Permissive => "PERMISSIVE",
        PeerMode::Strict => "STRICT",
    }
}

fn resolve(m: PeerMode, inherited: MtlsMode) -> MtlsMode {
    match m {
        PeerMode::Unset => inherited,
        PeerMode::Disable => MtlsMode::Disable,
        PeerMode::Permissive => MtlsMode::Permissive,
        PeerMode::Strict => MtlsMode::Strict,
    }
}

/// Oldest first; a policy without a timestamp (a manifest not yet applied) sorts last.
fn age_key(p: &PeerAuthenticationSpec) -> (bool, &str, &str, &str) {
    (
        p.creation_timestamp.is_none(),
        p.creation_timestamp.as_deref().unwrap_or(""),
        &p.name,
        &p.namespace,
    )
}

/// Picks the oldest of one level's candidates; the others are reported as ignored.
fn oldest<'p>(
    mut candidates: Vec<&'p PeerAuthenticationSpec>,
    level: &str,
    ignored: &mut Vec<IgnoredPolicy>,
) -> Option<&'p PeerAuthenticationSpec> {
    candidates.sort_by(|a, b| age_key(a).cmp(&age_key(b)));
    let (first, rest) = candidates.split_first()?;
    for p in rest {
        ignored.push(IgnoredPolicy {
            id: p.id(),
            reason: format!(
                "{level}-level policy {} is older and wins (istiod keeps the oldest)",
                first.id()
            ),
        });
    }
    Some(first)
}

/// Composes the policies that apply to a workload in `namespace` with `labels`.
pub fn effective_policy(
    policies: &[PeerAuthenticationSpec],
    namespace: &str,
    labels: &BTreeMap<String, String>,
    root_namespace: &str,
) -> EffectivePolicy {
    let selects =
        |p: &PeerAuthenticationSpec| p.selector.as_ref().is_some_and(|s| selects(s, labels));
    let mut ignored = Vec::new();
    let mut mesh = Vec::new();
    let mut in_namespace = Vec::new();
    let mut workload = Vec::new();
    for p in policies {
        if p.namespace == root_namespace {
            if !p.has_selector() {
                mesh.push(p);
            } else if selects(p) {
                ignored.push(IgnoredPolicy {
                    id: p.id(),
                    reason: "a selector in the root namespace makes istiod ignore the policy \
                             (istio/istio#61023)"
                        .to_string(),
                });
            }
        } else if p.namespace == namespace {
            if !p.has_selector() {
                in_namespace.push(p);
            } else if selects(p) {
                workload.push(p);
            }
        }
    }
    let chosen = [
        (Level::Mesh, oldest(mesh, "mesh", &mut ignored)),
        (
            Level::Namespace,
            oldest(in_namespace, "namespace", &mut ignored),
        ),
        (Level::Workload, oldest(workload, "workload", &mut ignored)),
    ];
    let mut mode = MtlsMode::Permissive;
    let mut applied = Vec::new();
    let mut ports = BTreeMap::new();
    for (level, policy) in chosen {
        let Some(p) = policy else { continue };
        mode = resolve(p.mode, mode);
        applied.push(AppliedPolicy {
            level,
            id: p.id(),
            mode: mode_text(p.mode),
        });
        if level == Level::Workload {
            ports = p
                .port_modes
                .iter()
                .map(|(port, m)| (*port, resolve(*m, mode)))
                .collect();
        }
    }
    EffectivePolicy {
        mode,
        ports,
        applied,
        ignored,
    }
}

/// One port or passthrough set: the policy's mode against the dump's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortCheck {
    /// `port 8080`, `passthrough`, … as the diff's mode table names it.
    pub chains: String,
    /// What the policies say.
    pub policy: MtlsMode,
    /// What the chains imply (`unknown` when they fit no template).
    pub dump: InferredMode,
    /// The two agree.
    pub agrees: bool,
}

/// Compares the policy with the modes inferred from a `virtualInbound` listener.
///
/// Service chains carry the container (target) port, the key `portLevelMtls` uses; the
/// portless passthrough set takes the workload mode.
pub fn check_against_dump(policy: &EffectivePolicy, modes: &[PortMode]) -> Vec<PortCheck> {
    modes
        .iter()
        .map(|m| {
            let port = match m.key.kind {
                GroupKind::Service | GroupKind::Passthrough => m.key.port,
            };
            let want = policy.mode_for(port);
            let found = m.inference.mode();
            PortCheck {
                chains: m.key.label(),
                policy: want,
                dump: m.inference.inferred_mode(),
                agrees: found == Some(want),
            }
        })
        .collect()
}

/// One side of a diff: the policy its proxy gets and how the dump compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SidePolicy {
    /// `before` or `after`.
    pub side: &'static str,
    /// The proxy's namespace and labels from the dump's bootstrap node; `None` when the
    /// dump does not say, and then nothing is checked.
    pub workload: Option<Workload>,
    /// The composed policy.
    pub policy: Option<EffectivePolicy>,
    /// Per port and passthrough set of `virtualInbound`.
    pub ports: Vec<PortCheck>,
}

/// The policy check of a diff: each side's, or why the cluster's policies could not be read
/// (a side from a pod is checked only when they can; the diff itself does not depend on it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyCheck {
    Sides(Vec<SidePolicy>),
    Unavailable(String),
}

/// Who the proxy is, as PeerAuthentication selectors see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workload {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
}

impl Workload {
    /// `namespace/name`, the name being Istio's canonical name or `app` label when set.
    pub fn short(&self) -> String {
        let name = ["service.istio.io/canonical-name", "app"]
            .iter()
            .find_map(|k| self.labels.get(*k));
        match name {
            Some(n) => format!("{}/{n}", self.namespace),
            None => self.namespace.clone(),
        }
    }
}

impl SidePolicy {
    /// Ports whose chains say something else than the policy.
    pub fn disagreements(&self) -> impl Iterator<Item = &PortCheck> {
        self.ports.iter().filter(|p| !p.agrees)
    }
}

impl PolicyCheck {
    /// Ports, over every side, whose chains say something else than the policy (none when
    /// the policies could not be read).
    pub fn disagreements(&self) -> usize {
        match self {
            PolicyCheck::Sides(sides) => sides.iter().flat_map(SidePolicy::disagreements).count(),
            PolicyCheck::Unavailable(_) => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pa(
        ns: &str,
        name: &str,
        ts: &str,
        selector: &[(&str, &str)],
        mode: PeerMode,
    ) -> PeerAuthenticationSpec {
        PeerAuthenticationSpec {
            namespace: ns.into(),
            name: name.into(),
            creation_timestamp: (!ts.is_empty()).then(|| ts.to_string()),
            selector: (!selector.is_empty()).then(|| {
                selector
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect()
            }),
            mode,
            port_modes: BTreeMap::new(),
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        crate::istio::selector::label_map(pairs)
    }

    #[test]
    fn nothing_means_permissive() {
        let p = effective_policy(&[], "foo", &labels(&[]), "istio-system");
        assert_eq!(p.mode, MtlsMode::Permissive);
        assert!(p.applied.is_empty());
    }

    #[test]
    fn levels_compose_and_unset_inherits() {
        let mut w = pa(
            "foo",
            "w",
            "2024-01-01T00:00:00Z",
            &[("app", "a")],
            PeerMode::Unset,
        );
        w.port_modes = BTreeMap::from([(8080, PeerMode::Disable), (9090, PeerMode::Unset)]);
        let all = [
            pa(
                "istio-system",
                "mesh",
                "2024-01-01T00:00:00Z",
                &[],
                PeerMode::Strict,
            ),
            pa("foo", "ns", "2024-01-01T00:00:00Z", &[], PeerMode::Unset),
            w,
            pa(
                "bar",
                "other",
                "2024-01-01T00:00:00Z",
                &[],
                PeerMode::Disable,
            ),
        ];
        let p = effective_policy(&all, "foo", &labels(&[("app", "a")]), "istio-system");
        assert_eq!(p.mode, MtlsMode::Strict);
        assert_eq!(p.mode_for(Some(8080)), MtlsMode::Disable);
        assert_eq!(p.mode_for(Some(9090)), MtlsMode::Strict);
        assert_eq!(p.mode_for(None), MtlsMode::Strict);
        let levels: Vec<Level> = p.applied.iter().map(|a| a.level).collect();
        assert_eq!(levels, [Level::Mesh, Level::Namespace, Level::Workload]);
    }

    #[test]
    fn the_oldest_wins_within_a_level_and_root_selectors_are_ignored() {
        let all = [
            pa(
                "foo",
                "young",
                "2024-06-01T00:00:00Z",
                &[],
                PeerMode::Disable,
            ),
            pa("foo", "old", "2023-01-01T00:00:00Z", &[], PeerMode::Strict),
            pa(
                "istio-system",
                "sel",
                "2020-01-01T00:00:00Z",
                &[("app", "a")],
                PeerMode::Disable,
            ),
        ];
        let p = effective_policy(&all, "foo", &labels(&[("app", "a")]), "istio-system");
        assert_eq!(p.mode, MtlsMode::Strict);
        assert_eq!(p.applied[0].id, "foo/old");
        let ignored: Vec<&str> = p.ignored.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ignored, ["istio-system/sel", "foo/young"]);
    }

    #[test]
    fn a_selector_that_does_not_match_is_not_considered() {
        let all = [pa("foo", "w", "", &[("app", "b")], PeerMode::Disable)];
        let p = effective_policy(&all, "foo", &labels(&[("app", "a")]), "istio-system");
        assert_eq!(p.mode, MtlsMode::Permissive);
        assert!(p.applied.is_empty() && p.ignored.is_empty());
    }
}
