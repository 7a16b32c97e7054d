//! Fuzz target 2: the config-dump loader on any input through `to_json_text` (YAML transcoded).
//! See fuzz/README.md; the driver is in src/lib.rs.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    meshscope_fuzz::dump(data, true);
});
