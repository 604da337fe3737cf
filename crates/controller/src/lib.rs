//! `leaderd controller`: decides who leads each application and keeps the leader settings.
//!
//! A request flows: `api` (HTTP, authentication, input checks) → [`Controller`] (the rules) →
//! `lease` (the lease table, in memory) and `writer` (the one thread that makes changes durable
//! through a `store::Store`). Reads are served from memory; every change is written through
//! before it is acknowledged.

pub mod active;
pub mod api;
#[cfg(feature = "etcd")]
pub mod election;
pub mod lease;
pub mod model;
mod relation_rules;
pub mod relations;
mod secret_rules;
mod secrets;
mod storage;
pub mod store;
mod tasks;
mod writer;

pub use relation_rules::RelationError;
pub use relations::HookCommit;
pub use secret_rules::{SecretError, UserChange};
pub use secrets::new_secret_id;
pub use secrets::SecretReadError;
pub use store::CommitError;
pub use tasks::TaskError;
pub use writer::StoreCommitFailed;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{mpsc, Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{oneshot, watch, Notify};
use tokio::time::Instant;

use crate::store::{Bucket, Store, StoredLease, Write};
use leaderd_core::charm_config::{InvalidConfig, Options, Values};
use leaderd_core::model::Settings;
use leaderd_core::model::{Application, Term, Unit};
use leaderd_core::wire::controller::{AppConfig, ApplicationStatus, UnitStatus};
use leaderd_core::wire::hook::WorkloadStatus;
use lease::{Claim, LeaseTable};
use writer::Job;

/// The controller's tunables.
#[derive(Debug, Clone)]
pub struct Config {
    /// Shortest lease a unit may claim (Juju: 5 s).
    pub min_lease: Duration,
    /// Longest lease a unit may claim (Juju: 5 min). After a restart, persisted holders are
    /// honoured for this long.
    pub max_lease: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config { min_lease: Duration::from_secs(5), max_lease: Duration::from_secs(300) }
    }
}

pub use leaderd_core::model::LeaderWriteError;

/// A call from (or for) a unit the operator removed: refused for good.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("unit {0} has been removed")]
pub struct Removed(pub String);

/// An elect of a unit this controller knows nothing of, or one the operator removed: nothing
/// is revoked or designated (the application would be leaderless until the designation lapsed).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ElectError {
    #[error(
        "unit {0} not found: no request from it has reached this controller, and it has no status, relation or lease here"
    )]
    NotFound(String),
    #[error(transparent)]
    Removed(#[from] Removed),
}

/// A request that came as the controller was stopping: its writer is gone, nothing was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the controller is shutting down")]
pub struct ShuttingDown;

