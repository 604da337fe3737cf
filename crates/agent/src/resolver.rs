//! The one place that decides what the uniter does next (Juju's
//! `worker/uniter/resolver/interface.go` and `worker/uniter/resolver.go`, `NextOp`): a pure
//! function from the unit's local state, a snapshot of the remote state and `now` to the next
//! [`Operation`]. The executor (`executor.rs`) carries operations out (prepare, execute,
//! commit) and saves the local state; nothing else chooses a hook. The lifecycle rules live in
//! `lifecycle.rs` and the relation rules in `relation_hooks.rs`; this module orders them and
//! adds failed hooks, resolves and removal. Each rule below has a row in this module's tests.
//!
//! In order of precedence:
//!
//! 1. **A failed hook blocks everything else** (Juju's unit "in error state"): no other hook
//!    runs, not for leadership, config, relations or removal, until it is done. It is retried
//!    when its retry is due (5 s after the first failure, doubling, at most 5 min: Juju's
//!    `apiserver/facades/agent/retrystrategy/retrystrategy.go`), never by itself with retries
//!    off. `leaderd resolve` runs it again at once; `resolve --no-retry` takes it as done
//!    without running it again (its state changes are committed as if it had succeeded). A
//!    resolve when no hook has failed changes nothing.
//! 2. **`install` first**, before anything is known of leadership, config or relations; only
//!    **`<name>-storage-attached`** for each of the unit's storage instances goes before it
//!    (install waits for the unit's storage to be known: Juju runs a machine unit's storage
//!    hooks before install), with `JUJU_STORAGE_ID` (`storage_hooks.rs`).
//! 3. **`<peer>-relation-created`** for each peer relation not created yet, after install and
//!    before the leadership hook (Juju's uniter asks its created-relations resolver before its
//!    leadership resolver), even for a dying unit.
//! 4. **A dying unit** (`leaderd remove-unit`; the control socket took it out of its relations'
//!    scope first) first runs **`<name>-storage-detaching`** for each attached storage instance
//!    (Juju's storage resolver comes before the dying unit's steps in `nextOp`), then leaves
//!    its relations: for a relation whose scope it left, `-relation-departed`
//!    for each remote unit it knew (itself the departing unit), then `-relation-broken`. While
//!    the relation data still shows it in a scope, it waits. Then `stop` if it started, then
//!    `remove` if it was installed, then the agent resigns and exits ([`Operation::Terminate`]).
//!    A dying unit runs no other hook: no leader-elected, no leader-settings-changed, no
//!    config-changed, update-status or relation change (Juju's `nextOp` for a dying unit; its
//!    leadership resolver never accepts leadership for a dying unit).
//! 5. **The lifecycle** (`lifecycle.rs`): a queued `upgrade-charm` (the new charm swapped in,
//!    or being swapped) and the `config-changed` its success queues go first. While leadership
//!    is unknown, wait. `leader-elected` when the unit leads and its persisted state says it did not (or leader-elected had not
//!    succeeded); a persisted leader that is now a minion is deposed (no hook), then runs
//!    `leader-settings-changed` at least once. A minion runs `leader-settings-changed` when the
//!    settings watcher has answered and the settings moved since it last ran (changes
//!    coalesce; once after every agent start); a leader never does. Then `upgrade-charm` when
//!    the controller names a charm revision other than the deployed one. Then `config-changed`
//!    for a config version it has not succeeded for (a minion only after its first
//!    leader-settings-changed; versions coalesce; persisted, so not again after a restart),
//!    then `start` once configured. `update-status` on the timer's ticks, only once started,
//!    after every other lifecycle hook due (ticks coalesce). **Secret hooks**
//!    (`secret_hooks.rs`), then **`<name>-storage-attached`** for an instance added after
//!    install (a committed storage-add), go once started and idle: after the leadership hooks
//!    and a queued upgrade, before config-changed, relation hooks and update-status (Juju's
//!    secrets and storage resolvers come before its `nextOp`).
//! 6. **Relation hooks** (`relation_hooks.rs`) once the unit has started, the relation data is
//!    known, and no lifecycle hook is due: per relation in id order, `-relation-departed` for a
//!    unit that left the scope, `-relation-joined` for one that entered it and at once its
//!    `-relation-changed`, `-relation-changed` for a changed bag (coalesced), one application
//!    `-relation-changed` for a changed application bag; never for the unit's own bag.
//! 7. Otherwise **wait** for the remote state to change.
//!
//! More inputs (secrets, actions) join as more [`Snapshot`] fields, more [`HookOp`] kinds (or
//! operations) and one more rule in [`next_op`] at their place in Juju's order
//! (`worker/uniter/resolver.go`); a hook of a new kind needs no change to the executor, which
//! runs any [`HookOp`] by its name and environment.

use tokio::time::Instant;

use leaderd_core::wire::controller::{CharmRef, RelationsResponse, SecretView};

use super::lease_view::LeaderStatus;
use super::lifecycle::{Hook, Lifecycle, Step};
use super::relation_hooks::{self, Kind, RelationHook, Seen};
use super::runner::Resolve;
use super::secret_hooks::{self, SecretHook};
use super::storage_hooks::{self, StorageHook};
use leaderd_core::wire::controller::StorageInstance;

