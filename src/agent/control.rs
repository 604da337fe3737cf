//! The agent's control socket (`run.socket`, beside the hook socket): what operators use.
//!
//! - `POST /v1/exec/open` opens a fresh hook context and answers the environment and working
//!   directory a command needs to run in it; `leaderd exec` then runs the command itself, with
//!   its own stdin, stdout and stderr (so an interactive shell works), and
//! - `POST /v1/exec/close` ends that context.
//! - `GET /v1/status` reports the unit's agent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::hook_endpoint::HookEndpoint;
use super::runner::{HookEnv, RunnerStatus};
use super::tracker::{LeaderStatus, Tracker};
use super::AgentLeadership;
use crate::server::{self, Body, HttpError};

/// The answer to `exec/open`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecContext {
    pub context_id: String,
    pub env: HashMap<String, String>,
    pub cwd: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    pub context_id: String,
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
    pub failing_hook: Option<super::runner::FailingHook>,
}

pub struct Control {
    pub env: Arc<HookEnv>,
    pub endpoint: Arc<HookEndpoint<AgentLeadership>>,
    pub tracker: Arc<Tracker>,
    pub status: Arc<Mutex<RunnerStatus>>,
}

pub fn router(control: Arc<Control>) -> Router {
    Router::new()
        .route("/v1/exec/open", post(open))
        .route("/v1/exec/close", post(close))
        .route("/v1/status", get(status))
        .with_state(control)
}

async fn open(State(c): State<Arc<Control>>) -> Json<ExecContext> {
    let context_id = c.endpoint.open_context("exec");
    let env = c.env.vars(&context_id, None);
    Json(ExecContext { context_id, env, cwd: c.env.charm_dir.display().to_string() })
}

async fn close(State(c): State<Arc<Control>>, body: Body) -> Result<Json<serde_json::Value>, HttpError> {
    let req: CloseRequest = server::decode(body, 1 << 16)?;
    c.endpoint.close_context(&req.context_id);
    Ok(Json(serde_json::json!({})))
}

async fn status(State(c): State<Arc<Control>>) -> Result<Json<AgentStatus>, HttpError> {
    let runner = c.status.lock().map_err(|_| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "poisoned"))?.clone();
    let state = match (&runner.running, &runner.failing) {
        (Some(hook), _) => format!("running {hook}"),
        (None, Some(f)) => format!("failing {}", f.hook),
        (None, None) => "idle".into(),
    };
    let leader = matches!(c.tracker.status(), LeaderStatus::Leader { .. }) && c.tracker.term().await.is_some();
    Ok(Json(AgentStatus {
        unit: c.env.unit.clone(),
        pid: std::process::id(),
        state,
        leader,
        failing_hook: runner.failing,
    }))
}
