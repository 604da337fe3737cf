//! `leaderd`: see `leaderd::cli`.

fn main() -> std::process::ExitCode {
    leaderd::cli::main()
}