/// The unit the uniter runs for: what never changes while the agent runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UnitInfo {
    pub unit: String,
    pub app: String,
    /// Where the unit's storage instances' directories are (`<state>/storage`).
    pub storage_root: std::path::PathBuf,
}

/// The remote state, as the watchers last saw it (Juju's `remotestate.Snapshot`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Snapshot {
    /// The tracker's leadership status.
    pub leader: LeaderStatus,
    /// The settings changes the settings watcher has seen (its first answer counts as 1).
    pub settings_changes: u64,
    /// The application's config version (none until the controller answered).
    pub config: Option<u64>,
    /// The charm `leaderd refresh` registered, as the same answer of the config watcher gave
    /// it (none: the deployed charm, or no answer yet).
    pub charm: Option<CharmRef>,
    /// The update-status timer's ticks.
    pub ticks: u64,
    /// The unit is being removed.
    pub dying: bool,
    /// The relation data (none until the controller answered).
    pub relations: Option<RelationsResponse>,
    /// A `leaderd resolve` received and not yet acted on.
    pub resolve: Option<Resolve>,
    /// The controller's view of this unit's secrets (none until it answered).
    pub secrets: Option<SecretView>,
    /// The wall clock when the snapshot was taken (Unix milliseconds): secret rotation and
    /// expiry are wall-clock times.
    pub wall_ms: u64,
    /// The unit's storage instances, in the order they were added (none until the controller
    /// answered).
    pub storage: Option<Vec<StorageInstance>>,
}

impl Default for Snapshot {
    fn default() -> Snapshot {
        Snapshot {
            leader: LeaderStatus::Unknown,
            settings_changes: 0,
            config: None,
            charm: None,
            ticks: 0,
            dying: false,
            relations: None,
            resolve: None,
            secrets: None,
            wall_ms: 0,
            storage: None,
        }
    }
}

/// One hook, of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HookOp {
    Lifecycle(Hook),
    Relation(RelationHook),
    Secret(SecretHook),
    Storage(StorageHook),
}

impl HookOp {
    /// The hook's name, as charms see it.
    pub fn name(&self) -> String {
        match self {
            HookOp::Lifecycle(hook) => hook.name().to_string(),
            HookOp::Relation(hook) => hook.name(),
            HookOp::Secret(hook) => hook.name().to_string(),
            HookOp::Storage(hook) => hook.name(),
        }
    }

    /// What the hook's commit adds to the charm's own changes (a secret hook's bookkeeping).
    pub fn commit(&self) -> Vec<leaderd_core::wire::controller::SecretChange> {
        match self {
            HookOp::Secret(hook) => hook.commit(),
            _ => Vec::new(),
        }
    }

    /// What the hook's environment adds to every hook's.
    pub fn env(&self) -> Vec<(String, String)> {
        match self {
            HookOp::Lifecycle(_) => Vec::new(),
            HookOp::Relation(hook) => hook.env(),
            HookOp::Secret(hook) => hook.env(),
            HookOp::Storage(hook) => hook.env(),
        }
    }
}

/// A hook as it was when it was first run: what its commit records is what was seen then,
/// however many retries later it succeeds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Started {
    pub hook: HookOp,
    /// The settings changes seen (what leader-settings-changed handled).
    pub settings_changes: u64,
    /// The relation data seen (what a relation hook told the charm).
    pub relations: RelationsResponse,
    /// upgrade-charm: the charm to swap in before its first attempt (none: the one deployed).
    pub charm: Option<CharmRef>,
}

/// A hook that failed and is not done yet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failed {
    pub started: Started,
    /// The attempts so far.
    pub attempts: u32,
    /// The pause before the retry now pending.
    pub delay: std::time::Duration,
    /// When it is retried by itself (none: retries are off, only a resolve retries it).
    pub retry_at: Option<Instant>,
}

/// Why a failed hook runs again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryCause {
    /// Its retry pause is over.
    Timer,
    /// `leaderd resolve`.
    Resolved,
}

/// What the uniter waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Any change to the remote state.
    Changes,
    /// A dying unit: the relation data to show it out of its relations' scope.
    Scope,
    /// A failed hook: its retry at this instant (none: retries are off), or a resolve.
    Retry(Option<Instant>),
}

/// What to do next (Juju's `operation.Operation`s, and the resolver's `ErrNoOperation` and
/// `ErrTerminate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Operation {
    /// Run this hook until it succeeds or fails.
    RunHook(HookOp),
    /// Run the failed hook again.
    RetryHook(HookOp, RetryCause),
    /// Take the failed hook as done without running it (`leaderd resolve --no-retry`).
    SkipHook(HookOp),
    /// The unit lost leadership: record it (no hook; leader-settings-changed follows).
    Deposed,
    /// Nothing to do until something changes.
    Wait(Wait),
    /// A dying unit has run its last hook: resign and exit.
    Terminate,
}

/// The uniter's local state: what survives an agent restart (`uniter.json` in the lifecycle,
/// `relations.json` in `seen`) and what lives in memory only (the rest of the lifecycle, the
/// failed hook, a reboot the charm asked for).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct LocalState {
    pub lifecycle: Lifecycle,
    pub seen: Seen,
    pub failed: Option<Failed>,
    /// The unit was "rebooted" (juju-reboot) and has not run its `start` hook since (Juju's
    /// `worker/uniter/reboot` resolver: `rebootDetected`).
    pub reboot_detected: bool,
}