/// Why a claim got no answer from the lease rules (a denial is an answer, not an error).
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// This controller may not grant now (a standby, or its etcd session is unconfirmed).
    #[error(transparent)]
    NotActive(#[from] active::Refusal),
    #[error(transparent)]
    Removed(#[from] Removed),
    /// A new term could not be made durable, so it was not granted.
    #[error(transparent)]
    Store(#[from] StoreCommitFailed),
    #[error(transparent)]
    ShuttingDown(#[from] ShuttingDown),
}

/// Why the controller did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be read.
    #[error(transparent)]
    Load(anyhow::Error),
    /// The writer thread could not be started.
    #[error(transparent)]
    Writer(std::io::Error),
}

/// Why the controller's state was not loaded again from the store.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    /// The store could not be read; the state is as it was.
    #[error(transparent)]
    Load(anyhow::Error),
    #[error(transparent)]
    ShuttingDown(#[from] ShuttingDown),
}

/// The answer to a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimOutcome {
    Granted { term: Term, expires_in: Duration },
    Denied,
}

/// State shared by the API and the writer thread.
pub(crate) struct State {
    leases: Mutex<LeaseTable>,
    buckets: RwLock<HashMap<String, Bucket>>,
    /// Per application: the settings version, for watchers.
    versions: Mutex<HashMap<String, watch::Sender<u64>>>,
    /// Per application: woken whenever the lease is granted anew or revoked.
    lease_changed: Mutex<HashMap<String, Arc<Notify>>>,
    /// Per application: its config (options, values set, version).
    configs: RwLock<HashMap<String, AppConfig>>,
    /// Per application: the config version, for watchers.
    config_versions: Mutex<HashMap<String, watch::Sender<u64>>>,
    /// Per unit: its workload status and version.
    unit_statuses: RwLock<HashMap<String, UnitStatus>>,
    /// Per application: the status its leader set.
    app_statuses: RwLock<HashMap<String, WorkloadStatus>>,
    /// Per unit: its opened port ranges by endpoint (units with none left out).
    unit_ports: RwLock<HashMap<String, leaderd_core::ports::GroupedPortRanges>>,
    /// Per unit: its storage instances, in the order they were added (units with none left out).
    unit_storage: RwLock<HashMap<String, Vec<crate::store::StorageRecord>>>,
    /// Per application: the next storage instance number.
    storage_sequences: RwLock<HashMap<String, u64>>,
    /// Each unit's payloads by class (payload-register), kept with the hook's other changes.
    unit_payloads: RwLock<HashMap<String, leaderd_core::payloads::UnitPayloads>>,
    /// Each application's relations, and a version for their watchers (`relations.rs`).
    relations: relations::Relations,
    /// Every secret, and a version for their watchers (`secrets.rs`).
    secrets: secrets::Secrets,
    /// Every task of every operation (`tasks.rs`).
    tasks: tasks::Tasks,
    /// Every unit the operator removed (`app/N`), for good: read on each unit request, which
    /// is refused for these.
    removed: RwLock<BTreeSet<String>>,
    /// Every unit a request has come from since this controller started (authenticated by its
    /// token): with the durable statuses, relation scopes and lease holders, the units an
    /// elect may name. Not persisted: every running agent calls within moments of a start.
    seen: RwLock<BTreeSet<String>>,
    /// Per unit: its charm state (Juju's unit state `CharmState`), committed with its hooks.
    unit_states: RwLock<HashMap<String, BTreeMap<String, String>>>,
    /// How long a restored holder is honoured: the maximum lease, or on etcd the longest any
    /// controller on the prefix allowed (`reload_honouring`).
    grace: Mutex<Duration>,
    /// Per unit: its agent status (`juju-status`), as the unit last reported it.
    agent_statuses: RwLock<HashMap<String, leaderd_core::wire::controller::AgentStatus>>,
    /// Per application: since when its leader's application status has read as it does
    /// (Unix milliseconds; in memory: after a restart, from the first time it is set again).
    app_status_since: RwLock<HashMap<String, u64>>,
    /// The model's config, and its version for the agents' watchers.
    model_config: RwLock<crate::store::ModelConfigRecord>,
    model_config_version: watch::Sender<u64>,
}

impl State {
    fn version_channel(&self, app: &str) -> watch::Sender<u64> {
        let mut versions = self.versions.lock().unwrap();
        versions
            .entry(app.to_string())
            .or_insert_with(|| {
                let v = self.buckets.read().unwrap().get(app).map_or(0, |b| b.version);
                watch::channel(v).0
            })
            .clone()
    }

    fn config_channel(&self, app: &str) -> watch::Sender<u64> {
        let mut versions = self.config_versions.lock().unwrap();
        versions
            .entry(app.to_string())
            .or_insert_with(|| {
                let v = self.configs.read().unwrap().get(app).map_or(0, |c| c.version);
                watch::channel(v).0
            })
            .clone()
    }

    /// A committed `Write::Config`, `UnitStatus` or `AppStatus`, applied to the live state (the
    /// writer calls it once the store has it).
    pub(crate) fn apply(&self, write: Write) {
        match write {
            Write::Config { app, config } => {
                let version = config.version;
                self.configs.write().unwrap().insert(app.clone(), config.into());
                self.config_channel(&app).send_replace(version);
            }
            Write::UnitStatus { unit, status } => {
                self.unit_statuses.write().unwrap().insert(unit, status.into());
            }
            Write::ForgetUnit { unit } => {
                self.unit_statuses.write().unwrap().remove(&unit);
                self.unit_states.write().unwrap().remove(&unit);
                self.unit_ports.write().unwrap().remove(&unit);
                self.unit_storage.write().unwrap().remove(&unit);
                self.unit_payloads.write().unwrap().remove(&unit);
                self.agent_statuses.write().unwrap().remove(&unit);
            }
            Write::UnitStorage { unit, storage } if storage.is_empty() => {
                self.unit_storage.write().unwrap().remove(&unit);
            }
            Write::UnitStorage { unit, storage } => {
                self.unit_storage.write().unwrap().insert(unit, storage);
            }
            Write::StorageSequence { app, next } => {
                self.storage_sequences.write().unwrap().insert(app, next);
            }
            Write::UnitState { unit, state } if state.is_empty() => {
                self.unit_states.write().unwrap().remove(&unit);
            }
            Write::UnitState { unit, state } => {
                self.unit_states.write().unwrap().insert(unit, state);
            }
            Write::UnitPorts { unit, ports } if ports.is_empty() => {
                self.unit_ports.write().unwrap().remove(&unit);
            }
            Write::UnitPorts { unit, ports } => {
                self.unit_ports.write().unwrap().insert(unit, ports);
            }
            Write::UnitPayloads { unit, payloads } if payloads.is_empty() => {
                self.unit_payloads.write().unwrap().remove(&unit);
            }
            Write::UnitPayloads { unit, payloads } => {
                self.unit_payloads.write().unwrap().insert(unit, payloads);
            }
            Write::AppStatus { app, status } => {
                let status: WorkloadStatus = status.into();
                let mut statuses = self.app_statuses.write().unwrap();
                let same = statuses.get(&app).is_some_and(|b| b.status == status.status && b.message == status.message);
                if !same {
                    self.app_status_since.write().unwrap().insert(app.clone(), crate::secrets::now_ms());
                }
                statuses.insert(app, status);
            }
            Write::AgentStatus { unit, status } => {
                self.agent_statuses.write().unwrap().insert(unit, status.into());
            }
            Write::ModelConfig { config } => {
                let version = config.version;
                *self.model_config.write().unwrap() = config;
                self.model_config_version.send_replace(version);
            }
            Write::Task { id, record } => self.tasks.apply(id, record),
            Write::Lease(_)
            | Write::Settings { .. }
            | Write::RelationSettings { .. }
            | Write::RelationScope { .. }
            | Write::RelationDef { .. }
            | Write::RelationSequence { .. }
            | Write::Secret { .. } => {}
        }
    }

    /// Replaces the live state with `snapshot`, honouring every persisted holder for the grace
    /// from `now` (after a restart, or on winning the election).
    fn replace(&self, snapshot: crate::store::Snapshot, now: Instant) {
        let mut leases = LeaseTable::default();
        for l in snapshot.leases {
            leases.restore(&l.app, l.holder, l.term, now, *self.grace.lock().unwrap());
        }
        *self.leases.lock().unwrap() = leases;
        let versions: Vec<(String, u64)> = snapshot.buckets.iter().map(|(app, b)| (app.clone(), b.version)).collect();
        *self.buckets.write().unwrap() = snapshot.buckets;
        for (app, version) in versions {
            self.version_channel(&app).send_replace(version);
        }
        let configs: Vec<(String, u64)> = snapshot.configs.iter().map(|(app, c)| (app.clone(), c.version)).collect();
        *self.configs.write().unwrap() = snapshot.configs.into_iter().map(|(app, c)| (app, c.into())).collect();
        for (app, version) in configs {
            self.config_channel(&app).send_replace(version);
        }
        *self.unit_statuses.write().unwrap() =
            snapshot.unit_statuses.into_iter().map(|(unit, s)| (unit, s.into())).collect();
        *self.app_statuses.write().unwrap() =
            snapshot.app_statuses.into_iter().map(|(app, s)| (app, s.into())).collect();
        *self.unit_ports.write().unwrap() = snapshot.unit_ports;
        *self.unit_storage.write().unwrap() = snapshot.unit_storage;
        *self.storage_sequences.write().unwrap() = snapshot.storage_sequences;
        *self.unit_payloads.write().unwrap() = snapshot.unit_payloads;
        *self.removed.write().unwrap() = snapshot.removed;
        *self.unit_states.write().unwrap() = snapshot.unit_states;
        *self.agent_statuses.write().unwrap() =
            snapshot.agent_statuses.into_iter().map(|(unit, s)| (unit, s.into())).collect();
        let model_config = snapshot.model_config.unwrap_or_default();
        let model_config_version = model_config.version;
        *self.model_config.write().unwrap() = model_config;
        self.model_config_version.send_replace(model_config_version);
        self.relations.replace(snapshot.relations, snapshot.relation_defs, snapshot.relation_sequence);
        self.secrets.replace(snapshot.secrets);
        self.tasks.replace(snapshot.tasks);
        for notify in self.lease_changed.lock().unwrap().values() {
            notify.notify_waiters();
        }
    }

    fn lease_notify(&self, app: &str) -> Arc<Notify> {
        self.lease_changed.lock().unwrap().entry(app.to_string()).or_default().clone()
    }
}

/// The relation endpoints `config` registered; without them, its peers (`peers`, the endpoints
/// registered before there were more) and the implicit `juju-info` every charm provides.
pub(crate) fn declared_endpoints(config: &AppConfig) -> Vec<leaderd_core::relations::EndpointDecl> {
    if let Some(endpoints) = &config.endpoints {
        return endpoints.clone();
    }
    let decl = |name: &str, role: &str, interface: &str| leaderd_core::relations::EndpointDecl {
        name: name.into(),
        role: role.into(),
        interface: interface.into(),
        scope: "global".into(),
    };
    let mut out: Vec<_> = config.peers.iter().flatten().map(|p| decl(p, "peer", "")).collect();
    out.push(decl("juju-info", "provider", "juju-info"));
    out
}

/// A relation as Juju's `Relation.String` gives it (`relationKey`, `state/relation.go`): its
/// endpoints as `app:endpoint`, requirer before provider before peer (`epSlice.Less`,
/// `state/endpoint.go`), then in string order, joined by a space.
fn juju_relation_string(def: &leaderd_core::wire::controller::RelationDef) -> String {
    let order = |role: &str| match role {
        "requirer" => 0,
        "provider" => 1,
        _ => 2,
    };
    let mut eps: Vec<(usize, String)> = def
        .endpoints
        .iter()
        .map(|e| (order(&e.endpoint.role), format!("{}:{}", e.application, e.endpoint.name)))
        .collect();
    eps.sort();
    eps.into_iter().map(|(_, s)| s).collect::<Vec<_>>().join(" ")
}

/// The controller: lease rules, fenced settings, watches.
pub struct Controller {
    config: Config,
    state: Arc<State>,
    jobs: Mutex<mpsc::Sender<Job>>,
    store_name: String,
    /// Active or standby (`active`); `Sole` unless an election runs.
    role: watch::Sender<active::Role>,
    /// Config changes one at a time: each is computed from the config the one before left.
    config_lock: tokio::sync::Mutex<()>,
    /// A unit's status writes one at a time (sharded by unit name, so units do not wait on
    /// each other): each is computed from the one before (its since), and a registration
    /// writes only where the agent has not (`model.rs`).
    status_locks: [tokio::sync::Mutex<()>; 16],
}

/// A config change refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigChangeError {
    /// No charm config was ever registered for the application (Juju's words for an
    /// application it does not know).
    #[error("application {} not found", leaderd_core::gocompat::go_quote(.0))]
    NotFound(String),
    #[error(transparent)]
    Invalid(#[from] InvalidConfig),
    /// A charm whose storage the units' storage cannot follow (Juju's words).
    #[error("{0}")]
    Storage(String),
    /// A charm that no longer implements an endpoint of one of the application's relations
    /// (Juju's `checkRelationsOps`, `state/application.go`, in its words).
    #[error("{0}")]
    Relations(String),
    /// The new config could not be made durable (so it was not made).
    #[error(transparent)]
    Write(LeaderWriteError),
}

/// What `Controller::change_config` is asked to do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConfigChange {
    /// The charm's options (at deploy): replaces the ones known; values of options the charm no
    /// longer has are dropped.
    pub options: Option<Options>,
    /// Values to set, checked against the options (a string is parsed by the option's type);
    /// null resets the option to its default.
    pub set: Values,
    /// Options back to their defaults.
    pub reset: Vec<String>,
    /// With `options`: the charm `leaderd refresh` swapped in. The version moves even if the
    /// options are the same, so the units' config watchers see the new charm.
    pub charm: Option<leaderd_core::wire::controller::CharmRef>,
    /// The charm's peer endpoints (deploy): each a peer relation (with the next relation ids,
    /// in this order) unless `endpoints` says more.
    pub peers: Option<Vec<String>>,
    /// The charm's relation endpoints (deploy): its peer relations are created with the next
    /// relation ids in metadata order, and integrate infers from them.
    pub endpoints: Option<Vec<leaderd_core::relations::EndpointDecl>>,
    /// The charm's storage declarations (deploy, refresh): what its units' storage is checked
    /// against. A refresh's are checked against the ones before (Juju's `checkStorageUpgrade`).
    pub storage: Option<BTreeMap<String, leaderd_core::storage::DeclaredStorage>>,
    /// Application config `trust` (`juju trust`): a change moves the version, so the units
    /// run config-changed (Juju's `TrustHash`).
    pub trust: Option<bool>,
    /// With `charm`: the new charm's URL (`local:name-N`), for the words of a refusal.
    pub charm_url: Option<String>,
}

