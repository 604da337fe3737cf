//! Runs the unit's actions (`leaderd run`), taken from the controller (`watch`): checks it against the
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
use leaderd_core::wire::controller::Task;
use leaderd_core::wire::run::{ActionLogLine, ActionResult};
use leaderd_core::wire::ErrorCode;
use leaderd_net::controller_client::CallError;

/// Juju's predefined action behind `juju exec` (`core/actions`): runs its `command` with bash
/// in an action context, without the charm's dispatch.
pub(crate) const JUJU_EXEC: &str = "juju-exec";

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Checks the task's action against the charm's actions: the parameters given are validated
/// first and only then filled with the schema's defaults, as Juju's `state/unit.go`
/// `PrepareActionPayload` does ("Reject bad payloads before attempting to insert defaults").
fn checked_params(c: &Control, task: &Task) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    if task.action == JUJU_EXEC {
        if !task.params.get("command").is_some_and(serde_json::Value::is_string) {
            return Err("juju-exec needs a \"command\" string".into());
        }
        return Ok(task.params.clone());
    }
    let actions = leaderd_core::actions::read(&c.env.charm_dir).map_err(|e| e.to_string())?;
    let Some(spec) = actions.get(&task.action) else {
        return Err(format!("action {} not defined on unit {}", go_quote(&task.action), go_quote(&c.env.unit)));
    };
    spec.validate(&task.params)?;
    Ok(spec.with_defaults(&task.params))
}

/// Juju's message for an action whose agent died while it ran
/// (`worker/uniter/operation/failaction.go`, chosen by `worker/uniter/actions/resolver.go`:
/// "the only safe thing to do is fail the action").
pub(crate) const TERMINATED: &str = "action terminated";

/// The most a task's report may take of the controller's body limit: the rest is room for the
/// request's own framing.
const MAX_RESULT_BYTES: usize = leaderd_core::wire::controller::MAX_BODY_BYTES - (64 << 10);

/// The unit's action worker: the controller is the queue. It long-polls the controller for this
/// unit's work and runs each pending task in id order under the hook lock, reporting it
/// `running` first and how it ended after, whenever the agent is up (after a restart, after
/// SIGCONT, with `leaderd run` long gone), as Juju's uniter watches its pending actions
/// (`worker/uniter/remotestate` `ActionsPending`, `worker/uniter/actions/resolver.go`). A task
/// this unit left `running` can only be a dead predecessor's: it is failed with Juju's
/// "action terminated".
pub(crate) async fn watch(c: Arc<Control>) {
    // Tasks this agent has already taken (a report that could not be made is not a reason to
    // run one twice).
    let mut taken = std::collections::HashSet::new();
    loop {
        let tasks = match c.client.pending_tasks(leaderd_net::long_poll::WAIT).await {
            Ok(tasks) => tasks,
            Err(e) => {
                tokio::time::sleep(leaderd_net::long_poll::pause_after(
                    &e,
                    "asking the controller for this unit's tasks failed",
                ))
                .await;
                continue;
            }
        };
        let mut ran = false;
        for task in tasks {
            if !taken.insert(task.id) {
                continue;
            }
            ran = true;
            let result = if task.status == "running" {
                super::event(
                    &c.env.unit,
                    format_args!("action {} (task {}) failed: {TERMINATED}", task.action, task.id),
                );
                ended(&c, &task, "failed", TERMINATED.into(), now_ms())
            } else {
                match checked_params(&c, &task) {
                    Ok(params) => bounded(execute(c.clone(), &task, params).await),
                    Err(message) => ended(&c, &task, "failed", message, now_ms()),
                }
            };
            report(&c, task.id, result).await;
        }
        if !ran {
            // Only tasks already taken (their report was refused): ask again, but not at once.
            tokio::time::sleep(leaderd_net::long_poll::RETRY).await;
        }
    }
}

/// A task that ended without running its action.
fn ended(c: &Control, task: &Task, status: &str, message: String, started_ms: u64) -> ActionResult {
    ActionResult {
        id: task.id.to_string(),
        unit: c.env.unit.clone(),
        status: status.into(),
        message,
        enqueued_ms: task.enqueued_ms,
        started_ms,
        completed_ms: now_ms(),
        ..Default::default()
    }
}

