//! Wire types, each defined once and used by both ends: [`hook`] for jujuc ↔ unit agent,
//! [`controller`] for unit agent (and operator) ↔ controller.

pub mod controller;
pub mod hook;

use serde::{Deserialize, Serialize};

/// Every non-200 answer, from either server, carries this body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: String,
}
