//! Expands lint inputs: a directory becomes its manifest files (recursively, sorted).

use std::path::{Path, PathBuf};

use super::Error;

/// Manifest file extensions read from directories.
const EXTENSIONS: [&str; 3] = ["yaml", "yml", "json"];

/// The files under `path`: itself when it is a file or `-`, else its manifests, sorted.
pub fn manifest_files(path: &Path) -> Result<Vec<PathBuf>, Error> {
    if path.as_os_str() == "-" || !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Io {
            path: e
                .path()
                .map_or_else(|| path.display().to_string(), |p| p.display().to_string()),
            source: e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("filesystem loop")),
        })?;
        let is_manifest = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e));
        if entry.file_type().is_file() && is_manifest {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}