/// `result`, or, if it is too big for the controller to take, the task failed with a message
/// saying so (its results and output dropped, its return code kept), so that what the
/// controller records and what `leaderd run` prints agree. Juju stores results of any size in
/// its database; this controller's requests are bounded.
fn bounded(result: ActionResult) -> ActionResult {
    let size = serde_json::to_vec(&result).map_or(usize::MAX, |b| b.len());
    if size <= MAX_RESULT_BYTES {
        return result;
    }
    ActionResult {
        status: "failed".into(),
        message: format!(
            "action results and output too large to record: {size} bytes, more than the {MAX_RESULT_BYTES} byte limit"
        ),
        results: Default::default(),
        stdout: String::new(),
        stderr: String::new(),
        log: Vec::new(),
        ..result
    }
}

/// Reports how task `id` ended, trying again until the controller takes it or refuses it for
/// good (the task is gone, or not this unit's): a result is never dropped on a transport error.
async fn report(c: &Control, id: u64, result: ActionResult) {
    loop {
        match c.client.report_task(id, Some(result.clone())).await {
            Ok(()) => return,
            Err(
                e @ CallError::Refused {
                    code: ErrorCode::NotFound | ErrorCode::Forbidden | ErrorCode::BadRequest | ErrorCode::TooLarge,
                    ..
                },
            ) => {
                tracing::warn!(task = id, error = %e, "the controller refused how the task ended");
                return;
            }
            Err(e) => {
                tokio::time::sleep(leaderd_net::long_poll::pause_after(
                    &e,
                    "reporting how the task ended to the controller failed",
                ))
                .await
            }
        }
    }
}

