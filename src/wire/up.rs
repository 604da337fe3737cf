//! The wire types of `leaderd up`'s control socket (`<state>/up.socket`), shared by the running
//! `up` (server, `local::control`) and the lever commands (`leaderd kill`, `pause`, `resume`,
//! `restart`, `add-unit`, `remove-unit`; client, `local::levers`). `up` owns the child
//! processes, so every lever that touches one goes through it.

use serde::{Deserialize, Serialize};

/// `POST`: pull a lever on one unit or on the controller.
pub const LEVER_PATH: &str = "/v1/lever";
/// `POST`: start new units.
pub const ADD_UNIT_PATH: &str = "/v1/add-unit";
/// `POST`: remove one unit (stop and remove hooks, then its agent stops).
pub const REMOVE_UNIT_PATH: &str = "/v1/remove-unit";

/// The largest request body the socket takes.
pub const MAX_BODY_BYTES: usize = 1 << 12;

/// What a lever does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lever {
    /// SIGKILL.
    Kill,
    /// SIGSTOP of the process and everything it started.
    Pause,
    /// SIGCONT of the same.
    Resume,
    /// A new process with the same command line and token (a running one is killed first).
    Restart,
}

impl Lever {
    pub fn name(self) -> &'static str {
        match self {
            Lever::Kill => "kill",
            Lever::Pause => "pause",
            Lever::Resume => "resume",
            Lever::Restart => "restart",
        }
    }
}

/// What a lever acts on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Unit(String),
    Controller,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeverRequest {
    pub lever: Lever,
    pub target: Target,
}

/// Every answer of the socket: what `up` did, in one line for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Done {
    pub message: String,
    /// The units concerned (add-unit: the new ones).
    #[serde(default)]
    pub units: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddUnitRequest {
    pub count: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveUnitRequest {
    pub unit: String,
}
