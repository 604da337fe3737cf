//! The agent's control socket (`run.socket`, beside the hook socket): what operators use.
//!
//! - `POST /v1/exec/open` opens a fresh hook context and answers the environment and working
//!   directory a command needs to run in it; `leaderd exec` then runs the command itself, with
//!   its own stdin, stdout and stderr (so an interactive shell works). The context belongs to
//!   the process that opened it, as the kernel names it (`SO_PEERCRED`), and ends when that
//!   process does: a client cannot hand it to a process that never exits (pid 1, say) and hold
//!   the unit's hooks back for ever;
//! - `POST /v1/exec/close` ends that context.
//! - `GET /v1/status` reports the unit's agent.
//! - `POST /v1/resolve` resolves a failed hook (`leaderd resolve`): retry it now, or take it as
//!   done without running it again.
//! - `POST /v1/remove` starts the unit's removal (`leaderd remove-unit`, through `up`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, State};
use axum::http::Extensions;
use axum::routing::{get, post};
use axum::{Json, Router};

use super::hook_endpoint::HookEndpoint;
use super::runner::{HookEnv, RunnerStatus};
use super::tracker::{LeaderStatus, Tracker};
use super::AgentBackend;
use leaderd_core::wire::run::{self as wire, AgentStatus, CloseRequest, ExecContext, OpenRequest, MAX_BODY_BYTES};
use leaderd_core::wire::ErrorCode;
use leaderd_net::server::{self, Body, HttpError, Peer};

pub(crate) struct Control {
    pub env: Arc<HookEnv>,
    pub endpoint: Arc<HookEndpoint<AgentBackend>>,
    pub tracker: Arc<Tracker>,
    pub status: Arc<Mutex<RunnerStatus>>,
    /// The runner's lock: an exec command holds it from open to close, as a hook does.
    pub lock: Arc<tokio::sync::Mutex<()>>,
    /// The open exec contexts and the lock each holds.
    pub open: Mutex<HashMap<String, tokio::sync::OwnedMutexGuard<()>>>,
    /// Room for `exec/open` calls waiting for the lock: beyond [`MAX_WAITING_EXECS`] they are
    /// refused at once, so waiting calls can never fill the socket's connections (status and
    /// exec/close must stay reachable).
    pub waiting: tokio::sync::Semaphore,
    /// Resolves for the hook runner.
    pub resolves: tokio::sync::mpsc::Sender<super::runner::Resolve>,
    /// Set by `POST /v1/remove`: the runner runs the unit's stop and remove hooks, resigns and
    /// exits.
    pub dying: tokio::sync::watch::Sender<bool>,
    /// The controller, to take a dying unit out of its relations' scope.
    pub client: leaderd_net::controller_client::ControllerClient,
}

/// How many `exec/open` calls may wait for the hook lock at once.
pub(crate) const MAX_WAITING_EXECS: usize = 8;

impl Control {
    fn close(&self, context_id: &str) {
        self.endpoint.close_context(context_id);
        self.open.lock().unwrap().remove(context_id);
    }
}

/// The control socket's default limits: 64 connections (operators' `exec` and `status`),
/// bodies up to [`MAX_BODY_BYTES`].
pub fn default_limits() -> leaderd_net::server::Limits {
    leaderd_net::server::Limits::new(64, MAX_BODY_BYTES)
}

/// The routes. `exec/open` needs each request's peer credentials (`leaderd_net::server::serve` gives
/// them on a unix socket) and refuses calls without.
pub fn router(control: Arc<Control>) -> Router {
    Router::new()
        .route(wire::EXEC_OPEN_PATH, post(open))
        .route(wire::EXEC_CLOSE_PATH, post(close))
        .route(wire::STATUS_PATH, get(status))
        .route(wire::RESOLVE_PATH, post(resolve))
        .route(wire::REMOVE_PATH, post(remove))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(control)
}