/// Runs `task` under the hook lock, reporting it `running` once it has the lock.
async fn execute(c: Arc<Control>, task: &Task, params: serde_json::Map<String, serde_json::Value>) -> ActionResult {
    let enqueued_ms = task.enqueued_ms;
    let req_id = task.id.to_string();
    let req_name = task.action.clone();
    let unit = c.env.unit.clone();
    let _serialised = c.lock.clone().lock_owned().await;
    let started_ms = now_ms();
    if let Err(e) = c.client.report_task(task.id, None).await {
        tracing::warn!(task = task.id, error = %e, "reporting the task's start to the controller failed");
    }
    let id = c.endpoint.open_action_context(ActionState::new(&req_name, params));
    c.endpoint.reports.action(Some(&req_name));
    let dispatch = c.env.charm_dir.join("dispatch");
    let exec = req_name == JUJU_EXEC;
    let program = if exec {
        std::path::PathBuf::from("/bin/bash")
    } else if executable(&dispatch) {
        dispatch
    } else {
        c.env.charm_dir.join("actions").join(&req_name)
    };
    super::event(&unit, format_args!("action {} (task {}) started", req_name, req_id));
    let mut command = tokio::process::Command::new(&program);
    leaderd_sys::private::restore_user_umask(command.as_std_mut());
    command
        .env_clear()
        .envs(c.env.vars(&id, None))
        .env("JUJU_ACTION_NAME", &req_name)
        .env("JUJU_ACTION_UUID", &req_id)
        .env("JUJU_ACTION_TAG", format!("action-{}", req_id));
    if exec {
        let script = params_command(&c, &id).await;
        command.arg("-c").arg(script);
    } else {
        command.env("JUJU_DISPATCH_PATH", format!("actions/{}", req_name));
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
            let bytes = |b: &Arc<std::sync::Mutex<Vec<u8>>>| b.lock().unwrap().clone();
            (code, bytes(&stdout), bytes(&stderr))
        }
        Err(e) => {
            (127, Vec::new(), format!("{}: {}\n", program.display(), jujuc::tools::go_error_text(&e)).into_bytes())
        }
    };
    let state = c.endpoint.action_state(&id).await.unwrap_or_default();
    // A hook tool's changes are committed when the action exits 0, and always for juju-exec:
    // its command's exit code is a return code, not an error (Juju's `runJujuExecAction`
    // flushes with the error of running it, which juju/utils' exec leaves nil for an exit code).
    let committed =
        if code == 0 || exec { c.endpoint.commit_context(&id, Vec::new()).await.map(|_| ()) } else { Ok(()) };
    c.endpoint.close_context(&id);
    c.endpoint.reports.action(None);
    // Changes that failed to commit fail the action as Juju's `finalizeAction` does
    // (worker/uniter/runner/context/context.go): the error after the action's stderr, return
    // code 1 where it was 0, and its message unless the action set one.
    let (mut code, mut stderr) = (code, stderr);
    if let Err(e) = &committed {
        if !stderr.is_empty() {
            stderr.push(b'\n');
        }
        stderr.extend(e.to_string().into_bytes());
        if code == 0 {
            code = 1;
        }
    }
    let (status, message) = match (&committed, state.failed, code) {
        (Err(_), _, _) => {
            ("failed", state.message.clone().filter(|m| !m.is_empty()).unwrap_or_else(|| COMMIT_FAILED.into()))
        }
        (Ok(()), true, _) => ("failed", state.message.clone().unwrap_or_else(|| FAILED_WITHOUT_REASON.into())),
        (Ok(()), false, 0) => ("completed", state.message.clone().unwrap_or_default()),
        // juju-exec: a command's non-zero exit is its return code, not a failure (Juju's
        // utils `exec`).
        (Ok(()), false, _) if exec => ("completed", String::new()),
        (Ok(()), false, code) => ("failed", format!("exit status {code}")),
    };
    super::event(&unit, format_args!("action {} (task {}) {status}", req_name, req_id));
    let mut results = state.results;
    let (stdout, stdout_encoding) = encode_bytes(&stdout);
    let (stderr, stderr_encoding) = encode_bytes(&stderr);
    for (key, encoding) in [("stdout-encoding", stdout_encoding), ("stderr-encoding", stderr_encoding)] {
        if let Some(encoding) = encoding {
            results.insert(key.into(), encoding.into());
        }
    }
    ActionResult {
        id: req_id.clone(),
        unit,
        status: status.into(),
        message,
        results,
        return_code: code,
        stdout,
        stderr,
        log: state.log.into_iter().map(|(timestamp_ms, message)| ActionLogLine { timestamp_ms, message }).collect(),
        enqueued_ms,
        started_ms,
        completed_ms: now_ms(),
    }
}

/// Juju's message for an action whose changes could not be committed.
const COMMIT_FAILED: &str = "committing requested changes failed";

/// Juju's `encodeBytes` (`worker/uniter/runner/runner.go`): output that is valid UTF-8 as it
/// is, anything else base64 with its encoding named (`stdout-encoding: base64`), so binary
/// output is kept byte for byte. Output past the collector's cap may end inside a character:
/// that partial character is dropped rather than making the whole output base64.
fn encode_bytes(bytes: &[u8]) -> (String, Option<&'static str>) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(e) if e.error_len().is_none() && bytes.len() >= 1 << 20 => {
            (String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(), None)
        }
        Err(_) => (leaderd_core::base64::encode(bytes), Some("base64")),
    }
}

/// The command of a juju-exec task (its context's `command` parameter).
async fn params_command(c: &Control, id: &str) -> String {
    let state = c.endpoint.action_state(id).await.unwrap_or_default();
    state.params.get("command").and_then(serde_json::Value::as_str).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::encode_bytes;

    #[test]
    fn output_that_is_not_utf8_is_base64_as_juju_encodes_it() {
        assert_eq!(encode_bytes(b"hi\n"), ("hi\n".to_string(), None));
        assert_eq!(encode_bytes(b"a\xff\x00b"), ("Yf8AYg==".to_string(), Some("base64")));
        let mut cut = vec![b'x'; 1 << 20];
        cut.extend_from_slice("é".as_bytes().split_at(1).0);
        assert_eq!(encode_bytes(&cut), ("x".repeat(1 << 20), None));
    }
}
