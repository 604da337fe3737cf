//! The controller's HTTP/JSON API (docs/controller-api.md): authentication, the checks
//! every request gets (names, bodies, who may do what), then the [`Controller`] call.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use tokio::sync::watch;

use super::active::Refusal;
use super::{
    ClaimError, ClaimOutcome, ConfigChange, ConfigChangeError, Controller, ElectError, HookCommit, LeaderWriteError,
    Removed, SecretError, SecretReadError, TaskError, UserChange,
};
use crate::RelationError;
use leaderd_core::model::{Application, Term, Unit};
use leaderd_core::names;
use leaderd_core::wire::controller::*;
use leaderd_core::wire::ErrorCode;
use leaderd_net::auth::{Caller, Secret};
use leaderd_net::server::{self, Body, HttpError};

/// What every handler gets.
pub struct Api {
    pub controller: Arc<Controller>,
    pub secret: Secret,
    /// How long a renewed token lives.
    pub token_ttl: Duration,
    /// Flips to true on shutdown, so that long-polls answer at once instead of holding it up.
    pub shutdown: watch::Receiver<bool>,
}

type Answer<T> = Result<Json<T>, HttpError>;
type Shared = State<Arc<Api>>;

/// The routes.
pub fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/v1/health", get(|| async { Json(serde_json::json!({"ok": true})) }))
        .route("/v1/status", get(status))
        .route("/v1/token/renew", post(renew_token))
        .route("/v1/applications/{app}/lease/claim", post(claim))
        .route("/v1/applications/{app}/lease/wait-released", post(wait_released))
        .route("/v1/applications/{app}/lease/revoke", post(revoke))
        .route("/v1/applications/{app}/lease/elect", post(elect))
        .route("/v1/applications/{app}/lease/release", post(release))
        .route("/v1/applications/{app}/settings", get(read_settings))
        .route("/v1/applications/{app}/settings/merge", post(merge))
        .route("/v1/applications/{app}/settings/watch", post(watch_settings))
        .route("/v1/applications/{app}/config", get(read_config).post(change_config))
        .route("/v1/applications/{app}/config/watch", post(watch_config))
        .route("/v1/applications/{app}/status", get(read_statuses))
        .route("/v1/applications/{app}/status/unit", post(set_unit_status))
        .route("/v1/applications/{app}/status/application", post(set_app_status))
        .route("/v1/applications/{app}/relations", get(read_relations))
        .route("/v1/applications/{app}/unit-state", get(read_unit_state))
        .route("/v1/applications/{app}/storage", get(read_storage))
        .route("/v1/applications/{app}/storage/ensure", post(ensure_storage))
        .route("/v1/applications/{app}/relations/commit", post(commit_relations))
        .route("/v1/applications/{app}/relations/join", post(join_relations))
        .route("/v1/applications/{app}/relations/leave", post(leave_relations))
        .route("/v1/applications/{app}/relations/watch", post(watch_relations))
        .route("/v1/applications/{app}/status/unit/forget", post(forget_unit))
        .route("/v1/applications/{app}/secrets/get", post(read_secret))
        .route("/v1/applications/{app}/secrets/owned", post(owned_secrets))
        .route("/v1/applications/{app}/secrets/view", post(secret_view))
        .route("/v1/applications/{app}/secrets/watch", post(watch_secrets))
        .route("/v1/applications/{app}/tasks/{id}", post(report_task))
        .route("/v1/applications/{app}/pending-tasks", post(pending_tasks))
        .route("/v1/operations", get(operations).post(enqueue))
        .route("/v1/tasks/{id}", get(show_task))
        .route("/v1/tasks/{id}/wait", post(wait_task))
        .route("/v1/secrets", get(operator_secrets))
        .route("/v1/secrets/show", post(show_secret))
        .route("/v1/secrets/add", post(add_user_secret))
        .route("/v1/secrets/update", post(update_user_secret))
        .route("/v1/secrets/remove", post(remove_user_secret))
        .route("/v1/secrets/grant", post(grant_user_secret))
        .route("/v1/secrets/revoke", post(revoke_user_secret))
        // Relations between applications (integrate, remove-relation, the records).
        .route("/v1/relations", get(relation_defs).post(integrate))
        .route("/v1/relations/remove", post(remove_relation))
        .route("/v1/applications/{app}/relations/depart", post(depart_relations))
        .route("/v1/applications/{app}/relations/destroy", post(destroy_relations))
        // Model status and config (`juju status`, `juju model-config`; docs/controller-api.md).
        .route("/v1/model/status", get(model_status))
        .route("/v1/model/config", get(read_model_config).post(change_model_config))
        .route("/v1/model/config/watch", post(watch_model_config))
        .route("/v1/applications/{app}/status/agent", post(set_agent_status))
        .route("/v1/applications/{app}/units/register", post(register_units))
        .fallback(
            |uri: Uri| async move { HttpError::new(ErrorCode::NotFound, format!("no such endpoint: {}", uri.path())) },
        )
        .method_not_allowed_fallback(|| async { HttpError::new(ErrorCode::MethodNotAllowed, "method not allowed") })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(api)
}

fn decode<T: DeserializeOwned>(body: Body) -> Result<T, HttpError> {
    server::decode(body, MAX_BODY_BYTES)
}

