//! The uniter's loop and executor (Juju's `worker/uniter/resolver/loop.go` and
//! `worker/uniter/operation/executor.go`): gather a snapshot of the remote state from the
//! watchers, ask the resolver (`resolver.rs`) for the next operation, and carry it out in three
//! steps, prepare, execute and commit, saving the local state after each step that changed it
//! (in [`Uniter::persist`], the only place it is saved). The hook processes, the state files
//! and the rest of the agent (leadership, the hook endpoint's relation view, resigning) sit
//! behind traits, so the loop is tested here with fakes on tokio's paused clock.

use std::collections::{BTreeMap, BTreeSet};
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
use leaderd_core::wire::controller::RelationsResponse;
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
}

/// Runs one hook process in a fresh context, and commits the context's relation changes to
/// the controller when it exits 0.
pub(crate) trait HookRunner: Send + Sync {
    fn run(&self, hook: &str, relation_env: &[(String, String)]) -> impl Future<Output = Attempt> + Send;
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
    /// The remote units relation-list reports, per relation, and the relations that are
    /// broken for the unit.
    fn tell_relations(&self, joined: BTreeMap<u64, Vec<String>>, broken: BTreeSet<u64>);
    /// The unit's last hook has run: stop any exec acting as the unit, and give the lease up.
    fn terminate(&self) -> impl Future<Output = ()> + Send;
}

/// The watchers the uniter reads its snapshots from (Juju's remote-state watcher).
pub(crate) struct Inputs {
    pub leader: watch::Receiver<LeaderStatus>,
    /// Settings changes seen, counting the watcher's first answer as 1.
    pub settings: watch::Receiver<u64>,
    pub config: watch::Receiver<Option<u64>>,
    pub ticks: watch::Receiver<u64>,
    pub dying: watch::Receiver<bool>,
    pub relations: watch::Receiver<Option<RelationsResponse>>,
    /// Resolves from the control socket.
    pub resolves: mpsc::Receiver<Resolve>,
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
        Snapshot {
            leader: *i.leader.borrow_and_update(),
            settings_changes: *i.settings.borrow_and_update(),
            config: *i.config.borrow_and_update(),
            ticks: *i.ticks.borrow_and_update(),
            dying: *i.dying.borrow_and_update(),
            relations: i.relations.borrow_and_update().clone(),
            resolve,
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
        let local = LocalState { lifecycle: Lifecycle::new(state), seen, failed: None };
        Uniter { unit, hooks, store, agent, retry, status, local, saved }
    }

    /// Runs operations until the unit is removed or a watcher is gone (the agent stops). Fails
    /// only if the local state cannot be saved.
    pub(crate) async fn run(mut self, inputs: Inputs) -> Result<(), StateError> {
        self.agent.tell_relations(self.local.seen.joined(), self.local.seen.broken.clone());
        let mut inputs = Watching { inputs, resolve: None, resolves_open: true };
        loop {
            let remote = inputs.snapshot();
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
                let started = self.local.prepare(&hook, remote);
                if let HookOp::Relation(relation) = &hook {
                    self.agent.tell_relations(self.local.seen.members_during(relation), self.local.seen.broken.clone());
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
        let failing = match self.hooks.run(&name, &started.hook.env()).await {
            Attempt::Missing | Attempt::Exited(0) => None,
            Attempt::Exited(code) => Some((Some(code), None)),
            Attempt::NotStarted(why) | Attempt::CommitFailed(why) => Some((None, Some(why))),
        };
        let Some((exit_code, error)) = failing else {
            self.status.lock().unwrap().failing = None;
            return true;
        };
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
        if let HookOp::Relation(_) = started.hook {
            self.agent.tell_relations(self.local.seen.joined(), self.local.seen.broken.clone());
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
