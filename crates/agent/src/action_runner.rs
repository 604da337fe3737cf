//! Runs an action on the unit for the control socket (`leaderd run`): checks it against the
//! charm's `actions.yaml` (Juju's words for an unknown action or bad parameters), waits for the
//! hook lock like a hook, runs the charm's `dispatch` (or `actions/<name>`) in a fresh context
//! that holds the action's parameters, and answers how it ended: the results action-set set,
//! its messages, its output and exit code. A process that exits 0 commits the context's
//! relation and secret changes, as a hook does.

use std::process::Stdio;
use std::sync::Arc;

use super::action_tools::{ActionState, FAILED_WITHOUT_REASON};
use super::run_socket::Control;
use super::runner::{collect, executable};
use leaderd_core::format::go_quote;
use leaderd_core::wire::run::{ActionLogLine, ActionRequest, ActionResult};
use leaderd_core::wire::ErrorCode;
use leaderd_net::server::HttpError;

/// Juju's predefined action behind `juju exec` (`core/actions`): runs its `command` with bash
/// in an action context, without the charm's dispatch.
pub(crate) const JUJU_EXEC: &str = "juju-exec";

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Checks `req` against the charm's actions: its parameters with the schema's defaults.
fn checked_params(c: &Control, req: &ActionRequest) -> Result<serde_json::Map<String, serde_json::Value>, HttpError> {
    if req.name == JUJU_EXEC {
        if !req.params.get("command").is_some_and(serde_json::Value::is_string) {
            return Err(HttpError::new(ErrorCode::BadRequest, "juju-exec needs a \"command\" string"));
        }
        return Ok(req.params.clone());
    }
    let actions = leaderd_core::actions::read(&c.env.charm_dir)
        .map_err(|e| HttpError::new(ErrorCode::Internal, e.to_string()))?;
    let Some(spec) = actions.get(&req.name) else {
        let message = format!("action {} not defined on unit {}", go_quote(&req.name), go_quote(&c.env.unit));
        return Err(HttpError::new(ErrorCode::NotFound, message));
    };
    let params = spec.with_defaults(&req.params);
    spec.validate(&params).map_err(|e| HttpError::new(ErrorCode::BadRequest, e))?;
    Ok(params)
}

/// Checks the action, then runs it in a task of its own (it carries on, and reports to the
/// controller, if the caller stops waiting) and answers how it ended.
pub(crate) async fn run(c: Arc<Control>, req: ActionRequest) -> Result<ActionResult, HttpError> {
    let params = checked_params(&c, &req)?;
    let task = tokio::spawn(async move {
        let task_id = req.id.parse::<u64>().ok();
        let client = c.client.clone();
        let result = execute(c, req, params, task_id).await;
        if let Some(id) = task_id {
            if let Err(e) = client.report_task(id, Some(result.clone())).await {
                tracing::warn!(task = id, error = %e, "reporting how the task ended to the controller failed");
            }
        }
        result
    });
    task.await.map_err(|e| HttpError::new(ErrorCode::Internal, format!("the action's task failed: {e}")))
}

async fn execute(
    c: Arc<Control>,
    req: ActionRequest,
    params: serde_json::Map<String, serde_json::Value>,
    task_id: Option<u64>,
) -> ActionResult {
    let enqueued_ms = now_ms();
    let unit = c.env.unit.clone();
    let _serialised = c.lock.clone().lock_owned().await;
    let started_ms = now_ms();
    if let Some(id) = task_id {
        if let Err(e) = c.client.report_task(id, None).await {
            tracing::warn!(task = id, error = %e, "reporting the task's start to the controller failed");
        }
    }
    let id = c.endpoint.open_action_context(ActionState::new(&req.name, params));
    let dispatch = c.env.charm_dir.join("dispatch");
    let exec = req.name == JUJU_EXEC;
    let program = if exec {
        std::path::PathBuf::from("/bin/bash")
    } else if executable(&dispatch) {
        dispatch
    } else {
        c.env.charm_dir.join("actions").join(&req.name)
    };
    super::event(&unit, format_args!("action {} (task {}) started", req.name, req.id));
    let mut command = tokio::process::Command::new(&program);
    leaderd_sys::private::restore_user_umask(command.as_std_mut());
    command
        .env_clear()
        .envs(c.env.vars(&id, None))
        .env("JUJU_ACTION_NAME", &req.name)
        .env("JUJU_ACTION_UUID", &req.id)
        .env("JUJU_ACTION_TAG", format!("action-{}", req.id));
    if exec {
        let script = params_command(&c, &id).await;
        command.arg("-c").arg(script);
    } else {
        command.env("JUJU_DISPATCH_PATH", format!("actions/{}", req.name));
    }
    let spawned = command
        .current_dir(&c.env.charm_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn();
    let (code, stdout, stderr) = match spawned {
        Ok(mut child) => {
            let (stdout, stdout_done) = collect(child.stdout.take());
            let (stderr, stderr_done) = collect(child.stderr.take());
            let status = child.wait().await;
            let code = status.as_ref().map(leaderd_sys::process::exit_code).unwrap_or(127);
            let _ = tokio::time::timeout(std::time::Duration::from_millis(50), async {
                let _ = stdout_done.await;
                let _ = stderr_done.await;
            })
            .await;
            let text = |b: &Arc<std::sync::Mutex<Vec<u8>>>| String::from_utf8_lossy(&b.lock().unwrap()).into_owned();
            (code, text(&stdout), text(&stderr))
        }
        Err(e) => (127, String::new(), format!("{}: {}\n", program.display(), jujuc::tools::go_error_text(&e))),
    };
    let state = c.endpoint.action_state(&id).await.unwrap_or_default();
    let committed = if code == 0 { c.endpoint.commit_context(&id, Vec::new()).await.map(|_| ()) } else { Ok(()) };
    c.endpoint.close_context(&id);
    let (status, message) = match (&committed, state.failed, code) {
        (Err(e), _, _) => ("failed", format!("committing relation and secret changes: {e}")),
        (Ok(()), true, _) => ("failed", state.message.clone().unwrap_or_else(|| FAILED_WITHOUT_REASON.into())),
        (Ok(()), false, 0) => ("completed", state.message.clone().unwrap_or_default()),
        // juju-exec: a command's non-zero exit is its return code, not a failure (Juju's
        // utils `exec`).
        (Ok(()), false, _) if exec => ("completed", String::new()),
        (Ok(()), false, code) => ("failed", format!("exit status {code}")),
    };
    super::event(&unit, format_args!("action {} (task {}) {status}", req.name, req.id));
    ActionResult {
        id: req.id,
        unit,
        status: status.into(),
        message,
        results: state.results,
        return_code: code,
        stdout,
        stderr,
        log: state.log.into_iter().map(|(timestamp_ms, message)| ActionLogLine { timestamp_ms, message }).collect(),
        enqueued_ms,
        started_ms,
        completed_ms: now_ms(),
    }
}

/// The command of a juju-exec task (its context's `command` parameter).
async fn params_command(c: &Control, id: &str) -> String {
    let state = c.endpoint.action_state(id).await.unwrap_or_default();
    state.params.get("command").and_then(serde_json::Value::as_str).unwrap_or_default().to_string()
}
