//! Fuzz target 3: the lint manifest loader, every rule and the reports.
//! See fuzz/README.md; the driver is in src/lib.rs.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    meshscope_fuzz::lint(data);
});
