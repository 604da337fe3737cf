//! The unit agent: the hook endpoint jujuc talks to, with each hook's sandboxed context; the
//! leadership tracker over its pure lease view; the hook runner (the uniter: its pure resolver
//! and an executor); the settings watcher; the control socket. `run` only wires them together.

pub(crate) mod action_runner;
pub(crate) mod action_tools;
pub mod context;
pub mod hook_endpoint;
pub(crate) mod lease_view;
pub mod lifecycle;
pub mod memory;
pub(crate) mod net_tools;
pub(crate) mod payload_tools;
pub(crate) mod relation_hooks;
pub(crate) mod relation_watch;
pub(crate) mod resolver;
pub(crate) mod secret_hooks;
pub(crate) mod secret_tools;
pub(crate) mod secret_watch;
pub(crate) mod state_tools;
pub(crate) mod status_report;
pub(crate) mod storage_hooks;
pub(crate) mod storage_tools;

use std::collections::BTreeMap;
use std::future::Future;

pub use leaderd_core::model::LeaderWriteError;
use leaderd_core::model::Settings;
use leaderd_core::wire::controller::{
    OwnedSecretsResponse, RelationChanges, RelationCommitRequest, RelationsResponse, SecretChange, SecretReadRequest,
    SecretReadResponse, StorageDirective, StorageInstance,
};
use leaderd_core::wire::controller::{StatusesResponse, UnitStatus};
use leaderd_core::wire::hook::WorkloadStatus;
use leaderd_net::controller_client::CallError;

/// What the hook endpoint needs from the agent's leadership machinery. The real agent backs it
/// with its lease tracker and the controller; tests and benchmarks use [`memory::MemoryBackend`].
pub trait HookBackend: Send + Sync + 'static {
    /// A tracker "claim ticket" (Juju's `worker/leadership/tracker.go`): true while this unit holds the lease with at least
    /// the guarantee left. A minion is answered from cached state, without a claim.
    fn is_leader(&self) -> impl Future<Output = bool> + Send;

    /// Reads the application's whole leader-settings bucket from the controller. The error is
    /// the controller call's; the context annotates it.
    fn read_settings(&self) -> impl Future<Output = Result<Settings, CallError>> + Send;

    /// Merges `changes` into the bucket as this unit, fenced by its lease term; an empty value
    /// deletes its key. Durable when it returns `Ok`.
    fn merge_settings(&self, changes: Settings) -> impl Future<Output = Result<(), LeaderWriteError>> + Send;

    /// The application's config as the controller holds it (every option with its value,
    /// typed), or `None` where no controller keeps one (the charm's `config.yaml` defaults
    /// apply then).
    fn read_config(
        &self,
    ) -> impl Future<Output = Result<Option<leaderd_core::charm_config::Values>, CallError>> + Send {
        async { Ok(None) }
    }

    /// Forwards this unit's workload status and version to where they are kept (the
    /// controller), at once, as Juju's status-set and application-version-set call the API.
    fn publish_unit_status(&self, _status: UnitStatus) -> impl Future<Output = Result<(), CallError>> + Send {
        async { Ok(()) }
    }

    /// Forwards this unit's agent status (`juju-status`) to the controller.
    fn publish_agent_status(
        &self,
        _status: leaderd_core::wire::controller::AgentStatus,
    ) -> impl Future<Output = Result<(), CallError>> + Send {
        async { Ok(()) }
    }

    /// Forwards the application status, fenced by this unit's lease term.
    fn publish_app_status(&self, _status: WorkloadStatus) -> impl Future<Output = Result<(), LeaderWriteError>> + Send {
        async { Ok(()) }
    }

    /// Every unit's status as the controller keeps them (for status-get --application), or
    /// `None` where no controller keeps them.
    fn read_statuses(&self) -> impl Future<Output = Result<Option<StatusesResponse>, CallError>> + Send {
        async { Ok(None) }
    }
    /// Reads every relation's data (members and bags) from the controller.
    fn read_relations(&self) -> impl Future<Output = Result<RelationsResponse, CallError>> + Send;

    /// Commits one successful hook's relation and secret changes (and its whole charm state,
    /// when it changed it) as this unit, all or nothing;
    /// changes to an application bag or an application-owned secret are fenced by the unit's
    /// lease term at the moment of the commit.
    fn commit_hook(&self, hook: HookChanges) -> impl Future<Output = Result<(), RelationCommitError>> + Send;

    /// The unit's charm state as the controller last committed it.
    fn read_charm_state(&self) -> impl Future<Output = Result<BTreeMap<String, String>, CallError>> + Send;

    /// The unit's payloads as the controller last committed them (none where no controller
    /// keeps them).
    fn read_payloads(&self) -> impl Future<Output = Result<leaderd_core::payloads::UnitPayloads, CallError>> + Send {
        async { Ok(Default::default()) }
    }

    /// A secret's content for this unit, from the controller (the read may move the revision
    /// this unit tracks). The backend adds the unit's term while it leads.
    fn read_secret(
        &self,
        request: SecretReadRequest,
    ) -> impl Future<Output = Result<SecretReadResponse, CallError>> + Send {
        let _ = request;
        async { Err(no_secrets()) }
    }

    /// The secrets this unit manages (its application's too while it leads).
    fn owned_secrets(&self) -> impl Future<Output = Result<OwnedSecretsResponse, CallError>> + Send {
        async { Err(no_secrets()) }
    }

    /// The unit's storage instances as the controller keeps them (none where no controller
    /// keeps any).
    fn read_storage(&self) -> impl Future<Output = Result<Vec<StorageInstance>, CallError>> + Send {
        async { Ok(Vec::new()) }
    }

    /// Makes the unit's storage up to the charm's minimum counts; all of its instances.
    fn ensure_storage(
        &self,
        minimums: Vec<StorageDirective>,
    ) -> impl Future<Output = Result<Vec<StorageInstance>, CallError>> + Send {
        let _ = minimums;
        async { Ok(Vec::new()) }
    }
}

