//! The hook endpoint: an HTTP/1.1 server on the agent's unix socket that answers jujuc, one
//! request per tool call (protocol: `docs/hook-endpoint.md`, types: `leaderd_core::wire`).
//!
//! It keeps the registry of live hook contexts. The agent opens a context when a hook starts
//! and closes it when the hook ends; a context id is a random capability, so a process that
//! does not know it cannot act as the hook. Each context serves one tool call at a time, as
//! Juju's server does.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use axum::extract::{DefaultBodyLimit, State};
use axum::http::Uri;
use axum::routing::post;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use tokio::net::UnixListener;

use super::action_tools;
use super::context::HookContext;
use super::net_tools;
use super::payload_tools;
use super::secret_tools;
use super::state_tools;
use super::{HookBackend, LeaderWriteError};
use leaderd_core::format::go_quote;
use leaderd_core::wire::hook::{
    self, ApplicationVersionSetRequest, ConfigGetResponse, ContextRequest, IsLeaderResponse, JujuLogRequest,
    LeaderGetResponse, LeaderSetRequest, LogRecord, RelationGetRequest, RelationGetResponse, RelationInfo,
    RelationSetRequest, RelationsResponse, StatusGetRequest, StatusGetResponse, StatusSetRequest, WorkloadStatus,
};
use leaderd_core::wire::ErrorCode;
use leaderd_net::server::{self, Body, HttpError, Limits};

/// Where juju-log records go: the unit, the hook they came from, and the record.
pub(crate) type LogSink = Arc<dyn Fn(&str, &str, &LogRecord) + Send + Sync>;

/// How many ended context ids are remembered, to tell "ended" from "never existed".
const REMEMBERED_ENDED: usize = 4096;

/// The hook endpoint of one unit.
pub struct HookEndpoint<L> {
    pub(crate) unit: String,
    pub(crate) backend: Arc<L>,
    log: LogSink,
    contexts: Mutex<HashMap<String, Arc<tokio::sync::Mutex<HookContext>>>>,
    ended: Mutex<(HashSet<String>, VecDeque<String>)>,
    statuses: Mutex<Statuses>,
    /// The unit's charm directory, whose `config.yaml` config-get reads.
    charm_dir: Mutex<Option<std::path::PathBuf>>,
    /// The remote units each relation's hooks have been told about (joined and not departed),
    /// which relation-list reports, as Juju's uniter does. `None`: every unit in scope.
    joined: Mutex<Option<std::collections::BTreeMap<u64, Vec<String>>>>,
    /// The relations whose -relation-broken has run: gone for the unit's later hooks.
    broken: Mutex<std::collections::BTreeSet<u64>>,
    /// The relations the hooks were told of (created), by id: a relation the controller has
    /// removed stays the hooks' until its -relation-broken has run.
    known: Mutex<std::collections::BTreeMap<u64, leaderd_core::relations::UnitRelation>>,
    /// The model's UUID, which secret-add's URIs carry (empty: URIs are `secret:ID`).
    pub(crate) model_uuid: Mutex<String>,
    /// The unit's copies of its file resources, by name (resource-get).
    pub(crate) resources: Mutex<std::collections::BTreeMap<String, std::path::PathBuf>>,
    /// The unit's storage instances as the controller last listed them (none until it
    /// answered); the uniter watches it for storage hooks.
    pub(crate) storage: tokio::sync::watch::Sender<Option<Vec<leaderd_core::wire::controller::StorageInstance>>>,
    /// Where the instances' directories are (`<state>/storage`; none: an endpoint without a
    /// state directory, whose instances have no location).
    pub(crate) storage_root: Mutex<Option<std::path::PathBuf>>,
    /// The unit is being removed (`leaderd remove-unit`): it adds no storage.
    pub(crate) dying: std::sync::atomic::AtomicBool,
    /// The instances whose `-storage-detaching` hook is done: no longer listed.
    pub(crate) detached: Mutex<std::collections::BTreeSet<String>>,
    /// What the agent reports of itself for `juju status` (`status_report.rs`).
    pub(crate) reports: super::status_report::Reports,
}

/// What the charm has told the agent about its workload, in memory for the agent's lifetime.
/// Set at once by the tools (not at hook end), as Juju does.
#[derive(Debug, Clone, PartialEq)]
pub struct Statuses {
    pub unit: WorkloadStatus,
    /// Set and read only by the leader.
    pub application: WorkloadStatus,
    /// Whether this unit has set the application status.
    pub application_set: bool,
    /// The workload version (application-version-set); empty until set.
    pub workload_version: String,
}