/// Waits for any running hook, then opens a context for the calling process. The context ends
/// on `exec/close`, or when that process is gone (a killed `leaderd exec` cannot leave a usable
/// context behind, nor a pid reused since: the process's start time must match too).
async fn open(
    State(c): State<Arc<Control>>,
    extensions: Extensions,
    body: Body,
) -> Result<Json<ExecContext>, HttpError> {
    let req: OpenRequest = server::decode(body, MAX_BODY_BYTES)?;
    let peer = extensions.get::<ConnectInfo<Peer>>().and_then(|info| info.0.pid);
    let Some(pid) = peer else {
        return Err(HttpError::new(ErrorCode::Forbidden, "cannot tell which process is calling (no peer credentials)"));
    };
    if let Some(claimed) = req.pid.filter(|claimed| *claimed != pid) {
        return Err(HttpError::new(
            ErrorCode::Forbidden,
            format!(
                "pid {claimed} is not the calling process ({pid}): an exec context belongs to the process \
                 that opens it and ends when it exits"
            ),
        ));
    }
    let Some(started) = leaderd_sys::process::start_time(pid) else {
        return Err(HttpError::new(ErrorCode::Forbidden, format!("the calling process ({pid}) has exited")));
    };
    let Ok(waiter) = c.waiting.try_acquire() else {
        return Err(HttpError::new(
            ErrorCode::Unavailable,
            format!(
                "{MAX_WAITING_EXECS} exec commands are already waiting for this unit's hook lock (a hook or another \
                 exec holds it); try again later"
            ),
        ));
    };
    let guard = c.lock.clone().lock_owned().await;
    drop(waiter);
    let context_id = c.endpoint.open_context("exec");
    c.open.lock().unwrap().insert(context_id.clone(), guard);
    let watched = (c.clone(), context_id.clone());
    tokio::spawn(async move {
        let (c, id) = watched;
        while c.open.lock().unwrap().contains_key(&id) {
            if !leaderd_sys::process::alive(pid) || leaderd_sys::process::start_time(pid) != Some(started) {
                c.close(&id);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    });
    let env = c.env.vars(&context_id, None);
    Ok(Json(ExecContext { context_id, env, cwd: c.env.charm_dir.display().to_string() }))
}

async fn close(State(c): State<Arc<Control>>, body: Body) -> Result<Json<serde_json::Value>, HttpError> {
    let req: CloseRequest = server::decode(body, MAX_BODY_BYTES)?;
    if !c.open.lock().unwrap().contains_key(&req.context_id) {
        let message = format!("no exec context {:?} is open (it was closed, or its process exited)", req.context_id);
        return Err(HttpError::new(ErrorCode::UnknownContext, message));
    }
    // A command that succeeded commits its relation changes, as a hook does.
    let committed = match req.exit_code {
        Some(0) => c.endpoint.commit_context(&req.context_id, Vec::new()).await.map(|_| ()),
        _ => Ok(()),
    };
    c.close(&req.context_id);
    committed.map_err(|e| {
        let code = match e {
            super::RelationCommitError::NotLeader(_) => ErrorCode::NotLeader,
            super::RelationCommitError::Failed(_) => ErrorCode::Unavailable,
            super::RelationCommitError::Invalid(_) => ErrorCode::BadRequest,
        };
        HttpError::new(code, format!("committing relation and secret changes: {e}"))
    })?;
    Ok(Json(serde_json::json!({})))
}

async fn remove(State(c): State<Arc<Control>>) -> Result<Json<serde_json::Value>, HttpError> {
    if *c.dying.borrow() {
        return Ok(Json(serde_json::json!({})));
    }
    // Out of the relations' scope first (the others run -relation-departed for it, and its own
    // -relation-departed and -relation-broken run before stop); if the controller cannot be
    // told, nothing changes and the removal is refused.
    c.client
        .leave_relations(&c.env.unit)
        .await
        .map_err(|e| HttpError::new(ErrorCode::Unavailable, format!("cannot leave the unit's relations: {e}")))?;
    c.endpoint.set_dying();
    if !c.dying.send_replace(true) {
        super::event(&c.env.unit, format_args!("unit is dying: relation departures, stop and remove hooks next"));
    }
    Ok(Json(serde_json::json!({})))
}

async fn status(State(c): State<Arc<Control>>) -> Result<Json<AgentStatus>, HttpError> {
    let runner = c.status.lock().map_err(|_| HttpError::new(ErrorCode::Internal, "poisoned"))?.clone();
    let state = match (&runner.running, &runner.failing) {
        (Some(hook), _) => format!("running {hook}"),
        (None, Some(f)) => format!("failing {}", f.hook),
        (None, None) => "idle".into(),
    };
    let leader = matches!(c.tracker.status(), LeaderStatus::Leader { .. }) && c.tracker.guaranteed_now();
    let statuses = c.endpoint.statuses();
    // While a hook has failed the unit is in error state, whatever its charm last set, with
    // Juju's message and data (`worker/uniter/operation/runhook.go`: `hook failed: %q`, and the
    // hook's name under "hook"); the charm's status returns once the hook succeeds.
    let workload = match &runner.failing {
        Some(failed) => leaderd_core::wire::hook::WorkloadStatus {
            status: "error".into(),
            message: format!("hook failed: {}", leaderd_core::gocompat::go_quote(&failed.hook)),
            data: [("hook".to_string(), failed.hook.clone())].into(),
        },
        None => statuses.unit,
    };
    Ok(Json(AgentStatus {
        workload,
        application_status: statuses.application_set.then_some(statuses.application),
        workload_version: statuses.workload_version,
        unit: c.env.unit.clone(),
        pid: std::process::id(),
        state,
        leader,
        failing_hook: runner.failing,
    }))
}

/// A resolve from the operator: only a unit in error state (a failed hook) can be resolved, as
/// Juju's `juju resolved` says otherwise.
async fn resolve(State(c): State<Arc<Control>>, body: Body) -> Result<Json<serde_json::Value>, HttpError> {
    let req: wire::ResolveRequest = server::decode(body, MAX_BODY_BYTES)?;
    if c.status.lock().map_err(|_| HttpError::new(ErrorCode::Internal, "poisoned"))?.failing.is_none() {
        let message = format!("unit {} is not in an error state", leaderd_core::gocompat::go_quote(&c.env.unit));
        return Err(HttpError::new(ErrorCode::BadRequest, message));
    }
    let mode = if req.no_retry { super::runner::Resolve::NoRetry } else { super::runner::Resolve::Retry };
    c.resolves.try_send(mode).map_err(|_| {
        HttpError::new(ErrorCode::Unavailable, "resolves are already waiting for this unit's hook runner")
    })?;
    Ok(Json(serde_json::json!({})))
}
