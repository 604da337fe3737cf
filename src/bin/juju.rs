//! `juju`: see `leaderd::juju`.

fn main() -> std::process::ExitCode {
    leaderd_sys::private::set_private_umask();
    leaderd::juju::main()
}
