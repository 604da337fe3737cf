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
    use leaderd::tools::{main_with, HookContext};

    #[no_mangle]
    pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
        let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
        let finished = main_with(&argv, in_hook_context(), || {
            AgentClient::from_env().map(|c| Box::new(c) as Box<dyn HookContext>)
        });
        // Juju's client writes stdout in full, then stderr, then exits with the code.
        let _ = std::io::stdout().write_all(&finished.stdout);
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().write_all(&finished.stderr);
        finished.code
    }
}
