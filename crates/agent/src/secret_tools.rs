//! The secret tools' side of the hook endpoint (Juju's `worker/uniter/runner/context`
//! `CreateSecret`, `UpdateSecret`, `RemoveSecret`, `GrantSecret`, `RevokeSecret`, `GetSecret`
//! and `SecretMetadata`).
//!
//! - Changes are the hook's own until it succeeds: they are held here, in order, and committed
//!   with its relation changes (`HookContext::take_hook_changes`), all or nothing. An
//!   application-owned secret is changed only by the leader: checked here when the tool runs
//!   (Juju's `ErrIsNotLeader`), and again by the controller, under the lease term, when the
//!   hook's changes are written.
//! - Reads go to the controller at once (a consumer's read moves the revision it tracks),
//!   except a secret this hook created, or changed and reads with `--refresh`/`--peek`: Juju
//!   answers those from the hook's pending changes.
//! - secret-ids and secret-info-get see the secrets the unit manages as the controller holds
//!   them, with this hook's pending changes on top.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::State;
use axum::Json;

use super::hook_endpoint::{decode, Answer, Endpoint};
use super::HookBackend;
use leaderd_core::gocompat::go_quote;
use leaderd_core::secrets::{RotatePolicy, SecretId};
use leaderd_core::wire::controller::{SecretChange, SecretReadRequest};
use leaderd_core::wire::hook::{
    ContextRequest, SecretAccess, SecretAccessRequest, SecretAddRequest, SecretAddResponse, SecretContent,
    SecretFields, SecretGetRequest, SecretGetResponse, SecretMetadata, SecretMetadataResponse, SecretRemoveRequest,
    SecretSetRequest,
};
use leaderd_core::wire::ErrorCode;
use leaderd_net::controller_client::CallError;
use leaderd_net::server::{Body, HttpError};

/// Juju's `ErrIsNotLeader`.
const NOT_THE_LEADER: &str = "this unit is not the leader";

/// One hook's secret state: what it has changed, and the managed secrets as it first read them.
#[derive(Debug, Default, Clone)]
pub(crate) struct HookSecrets {
    /// The secrets the unit manages, read from the controller at the first need.
    owned: Option<BTreeMap<String, SecretMetadata>>,
    /// The changes to commit, in the order the hook made them.
    changes: Vec<SecretChange>,
    /// Secrets this hook created: owner tag, and fields as they stand now.
    created: BTreeMap<String, (String, SecretFields)>,
    /// Secrets this hook changed: the fields as they stand now (content only if new).
    updated: BTreeMap<String, SecretFields>,
    /// Secrets this hook removed whole.
    removed: BTreeSet<String>,
}

impl HookSecrets {
    /// The changes to commit now that the hook has succeeded (and forgets them).
    pub(crate) fn take_changes(&mut self) -> Vec<SecretChange> {
        // A secret created in this hook is created with its fields as they stand now (later
        // secret-set calls and labels given to secret-get were merged into them), as Juju's
        // pending create is: one revision.
        let mut changes = std::mem::take(&mut self.changes);
        for change in &mut changes {
            if let SecretChange::Create { id, fields, .. } = change {
                if let Some((_, now)) = self.created.get(id.as_str()) {
                    *fields = now.clone();
                }
            }
        }
        self.created.clear();
        self.updated.clear();
        self.removed.clear();
        changes
    }

    /// The managed secrets as the controller holds them, read once per hook.
    async fn owned<L: HookBackend>(&mut self, backend: &L) -> Result<&BTreeMap<String, SecretMetadata>, HttpError> {
        if self.owned.is_none() {
            let owned = backend.owned_secrets().await.map_err(controller_error)?;
            self.owned = Some(owned.secrets);
        }
        Ok(self.owned.as_ref().expect("just read"))
    }

