//! The `meshscope` binary: everything lives in the library so tests can reach it.

fn main() {
    let code = meshscope::run(std::env::args_os());
    std::process::exit(code);
}
