//! `leaderd`: the command line and the local layer on top of the crates below it.
//!
//! The layers, bottom to top (arrows point down only; see `docs/architecture.md`):
//! - `leaderd-core`: names, model, wire types, formats, Go compatibility, charm metadata;
//! - `jujuc`: the hook tools (`crates/jujuc`);
//! - `leaderd-sys`: private files, processes, locks, shutdown, the event log;
//! - `leaderd-net`: the HTTP server, TLS, tokens, the controller client;
//! - `leaderd-controller`: leases, terms, durable state, watches, over a store;
//! - `leaderd-agent`: the unit agent;
//! - this crate: [`local`] (`leaderd up`, the levers, `exec`, `status`, `debug-log`,
//!   `timeline`), [`generate`] (completions and man pages), [`cli`] (the `leaderd` command) and
//!   [`juju`] (the `juju` command).

pub mod cli;
pub mod generate;
pub mod juju;
pub mod local;
