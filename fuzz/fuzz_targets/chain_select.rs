//! Fuzz target 4: filter-chain selection (a 64-byte connection header, then a listener as JSON).
//! See fuzz/README.md; the driver is in src/lib.rs.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    meshscope_fuzz::chain_select(data);
});