impl Api {
    /// Who calls, from a valid token. The one place every request passes (also the gate
    /// before a body is read): a unit the operator removed is refused here, whatever it asks,
    /// however long its token still runs.
    pub(crate) fn caller(&self, headers: &HeaderMap) -> Result<Caller, HttpError> {
        let header = headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| HttpError::new(ErrorCode::Unauthorized, "missing Authorization header"))?;
        let header = header.to_str().map_err(|_| HttpError::new(ErrorCode::Unauthorized, "malformed token"))?;
        let caller = self
            .secret
            .verify(header)
            .map(|v| v.caller)
            .map_err(|e| HttpError::new(ErrorCode::Unauthorized, e.to_string()))?;
        match caller {
            Caller::Unit(unit) if self.controller.is_removed(&unit) => Err(Removed(unit).into()),
            Caller::Unit(unit) => {
                self.controller.saw_unit(&unit);
                Ok(Caller::Unit(unit))
            }
            caller => Ok(caller),
        }
    }

    /// The calling unit, which must belong to `app` (a unit acts only for its application).
    fn unit_of(&self, headers: &HeaderMap, app: &str) -> Result<Unit, HttpError> {
        let app = check_app(app)?;
        match self.caller(headers)? {
            Caller::Unit(unit) if names::unit_application(&unit) == Ok(app.as_str()) => {
                Unit::new(&unit).map_err(|e| HttpError::new(ErrorCode::BadRequest, e.to_string()))
            }
            Caller::Unit(unit) => Err(forbidden(format!("unit {unit} may not act for application {app}"))),
            Caller::Operator => {
                Err(forbidden("the operator token is for status, config and revoke; units claim and write"))
            }
        }
    }

    /// A unit of `app`, or the operator: the application, checked.
    fn reader_of(&self, headers: &HeaderMap, app: &str) -> Result<Application, HttpError> {
        let app = check_app(app)?;
        match self.caller(headers)? {
            Caller::Operator => Ok(app),
            Caller::Unit(unit) if names::unit_application(&unit) == Ok(app.as_str()) => Ok(app),
            Caller::Unit(unit) => Err(forbidden(format!("unit {unit} may not read application {app}"))),
        }
    }

    fn operator(&self, headers: &HeaderMap) -> Result<(), HttpError> {
        match self.caller(headers)? {
            Caller::Operator => Ok(()),
            Caller::Unit(unit) => Err(forbidden(format!("unit {unit} may not do this: it needs the operator token"))),
        }
    }

    /// A long-poll's wait: what it asked for, at most `MAX_POLL_MS`.
    fn poll_timeout(timeout_ms: u64) -> Duration {
        Duration::from_millis(timeout_ms.min(MAX_POLL_MS))
    }

    /// Refuses a unit request unless this controller is (safely) the active one: a standby
    /// names the active controller (`not_active`, 421); an active controller that cannot
    /// confirm its etcd session answers `unavailable` (503).
    fn active(&self) -> Result<(), HttpError> {
        Ok(self.controller.check_active(tokio::time::Instant::now())?)
    }

    /// Resolves when this controller stops being active, with the answer a long-poll gives then.
    async fn until_stepped_down(&self) -> HttpError {
        self.controller.stepped_down().await;
        self.controller
            .check_active(tokio::time::Instant::now())
            .err()
            .unwrap_or(Refusal::Standby { active: None })
            .into()
    }

    async fn until_shutdown(&self) {
        let mut shutdown = self.shutdown.clone();
        let _ = shutdown.wait_for(|down| *down).await;
    }
}

fn check_app(app: &str) -> Result<Application, HttpError> {
    Application::new(app).map_err(|e| HttpError::new(ErrorCode::BadRequest, e.to_string()))
}

fn forbidden(message: impl Into<String>) -> HttpError {
    HttpError::new(ErrorCode::Forbidden, format!("permission denied: {}", message.into()))
}

// What each refusal of the controller's is on the wire: its code (so its HTTP status) and its
// words. Every handler's `?` goes through these.

/// Not the controller to ask now: a standby names the active controller (`not_active`, 421);
/// an active controller that cannot confirm its etcd session is `unavailable` (503).
impl From<Refusal> for HttpError {
    fn from(refusal: Refusal) -> HttpError {
        match refusal {
            Refusal::Standby { active } => HttpError {
                active: active.clone(),
                ..HttpError::new(ErrorCode::NotActive, Refusal::Standby { active }.to_string())
            },
            r @ Refusal::SessionUnconfirmed => HttpError::new(ErrorCode::Unavailable, r.to_string()),
        }
    }
}

/// A removed unit is refused for good, whatever it asks.
impl From<Removed> for HttpError {
    fn from(removed: Removed) -> HttpError {
        forbidden(removed.to_string())
    }
}

/// A claim fails only when this controller may not grant (a refusal) or could not make a new
/// term durable (the store failed, or on etcd it was deposed): both are "not now".
impl From<ClaimError> for HttpError {
    fn from(e: ClaimError) -> HttpError {
        match e {
            ClaimError::NotActive(refusal) => refusal.into(),
            ClaimError::Removed(removed) => removed.into(),
            e @ (ClaimError::Store(_) | ClaimError::ShuttingDown(_)) => {
                HttpError::new(ErrorCode::Unavailable, e.to_string())
            }
        }
    }
}

/// A fenced write refused: not the leader under that term, too big, or not made. (A function,
/// not `From`: the error is `leaderd-core`'s.)
fn write_refused(e: LeaderWriteError) -> HttpError {
    match e {
        LeaderWriteError::NotLeader => HttpError::new(ErrorCode::NotLeader, e.to_string()),
        LeaderWriteError::Invalid(e) => HttpError::new(ErrorCode::BadRequest, e),
        LeaderWriteError::TooLarge(e) => HttpError::new(ErrorCode::TooLarge, e),
        e @ LeaderWriteError::Failed(_) => HttpError::new(ErrorCode::Unavailable, e.to_string()),
    }
}

