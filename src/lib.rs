//! Juju-style application leadership for charm hooks.
//!
//! The layers, top to bottom (README, "Layout"):
//! - [`tools`]: the hook tools jujuc runs (argument parsing, Juju's errors and help), one
//!   registry; [`client`]: jujuc's side of the hook endpoint; [`format`]: Juju's output
//!   formatters; [`gocompat`]: Go's quoting and parsing where charm code sees it;
//! - [`wire`]: every type that crosses a socket; [`model`]: the domain types both ends share;
//! - [`agent`]: the unit agent (hook endpoint, tracker, lifecycle, runner, control socket);
//! - [`controller`]: leases, fencing terms, durable settings, watches, over a [`store`];
//! - [`local`]: `leaderd up`, `exec`, `status`, `debug-log` and `timeline`; [`events`]: the event
//!   log they share; [`cli`]: the `leaderd` command line.

pub mod agent;
pub mod charm_config;
pub mod cli;
pub mod client;
pub mod controller;
pub mod duration;
pub mod events;
pub mod format;
pub mod generate;
pub mod gocompat;
pub mod local;
pub mod lockfile;
pub mod model;
pub mod names;
pub mod private;
pub mod process;
pub mod relations;
pub mod server;
pub mod shutdown;
pub mod store;
pub mod tls;
pub mod tools;
pub mod unix_http;
pub mod wire;

/// An error and every error under it, joined with ": " (what a log line or a user needs to
/// see; `Display` of many library errors shows only the outermost).
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(e) = next {
        let part = e.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        next = e.source();
    }
    text
}
