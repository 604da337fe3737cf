//! `juju`: the `leaderd` beside it, called by the name `juju` (see `leaderd::juju`). A small
//! binary of its own so that `cargo build` and `cargo install` put `juju` on the PATH without
//! linking (and optimising) leaderd a second time.

use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let leaderd = match std::env::current_exe() {
        Ok(exe) => exe.with_file_name("leaderd"),
        Err(e) => {
            eprintln!("ERROR cannot find leaderd beside juju: {e}");
            return ExitCode::FAILURE;
        }
    };
    let e = Command::new(&leaderd).arg0("juju").args(std::env::args_os().skip(1)).exec();
    eprintln!("ERROR cannot run {}: {e}", leaderd.display());
    ExitCode::FAILURE
}
