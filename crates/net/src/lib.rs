//! The network edges the daemons share: the HTTP server with its limits and timeouts
//! ([`server`]), TLS certificates and trust ([`tls`]), the tokens units and operators present
//! ([`auth`]), and the client of the controller's API ([`controller_client`], which follows the
//! active controller among several, [`follow`]), and the agent's long-polls over it
//! ([`long_poll`]: their durations, back-off and loop).
//!
//! May use: `leaderd-core`, `leaderd-sys`, tokio, hyper/axum, rustls, reqwest. Not the
//! controller's rules or stores, nor the agent.

pub mod auth;
pub mod controller_client;
pub mod follow;
pub mod long_poll;
pub mod server;
pub mod tls;