/// A config change refused: an application without a charm config is not found, a bad key
/// or value is the request's fault, and a change not made durable is "not now".
impl From<ConfigChangeError> for HttpError {
    fn from(e: ConfigChangeError) -> HttpError {
        let code = match e {
            ConfigChangeError::NotFound(_) => ErrorCode::NotFound,
            ConfigChangeError::Invalid(_) | ConfigChangeError::Storage(_) | ConfigChangeError::Relations(_) => {
                ErrorCode::BadRequest
            }
            ConfigChangeError::Write(_) => ErrorCode::Unavailable,
        };
        HttpError::new(code, e.to_string())
    }
}

/// A secret read refused: not found, not the caller's to read, or not the leader's any more;
/// a tracking change not made durable is "not now".
impl From<SecretReadError> for HttpError {
    fn from(e: SecretReadError) -> HttpError {
        let code = match &e {
            SecretReadError::Refused(
                SecretError::NotFound(_) | SecretError::LabelNotFound(_) | SecretError::RevisionNotFound(_),
            ) => ErrorCode::NotFound,
            SecretReadError::Refused(SecretError::PermissionDenied) => ErrorCode::Forbidden,
            SecretReadError::Refused(SecretError::NotLeader) => ErrorCode::NotLeader,
            SecretReadError::Refused(SecretError::Invalid(_)) => ErrorCode::BadRequest,
            SecretReadError::Failed(e) => return write_refused(e.clone()),
        };
        HttpError::new(code, e.to_string())
    }
}

/// Durations the way people write them back: `5s`, `1m30s`, `250ms`.
fn show(d: Duration) -> String {
    leaderd_core::duration::format(d)
}

async fn claim(State(api): Shared, Path(app): Path<String>, headers: HeaderMap, body: Body) -> Answer<ClaimResponse> {
    let unit = api.unit_of(&headers, &app)?;
    let req: ClaimRequest = decode(body)?;
    let duration = Duration::from_millis(req.duration_ms);
    let config = api.controller.config();
    if duration < config.min_lease || duration > config.max_lease {
        return Err(HttpError::new(
            ErrorCode::BadRequest,
            format!(
                "invalid duration {}: must be between {} and {}",
                show(duration),
                show(config.min_lease),
                show(config.max_lease)
            ),
        ));
    }
    Ok(Json(match api.controller.claim(&unit, duration).await? {
        ClaimOutcome::Granted { term, expires_in } => {
            ClaimResponse { granted: true, term: Some(term.0), expires_in_ms: Some(expires_in.as_millis() as u64) }
        }
        ClaimOutcome::Denied => ClaimResponse { granted: false, term: None, expires_in_ms: None },
    }))
}

