//! The shared language of leaderd: what every other crate speaks, with no I/O beyond a blocking
//! HTTP request over a unix socket.
//!
//! - [`names`] and [`model`]: applications, units, terms, settings;
//! - [`wire`]: every type that crosses a socket, each defined once and used by both ends;
//! - [`format`] and [`gocompat`]: Juju's output formats and Go's quoting and parsing, where charm
//!   code sees them;
//! - [`charm_config`] and [`relations`]: a charm's `config.yaml` and `metadata.yaml`;
//! - [`charm`]: which charm revision a charm directory holds;
//! - [`secrets`]: secret URIs and ids, rotate policies; [`actions`]: a charm's `actions.yaml`;
//! - [`duration`]: durations written as Go writes them; [`unix_http`]: the blocking client of
//!   the agent's unix sockets (jujuc, `leaderd exec`).
//!
//! May use: std, serde and its formats, thiserror, libc. Nothing async, no server, no database:
//! `jujuc` links this crate and must start fast.

pub mod actions;
pub mod base64;
pub mod charm;
pub mod charm_config;
pub mod charm_state;
pub mod duration;
pub mod format;
pub mod gocompat;
pub mod model;
pub mod model_config;
pub mod names;
pub mod payloads;
pub mod ports;
pub mod relations;
pub mod secrets;
pub mod storage;
pub mod unix_http;
pub mod wire;

/// The Juju version leaderd speaks for: hooks see it as `JUJU_VERSION` (ops reads it to know
/// what the hook tools offer) and `juju version` prints it.
pub const JUJU_VERSION: &str = "3.6.0";

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
