//! `leaderd`: see `leaderd::cli`.

fn main() -> std::process::ExitCode {
    // Everything leaderd writes is private, whatever the user's umask; hooks and exec commands
    // get the user's umask back (see `crate::private`).
    leaderd_sys::private::set_private_umask();
    // Under the name `juju` (a symlink), leaderd is `juju`.
    if std::env::args_os().next().is_some_and(|argv0| leaderd::juju::called_as_juju(&argv0)) {
        return leaderd::juju::main();
    }
    leaderd::cli::main()
}
