//! Reading a bug report's files, whether packed (a gzip-compressed tar, streamed) or
//! unpacked (a folder): one regular file at a time, its bytes read only when asked for.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::source::Error;

/// The gzip magic number (RFC 1952 §2.3.1).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// How the bug report is stored.
#[derive(Debug, Clone)]
pub(super) enum Layout {
    Folder(PathBuf),
    Tarball(PathBuf),
}

impl Layout {
    fn path(&self) -> &Path {
        match self {
            Layout::Folder(p) | Layout::Tarball(p) => p,
        }
    }

    pub(super) fn label(&self) -> String {
        self.path().display().to_string()
    }

    /// `ARCHIVE/ENTRY`: the path of the file once unpacked, which is what a user can open.
    pub(super) fn entry_label(&self, entry: &str) -> String {
        format!("{}/{entry}", self.label().trim_end_matches('/'))
    }
}

/// One regular file of the bug report; its bytes are read only when asked for.
pub(super) struct Entry<'a> {
    /// `/`-separated path inside the archive or folder, without `./` steps.
    pub(super) name: String,
    body: Body<'a>,
}

/// Where an entry's bytes are.
enum Body<'a> {
    File(PathBuf),
    Tar(&'a mut dyn Read),
}

impl Entry<'_> {
    /// Runs `read` on the entry's bytes; I/O failures name the archive (a broken tarball)
    /// or the file (a folder).
    pub(super) fn read<T>(
        &mut self,
        layout: &Layout,
        read: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> Result<T, Error> {
        match &mut self.body {
            Body::File(path) => {
                File::open(&*path)
                    .and_then(|mut f| read(&mut f))
                    .map_err(|source| Error::Io {
                        path: path.display().to_string(),
                        source,
                    })
            }
            Body::Tar(r) => read(&mut **r).map_err(|e| corrupt(layout, e)),
        }
    }

    pub(super) fn bytes(&mut self, layout: &Layout) -> Result<Vec<u8>, Error> {
        self.read(layout, |r| {
            let mut buf = Vec::new();
            r.read_to_end(&mut buf).map(|_| buf)
        })
    }
}

fn corrupt(layout: &Layout, source: io::Error) -> Error {
    Error::CorruptArchive {
        path: layout.label(),
        source,
    }
}

/// Calls `visit` on every regular file, in archive order (a folder: sorted by name), until
/// it returns `false`.
pub(super) fn walk(
    layout: &Layout,
    visit: &mut dyn FnMut(Entry<'_>) -> Result<bool, Error>,
) -> Result<(), Error> {
    match layout {
        Layout::Folder(root) => walk_folder(root, visit),
        Layout::Tarball(path) => walk_tarball(layout, path, visit),
    }
}

fn walk_folder(
    root: &Path,
    visit: &mut dyn FnMut(Entry<'_>) -> Result<bool, Error>,
) -> Result<(), Error> {
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Io {
            path: e
                .path()
                .map_or_else(|| root.display().to_string(), |p| p.display().to_string()),
            source: e
                .into_io_error()
                .unwrap_or_else(|| io::Error::other("filesystem loop")),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let body = Body::File(entry.into_path());
        if !visit(Entry { name, body })? {
            break;
        }
    }
    Ok(())
}

fn walk_tarball(
    layout: &Layout,
    path: &Path,
    visit: &mut dyn FnMut(Entry<'_>) -> Result<bool, Error>,
) -> Result<(), Error> {
    let label = layout.label();
    let io_error = |source| Error::Io {
        path: label.clone(),
        source,
    };
    let mut reader = BufReader::new(File::open(path).map_err(io_error)?);
    if !reader
        .fill_buf()
        .map_err(io_error)?
        .starts_with(&GZIP_MAGIC)
    {
        return Err(Error::NotArchive { path: label });
    }
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(reader));
    for entry in archive.entries().map_err(|e| corrupt(layout, e))? {
        let mut entry = entry.map_err(|e| corrupt(layout, e))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map_err(|e| corrupt(layout, e))?
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let body = Body::Tar(&mut entry);
        if !visit(Entry { name, body })? {
            return Ok(());
        }
    }
    // The tar reader stops at the end-of-archive blocks; reading on to the end of the gzip
    // stream checks its CRC, so a damaged archive fails here, in the first pass.
    io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(|e| corrupt(layout, e))?;
    Ok(())
}