impl Default for Statuses {
    fn default() -> Statuses {
        Statuses {
            unit: WorkloadStatus::unknown(),
            application: WorkloadStatus::unknown(),
            application_set: false,
            workload_version: String::new(),
        }
    }
}

/// Juju's `ErrIsNotLeader`, for `--application` from a minion.
const NOT_THE_LEADER: &str = "this unit is not the leader";

impl<L: HookBackend> HookEndpoint<L> {
    /// An endpoint for `unit` whose juju-log lines go to `tracing` (target `juju_log`).
    pub fn new(unit: impl Into<String>, backend: Arc<L>) -> Arc<Self> {
        Self::with_log(
            unit,
            backend,
            Arc::new(|unit: &str, hook: &str, record: &LogRecord| {
                tracing::info!(target: "juju_log", unit, hook, level = record.level.as_str(), "{}", record.message);
            }),
        )
    }

    pub fn with_log(unit: impl Into<String>, backend: Arc<L>, log: LogSink) -> Arc<Self> {
        Arc::new(HookEndpoint {
            unit: unit.into(),
            backend,
            log,
            contexts: Mutex::default(),
            ended: Mutex::default(),
            statuses: Mutex::default(),
            charm_dir: Mutex::default(),
            joined: Mutex::default(),
            broken: Mutex::default(),
            known: Mutex::default(),
            model_uuid: Mutex::default(),
            resources: Mutex::default(),
            storage: tokio::sync::watch::channel(None).0,
            storage_root: Mutex::default(),
            dying: Default::default(),
            reports: Default::default(),
            detached: Mutex::default(),
        })
    }

