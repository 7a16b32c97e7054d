//! The `meshscope` binary: everything lives in the library so tests can reach it.

// Loading a big dump makes millions of small allocations on two threads at once, where
// glibc's allocator spent a fifth of `wasm count`'s time (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = meshscope::run(std::env::args_os());
    std::process::exit(code);
}
