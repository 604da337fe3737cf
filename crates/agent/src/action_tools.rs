//! The action tools' side of the hook endpoint (Juju's `ActionParams`, `UpdateActionResults`,
//! `LogActionMessage`, `SetActionMessage` and `SetActionFailed` in
//! `worker/uniter/runner/context`): a context that runs an action holds its parameters, and
//! gathers its results, progress messages and failure, which the control socket hands back to
//! the operator when the action's process ends.

use axum::extract::State;
use axum::Json;

use super::hook_endpoint::{decode, Answer, Endpoint};
use super::HookBackend;
use leaderd_core::wire::hook::{
    ActionFailRequest, ActionGetResponse, ActionLogRequest, ActionSetRequest, ContextRequest,
};
use leaderd_core::wire::ErrorCode;
use leaderd_net::server::{Body, HttpError};

/// Juju's default failure message (`SetActionFailed` without `SetActionMessage`).
pub(crate) const FAILED_WITHOUT_REASON: &str = "action failed without reason given, check action for errors";

/// The running action of a context.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ActionState {
    pub name: String,
    pub params: serde_json::Map<String, serde_json::Value>,
    /// action-set's results, nested by key path.
    pub results: serde_json::Map<String, serde_json::Value>,
    pub message: Option<String>,
    pub failed: bool,
    /// action-log's messages with when they came (Unix milliseconds).
    pub log: Vec<(u64, String)>,
}

impl ActionState {
    pub(crate) fn new(name: &str, params: serde_json::Map<String, serde_json::Value>) -> ActionState {
        ActionState { name: name.into(), params, ..Default::default() }
    }

    /// Juju's `addValueToMap`: the value at the key path, creating maps on the way and
    /// replacing a value that stood where a map is needed.
    pub(crate) fn set(&mut self, keys: &[String], value: String) {
        let Some((last, path)) = keys.split_last() else { return };
        let mut map = &mut self.results;
        for key in path {
            let entry = map.entry(key.clone()).or_insert_with(|| serde_json::Value::Object(Default::default()));
            if !entry.is_object() {
                *entry = serde_json::Value::Object(Default::default());
            }
            map = entry.as_object_mut().expect("made an object");
        }
        map.insert(last.clone(), serde_json::Value::String(value));
    }
}

fn not_running_an_action() -> HttpError {
    HttpError::new(ErrorCode::NotFound, "not running an action")
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

pub(crate) async fn action_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<ActionGetResponse> {
    let req: ContextRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let context = context.lock().await;
    let action = context.action.as_ref().ok_or_else(not_running_an_action)?;
    Ok(Json(ActionGetResponse { params: action.params.clone() }))
}

pub(crate) async fn action_set<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: ActionSetRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let action = context.action.as_mut().ok_or_else(not_running_an_action)?;
    for (keys, value) in req.results {
        action.set(&keys, value);
    }
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn action_log<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: ActionLogRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let action = context.action.as_mut().ok_or_else(not_running_an_action)?;
    action.log.push((now_ms(), req.message));
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn action_fail<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: ActionFailRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let action = context.action.as_mut().ok_or_else(not_running_an_action)?;
    if let Some(message) = req.message {
        action.message = Some(message);
    }
    action.failed = true;
    Ok(Json(serde_json::json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Juju's `addValueToMap` cases: nested paths merge, a later value overwrites, a value that
    /// stands where a map is needed is replaced by the map.
    #[test]
    fn results_nest_by_key_path_as_juju_merges_them() {
        let mut action = ActionState::new("do", Default::default());
        let keys = |k: &str| k.split('.').map(String::from).collect::<Vec<_>>();
        for (k, v) in
            [("outfile.size", "10G"), ("foo.bar", "2"), ("foo.baz.val", "3"), ("foo.bar.zab", "4"), ("foo.baz", "1")]
        {
            action.set(&keys(k), v.into());
        }
        let want = serde_json::json!({"outfile": {"size": "10G"}, "foo": {"bar": {"zab": "4"}, "baz": "1"}});
        assert_eq!(serde_json::Value::Object(action.results), want);
    }
}