/// The lifecycle as the snapshot shows it.
fn observed(lifecycle: &Lifecycle, remote: &Snapshot) -> Lifecycle {
    let mut lifecycle = lifecycle.clone();
    lifecycle.observe_config(remote.config);
    // No charm named: the one the unit was deployed with, whatever its marker says (an agent
    // started by hand on a copy of a refreshed charm has nothing to swap in).
    lifecycle.observe_charm(remote.charm.as_ref().map(|c| c.revision));
    lifecycle.observe_ticks(remote.ticks);
    lifecycle.dying = remote.dying;
    lifecycle
}

/// The next operation (see the module's rules, in order).
pub(crate) fn next_op(unit: &UnitInfo, local: &LocalState, remote: &Snapshot, now: Instant) -> Operation {
    if let Some(failed) = &local.failed {
        let hook = failed.started.hook.clone();
        return match remote.resolve {
            Some(Resolve::NoRetry) => Operation::SkipHook(hook),
            Some(Resolve::Retry) => Operation::RetryHook(hook, RetryCause::Resolved),
            None => match failed.retry_at {
                Some(at) if at <= now => Operation::RetryHook(hook, RetryCause::Timer),
                at => Operation::Wait(Wait::Retry(at)),
            },
        };
    }
    // After a reboot a started unit runs `start` before anything else, as Juju's reboot
    // resolver does (one that had not started yet runs nothing extra: the executor forgets the
    // reboot then).
    if local.reboot_detected && local.lifecycle.state.started {
        return Operation::RunHook(HookOp::Lifecycle(Hook::Start));
    }
    let lifecycle = observed(&local.lifecycle, remote);
    let step = lifecycle.next(remote.leader, remote.settings_changes);
    let installed = lifecycle.state.installed;
    // The relations there at install run -created before anything else (Juju's created
    // resolver goes before the leadership one): until the controller has said which they are,
    // a unit that has not started waits.
    if installed && !lifecycle.state.started && remote.relations.is_none() && !remote.dying {
        return Operation::Wait(Wait::Changes);
    }
    let known = remote.relations.clone().unwrap_or_default();
    let relation_hook = if installed {
        let started = lifecycle.state.started && remote.relations.is_some();
        relation_hooks::next(&unit.unit, &unit.app, &known, &local.seen, started, remote.dying)
    } else {
        None
    };
    // Secret hooks: once started, for a unit that is not dying, after the leadership hooks,
    // upgrade-charm and the config-changed it queued, and before config-changed, relation hooks
    // and update-status.
    let goes_first = matches!(
        step,
        Step::Run(Hook::LeaderElected | Hook::LeaderSettingsChanged | Hook::UpgradeCharm) | Step::Deposed
    ) || lifecycle.queued();
    // Storage hooks: before install (which waits for the unit's storage to be known), for a
    // dying unit before it leaves its relations, and otherwise once started and idle, after
    // the secret hooks (Juju's storage resolver comes after its secrets resolver and before
    // its `nextOp`: config-changed, relation hooks, update-status).
    let phase = storage_hooks::Phase { installed, idle: lifecycle.state.started && !goes_first, dying: remote.dying };
    let storage_due =
        storage_hooks::next(remote.storage.as_deref(), &lifecycle.state.storage, &unit.storage_root, phase);
    let created = relation_hook.as_ref().is_some_and(|h| h.kind == Kind::Created);
    if !created {
        match storage_due {
            storage_hooks::Due::Run(hook) if !installed || remote.dying => {
                return Operation::RunHook(HookOp::Storage(hook));
            }
            storage_hooks::Due::Wait if !remote.dying => return Operation::Wait(Wait::Changes),
            _ => {}
        }
    }
    let idle_storage = match storage_due {
        storage_hooks::Due::Run(hook) if installed && !remote.dying => Some(hook),
        _ => None,
    };
    let secret_hook = match &remote.secrets {
        Some(view) if installed && lifecycle.state.started && !remote.dying && !goes_first => {
            let leads = matches!(remote.leader, LeaderStatus::Leader { .. });
            secret_hooks::next(view, &lifecycle.state.secrets, leads, remote.wall_ms)
        }
        _ => None,
    };
    if let Some(hook) = relation_hook {
        let leaving = remote.dying && matches!(hook.kind, Kind::Departed | Kind::Broken);
        let idle = step == Step::Wait && secret_hook.is_none() && idle_storage.is_none();
        if hook.kind == Kind::Created || idle || leaving {
            return Operation::RunHook(HookOp::Relation(hook));
        }
    }
    // Until the controller has answered, the unit may be in the scope of any relation.
    let in_scope =
        remote.relations.as_ref().is_none_or(|d| d.relations.values().any(|r| r.members.contains(&unit.unit)));
    if remote.dying && installed && in_scope {
        return Operation::Wait(Wait::Scope);
    }
    if let Some(hook) = secret_hook {
        return Operation::RunHook(HookOp::Secret(hook));
    }
    if let Some(hook) = idle_storage {
        return Operation::RunHook(HookOp::Storage(hook));
    }
    match step {
        Step::Run(hook) => Operation::RunHook(HookOp::Lifecycle(hook)),
        Step::Deposed => Operation::Deposed,
        Step::Wait => Operation::Wait(Wait::Changes),
        Step::Removed => Operation::Terminate,
    }
}

