//! The control socket's wire types (`run.socket`, beside the hook socket), shared by the unit
//! agent (server) and `leaderd exec` / `leaderd status` (clients).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::hook::WorkloadStatus;

/// `POST` paths and the status path.
pub const EXEC_OPEN_PATH: &str = "/v1/exec/open";
pub const EXEC_CLOSE_PATH: &str = "/v1/exec/close";
pub const STATUS_PATH: &str = "/v1/status";
pub const RESOLVE_PATH: &str = "/v1/resolve";
/// `POST`: the unit is being removed (`leaderd remove-unit`): run its stop and remove hooks,
/// resign its leadership, and exit. Answers at once; the agent exits when it is done.
pub const REMOVE_PATH: &str = "/v1/remove";

/// The largest request body the control socket takes.
pub const MAX_BODY_BYTES: usize = 1 << 16;

/// The answer to `exec/open`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecContext {
    pub context_id: String,
    pub env: HashMap<String, String>,
    pub cwd: String,
}

/// `exec/open`. The context belongs to the calling process and ends when it does; `pid`, if
/// given, must be that process's (a check that the caller knows who it is).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    pub context_id: String,
    /// How the command ended: with 0, the relation-set changes it made are committed (as a
    /// hook's are when it succeeds); otherwise, or without it, they are dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
}

/// `GET /v1/status`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AgentStatus {
    pub unit: String,
    pub pid: u32,
    /// `idle`, `running <hook>`, or `failing <hook>`.
    pub state: String,
    /// This agent's own view: true while it holds the lease with the guarantee left.
    pub leader: bool,
    pub failing_hook: Option<FailingHook>,
    /// The unit's workload status, as its charm last set it (`unknown` until it does).
    #[serde(default = "WorkloadStatus::unknown")]
    pub workload: WorkloadStatus,
    /// The application status this unit set while leader, if it has set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_status: Option<WorkloadStatus>,
    /// The workload version (application-version-set); empty until set.
    #[serde(default)]
    pub workload_version: String,
}

/// The hook that last failed and is waiting to be retried.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailingHook {
    pub hook: String,
    /// The hook's exit code; null when it could not be started at all (see `error`).
    pub exit_code: Option<i32>,
    pub attempts: u32,
    /// Why the hook could not be started (`not executable: chmod +x <path>`), if it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `POST /v1/resolve`: resolve the unit's failed hook: run it again now, or with `no_retry`
/// take it as done without running it again.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    #[serde(default)]
    pub no_retry: bool,
}

/// One action-log message and when it came (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionLogLine {
    pub timestamp_ms: u64,
    pub message: String,
}

/// How an action ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionResult {
    pub id: String,
    pub unit: String,
    /// `completed` or `failed`.
    pub status: String,
    #[serde(default)]
    pub message: String,
    /// What action-set set, nested by key path.
    #[serde(default)]
    pub results: serde_json::Map<String, serde_json::Value>,
    pub return_code: i32,
    #[serde(default)]
    pub stdout: String,
    #[serde(default)]
    pub stderr: String,
    #[serde(default)]
    pub log: Vec<ActionLogLine>,
    /// When the agent received it, started it and saw it end (Unix milliseconds).
    pub enqueued_ms: u64,
    pub started_ms: u64,
    pub completed_ms: u64,
}
