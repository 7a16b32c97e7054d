//! Istio resources for commands that join dumps to intent: from `--resources` files and
//! directories, or from a cluster's list texts. Parsing is `istio::manifest`'s; this only
//! reads, names the input in errors, and concatenates.

use std::path::PathBuf;

use crate::istio::manifest::{Resource, resources_of};
use crate::istio::wasm_plugin::{WasmPluginSpec, wasm_plugin_of};
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

/// Every WasmPlugin and Wasm TrafficExtension in the cluster.
pub fn wasm_plugins_in_cluster(
    kube: &KubeOptions,
    timeout: std::time::Duration,
) -> Result<Vec<WasmPluginSpec>, ResourceError> {
    let lists = super::block_on(super::kube::extension_lists(kube, timeout))??;
    Ok(wasm_plugins(&from_cluster_lists(&lists)?))
}

/// Every WasmPlugin and Wasm TrafficExtension in the bug report's `cluster/crs` List.
pub fn wasm_plugins_in_archive(archive: &BugReport) -> Result<Vec<WasmPluginSpec>, ResourceError> {
    let crs = archive.crs().ok_or_else(|| super::Error::NoCrs {
        path: archive.label(),
    })?;
    Ok(wasm_plugins(&from_text(&crs.label, &crs.text)?))
}

/// Every WasmPlugin and Wasm TrafficExtension under `paths`.
pub fn wasm_plugins_in_paths(paths: &[PathBuf]) -> Result<Vec<WasmPluginSpec>, ResourceError> {
    Ok(wasm_plugins(&from_paths(paths)?))
}

fn wasm_plugins(resources: &[Resource]) -> Vec<WasmPluginSpec> {
    resources.iter().filter_map(wasm_plugin_of).collect()
}
