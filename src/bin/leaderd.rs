//! `leaderd`: see `leaderd::cli`.

fn main() -> std::process::ExitCode {
    // Everything leaderd writes is private, whatever the user's umask; hooks and exec commands
    // get the user's umask back (see `crate::private`).
    leaderd_sys::private::set_private_umask();
    leaderd::cli::main()
}
