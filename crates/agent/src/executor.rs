//! The uniter's loop and executor (Juju's `worker/uniter/resolver/loop.go` and
//! `worker/uniter/operation/executor.go`): gather a snapshot of the remote state from the
//! watchers, ask the resolver (`resolver.rs`) for the next operation, and carry it out in three
//! steps, prepare, execute and commit, saving the local state after each step that changed it
//! (in [`Uniter::persist`], the only place it is saved). The hook processes, the state files
//! and the rest of the agent (leadership, the hook endpoint's relation view, resigning) sit
//! behind traits, so the loop is tested here with fakes on tokio's paused clock.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::lease_view::LeaderStatus;
use super::lifecycle::{Hook, Lifecycle, UniterState};
use super::relation_hooks::Seen;
use super::resolver::{self, Failed, HookOp, LocalState, Operation, RetryCause, Snapshot, Started, UnitInfo, Wait};
use super::runner::{Resolve, RetryPolicy, RunnerStatus, StateError};
use super::{emit, event};
use leaderd_core::wire::controller::{CharmRef, RelationsResponse, SecretChange, SecretView};
use leaderd_core::wire::run::FailingHook;
use leaderd_sys::events::Event;

/// How one attempt at a hook ended.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Attempt {
    /// The charm has no such hook.
    Missing,
    Exited(i32),
    /// The hook could not be started; retried like a failing hook.
    NotStarted(String),
    /// The hook exited 0 but its relation changes could not be committed to the controller
    /// (Juju's uniter fails the hook then); retried like a failing hook.
    CommitFailed(String),
    /// The hook asked for juju-reboot and the unit was "rebooted": after it succeeded and was
    /// committed (`requeue` false), or at once, killing it (`requeue`: it runs again, as Juju
    /// queues a hook that ran `juju-reboot --now`).
    Rebooted {
        requeue: bool,
    },
}

/// Runs one hook process in a fresh context, and commits the context's relation changes to
/// the controller when it exits 0.
pub(crate) trait HookRunner: Send + Sync {
    /// `env` is what the hook's environment adds; `commit` what its commit adds to the charm's
    /// own changes.
    fn run(
        &self,
        hook: &str,
        env: &[(String, String)],
        commit: Vec<SecretChange>,
    ) -> impl Future<Output = Attempt> + Send;

    /// Commits `commit` without running anything (a secret hook resolved without running
    /// it: its bookkeeping still tells the controller the hook was handled, or it would be
    /// due again at once).
    fn settle(&self, commit: Vec<SecretChange>) -> impl Future<Output = Result<(), String>> + Send {
        let _ = commit;
        async { Ok(()) }
    }

    /// Swaps `charm` in as the unit's charm directory, once no hook or exec runs (the hook
    /// lock), so every hook after it runs from the new charm. The error says why not; the
    /// upgrade-charm it came before is then retried like a hook that could not start.
    fn deploy(&self, charm: &CharmRef) -> impl Future<Output = Result<(), String>> + Send {
        let _ = charm;
        async { Ok(()) }
    }
}

/// Where the local state that survives an agent restart is kept.
pub(crate) trait StateStore: Send {
    /// `uniter.json`.
    fn save_uniter(&mut self, state: &UniterState) -> Result<(), StateError>;
    /// `relations.json`.
    fn save_relations(&mut self, seen: &Seen) -> Result<(), StateError>;
}

/// What the uniter asks of the rest of the agent.
pub(crate) trait Agent: Send + Sync {
    /// Whether the unit leads now (a claim ticket, not the cached status).
    fn is_leader(&self) -> impl Future<Output = bool> + Send;
    /// The remote units relation-list reports, per relation, and what the hooks were told (the
    /// relations that are broken for the unit, those created).
    fn tell_relations(&self, joined: BTreeMap<u64, Vec<String>>, seen: &Seen);
    /// A storage instance's `-storage-detaching` hook is done: storage-list and storage-get
    /// no longer answer it.
    fn storage_detached(&self, _id: &str) {}
    /// The unit's last hook has run: stop any exec acting as the unit, and give the lease up.
    fn terminate(&self) -> impl Future<Output = ()> + Send;
}

/// The watchers the uniter reads its snapshots from (Juju's remote-state watcher).
pub(crate) struct Inputs {
    pub leader: watch::Receiver<LeaderStatus>,
    /// Settings changes seen, counting the watcher's first answer as 1.
    pub settings: watch::Receiver<u64>,
    /// The config version and the charm registered, as one answer gave them (none: no answer
    /// yet), so a refresh's charm and config are seen together.
    pub config: watch::Receiver<Option<ConfigSeen>>,
    pub ticks: watch::Receiver<u64>,
    pub dying: watch::Receiver<bool>,
    pub relations: watch::Receiver<Option<RelationsResponse>>,
    /// The controller's view of this unit's secrets (re-sent when a rotation or expiry is due).
    pub secrets: watch::Receiver<Option<SecretView>>,
    /// The unit's storage instances (none until the controller answered).
    pub storage: watch::Receiver<Option<Vec<leaderd_core::wire::controller::StorageInstance>>>,
    /// Resolves from the control socket.
    pub resolves: mpsc::Receiver<Resolve>,
}

