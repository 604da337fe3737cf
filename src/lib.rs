//! Juju-style application leadership for charm hooks.
//!
//! The layers follow DESIGN.md's picture, top to bottom:
//! - [`tools`]: the hook tools jujuc runs (argument parsing, Juju's errors and help);
//! - [`format`]: Juju's `smart`/`json`/`yaml` output formatters;
//! - [`client`]: jujuc's side of the hook endpoint (environment checks, one HTTP call per tool);
//! - [`wire`]: the hook endpoint's request and response types, shared by both ends;
//! - [`agent`]: the unit agent; for now its hook endpoint (hook contexts and their sandbox).
//! - [`server`] and [`tls`]: the one serving loop of every server (timeouts, connection cap,
//!   body limit) and the certificates and TLS configurations between agents and the controller.

pub mod agent;
pub mod cli;
pub mod client;
pub mod controller;
pub mod duration;
pub mod format;
pub mod generate;
pub mod local;
pub mod lockfile;
pub mod names;
pub mod private;
pub mod process;
pub mod server;
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
