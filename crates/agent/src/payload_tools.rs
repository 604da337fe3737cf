//! The hook endpoint's payload calls (Juju's `PayloadsHookContext`,
//! `worker/uniter/runner/context/payloads/context.go`, over `state/payloads.go`): the unit's
//! payloads are read from the controller at the hook's first payload call; payload-register,
//! payload-unregister and payload-status-set change the hook's copy by Juju's rules
//! (`leaderd_core::payloads`), and the whole of it is committed with the hook's other changes
//! when it succeeds, dropped when it fails. (Juju writes each call to the controller at once;
//! here a payload call is as transactional as the hook's other changes.)

use axum::extract::State;
use axum::Json;

use super::hook_endpoint::{decode, Answer, Endpoint};
use super::HookBackend;
use leaderd_core::payloads::{self, UnitPayloads};
use leaderd_core::wire::hook::{PayloadRegisterRequest, PayloadRequest};
use leaderd_core::wire::ErrorCode;
use leaderd_net::server::{Body, HttpError};

/// The hook's payloads, loaded on first use (Juju's `NewContext` words on failure).
async fn loaded<'a, L: HookBackend>(
    context: &'a mut super::context::HookContext,
    backend: &L,
) -> Result<&'a mut UnitPayloads, HttpError> {
    if context.payloads.is_none() {
        let kept = backend
            .read_payloads()
            .await
            .map_err(|e| HttpError::new(ErrorCode::Unreachable, format!("getting unit payloads: {e}")))?;
        context.payloads = Some(kept);
        context.payloads_dirty = false;
    }
    Ok(context.payloads.as_mut().expect("just loaded"))
}

pub(crate) async fn payload_register<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: PayloadRegisterRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let held = loaded(&mut context, &*ep.backend).await?;
    payloads::register(held, &req.kind, &req.class, &req.id, &req.labels)
        .map_err(|e| HttpError::new(ErrorCode::BadRequest, e))?;
    context.payloads_dirty = true;
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn payload_unregister<L: HookBackend>(
    State(ep): Endpoint<L>,
    body: Body,
) -> Answer<serde_json::Value> {
    let req: PayloadRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let held = loaded(&mut context, &*ep.backend).await?;
    if payloads::unregister(held, &req.class) {
        context.payloads_dirty = true;
    }
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn payload_status_set<L: HookBackend>(
    State(ep): Endpoint<L>,
    body: Body,
) -> Answer<serde_json::Value> {
    let req: PayloadRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let held = loaded(&mut context, &*ep.backend).await?;
    let status = req.status.unwrap_or_default();
    let before = held.get(&req.class).map(|p| p.status.clone());
    payloads::set_status(held, &req.class, &status).map_err(|e| HttpError::new(ErrorCode::BadRequest, e))?;
    if before.as_deref() != Some(status.as_str()) {
        context.payloads_dirty = true;
    }
    Ok(Json(serde_json::json!({})))
}