/// One answer of the config watcher.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConfigSeen {
    pub version: u64,
    pub charm: Option<CharmRef>,
}

/// The inputs as the loop reads them: a resolve received while waiting is kept for the next
/// snapshot, and a closed resolve channel (the agent is stopping) is not read again.
struct Watching {
    inputs: Inputs,
    resolve: Option<Resolve>,
    resolves_open: bool,
}

impl Watching {
    fn snapshot(&mut self) -> Snapshot {
        let i = &mut self.inputs;
        let resolve = self.resolve.take().or_else(|| i.resolves.try_recv().ok());
        let config = i.config.borrow_and_update().clone();
        Snapshot {
            leader: *i.leader.borrow_and_update(),
            settings_changes: *i.settings.borrow_and_update(),
            config: config.as_ref().map(|c| c.version),
            charm: config.and_then(|c| c.charm),
            ticks: *i.ticks.borrow_and_update(),
            dying: *i.dying.borrow_and_update(),
            relations: i.relations.borrow_and_update().clone(),
            resolve,
            secrets: i.secrets.borrow_and_update().clone(),
            storage: i.storage.borrow_and_update().clone(),
            wall_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
        }
    }

    /// Waits until an input changes or `wait`'s retry is due; false when a watcher is gone
    /// (the agent is stopping).
    async fn changed(&mut self, wait: Wait) -> bool {
        let retry = async {
            match wait {
                Wait::Retry(Some(at)) => tokio::time::sleep_until(at).await,
                _ => std::future::pending().await,
            }
        };
        let i = &mut self.inputs;
        tokio::select! {
            _ = retry => true,
            changed = i.leader.changed() => changed.is_ok(),
            changed = i.settings.changed() => changed.is_ok(),
            changed = i.config.changed() => changed.is_ok(),
            changed = i.ticks.changed() => changed.is_ok(),
            changed = i.dying.changed() => changed.is_ok(),
            changed = i.relations.changed() => changed.is_ok(),
            changed = i.secrets.changed() => changed.is_ok(),
            changed = i.storage.changed() => changed.is_ok(),
            resolve = i.resolves.recv(), if self.resolves_open => {
                match resolve {
                    Some(resolve) => self.resolve = Some(resolve),
                    None => self.resolves_open = false,
                }
                true
            }
        }
    }
}

/// The uniter: its local state, and what it runs operations with.
pub(crate) struct Uniter<H, S, A> {
    pub unit: UnitInfo,
    pub hooks: H,
    pub store: S,
    pub agent: A,
    pub retry: RetryPolicy,
    pub status: Arc<Mutex<RunnerStatus>>,
    local: LocalState,
    /// What the store holds.
    saved: (UniterState, Seen),
}

