//! The parser floor from a memory map: validate a file as JSON into `IgnoredAny` without
//! copying it into the heap first. Compared with `floor` (read into a buffer).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: floor_mmap FILE")?;
    let file = std::fs::File::open(path)?;
    // SAFETY: the benchmark owns the file and nothing truncates it while it is mapped.
    let map = unsafe { memmap2::Mmap::map(&file)? };
    let _: serde::de::IgnoredAny = serde_json::from_slice(&map)?;
    Ok(())
}
