//! `jujuc`: the hook tools (is-leader, leader-get, leader-set, juju-log) in one binary that
//! dispatches on the name it is called by. All the logic lives in `leaderd::tools`.

use std::io::Write;

use leaderd::client::{in_hook_context, AgentClient};
use leaderd::tools::{main_with, HookContext};

fn main() {
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let finished = main_with(&argv, in_hook_context(), || {
        AgentClient::from_env().map(|c| Box::new(c) as Box<dyn HookContext>)
    });
    // Juju's client writes stdout in full, then stderr, then exits with the code.
    let _ = std::io::stdout().write_all(&finished.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(&finished.stderr);
    std::process::exit(finished.code);
}