/// Everything one successful hook commits, all or nothing: its relation changes, its secret
/// changes, its whole charm state when it changed it, its open-port and close-port requests.
#[derive(Debug, Default)]
pub struct HookChanges {
    pub relations: Vec<RelationChanges>,
    pub secrets: Vec<SecretChange>,
    pub charm_state: Option<BTreeMap<String, String>>,
    pub ports: Vec<leaderd_core::ports::PortChange>,
    /// The hook's storage-add directives (checked against the charm's storage).
    pub storage: Vec<StorageDirective>,
    /// The unit's whole payloads when the hook changed them.
    pub payloads: Option<leaderd_core::payloads::UnitPayloads>,
}

/// A backend without a controller keeps no secrets.
fn no_secrets() -> CallError {
    CallError::Refused {
        code: leaderd_core::wire::ErrorCode::NotFound,
        message: "secrets need a controller: this agent has none".into(),
    }
}

/// Why a hook's relation changes were not committed (nothing was).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RelationCommitError {
    /// The unit no longer leads: Juju's leadership-token words, `"app/0" is not leader of "app"`.
    #[error("{0}")]
    NotLeader(String),
    /// The controller could not be asked, or refused otherwise: its words.
    #[error(transparent)]
    Failed(#[from] CallError),
    /// The hook's changes are not valid (an open-port endpoint the charm does not have):
    /// Juju's words.
    #[error("{0}")]
    Invalid(String),
}

/// Juju's words when a leadership token no longer holds (`core/leadership`, `notLeaderError`).
pub(crate) fn not_leader_of(unit: &str) -> String {
    let app = leaderd_core::names::unit_application(unit).unwrap_or(unit);
    format!("{} is not leader of {}", leaderd_core::format::go_quote(unit), leaderd_core::format::go_quote(app))
}

mod executor;
pub(crate) mod run_socket;
pub mod runner;
pub mod tracker;
pub mod watcher;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use leaderd_net::controller_client::ControllerClient;
use tracker::Tracker;

/// Records one agent event as a text message (see [`emit`]).
pub fn event(unit: &str, text: std::fmt::Arguments) {
    emit(unit, leaderd_sys::events::Event::Message { text: text.to_string() });
}

/// The least level of the events the agent prints (`leaderd agent --log-level`); the event
/// log keeps every one. Unset: DEBUG, every event the agent prints.
static PRINT_LEVEL: std::sync::OnceLock<leaderd_sys::events::Level> = std::sync::OnceLock::new();

/// Sets the least level [`emit`] prints, once, before the agent starts.
pub fn print_level(level: leaderd_sys::events::Level) {
    let _ = PRINT_LEVEL.set(level);
}