impl Controller {
    /// Loads `store` and starts the writer (call it inside a tokio runtime). Every persisted holder is honoured for a full
    /// `max_lease` from now (restart safety: renewals are not persisted, so this is the longest
    /// the holder might still believe it leads).
    pub fn start(store: Box<dyn Store>, config: Config) -> Result<Arc<Controller>, StartError> {
        Controller::start_as(store, config, active::Role::Sole)
    }

    /// [`Controller::start`] in `role`. A controller that runs an election starts as a standby
    /// and loads when it wins; until then it serves nothing from its state (units are told to
    /// go to the active controller), so it does not read the store now: a controller starts,
    /// and stands by, while etcd is down or has no quorum, and campaigns once it is back.
    pub fn start_as(
        mut store: Box<dyn Store>,
        config: Config,
        role: active::Role,
    ) -> Result<Arc<Controller>, StartError> {
        let snapshot = match role {
            active::Role::Standby { .. } => crate::store::Snapshot::default(),
            _ => store.load().map_err(StartError::Load)?,
        };
        let store_name = store.describe();
        let state = Arc::new(State {
            leases: Mutex::default(),
            buckets: RwLock::default(),
            versions: Mutex::default(),
            lease_changed: Mutex::default(),
            configs: RwLock::default(),
            config_versions: Mutex::default(),
            unit_statuses: RwLock::default(),
            app_statuses: RwLock::default(),
            unit_ports: RwLock::default(),
            unit_storage: RwLock::default(),
            storage_sequences: RwLock::default(),
            unit_payloads: RwLock::default(),
            relations: relations::Relations::new(Default::default()),
            secrets: secrets::Secrets::new(Default::default()),
            tasks: tasks::Tasks::new(),
            removed: RwLock::default(),
            seen: RwLock::default(),
            unit_states: RwLock::default(),
            grace: Mutex::new(config.max_lease),
            agent_statuses: RwLock::default(),
            app_status_since: RwLock::default(),
            model_config: RwLock::default(),
            model_config_version: watch::channel(0).0,
        });
        state.replace(snapshot, Instant::now());
        let (tx, rx) = mpsc::channel();
        let writer_state = state.clone();
        // The writer reads the runtime's clock (lease expiry is on it), so it enters the runtime.
        let runtime = tokio::runtime::Handle::current();
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                let _clock = runtime.enter();
                writer::run(store, writer_state, rx)
            })
            .map_err(StartError::Writer)?;
        Ok(Arc::new(Controller {
            config,
            state,
            jobs: Mutex::new(tx),
            store_name,
            config_lock: Default::default(),
            status_locks: Default::default(),
            role: watch::channel(role).0,
        }))
    }

    /// This controller's role now.
    pub fn role(&self) -> active::Role {
        self.role.borrow().clone()
    }

    /// Sets the role (the election does).
    pub fn set_role(&self, role: active::Role) {
        self.role.send_replace(role);
    }

    /// Records a keepalive etcd confirmed, sent at `sent` (see [`active::Role::confirm`]).
    pub fn confirm_session(&self, sent: Instant) {
        self.role.send_modify(|role| role.confirm(sent));
    }

    /// May this controller serve units at `now` ([`active::check`])?
    pub fn check_active(&self, now: Instant) -> Result<(), active::Refusal> {
        active::check(&self.role.borrow(), now)
    }

    /// Resolves once this controller is no longer active (a long-poll then answers "not
    /// active", so the agent moves to the new active controller at once).
    pub async fn stepped_down(&self) {
        let mut role = self.role.subscribe();
        let _ = role.wait_for(|r| !r.is_active()).await;
    }

    /// Loads everything from the store again and honours every persisted holder for the
    /// maximum lease from now (on winning the election), after the writes queued before it.
    pub async fn reload(&self) -> Result<(), ReloadError> {
        match self.submit(Job::Reload).await {
            Some(loaded) => loaded.map_err(ReloadError::Load),
            None => Err(ShuttingDown.into()),
        }
    }

    /// [`Controller::reload`], honouring every persisted holder for `grace` (at least this
    /// controller's maximum lease): a holder another controller granted may hold a lease as
    /// long as that controller allowed.
    pub async fn reload_honouring(&self, grace: Duration) -> Result<(), ReloadError> {
        *self.state.grace.lock().unwrap() = grace.max(self.config.max_lease);
        self.reload().await
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store_name(&self) -> &str {
        &self.store_name
    }

    async fn submit<T>(&self, job: impl FnOnce(oneshot::Sender<T>) -> Job) -> Option<T> {
        let (tx, rx) = oneshot::channel();
        self.jobs.lock().unwrap().send(job(tx)).ok()?;
        rx.await.ok()
    }

    /// `unit` claims its application's lease for `duration` (already range-checked by the
    /// caller). A new term is durable before it is granted.
    pub async fn claim(&self, unit: &Unit, duration: Duration) -> Result<ClaimOutcome, ClaimError> {
        let app = unit.application();
        let (app, unit) = (app.as_str(), unit.as_str());
        let now = Instant::now();
        // The same `now` for the check and the grant: the margin in `active` covers the rest.
        self.check_active(now)?;
        let claim = {
            // Checked under the lease table's lock, which `forget_unit` takes after marking the
            // unit removed: a claim that passed the API's check just before the removal cannot
            // be granted after it.
            let mut leases = self.state.leases.lock().unwrap();
            if self.is_removed(unit) {
                return Err(Removed(unit.into()).into());
            }
            leases.claim(app, unit, duration, now)
        };
        match claim {
            Claim::Denied => Ok(ClaimOutcome::Denied),
            Claim::Granted { term, expiry, new_term } => {
                if new_term {
                    let lease = StoredLease { app: app.into(), holder: Some(unit.into()), term };
                    let persisted = self.submit(|tx| Job::Lease(lease, tx)).await;
                    match persisted {
                        Some(Ok(())) => {}
                        Some(Err(e)) => {
                            self.state.leases.lock().unwrap().revoke(app, Instant::now());
                            return Err(e.into());
                        }
                        None => return Err(ShuttingDown.into()),
                    }
                    tracing::info!(app, unit, term, "leader elected");
                    self.state.lease_notify(app).notify_waiters();
                }
                Ok(ClaimOutcome::Granted { term: Term(term), expires_in: expiry.saturating_duration_since(now) })
            }
        }
    }

    /// Waits until `app`'s lease is free (expired or revoked), or `timeout` passes. Returns at
    /// the moment it frees, so failover takes the remaining lease time and no more.
    pub async fn wait_released(&self, app: &Application, timeout: Duration) -> bool {
        let app = app.as_str();
        let deadline = Instant::now() + timeout;
        let notify = self.state.lease_notify(app);
        loop {
            let notified = notify.notified();
            let expiry = {
                let leases = self.state.leases.lock().unwrap();
                match leases.get(app) {
                    Some(lease) if lease.live_holder(Instant::now()).is_some() => lease.expiry,
                    _ => return true,
                }
            };
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(expiry.min(deadline)) => {
                    if Instant::now() >= deadline && expiry > deadline {
                        return false;
                    }
                }
            }
        }
    }

    /// Waits until `unit` may claim its application's lease (free, and not designated to
    /// another unit by an elect), or `timeout` passes. Returns the moment it may, so failover
    /// takes the remaining lease time and no more, and a minion an elect passed over is not
    /// woken to claim in vain.
    pub async fn wait_claimable(&self, unit: &Unit, timeout: Duration) -> bool {
        let app = unit.application();
        let (app, unit) = (app.as_str(), unit.as_str());
        let deadline = Instant::now() + timeout;
        let notify = self.state.lease_notify(app);
        loop {
            let notified = notify.notified();
            let wake = match self.state.leases.lock().unwrap().claimable(app, unit, Instant::now()) {
                Ok(()) => return true,
                Err(at) => at,
            };
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep_until(wake.min(deadline)) => {
                    if Instant::now() >= deadline && wake > deadline {
                        return false;
                    }
                }
            }
        }
    }

    /// Revokes `app`'s lease (operator): the holder may not renew, so the lease frees at its
    /// expiry and a waiting minion takes it then. Returns the revoked term, if anyone held it.
    /// Nothing is persisted: after a restart the holder is honoured for the max lease anyway.
    pub async fn revoke(&self, app: &Application) -> Option<Term> {
        let app = app.as_str();
        let revoked = self.state.leases.lock().unwrap().revoke(app, Instant::now());
        if let Some((term, expiry)) = revoked {
            tracing::info!(
                app,
                term,
                frees_in = leaderd_core::duration::format(expiry.saturating_duration_since(Instant::now())),
                "lease revoked"
            );
        }
        revoked.map(|(term, _)| Term(term))
    }

    /// Elects `unit` as its application's next leader (operator): see `lease::LeaseTable::elect`.
    /// The designation lapses one max lease after the lease frees. Nothing is persisted, as
    /// for a revoke.
    pub fn elect(&self, unit: &Unit) -> Result<lease::Elect, ElectError> {
        if self.is_removed(unit.as_str()) {
            return Err(Removed(unit.as_str().into()).into());
        }
        if !self.knows_unit(unit) {
            return Err(ElectError::NotFound(unit.as_str().into()));
        }
        let app = unit.application();
        let now = Instant::now();
        let elect = self.state.leases.lock().unwrap().elect(app.as_str(), unit.as_str(), now, self.config.max_lease);
        if let lease::Elect::Designated { revoked_term, frees_at } = &elect {
            tracing::info!(
                app = app.as_str(),
                unit = unit.as_str(),
                revoked_term,
                frees_in = leaderd_core::duration::format(frees_at.saturating_duration_since(now)),
                "unit elected: it alone may claim the lease when it frees"
            );
        }
        // Waiting minions re-check: a free lease is theirs to try for only if designated.
        self.state.lease_notify(app.as_str()).notify_waiters();
        Ok(elect)
    }

    /// A request came from `unit` (its token checked).
    pub fn saw_unit(&self, unit: &str) {
        if !self.state.seen.read().unwrap().contains(unit) {
            self.state.seen.write().unwrap().insert(unit.to_string());
        }
    }

    /// Does `unit` exist as far as this controller can tell: a request came from it since
    /// the controller started, or it has a status, a relation scope or bag, or the lease (held
    /// or last held)?
    fn knows_unit(&self, unit: &Unit) -> bool {
        let name = unit.as_str();
        if self.state.seen.read().unwrap().contains(name) || self.state.unit_statuses.read().unwrap().contains_key(name)
        {
            return true;
        }
        let app = unit.application();
        if self.state.leases.lock().unwrap().get(app.as_str()).is_some_and(|l| l.holder.as_deref() == Some(name)) {
            return true;
        }
        let relations = self.relations(&app);
        relations.relations.values().any(|r| r.members.iter().any(|m| m == name) || r.units.contains_key(name))
    }

    /// `unit` gives up its lease, held under `term` (a leaving unit, after its last hook): it
    /// frees at once and waiting minions are woken. Not persisted: after a controller restart
    /// the leaving unit is honoured for a max lease, as any persisted holder is (persisting
    /// "nobody" could race a new holder's term to the store).
    pub fn release(&self, unit: &Unit, term: Term) -> bool {
        let app = unit.application();
        let released = self.state.leases.lock().unwrap().release(app.as_str(), unit.as_str(), term.0, Instant::now());
        if released {
            tracing::info!(app = app.as_str(), unit = unit.as_str(), term = term.0, "lease released by its holder");
            self.state.lease_notify(app.as_str()).notify_waiters();
        }
        released
    }

    /// `app`'s settings and version.
    pub fn read(&self, app: &Application) -> Bucket {
        self.state.buckets.read().unwrap().get(app.as_str()).cloned().unwrap_or_default()
    }

    /// Merges `changes` (empty values delete) into the bucket of `unit`'s application if `unit`
    /// holds the lease under `term` at the moment of the write; durable before it returns the
    /// new version.
    pub async fn merge(&self, unit: &Unit, term: Term, changes: Settings) -> Result<u64, LeaderWriteError> {
        let app = unit.application().as_str().to_string();
        let job = |reply| Job::Merge { app, unit: unit.as_str().into(), term: term.0, changes, reply };
        self.submit(job).await.unwrap_or_else(|| Err(LeaderWriteError::failed(ShuttingDown)))
    }

    /// Waits until `app`'s settings version is past `after`, or `timeout`; returns the version.
    pub async fn watch(&self, app: &Application, after: u64, timeout: Duration) -> u64 {
        let app = app.as_str();
        let mut rx = self.state.version_channel(app).subscribe();
        let _ = tokio::time::timeout(timeout, rx.wait_for(|v| *v > after)).await;
        let v = *rx.borrow();
        v
    }

    /// `app`'s config, if a charm config was ever registered for it.
    pub fn app_config(&self, app: &Application) -> Option<AppConfig> {
        self.state.configs.read().unwrap().get(app.as_str()).cloned()
    }

    /// Checks every key and value of `change` first (nothing changes if one is refused), then
    /// makes the new config durable. The version moves only when an option or a value changed,
    /// so a change to the same values wakes no watcher.
    pub async fn change_config(&self, app: &Application, change: ConfigChange) -> Result<AppConfig, ConfigChangeError> {
        let _one_at_a_time = self.config_lock.lock().await;
        // A deploy (options, no refreshed charm) registers the application afresh: alive, even
        // under the name of one removed before.
        let deploys = change.options.is_some() && change.charm.is_none();
        let current = self.app_config(app);
        let mut next = match (&current, change.options) {
            (_, Some(options)) => {
                let mut next = current.clone().unwrap_or_default();
                // A value is kept where the option still exists and the value is still valid
                // for it, typed as the option now says (a refreshed charm may change an
                // option's type): Juju's `changeCharmOps` (`state/application.go`) passes the
                // old settings through the new charm's `FilterSettings`.
                next.values = std::mem::take(&mut next.values)
                    .into_iter()
                    .filter_map(|(name, value)| {
                        match leaderd_core::charm_config::check_value(&options, &name, &value) {
                            Ok(typed) if !typed.is_null() => Some((name, typed)),
                            _ => None,
                        }
                    })
                    .collect();
                next.options = options;
                if change.charm.is_some() {
                    next.charm = change.charm.clone();
                }
                next
            }
            (Some(current), None) => current.clone(),
            (None, None) => return Err(ConfigChangeError::NotFound(app.as_str().into())),
        };
        if change.peers.is_some() {
            next.peers = change.peers.clone();
        }
        // A refresh: Juju's `SetCharm` (`state/application.go`) checks that the new charm still
        // implements every relation's endpoint (`checkRelationsOps`) before it changes anything.
        let refresh = change.charm.is_some() && change.endpoints.is_some();
        if let (true, Some(endpoints)) = (refresh, &change.endpoints) {
            self.check_relations_upgrade(app, endpoints, change.charm_url.as_deref())?;
        }
        if change.endpoints.is_some() {
            next.endpoints = change.endpoints.clone();
        }
        if deploys {
            next.dying = false;
        }
        let registers_relations = change.peers.is_some() || change.endpoints.is_some();
        if let Some(trust) = change.trust {
            next.trust = trust;
        }
        if let Some(storage) = change.storage {
            let old = current.as_ref().and_then(|c| c.storage.as_ref()).filter(|_| change.charm.is_some());
            if let Some(old) = old {
                // Juju's `SetCharm` (`state/application.go`) runs `checkStorageUpgrade` on
                // every charm change (a refresh; a deploy registers its charm's afresh):
                // nothing changes when it refuses.
                let units = self.app_storage(app);
                let in_use =
                    |name: &str| units.values().flatten().any(|i| leaderd_core::storage::storage_name(&i.id) == name);
                leaderd_core::storage::check_storage_upgrade(old, &storage, in_use).map_err(|e| {
                    ConfigChangeError::Storage(format!(
                        "cannot upgrade application {}: {e}",
                        leaderd_core::gocompat::go_quote(app.as_str())
                    ))
                })?;
            }
            next.storage = Some(storage);
        }
        for name in &change.reset {
            if !next.options.contains_key(name) {
                return Err(InvalidConfig::Unknown(name.clone()).into());
            }
            next.values.remove(name);
        }
        for (name, value) in &change.set {
            match leaderd_core::charm_config::check_value(&next.options, name, value)? {
                serde_json::Value::Null => next.values.remove(name),
                typed => next.values.insert(name.clone(), typed),
            };
        }
        let before = current.clone().unwrap_or_default();
        let changed = current.is_none()
            || before.charm != next.charm
            || before.options != next.options
            || before.peers != next.peers
            || before.endpoints != next.endpoints
            || before.storage != next.storage
            || before.trust != next.trust
            || before.dying != next.dying
            || leaderd_core::charm_config::effective(&before.options, &before.values)
                != leaderd_core::charm_config::effective(&next.options, &next.values);
        if !changed {
            if registers_relations {
                self.register_peer_relations(app, &before).await?;
            }
            return Ok(before);
        }
        next.version = before.version + 1;
        let write = Write::Config { app: app.as_str().into(), config: next.clone().into() };
        self.put(None, write).await.map_err(ConfigChangeError::Write)?;
        tracing::info!(app = app.as_str(), version = next.version, "config changed");
        if registers_relations {
            self.register_peer_relations(app, &next).await?;
        }
        if refresh {
            self.remove_stale_peer_relations(app, &next).await?;
        }
        Ok(next)
    }

    /// Juju's `checkRelationsOps` (`state/application.go`): every relation of `app` (of any
    /// life) must have its endpoint implemented by the new charm (`Endpoint.ImplementedBy`:
    /// the same name, role and interface), peer relations excepted (the refresh removes the
    /// ones the charm drops). Refused in the words of `SetCharm`'s annotation.
    fn check_relations_upgrade(
        &self,
        app: &Application,
        endpoints: &[leaderd_core::relations::EndpointDecl],
        charm_url: Option<&str>,
    ) -> Result<(), ConfigChangeError> {
        for def in self.relation_defs() {
            let Some(ours) = def.endpoint_of(app.as_str()) else { continue };
            let ep = &ours.endpoint;
            let implemented =
                endpoints.iter().any(|e| e.name == ep.name && e.role == ep.role && e.interface == ep.interface);
            if implemented || ep.role == "peer" {
                continue;
            }
            let quote = leaderd_core::gocompat::go_quote;
            let charm = charm_url.map(|url| format!(" to charm {}", quote(url))).unwrap_or_default();
            return Err(ConfigChangeError::Relations(format!(
                "cannot upgrade application {}{charm}: would break relation {}",
                quote(app.as_str()),
                quote(&juju_relation_string(&def))
            )));
        }
        Ok(())
    }

    /// Juju's `removeStalePeerRelationsOps` (`state/application.go`): the peer relations of
    /// `app` whose endpoint the refreshed charm no longer declares go (dying until no unit is
    /// in their scope, so the units run their -departed and -broken hooks).
    async fn remove_stale_peer_relations(
        &self,
        app: &Application,
        config: &AppConfig,
    ) -> Result<(), ConfigChangeError> {
        let declared = declared_endpoints(config);
        for def in self.relation_defs() {
            let Some(ours) = def.endpoint_of(app.as_str()) else { continue };
            let kept = declared.iter().any(|e| e.role == "peer" && e.name == ours.endpoint.name);
            if !def.is_peer() || kept || !def.alive() {
                continue;
            }
            self.relation_op(writer::RelationOp::RemoveStalePeer(def.id)).await.map_err(|e| match e {
                RelationError::Write(e) => ConfigChangeError::Write(e),
                e => ConfigChangeError::Write(LeaderWriteError::Invalid(e.to_string())),
            })?;
            tracing::info!(app = app.as_str(), relation = def.id, key = def.key, "stale peer relation removed");
        }
        Ok(())
    }

    /// The peer relations of `config`'s endpoints that have no record yet, each with the next
    /// relation id (a deployment registers them; a restarted `up` registers them again and
    /// creates none twice).
    async fn register_peer_relations(&self, app: &Application, config: &AppConfig) -> Result<(), ConfigChangeError> {
        let added = self.add_peer_relations(app, declared_endpoints(config)).await.map_err(|e| match e {
            RelationError::Write(e) => ConfigChangeError::Write(e),
            e => ConfigChangeError::Write(LeaderWriteError::Invalid(e.to_string())),
        })?;
        for relation in added {
            tracing::info!(app = app.as_str(), relation = relation.id, key = relation.key, "peer relation added");
        }
        Ok(())
    }

    /// Waits until `app`'s config version is past `after`, or `timeout`; returns the version.
    pub async fn watch_config(&self, app: &Application, after: u64, timeout: Duration) -> u64 {
        let mut rx = self.state.config_channel(app.as_str()).subscribe();
        let _ = tokio::time::timeout(timeout, rx.wait_for(|v| *v > after)).await;
        let v = *rx.borrow();
        v
    }

    async fn put(&self, fence: Option<(String, u64)>, write: Write) -> Result<(), LeaderWriteError> {
        let job = |reply| Job::Put { fence, write, reply };
        self.submit(job).await.unwrap_or_else(|| Err(LeaderWriteError::failed(ShuttingDown)))
    }

    /// The lock of `unit`'s status writes.
    fn status_lock(&self, unit: &str) -> &tokio::sync::Mutex<()> {
        let shard = unit.bytes().fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
        &self.status_locks[shard % self.status_locks.len()]
    }

    /// Records `unit`'s workload status and version; durable before it returns. The time the
    /// workload status last changed is the controller's: kept while the status and message
    /// stay the same (a version change, or the same status set again), now otherwise.
    pub async fn set_unit_status(&self, unit: &Unit, mut status: UnitStatus) -> Result<(), LeaderWriteError> {
        let _one_at_a_time = self.status_lock(unit.as_str()).lock().await;
        let before = self.state.unit_statuses.read().unwrap().get(unit.as_str()).cloned();
        status.since_ms = match before {
            Some(b) if b.workload.status == status.workload.status && b.workload.message == status.workload.message => {
                b.since_ms
            }
            _ => Some(crate::secrets::now_ms()),
        };
        self.put(None, Write::UnitStatus { unit: unit.as_str().into(), status: status.into() }).await
    }

    /// Each unit of `app`'s opened port ranges by endpoint (units with none left out).
    pub fn unit_ports(
        &self,
        app: &Application,
    ) -> std::collections::BTreeMap<String, leaderd_core::ports::GroupedPortRanges> {
        self.state
            .unit_ports
            .read()
            .unwrap()
            .iter()
            .filter(|(unit, _)| leaderd_core::names::unit_application(unit) == Ok(app.as_str()))
            .map(|(unit, ports)| (unit.clone(), ports.clone()))
            .collect()
    }

    /// Each unit of `app`'s payloads by class (units with none left out).
    pub fn unit_payloads(
        &self,
        app: &Application,
    ) -> std::collections::BTreeMap<String, leaderd_core::payloads::UnitPayloads> {
        self.state
            .unit_payloads
            .read()
            .unwrap()
            .iter()
            .filter(|(unit, _)| leaderd_core::names::unit_application(unit) == Ok(app.as_str()))
            .map(|(unit, payloads)| (unit.clone(), payloads.clone()))
            .collect()
    }

    /// Was `unit` removed by the operator? (Cheap: a set read, on every unit request.)
    pub fn is_removed(&self, unit: &str) -> bool {
        self.state.removed.read().unwrap().contains(unit)
    }

    /// Forgets `unit` (the operator removed it): its workload status and version, and an
    /// elect's designation of it (waiting minions are woken); and records it as removed for
    /// good, so its token is refused from then on. Durable before it returns. The unit is
    /// refused from the moment this starts, before the write is durable, and stays refused in
    /// this process should the write fail (the operator's word stands; a retry makes it
    /// durable). A lease it still holds is left to expire (it may have answered is-leader True
    /// until then), but it can no longer renew it.
    pub async fn forget_unit(&self, unit: &Unit) -> Result<(), LeaderWriteError> {
        let app = unit.application();
        self.state.removed.write().unwrap().insert(unit.as_str().into());
        tracing::info!(unit = unit.as_str(), "unit removed: its token is refused from now on");
        self.state.leases.lock().unwrap().forget(app.as_str(), unit.as_str());
        self.state.lease_notify(app.as_str()).notify_waiters();
        // The removal and the end of its secrets in one write: its unit-owned secrets, its
        // consumer records and the grants naming it go with it.
        let forget = |reply| Job::ForgetSecrets { unit: unit.as_str().into(), reply };
        self.submit(forget).await.unwrap_or_else(|| Err(LeaderWriteError::failed(ShuttingDown))).map(|_| ())
    }

    /// Records the application status `unit` set, if it holds the lease under `term` at the
    /// moment of the write (as leader-set merges are fenced).
    pub async fn set_app_status(
        &self,
        unit: &Unit,
        term: Term,
        status: WorkloadStatus,
    ) -> Result<(), LeaderWriteError> {
        let app = unit.application().as_str().to_string();
        self.put(Some((unit.as_str().into(), term.0)), Write::AppStatus { app, status: status.into() }).await
    }

    /// `app`'s application status (if its leader set one) and its units' statuses, by unit.
    pub fn statuses(
        &self,
        app: &Application,
    ) -> (Option<WorkloadStatus>, std::collections::BTreeMap<String, UnitStatus>) {
        let app_status = self.state.app_statuses.read().unwrap().get(app.as_str()).cloned();
        let units = self
            .state
            .unit_statuses
            .read()
            .unwrap()
            .iter()
            .filter(|(unit, _)| leaderd_core::names::unit_application(unit) == Ok(app.as_str()))
            .map(|(unit, status)| (unit.clone(), status.clone()))
            .collect();
        (app_status, units)
    }

    /// Every application known to the controller, by name.
    pub fn status(&self) -> Vec<ApplicationStatus> {
        let now = Instant::now();
        let leases = self.state.leases.lock().unwrap();
        let buckets = self.state.buckets.read().unwrap();
        let configs = self.state.configs.read().unwrap();
        let mut names: Vec<&String> =
            leases.iter().map(|(name, _)| name).chain(buckets.keys()).chain(configs.keys()).collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let lease = leases.get(name);
                let leader = lease.and_then(|l| l.live_holder(now)).map(String::from);
                ApplicationStatus {
                    name: name.clone(),
                    lease_remaining_ms: match (&leader, lease) {
                        (Some(_), Some(l)) => l.expiry.saturating_duration_since(now).as_millis() as u64,
                        _ => 0,
                    },
                    leader,
                    term: lease.map_or(0, |l| l.term),
                    settings_version: buckets.get(name).map_or(0, |b| b.version),
                    config_version: configs.get(name).map_or(0, |c| c.version),
                }
            })
            .collect()
    }
}

