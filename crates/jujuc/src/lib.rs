//! `jujuc`: the hook tools in one multicall binary. [`tools`] holds the registry (one module per
//! tool), Juju-style argument parsing, errors and help; [`hook_client`] is jujuc's side of the
//! agent's hook endpoint (HTTP over the unit's unix socket).
//!
//! Every hook tool call pays this crate's start-up, so it stays small: it may use
//! `leaderd-core`, clap and serde, and **no** tokio, hyper, axum, rustls, reqwest or rusqlite
//! (checked by `cargo tree -p jujuc -e normal`).

pub(crate) mod hook_client;
pub mod tools;

use std::io::Write;

use hook_client::{in_hook_context, AgentClient};
use tools::{complete_keys, main_with, ToolContext};

/// Runs the tool named by `argv[0]` with the process's arguments and environment, writes its
/// output as Juju's client does (stdout in full, then stderr) and answers the exit code.
pub fn run() -> i32 {
    // Juju's client exits 3 when it panics (the release profile would otherwise abort).
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(std::io::stderr(), "panic: {info}");
        std::process::exit(3);
    }));
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let connect = || AgentClient::from_env().map(|c| Box::new(c) as Box<dyn ToolContext>);
    let finished = match std::env::var_os("JUJUC_COMPLETE") {
        // Shell completion asking for keys (completions/ scripts set this).
        Some(mode) if mode == "keys" => {
            let name = argv.first().and_then(|a| std::path::Path::new(a).file_name()).unwrap_or_default();
            complete_keys(&name.to_string_lossy(), in_hook_context(), connect)
        }
        _ => main_with(&argv, in_hook_context(), connect),
    };
    // Juju's client writes stdout in full, then stderr, then exits with the code.
    let _ = std::io::stdout().write_all(&finished.stdout);
    let _ = std::io::stdout().flush();
    let mut stderr = finished.stderr;
    if finished.client_side_error && colour_allowed() {
        // juju/ansiterm colours only the word ERROR, and only on a terminal.
        if let Some(rest) = stderr.strip_prefix(b"ERROR") {
            stderr = [b"\x1b[91mERROR\x1b[0m".as_slice(), rest].concat();
        }
    }
    let _ = std::io::stderr().write_all(&stderr);
    finished.code
}

fn colour_allowed() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        && std::env::var_os("NO_COLOR").is_none()
}
