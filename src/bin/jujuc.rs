//! `jujuc`: the hook tools (is-leader, leader-get, leader-set, juju-log) in one binary that
//! dispatches on the name it is called by. All the logic lives in `leaderd::tools`.
//!
//! Every hook tool call pays this binary's start-up, so it skips std's runtime set-up
//! (`#![no_main]`): that set-up reads `/proc/self/maps` to place a stack guard for the main
//! thread, which cost about 0.2 ms of a 1.5 ms call (README, "Benchmark"). glibc still hands
//! std the arguments, so `std::env::args_os` works as usual. (The test harness brings its own
//! `main`, hence the `cfg`s.)

#![cfg_attr(not(test), no_main)]

#[cfg(not(test))]
mod entry {
    use std::ffi::{c_char, c_int};
    use std::io::Write;

    use leaderd::client::{in_hook_context, AgentClient};
    use leaderd::tools::{complete_keys, main_with, HookContext};

    #[no_mangle]
    pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
        // Juju's client exits 3 when it panics (the release profile would otherwise abort).
        std::panic::set_hook(Box::new(|info| {
            let _ = writeln!(std::io::stderr(), "panic: {info}");
            std::process::exit(3);
        }));
        let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let connect = || AgentClient::from_env().map(|c| Box::new(c) as Box<dyn HookContext>);
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
}