/// Where `leaderd controller` listens.
#[derive(Debug, Clone)]
pub enum Listen {
    /// Bind this address.
    Address(std::net::SocketAddr),
    /// A listening TCP socket inherited as this file descriptor (`leaderd up` keeps the port
    /// bound across controller restarts this way).
    Fd(i32),
}

/// How clients reach the controller.
#[derive(Debug, Clone)]
pub enum Transport {
    /// TLS with this certificate chain and key (PEM).
    Tls { cert: std::path::PathBuf, key: std::path::PathBuf },
    /// Plain HTTP: tokens cross the network readable by anyone on the path.
    InsecureHttp,
}

/// How `leaderd controller` runs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: Listen,
    /// `sqlite:PATH` or `memory`.
    pub store: String,
    pub secret_file: std::path::PathBuf,
    pub config: Config,
    pub transport: Transport,
    pub limits: leaderd_net::server::Limits,
    /// How long a token from `POST /v1/token/renew` lives.
    pub token_ttl: Duration,
    /// With an `etcd:` store: client certificates, the session TTL, the advertised URL.
    pub etcd: EtcdOptions,
}

/// A controller on etcd: every one runs the election, and one at a time is active.
#[derive(Debug, Clone)]
pub struct EtcdOptions {
    pub tls: crate::store::etcd_keys::EtcdTls,
    /// How long after its last keepalive a failed active controller is replaced.
    pub session_ttl: Duration,
    /// The URL standbys name for this controller when it is active (default: the scheme and
    /// the listening address).
    pub advertise: Option<String>,
}