async fn wait_released(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<WaitReleasedResponse> {
    let unit = api.unit_of(&headers, &app)?;
    let req: WaitReleasedRequest = decode(body)?;
    api.active()?;
    let released = tokio::select! {
        released = api.controller.wait_claimable(&unit, Api::poll_timeout(req.timeout_ms)) => released,
        e = api.until_stepped_down() => return Err(e),
        _ = api.until_shutdown() => false,
    };
    Ok(Json(WaitReleasedResponse { released }))
}

async fn revoke(State(api): Shared, Path(app): Path<String>, headers: HeaderMap) -> Answer<RevokeResponse> {
    api.operator(&headers)?;
    let app = check_app(&app)?;
    api.active()?;
    let term = api.controller.revoke(&app).await;
    Ok(Json(RevokeResponse { revoked: term.is_some(), term: term.map(|t| t.0) }))
}

async fn elect(State(api): Shared, Path(app): Path<String>, headers: HeaderMap, body: Body) -> Answer<ElectResponse> {
    api.operator(&headers)?;
    let app = check_app(&app)?;
    let req: ElectRequest = decode(body)?;
    api.active()?;
    let unit = Unit::new(&req.unit).map_err(|e| HttpError::new(ErrorCode::BadRequest, e.to_string()))?;
    if unit.application() != app {
        return Err(HttpError::new(
            ErrorCode::BadRequest,
            format!("unit {} is not a unit of application {app}", unit.as_str()),
        ));
    }
    let now = tokio::time::Instant::now();
    let elected = api.controller.elect(&unit).map_err(|e| match e {
        ElectError::NotFound(_) => HttpError::new(ErrorCode::NotFound, e.to_string()),
        ElectError::Removed(removed) => HttpError::new(ErrorCode::NotFound, removed.to_string()),
    })?;
    Ok(Json(match elected {
        super::lease::Elect::AlreadyLeader { term } => {
            ElectResponse { already_leader: true, term, revoked_term: None, frees_in_ms: 0 }
        }
        super::lease::Elect::Designated { revoked_term, frees_at } => ElectResponse {
            already_leader: false,
            term: revoked_term.unwrap_or(0),
            revoked_term,
            frees_in_ms: frees_at.saturating_duration_since(now).as_millis() as u64,
        },
    }))
}

async fn release(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<ReleaseResponse> {
    let unit = api.unit_of(&headers, &app)?;
    let req: ReleaseRequest = decode(body)?;
    api.active()?;
    Ok(Json(ReleaseResponse { released: api.controller.release(&unit, Term(req.term)) }))
}

async fn read_settings(State(api): Shared, Path(app): Path<String>, headers: HeaderMap) -> Answer<SettingsResponse> {
    let app = api.reader_of(&headers, &app)?;
    api.active()?;
    let bucket = api.controller.read(&app);
    Ok(Json(SettingsResponse { settings: bucket.settings, version: bucket.version }))
}

async fn merge(State(api): Shared, Path(app): Path<String>, headers: HeaderMap, body: Body) -> Answer<MergeResponse> {
    let unit = api.unit_of(&headers, &app)?;
    let req: MergeRequest = decode(body)?;
    let mut changes = req.set;
    for key in req.unset {
        changes.insert(key, String::new());
    }
    for key in changes.keys() {
        names::check_setting_key(key).map_err(|e| HttpError::new(ErrorCode::InvalidKey, e.to_string()))?;
    }
    api.active()?;
    let version = api.controller.merge(&unit, Term(req.term), changes).await.map_err(|e| match e {
        // A merge's bad request is about a key (the keys were checked above, so the controller
        // does not answer this today).
        LeaderWriteError::Invalid(e) => HttpError::new(ErrorCode::InvalidKey, e),
        e => write_refused(e),
    })?;
    Ok(Json(MergeResponse { version }))
}

async fn watch_settings(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<WatchResponse> {
    let app = api.reader_of(&headers, &app)?;
    let req: WatchRequest = decode(body)?;
    api.active()?;
    let version = tokio::select! {
        v = api.controller.watch(&app, req.after, Api::poll_timeout(req.timeout_ms)) => v,
        e = api.until_stepped_down() => return Err(e),
        _ = api.until_shutdown() => api.controller.read(&app).version,
    };
    Ok(Json(WatchResponse { version }))
}

async fn status(State(api): Shared, headers: HeaderMap) -> Answer<StatusResponse> {
    api.operator(&headers)?;
    // A standby's lease table is stale: it names the active controller instead.
    let role = match api.controller.role() {
        super::active::Role::Sole => None,
        super::active::Role::Active { .. } => Some("active".to_string()),
        super::active::Role::Standby { active } => return Err(Refusal::Standby { active }.into()),
    };
    Ok(Json(StatusResponse {
        store: api.controller.store_name().to_string(),
        applications: api.controller.status(),
        role,
    }))
}

/// A fresh token for the caller, living the controller's token lifetime from now. Only the
/// active controller renews a unit's: a standby has not loaded which units were removed, so it
/// would renew a removed unit's token (the client follows its pointer to the active one).
async fn renew_token(State(api): Shared, headers: HeaderMap) -> Answer<RenewResponse> {
    let principal = match api.caller(&headers)? {
        Caller::Unit(unit) => {
            api.active()?;
            unit
        }
        Caller::Operator => leaderd_net::auth::OPERATOR.to_string(),
    };
    let expiry = leaderd_net::auth::unix_now().saturating_add(api.token_ttl.as_secs().max(1));
    tracing::debug!(principal, expiry, "token renewed");
    Ok(Json(RenewResponse { token: api.secret.token_until(&principal, expiry), expires_at: expiry }))
}

fn not_found(app: &Application) -> HttpError {
    ConfigChangeError::NotFound(app.as_str().into()).into()
}

/// The application's config; an application without a registered charm config is not found.
async fn read_config(State(api): Shared, Path(app): Path<String>, headers: HeaderMap) -> Answer<AppConfig> {
    let app = api.reader_of(&headers, &app)?;
    api.active()?;
    api.controller.app_config(&app).map(Json).ok_or_else(|| not_found(&app))
}

/// An operator's config change (or deploy, with the charm's options): all or nothing.
async fn change_config(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<AppConfig> {
    api.operator(&headers)?;
    let app = check_app(&app)?;
    let req: ConfigChangeRequest = decode(body)?;
    api.active()?;
    let change = ConfigChange {
        options: req.options,
        set: req.set,
        reset: req.reset,
        charm: req.charm,
        peers: req.peers,
        storage: req.storage,
        endpoints: req.endpoints,
        trust: req.trust,
        charm_url: req.charm_url,
    };
    Ok(Json(api.controller.change_config(&app, change).await?))
}

async fn watch_config(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<WatchResponse> {
    let app = api.reader_of(&headers, &app)?;
    let req: WatchRequest = decode(body)?;
    api.active()?;
    let version = tokio::select! {
        v = api.controller.watch_config(&app, req.after, Api::poll_timeout(req.timeout_ms)) => v,
        e = api.until_stepped_down() => return Err(e),
        _ = api.until_shutdown() => api.controller.app_config(&app).map_or(0, |c| c.version),
    };
    Ok(Json(WatchResponse { version }))
}

async fn read_statuses(State(api): Shared, Path(app): Path<String>, headers: HeaderMap) -> Answer<StatusesResponse> {
    let app = api.reader_of(&headers, &app)?;
    api.active()?;
    let (application, units) = api.controller.statuses(&app);
    let (ports, storage) = (api.controller.unit_ports(&app), api.controller.app_storage(&app));
    let payloads = api.controller.unit_payloads(&app);
    Ok(Json(StatusesResponse { application, units, ports, storage, payloads }))
}

/// The most storage directives one request may carry: a charm has a handful of storages (Juju
/// has no limit; this keeps one request's work bounded).
const MAX_STORAGE_DIRECTIVES: usize = 64;

/// The calling unit's storage instances.
async fn read_storage(State(api): Shared, Path(app): Path<String>, headers: HeaderMap) -> Answer<UnitStorageResponse> {
    let unit = api.unit_of(&headers, &app)?;
    api.active()?;
    Ok(Json(UnitStorageResponse { storage: api.controller.unit_storage(&unit) }))
}

/// The calling unit gets the charm's minimum count of each storage it lacks.
async fn ensure_storage(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<UnitStorageResponse> {
    let unit = api.unit_of(&headers, &app)?;
    let req: StorageEnsureRequest = decode(body)?;
    if req.storage.len() > MAX_STORAGE_DIRECTIVES {
        let message = format!("too many storage directives (at most {MAX_STORAGE_DIRECTIVES})");
        return Err(HttpError::new(ErrorCode::BadRequest, message));
    }
    api.active()?;
    let storage = api.controller.ensure_storage(&unit, req.storage).await.map_err(write_refused)?;
    Ok(Json(UnitStorageResponse { storage }))
}

/// The limits on a status the controller keeps: a message up to 64 KiB, as the hook endpoint's
/// bodies allow far more than `juju status` should show.
const MAX_STATUS_TEXT: usize = 64 << 10;

fn check_status(status: &leaderd_core::wire::hook::WorkloadStatus) -> Result<(), HttpError> {
    if status.message.len() > MAX_STATUS_TEXT || status.status.len() > 64 {
        return Err(HttpError::new(ErrorCode::BadRequest, "status message too long (at most 64 KiB)"));
    }
    // What a charm may set (status-set's four), and the `unknown` a unit starts with.
    const STATUSES: [&str; 5] = ["unknown", "maintenance", "blocked", "waiting", "active"];
    if !STATUSES.contains(&status.status.as_str()) {
        let message = format!("invalid status {}", leaderd_core::gocompat::go_quote(&status.status));
        return Err(HttpError::new(ErrorCode::BadRequest, message));
    }
    Ok(())
}

/// The most relations one join may name: a charm has a handful of peer relations.
const MAX_JOINED_RELATIONS: usize = 64;

/// The calling unit's own workload status and version.
async fn set_unit_status(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<serde_json::Value> {
    let unit = api.unit_of(&headers, &app)?;
    let status: UnitStatus = decode(body)?;
    api.active()?;
    check_status(&status.workload)?;
    if status.version.len() > MAX_STATUS_TEXT {
        return Err(HttpError::new(ErrorCode::BadRequest, "workload version too long (at most 64 KiB)"));
    }
    api.controller.set_unit_status(&unit, status).await.map_err(write_refused)?;
    Ok(Json(serde_json::json!({})))
}

/// The application status, from its leader only (fenced by the term).
async fn set_app_status(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<serde_json::Value> {
    let unit = api.unit_of(&headers, &app)?;
    let req: AppStatusRequest = decode(body)?;
    api.active()?;
    check_status(&req.status)?;
    api.controller.set_app_status(&unit, Term(req.term), req.status).await.map_err(write_refused)?;
    Ok(Json(serde_json::json!({})))
}

/// A relation write's answer: the new version, or why it was refused.
fn relations_written(written: Result<u64, LeaderWriteError>) -> Answer<RelationsVersion> {
    Ok(Json(RelationsVersion { version: written.map_err(write_refused)? }))
}

async fn read_relations(State(api): Shared, Path(app): Path<String>, headers: HeaderMap) -> Answer<RelationsResponse> {
    let app = api.reader_of(&headers, &app)?;
    api.active()?;
    match api.caller(&headers)? {
        Caller::Unit(unit) => {
            let unit = Unit::new(&unit).map_err(|e| HttpError::new(ErrorCode::BadRequest, e.to_string()))?;
            Ok(Json(api.controller.relations_for(&unit)))
        }
        Caller::Operator => Ok(Json(api.controller.relations(&app))),
    }
}

/// A unit commits what a hook wrote: its own bag only (the caller is the owner), and the
/// application bag only under its current lease term.
async fn commit_relations(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<RelationsVersion> {
    let unit = api.unit_of(&headers, &app)?;
    let req: RelationCommitRequest = decode(body)?;
    // A new secret's id is an xid, as the agent makes them.
    for change in &req.secrets {
        if let SecretChange::Create { id, .. } = change {
            if leaderd_core::secrets::SecretId::parse(id).is_none() {
                let message = format!("secret URI {} not valid", leaderd_core::gocompat::go_quote(id));
                return Err(HttpError::new(ErrorCode::BadRequest, message));
            }
        }
    }
    api.active()?;
    let term = req.term.map(Term);
    if req.storage.len() > MAX_STORAGE_DIRECTIVES {
        let message = format!("too many storage directives in one commit (at most {MAX_STORAGE_DIRECTIVES})");
        return Err(HttpError::new(ErrorCode::BadRequest, message));
    }
    let commit = HookCommit {
        changes: req.changes,
        secrets: req.secrets,
        charm_state: req.charm_state,
        ports: req.ports,
        storage: req.storage,
        payloads: req.payloads,
    };
    let written = api.controller.commit_hook_full(&unit, term, commit);
    relations_written(written.await)
}

/// The calling unit's charm state (Juju's `UnitState`, its `CharmState`).
async fn read_unit_state(State(api): Shared, Path(app): Path<String>, headers: HeaderMap) -> Answer<UnitStateResponse> {
    let unit = api.unit_of(&headers, &app)?;
    api.active()?;
    Ok(Json(UnitStateResponse { state: api.controller.unit_state(&unit) }))
}

async fn join_relations(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<RelationsVersion> {
    let unit = api.unit_of(&headers, &app)?;
    let req: RelationJoinRequest = decode(body)?;
    if req.relation_ids.len() > MAX_JOINED_RELATIONS {
        let message = format!("too many relations in one join (at most {MAX_JOINED_RELATIONS})");
        return Err(HttpError::new(ErrorCode::BadRequest, message));
    }
    api.active()?;
    // When the deployment registered its endpoints, a unit joins only its application's
    // relations that are alive (their ids are the controller's).
    let app = unit.application();
    if api.controller.app_config(&app).is_some_and(|c| c.peers.is_some() || c.endpoints.is_some()) {
        if let Some(id) = req.relation_ids.iter().find(|id| !api.controller.may_join(&app, **id)) {
            let ids = api.controller.alive_relation_ids(&app);
            let has = match ids.as_slice() {
                [] => format!("{app} has no relations"),
                ids => format!("{app}'s relations: {}", ids.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")),
            };
            return Err(HttpError::new(ErrorCode::NotFound, format!("relation {id} not found ({has})")));
        }
    }
    relations_written(api.controller.join_relations(&unit, &req.relation_ids).await)
}

/// A unit leaves the relations' scope: the unit itself, or the operator removing it.
async fn leave_relations(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<RelationsVersion> {
    let app = check_app(&app)?;
    let req: RelationLeaveRequest = decode(body)?;
    api.active()?;
    let unit = Unit::new(&req.unit).map_err(|e| HttpError::new(ErrorCode::BadRequest, e.to_string()))?;
    if unit.application() != app {
        return Err(HttpError::new(ErrorCode::BadRequest, format!("unit {unit} is not a unit of {app}")));
    }
    match api.caller(&headers)? {
        Caller::Operator => {}
        Caller::Unit(caller) if caller == unit.as_str() => {}
        Caller::Unit(caller) => return Err(forbidden(format!("unit {caller} may not remove unit {unit}"))),
    }
    relations_written(api.controller.leave_relations(&unit).await)
}

/// A unit leaves the scope of some of its relations (dying ones its hooks are done with).
async fn depart_relations(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<RelationsVersion> {
    let unit = api.unit_of(&headers, &app)?;
    let req: RelationDepartRequest = decode(body)?;
    if req.relation_ids.len() > MAX_JOINED_RELATIONS {
        let message = format!("too many relations in one departure (at most {MAX_JOINED_RELATIONS})");
        return Err(HttpError::new(ErrorCode::BadRequest, message));
    }
    api.active()?;
    relations_written(api.controller.depart_relations(&unit, Some(&req.relation_ids)).await)
}

/// A relation change refused, with the status its kind carries.
fn relation_refused(e: RelationError) -> HttpError {
    match e {
        RelationError::NotFound(m) => HttpError::new(ErrorCode::NotFound, m),
        RelationError::Invalid(m) => HttpError::new(ErrorCode::BadRequest, m),
        RelationError::Exists(m) => HttpError::new(ErrorCode::AlreadyExists, m),
        RelationError::Write(e) => write_refused(e),
    }
}

/// The operator's `juju integrate`: two `app[:endpoint]`.
async fn integrate(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<RelationDef> {
    api.operator(&headers)?;
    let req: IntegrateRequest = decode(body)?;
    if req.endpoints.len() != 2 {
        return Err(HttpError::new(ErrorCode::BadRequest, "an integration must involve two applications"));
    }
    api.active()?;
    let relation = api.controller.integrate(req.endpoints).await.map_err(relation_refused)?;
    tracing::info!(relation = relation.id, key = relation.key, "relation added");
    Ok(Json(relation))
}

/// The operator's `juju remove-relation`: two `app[:endpoint]` naming one relation.
async fn remove_relation(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<RelationDef> {
    api.operator(&headers)?;
    let req: RemoveRelationRequest = decode(body)?;
    let by_id = req.id.filter(|_| req.endpoints.is_empty());
    if by_id.is_none() && req.endpoints.len() != 2 {
        return Err(HttpError::new(ErrorCode::BadRequest, "a relation must involve two applications"));
    }
    api.active()?;
    let removed = match by_id {
        Some(id) => api.controller.remove_relation_id(id).await,
        None => api.controller.remove_relation(req.endpoints).await,
    };
    let relation = removed.map_err(relation_refused)?;
    tracing::info!(relation = relation.id, key = relation.key, "relation dying");
    Ok(Json(relation))
}

/// The operator removes an application: every relation of it becomes dying.
async fn destroy_relations(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<RelationDefsResponse> {
    api.operator(&headers)?;
    let app = check_app(&app)?;
    let _: serde_json::Value = decode(body)?;
    api.active()?;
    let relations = api.controller.destroy_application_relations(&app).await.map_err(relation_refused)?;
    Ok(Json(RelationDefsResponse { relations }))
}

/// Every relation record of the model (operator).
async fn relation_defs(State(api): Shared, headers: HeaderMap) -> Answer<RelationDefsResponse> {
    api.operator(&headers)?;
    api.active()?;
    Ok(Json(RelationDefsResponse { relations: api.controller.relation_defs() }))
}

async fn watch_relations(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<RelationsVersion> {
    let app = api.reader_of(&headers, &app)?;
    let req: WatchRequest = decode(body)?;
    api.active()?;
    let version = tokio::select! {
        v = api.controller.watch_relations(&app, req.after, Api::poll_timeout(req.timeout_ms)) => v,
        e = api.until_stepped_down() => return Err(e),
        _ = api.until_shutdown() => api.controller.relations(&app).version,
    };
    Ok(Json(RelationsVersion { version }))
}

/// A removed unit's status goes with it (operator: `leaderd up` after `remove-unit`).
async fn forget_unit(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<serde_json::Value> {
    api.operator(&headers)?;
    let app = check_app(&app)?;
    let req: ForgetUnitRequest = decode(body)?;
    api.active()?;
    let unit = Unit::new(&req.unit).map_err(|e| HttpError::new(ErrorCode::BadRequest, e.to_string()))?;
    if unit.application() != app {
        return Err(HttpError::new(
            ErrorCode::BadRequest,
            format!("unit {} is not a unit of application {app}", unit.as_str()),
        ));
    }
    api.controller.forget_unit(&unit).await.map_err(write_refused)?;
    Ok(Json(serde_json::json!({})))
}

/// A unit reads a secret: its own, its application's, or one granted to it.
async fn read_secret(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<SecretReadResponse> {
    let unit = api.unit_of(&headers, &app)?;
    let req: SecretReadRequest = decode(body)?;
    api.active()?;
    Ok(Json(api.controller.read_secret(&unit, req).await?))
}

/// The secrets a unit manages (its application's too, under a current term).
async fn owned_secrets(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<OwnedSecretsResponse> {
    let unit = api.unit_of(&headers, &app)?;
    let req: OwnedSecretsRequest = decode(body)?;
    api.active()?;
    Ok(Json(api.controller.owned_secrets(&unit, req.term.map(Term))))
}

/// What a unit's secret hooks need to know.
async fn secret_view(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<SecretView> {
    let unit = api.unit_of(&headers, &app)?;
    let req: OwnedSecretsRequest = decode(body)?;
    api.active()?;
    Ok(Json(api.controller.secret_view(&unit, req.term.map(Term))))
}

async fn watch_secrets(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<WatchResponse> {
    api.reader_of(&headers, &app)?;
    let req: WatchRequest = decode(body)?;
    api.active()?;
    let version = tokio::select! {
        v = api.controller.watch_secrets(req.after, Api::poll_timeout(req.timeout_ms)) => v,
        e = api.until_stepped_down() => return Err(e),
        _ = api.until_shutdown() => api.controller.secrets_version(),
    };
    Ok(Json(WatchResponse { version }))
}

/// The operator enqueues an action on some units of one or more applications.
async fn enqueue(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<EnqueueResponse> {
    api.operator(&headers)?;
    let req: EnqueueRequest = decode(body)?;
    api.active()?;
    if !leaderd_core::actions::valid_action_name(&req.action) {
        return Err(HttpError::new(ErrorCode::BadRequest, format!("invalid action name {:?}", req.action)));
    }
    let units = req
        .units
        .iter()
        .map(|u| Unit::new(u).map_err(|e| HttpError::new(ErrorCode::BadRequest, e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    if units.is_empty() && !req.failure.is_empty() {
        return Ok(Json(api.controller.fail_enqueue(&req.action, &req.failure).await.map_err(write_refused)?));
    }
    Ok(Json(api.controller.enqueue(&req.action, req.params, &units).await.map_err(write_refused)?))
}

async fn operations(State(api): Shared, headers: HeaderMap) -> Answer<OperationsResponse> {
    api.operator(&headers)?;
    api.active()?;
    Ok(Json(OperationsResponse { tasks: api.controller.tasks(), failed: api.controller.failed_operations() }))
}

fn task_id(id: &str) -> Result<u64, HttpError> {
    id.parse().map_err(|_| HttpError::new(ErrorCode::BadRequest, format!("task id {id:?} is not a number")))
}

fn task_not_found(id: u64) -> HttpError {
    HttpError::new(ErrorCode::NotFound, format!("task {id} not found"))
}

async fn show_task(State(api): Shared, Path(id): Path<String>, headers: HeaderMap) -> Answer<Task> {
    api.operator(&headers)?;
    api.active()?;
    let id = task_id(&id)?;
    api.controller.task(id).map(Json).ok_or_else(|| task_not_found(id))
}

async fn wait_task(State(api): Shared, Path(id): Path<String>, headers: HeaderMap, body: Body) -> Answer<Task> {
    api.operator(&headers)?;
    let req: WaitReleasedRequest = decode(body)?;
    api.active()?;
    let id = task_id(&id)?;
    let task = tokio::select! {
        t = api.controller.wait_task(id, Api::poll_timeout(req.timeout_ms)) => t,
        e = api.until_stepped_down() => return Err(e),
        _ = api.until_shutdown() => api.controller.task(id),
    };
    task.map(Json).ok_or_else(|| task_not_found(id))
}

/// A unit's long-poll for its work (`Controller::unit_tasks`).
async fn pending_tasks(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<UnitTasksResponse> {
    let unit = api.unit_of(&headers, &app)?;
    let req: WatchRequest = decode(body)?;
    api.active()?;
    let tasks = tokio::select! {
        t = api.controller.unit_tasks(&unit, Api::poll_timeout(req.timeout_ms)) => t,
        e = api.until_stepped_down() => return Err(e),
        _ = api.until_shutdown() => Vec::new(),
    };
    Ok(Json(UnitTasksResponse { tasks }))
}

/// A unit reports its task started or ended.
async fn report_task(
    State(api): Shared,
    Path((app, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Answer<serde_json::Value> {
    let unit = api.unit_of(&headers, &app)?;
    let req: TaskReport = decode(body)?;
    api.active()?;
    let id = task_id(&id)?;
    api.controller.report_task(&unit, id, req.result).await.map_err(|e| match e {
        TaskError::NotFound(id) => task_not_found(id),
        e @ TaskError::NotYours { .. } => forbidden(e.to_string()),
        TaskError::Write(e) => write_refused(e),
    })?;
    Ok(Json(serde_json::json!({})))
}

// The operator's secrets: every secret's metadata, one with its content, and the user
// secrets it adds, changes, removes, grants and revokes. The operator token only.

async fn operator_secrets(State(api): Shared, headers: HeaderMap) -> Answer<OperatorSecretsResponse> {
    api.operator(&headers)?;
    api.active()?;
    Ok(Json(api.controller.operator_secrets()))
}

async fn show_secret(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<OperatorSecretsResponse> {
    api.operator(&headers)?;
    let req: SecretShowRequest = decode(body)?;
    api.active()?;
    api.controller.show_secret(&req).map(Json).map_err(|e| SecretReadError::Refused(e).into())
}

async fn user_secret(api: &Api, change: UserChange) -> Answer<UserSecretWritten> {
    api.active()?;
    Ok(Json(UserSecretWritten { id: api.controller.change_user_secret(change).await? }))
}

async fn add_user_secret(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<UserSecretWritten> {
    api.operator(&headers)?;
    let request: UserSecretAddRequest = decode(body)?;
    user_secret(&api, UserChange::Add { id: crate::new_secret_id(), request }).await
}

async fn update_user_secret(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<UserSecretWritten> {
    api.operator(&headers)?;
    user_secret(&api, UserChange::Update(decode(body)?)).await
}

async fn remove_user_secret(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<UserSecretWritten> {
    api.operator(&headers)?;
    user_secret(&api, UserChange::Remove(decode(body)?)).await
}

async fn grant_user_secret(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<UserSecretWritten> {
    api.operator(&headers)?;
    user_secret(&api, UserChange::Grant(decode(body)?)).await
}

async fn revoke_user_secret(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<UserSecretWritten> {
    api.operator(&headers)?;
    user_secret(&api, UserChange::Revoke(decode(body)?)).await
}

// --- Model status and config (`juju status`, `juju model-config`) ---

/// Everything `juju status` shows, in one snapshot (operator).
async fn model_status(State(api): Shared, headers: HeaderMap) -> Answer<ModelStatusResponse> {
    api.operator(&headers)?;
    api.active()?;
    Ok(Json(api.controller.model_status()))
}

/// The model config values set (operator, or any unit: agents read the update-status
/// interval).
async fn read_model_config(State(api): Shared, headers: HeaderMap) -> Answer<ModelConfigResponse> {
    api.caller(&headers)?;
    api.active()?;
    Ok(Json(api.controller.model_config()))
}

/// An operator's model config change: all or nothing, in Juju's words when refused.
async fn change_model_config(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<ModelConfigResponse> {
    api.operator(&headers)?;
    let req: ModelConfigChangeRequest = decode(body)?;
    if req.set.len() + req.reset.len() > leaderd_core::model_config::MAX_CHANGE_KEYS {
        return Err(HttpError::new(ErrorCode::BadRequest, leaderd_core::model_config::too_many_keys()));
    }
    api.active()?;
    api.controller.change_model_config(req).await.map(Json).map_err(|e| match e {
        super::model::ModelConfigError::Invalid(e) => HttpError::new(ErrorCode::BadRequest, e.to_string()),
        super::model::ModelConfigError::Write(e) => write_refused(e),
    })
}

async fn watch_model_config(State(api): Shared, headers: HeaderMap, body: Body) -> Answer<WatchResponse> {
    api.caller(&headers)?;
    let req: WatchRequest = decode(body)?;
    api.active()?;
    let version = tokio::select! {
        v = api.controller.watch_model_config(req.after, Api::poll_timeout(req.timeout_ms)) => v,
        e = api.until_stepped_down() => return Err(e),
        _ = api.until_shutdown() => api.controller.model_config().version,
    };
    Ok(Json(WatchResponse { version }))
}

/// The agent statuses a unit reports of itself (Juju's `juju-status`).
const AGENT_STATUSES: [&str; 4] = ["allocating", "executing", "idle", "error"];

/// The calling unit's own agent status.
async fn set_agent_status(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<serde_json::Value> {
    let unit = api.unit_of(&headers, &app)?;
    let status: AgentStatus = decode(body)?;
    if !AGENT_STATUSES.contains(&status.status.as_str()) {
        let message = format!("invalid agent status {}", leaderd_core::gocompat::go_quote(&status.status));
        return Err(HttpError::new(ErrorCode::BadRequest, message));
    }
    if status.message.len() > MAX_STATUS_TEXT {
        return Err(HttpError::new(ErrorCode::BadRequest, "status message too long (at most 64 KiB)"));
    }
    api.active()?;
    api.controller.set_agent_status(&unit, status).await.map_err(write_refused)?;
    Ok(Json(serde_json::json!({})))
}

/// The units a deploy or add-unit made (operator): listed by `juju status` at once.
async fn register_units(
    State(api): Shared,
    Path(app): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer<serde_json::Value> {
    api.operator(&headers)?;
    let app = check_app(&app)?;
    let req: UnitsRegisterRequest = decode(body)?;
    if req.units.len() > 1024 {
        return Err(HttpError::new(ErrorCode::BadRequest, "too many units in one registration (at most 1024)"));
    }
    let mut units = Vec::new();
    for name in &req.units {
        let unit = Unit::new(name).map_err(|e| HttpError::new(ErrorCode::BadRequest, e.to_string()))?;
        if unit.application() != app {
            let message = format!("unit {name} is not a unit of application {}", app.as_str());
            return Err(HttpError::new(ErrorCode::BadRequest, message));
        }
        units.push(unit);
    }
    api.active()?;
    api.controller.register_units(&app, &units).await.map_err(write_refused)?;
    Ok(Json(serde_json::json!({})))
}