    /// The managed secrets with this hook's changes on top (Juju's `SecretMetadata`).
    async fn metadata<L: HookBackend>(&mut self, backend: &L) -> Result<BTreeMap<String, SecretMetadata>, HttpError> {
        let mut result = self.owned(backend).await?.clone();
        result.retain(|id, _| !self.removed.contains(id));
        for (id, fields) in &self.updated {
            if let Some(md) = result.get_mut(id) {
                overlay(md, fields);
            }
        }
        for (id, (owner, fields)) in &self.created {
            let mut md = SecretMetadata {
                owner: owner.clone(),
                rotate_policy: RotatePolicy::Never.as_str().into(),
                latest_revision: 1,
                revisions: vec![1],
                ..Default::default()
            };
            overlay(&mut md, fields);
            result.insert(id.clone(), md);
        }
        // This hook's grants and revokes show in the access list (Juju's `secretGrantInfo`).
        for change in &self.changes {
            match change {
                SecretChange::Grant { id, subject, scope, .. } => {
                    if let Some(md) = result.get_mut(id) {
                        let access = SecretAccess { target: tag(subject), scope: scope.clone(), role: "view".into() };
                        if !md.access.contains(&access) {
                            md.access.push(access);
                        }
                    }
                }
                SecretChange::Revoke { id, subject, .. } => {
                    if let Some(md) = result.get_mut(id) {
                        let target = tag(subject);
                        md.access.retain(|a| a.target != target || a.role == "manage");
                    }
                }
                _ => {}
            }
        }
        Ok(result)
    }

    /// The owner tag of a secret the unit manages (with this hook's creations), if it does.
    async fn owner<L: HookBackend>(&mut self, backend: &L, id: &str) -> Result<Option<String>, HttpError> {
        if let Some((owner, _)) = self.created.get(id) {
            return Ok(Some(owner.clone()));
        }
        Ok(self.owned(backend).await?.get(id).map(|md| md.owner.clone()))
    }

    /// Content this hook's own changes answer a read with, as Juju's `getPendingSecretValue`.
    fn pending_value(
        &mut self,
        id: Option<&str>,
        label: Option<&str>,
        refresh: bool,
        peek: bool,
    ) -> Option<SecretContent> {
        let label_matches = |fields: &SecretFields| label.is_some() && fields.label.as_deref() == label;
        for (created_id, (_, fields)) in self.created.iter_mut() {
            if id == Some(created_id.as_str()) {
                if let Some(label) = label {
                    fields.label = Some(label.to_string());
                }
                return fields.content.clone();
            }
            if label_matches(fields) {
                return fields.content.clone();
            }
        }
        if !refresh && !peek {
            return None;
        }
        let hit =
            self.updated.iter().find(|(updated_id, fields)| id == Some(updated_id.as_str()) || label_matches(fields));
        let (hit_id, content) = hit.map(|(i, f)| (i.clone(), f.content.clone()))?;
        if refresh {
            self.changes.push(SecretChange::TrackLatest { id: hit_id });
        }
        content.filter(|c| !c.is_empty())
    }
}

/// `fields` set on `md` (a pending change seen by secret-info-get).
fn overlay(md: &mut SecretMetadata, fields: &SecretFields) {
    if let Some(label) = &fields.label {
        md.label = label.clone();
    }
    if let Some(description) = &fields.description {
        md.description = description.clone();
    }
    if let Some(policy) = &fields.rotate_policy {
        md.rotate_policy = policy.clone();
    }
    if let Some(expire) = &fields.expire_time {
        md.latest_expire_time = Some(expire.clone());
    }
}

/// A unit's or an application's tag.
fn tag(subject: &str) -> String {
    if subject.contains('/') {
        format!("unit-{}", subject.replace('/', "-"))
    } else {
        format!("application-{subject}")
    }
}

/// A controller refusal keeps its code and words; a failure to reach it is the tool's error.
fn controller_error(e: CallError) -> HttpError {
    match e {
        CallError::Refused { code, message } if code != ErrorCode::Unavailable => HttpError::new(code, message),
        e => HttpError::new(ErrorCode::Unreachable, e.to_string()),
    }
}

fn not_the_leader() -> HttpError {
    HttpError::new(ErrorCode::NotLeader, NOT_THE_LEADER)
}

fn not_found(id: &str) -> HttpError {
    HttpError::new(ErrorCode::NotFound, format!("secret {} not found", go_quote(id)))
}

/// A new secret id: the time, and random bytes for the rest of the xid.
fn new_id() -> SecretId {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).expect("the OS random number generator failed");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    SecretId::from_parts(now as u32, random)
}

/// The owner tag of `unit` (`unit-app-0`) or its application (`application-app`).
fn owner_tag(unit: &str, application: bool) -> String {
    match leaderd_core::names::unit_application(unit) {
        Ok(app) if application => format!("application-{app}"),
        _ => format!("unit-{}", unit.replace('/', "-")),
    }
}

