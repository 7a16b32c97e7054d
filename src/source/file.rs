//! Reads a file path or `-` (stdin) into memory, once.
//!
//! This is meshscope's one module allowed `unsafe` (issue #8): a big regular dump file is
//! memory-mapped instead of copied into the heap. On the build VMs the copy (and the
//! zeroing and faulting-in of the heap pages it lands in) cost much on top of the parse
//! itself (BENCHMARKS.md, `floor (read)` against `floor (mmap)`); a read
//! into a buffer advised for huge pages (`floor (huge read)`) still paid the copy. ripgrep
//! makes the same choice for single big files (`crates/searcher/src/searcher/mmap.rs`).
//! Everything else (stdin, small files, anything that cannot be mapped) is read.

use std::fs::File;
use std::io::{self, Read};
use std::ops::Deref;
use std::path::Path;

use super::Error;

/// Files at least this big are mapped; below it a read is as fast and needs no mapping.
const MAP_AT_LEAST: u64 = 1 << 20;

/// The bytes of one input: read into the heap, or mapped from the file.
#[derive(Debug)]
pub enum InputBytes {
    Heap(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Deref for InputBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            InputBytes::Heap(v) => v,
            InputBytes::Mapped(m) => m,
        }
    }
}

impl From<Vec<u8>> for InputBytes {
    fn from(v: Vec<u8>) -> Self {
        InputBytes::Heap(v)
    }
}

/// Reads the whole input into the heap. `-` is stdin. The label is what error lines show.
pub fn read_input(path: &Path) -> Result<(String, Vec<u8>), Error> {
    let label = path.display().to_string();
    if label == "-" {
        return read_stdin(label);
    }
    check_path(path, &label)?;
    std::fs::read(path)
        .map(|bytes| (label.clone(), bytes))
        .map_err(|source| open_error(label, source))
}

/// Reads a config dump: like [`read_input`], but a big regular file is memory-mapped.
pub fn read_dump(path: &Path) -> Result<(String, InputBytes), Error> {
    let label = path.display().to_string();
    if label == "-" {
        return read_stdin(label).map(|(l, b)| (l, b.into()));
    }
    check_path(path, &label)?;
    let mut file = File::open(path).map_err(|source| open_error(label.clone(), source))?;
    let meta = file
        .metadata()
        .map_err(|source| open_error(label.clone(), source))?;
    if meta.is_file()
        && meta.len() >= MAP_AT_LEAST
        && let Some(map) = map(&file)
    {
        return Ok((label, InputBytes::Mapped(map)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)
        .map_err(|source| open_error(label.clone(), source))?;
    Ok((label, bytes.into()))
}

/// Maps `file` read-only, or `None` when the system will not (the caller reads instead).
#[allow(unsafe_code)]
fn map(file: &File) -> Option<memmap2::Mmap> {
    // SAFETY: `Mmap::map` is unsafe because Rust assumes the mapped bytes never change,
    // while another process may write the file as long as it is mapped, and reading past a
    // truncation raises SIGBUS. meshscope maps only regular files (never stdin, pipes or
    // devices) that the user named to inspect, and never writes them. A dump rewritten
    // while it is being read is as broken read as mapped; like ripgrep, we accept that
    // risk for the speed, and small files, where mapping gains nothing, are read.
    let map = unsafe { memmap2::Mmap::map(file) }.ok()?;
    // One pass from the start: ask for read-ahead when the file is not cached yet.
    let _ = map.advise(memmap2::Advice::Sequential);
    Some(map)
}

fn read_stdin(label: String) -> Result<(String, Vec<u8>), Error> {
    let mut buf = Vec::new();
    io::stdin()
        .lock()
        .read_to_end(&mut buf)
        .map_err(|source| Error::Io {
            path: label.clone(),
            source,
        })?;
    Ok((label, buf))
}

fn check_path(path: &Path, label: &str) -> Result<(), Error> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(Error::IsDirectory {
            path: label.to_string(),
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(Error::NotFound {
            path: label.to_string(),
        }),
        _ => Ok(()),
    }
}

fn open_error(label: String, source: io::Error) -> Error {
    match source.kind() {
        io::ErrorKind::NotFound => Error::NotFound { path: label },
        io::ErrorKind::IsADirectory => Error::IsDirectory { path: label },
        _ => Error::Io {
            path: label,
            source,
        },
    }
}
