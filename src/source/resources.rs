//! Istio resources for commands that join dumps to intent: from `--resources` files and
//! directories, or from a cluster's list texts. Parsing is `istio::manifest`'s; this only
//! reads, names the input in errors, and concatenates.

use std::path::PathBuf;

use crate::istio::intent_resources::IntentResources;
use crate::istio::manifest::{Resource, resources_of};
use crate::istio::service_entry::service_entry_of;
use crate::istio::wasm_plugin::wasm_plugin_of;
use crate::istio::waypoint_binding::waypoint_users;
use crate::istio::yaml_tree::SyntaxError;
use crate::source::bug_report::BugReport;
use crate::source::kube::KubeOptions;

/// A resource input that could not be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum ResourceError {
    /// The file could not be read.
    #[error(transparent)]
    Read(#[from] super::Error),
    /// A manifest (file, or the cluster's answer) that does not parse.
    #[error("{path}:{}:{}: {}", error.pos.line, error.pos.column, error.message)]
    Syntax { path: String, error: SyntaxError },
    /// A `--resources` file that is not UTF-8.
    #[error("{path}: not UTF-8 text")]
    NotUtf8 { path: String },
    /// A manifest that is not UTF-8, with where its first bad byte is.
    #[error("{path}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8At { path: String, offset: usize },
}

/// Every object in one manifest text (a file read elsewhere, e.g. from an archive).
pub fn from_text(label: &str, text: &str) -> Result<Vec<Resource>, ResourceError> {
    parse(label, 0, text)
}

/// Every object in one manifest text; `index` numbers the file for the resources' origin.
pub fn parse(label: &str, index: usize, text: &str) -> Result<Vec<Resource>, ResourceError> {
    resources_of(index, text).map_err(|error| ResourceError::Syntax {
        path: label.to_string(),
        error,
    })
}

/// Every object in the files under `paths` (directories searched recursively).
pub fn from_paths(paths: &[PathBuf]) -> Result<Vec<Resource>, ResourceError> {
    let mut all = Vec::new();
    for path in paths {
        for (index, file) in super::manifest_files(path)?.into_iter().enumerate() {
            let (label, bytes) = super::read_input(&file)?;
            let text = String::from_utf8(bytes).map_err(|_| ResourceError::NotUtf8 {
                path: label.clone(),
            })?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            all.extend(parse(&label, index, text)?);
        }
    }
    Ok(all)
}

/// Every object in the API's list answers.
pub fn from_cluster_lists(lists: &[String]) -> Result<Vec<Resource>, ResourceError> {
    let mut all = Vec::new();
    for (index, text) in lists.iter().enumerate() {
        all.extend(parse("cluster", index, text)?);
    }
    Ok(all)
}

/// Every WasmPlugin and Wasm TrafficExtension in the cluster, and its ServiceEntries. The
/// ServiceEntries only resolve waypoint chains: a cluster that does not serve them or
/// refuses the list leaves them out, and the verdicts that need one say `not-checked`.
pub fn wasm_plugins_in_cluster(
    kube: &KubeOptions,
    timeout: std::time::Duration,
) -> Result<IntentResources, ResourceError> {
    let lists = super::block_on(super::kube::extension_lists(kube, timeout))??;
    let mut found = intent_resources(&from_cluster_lists(&lists)?);
    if let Ok(Ok(lists)) = super::block_on(super::kube::service_entry_lists(kube, timeout))
        && let Ok(entries) = from_cluster_lists(&lists)
    {
        found.service_entries = intent_resources(&entries).service_entries;
    }
    Ok(found)
}

/// Every WasmPlugin, Wasm TrafficExtension and ServiceEntry in the bug report's
/// `cluster/crs` List.
pub fn wasm_plugins_in_archive(archive: &BugReport) -> Result<IntentResources, ResourceError> {
    let crs = archive.crs().ok_or_else(|| super::Error::NoCrs {
        path: archive.label(),
    })?;
    Ok(intent_resources(&from_text(&crs.label, &crs.text)?))
}

/// Every WasmPlugin, Wasm TrafficExtension and ServiceEntry under `paths`.
pub fn wasm_plugins_in_paths(paths: &[PathBuf]) -> Result<IntentResources, ResourceError> {
    Ok(intent_resources(&from_paths(paths)?))
}

fn intent_resources(resources: &[Resource]) -> IntentResources {
    IntentResources {
        plugins: resources.iter().filter_map(wasm_plugin_of).collect(),
        service_entries: resources.iter().filter_map(service_entry_of).collect(),
        waypoint_users: waypoint_users(resources),
    }
}
