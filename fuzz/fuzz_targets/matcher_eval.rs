//! Fuzz target 5: matcher-tree evaluation (a 64-byte connection header, then a matcher as JSON).
//! See fuzz/README.md; the driver is in src/lib.rs.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    meshscope_fuzz::matcher_eval(data);
});
