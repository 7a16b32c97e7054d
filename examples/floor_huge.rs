//! The parser floor from an anonymous buffer advised for transparent huge pages: read the
//! file into it, then validate it as JSON into `IgnoredAny`. Compared with `floor` (read into
//! a heap buffer) and `floor_mmap` (memory map of the file); meshscope reads this way.

use std::io::Read;

use memmap2::{Advice, MmapMut};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: floor_huge FILE")?;
    let mut file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len())?;
    let mut buf = MmapMut::map_anon(len.max(1))?;
    // Best effort: without THP the read still works, on 4 KiB pages.
    let _ = buf.advise(Advice::HugePage);
    file.read_exact(&mut buf[..len])?;
    let _: serde::de::IgnoredAny = serde_json::from_slice(&buf[..len])?;
    Ok(())
}
