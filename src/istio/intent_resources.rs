//! The resources an intent check joins to a proxy's dump: the plugins, and the
//! ServiceEntries a waypoint's ServiceEntry targetRefs resolve through, and the Services
//! bound to waypoints.

use super::service_entry::ServiceEntryHosts;
use super::wasm_plugin::WasmPluginSpec;
use super::waypoint_binding::WaypointUser;

/// WasmPlugins/TrafficExtensions and ServiceEntries from `--resources`, a bug report or the
/// cluster.
#[derive(Debug, Clone, Default)]
pub struct IntentResources {
    /// Every WasmPlugin and Wasm TrafficExtension.
    pub plugins: Vec<WasmPluginSpec>,
    /// Every ServiceEntry.
    pub service_entries: Vec<ServiceEntryHosts>,
    /// Every Service bound to a waypoint by label.
    pub waypoint_users: Vec<WaypointUser>,
}

impl IntentResources {
    /// What the intent check reads besides the plugins.
    pub fn mesh_facts(&self) -> MeshFacts<'_> {
        MeshFacts {
            service_entries: &self.service_entries,
            waypoint_users: &self.waypoint_users,
        }
    }
}

/// The mesh facts an intent check reads besides the plugins.
#[derive(Debug, Clone, Copy, Default)]
pub struct MeshFacts<'a> {
    /// ServiceEntries, to resolve a waypoint chain's host to its entry.
    pub service_entries: &'a [ServiceEntryHosts],
    /// Services bound to waypoints.
    pub waypoint_users: &'a [WaypointUser],
}