    /// Opens a fresh context for a hook (or exec) named `name` and returns its id:
    /// `<unit>-<name>-<32 hex digits from the OS's CSPRNG>`, as Juju's newer code does.
    pub fn open_context(&self, name: &str) -> String {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).expect("the OS random number generator failed");
        let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
        let id = format!("{}-{}-{}", self.unit, name, hex);
        let context = Arc::new(tokio::sync::Mutex::new(HookContext::new(name)));
        self.contexts.lock().unwrap().insert(id.clone(), context);
        id
    }

    /// Opens a fresh context that runs `action` (a hook context with the action's state).
    pub(crate) fn open_action_context(&self, action: action_tools::ActionState) -> String {
        let id = self.open_context(&action.name);
        if let Some(context) = self.contexts.lock().unwrap().get(&id) {
            context.try_lock().expect("a context nobody has seen yet").action = Some(action);
        }
        id
    }

    /// The state of the action context `id` runs (when its process has ended).
    pub(crate) async fn action_state(&self, id: &str) -> Option<action_tools::ActionState> {
        let context = self.contexts.lock().unwrap().get(id).cloned()?;
        let state = context.lock().await.action.clone();
        state
    }

    /// Records the process group of the hook context `id` runs (juju-reboot --now kills it).
    pub(crate) async fn set_process_group(&self, id: &str, pgid: u32) {
        let Some(context) = self.contexts.lock().unwrap().get(id).cloned() else { return };
        context.lock().await.process_group = Some(pgid);
    }

    /// The juju-reboot the hook in context `id` asked for: after it (`false`) or at once.
    pub(crate) async fn reboot_request(&self, id: &str) -> Option<bool> {
        let context = self.contexts.lock().unwrap().get(id).cloned()?;
        let reboot = context.lock().await.reboot;
        reboot
    }

    /// The unit's copies of its file resources, by name.
    pub fn set_resources(&self, resources: std::collections::BTreeMap<String, std::path::PathBuf>) {
        *self.resources.lock().unwrap() = resources;
    }

    /// Ends a context: from now on its id is refused with a clear error.
    pub fn close_context(&self, id: &str) {
        if self.contexts.lock().unwrap().remove(id).is_none() {
            return;
        }
        let mut ended = self.ended.lock().unwrap();
        let (set, order) = &mut *ended;
        set.insert(id.to_string());
        order.push_back(id.to_string());
        if order.len() > REMEMBERED_ENDED {
            if let Some(oldest) = order.pop_front() {
                set.remove(&oldest);
            }
        }
    }

    /// The model's UUID: secret-add answers `secret://UUID/ID`, as Juju's hook tool does.
    pub fn set_model_uuid(&self, uuid: &str) {
        *self.model_uuid.lock().unwrap() = uuid.to_string();
    }

    /// Where the unit's charm is: config-get reads its `config.yaml`.
    pub fn set_charm_dir(&self, dir: impl Into<std::path::PathBuf>) {
        *self.charm_dir.lock().unwrap() = Some(dir.into());
    }

    /// The unit's charm directory, if set.
    pub(crate) fn charm_dir(&self) -> Option<std::path::PathBuf> {
        self.charm_dir.lock().unwrap().clone()
    }

    /// The remote units the hooks of each relation know of (the runner sets it as joined and
    /// departed hooks run); relation-list reports these.
    pub fn set_joined(&self, joined: std::collections::BTreeMap<u64, Vec<String>>) {
        *self.joined.lock().unwrap() = Some(joined);
    }

    /// The relations whose -relation-broken has run (the runner sets it as they run): after
    /// it, the relation is gone for the unit's hooks, as Juju's relation state tracker drops a
    /// relation once its broken hook is committed.
    pub fn set_broken(&self, broken: std::collections::BTreeSet<u64>) {
        *self.broken.lock().unwrap() = broken;
    }

    /// The relations the hooks were told of (the runner sets it as they run).
    pub(crate) fn set_known(&self, known: std::collections::BTreeMap<u64, leaderd_core::relations::UnitRelation>) {
        *self.known.lock().unwrap() = known;
    }

    /// The unit's relations as a hook sees them: those in the controller's data (with their
    /// records) and those the controller removed whose -relation-broken has not run yet, but
    /// none whose -relation-broken has run.
    pub(crate) fn unit_relations(
        &self,
        data: &leaderd_core::wire::controller::RelationsResponse,
    ) -> Vec<leaderd_core::relations::UnitRelation> {
        let mut relations = leaderd_core::relations::unit_relations(self.application(), data);
        if !data.relations.values().any(|r| r.relation.is_some()) {
            // An application that registered no endpoints with the controller (a hook
            // endpoint run without `up`): its peer relations are numbered as its charm's
            // metadata.yaml lists them, as before the controller kept relation records.
            let app = self.application().to_string();
            let dir = self.charm_dir.lock().unwrap().clone();
            let peers = dir.and_then(|d| leaderd_core::relations::peers(&d).ok()).unwrap_or_default();
            relations.extend(peers.into_iter().map(|p| leaderd_core::relations::UnitRelation {
                id: p.id,
                key: p.key(&app),
                endpoint: p.endpoint,
                remote_app: app.clone(),
                peer: true,
                dying: false,
            }));
        }
        for (id, relation) in self.known.lock().unwrap().iter() {
            if !data.relations.contains_key(id) {
                relations.push(relation.clone());
            }
        }
        let broken = self.broken.lock().unwrap();
        relations.retain(|r| !broken.contains(&r.id));
        relations.sort_by_key(|r| r.id);
        relations
    }

    /// The relation `id`, as [`HookEndpoint::unit_relations`] has it.
    pub(crate) async fn unit_relation(
        &self,
        context: &mut super::context::HookContext,
        id: u64,
    ) -> Result<leaderd_core::relations::UnitRelation, HttpError> {
        let data = context.relations(&*self.backend).await.map_err(unreachable)?;
        self.unit_relations(data).into_iter().find(|r| r.id == id).ok_or_else(relation_not_found)
    }

    /// The charm's endpoints (`leaderd_core::relations::endpoints`): the bindings network-get
    /// knows and the endpoints open-port may name.
    pub(crate) fn charm_endpoints(&self) -> Vec<String> {
        let dir = self.charm_dir.lock().unwrap().clone();
        dir.map(|d| leaderd_core::relations::endpoints(&d)).unwrap_or_default()
    }

    pub(crate) fn application(&self) -> &str {
        leaderd_core::names::unit_application(&self.unit).unwrap_or(&self.unit)
    }

    /// Commits what the hook in context `id` wrote with relation-set and the secret tools (and
    /// `extra` secret changes the agent adds: a rotate or expire hook that ran), now that it
    /// has succeeded; true if there was anything. Nothing is committed if this fails.
    pub async fn commit_context(
        &self,
        id: &str,
        extra: Vec<leaderd_core::wire::controller::SecretChange>,
    ) -> Result<bool, super::RelationCommitError> {
        let Some(context) = self.contexts.lock().unwrap().get(id).cloned() else {
            return Ok(false);
        };
        let (changes, mut secrets, charm_state, ports, storage_adds, payloads) = {
            let mut context = context.lock().await;
            let charm_state = std::mem::take(&mut context.charm_state_dirty).then(|| context.charm_state.clone());
            let ports = context.ports.take().map(|r| r.changes()).unwrap_or_default();
            let storage_adds = std::mem::take(&mut context.storage_adds);
            let payloads = std::mem::take(&mut context.payloads_dirty).then(|| context.payloads.clone());
            (
                context.take_relation_changes(),
                context.secrets.take_changes(),
                charm_state.flatten(),
                ports,
                storage_adds,
                payloads.flatten(),
            )
        };
        secrets.extend(extra);
        if changes.is_empty()
            && secrets.is_empty()
            && charm_state.is_none()
            && ports.is_empty()
            && storage_adds.is_empty()
            && payloads.is_none()
        {
            return Ok(false);
        }
        let storage = self.storage_directives(&storage_adds)?;
        // Juju's state checks each endpoint the hook named against the charm's
        // (`state/machine_ports_ops.go`, `validatePendingChanges`): opens first, then closes.
        let endpoints = self.charm_endpoints();
        for change in ports.iter().filter(|c| c.open).chain(ports.iter().filter(|c| !c.open)) {
            if !change.endpoint.is_empty() && !endpoints.contains(&change.endpoint) {
                let what = if change.open { "open" } else { "close" };
                return Err(super::RelationCommitError::Invalid(format!(
                    "{what} port range: endpoint {} for unit {} not found",
                    go_quote(&change.endpoint),
                    go_quote(&self.unit)
                )));
            }
        }
        let adds_storage = !storage.is_empty();
        let hook = super::HookChanges { relations: changes, secrets, charm_state, ports, storage, payloads };
        self.backend.commit_hook(hook).await?;
        if adds_storage {
            // The new instances: the uniter runs their -storage-attached hooks.
            match self.backend.read_storage().await {
                Ok(storage) => self.set_storage(storage),
                Err(e) => tracing::warn!(unit = self.unit, error = %e, "reading the unit's storage after storage-add"),
            }
        }
        Ok(true)
    }

    /// The statuses and workload version the charm has set.
    pub fn statuses(&self) -> Statuses {
        self.statuses.lock().unwrap().clone()
    }

    /// Takes back what the controller kept for this unit (after an agent restart): its status
    /// and version, and the application status if it has one.
    pub fn restore_statuses(&self, kept: &leaderd_core::wire::controller::StatusesResponse) {
        let mut statuses = self.statuses.lock().unwrap();
        if let Some(mine) = kept.units.get(&self.unit) {
            statuses.unit = mine.workload.clone();
            statuses.workload_version = mine.version.clone();
        }
        if let Some(app) = &kept.application {
            statuses.application = app.clone();
            statuses.application_set = true;
        }
    }

    /// The workload status set by the uniter's own hand (`status_report.rs`), kept here as
    /// status-get reads it; the reporter sends it to the controller.
    pub(crate) fn set_unit_status_quietly(&self, status: WorkloadStatus) {
        self.statuses.lock().unwrap().unit = status;
    }

    /// This unit's record as the controller keeps it, now.
    pub(crate) fn unit_status_record(&self) -> leaderd_core::wire::controller::UnitStatus {
        HookEndpoint::<L>::unit_record(&self.statuses.lock().unwrap())
    }

    /// This unit's record as the controller keeps it.
    fn unit_record(statuses: &Statuses) -> leaderd_core::wire::controller::UnitStatus {
        leaderd_core::wire::controller::UnitStatus {
            workload: statuses.unit.clone(),
            version: statuses.workload_version.clone(),
            // The controller says since when.
            since_ms: None,
        }
    }

    /// The HTTP routes.
    pub fn router(self: Arc<Self>) -> Router {
        Router::new()
            .route(hook::IS_LEADER_PATH, post(is_leader::<L>))
            .route(hook::LEADER_GET_PATH, post(leader_get::<L>))
            .route(hook::LEADER_SET_PATH, post(leader_set::<L>))
            .route(hook::JUJU_LOG_PATH, post(juju_log::<L>))
            .route(hook::STATUS_SET_PATH, post(status_set::<L>))
            .route(hook::STATUS_GET_PATH, post(status_get::<L>))
            .route(hook::APPLICATION_VERSION_SET_PATH, post(application_version_set::<L>))
            .route(hook::CONFIG_GET_PATH, post(config_get::<L>))
            .route(hook::RELATIONS_PATH, post(relations::<L>))
            .route(hook::RELATION_GET_PATH, post(relation_get::<L>))
            .route(hook::RELATION_SET_PATH, post(relation_set::<L>))
            .route(hook::SECRET_GET_PATH, post(secret_tools::secret_get::<L>))
            .route(hook::SECRET_ADD_PATH, post(secret_tools::secret_add::<L>))
            .route(hook::SECRET_SET_PATH, post(secret_tools::secret_set::<L>))
            .route(hook::SECRET_REMOVE_PATH, post(secret_tools::secret_remove::<L>))
            .route(hook::SECRET_GRANT_PATH, post(secret_tools::secret_grant::<L>))
            .route(hook::SECRET_REVOKE_PATH, post(secret_tools::secret_revoke::<L>))
            .route(hook::SECRET_METADATA_PATH, post(secret_tools::secret_metadata::<L>))
            .route(hook::ACTION_GET_PATH, post(action_tools::action_get::<L>))
            .route(hook::ACTION_SET_PATH, post(action_tools::action_set::<L>))
            .route(hook::ACTION_LOG_PATH, post(action_tools::action_log::<L>))
            .route(hook::ACTION_FAIL_PATH, post(action_tools::action_fail::<L>))
            .route(hook::STATE_GET_PATH, post(state_tools::state_get::<L>))
            .route(hook::STATE_SET_PATH, post(state_tools::state_set::<L>))
            .route(hook::STATE_DELETE_PATH, post(state_tools::state_delete::<L>))
            .route(hook::REBOOT_PATH, post(state_tools::juju_reboot::<L>))
            .route(hook::RESOURCE_GET_PATH, post(state_tools::resource_get::<L>))
            .route(hook::PAYLOAD_REGISTER_PATH, post(payload_tools::payload_register::<L>))
            .route(hook::PAYLOAD_UNREGISTER_PATH, post(payload_tools::payload_unregister::<L>))
            .route(hook::PAYLOAD_STATUS_SET_PATH, post(payload_tools::payload_status_set::<L>))
            .route(hook::OPEN_PORT_PATH, post(net_tools::open_port::<L>))
            .route(hook::CLOSE_PORT_PATH, post(net_tools::close_port::<L>))
            .route(hook::OPENED_PORTS_PATH, post(net_tools::opened_ports::<L>))
            .route(hook::NETWORK_GET_PATH, post(net_tools::network_get::<L>))
            .route(hook::UNIT_GET_PATH, post(net_tools::unit_get::<L>))
            .route(hook::GOAL_STATE_PATH, post(net_tools::goal_state::<L>))
            .route(hook::STORAGE_LIST_PATH, post(super::storage_tools::storage_list::<L>))
            .route(hook::STORAGE_GET_PATH, post(super::storage_tools::storage_get::<L>))
            .route(hook::STORAGE_ADD_PATH, post(super::storage_tools::storage_add::<L>))
            .fallback(unknown_path)
            .method_not_allowed_fallback(wrong_method)
            .layer(DefaultBodyLimit::max(hook::MAX_BODY_BYTES))
            .with_state(self)
    }

    /// Serves on `listener` within `limits` until `shutdown` completes, then finishes
    /// in-flight calls.
    pub async fn serve(
        self: Arc<Self>,
        listener: UnixListener,
        limits: Limits,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        server::serve(listener, None, self.router(), limits, shutdown).await
    }

    pub(crate) fn context(&self, id: &str) -> Result<Arc<tokio::sync::Mutex<HookContext>>, HttpError> {
        if let Some(context) = self.contexts.lock().unwrap().get(id) {
            return Ok(context.clone());
        }
        if self.ended.lock().unwrap().0.contains(id) {
            return Err(HttpError::new(
                ErrorCode::ContextEnded,
                format!(
                    "bad request: hook context {} has ended: hook tools only work while their hook runs",
                    go_quote(id)
                ),
            ));
        }
        // Juju 3.x's words for an id it does not know.
        Err(HttpError::new(ErrorCode::UnknownContext, format!("bad request: wrong context ID; got {}", go_quote(id))))
    }
}

