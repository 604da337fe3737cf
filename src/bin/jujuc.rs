//! `jujuc`: the hook tools in one binary that dispatches on the name it is called by. All the
//! logic lives in the `jujuc` crate (`crates/jujuc`); this file is only the entry point.
//!
//! Every hook tool call pays this binary's start-up, so it skips std's runtime set-up
//! (`#![no_main]`): that set-up reads `/proc/self/maps` to place a stack guard for the main
//! thread, which cost about 0.2 ms of a 1.5 ms call (docs/benchmarks.md). glibc still hands std
//! the arguments, so `std::env::args_os` works as usual. (The test harness brings its own
//! `main`, hence the `cfg`s.)

#![cfg_attr(not(test), no_main)]

#[cfg(not(test))]
#[no_mangle]
pub extern "C" fn main(_argc: std::ffi::c_int, _argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    jujuc::run()
}
