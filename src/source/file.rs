//! Reads a file path or `-` (stdin) into memory, once.

use std::io::{self, Read};
use std::path::Path;

use super::Error;

/// Reads the whole input. `-` is stdin. The label is what error lines show.
pub fn read_input(path: &Path) -> Result<(String, Vec<u8>), Error> {
    let label = path.display().to_string();
    if label == "-" {
        let mut buf = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|source| Error::Io {
                path: label.clone(),
                source,
            })?;
        return Ok((label, buf));
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => return Err(Error::IsDirectory(label)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Error::NotFound(label)),
        _ => {}
    }
    std::fs::read(path)
        .map(|bytes| (label.clone(), bytes))
        .map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => Error::NotFound(label),
            io::ErrorKind::IsADirectory => Error::IsDirectory(label),
            _ => Error::Io {
                path: label,
                source,
            },
        })
}
