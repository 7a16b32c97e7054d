//! Why a pod differs from its workload's majority, in plain words: one reason per plugin
//! whose placement count, ECDS state or module is not the majority's.

use std::collections::BTreeSet;

use super::report::{Reason, ReasonKind};
use super::signature::{ModuleId, PluginState, Signature};
use crate::analysis::wasm::ecds::EcdsState;

fn chains(n: usize) -> String {
    if n == 1 {
        "1 filter chain".to_string()
    } else {
        format!("{n} filter chains")
    }
}

/// An ECDS state as the object of "is".
fn ecds_words(state: Option<EcdsState>) -> &'static str {
    match state {
        None => "an inline filter",
        Some(EcdsState::Present) => "delivered through ECDS",
        Some(EcdsState::Missing) => "missing from the ECDS section",
        Some(EcdsState::Unknown) => "of unknown ECDS state (the dump has no ECDS section)",
        Some(EcdsState::DenyAllStandIn) => "the agent's deny-all stand-in",
        Some(EcdsState::AllowAllStandIn) => "the agent's allow-all stand-in",
    }
}

/// One reason per plugin whose state differs from the majority's, in plugin order.
pub(super) fn differences(pod: &Signature, majority: &Signature) -> Vec<Reason> {
    let names: BTreeSet<&String> = pod.keys().chain(majority.keys()).collect();
    let mut out = Vec::new();
    for name in names {
        let reason = |kind, detail: String| Reason {
            plugin: Some(name.clone()),
            kind,
            detail,
        };
        match (pod.get(name), majority.get(name)) {
            (None, Some(m)) => out.push(reason(
                ReasonKind::PluginMissing,
                format!(
                    "{name} is missing; the majority has it on {}",
                    chains(m.count)
                ),
            )),
            (Some(p), None) => out.push(reason(
                ReasonKind::PluginExtra,
                format!(
                    "{name} is on {}; the majority does not have it",
                    chains(p.count)
                ),
            )),
            (Some(p), Some(m)) => {
                if p.ecds != m.ecds {
                    out.push(ecds_reason(name, p, m));
                } else if p.module != m.module {
                    let describe = |s: &PluginState| {
                        s.module.as_ref().map_or_else(
                            || "an unidentified module".to_string(),
                            ModuleId::describe,
                        )
                    };
                    out.push(reason(
                        ReasonKind::OtherModule,
                        format!(
                            "{name} runs another module: {}; the majority runs {}",
                            describe(p),
                            describe(m)
                        ),
                    ));
                }
                if p.count != m.count {
                    out.push(reason(
                        ReasonKind::PlacementCount,
                        format!(
                            "{name} is on {}; the majority has it on {}",
                            chains(p.count),
                            m.count
                        ),
                    ));
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// The reason for an ECDS state that differs from the majority's.
fn ecds_reason(name: &str, p: &PluginState, m: &PluginState) -> Reason {
    let majority = match (&m.ecds, &m.module) {
        (Some(EcdsState::Present), Some(module)) => {
            format!("the majority runs {}", module.describe())
        }
        (state, _) => format!("the majority's is {}", ecds_words(*state)),
    };
    let (kind, what) = match p.ecds {
        Some(EcdsState::DenyAllStandIn) => (
            ReasonKind::DenyAllStandIn,
            "is the agent's deny-all stand-in: its module failed to load and every request \
             is denied",
        ),
        Some(EcdsState::AllowAllStandIn) => (
            ReasonKind::AllowAllStandIn,
            "is the agent's allow-all stand-in: its module failed to load and the plugin \
             does not run",
        ),
        Some(EcdsState::Missing) => (
            ReasonKind::EcdsMissing,
            "has no ECDS resource: traffic through the listeners that reference it is blocked",
        ),
        other => {
            return Reason {
                plugin: Some(name.to_string()),
                kind: ReasonKind::EcdsState,
                detail: format!("{name} is {}; {majority}", ecds_words(other)),
            };
        }
    };
    Reason {
        plugin: Some(name.to_string()),
        kind,
        detail: format!("{name} {what}; {majority}"),
    }
}
