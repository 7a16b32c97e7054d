//! `kubectl-meshscope`: the same tool as `meshscope`, under the name kubectl looks for on
//! the PATH, so that `kubectl meshscope …` runs it (kubectl's plugin mechanism).

// The same allocator as the `meshscope` binary (see src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = meshscope::run(std::env::args_os());
    std::process::exit(code);
}
