//! The parser floor for benchmarks: read a file once and validate it as JSON into
//! `IgnoredAny`, building nothing. meshscope's loader is measured against this.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: floor FILE")?;
    let bytes = std::fs::read(path)?;
    let _: serde::de::IgnoredAny = serde_json::from_slice(&bytes)?;
    Ok(())
}