/// The hook endpoint's default limits: 512 connections (hooks run one at a time; each tool
/// call is one short connection), bodies up to [`hook::MAX_BODY_BYTES`].
pub fn default_limits() -> Limits {
    Limits::new(512, hook::MAX_BODY_BYTES)
}

/// Binds the endpoint's socket at `path`, replacing a stale socket file left by an earlier
/// run, readable and writable by the owner only (0600).
pub fn bind_socket(path: &Path) -> io::Result<UnixListener> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if std::os::unix::fs::FileTypeExt::is_socket(&meta.file_type()) => std::fs::remove_file(path)?,
        _ => {}
    }
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

pub(crate) type Answer<T> = Result<Json<T>, HttpError>;

pub(crate) fn decode<T: DeserializeOwned>(body: Body) -> Result<T, HttpError> {
    server::decode(body, hook::MAX_BODY_BYTES)
}

pub(crate) type Endpoint<L> = State<Arc<HookEndpoint<L>>>;

async fn is_leader<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<IsLeaderResponse> {
    let req: ContextRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let leader = context.lock().await.is_leader(&*ep.backend).await;
    Ok(Json(IsLeaderResponse { leader }))
}

async fn leader_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<LeaderGetResponse> {
    let req: ContextRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let settings = context.lock().await.leader_settings(&*ep.backend).await;
    let settings = settings.map_err(|e| HttpError::new(ErrorCode::Unreachable, e.to_string()))?;
    Ok(Json(LeaderGetResponse { settings }))
}

