//! Istio resources for commands that join dumps to intent: from `--resources` files and
//! directories, or from a cluster's list texts. Parsing is `istio::manifest`'s; this only
//! reads, names the input in errors, and concatenates.

use std::path::PathBuf;

use crate::error::Error;
use crate::istio::manifest::{Resource, resources_of};
use crate::source;
use crate::util::sanitize::sanitize;

/// A resource input that could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum ResourceError {
    /// A manifest (file, or the cluster's answer) that does not parse.
    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A `--resources` file that is not UTF-8.
    #[error("{0}: not UTF-8 text")]
    NotUtf8(String),
}

/// Every object in one manifest text (a file read elsewhere, e.g. from an archive).
pub fn from_text(label: &str, text: &str) -> Result<Vec<Resource>, Error> {
    parse(label, 0, text)
}

fn parse(label: &str, index: usize, text: &str) -> Result<Vec<Resource>, Error> {
    resources_of(index, text).map_err(|e| {
        ResourceError::Syntax {
            path: label.to_string(),
            line: e.pos.line,
            column: e.pos.column,
            message: sanitize(&e.message).into_owned(),
        }
        .into()
    })
}

/// Every object in the files under `paths` (directories searched recursively).
pub fn from_paths(paths: &[PathBuf]) -> Result<Vec<Resource>, Error> {
    let mut all = Vec::new();
    for path in paths {
        for (index, file) in source::manifest_files(path)?.into_iter().enumerate() {
            let (label, bytes) = source::read_input(&file)?;
            let text =
                String::from_utf8(bytes).map_err(|_| ResourceError::NotUtf8(label.clone()))?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            all.extend(parse(&label, index, text)?);
        }
    }
    Ok(all)
}

/// Every object in the API's list answers.
pub fn from_cluster_lists(lists: &[String]) -> Result<Vec<Resource>, Error> {
    let mut all = Vec::new();
    for (index, text) in lists.iter().enumerate() {
        all.extend(parse("cluster", index, text)?);
    }
    Ok(all)
}
