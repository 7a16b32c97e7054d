//! Fuzz target 6: the `-o jsonpath=` template parser and evaluator (template, then optionally NUL and a JSON document).
//! See fuzz/README.md; the driver is in src/lib.rs.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    meshscope_fuzz::jsonpath(data);
});
