//! The resources an intent check joins to a proxy's dump: the plugins, and the
//! ServiceEntries a waypoint's ServiceEntry targetRefs resolve through.

use super::service_entry::ServiceEntryHosts;
use super::wasm_plugin::WasmPluginSpec;

/// WasmPlugins/TrafficExtensions and ServiceEntries from `--resources`, a bug report or the
/// cluster.
#[derive(Debug, Clone, Default)]
pub struct IntentResources {
    /// Every WasmPlugin and Wasm TrafficExtension.
    pub plugins: Vec<WasmPluginSpec>,
    /// Every ServiceEntry.
    pub service_entries: Vec<ServiceEntryHosts>,
}