async fn leader_set<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: LeaderSetRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    // Checked here, before any leadership check or controller call, with the controller's rule:
    // a bad key is the caller's mistake, not a controller failure.
    for key in req.settings.keys() {
        leaderd_core::names::check_setting_key(key)
            .map_err(|e| HttpError::new(ErrorCode::InvalidKey, format!("bad request: {e}")))?;
    }
    let written = context.lock().await.write_leader_settings(&*ep.backend, req.settings).await;
    written.map_err(|e| {
        let code = match e {
            LeaderWriteError::NotLeader => ErrorCode::NotLeader,
            LeaderWriteError::Invalid(_) => ErrorCode::InvalidKey,
            LeaderWriteError::TooLarge(_) => ErrorCode::TooLarge,
            LeaderWriteError::Failed(_) => ErrorCode::Unreachable,
        };
        // The hook context's words, which the tool prefixes (docs/hook-endpoint.md).
        HttpError::new(code, format!("cannot write settings: {e}"))
    })?;
    Ok(Json(serde_json::json!({})))
}

async fn juju_log<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: JujuLogRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let context = context.lock().await;
    for record in req.records.iter().filter(|r| r.level != hook::LogLevel::Unspecified) {
        (ep.log)(&ep.unit, &context.name, record);
    }
    Ok(Json(serde_json::json!({})))
}

