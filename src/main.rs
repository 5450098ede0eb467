// Parsing allocates many small nodes: mimalloc is markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use tfblint::cli::Outcome;

fn main() -> std::process::ExitCode {
    // The command line and the language server are sibling front ends: neither calls the
    // other, so the binary dispatches between them.
    match tfblint::cli::main() {
        Outcome::Exit(code) => code,
        Outcome::Serve { log_file } => tfblint::server::run(tfblint::server::Options { log_file }),
    }
}
