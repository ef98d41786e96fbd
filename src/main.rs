//! `portal`: the one binary of Portal CMS (the application is the `portal` library).

fn main() -> std::process::ExitCode {
    portal::cli::main()
}