/// The four statuses a charm may set.
const SETTABLE: [&str; 4] = ["maintenance", "blocked", "waiting", "active"];

async fn status_set<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: StatusSetRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    if !SETTABLE.contains(&req.status.as_str()) {
        let message = format!("bad request: invalid status {}", go_quote(&req.status));
        return Err(HttpError::new(ErrorCode::BadRequest, message));
    }
    let status = WorkloadStatus { status: req.status, message: req.message, data: Default::default() };
    let mut context = context.lock().await;
    if req.application {
        if !context.is_leader(&*ep.backend).await {
            return Err(HttpError::new(ErrorCode::NotLeader, NOT_THE_LEADER));
        }
        // Forwarded at once and fenced by the lease term, as leader-set is.
        ep.backend.publish_app_status(status.clone()).await.map_err(|e| match e {
            LeaderWriteError::NotLeader => HttpError::new(ErrorCode::NotLeader, NOT_THE_LEADER),
            e => HttpError::new(ErrorCode::Unreachable, format!("cannot set status: {e}")),
        })?;
        let mut statuses = ep.statuses.lock().unwrap();
        statuses.application = status;
        statuses.application_set = true;
    } else {
        let _in_order = ep.reports.workload_publish.lock().await;
        let mut record = HookEndpoint::<L>::unit_record(&ep.statuses.lock().unwrap());
        record.workload = status.clone();
        ep.backend
            .publish_unit_status(record)
            .await
            .map_err(|e| HttpError::new(ErrorCode::Unreachable, format!("cannot set status: {e}")))?;
        ep.statuses.lock().unwrap().unit = status;
        // Juju's `StatusSet`: the uniter no longer sets the workload status by itself.
        ep.reports.charm_set_status.store(true, std::sync::atomic::Ordering::SeqCst);
    }
    drop(context);
    Ok(Json(serde_json::json!({})))
}

