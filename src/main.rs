fn main() -> std::process::ExitCode {
    tfblint::cli::main()
}
