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

/// Pages are released in whole blocks of this size (a multiple of every page size in use:
/// 4 KiB, 16 KiB, 64 KiB), so no page a neighbouring part still reads is touched.
const RELEASE_BLOCK: usize = 64 << 10;

impl InputBytes {
    /// Hands the pages wholly inside `part` (a part of these bytes the caller is done
    /// with) back to the system; a no-op for bytes read into the heap.
    pub fn release(&self, part: &[u8]) {
        if let InputBytes::Mapped(map) = self {
            release_pages(map, part);
        }
    }
}

#[allow(unsafe_code)]
fn release_pages(map: &memmap2::Mmap, part: &[u8]) {
    let base = map.as_ptr() as usize;
    let Some(start) = (part.as_ptr() as usize).checked_sub(base) else {
        return;
    };
    let end = start + part.len();
    if end > map.len() {
        return;
    }
    let from = start.next_multiple_of(RELEASE_BLOCK);
    let to = end / RELEASE_BLOCK * RELEASE_BLOCK;
    if to <= from {
        return;
    }
    // SAFETY: the mapping is read-only and private and is never written, so MADV_DONTNEED
    // only drops the pages from this process: a later read of them faults them in again
    // from the file, with the same bytes (the assumption `map` already makes: the file
    // does not change while mapped). No `&mut` to the mapping exists. A failure (another
    // system's page size, say) leaves the pages where they were, which is only slower.
    let _ =
        unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, from, to - from) };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Released pages of a mapped file read back the same bytes (MADV_DONTNEED on a private
    /// read-only file mapping drops them from the process; a read faults them in again).
    #[test]
    fn released_pages_read_back_the_same() {
        let path = std::env::temp_dir().join(format!("meshscope-release-{}", std::process::id()));
        let bytes: Vec<u8> = (0..3 * MAP_AT_LEAST as usize)
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &bytes).unwrap();
        let (_, input) = read_dump(&path).unwrap();
        assert!(matches!(input, InputBytes::Mapped(_)));
        input.release(&input[1000..2 * MAP_AT_LEAST as usize + 77]);
        input.release(&input[..]);
        assert_eq!(&input[..], &bytes[..]);
        // Bytes that are not part of the mapping are left alone.
        input.release(&bytes[..]);
        assert_eq!(&input[..], &bytes[..]);
        let _ = std::fs::remove_file(path);
    }
}