async fn status_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<StatusGetResponse> {
    let req: StatusGetRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    if !req.application {
        let status = context.unit_status(|| ep.statuses.lock().unwrap().unit.clone());
        return Ok(Json(StatusGetResponse { status, units: None }));
    }
    if !context.is_leader(&*ep.backend).await {
        return Err(HttpError::new(ErrorCode::NotLeader, NOT_THE_LEADER));
    }
    let statuses = ep.statuses.lock().unwrap().clone();
    // Every unit's status where the controller keeps them; this unit's own as it set it.
    let kept = ep.backend.read_statuses().await.ok().flatten();
    let mut units: std::collections::BTreeMap<String, WorkloadStatus> =
        kept.map(|k| k.units.into_iter().map(|(unit, s)| (unit, s.workload)).collect()).unwrap_or_default();
    units.insert(ep.unit.clone(), statuses.unit);
    Ok(Json(StatusGetResponse { status: statuses.application, units: Some(units) }))
}

async fn application_version_set<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: ApplicationVersionSetRequest = decode(body)?;
    let _context = ep.context(&req.context_id)?.lock_owned().await;
    let _in_order = ep.reports.workload_publish.lock().await;
    let mut record = HookEndpoint::<L>::unit_record(&ep.statuses.lock().unwrap());
    record.version = req.version.clone();
    ep.backend
        .publish_unit_status(record)
        .await
        .map_err(|e| HttpError::new(ErrorCode::Unreachable, format!("cannot set application version: {e}")))?;
    ep.statuses.lock().unwrap().workload_version = req.version;
    Ok(Json(serde_json::json!({})))
}

async fn config_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<ConfigGetResponse> {
    let req: ContextRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let dir = ep.charm_dir.lock().unwrap().clone();
    let defaults = || match dir {
        Some(dir) => leaderd_core::charm_config::defaults(&dir.join("config.yaml")),
        None => Ok(Default::default()),
    };
    let settings = context.lock().await.config(&*ep.backend, defaults).await;
    let settings = settings.map_err(|e| HttpError::new(ErrorCode::Internal, e.to_string()))?;
    Ok(Json(ConfigGetResponse { settings }))
}

/// Juju's `errors.NotFoundf("relation")`.
fn relation_not_found() -> HttpError {
    HttpError::new(ErrorCode::NotFound, "relation not found")
}

/// The API's `ErrPerm`.
fn permission_denied() -> HttpError {
    HttpError::new(ErrorCode::Forbidden, "permission denied")
}

fn unreachable(e: super::context::ReadSettingsError) -> HttpError {
    HttpError::new(ErrorCode::Unreachable, e.to_string())
}

async fn relations<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<RelationsResponse> {
    let req: ContextRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    let data = context.relations(&*ep.backend).await.map_err(unreachable)?;
    let relations = ep.unit_relations(data);
    let joined = ep.joined.lock().unwrap().clone();
    // Every relation's other end is in this model.
    let model_uuid = ep.model_uuid.lock().unwrap().clone();
    let relations = relations
        .into_iter()
        .map(|relation| {
            let mut members: Vec<String> = match &joined {
                Some(joined) => joined.get(&relation.id).cloned().unwrap_or_default(),
                None => data.relations.get(&relation.id).map(|r| r.members.clone()).unwrap_or_default(),
            };
            members.retain(|m| {
                *m != ep.unit
                    && (relation.peer || leaderd_core::names::unit_application(m) == Ok(relation.remote_app.as_str()))
            });
            members.sort();
            RelationInfo {
                id: relation.id,
                endpoint: relation.endpoint,
                remote_app: relation.remote_app,
                members,
                remote_model_uuid: model_uuid.clone(),
            }
        })
        .collect();
    Ok(Json(RelationsResponse { relations }))
}

