//! The hook endpoint's charm state, juju-reboot and resource-get calls (Juju's
//! `GetCharmState`, `SetCharmStateValue`, `DeleteCharmStateValue`, `RequestReboot` and
//! `DownloadResource` in `worker/uniter/runner/context/context.go`).
//!
//! - Charm state is read from the controller at the hook's first state call
//!   (`ensureCharmStateLoaded`); the hook's state-set and state-delete change its copy, which
//!   its later state-get calls see; the whole state is committed with the hook's other changes
//!   when it succeeds (`doFlush`: `UpdateCharmState`), and dropped when it fails.
//! - juju-reboot records the request on the context; with `--now` it kills the hook's process
//!   group at once (`killCharmHook`). The runner acts on the request when the hook ends.

use axum::extract::State;
use axum::Json;

use super::hook_endpoint::{decode, Answer, Endpoint};
use super::HookBackend;
use leaderd_core::wire::hook::{
    ContextRequest, RebootRequest, ResourceGetRequest, ResourceGetResponse, StateDeleteRequest, StateGetResponse,
    StateSetRequest,
};
use leaderd_core::wire::ErrorCode;
use leaderd_net::server::{Body, HttpError};

/// The hook's charm state, loaded on first use (`ensureCharmStateLoaded`'s words on failure).
async fn loaded<'a, L: HookBackend>(
    context: &'a mut super::context::HookContext,
    backend: &L,
) -> Result<&'a mut std::collections::BTreeMap<String, String>, HttpError> {
    if context.charm_state.is_none() {
        let state = backend
            .read_charm_state()
            .await
            .map_err(|e| HttpError::new(ErrorCode::Unreachable, format!("loading unit state from database: {e}")))?;
        context.charm_state = Some(state);
        context.charm_state_dirty = false;
    }
    Ok(context.charm_state.as_mut().expect("just loaded"))
}

pub(crate) async fn state_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<StateGetResponse> {
    let req: ContextRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let state = loaded(&mut context, &*ep.backend).await?.clone();
    Ok(Json(StateGetResponse { state }))
}

pub(crate) async fn state_set<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: StateSetRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    loaded(&mut context, &*ep.backend).await?;
    // Every entry is checked before any is set (Juju sets them one at a time, in Go's map
    // order, so an earlier one may already be set when a later one is refused).
    for (key, value) in &req.values {
        leaderd_core::charm_state::check_entry(key, value).map_err(|e| HttpError::new(ErrorCode::TooLarge, e))?;
    }
    let saved = context.save_changes();
    let state = context.charm_state.as_mut().expect("loaded above");
    let mut dirty = false;
    for (key, value) in req.values {
        if state.get(&key) != Some(&value) {
            state.insert(key, value);
            dirty = true;
        }
    }
    context.charm_state_dirty |= dirty;
    context.check_commit_size(saved).map_err(super::hook_endpoint::too_large)?;
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn state_delete<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: StateDeleteRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let state = loaded(&mut context, &*ep.backend).await?;
    if state.remove(&req.key).is_some() {
        context.charm_state_dirty = true;
    }
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn juju_reboot<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: RebootRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    // Juju's exec runs as an action, where juju-reboot is refused (jujuc asks first, so this
    // is the agent's own check, for a caller that did not).
    if context.action.is_some() || context.name == "exec" {
        return Err(HttpError::new(ErrorCode::BadRequest, jujuc::tools::juju_reboot::NOT_IN_ACTIONS));
    }
    context.reboot = Some(req.now);
    if req.now {
        // killCharmHook: the hook (and the jujuc that asked, which is one of its processes)
        // ends now; the runner re-runs it after the reboot.
        if let Some(pgid) = context.process_group {
            let _ = leaderd_sys::process::signal_group(pgid, leaderd_sys::process::Signal::KILL);
        }
    }
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn resource_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<ResourceGetResponse> {
    let req: ResourceGetRequest = decode(body)?;
    let _context = ep.context(&req.context_id)?;
    let path = ep.resources.lock().unwrap().get(&req.name).cloned();
    match path {
        Some(path) if path.is_file() => Ok(Json(ResourceGetResponse { path: path.display().to_string() })),
        _ => Err(HttpError::new(ErrorCode::NotFound, jujuc::tools::resource_get::not_found(&req.name))),
    }
}