impl<H: HookRunner, S: StateStore, A: Agent> Uniter<H, S, A> {
    /// A uniter resuming from the persisted state (`seen` as read, before a restart forgets
    /// the bags it held).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        unit: UnitInfo,
        hooks: H,
        store: S,
        agent: A,
        retry: RetryPolicy,
        status: Arc<Mutex<RunnerStatus>>,
        state: UniterState,
        seen: Seen,
    ) -> Self {
        let seen = seen.restarted();
        let saved = (state.clone(), seen.clone());
        let local = LocalState { lifecycle: Lifecycle::new(state), seen, ..Default::default() };
        Uniter { unit, hooks, store, agent, retry, status, local, saved }
    }

    /// The charm revision in the unit's charm directory as the agent starts.
    pub(crate) fn deployed(mut self, revision: u64) -> Self {
        self.local.lifecycle.set_deployed(revision);
        self
    }

    /// Runs operations until the unit is removed or a watcher is gone (the agent stops). Fails
    /// only if the local state cannot be saved.
    pub(crate) async fn run(mut self, inputs: Inputs) -> Result<(), StateError> {
        self.agent.tell_relations(self.local.seen.joined(), &self.local.seen);
        let mut inputs = Watching { inputs, resolve: None, resolves_open: true };
        loop {
            let remote = inputs.snapshot();
            if self.local.reboot_detected && !self.local.lifecycle.state.started {
                // Rebooted before the unit started: no start hook for the reboot (Juju's
                // reboot resolver), the lifecycle runs start in its time.
                self.local.reboot_detected = false;
            }
            match resolver::next_op(&self.unit, &self.local, &remote, Instant::now()) {
                Operation::Wait(wait) => {
                    if !inputs.changed(wait).await {
                        return Ok(());
                    }
                }
                Operation::Terminate => {
                    self.agent.terminate().await;
                    event(&self.unit.unit, format_args!("unit removed"));
                    return Ok(());
                }
                op => self.execute(op, &remote).await?,
            }
        }
    }

    /// Prepares, executes and commits one operation, saving the state after the steps that
    /// changed it.
    async fn execute(&mut self, op: Operation, remote: &Snapshot) -> Result<(), StateError> {
        let (started, attempts, delay) = match op {
            Operation::RunHook(hook) => {
                if hook == HookOp::Lifecycle(Hook::Start) {
                    // This start is the one a reboot owes, if one does.
                    self.local.reboot_detected = false;
                }
                let started = self.local.prepare(&hook, remote);
                if let HookOp::Relation(relation) = &hook {
                    self.agent.tell_relations(self.local.seen.members_during(relation), &self.local.seen);
                }
                (started, 0, self.retry.first)
            }
            Operation::RetryHook(hook, cause) => {
                let failed = self.failed(&hook);
                let delay = match cause {
                    RetryCause::Timer => (failed.delay * 2).min(self.retry.max),
                    RetryCause::Resolved => {
                        event(&self.unit.unit, format_args!("hook {} resolved: retrying it now", hook.name()));
                        failed.delay
                    }
                };
                (failed.started, failed.attempts, delay)
            }
            Operation::SkipHook(hook) => {
                let failed = self.failed(&hook);
                event(&self.unit.unit, format_args!("hook {} resolved without running it again", hook.name()));
                self.status.lock().unwrap().failing = None;
                if let Err(why) = self.hooks.settle(hook.commit()).await {
                    event(&self.unit.unit, format_args!("recording {} as handled failed: {why}", hook.name()));
                }
                return self.commit(&failed.started);
            }
            Operation::Deposed => {
                self.local.deposed();
                return self.persist();
            }
            Operation::Wait(_) | Operation::Terminate => unreachable!("the loop waits and terminates"),
        };
        self.persist()?;
        if self.attempt(&started, attempts, delay).await {
            self.commit(&started)?;
        }
        Ok(())
    }

    /// The failed hook the resolver retries or skips.
    fn failed(&self, hook: &HookOp) -> Failed {
        let failed = self.local.failed.clone().expect("the resolver retries only a failed hook");
        debug_assert_eq!(&failed.started.hook, hook);
        failed
    }

    /// Runs the hook once more; true when it is done (succeeded, or skipped), false when it
    /// failed (and is recorded as failed, with its retry).
    async fn attempt(&mut self, started: &Started, attempts: u32, delay: Duration) -> bool {
        let unit = &self.unit.unit;
        let name = started.hook.name();
        // Leadership may have gone between the decision and now (Juju's `runHook.Prepare`).
        if started.hook == HookOp::Lifecycle(Hook::LeaderElected) && !self.agent.is_leader().await {
            event(unit, format_args!("unit is no longer the leader; skipping \"leader-elected\" execution"));
            self.status.lock().unwrap().failing = None;
            return true;
        }
        let attempts = attempts + 1;
        // An owner's secret hook on an application secret needs the unit to lead still.
        if let HookOp::Secret(hook) = &started.hook {
            if hook.application && !self.agent.is_leader().await {
                event(unit, format_args!("unit is no longer the leader; skipping {name:?} execution"));
                self.status.lock().unwrap().failing = None;
                return true;
            }
        }
        // upgrade-charm: the new charm goes in first (once: a retry finds it there already).
        if let Some(charm) = started.charm.as_ref().filter(|c| c.revision != self.local.lifecycle.deployed()) {
            match self.hooks.deploy(charm).await {
                Ok(()) => {
                    self.local.lifecycle.set_deployed(charm.revision);
                    event(unit, format_args!("charm swapped in: revision {} (from {})", charm.revision, charm.path));
                }
                Err(why) => {
                    let why = format!("cannot swap in charm revision {}: {why}", charm.revision);
                    return self.failed_attempt(started, attempts, delay, None, Some(why));
                }
            }
        }
        let failing = loop {
            break match self.hooks.run(&name, &started.hook.env(), started.hook.commit()).await {
                Attempt::Missing | Attempt::Exited(0) => None,
                Attempt::Exited(code) => Some((Some(code), None)),
                Attempt::NotStarted(why) | Attempt::CommitFailed(why) => Some((None, Some(why))),
                Attempt::Rebooted { requeue } => {
                    self.local.reboot_detected = true;
                    if requeue {
                        // Juju's `runHook.Execute` on ErrRequeueAndReboot: the hook is queued
                        // and runs first after the reboot, before the reboot's start hook.
                        continue;
                    }
                    None
                }
            };
        };
        let Some((exit_code, error)) = failing else {
            self.status.lock().unwrap().failing = None;
            return true;
        };
        self.failed_attempt(started, attempts, delay, exit_code, error)
    }

    /// Records a failed attempt (its retry, or the error state); false.
    fn failed_attempt(
        &mut self,
        started: &Started,
        attempts: u32,
        delay: Duration,
        exit_code: Option<i32>,
        error: Option<String>,
    ) -> bool {
        let unit = &self.unit.unit;
        let name = started.hook.name();
        self.status.lock().unwrap().failing = Some(FailingHook { hook: name.clone(), exit_code, attempts, error });
        let retry_at = self.retry.enabled.then(|| Instant::now() + delay);
        if self.retry.enabled {
            emit(unit, Event::HookRetry { hook: name, delay_ms: delay.as_millis() as u64 });
        } else {
            event(
                unit,
                format_args!("hook {name} failed: the unit is in error state until resolved (leaderd resolve {unit})"),
            );
        }
        self.local.failed = Some(Failed { started: started.clone(), attempts, delay, retry_at });
        false
    }

    /// The hook is done: record it, save, and tell the hook endpoint what relation-list says now.
    fn commit(&mut self, started: &Started) -> Result<(), StateError> {
        self.local.commit(started);
        self.persist()?;
        match &started.hook {
            HookOp::Relation(_) => self.agent.tell_relations(self.local.seen.joined(), &self.local.seen),
            // Juju removes the attachment once the detaching hook is committed
            // (`worker/uniter/storage/attachments.go`, `CommitHook`): the stop and remove hooks
            // that follow do not list it.
            HookOp::Storage(hook) if hook.kind == super::storage_hooks::StorageKind::Detaching => {
                self.agent.storage_detached(&hook.instance.id)
            }
            _ => {}
        }
        Ok(())
    }

    /// Saves what changed of the local state that survives a restart: the one place it is
    /// written.
    fn persist(&mut self) -> Result<(), StateError> {
        if self.local.lifecycle.state != self.saved.0 {
            self.store.save_uniter(&self.local.lifecycle.state)?;
            self.saved.0 = self.local.lifecycle.state.clone();
        }
        if self.local.seen != self.saved.1 {
            self.store.save_relations(&self.local.seen)?;
            self.saved.1 = self.local.seen.clone();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, VecDeque};

    use super::*;
    use crate::runner::load_state;
    use leaderd_core::wire::controller::{RelationData, StorageInstance};

    const LEADER: LeaderStatus = LeaderStatus::Leader { term: 1 };
    const MINION: LeaderStatus = LeaderStatus::Minion;

    /// What happened, in order: the hooks run (`name` or `name remote-unit`), and the other
    /// things the uniter did (`(terminated)`).
    type Log = Arc<Mutex<Vec<String>>>;

    /// What a fake records and the test reads.
    type Shared<T> = Arc<Mutex<T>>;

    /// Hooks that succeed unless scripted otherwise; each run is logged with the (paused)
    /// clock's time since the test started, and the uniter state saved at that moment.
    struct FakeHooks {
        log: Log,
        times: Arc<Mutex<Vec<(String, Duration)>>>,
        script: Mutex<HashMap<String, VecDeque<Attempt>>>,
        saved: Arc<Mutex<Option<UniterState>>>,
        saved_when_run: Shared<Vec<(String, Option<UniterState>)>>,
        t0: Instant,
    }

    impl HookRunner for FakeHooks {
        async fn run(&self, hook: &str, relation_env: &[(String, String)], _commit: Vec<SecretChange>) -> Attempt {
            let remote = relation_env
                .iter()
                .find(|(k, _)| k == "JUJU_REMOTE_UNIT" || k == "JUJU_STORAGE_ID")
                .map(|(_, v)| v.as_str());
            let entry = match remote {
                Some(unit) => format!("{hook} {unit}"),
                None => hook.to_string(),
            };
            self.log.lock().unwrap().push(entry);
            self.times.lock().unwrap().push((hook.to_string(), self.t0.elapsed()));
            self.saved_when_run.lock().unwrap().push((hook.to_string(), self.saved.lock().unwrap().clone()));
            let scripted = self.script.lock().unwrap().get_mut(hook).and_then(|s| s.pop_front());
            scripted.unwrap_or(Attempt::Exited(0))
        }

        async fn deploy(&self, charm: &CharmRef) -> Result<(), String> {
            self.log.lock().unwrap().push(format!("(deploy {})", charm.revision));
            let scripted = self.script.lock().unwrap().get_mut("(deploy)").and_then(|s| s.pop_front());
            match scripted {
                Some(Attempt::NotStarted(why)) => Err(why),
                _ => Ok(()),
            }
        }
    }

    /// The config watcher's answer for config version `version`, with no charm refreshed.
    fn seen(version: u64) -> Option<ConfigSeen> {
        Some(ConfigSeen { version, charm: None })
    }

    /// The persisted state, as last saved.
    struct FakeStore {
        uniter: Arc<Mutex<Option<UniterState>>>,
        relations: Arc<Mutex<Option<Seen>>>,
    }

    impl StateStore for FakeStore {
        fn save_uniter(&mut self, state: &UniterState) -> Result<(), StateError> {
            *self.uniter.lock().unwrap() = Some(state.clone());
            Ok(())
        }

        fn save_relations(&mut self, seen: &Seen) -> Result<(), StateError> {
            *self.relations.lock().unwrap() = Some(seen.clone());
            Ok(())
        }
    }

    /// Leadership as the test sets it; relation-list as the uniter last told it.
    struct FakeAgent {
        leads: Arc<std::sync::atomic::AtomicBool>,
        told: Shared<Vec<BTreeMap<u64, Vec<String>>>>,
        log: Log,
    }

    impl Agent for FakeAgent {
        async fn is_leader(&self) -> bool {
            self.leads.load(std::sync::atomic::Ordering::SeqCst)
        }

        fn tell_relations(&self, joined: BTreeMap<u64, Vec<String>>, _seen: &Seen) {
            self.told.lock().unwrap().push(joined);
        }

        async fn terminate(&self) {
            self.log.lock().unwrap().push("(terminated)".into());
        }
    }

    /// A uniter over fakes, running in a task, and the remote state the test changes.
    struct Unit {
        leader: watch::Sender<LeaderStatus>,
        settings: watch::Sender<u64>,
        config: watch::Sender<Option<ConfigSeen>>,
        ticks: watch::Sender<u64>,
        dying: watch::Sender<bool>,
        relations: watch::Sender<Option<RelationsResponse>>,
        secrets: watch::Sender<Option<SecretView>>,
        storage: watch::Sender<Option<Vec<StorageInstance>>>,
        resolves: mpsc::Sender<Resolve>,
        log: Log,
        times: Arc<Mutex<Vec<(String, Duration)>>>,
        saved_when_run: Shared<Vec<(String, Option<UniterState>)>>,
        status: Arc<Mutex<RunnerStatus>>,
        uniter_json: Arc<Mutex<Option<UniterState>>>,
        relations_json: Arc<Mutex<Option<Seen>>>,
        told: Shared<Vec<BTreeMap<u64, Vec<String>>>>,
        leads: Arc<std::sync::atomic::AtomicBool>,
        task: tokio::task::JoinHandle<Result<(), StateError>>,
    }

    struct Setup {
        state: UniterState,
        leader: LeaderStatus,
        settings: u64,
        config: Option<u64>,
        peers: bool,
        retry: RetryPolicy,
        script: Vec<(&'static str, Vec<Attempt>)>,
        /// The unit's storage instances (none: not known yet).
        storage: Option<Vec<StorageInstance>>,
    }

    impl Default for Setup {
        fn default() -> Setup {
            Setup {
                state: UniterState::default(),
                leader: LEADER,
                settings: 1,
                config: Some(1),
                peers: false,
                retry: RetryPolicy::default(),
                script: Vec::new(),
                storage: Some(Vec::new()),
            }
        }
    }

    /// Relation 0's data with these members and (unit, value) bags.
    fn data(members: &[&str], bags: &[(&str, &str)]) -> Option<RelationsResponse> {
        let relation = RelationData {
            members: members.iter().map(|m| m.to_string()).collect(),
            units: bags.iter().map(|(u, v)| (u.to_string(), [("k".to_string(), v.to_string())].into())).collect(),
            app: Default::default(),
            relation: Some(crate::relation_hooks::tests::peer_def()),
            remote_app: Default::default(),
        };
        Some(RelationsResponse { relations: [(0, relation)].into(), version: 1 })
    }

    fn start(setup: Setup) -> Unit {
        let log: Log = Arc::default();
        let saved: Arc<Mutex<Option<UniterState>>> = Arc::default();
        let hooks = FakeHooks {
            log: log.clone(),
            times: Arc::default(),
            script: Mutex::new(setup.script.into_iter().map(|(h, a)| (h.to_string(), a.into())).collect()),
            saved: saved.clone(),
            saved_when_run: Arc::default(),
            t0: Instant::now(),
        };
        let (times, saved_when_run) = (hooks.times.clone(), hooks.saved_when_run.clone());
        let store = FakeStore { uniter: saved.clone(), relations: Arc::default() };
        let relations_json = store.relations.clone();
        let leads = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let agent = FakeAgent { leads: leads.clone(), told: Arc::default(), log: log.clone() };
        let told = agent.told.clone();
        let storage_root = std::path::PathBuf::from("/state/storage");
        let unit = UnitInfo { unit: "app/0".into(), app: "app".into(), storage_root };
        let status: Arc<Mutex<RunnerStatus>> = Arc::default();
        let uniter = Uniter::new(unit, hooks, store, agent, setup.retry, status.clone(), setup.state, Seen::default());
        let (leader, leader_rx) = watch::channel(setup.leader);
        let (settings, settings_rx) = watch::channel(setup.settings);
        let (config, config_rx) = watch::channel(setup.config.and_then(seen));
        let (ticks, ticks_rx) = watch::channel(0);
        let (dying, dying_rx) = watch::channel(false);
        let initial = if setup.peers { data(&["app/0"], &[]) } else { Some(RelationsResponse::default()) };
        let (relations, relations_rx) = watch::channel(initial);
        let (resolves, resolves_rx) = mpsc::channel(4);
        let (secrets, secrets_rx) = watch::channel(None);
        let (storage, storage_rx) = watch::channel(setup.storage);
        let inputs = Inputs {
            leader: leader_rx,
            settings: settings_rx,
            config: config_rx,
            ticks: ticks_rx,
            dying: dying_rx,
            relations: relations_rx,
            secrets: secrets_rx,
            storage: storage_rx,
            resolves: resolves_rx,
        };
        let task = tokio::spawn(uniter.run(inputs));
        Unit {
            leader,
            settings,
            config,
            ticks,
            dying,
            relations,
            secrets,
            storage,
            resolves,
            log,
            times,
            saved_when_run,
            status,
            uniter_json: saved,
            relations_json,
            told,
            leads,
            task,
        }
    }

    impl Unit {
        fn log(&self) -> Vec<String> {
            self.log.lock().unwrap().clone()
        }

        /// Waits (on the paused clock, at most a virtual hour) until the log has `n` entries,
        /// then a moment more so an extra entry would show; returns the log.
        async fn ran(&self, n: usize) -> Vec<String> {
            let deadline = Instant::now() + Duration::from_secs(3600);
            while self.log.lock().unwrap().len() < n {
                assert!(Instant::now() < deadline, "only {:?}", self.log());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            self.log()
        }

        /// The watchers go away: the uniter stops, cleanly.
        async fn stop(self) {
            let task = self.task;
            drop((self.leader, self.settings, self.config, self.ticks, self.dying, self.relations, self.secrets));
            drop(self.storage);
            drop(self.resolves);
            let stopped = tokio::time::timeout(Duration::from_secs(5), task).await.expect("the uniter stops");
            stopped.unwrap().unwrap();
        }
    }

    /// A newer revision of a secret the unit tracks: secret-changed once started, before a
    /// config-changed that is due at the same time, once per revision (kept in uniter.json).
    #[tokio::test(start_paused = true)]
    async fn secret_changed_runs_once_per_revision_before_config_changed() {
        use leaderd_core::wire::controller::ConsumedSecret;
        let unit = start(Setup::default());
        assert_eq!(unit.ran(4).await, ["install", "leader-elected", "config-changed", "start"]);
        let view = |latest| SecretView {
            consumed: vec![ConsumedSecret { id: "s1".into(), label: "pw".into(), tracked: 1, latest }],
            ..Default::default()
        };
        unit.secrets.send_replace(Some(view(2)));
        unit.config.send_replace(seen(2));
        assert_eq!(unit.ran(6).await[4..], ["secret-changed", "config-changed"]);
        unit.secrets.send_replace(Some(view(2)));
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(unit.log().len(), 6, "not again for revision 2: {:?}", unit.log());
        let saved = unit.uniter_json.lock().unwrap().clone().unwrap();
        assert_eq!(saved.secrets.changed.get("s1"), Some(&2));
        unit.secrets.send_replace(Some(view(3)));
        assert_eq!(unit.ran(7).await[6..], ["secret-changed"]);
        unit.stop().await;
    }

    /// juju-reboot: `--now` in install runs install again, with no extra start (the unit had
    /// not started); after a started unit's hook (here config-changed), start runs next, once.
    #[tokio::test(start_paused = true)]
    async fn a_reboot_reruns_a_hook_killed_by_now_and_runs_start_after_a_started_units_hook() {
        let script = vec![
            ("install", vec![Attempt::Rebooted { requeue: true }, Attempt::Exited(0)]),
            ("config-changed", vec![Attempt::Exited(0), Attempt::Rebooted { requeue: false }]),
        ];
        let unit = start(Setup { script, ..Setup::default() });
        assert_eq!(unit.ran(5).await, ["install", "install", "leader-elected", "config-changed", "start"]);
        unit.config.send_replace(seen(2));
        assert_eq!(unit.ran(7).await[5..], ["config-changed", "start"]);
        unit.config.send_replace(seen(3));
        assert_eq!(unit.ran(8).await[7..], ["config-changed"], "a reboot's start runs once");
        unit.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_fresh_leader_installs_is_elected_configured_started_then_updates_its_status() {
        let unit = start(Setup::default());
        assert_eq!(unit.ran(4).await, ["install", "leader-elected", "config-changed", "start"]);
        unit.ticks.send_replace(1);
        assert_eq!(unit.ran(5).await[4..], ["update-status"]);
        let want = UniterState {
            installed: true,
            leader: true,
            leader_elected_pending: false,
            started: true,
            config_version: Some(1),
            secrets: Default::default(),
            upgrade_charm: false,
            config_changed_queued: false,
            storage: Default::default(),
        };
        assert_eq!(unit.uniter_json.lock().unwrap().clone(), Some(want));
        // leader-elected was saved as due before it ran, so an agent that dies in it runs it
        // again; config-changed's version only once it succeeded.
        let during = unit.saved_when_run.lock().unwrap().clone();
        let (_, le) = during.iter().find(|(h, _)| h == "leader-elected").unwrap();
        assert!(le.as_ref().is_some_and(|s| s.leader && s.leader_elected_pending), "{le:?}");
        let (_, cc) = during.iter().find(|(h, _)| h == "config-changed").unwrap();
        assert!(cc.as_ref().is_some_and(|s| !s.leader_elected_pending && s.config_version.is_none()), "{cc:?}");
        unit.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_fresh_minion_waits_for_the_settings_then_runs_lsc_config_changed_start() {
        let unit = start(Setup { leader: MINION, settings: 0, ..Setup::default() });
        assert_eq!(unit.ran(1).await, ["install"]);
        unit.settings.send_replace(1);
        assert_eq!(unit.ran(4).await, ["install", "leader-settings-changed", "config-changed", "start"]);
        // Two changes while nothing ran: one run.
        unit.settings.send_replace(2);
        unit.settings.send_replace(3);
        assert_eq!(unit.ran(5).await[4..], ["leader-settings-changed"]);
        // Deposed and elected again: a minion that was never the leader just runs leader-elected.
        unit.leader.send_replace(LEADER);
        assert_eq!(unit.ran(6).await[5..], ["leader-elected"]);
        unit.leader.send_replace(MINION);
        assert_eq!(unit.ran(7).await[6..], ["leader-settings-changed"], "a deposed leader runs lsc at least once");
        unit.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_hook_is_retried_after_5s_then_10s_and_nothing_else_runs_meanwhile() {
        let script = vec![("config-changed", vec![Attempt::Exited(1), Attempt::NotStarted("not executable".into())])];
        let unit = start(Setup { script, ..Setup::default() });
        assert_eq!(unit.ran(3).await, ["install", "leader-elected", "config-changed"]);
        let failing = unit.status.lock().unwrap().failing.clone().unwrap();
        assert_eq!((failing.hook.as_str(), failing.exit_code, failing.attempts), ("config-changed", Some(1), 1));
        // Ticks and leadership changes wait behind the failed hook.
        unit.ticks.send_replace(3);
        unit.leader.send_replace(MINION);
        assert_eq!(unit.ran(4).await, ["install", "leader-elected", "config-changed", "config-changed"]);
        let failing = unit.status.lock().unwrap().failing.clone().unwrap();
        assert_eq!((failing.exit_code, failing.attempts, failing.error.as_deref()), (None, 2, Some("not executable")));
        unit.leader.send_replace(LEADER);
        // Ticks seen while it failed coalesce into one update-status after start.
        assert_eq!(
            unit.ran(7).await,
            [
                "install",
                "leader-elected",
                "config-changed",
                "config-changed",
                "config-changed",
                "start",
                "update-status"
            ]
        );
        assert_eq!(unit.status.lock().unwrap().failing, None);
        let times: Vec<Duration> =
            unit.times.lock().unwrap().iter().filter(|(h, _)| h == "config-changed").map(|(_, t)| *t).collect();
        let pauses: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
        assert_eq!(pauses, [Duration::from_secs(5), Duration::from_secs(10)]);
        unit.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn with_retries_off_a_failed_hook_waits_for_resolve_then_is_retried_or_skipped() {
        let retry = RetryPolicy { enabled: false, ..RetryPolicy::default() };
        let script = vec![("install", vec![Attempt::Exited(1), Attempt::Exited(2)])];
        let unit = start(Setup { retry, script, ..Setup::default() });
        assert_eq!(unit.ran(1).await, ["install"]);
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert_eq!(unit.log(), ["install"], "never retried by itself");
        unit.resolves.send(Resolve::Retry).await.unwrap();
        assert_eq!(unit.ran(2).await, ["install", "install"]);
        assert_eq!(unit.status.lock().unwrap().failing.as_ref().map(|f| f.attempts), Some(2));
        unit.resolves.send(Resolve::NoRetry).await.unwrap();
        assert_eq!(unit.ran(4).await, ["install", "install", "leader-elected", "config-changed", "start"]);
        assert_eq!(unit.status.lock().unwrap().failing, None);
        assert!(unit.uniter_json.lock().unwrap().as_ref().is_some_and(|s| s.installed && s.started));
        // A resolve with nothing failed changes nothing.
        unit.resolves.send(Resolve::Retry).await.unwrap();
        assert_eq!(unit.ran(5).await.len(), 5);
        unit.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn leader_elected_is_skipped_when_leadership_went_before_it_ran() {
        let unit = start(Setup::default());
        unit.leads.store(false, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(unit.ran(3).await, ["install", "config-changed", "start"]);
        unit.leader.send_replace(MINION);
        assert_eq!(unit.ran(4).await[3..], ["leader-settings-changed"]);
        unit.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_peer_joins_changes_and_departs() {
        let unit = start(Setup { peers: true, ..Setup::default() });
        assert_eq!(
            unit.ran(5).await,
            ["install", "cluster-relation-created", "leader-elected", "config-changed", "start"]
        );
        unit.relations.send_replace(data(&["app/0", "app/1"], &[("app/1", "x")]));
        assert_eq!(unit.ran(7).await[5..], ["cluster-relation-joined app/1", "cluster-relation-changed app/1"]);
        // relation-list during -joined had the joining unit; after it, still.
        let told = unit.told.lock().unwrap().clone();
        assert_eq!(told.last().unwrap()[&0], ["app/1"]);
        let seen = unit.relations_json.lock().unwrap().clone().unwrap();
        assert!(seen.created.contains(&0) && seen.relations[&0].members.contains_key("app/1"), "{seen:?}");
        unit.relations.send_replace(data(&["app/0", "app/1"], &[("app/1", "y")]));
        assert_eq!(unit.ran(8).await[7..], ["cluster-relation-changed app/1"]);
        unit.relations.send_replace(data(&["app/0"], &[("app/1", "y")]));
        assert_eq!(unit.ran(9).await[8..], ["cluster-relation-departed app/1"]);
        assert_eq!(unit.told.lock().unwrap().last().unwrap()[&0], Vec::<String>::new());
        unit.stop().await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_unit_being_removed_leaves_its_relations_then_stops_is_removed_and_terminates() {
        let unit = start(Setup { peers: true, ..Setup::default() });
        unit.relations.send_replace(data(&["app/0", "app/1"], &[("app/1", "x")]));
        assert_eq!(unit.ran(7).await.len(), 7);
        unit.config.send_replace(seen(2));
        unit.dying.send_replace(true);
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert_eq!(unit.log().len(), 7, "still in scope: waits (and no config-changed): {:?}", unit.log());
        unit.relations.send_replace(data(&["app/1"], &[("app/0", ""), ("app/1", "x")]));
        assert_eq!(
            unit.ran(12).await[7..],
            ["cluster-relation-departed app/1", "cluster-relation-broken", "stop", "remove", "(terminated)"]
        );
        let ended = tokio::time::timeout(Duration::from_secs(5), unit.task).await.expect("the uniter ends by itself");
        ended.unwrap().unwrap();
    }

    fn fs(id: &str) -> StorageInstance {
        StorageInstance { id: id.into(), kind: leaderd_core::storage::StorageKind::Filesystem }
    }

    #[tokio::test(start_paused = true)]
    async fn storage_is_attached_before_install_and_as_added_and_detached_before_the_unit_leaves() {
        // The unit's storage is not known yet: install waits for it.
        let unit = start(Setup { storage: None, ..Setup::default() });
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert_eq!(unit.log(), Vec::<String>::new(), "install waits for the unit's storage");
        unit.storage.send_replace(Some(vec![fs("data/0"), fs("logs/1")]));
        assert_eq!(
            unit.ran(6).await,
            [
                "data-storage-attached data/0",
                "logs-storage-attached logs/1",
                "install",
                "leader-elected",
                "config-changed",
                "start"
            ]
        );
        let attached = unit.uniter_json.lock().unwrap().clone().unwrap().storage.attached;
        assert_eq!(attached, ["data/0".to_string(), "logs/1".to_string()].into(), "persisted");
        // A storage-add committed: its instance's hook, once; then a config change as usual.
        unit.storage.send_replace(Some(vec![fs("data/0"), fs("logs/1"), fs("data/2")]));
        unit.config.send_replace(seen(2));
        assert_eq!(unit.ran(8).await[6..], ["data-storage-attached data/2", "config-changed"]);
        // Removed: every instance detaching, then stop and remove.
        unit.dying.send_replace(true);
        assert_eq!(
            unit.ran(14).await[8..],
            [
                "data-storage-detaching data/0",
                "logs-storage-detaching logs/1",
                "data-storage-detaching data/2",
                "stop",
                "remove",
                "(terminated)"
            ]
        );
        let ended = tokio::time::timeout(Duration::from_secs(5), unit.task).await.expect("the uniter ends by itself");
        ended.unwrap().unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn a_unit_restarted_from_an_older_uniter_json_resumes() {
        // A state file from before config-changed's version and leader-elected's pending flag
        // were kept: installed, leader, started.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("uniter.json");
        std::fs::write(&path, br#"{"installed": true, "leader": true, "started": true}"#).unwrap();
        let state = load_state(&path).unwrap();
        let unit = start(Setup { state, ..Setup::default() });
        // No install, leader-elected or start again; config-changed for the config it has not
        // recorded.
        assert_eq!(unit.ran(1).await, ["config-changed"]);
        assert_eq!(unit.uniter_json.lock().unwrap().as_ref().unwrap().config_version, Some(1));
        unit.stop().await;
    }

    /// `leaderd refresh`: the config watcher names charm revision 1 with config version 2; the
    /// charm is swapped in under the hook lock, then upgrade-charm and one config-changed run.
    /// A swap that fails is retried with the hook, like a hook that could not start.
    #[tokio::test(start_paused = true)]
    async fn a_refreshed_charm_is_swapped_in_then_upgrade_charm_then_config_changed_run() {
        let script = vec![("(deploy)", vec![Attempt::NotStarted("disk full".into())])];
        let unit = start(Setup { script, ..Setup::default() });
        assert_eq!(unit.ran(4).await, ["install", "leader-elected", "config-changed", "start"]);
        let charm = CharmRef { revision: 1, path: "/state/charms/1".into() };
        unit.config.send_replace(Some(ConfigSeen { version: 2, charm: Some(charm.clone()) }));
        let ran = unit.ran(5).await;
        assert_eq!(ran[4..], ["(deploy 1)"]);
        let failing = unit.status.lock().unwrap().failing.clone().expect("the swap failed");
        assert_eq!(failing.hook, "upgrade-charm");
        assert_eq!(failing.error.as_deref(), Some("cannot swap in charm revision 1: disk full"));
        let during = unit.uniter_json.lock().unwrap().clone().unwrap();
        assert!(during.upgrade_charm, "due, persisted before the swap");
        assert_eq!(unit.ran(8).await[5..], ["(deploy 1)", "upgrade-charm", "config-changed"]);
        let after = unit.uniter_json.lock().unwrap().clone().unwrap();
        assert!(!after.upgrade_charm && !after.config_changed_queued);
        assert_eq!(after.config_version, Some(2));
        // The same answer again (a long-poll's repeat): nothing more.
        unit.config.send_replace(Some(ConfigSeen { version: 2, charm: Some(charm) }));
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert_eq!(unit.log().len(), 8, "{:?}", unit.log());
        unit.stop().await;
    }
}