async fn relation_get<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<RelationGetResponse> {
    let req: RelationGetRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let app = ep.application().to_string();
    let mut context = context.lock().await;
    let known = ep.unit_relation(&mut context, req.relation_id).await?;
    // Reading the own application's bag as leader is a local read, with this hook's changes.
    let leader_read = req.app && req.target == app && context.is_leader(&*ep.backend).await;
    let data = context.relations(&*ep.backend).await.map_err(unreachable)?;
    let relation = data.relations.get(&req.relation_id).cloned().unwrap_or_default();
    let settings = if req.app && req.target != app {
        // The other application's bag; an application that is not in this relation is not
        // the unit's to read.
        if known.peer || req.target != known.remote_app {
            return Err(permission_denied());
        }
        relation.remote_app.clone()
    } else if req.app {
        // Its own application's bag: in a peer relation any unit reads it, in a relation with
        // another application only the leader (Juju's uniter facade, `ReadSettings`).
        if !known.peer && !leader_read {
            return Err(permission_denied());
        }
        let mut settings = relation.app.clone();
        if leader_read {
            if let Some(pending) = context.pending(req.relation_id, true) {
                leaderd_core::model::apply_changes(&mut settings, pending);
            }
        }
        settings
    } else if req.target == ep.unit {
        let mut settings = relation.units.get(&ep.unit).cloned().unwrap_or_default();
        if let Some(pending) = context.pending(req.relation_id, false) {
            leaderd_core::model::apply_changes(&mut settings, pending);
        }
        settings
    } else {
        let remote = if known.peer { app.as_str() } else { known.remote_app.as_str() };
        if leaderd_core::names::unit_application(&req.target) != Ok(remote) {
            return Err(permission_denied());
        }
        relation.units.get(&req.target).cloned().ok_or_else(|| {
            // state.RelationUnit.ReadSettings: a unit that never entered the relation's scope.
            let message = format!(
                "cannot read settings for unit {} in relation {}: unit {}: settings not found",
                go_quote(&req.target),
                go_quote(&known.key),
                go_quote(&req.target)
            );
            HttpError::new(ErrorCode::NotFound, message)
        })?
    };
    Ok(Json(RelationGetResponse { settings }))
}

async fn relation_set<L: HookBackend>(State(ep): Endpoint<L>, body: Body) -> Answer<serde_json::Value> {
    let req: RelationSetRequest = decode(body)?;
    let context = ep.context(&req.context_id)?;
    let mut context = context.lock().await;
    ep.unit_relation(&mut context, req.relation_id).await?;
    // Juju checks leadership when relation-set --app is called (and again at commit).
    if req.app && !context.is_leader(&*ep.backend).await {
        return Err(HttpError::new(ErrorCode::NotLeader, "cannot write relation settings"));
    }
    // The bag as this hook would leave it may not grow past its bound: refused here, at the
    // call, rather than failing the hook's commit (the controller checks it again there). The
    // commit's own limit is checked first, as it was before there was a bound on bags.
    let data = context.relations(&*ep.backend).await.map_err(unreachable)?;
    let relation = data.relations.get(&req.relation_id);
    let (whose, mut bag) = if req.app {
        (ep.application().to_string(), relation.map(|r| r.app.clone()).unwrap_or_default())
    } else {
        (ep.unit.clone(), relation.and_then(|r| r.units.get(&ep.unit).cloned()).unwrap_or_default())
    };
    if let Some(pending) = context.pending(req.relation_id, req.app) {
        leaderd_core::model::apply_changes(&mut bag, pending);
    }
    let too_large_bag = leaderd_core::relations::bag_too_large(&bag, &req.settings);
    let saved = context.save_changes();
    let before = too_large_bag.map(|_| context.save_changes());
    context.set_relation(req.relation_id, req.app, req.settings);
    context.check_commit_size(saved).map_err(too_large)?;
    if let (Some(size), Some(before)) = (too_large_bag, before) {
        context.restore(before);
        let message = leaderd_core::relations::bag_too_large_message(
            req.relation_id,
            &whose,
            size,
            "nothing was changed by this call",
        );
        return Err(HttpError::new(ErrorCode::TooLarge, message));
    }
    Ok(Json(serde_json::json!({})))
}

/// A call refused because the hook's changes would no longer fit in one commit.
pub(crate) fn too_large(e: super::context::CommitTooLarge) -> HttpError {
    HttpError::new(ErrorCode::TooLarge, e.to_string())
}

async fn unknown_path(uri: Uri) -> HttpError {
    let message = format!("bad request: no hook endpoint at {}", uri.path());
    HttpError::new(ErrorCode::NotFound, message)
}

async fn wrong_method() -> HttpError {
    HttpError::new(ErrorCode::MethodNotAllowed, "bad request: hook endpoints take POST")
}