impl Default for EtcdOptions {
    fn default() -> EtcdOptions {
        EtcdOptions { tls: Default::default(), session_ttl: Duration::from_secs(10), advertise: None }
    }
}

fn listener(listen: &Listen) -> anyhow::Result<std::net::TcpListener> {
    use anyhow::Context;
    match *listen {
        Listen::Address(address) => {
            std::net::TcpListener::bind(address).with_context(|| format!("listening on {address}"))
        }
        Listen::Fd(fd) => {
            let inherited = leaderd_sys::process::adopt_fd(fd)
                .ok_or_else(|| anyhow::anyhow!("--listen-fd {fd}: no such open file"))?;
            let listener = std::net::TcpListener::from(inherited);
            listener.local_addr().with_context(|| format!("--listen-fd {fd} is not a listening TCP socket"))?;
            Ok(listener)
        }
    }
}

/// Opens the store and starts the controller; on an `etcd:` store, also the election (which
/// stops when `stop` turns true).
async fn start_controller(
    options: &ServeOptions,
    url: String,
    secret_fingerprint: String,
    stop: watch::Receiver<bool>,
) -> anyhow::Result<(Arc<Controller>, Option<tokio::task::JoinHandle<()>>)> {
    #[cfg(feature = "etcd")]
    if let Some(spec) = options.store.strip_prefix("etcd:") {
        use crate::store::etcd::{EtcdStore, Fence};
        let spec = crate::store::etcd_keys::EtcdSpec::parse(spec)?;
        let fence = Arc::new(Mutex::new(Fence::Standby));
        let tls = options.etcd.tls.clone();
        let (store, spec2, fence2) = (spec.clone(), spec.clone(), fence.clone());
        let store = tokio::task::spawn_blocking(move || EtcdStore::open(&store, &tls, fence2)).await??;
        let layout = store.layout().clone();
        let controller =
            Controller::start_as(Box::new(store), options.config.clone(), active::Role::Standby { active: None })?;
        let client = crate::store::etcd::Endpoints::connect(&spec2, &options.etcd.tls).await?;
        let election_options = election::ElectionOptions {
            session_ttl: options.etcd.session_ttl,
            url: options.etcd.advertise.clone().unwrap_or(url),
            secret_fingerprint,
        };
        let task = tokio::spawn(election::run(client, layout, election_options, controller.clone(), fence, stop));
        return Ok((controller, Some(task)));
    }
    let _ = (url, secret_fingerprint, stop);
    let store = crate::store::open_with(&options.store, &options.etcd.tls)?;
    Ok((Controller::start(store, options.config.clone())?, None))
}