pub(crate) async fn secret_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<SecretGetResponse> {
    let req: SecretGetRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let secrets = &mut context.secrets;
    let (id, label) = (req.id.as_deref(), req.label.as_deref());
    if let Some(content) = secrets.pending_value(id, label, req.refresh, req.peek) {
        return Ok(Json(SecretGetResponse { content }));
    }
    let mut request = SecretReadRequest {
        id: req.id.clone(),
        label: req.label.clone(),
        refresh: req.refresh,
        peek: req.peek,
        term: None,
    };
    if let (None, Some(label)) = (id, label) {
        // A label of a secret this unit manages resolves here (with this hook's changes).
        let metadata = secrets.metadata(&*ep.backend).await?;
        if let Some((owned_id, _)) = metadata.iter().find(|(_, md)| md.label == label) {
            request.id = Some(owned_id.clone());
            request.label = None;
        }
    }
    let read = ep.backend.read_secret(request).await.map_err(controller_error)?;
    Ok(Json(SecretGetResponse { content: read.content }))
}

pub(crate) async fn secret_add<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<SecretAddResponse> {
    let req: SecretAddRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let application = match req.owner.as_str() {
        "application" => true,
        "unit" => false,
        other => {
            return Err(HttpError::new(ErrorCode::BadRequest, format!("secret owner {} not valid", go_quote(other))))
        }
    };
    if application && !context.is_leader(&*ep.backend).await {
        return Err(not_the_leader());
    }
    if req.fields.content.as_ref().is_none_or(|c| c.is_empty()) {
        // Juju's words, typo included (`CreateSecret` in worker/uniter/runner/context).
        return Err(HttpError::new(ErrorCode::BadRequest, "empty secrte content not valid"));
    }
    let saved = context.save_changes();
    let secrets = &mut context.secrets;
    if let Some(label) = req.fields.label.as_deref().filter(|l| !l.is_empty()) {
        if secrets.created.values().any(|(_, f)| f.label.as_deref() == Some(label)) {
            let message = format!("secret with label {} already exists", go_quote(label));
            return Err(HttpError::new(ErrorCode::BadRequest, message));
        }
    }
    let id = new_id();
    let change = SecretChange::Create { id: id.to_string(), owner: req.owner.clone(), fields: req.fields.clone() };
    secrets.changes.push(change);
    secrets.created.insert(id.to_string(), (owner_tag(&ep.unit, application), req.fields));
    context.check_commit_size(saved).map_err(super::hook_endpoint::too_large)?;
    // Juju's hook tool prints the full form, with the model's UUID.
    let model = ep.model_uuid.lock().unwrap().clone();
    let uri = if model.is_empty() { id.uri() } else { format!("secret://{model}/{id}") };
    Ok(Json(SecretAddResponse { uri }))
}

/// Is the secret the application's, and this unit not its leader? (Juju checks only secrets it
/// knows the unit manages; the controller checks the rest at commit.)
async fn refuse_minion<L: HookBackend>(
    context: &mut super::context::HookContext,
    backend: &L,
    id: &str,
) -> Result<Option<String>, HttpError> {
    let owner = context.secrets.owner(backend, id).await?;
    if owner.as_deref().is_some_and(|o| o.starts_with("application-")) && !context.is_leader(backend).await {
        return Err(not_the_leader());
    }
    Ok(owner)
}

pub(crate) async fn secret_set<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: SecretSetRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    refuse_minion(&mut context, &*ep.backend, &req.id).await?;
    let fields = req.fields;
    if fields == SecretFields::default() {
        return Ok(Json(serde_json::json!({})));
    }
    let saved = context.save_changes();
    pend_update(&mut context.secrets, req.id, fields);
    context.check_commit_size(saved).map_err(super::hook_endpoint::too_large)?;
    Ok(Json(serde_json::json!({})))
}

/// A secret-set's fields, merged into the hook's pending changes.
fn pend_update(secrets: &mut HookSecrets, req_id: String, fields: SecretFields) {
    if let Some((_, created)) = secrets.created.get_mut(&req_id) {
        // Still one revision: the create takes the new fields.
        merge(created, &fields);
        return;
    }
    // A secret-set after a secret-remove of the same secret in this hook cancels the remove,
    // as Juju's pending changes do.
    if secrets.removed.remove(&req_id) {
        secrets.changes.retain(|c| !matches!(c, SecretChange::Remove { id, revision: None } if *id == req_id));
    }
    merge(secrets.updated.entry(req_id.clone()).or_default(), &fields);
    // Juju 3.6 keeps one pending update per secret per hook (later calls merge into it): one
    // new revision however many times the hook sets the content.
    let pending = secrets.changes.iter_mut().find_map(|c| match c {
        SecretChange::Update { id, fields } if *id == req_id => Some(fields),
        _ => None,
    });
    match pending {
        Some(pending) => merge(pending, &fields),
        None => secrets.changes.push(SecretChange::Update { id: req_id, fields }),
    }
}

