//! Whether an attached plugin goes on one chain (DOMAIN.md §6.4): its `type` against the
//! chain's kind, the release's reach (outbound from 1.14), and `match[]` as istio/istio
//! `pilot/pkg/model/extensions.go` `matchMode` (listener class: sidecar inbound SERVER,
//! outbound and gateways CLIENT, waypoints SERVER) and `matchPorts` read it.

use crate::analysis::wasm::intent::context::ProxyContext;
use crate::analysis::wasm::placement::{ChainSite, Direction, ProxyKind};
use crate::istio::wasm_plugin::{PluginType, WasmPluginSpec, WorkloadMode};

/// Whether an applicable plugin belongs on `site`; `Err` says why not.
pub(super) fn belongs_on(
    p: &WasmPluginSpec,
    site: &ChainSite,
    ctx: &ProxyContext,
) -> Result<(), String> {
    let minor = ctx.istio_minor;
    match p.plugin_type {
        PluginType::Http if !site.has_hcm => return Err("HTTP plugin on a non-HTTP chain".into()),
        PluginType::Network if site.is_blackhole => return Err("blackhole chain".into()),
        _ => {}
    }
    if site.direction == Direction::Outbound && minor.is_some_and(|m| m < 14) {
        return Err("Istio before 1.14 puts plugins on inbound chains only".into());
    }
    // `match` exists from 1.16 on; older istiod ignores it.
    if p.matches.is_empty() || minor.is_some_and(|m| m < 16) {
        return Ok(());
    }
    let fits = p.matches.iter().any(|m| {
        let mode = match m.mode {
            WorkloadMode::ClientAndServer => true,
            // `matchMode` / `workloadModeForListenerClass`: gateway chains are CLIENT class.
            WorkloadMode::Server => site.direction == Direction::Inbound,
            WorkloadMode::Client => {
                matches!(site.direction, Direction::Outbound | Direction::Gateway)
            }
        };
        mode && (m.ports.is_empty() || m.ports.contains(&site.port))
    });
    if fits {
        Ok(())
    } else if ctx.kind == ProxyKind::Waypoint {
        // Waypoint chains are SERVER class with port 0 (listener_waypoint.go).
        let why = if p.matches.iter().all(|m| m.mode == WorkloadMode::Client) {
            "mode CLIENT never applies on a waypoint (waypoint chains are SERVER class)"
        } else {
            "match[].ports never match on a waypoint (its listener port is 0)"
        };
        Err(format!("its match ({}): {why}", describe_match(p)))
    } else if site.direction == Direction::Gateway
        && p.matches.iter().all(|m| m.mode == WorkloadMode::Server)
    {
        Err(format!(
            "its match ({}): mode SERVER never applies on a gateway (gateway chains are CLIENT class)",
            describe_match(p)
        ))
    } else {
        // Port 0 is a passthrough chain: it serves no service port, so `match.ports` never
        // names it.
        let place = if site.port == 0 {
            format!(
                "the {} passthrough chains (no service port)",
                site.direction.as_str()
            )
        } else {
            format!("{} port {}", site.direction.as_str(), site.port)
        };
        Err(format!(
            "its match ({}) excludes {place}",
            describe_match(p)
        ))
    }
}

fn describe_match(p: &WasmPluginSpec) -> String {
    let parts: Vec<String> = p
        .matches
        .iter()
        .map(|m| {
            let mode = match m.mode {
                WorkloadMode::ClientAndServer => "CLIENT_AND_SERVER",
                WorkloadMode::Client => "CLIENT",
                WorkloadMode::Server => "SERVER",
            };
            let ports: Vec<_> = m.ports.iter().map(u32::to_string).collect();
            if ports.is_empty() {
                mode.to_string()
            } else {
                format!("{mode} ports {}", ports.join(","))
            }
        })
        .collect();
    parts.join("; ")
}