/// Runs a controller until SIGINT or SIGTERM, then finishes the requests in flight (long-polls
/// answer at once) and returns. Prints `listening on https://ADDR` (or `http://` when insecure)
/// on stdout once it accepts.
pub async fn serve(options: ServeOptions) -> anyhow::Result<()> {
    use std::io::Write;

    let secret = leaderd_net::auth::Secret::load_or_create(&options.secret_file)?;
    let tls = match &options.transport {
        Transport::Tls { cert, key } => Some(leaderd_net::tls::server_config(cert, key)?),
        Transport::InsecureHttp => None,
    };
    let listener = listener(&options.listen)?;
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let address = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let (shutdown_tx, shutdown) = watch::channel(false);
    let (controller, election) =
        start_controller(&options, format!("{scheme}://{address}"), secret.fingerprint(), shutdown.clone()).await?;
    let api = Arc::new(api::Api { controller: controller.clone(), secret, token_ttl: options.token_ttl, shutdown });
    let mut stop = leaderd_sys::shutdown::Shutdown::catch()?;
    let limits = &options.limits;
    tracing::info!(
        %address,
        store = controller.store_name(),
        min_lease = leaderd_core::duration::format(options.config.min_lease),
        max_lease = leaderd_core::duration::format(options.config.max_lease),
        max_connections = limits.max_connections,
        header_timeout = leaderd_core::duration::format(limits.header_timeout),
        idle_timeout = leaderd_core::duration::format(limits.idle_timeout),
        "controller started"
    );
    if tls.is_none() {
        tracing::warn!("serving plain HTTP (--insecure-http): tokens cross the network unencrypted");
    }
    println!("listening on {scheme}://{address}");
    std::io::stdout().flush()?;
    let shutdown = async move {
        stop.requested().await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = shutdown_tx.send(true);
    };
    // A request with a body must carry a valid token before its body is read: a client without
    // one cannot make the controller buffer anything.
    let mut limits = options.limits.clone();
    let gate = api.clone();
    limits.admit = Some(leaderd_net::server::Admit(Arc::new(move |parts| gate.caller(&parts.headers).map(|_| ()))));
    leaderd_net::server::serve(listener, tls, api::router(api), limits, shutdown).await?;
    if let Some(election) = election {
        // It revokes its session on the way out, so a standby takes over at once.
        let _ = tokio::time::timeout(Duration::from_secs(3), election).await;
    }
    tracing::info!("controller stopped");
    Ok(())
}