/// Later fields over earlier ones.
fn merge(into: &mut SecretFields, fields: &SecretFields) {
    let SecretFields { content, rotate_policy, expire_time, description, label } = fields.clone();
    into.content = content.or(into.content.take());
    into.rotate_policy = rotate_policy.or(into.rotate_policy.take());
    into.expire_time = expire_time.or(into.expire_time.take());
    into.description = description.or(into.description.take());
    into.label = label.or(into.label.take());
}

pub(crate) async fn secret_remove<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: SecretRemoveRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    refuse_minion(&mut context, &*ep.backend, &req.id).await?;
    let secrets = &mut context.secrets;
    if secrets.created.contains_key(&req.id) {
        // Created and removed in the same hook: the controller never hears of it.
        if req.revision.is_none_or(|r| r == 1) {
            secrets.created.remove(&req.id);
            secrets.changes.retain(|c| change_id(c) != req.id);
        }
        return Ok(Json(serde_json::json!({})));
    }
    if req.revision.is_none() {
        secrets.removed.insert(req.id.clone());
        secrets.updated.remove(&req.id);
    }
    secrets.changes.push(SecretChange::Remove { id: req.id, revision: req.revision });
    Ok(Json(serde_json::json!({})))
}

/// The secret a change is about.
fn change_id(change: &SecretChange) -> &str {
    match change {
        SecretChange::Create { id, .. }
        | SecretChange::Update { id, .. }
        | SecretChange::Remove { id, .. }
        | SecretChange::Grant { id, .. }
        | SecretChange::Revoke { id, .. }
        | SecretChange::TrackLatest { id }
        | SecretChange::Rotated { id, .. }
        | SecretChange::Expired { id, .. } => id,
    }
}

/// Whom a grant or revoke names: the unit given, or the application at the relation's other
/// end (for a peer relation, the unit's own), or the application given.
/// Who a grant or revoke names: the unit, the application, or the application at the other
/// end of the relation (a peer relation's: the unit's own).
async fn subject<L: HookBackend>(
    ep: &super::hook_endpoint::HookEndpoint<L>,
    context: &mut super::context::HookContext,
    req: &SecretAccessRequest,
) -> Result<String, HttpError> {
    if let Some(unit) = &req.unit {
        return Ok(unit.clone());
    }
    if let Some(app) = &req.application {
        return Ok(app.clone());
    }
    if let Some(relation_id) = req.relation_id {
        let relation = ep.unit_relation(context, relation_id).await?;
        return Ok(relation.remote_app);
    }
    Err(HttpError::new(ErrorCode::BadRequest, "missing relation, application or unit"))
}

pub(crate) async fn secret_grant<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: SecretAccessRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let metadata = context.secrets.metadata(&*ep.backend).await?;
    let Some(md) = metadata.get(&req.id) else { return Err(not_found(&req.id)) };
    if md.owner.starts_with("application-") && !context.is_leader(&*ep.backend).await {
        return Err(not_the_leader());
    }
    let subject = subject(&ep, &mut context, &req).await?;
    let Some(relation_id) = req.relation_id else {
        return Err(HttpError::new(ErrorCode::BadRequest, "missing relation"));
    };
    let relation = ep.unit_relation(&mut context, relation_id).await?;
    // Juju's relation tag of the relation key: `relation-app.cluster`.
    let scope = format!("relation-{}", relation.key.replace(':', ".").replace(' ', "#"));
    context.secrets.changes.push(SecretChange::Grant { id: req.id, subject, relation_id, scope });
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn secret_revoke<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: SecretAccessRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    refuse_minion(&mut context, &*ep.backend, &req.id).await?;
    let subject = subject(&ep, &mut context, &req).await?;
    context.secrets.changes.push(SecretChange::Revoke { id: req.id, subject, relation_id: req.relation_id });
    Ok(Json(serde_json::json!({})))
}

pub(crate) async fn secret_metadata<L: HookBackend>(
    State(ep): Endpoint<L>,
    body: Body,
) -> Answer<SecretMetadataResponse> {
    let req: ContextRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let secrets = context.secrets.metadata(&*ep.backend).await?;
    Ok(Json(SecretMetadataResponse { secrets }))
}