impl LocalState {
    /// Before `hook` first runs, as `remote` shows things: the state to persist first
    /// (leader-elected is recorded as due, so an agent that dies during it runs it again).
    pub(crate) fn prepare(&mut self, hook: &HookOp, remote: &Snapshot) -> Started {
        if let HookOp::Lifecycle(hook) = hook {
            self.lifecycle = observed(&self.lifecycle, remote);
            self.lifecycle.begin(Step::Run(*hook));
        }
        let charm = match hook {
            HookOp::Lifecycle(Hook::UpgradeCharm) => remote.charm.clone(),
            _ => None,
        };
        Started {
            hook: hook.clone(),
            settings_changes: remote.settings_changes,
            relations: remote.relations.clone().unwrap_or_default(),
            charm,
        }
    }

    /// The unit lost leadership.
    pub(crate) fn deposed(&mut self) {
        self.lifecycle.begin(Step::Deposed);
    }

    /// `started`'s hook is done: it succeeded, was skipped, or was resolved without a retry.
    pub(crate) fn commit(&mut self, started: &Started) {
        self.failed = None;
        match &started.hook {
            HookOp::Lifecycle(hook) => {
                self.lifecycle.finished(*hook, started.settings_changes);
            }
            HookOp::Relation(hook) => self.seen.ran(hook, &started.relations),
            HookOp::Secret(hook) => self.lifecycle.state.secrets.ran(hook),
            HookOp::Storage(hook) => self.lifecycle.state.storage.ran(hook),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use leaderd_core::wire::controller::RelationData;

    const LEADER: LeaderStatus = LeaderStatus::Leader { term: 1 };
    const MINION: LeaderStatus = LeaderStatus::Minion;
    const UNKNOWN: LeaderStatus = LeaderStatus::Unknown;

    fn unit() -> UnitInfo {
        UnitInfo { unit: "app/0".into(), app: "app".into(), storage_root: "/state/storage".into() }
    }

    fn run(hook: Hook) -> Operation {
        Operation::RunHook(HookOp::Lifecycle(hook))
    }

    fn relation(kind: Kind, remote: Option<&str>, departing: Option<&str>) -> HookOp {
        HookOp::Relation(RelationHook {
            kind,
            relation: leaderd_core::relations::PeerRelation { id: 0, endpoint: "cluster".into() },
            remote_unit: remote.map(String::from),
            remote_app: "app".into(),
            departing_unit: departing.map(String::from),
        })
    }

    /// The relation data: the members of relation 0 and the bags of (unit, value) pairs.
    fn data(members: &[&str], bags: &[(&str, &str)], app: &[(&str, &str)]) -> Option<RelationsResponse> {
        let bag = |v: &str| [("k".to_string(), v.to_string())].into();
        let relation = RelationData {
            members: members.iter().map(|m| m.to_string()).collect(),
            units: bags.iter().map(|(u, v)| (u.to_string(), bag(v))).collect(),
            app: app.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            relation: Some(crate::relation_hooks::tests::peer_def()),
            remote_app: Default::default(),
        };
        Some(RelationsResponse { relations: [(0, relation)].into(), version: 1 })
    }

    fn remote(leader: LeaderStatus, settings_changes: u64, config: Option<u64>) -> Snapshot {
        let relations = data(&["app/0"], &[], &[]);
        Snapshot { leader, settings_changes, config, relations, storage: Some(Vec::new()), ..Snapshot::default() }
    }

    /// Builds local states by committing hooks, as the executor does.
    struct Local(LocalState, Snapshot);

    impl Local {
        fn fresh() -> Local {
            Local(LocalState::default(), remote(LEADER, 1, Some(1)))
        }

        /// After an agent restart: what was persisted, nothing in memory.
        fn restarted(self) -> Local {
            let lifecycle = Lifecycle::new(self.0.lifecycle.state.clone());
            Local(LocalState { lifecycle, seen: self.0.seen.restarted(), ..Default::default() }, self.1)
        }

        /// As seen by the hooks that follow.
        fn seeing(mut self, remote: Snapshot) -> Local {
            self.1 = remote;
            self
        }

        fn ran(mut self, hook: HookOp) -> Local {
            let started = self.0.prepare(&hook, &self.1);
            self.0.commit(&started);
            self
        }

        fn ran_all(self, hooks: &[Hook]) -> Local {
            hooks.iter().fold(self, |l, h| l.ran(HookOp::Lifecycle(*h)))
        }

        fn created(self) -> Local {
            self.ran(relation(Kind::Created, None, None))
        }

        fn deposed(mut self) -> Local {
            self.0.deposed();
            self
        }

        /// upgrade-charm ran, the executor having swapped in the charm the snapshot names.
        fn upgraded(mut self) -> Local {
            let revision = self.1.charm.as_ref().map_or(0, |c| c.revision);
            self.0.lifecycle.set_deployed(revision);
            self.ran(HookOp::Lifecycle(UpgradeCharm))
        }

        fn failed(mut self, hook: HookOp, retry_at: Option<Instant>) -> Local {
            let started = self.0.prepare(&hook, &self.1);
            self.0.failed = Some(Failed { started, attempts: 1, delay: Duration::from_secs(5), retry_at });
            self
        }
    }

    use Hook::*;

    fn broken() -> HookOp {
        relation(Kind::Broken, None, None)
    }

    /// A leader installed, created, elected, configured (version 1) and started.
    fn started_leader() -> Local {
        Local::fresh().ran(HookOp::Lifecycle(Install)).created().ran_all(&[LeaderElected, ConfigChanged, Start])
    }

    /// A minion likewise, with leader-settings-changed run for 1 change.
    fn started_minion() -> Local {
        Local::fresh().seeing(remote(MINION, 1, Some(1))).ran(HookOp::Lifecycle(Install)).created().ran_all(&[
            LeaderSettingsChanged,
            ConfigChanged,
            Start,
        ])
    }

    fn installed_minion() -> Local {
        Local::fresh().seeing(remote(MINION, 1, None)).ran(HookOp::Lifecycle(Install)).created()
    }

    #[test]
    fn the_ordering_table() {
        let now = Instant::now();
        let later = now + Duration::from_secs(5);
        let dying = |mut r: Snapshot| {
            r.dying = true;
            r
        };
        let with = |mut r: Snapshot, relations: Option<RelationsResponse>| {
            r.relations = relations;
            r
        };
        let resolved = |mut r: Snapshot, how| {
            r.resolve = Some(how);
            r
        };
        let ticked = |mut r: Snapshot, ticks| {
            r.ticks = ticks;
            r
        };
        let with_storage = |mut r: Snapshot, ids: &[&str]| {
            let kind = leaderd_core::storage::StorageKind::Filesystem;
            r.storage = Some(ids.iter().map(|id| StorageInstance { id: id.to_string(), kind }).collect());
            r
        };
        let storage_hook = |kind, id: &str| {
            let instance = StorageInstance { id: id.into(), kind: leaderd_core::storage::StorageKind::Filesystem };
            let location = format!("/state/storage/{id}");
            HookOp::Storage(StorageHook { kind, instance, location })
        };
        let attached = |id: &str| storage_hook(storage_hooks::StorageKind::Attached, id);
        let detaching = |id: &str| storage_hook(storage_hooks::StorageKind::Detaching, id);
        let refreshed = |mut r: Snapshot, revision| {
            r.charm = Some(CharmRef { revision, path: format!("/state/charms/{revision}") });
            r
        };
        let installed = || Local::fresh().ran(HookOp::Lifecycle(Install));
        let failing_config = || started_leader().failed(HookOp::Lifecycle(ConfigChanged), Some(later));
        let two = data(&["app/0", "app/1"], &[("app/1", "x")], &[]);
        let with_peer = || started_leader().seeing(with(remote(LEADER, 1, Some(1)), two.clone()));
        let joined_peer = || {
            with_peer().ran(relation(Kind::Joined, Some("app/1"), None)).ran(relation(
                Kind::Changed,
                Some("app/1"),
                None,
            ))
        };
        #[rustfmt::skip]
        let table: Vec<(&str, Local, Snapshot, Operation)> = vec![
            // Lifecycle.
            ("install first, before leadership, config or relations are known",
             Local::fresh(), Snapshot { storage: Some(Vec::new()), ..Snapshot::default() }, run(Install)),
            ("a dying unit that was never installed runs nothing",
             Local::fresh(), dying(remote(LEADER, 1, Some(1))), Operation::Terminate),
            ("-relation-created after install, before the leadership hook",
             installed(), remote(LEADER, 1, Some(1)), Operation::RunHook(relation(Kind::Created, None, None))),
            // The relations (their ids) are the controller's: the leadership hook waits for
            // them, so that the relations there at install get -created first.
            ("installed, the relations not known yet: wait for them",
             installed(), with(remote(LEADER, 1, Some(1)), None), Operation::Wait(Wait::Changes)),
            ("leadership unknown: wait",
             installed().created(), remote(UNKNOWN, 1, Some(1)), Operation::Wait(Wait::Changes)),
            ("a leader: leader-elected",
             installed().created(), remote(LEADER, 0, None), run(LeaderElected)),
            ("a minion: leader-settings-changed once the settings watcher answered",
             installed().created(), remote(MINION, 1, None), run(LeaderSettingsChanged)),
            ("a minion waits for the settings watcher's first answer",
             installed().created(), remote(MINION, 0, Some(1)), Operation::Wait(Wait::Changes)),
            ("a leader waits for the config watcher's first answer before config-changed",
             installed().created().ran_all(&[LeaderElected]), remote(LEADER, 1, None), Operation::Wait(Wait::Changes)),
            ("a leader: config-changed after leader-elected",
             installed().created().ran_all(&[LeaderElected]), remote(LEADER, 1, Some(0)), run(ConfigChanged)),
            ("a minion: config-changed after leader-settings-changed",
             installed().created().seeing(remote(MINION, 1, None)).ran_all(&[LeaderSettingsChanged]),
             remote(MINION, 1, Some(1)), run(ConfigChanged)),
            ("start after config-changed",
             installed().created().ran_all(&[LeaderElected, ConfigChanged]), remote(LEADER, 1, Some(1)), run(Start)),
            ("a started leader with nothing new: wait",
             started_leader(), remote(LEADER, 1, Some(1)), Operation::Wait(Wait::Changes)),
            ("a leader never runs leader-settings-changed (its own writes)",
             started_leader(), remote(LEADER, 7, Some(1)), Operation::Wait(Wait::Changes)),
            ("a minion: leader-settings-changed when the settings move",
             started_minion(), remote(MINION, 2, Some(1)), run(LeaderSettingsChanged)),
            ("a minion: leader-settings-changed before config-changed when both moved",
             started_minion(), remote(MINION, 2, Some(2)), run(LeaderSettingsChanged)),
            ("config-changed when the config version moves",
             started_minion(), remote(MINION, 1, Some(2)), run(ConfigChanged)),
            ("a restarted leader: no leader-elected, no config-changed for a config it has seen",
             started_leader().restarted(), remote(LEADER, 1, Some(1)), Operation::Wait(Wait::Changes)),
            ("... but config-changed for a config that changed while it was away",
             started_leader().restarted(), remote(LEADER, 1, Some(2)), run(ConfigChanged)),
            ("a restarted minion: leader-settings-changed once",
             started_minion().restarted(), remote(MINION, 1, Some(1)), run(LeaderSettingsChanged)),
            ("an agent that died during leader-elected runs it again",
             installed().created().failed(HookOp::Lifecycle(LeaderElected), None).restarted(),
             remote(LEADER, 1, Some(1)), run(LeaderElected)),
            ("a persisted leader that is now a minion is deposed",
             started_leader(), remote(MINION, 1, Some(1)), Operation::Deposed),
            ("a deposed leader runs leader-settings-changed at least once",
             started_leader().deposed(), remote(MINION, 1, Some(1)), run(LeaderSettingsChanged)),
            ("leadership regained: leader-elected again",
             started_minion(), remote(LEADER, 1, Some(1)), run(LeaderElected)),
            ("update-status on a tick once started",
             started_leader(), ticked(remote(LEADER, 1, Some(1)), 1), run(UpdateStatus)),
            ("update-status after the other lifecycle hooks due",
             started_minion(), ticked(remote(MINION, 2, Some(2)), 1), run(LeaderSettingsChanged)),
            ("no update-status before start: start first",
             installed().created().ran_all(&[LeaderElected, ConfigChanged]), ticked(remote(LEADER, 1, Some(1)), 3),
             run(Start)),
            // Relations.
            ("a unit that entered the scope: -relation-joined",
             with_peer(), with(remote(LEADER, 1, Some(1)), two.clone()),
             Operation::RunHook(relation(Kind::Joined, Some("app/1"), None))),
            ("... then at once its -relation-changed",
             with_peer().ran(relation(Kind::Joined, Some("app/1"), None)), with(remote(LEADER, 1, Some(1)), two.clone()),
             Operation::RunHook(relation(Kind::Changed, Some("app/1"), None))),
            ("a lifecycle hook due goes before relation hooks",
             with_peer(), with(remote(LEADER, 1, Some(2)), two.clone()), run(ConfigChanged)),
            ("relation hooks wait for the relation data",
             started_leader(), with(remote(LEADER, 1, Some(1)), None), Operation::Wait(Wait::Changes)),
            ("relation hooks wait for start",
             installed().created().ran_all(&[LeaderElected]), with(remote(LEADER, 1, None), two.clone()),
             Operation::Wait(Wait::Changes)),
            ("a changed bag: -relation-changed",
             joined_peer(), with(remote(LEADER, 1, Some(1)), data(&["app/0", "app/1"], &[("app/1", "y")], &[])),
             Operation::RunHook(relation(Kind::Changed, Some("app/1"), None))),
            ("a changed application bag: -relation-changed with no remote unit",
             joined_peer(), with(remote(LEADER, 1, Some(1)), data(&["app/0", "app/1"], &[("app/1", "x")], &[("s", "1")])),
             Operation::RunHook(relation(Kind::Changed, None, None))),
            ("the unit's own bag runs nothing",
             joined_peer(), with(remote(LEADER, 1, Some(1)), data(&["app/0", "app/1"], &[("app/0", "z"), ("app/1", "x")], &[])),
             Operation::Wait(Wait::Changes)),
            ("a unit that left the scope: -relation-departed",
             joined_peer(), with(remote(LEADER, 1, Some(1)), data(&["app/0"], &[("app/1", "x")], &[])),
             Operation::RunHook(relation(Kind::Departed, Some("app/1"), Some("app/1")))),
            // A dying unit.
            ("dying, still in the scope: wait for the relation data to show it out",
             joined_peer(), dying(with(remote(LEADER, 1, Some(1)), two.clone())), Operation::Wait(Wait::Scope)),
            ("dying, relation data not known yet: wait",
             joined_peer(), dying(with(remote(LEADER, 1, Some(1)), None)), Operation::Wait(Wait::Scope)),
            ("dying, out of the scope: -relation-departed for each unit it knew, itself departing",
             joined_peer(), dying(with(remote(LEADER, 1, Some(1)), data(&["app/1"], &[("app/1", "x")], &[]))),
             Operation::RunHook(relation(Kind::Departed, Some("app/1"), Some("app/0")))),
            ("... then -relation-broken",
             joined_peer().ran(relation(Kind::Departed, Some("app/1"), Some("app/0"))),
             dying(with(remote(LEADER, 1, Some(1)), data(&["app/1"], &[("app/1", "x")], &[]))),
             Operation::RunHook(relation(Kind::Broken, None, None))),
            ("... then stop, not a config-changed, lsc or update-status still due",
             joined_peer().ran(relation(Kind::Departed, Some("app/1"), Some("app/0"))).ran(relation(Kind::Broken, None, None)),
             ticked(dying(with(remote(MINION, 4, Some(3)), data(&["app/1"], &[("app/1", "x")], &[]))), 2), run(Stop)),
            ("dying: stop, then remove",
             started_leader().ran(broken()).ran_all(&[Stop]), dying(with(remote(LEADER, 1, Some(1)), data(&[], &[], &[]))), run(Remove)),
            ("dying: removed after remove",
             started_leader().ran(broken()).ran_all(&[Stop, Remove]), dying(with(remote(LEADER, 1, Some(1)), data(&[], &[], &[]))),
             Operation::Terminate),
            ("dying, never started: remove, no stop",
             installed().created().ran(broken()), dying(with(remote(MINION, 1, Some(1)), data(&[], &[], &[]))), run(Remove)),
            ("dying: no leader-elected for a unit that became leader",
             started_minion().ran(broken()), dying(with(remote(LEADER, 1, Some(1)), data(&[], &[], &[]))), run(Stop)),
            ("dying: -relation-created still runs first",
             installed(), dying(with(remote(LEADER, 1, Some(1)), data(&[], &[], &[]))),
             Operation::RunHook(relation(Kind::Created, None, None))),
            // Failed hooks.
            ("a failed hook waits for its retry",
             failing_config(), remote(LEADER, 1, Some(2)), Operation::Wait(Wait::Retry(Some(later)))),
            ("... and is retried when it is due",
             started_leader().failed(HookOp::Lifecycle(ConfigChanged), Some(now)), remote(LEADER, 1, Some(2)),
             Operation::RetryHook(HookOp::Lifecycle(ConfigChanged), RetryCause::Timer)),
            ("with retries off it waits for a resolve",
             started_leader().failed(HookOp::Lifecycle(ConfigChanged), None), remote(LEADER, 1, Some(2)),
             Operation::Wait(Wait::Retry(None))),
            ("resolve: retried at once",
             failing_config(), resolved(remote(LEADER, 1, Some(2)), Resolve::Retry),
             Operation::RetryHook(HookOp::Lifecycle(ConfigChanged), RetryCause::Resolved)),
            ("resolve --no-retry: skipped",
             failing_config(), resolved(remote(LEADER, 1, Some(2)), Resolve::NoRetry),
             Operation::SkipHook(HookOp::Lifecycle(ConfigChanged))),
            ("a failed hook blocks leadership changes, settings, ticks",
             failing_config(), ticked(remote(MINION, 5, Some(2)), 4), Operation::Wait(Wait::Retry(Some(later)))),
            ("a failed hook blocks removal",
             failing_config(), dying(with(remote(LEADER, 1, Some(2)), data(&[], &[], &[]))), Operation::Wait(Wait::Retry(Some(later)))),
            ("a failed relation hook is what is retried",
             joined_peer().failed(relation(Kind::Departed, Some("app/1"), Some("app/1")), Some(later)),
             resolved(with(remote(LEADER, 1, Some(1)), data(&["app/0", "app/1"], &[("app/1", "x")], &[])), Resolve::Retry),
             Operation::RetryHook(relation(Kind::Departed, Some("app/1"), Some("app/1")), RetryCause::Resolved)),
            // A refreshed charm.
            ("a refreshed charm: upgrade-charm, before config-changed",
             started_leader(), refreshed(remote(LEADER, 1, Some(2)), 1), run(UpgradeCharm)),
            ("... before a relation hook or update-status due",
             with_peer(), ticked(refreshed(with(remote(LEADER, 1, Some(1)), two.clone()), 1), 1), run(UpgradeCharm)),
            ("... and then the config-changed it queued, before them too",
             with_peer().seeing(refreshed(with(remote(LEADER, 1, Some(1)), two.clone()), 1)).upgraded(),
             ticked(refreshed(with(remote(LEADER, 1, Some(1)), two.clone()), 1), 1), run(ConfigChanged)),
            ("... then the rest",
             with_peer().seeing(refreshed(with(remote(LEADER, 1, Some(1)), two.clone()), 1)).upgraded().ran_all(&[ConfigChanged]),
             refreshed(with(remote(LEADER, 1, Some(1)), two.clone()), 1),
             Operation::RunHook(relation(Kind::Joined, Some("app/1"), None))),
            ("the deployed charm named by the controller: nothing to upgrade",
             started_leader().seeing(refreshed(remote(LEADER, 1, Some(1)), 1)).upgraded().ran_all(&[ConfigChanged]),
             refreshed(remote(LEADER, 1, Some(1)), 1), Operation::Wait(Wait::Changes)),
            ("no charm named: nothing to upgrade, whatever the unit's marker says",
             started_leader().seeing(refreshed(remote(LEADER, 1, Some(1)), 1)).upgraded().ran_all(&[ConfigChanged]),
             remote(LEADER, 1, Some(1)), Operation::Wait(Wait::Changes)),
            ("a dying unit runs no upgrade-charm",
             started_leader().ran(broken()), dying(refreshed(with(remote(LEADER, 1, Some(1)), data(&[], &[], &[])), 1)), run(Stop)),
            // Storage.
            ("storage not known yet: install waits for it",
             Local::fresh(), Snapshot::default(), Operation::Wait(Wait::Changes)),
            ("-storage-attached before install",
             Local::fresh(), with_storage(Snapshot::default(), &["data/0"]), Operation::RunHook(attached("data/0"))),
            ("... then install",
             Local::fresh().ran(attached("data/0")), with_storage(Snapshot::default(), &["data/0"]), run(Install)),
            ("an instance added later: after the leadership hooks",
             installed().created(), with_storage(remote(LEADER, 0, Some(1)), &["data/1"]), run(LeaderElected)),
            ("... and after start",
             installed().created().ran_all(&[LeaderElected, ConfigChanged]), with_storage(remote(LEADER, 1, Some(1)), &["data/1"]),
             run(Start)),
            ("... once idle, before config-changed, relation hooks and update-status",
             with_peer(), ticked(with_storage(with(remote(LEADER, 1, Some(2)), two.clone()), &["data/1"]), 1),
             Operation::RunHook(attached("data/1"))),
            ("... not while a refreshed charm's upgrade-charm is due",
             started_leader(), with_storage(refreshed(remote(LEADER, 1, Some(1)), 1), &["data/1"]), run(UpgradeCharm)),
            ("attached once: then nothing",
             started_leader().ran(attached("data/1")), with_storage(remote(LEADER, 1, Some(1)), &["data/1"]),
             Operation::Wait(Wait::Changes)),
            ("dying: -storage-detaching first, before leaving the relations (still in scope)",
             joined_peer().ran(attached("data/1")), dying(with_storage(with(remote(LEADER, 1, Some(1)), two.clone()), &["data/1"])),
             Operation::RunHook(detaching("data/1"))),
            ("... then the relations, stop and remove as before",
             joined_peer().ran(attached("data/1")).ran(detaching("data/1")),
             dying(with_storage(with(remote(LEADER, 1, Some(1)), two.clone()), &["data/1"])), Operation::Wait(Wait::Scope)),
            ("dying, not installed, storage attached: detaching, then nothing",
             Local::fresh().ran(attached("data/0")), dying(with_storage(remote(LEADER, 1, Some(1)), &["data/0"])),
             Operation::RunHook(detaching("data/0"))),
            ("a resolve with no failed hook changes nothing",
             started_leader(), resolved(remote(LEADER, 1, Some(2)), Resolve::NoRetry), run(ConfigChanged)),
        ];
        for (what, local, remote, want) in table {
            assert_eq!(next_op(&unit(), &local.0, &remote, now), want, "{what}");
        }
    }

    #[test]
    fn upgrade_charm_records_the_charm_to_swap_in_and_a_retry_swaps_the_same() {
        let charm = CharmRef { revision: 2, path: "/state/charms/2".into() };
        let remote = Snapshot { charm: Some(charm.clone()), ..remote(LEADER, 1, Some(1)) };
        let mut local = started_leader().0;
        assert_eq!(next_op(&unit(), &local, &remote, Instant::now()), run(UpgradeCharm));
        let started = local.prepare(&HookOp::Lifecycle(UpgradeCharm), &remote);
        assert_eq!(started.charm, Some(charm.clone()));
        assert!(local.lifecycle.state.upgrade_charm, "due, persisted before the swap");
        let other = local.prepare(&HookOp::Lifecycle(ConfigChanged), &remote);
        assert_eq!(other.charm, None, "only upgrade-charm swaps");
    }

    #[test]
    fn a_failed_hook_is_retried_only_once_its_pause_is_over_and_never_by_itself_with_retries_off() {
        let now = Instant::now();
        let due = now + Duration::from_secs(5);
        let hook = HookOp::Lifecycle(ConfigChanged);
        let failing = started_leader().failed(hook.clone(), Some(due));
        let op = |at| next_op(&unit(), &failing.0, &remote(LEADER, 1, Some(2)), at);
        assert_eq!(op(due - Duration::from_millis(1)), Operation::Wait(Wait::Retry(Some(due))));
        assert_eq!(op(due), Operation::RetryHook(hook.clone(), RetryCause::Timer));
        let off = started_leader().failed(hook, None);
        let op = next_op(&unit(), &off.0, &remote(LEADER, 1, Some(2)), now + Duration::from_secs(86_400));
        assert_eq!(op, Operation::Wait(Wait::Retry(None)));
    }

    #[test]
    fn a_hook_commits_what_was_seen_when_it_first_ran() {
        // leader-settings-changed handled the changes seen at its start, so a change that came
        // while it failed and was retried runs it once more.
        let minion = installed_minion();
        let mut local = minion.0;
        let started = local.prepare(&HookOp::Lifecycle(LeaderSettingsChanged), &remote(MINION, 1, None));
        local.failed = Some(Failed { started, attempts: 1, delay: Duration::from_secs(5), retry_at: None });
        let later = remote(MINION, 2, Some(1));
        let Operation::SkipHook(_) =
            next_op(&unit(), &local, &Snapshot { resolve: Some(Resolve::NoRetry), ..later.clone() }, Instant::now())
        else {
            panic!("not skipped")
        };
        let started = local.failed.clone().unwrap().started;
        local.commit(&started);
        assert_eq!(local.failed, None);
        assert_eq!(next_op(&unit(), &local, &later, Instant::now()), run(LeaderSettingsChanged));
    }
}