/// Records one typed agent event in the event log (`--event-log`) and prints it on stdout as
/// `<unit>: <text>` when it is at least the print level; `leaderd up` relays these lines.
pub(crate) fn emit(unit: &str, event: leaderd_sys::events::Event) {
    let record = leaderd_sys::events::record(Some(unit), event);
    if record.level < *PRINT_LEVEL.get_or_init(|| leaderd_sys::events::Level::Debug) {
        return;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", record.line());
    let _ = out.flush();
}

/// The real [`HookBackend`]: the tracker for is-leader, the controller for the bucket, and the
/// tracker's term to fence writes.
pub(crate) struct AgentBackend {
    pub tracker: Arc<Tracker>,
    pub client: ControllerClient,
    /// The unit, for Juju's words when it no longer leads.
    pub unit: String,
}

impl HookBackend for AgentBackend {
    async fn is_leader(&self) -> bool {
        self.tracker.is_leader().await
    }

    async fn read_settings(&self) -> Result<Settings, CallError> {
        self.client.read().await.map(|r| r.settings)
    }

    async fn merge_settings(&self, changes: Settings) -> Result<(), LeaderWriteError> {
        let term = self.tracker.term().ok_or(LeaderWriteError::NotLeader)?;
        let keys = changes.keys().cloned().collect();
        self.client.merge(term, changes).await?;
        leaderd_sys::events::record(Some(self.tracker.unit()), leaderd_sys::events::Event::LeaderSet { term, keys });
        Ok(())
    }

    async fn read_config(&self) -> Result<Option<leaderd_core::charm_config::Values>, CallError> {
        match self.client.config().await {
            Ok(config) => Ok(Some(leaderd_core::charm_config::effective(&config.options, &config.values))),
            // No charm config registered for the application (an agent run without `up`).
            Err(CallError::Refused { code: leaderd_core::wire::ErrorCode::NotFound, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn publish_unit_status(&self, status: UnitStatus) -> Result<(), CallError> {
        self.client.set_unit_status(&status).await
    }

    async fn publish_agent_status(&self, status: leaderd_core::wire::controller::AgentStatus) -> Result<(), CallError> {
        self.client.set_agent_status(&status).await
    }

    async fn publish_app_status(&self, status: WorkloadStatus) -> Result<(), LeaderWriteError> {
        let term = self.tracker.term().ok_or(LeaderWriteError::NotLeader)?;
        match self.client.set_app_status(term, status).await {
            Ok(()) => Ok(()),
            Err(CallError::Refused { code: leaderd_core::wire::ErrorCode::NotLeader, .. }) => {
                Err(LeaderWriteError::NotLeader)
            }
            Err(e) => Err(LeaderWriteError::failed(e)),
        }
    }

    async fn read_statuses(&self) -> Result<Option<StatusesResponse>, CallError> {
        self.client.statuses().await.map(Some)
    }

    async fn read_relations(&self) -> Result<RelationsResponse, CallError> {
        self.client.relations().await
    }

    async fn read_secret(&self, mut request: SecretReadRequest) -> Result<SecretReadResponse, CallError> {
        request.term = self.leading_term().await;
        self.client.read_secret(&request).await
    }

    async fn owned_secrets(&self) -> Result<OwnedSecretsResponse, CallError> {
        let term = self.leading_term().await;
        self.client.owned_secrets(term).await
    }

    async fn read_charm_state(&self) -> Result<BTreeMap<String, String>, CallError> {
        self.client.unit_state().await
    }

    async fn read_storage(&self) -> Result<Vec<StorageInstance>, CallError> {
        self.client.storage().await
    }

    async fn ensure_storage(&self, minimums: Vec<StorageDirective>) -> Result<Vec<StorageInstance>, CallError> {
        self.client.ensure_storage(minimums).await
    }

    async fn read_payloads(&self) -> Result<leaderd_core::payloads::UnitPayloads, CallError> {
        let mut kept = self.client.statuses().await?;
        Ok(kept.payloads.remove(&self.unit).unwrap_or_default())
    }

    async fn commit_hook(&self, hook: HookChanges) -> Result<(), RelationCommitError> {
        let HookChanges { relations: changes, secrets, charm_state, ports, storage, payloads } = hook;
        let not_leader = || RelationCommitError::NotLeader(not_leader_of(&self.unit));
        let term = if changes.iter().any(|c| c.app.is_some()) {
            // Checked again now, at commit: a unit that lost leadership mid-hook commits nothing.
            if !self.tracker.is_leader().await {
                return Err(not_leader());
            }
            Some(self.tracker.term().ok_or_else(not_leader)?)
        } else if !secrets.is_empty() {
            // Secret changes carry the term while the unit leads; the controller decides which
            // of them needed it (those to application-owned secrets).
            self.leading_term().await
        } else {
            None
        };
        let request = RelationCommitRequest { term, changes, secrets, charm_state, ports, storage, payloads };
        match self.client.commit_hook(&request).await {
            Ok(_) => Ok(()),
            Err(CallError::Refused { code: leaderd_core::wire::ErrorCode::NotLeader, .. }) => Err(not_leader()),
            Err(e) => Err(RelationCommitError::Failed(e)),
        }
    }
}

impl AgentBackend {
    /// The lease term, if this unit leads now (with the guarantee left).
    async fn leading_term(&self) -> Option<u64> {
        if self.tracker.is_leader().await {
            self.tracker.term()
        } else {
            None
        }
    }
}

/// How `leaderd agent` runs.
#[derive(Debug, Clone)]
pub struct AgentOptions {
    pub unit: String,
    pub controller: String,
    pub token: String,
    pub charm_dir: PathBuf,
    pub state_dir: PathBuf,
    pub guarantee: Duration,
    /// The jujuc binary the tools directory links to.
    pub jujuc: PathBuf,
    /// How the controller is verified (its CA), or plain HTTP.
    pub trust: leaderd_net::tls::Trust,
    /// The hook and control sockets' request and idle timeouts.
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    /// How often update-status runs once the unit has started (Juju's default: 5 min).
    pub update_status_interval: Duration,
    /// How failed hooks are retried.
    pub hook_retry: runner::RetryPolicy,
    /// The charm's file resources: each name and the file the operator gave for it.
    pub resources: Vec<(String, PathBuf)>,
}

/// Runs one unit's agent until SIGINT or SIGTERM.
pub async fn run(options: AgentOptions) -> anyhow::Result<()> {
    use std::os::unix::fs::symlink;

    let app = leaderd_core::names::unit_application(&options.unit)?.to_string();
    let state_dir = &options.state_dir;
    leaderd_sys::private::create_trusted_dir(state_dir, leaderd_sys::private::STATE_DIR)?;
    // One agent per state directory: a second would take over the first's sockets.
    let _lock = leaderd_sys::lockfile::lock(&state_dir.join("agent.lock"), "agent")?;
    let charm_dir =
        options.charm_dir.canonicalize().with_context(|| format!("charm directory {}", options.charm_dir.display()))?;
    anyhow::ensure!(options.jujuc.exists(), "no jujuc at {} (give --jujuc)", options.jujuc.display());

    // The tools directory: one symlink per hook tool, first on every hook's PATH.
    let tools_dir = state_dir.join("tools");
    leaderd_sys::private::create_state_dir(&tools_dir)?;
    for tool in jujuc::tools::TOOL_NAMES {
        let link = tools_dir.join(tool);
        let _ = std::fs::remove_file(&link);
        symlink(&options.jujuc, &link).with_context(|| format!("linking {}", link.display()))?;
    }

    use leaderd_net::auth::{token_expiry, unix_now};
    let expiry = token_expiry(&options.token)
        .context("the token is malformed (expected <unit>:<expiry>:<mac>, as `leaderd token` prints)")?;
    anyhow::ensure!(
        expiry > unix_now(),
        "the token expired {}s ago: get a fresh one with `leaderd token`",
        unix_now() - expiry
    );
    let client = ControllerClient::new(&options.controller, &app, &options.token, &options.trust)?;
    if matches!(options.trust, leaderd_net::tls::Trust::InsecureHttp) {
        tracing::warn!(
            controller = options.controller,
            "--insecure-http: the token goes to the controller unencrypted"
        );
    }
    let tracker = Tracker::new(&options.unit, client.clone(), options.guarantee);
    let leadership =
        Arc::new(AgentBackend { tracker: tracker.clone(), client: client.clone(), unit: options.unit.clone() });
    let unit = options.unit.clone();
    let endpoint = hook_endpoint::HookEndpoint::with_log(
        &options.unit,
        leadership,
        Arc::new(move |_unit: &str, hook: &str, record: &leaderd_core::wire::hook::LogRecord| {
            let (hook, level, message) = (hook.to_string(), record.level, record.message.clone());
            emit(&unit, leaderd_sys::events::Event::JujuLog { hook, level, message });
        }),
    );
    endpoint.set_charm_dir(&charm_dir);
    // The charm's storage: each instance a directory under the unit's state directory.
    let charm_storage = leaderd_core::storage::charm_storage(&charm_dir).context("the charm's storage")?;
    if let Some(block) =
        charm_storage.iter().find(|s| s.kind == leaderd_core::storage::StorageKind::Block && s.count_min > 0)
    {
        anyhow::bail!(
            "the charm needs block storage {:?} (at least {}): leaderd has no block devices; it attaches filesystem storage only",
            block.name,
            block.count_min
        );
    }
    endpoint.set_storage_root(state_dir.join("storage"));
    let storage_task = tokio::spawn(ensure_storage(endpoint.clone(), client.clone(), charm_storage));
    endpoint.set_resources(copy_resources(&charm_dir, state_dir, &options.resources)?);
    let model_uuid = model_uuid(state_dir)?;
    endpoint.set_model_uuid(&model_uuid);
    // The statuses the controller kept for this unit, from before an agent restart.
    match tokio::time::timeout(Duration::from_secs(5), client.statuses()).await {
        Ok(Ok(kept)) => endpoint.restore_statuses(&kept),
        Ok(Err(e)) => tracing::warn!(error = %e, "reading this unit's statuses from the controller failed"),
        Err(_) => tracing::warn!("reading this unit's statuses from the controller: no answer within 5s"),
    }
    let socket = state_dir.join("agent.socket");
    let run_socket = state_dir.join("run.socket");
    let hook_listener = hook_endpoint::bind_socket(&socket)?;
    let control_listener = hook_endpoint::bind_socket(&run_socket)?;
    let env = Arc::new(runner::HookEnv {
        unit: options.unit.clone(),
        charm_dir,
        socket: socket.clone(),
        tools_dir,
        model_uuid,
        model_name: model_name(state_dir),
    });
    let status = Arc::new(std::sync::Mutex::new(runner::RunnerStatus::default()));
    let reporter_status = status.clone();
    let (resolve_tx, resolve_rx) = tokio::sync::mpsc::channel(4);
    let hook_groups: Arc<std::sync::Mutex<Vec<i32>>> = Arc::default();
    let hook_lock: Arc<tokio::sync::Mutex<()>> = Arc::default();
    let (dying_tx, dying) = tokio::sync::watch::channel(false);
    let control = Arc::new(run_socket::Control {
        env: env.clone(),
        endpoint: endpoint.clone(),
        tracker: tracker.clone(),
        status: status.clone(),
        lock: hook_lock.clone(),
        open: Default::default(),
        waiting: tokio::sync::Semaphore::new(run_socket::MAX_WAITING_EXECS),
        resolves: resolve_tx,
        dying: dying_tx,
        client: client.clone(),
    });
    let action_worker = action_runner::watch(control.clone());

    let (remote_tx, remote_rx) = tokio::sync::watch::channel(0u64);
    let watcher = watcher::run(client.clone(), remote_tx, options.unit.clone());
    let (config_tx, config_rx) = tokio::sync::watch::channel(None);
    let config_watcher = watcher::run_versions(watcher::ConfigVersions(client.clone()), config_tx);
    let (ticks_tx, ticks_rx) = tokio::sync::watch::channel(0u64);
    // The update-status interval: the model config's `update-status-hook-interval` once an
    // operator set it (`juju model-config`), else the agent's own.
    let (interval_tx, interval_rx) = tokio::sync::watch::channel(None);
    let model_interval = watcher::run_model_interval(client.clone(), interval_tx);
    let ticker = watcher::tick_following(options.update_status_interval, interval_rx, ticks_tx);
    let (relations_tx, relations_rx) = tokio::sync::watch::channel(None);
    let relation_watcher = relation_watch::run(client.clone(), options.unit.clone(), dying.clone(), relations_tx);
    let (secrets_tx, secrets_rx) = tokio::sync::watch::channel(None);
    let secret_watcher = secret_watch::run(client.clone(), tracker.subscribe(), secrets_tx);
    let uniter_state = runner::load_state(&state_dir.join("uniter.json"))?;
    let runner = runner::Runner {
        env,
        endpoint: endpoint.clone(),
        tracker: tracker.clone(),
        state_file: state_dir.join("uniter.json"),
        status,
        lock: hook_lock.clone(),
        retry: options.hook_retry,
        resolves: resolve_rx,
        hook_groups: hook_groups.clone(),
        dying,
        relations: runner::RelationInputs {
            data: relations_rx,
            seen_file: state_dir.join("relations.json"),
            secrets: secrets_rx,
        },
    };

    // The socket servers' limits, fitted to this process's file descriptors.
    let fds = leaderd_sys::process::raise_fd_limit();
    let with_timeouts = |limits: leaderd_net::server::Limits| leaderd_net::server::Limits {
        header_timeout: options.header_timeout,
        idle_timeout: options.idle_timeout,
        ..limits.fit(fds, 2)
    };
    let hook_limits = with_timeouts(hook_endpoint::default_limits());
    let control_limits = with_timeouts(run_socket::default_limits());

    let mut stop = leaderd_sys::shutdown::Shutdown::catch()?;
    let mut hangup = hangup()?;
    let result = tokio::select! {
        r = endpoint.clone().serve(hook_listener, hook_limits, std::future::pending()) => r.context("hook endpoint"),
        r = leaderd_net::server::serve(control_listener, None, run_socket::router(control), control_limits, std::future::pending()) =>
            r.context("control endpoint"),
        _ = renew_tokens(options.unit.clone(), client.clone()) => Ok(()),
        _ = tracker.clone().run() => Ok(()),
        _ = watcher => Ok(()),
        _ = config_watcher => Ok(()),
        _ = ticker => Ok(()),
        _ = model_interval => Ok(()),
        _ = relation_watcher => Ok(()),
        _ = secret_watcher => Ok(()),
        _ = action_worker => Ok(()),
        _ = status_report::run(endpoint.clone(), reporter_status) => Ok(()),
        r = runner.run(uniter_state, remote_rx, config_rx, ticks_rx) => r.context("hook runner"),
        _ = stop.requested() => Ok(()),
        Some(()) = async { hangup.as_mut()?.recv().await } => Ok(()),
    };
    storage_task.abort();
    runner::stop_hook_groups(&hook_groups);
    // What left its hook's process group (`setsid`, a daemon) and what `leaderd exec` ran in
    // this unit's hook contexts carry the hook environment: it ends with the agent too (also
    // when the agent stops because `up` died: `up` starts it with a parent-death SIGTERM).
    for pid in leaderd_sys::process::with_hook_environment(&socket) {
        leaderd_sys::process::signal(pid, leaderd_sys::process::Signal::TERM);
        leaderd_sys::process::signal(pid, leaderd_sys::process::Signal::CONT);
    }
    let _ = std::fs::remove_file(&socket);
    let _ = std::fs::remove_file(&run_socket);
    result
}

/// SIGHUP, caught as a stop request unless it is ignored (`nohup leaderd agent`). The kernel
/// sends it, then SIGCONT, to an agent stopped by `leaderd pause` when `up` dies (its process
/// group is orphaned with a stopped process in it): caught, the agent stops what its hooks left
/// as it does on SIGTERM, rather than die of it (SIGHUP's default) and leave them.
fn hangup() -> std::io::Result<Option<tokio::signal::unix::Signal>> {
    // /proc/self/status: `SigIgn:` is the mask of ignored signals in hex, SIGHUP (1) its bit 0.
    let ignored = std::fs::read_to_string("/proc/self/status").ok().is_some_and(|status| {
        status
            .lines()
            .find_map(|l| l.strip_prefix("SigIgn:"))
            .and_then(|mask| u64::from_str_radix(mask.trim(), 16).ok())
            .is_some_and(|mask| mask & 1 != 0)
    });
    if ignored {
        return Ok(None);
    }
    Ok(Some(tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?))
}

/// Gives the unit the charm's minimum count of each filesystem storage it lacks (at its first
/// start: Juju adds a unit with its storage) and learns all of its instances, retrying until
/// the controller answers; the uniter runs install only after that (Juju waits for a new
/// unit's storage before install). A charm without storage has none at once.
async fn ensure_storage(
    endpoint: Arc<hook_endpoint::HookEndpoint<AgentBackend>>,
    client: ControllerClient,
    charm: Vec<leaderd_core::storage::CharmStorage>,
) {
    if charm.is_empty() {
        endpoint.set_storage(Vec::new());
        return;
    }
    let minimums = minimum_storage(&charm);
    let mut pause = Duration::from_millis(200);
    loop {
        match client.ensure_storage(minimums.clone()).await {
            Ok(storage) => {
                let ids: Vec<&str> = storage.iter().map(|s| s.id.as_str()).collect();
                if !ids.is_empty() {
                    event(&endpoint.unit, format_args!("storage attached: {}", ids.join(", ")));
                }
                endpoint.set_storage(storage);
                return;
            }
            Err(e) => {
                tracing::warn!(unit = endpoint.unit, error = %e, "making the unit's storage; will retry");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// Each storage of a charm with its minimum count, as an ensure asks for them.
pub(crate) fn minimum_storage(charm: &[leaderd_core::storage::CharmStorage]) -> Vec<StorageDirective> {
    charm
        .iter()
        .map(|s| StorageDirective {
            name: s.name.clone(),
            kind: s.kind,
            count: s.count_min,
            counts: leaderd_core::storage::CharmStorageCounts { min: s.count_min, max: s.count_max },
        })
        .collect()
}

/// Keeps the client's token fresh: renews it from the controller when half of its remaining
/// life has passed (so a day-long token is renewed after 12 h, then every 12 h), retrying
/// more often as the expiry nears if the controller is away.
async fn renew_tokens(unit: String, client: ControllerClient) {
    use leaderd_net::auth::{token_expiry, unix_now};
    loop {
        let left = token_expiry(&client.token()).unwrap_or(0).saturating_sub(unix_now());
        if left == 0 {
            tracing::error!(
                unit,
                "the token has expired and the controller refuses it: restart the agent with a fresh token"
            );
            tokio::time::sleep(Duration::from_secs(60)).await;
            continue;
        }
        tokio::time::sleep(Duration::from_secs(left / 2).max(Duration::from_secs(1))).await;
        match client.renew_token().await {
            Ok(expires_at) => tracing::info!(unit, expires_at, "token renewed"),
            Err(e) => tracing::warn!(unit, error = %e, "renewing the token failed; will retry"),
        }
    }
}

/// A model UUID for this state dir, kept across restarts. Failing to make or keep one is an
/// error: a UUID that changed on every start would tell charms they moved to another model.
fn model_uuid(state_dir: &std::path::Path) -> anyhow::Result<String> {
    let path = state_dir.join("model-uuid");
    match std::fs::read_to_string(&path) {
        Ok(uuid) => return Ok(uuid.trim().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| anyhow::anyhow!("reading the OS random number generator: {e}"))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    let uuid = format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]);
    leaderd_sys::private::write_atomic(&path, uuid.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(uuid)
}

/// The model's name, from `<state>/model-name` (which `up` writes for a `juju` model's units);
/// `local` without one.
fn model_name(state_dir: &std::path::Path) -> String {
    std::fs::read_to_string(state_dir.join("model-name"))
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "local".into())
}

/// The unit's own copy of each file resource, fresh at every start (Juju keeps one per unit
/// under its agent's `resources/NAME/`, named as metadata.yaml's `filename`, or the given
/// file's name for a resource it does not declare).
fn copy_resources(
    charm_dir: &std::path::Path,
    state_dir: &std::path::Path,
    resources: &[(String, PathBuf)],
) -> anyhow::Result<std::collections::BTreeMap<String, PathBuf>> {
    let metadata: serde_yaml_ng::Value = std::fs::read_to_string(charm_dir.join("metadata.yaml"))
        .ok()
        .and_then(|text| serde_yaml_ng::from_str(&text).ok())
        .unwrap_or_default();
    let mut copies = std::collections::BTreeMap::new();
    for (name, source) in resources {
        let declared = metadata.get("resources").and_then(|r| r.get(name.as_str()));
        let file_name = declared
            .and_then(|r| r.get("filename"))
            .and_then(|f| f.as_str())
            .map(std::ffi::OsString::from)
            .or_else(|| source.file_name().map(|n| n.to_os_string()))
            .with_context(|| format!("resource {name}: {} has no file name", source.display()))?;
        let dir = state_dir.join("resources").join(name);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let copy = dir.join(file_name);
        std::fs::copy(source, &copy).with_context(|| format!("resource {name}: copying {}", source.display()))?;
        copies.insert(name.clone(), copy);
    }
    Ok(copies)
}
