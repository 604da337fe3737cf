//! Which lifecycle hook is due (Juju's uniter resolver, `worker/uniter/resolver.go` and the
//! leadership resolver in `worker/uniter/leadership/resolver.go`), as a pure function of a typed
//! state: the persisted uniter state, the tracker's leadership status and the settings changes
//! seen. The resolver (`resolver.rs`) orders these rules with the relation hooks', failed hooks
//! and removal, and is the one place that decides; the rules are tested here, table-style,
//! without processes or clocks.
//!
//! - Lifecycle: `install`, then `leader-elected` (leader) or `leader-settings-changed` (minion),
//!   then `start`; afterwards events as they come.
//! - `leader-elected` runs when the unit becomes leader and its persisted state says it was not
//!   (so an agent restart does not run it again once it succeeded, and does if it had not).
//! - `leader-settings-changed` runs on minions when the application's settings change (several
//!   changes coalesce into one run), once after every agent start (the count of changes handled
//!   lives in memory only, as Juju's does), and at least once on a unit that loses leadership.
//! - `config-changed` runs after that and before `start`, then whenever the application's
//!   config version moves (several changes coalesce into one run). The version it last ran for
//!   is persisted, so an agent restart does not run it again for a config it has seen (Juju
//!   keeps a hash of the config in the uniter's state for the same reason).
//! - A unit starts after its first `config-changed`; a minion also after its first
//!   `leader-settings-changed`.
//! - `update-status` runs on the update-status timer's ticks, only once the unit has started
//!   (ticks missed while other hooks ran coalesce into one run).
//! - `upgrade-charm` runs when the controller names a charm revision (`leaderd refresh`) other
//!   than the one in the unit's charm directory, once the unit is installed, after the
//!   leadership hooks and before config-changed (Juju's `nextOp`, `worker/uniter/resolver.go`:
//!   `charmModified` comes after install and before the config check). The executor swaps the
//!   new charm in before the hook's first attempt. It is persisted as due before that, so an
//!   agent that dies after the swap still runs it. Its success queues `config-changed`
//!   (Juju's `runHook.Commit`, `worker/uniter/operation/runhook.go`), persisted too; both
//!   queued hooks run before anything else but install, as Juju runs a queued hook first.
//! - A dying unit (`leaderd remove-unit`) runs `stop` if it started, then `remove` if it was
//!   installed (Juju's `nextOp` for a dying unit, `worker/uniter/resolver.go`), and nothing else:
//!   no leader-elected (Juju's leadership resolver, `worker/uniter/leadership/resolver.go`, never
//!   accepts leadership for a dying unit), no more leader-settings-changed. Then it is
//!   [`Step::Removed`]: the agent resigns and exits.

use serde::{Deserialize, Serialize};

use super::lease_view::LeaderStatus;

/// The hooks the agent runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    Install,
    LeaderElected,
    LeaderSettingsChanged,
    Start,
    ConfigChanged,
    UpdateStatus,
    Stop,
    Remove,
    UpgradeCharm,
}

impl Hook {
    /// The hook's name, as charms and Juju spell it.
    pub fn name(self) -> &'static str {
        match self {
            Hook::Install => "install",
            Hook::LeaderElected => "leader-elected",
            Hook::LeaderSettingsChanged => "leader-settings-changed",
            Hook::Start => "start",
            Hook::ConfigChanged => "config-changed",
            Hook::UpdateStatus => "update-status",
            Hook::Stop => "stop",
            Hook::Remove => "remove",
            Hook::UpgradeCharm => "upgrade-charm",
        }
    }
}

impl std::fmt::Display for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What survives an agent restart (`<state>/uniter.json`).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UniterState {
    pub installed: bool,
    /// The unit ran (or was about to run) leader-elected and has not lost leadership since.
    pub leader: bool,
    /// leader-elected is due and has not succeeded yet (run it again after an agent restart).
    #[serde(default)]
    pub leader_elected_pending: bool,
    pub started: bool,
    /// The config version config-changed last succeeded for (none: it has not run yet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_version: Option<u64>,
    /// What the unit has run secret hooks for.
    #[serde(default, skip_serializing_if = "is_default")]
    pub secrets: super::secret_hooks::SecretsSeen,
    /// upgrade-charm is due: a new charm is (being) swapped in and the hook has not succeeded.
    #[serde(default, skip_serializing_if = "is_default")]
    pub upgrade_charm: bool,
    /// config-changed is queued by a successful upgrade-charm and has not succeeded yet.
    #[serde(default, skip_serializing_if = "is_default")]
    pub config_changed_queued: bool,
    /// The storage instances whose -storage-attached hook has run (and -storage-detaching
    /// not).
    #[serde(default, skip_serializing_if = "is_default")]
    pub storage: super::storage_hooks::StorageSeen,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Run this hook (until it succeeds), then call [`Lifecycle::finished`].
    Run(Hook),
    /// The unit lost leadership: record it (no hook; `leader-settings-changed` follows).
    Deposed,
    /// Nothing to do until the leadership status or the settings change.
    Wait,
    /// A dying unit has run its last hook: resign and exit.
    Removed,
}

/// The runner's state: the persisted part and the settings changes handled since the agent
/// started.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Lifecycle {
    pub state: UniterState,
    /// The count of settings changes handled (0: none since the agent started).
    handled: u64,
    /// The application's config version as the config watcher last saw it (none: no answer
    /// yet), and the one the running config-changed is for.
    config: Option<u64>,
    /// The charm revision the controller names (none: none refreshed, or no answer yet) and
    /// the one in the unit's charm directory (its `.juju-charm`; the executor updates it when
    /// it swaps).
    charm: Option<u64>,
    deployed: u64,
    config_running: Option<u64>,
    /// update-status timer ticks seen, handled, and as the running update-status saw them.
    ticks: u64,
    ticks_handled: u64,
    ticks_running: u64,
    /// The unit is being removed; `stopped` and `removed` say which of its last hooks ran.
    /// In memory only: a removal is not resumed by a restarted agent (`up` drops the unit).
    pub dying: bool,
    stopped: bool,
    removed: bool,
}

impl Lifecycle {
    pub fn new(state: UniterState) -> Lifecycle {
        Lifecycle { state, ..Default::default() }
    }

    /// The config watcher's latest answer: the application's config version.
    pub fn observe_config(&mut self, version: Option<u64>) {
        self.config = version;
    }

    /// The update-status timer's tick count.
    pub fn observe_ticks(&mut self, ticks: u64) {
        self.ticks = ticks;
    }

    /// The charm revision the controller names (none: no `leaderd refresh` yet, or no answer).
    pub fn observe_charm(&mut self, revision: Option<u64>) {
        self.charm = revision;
    }

    /// The charm revision in the unit's charm directory: read from it at start, set when the
    /// executor has swapped a new charm in.
    pub fn set_deployed(&mut self, revision: u64) {
        self.deployed = revision;
    }

    pub fn deployed(&self) -> u64 {
        self.deployed
    }

    /// The controller names a charm other than the one deployed.
    fn charm_due(&self) -> bool {
        self.charm.is_some_and(|charm| charm != self.deployed)
    }

    /// A hook the upgrade queued (upgrade-charm, or the config-changed after it) is due: it
    /// runs before anything else, and no secret or relation hook goes before it.
    pub fn queued(&self) -> bool {
        self.state.upgrade_charm || self.state.config_changed_queued
    }

    /// A config version config-changed has not run for yet.
    fn config_due(&self) -> bool {
        self.config.is_some() && self.config != self.state.config_version
    }

    /// config-changed has run at least once (so the unit may start).
    fn configured(&self) -> bool {
        self.state.config_version.is_some()
    }

    /// The next step, given the tracker's status and the count of settings changes the watcher
    /// has seen (its first answer counts as 1, as Juju's watchers send an initial event).
    pub fn next(&self, leader: LeaderStatus, changes: u64) -> Step {
        let s = &self.state;
        if self.dying {
            return match () {
                _ if s.started && !self.stopped => Step::Run(Hook::Stop),
                _ if s.installed && !self.removed => Step::Run(Hook::Remove),
                _ => Step::Removed,
            };
        }
        match leader {
            _ if !s.installed => Step::Run(Hook::Install),
            _ if s.upgrade_charm => Step::Run(Hook::UpgradeCharm),
            _ if s.config_changed_queued && self.config.is_some() => Step::Run(Hook::ConfigChanged),
            LeaderStatus::Unknown => Step::Wait,
            LeaderStatus::Leader { .. } if !s.leader || s.leader_elected_pending => Step::Run(Hook::LeaderElected),
            LeaderStatus::Minion if s.leader => Step::Deposed,
            LeaderStatus::Minion if changes != 0 && self.handled != changes => Step::Run(Hook::LeaderSettingsChanged),
            _ if self.charm_due() => Step::Run(Hook::UpgradeCharm),
            LeaderStatus::Leader { .. } if self.config_due() => Step::Run(Hook::ConfigChanged),
            LeaderStatus::Minion if self.handled != 0 && self.config_due() => Step::Run(Hook::ConfigChanged),
            LeaderStatus::Leader { .. } if !s.started && self.configured() => Step::Run(Hook::Start),
            LeaderStatus::Minion if !s.started && self.handled != 0 && self.configured() => Step::Run(Hook::Start),
            _ if s.started && self.ticks != self.ticks_handled => Step::Run(Hook::UpdateStatus),
            _ => Step::Wait,
        }
    }

    /// Before running `step`'s hook (or in place of it, for [`Step::Deposed`]): the state to
    /// persist first, if it changed. leader-elected is recorded as due before it runs, so an
    /// agent that dies during it runs it again.
    pub fn begin(&mut self, step: Step) -> bool {
        let before = self.state.clone();
        match step {
            Step::Run(Hook::LeaderElected) => {
                self.state.leader = true;
                self.state.leader_elected_pending = true;
            }
            Step::Deposed => {
                self.state.leader = false;
                self.state.leader_elected_pending = false;
                // A deposed leader runs leader-settings-changed at least once.
                self.handled = 0;
            }
            Step::Run(Hook::ConfigChanged) => self.config_running = self.config,
            Step::Run(Hook::UpdateStatus) => self.ticks_running = self.ticks,
            Step::Run(Hook::UpgradeCharm) => self.state.upgrade_charm = true,
            _ => {}
        }
        self.state != before
    }

    /// After `hook` succeeded (or was skipped), with `changes` as it was when the hook started:
    /// whether the persisted state changed.
    pub fn finished(&mut self, hook: Hook, changes: u64) -> bool {
        let before = self.state.clone();
        match hook {
            Hook::Install => self.state.installed = true,
            Hook::LeaderElected => self.state.leader_elected_pending = false,
            Hook::LeaderSettingsChanged => self.handled = changes,
            Hook::Start => self.state.started = true,
            Hook::ConfigChanged => {
                self.state.config_version = self.config_running;
                self.state.config_changed_queued = false;
            }
            Hook::UpgradeCharm => {
                // Still due if yet another charm came meanwhile (`charm_due`).
                self.state.upgrade_charm = false;
                self.state.config_changed_queued = true;
            }
            Hook::UpdateStatus => self.ticks_handled = self.ticks_running,
            Hook::Stop => self.stopped = true,
            Hook::Remove => self.removed = true,
        }
        self.state != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEADER: LeaderStatus = LeaderStatus::Leader { term: 1 };
    const MINION: LeaderStatus = LeaderStatus::Minion;
    const UNKNOWN: LeaderStatus = LeaderStatus::Unknown;

    /// One event: the tracker's status, the settings changes seen, the config version seen, the
    /// update-status ticks seen.
    type Event = (LeaderStatus, u64, Option<u64>, u64);

    /// Drives a lifecycle through `events`, running every step to completion until it waits;
    /// returns the hooks run and the deposals, in order.
    fn run(lifecycle: &mut Lifecycle, events: &[Event]) -> Vec<String> {
        let mut ran = Vec::new();
        for &(status, changes, config, ticks) in events {
            lifecycle.observe_config(config);
            lifecycle.observe_ticks(ticks);
            for _ in 0..20 {
                match lifecycle.next(status, changes) {
                    Step::Wait => break,
                    Step::Removed => {
                        ran.push("(removed)".to_string());
                        break;
                    }
                    Step::Deposed => {
                        lifecycle.begin(Step::Deposed);
                        ran.push("(deposed)".to_string());
                    }
                    Step::Run(hook) => {
                        lifecycle.begin(Step::Run(hook));
                        lifecycle.finished(hook, changes);
                        ran.push(hook.to_string());
                    }
                }
            }
        }
        ran
    }

    /// What a row says, the state it starts from, the events, the hooks.
    type Row = (&'static str, UniterState, Vec<Event>, Vec<&'static str>);

    const C1: Option<u64> = Some(1);

    #[test]
    fn the_lifecycle_table() {
        let fresh = UniterState::default();
        let started_leader = UniterState {
            installed: true,
            leader: true,
            leader_elected_pending: false,
            started: true,
            config_version: C1,
            secrets: Default::default(),
            upgrade_charm: false,
            config_changed_queued: false,
            storage: Default::default(),
        };
        let started_minion = UniterState { leader: false, ..started_leader.clone() };
        let died_in_leader_elected = UniterState {
            leader_elected_pending: true,
            started: false,
            config_version: None,
            ..started_leader.clone()
        };
        let died_in_config_changed = UniterState {
            leader_elected_pending: false,
            started: false,
            config_version: None,
            ..started_leader.clone()
        };
        #[rustfmt::skip]
        let table: Vec<Row> = vec![
            ("install first, even before leadership or config is known",
             fresh.clone(), vec![(UNKNOWN, 0, None, 0)], vec!["install"]),
            ("a first leader: install, leader-elected, config-changed, start",
             fresh.clone(), vec![(LEADER, 0, C1, 0)], vec!["install", "leader-elected", "config-changed", "start"]),
            ("a leader waits for the config watcher's first answer before config-changed and start",
             fresh.clone(), vec![(LEADER, 0, None, 0), (LEADER, 0, Some(0), 0)],
             vec!["install", "leader-elected", "config-changed", "start"]),
            ("a leader does not run leader-settings-changed for its own writes",
             fresh.clone(), vec![(LEADER, 1, C1, 0), (LEADER, 2, C1, 0)],
             vec!["install", "leader-elected", "config-changed", "start"]),
            ("a minion waits for the settings watcher's first answer, then lsc, config-changed, start",
             fresh.clone(), vec![(MINION, 0, C1, 0), (MINION, 1, C1, 0)],
             vec!["install", "leader-settings-changed", "config-changed", "start"]),
            ("changes coalesce: one run for whatever was seen when it starts",
             fresh.clone(), vec![(MINION, 1, C1, 0), (MINION, 5, C1, 0)],
             vec!["install", "leader-settings-changed", "config-changed", "start", "leader-settings-changed"]),
            ("a config change runs config-changed on a started unit; versions coalesce",
             started_leader.clone(), vec![(LEADER, 1, C1, 0), (LEADER, 1, Some(4), 0), (LEADER, 1, Some(4), 0)],
             vec!["config-changed"]),
            ("a minion runs lsc before config-changed when both changed",
             started_minion.clone(), vec![(MINION, 1, Some(2), 0)], vec!["leader-settings-changed", "config-changed"]),
            ("a restarted leader runs neither leader-elected nor config-changed for a config it has seen",
             started_leader.clone(), vec![(LEADER, 1, C1, 0)], vec![]),
            ("... but config-changed for a config that changed while it was away",
             started_leader.clone(), vec![(LEADER, 1, Some(2), 0)], vec!["config-changed"]),
            ("a restarted minion runs lsc once after the watcher's first answer",
             started_minion.clone(), vec![(MINION, 0, C1, 0), (MINION, 1, C1, 0), (MINION, 1, C1, 0)],
             vec!["leader-settings-changed"]),
            ("an agent that died during leader-elected runs it again",
             died_in_leader_elected.clone(), vec![(LEADER, 1, C1, 0)], vec!["leader-elected", "config-changed", "start"]),
            ("... unless it came back a minion: deposed, lsc, config-changed, start",
             died_in_leader_elected, vec![(MINION, 1, C1, 0)],
             vec!["(deposed)", "leader-settings-changed", "config-changed", "start"]),
            ("an agent that died during the first config-changed runs it again, then starts",
             died_in_config_changed, vec![(LEADER, 1, C1, 0)], vec!["config-changed", "start"]),
            ("a deposed leader runs lsc at least once, even with no new change",
             started_leader.clone(), vec![(LEADER, 3, C1, 0), (MINION, 3, C1, 0)],
             vec!["(deposed)", "leader-settings-changed"]),
            ("leadership regained: leader-elected again",
             started_minion.clone(), vec![(MINION, 1, C1, 0), (LEADER, 1, C1, 0)],
             vec!["leader-settings-changed", "leader-elected"]),
            ("a status not known yet after a restart: nothing",
             started_leader.clone(), vec![(UNKNOWN, 4, Some(9), 3)], vec![]),
            ("update-status only once started: ticks before start wait, then coalesce into one run",
             fresh.clone(), vec![(LEADER, 0, None, 3), (LEADER, 0, C1, 3)],
             vec!["install", "leader-elected", "config-changed", "start", "update-status"]),
            ("update-status on every tick after start, after the other hooks due",
             started_minion.clone(), vec![(MINION, 1, C1, 1), (MINION, 1, C1, 2), (MINION, 2, Some(2), 3)],
             vec!["leader-settings-changed", "update-status", "update-status", "leader-settings-changed",
                  "config-changed", "update-status"]),
        ];
        for (what, state, events, expected) in table {
            let mut lifecycle = Lifecycle::new(state);
            assert_eq!(run(&mut lifecycle, &events), expected, "{what}");
        }
    }

    #[test]
    fn leader_elected_is_persisted_as_due_before_it_runs_and_done_after() {
        let mut l = Lifecycle::new(UniterState { installed: true, ..Default::default() });
        l.observe_config(Some(3));
        assert_eq!(l.next(LEADER, 0), Step::Run(Hook::LeaderElected));
        assert!(l.begin(Step::Run(Hook::LeaderElected)), "persist before running");
        assert!(l.state.leader && l.state.leader_elected_pending);
        assert!(l.finished(Hook::LeaderElected, 0));
        assert!(!l.state.leader_elected_pending);
        assert_eq!(l.next(LEADER, 0), Step::Run(Hook::ConfigChanged));
        assert!(!l.begin(Step::Run(Hook::ConfigChanged)), "config-changed persists nothing before it runs");
        l.observe_config(Some(4));
        assert!(l.finished(Hook::ConfigChanged, 0), "the version it ran for is persisted");
        assert_eq!(l.state.config_version, Some(3), "the version seen when it started, not since");
        assert!(!l.begin(Step::Run(Hook::Start)), "start changes nothing before it runs");
        assert!(l.finished(Hook::Start, 0));
        assert!(!l.finished(Hook::LeaderSettingsChanged, 4), "lsc changes nothing persisted");
        assert_eq!(l.next(LEADER, 0), Step::Run(Hook::ConfigChanged), "version 4 arrived while it ran");
    }

    /// One event of the upgrade table: the tracker's status, the settings changes, the config
    /// version and the charm revision the controller names.
    type UpgradeEvent = (LeaderStatus, u64, Option<u64>, Option<u64>);

    /// What an upgrade row says, the state and deployed revision it starts from, the events,
    /// the hooks.
    type UpgradeRow = (&'static str, UniterState, u64, Vec<UpgradeEvent>, Vec<&'static str>);

    #[test]
    fn the_upgrade_table() {
        let started_leader =
            UniterState { installed: true, leader: true, started: true, config_version: C1, ..Default::default() };
        let started_minion = UniterState { leader: false, ..started_leader.clone() };
        let c2 = Some(2);
        #[rustfmt::skip]
        let table: Vec<UpgradeRow> = vec![
            ("the deployed charm: nothing",
             started_leader.clone(), 0, vec![(LEADER, 1, C1, Some(0))], vec![]),
            ("a refreshed charm: upgrade-charm, then config-changed even with the config unchanged",
             started_leader.clone(), 0, vec![(LEADER, 1, C1, Some(1))], vec!["upgrade-charm", "config-changed"]),
            ("... and one config-changed when the refresh also moved the config version",
             started_leader.clone(), 0, vec![(LEADER, 1, c2, Some(1))], vec!["upgrade-charm", "config-changed"]),
            ("a minion: lsc first, then the upgrade",
             started_minion.clone(), 0, vec![(MINION, 2, C1, Some(1))],
             vec!["leader-settings-changed", "upgrade-charm", "config-changed"]),
            ("a new leader: leader-elected first, then the upgrade",
             started_minion.clone(), 0, vec![(LEADER, 1, C1, Some(1))], vec!["leader-elected", "upgrade-charm", "config-changed"]),
            ("not installed: install first (with the charm it has), then the upgrade",
             UniterState::default(), 0, vec![(LEADER, 0, C1, Some(1))],
             vec!["install", "leader-elected", "upgrade-charm", "config-changed", "start"]),
            ("a unit added after the refresh has the new charm already: no upgrade",
             UniterState::default(), 1, vec![(LEADER, 0, C1, Some(1))], vec!["install", "leader-elected", "config-changed", "start"]),
            ("an agent that died after the swap, before upgrade-charm succeeded: it runs, even with leadership unknown",
             UniterState { upgrade_charm: true, ..started_leader.clone() }, 1, vec![(UNKNOWN, 1, C1, Some(1))],
             vec!["upgrade-charm", "config-changed"]),
            ("an agent that died before the queued config-changed ran: it runs",
             UniterState { config_changed_queued: true, ..started_leader.clone() }, 1, vec![(LEADER, 1, C1, Some(1))],
             vec!["config-changed"]),
            ("the controller not answered yet: nothing",
             started_leader.clone(), 0, vec![(LEADER, 1, None, None)], vec![]),
        ];
        for (what, state, deployed, events, expected) in table {
            let mut lifecycle = Lifecycle::new(state);
            lifecycle.set_deployed(deployed);
            let mut ran = Vec::new();
            for (status, changes, config, charm) in events {
                lifecycle.observe_config(config);
                lifecycle.observe_charm(charm);
                for _ in 0..20 {
                    match lifecycle.next(status, changes) {
                        Step::Wait => break,
                        Step::Run(hook) => {
                            lifecycle.begin(Step::Run(hook));
                            if hook == Hook::UpgradeCharm {
                                // The executor swaps the charm in before the hook runs.
                                lifecycle.set_deployed(charm.unwrap_or(deployed));
                            }
                            lifecycle.finished(hook, changes);
                            ran.push(hook.to_string());
                        }
                        step => panic!("{what}: {step:?}"),
                    }
                }
            }
            assert_eq!(ran, expected, "{what}");
            assert!(!lifecycle.queued(), "{what}: nothing left queued");
        }
    }

    #[test]
    fn upgrade_charm_is_persisted_as_due_before_it_runs_and_queues_config_changed() {
        let mut l = Lifecycle::new(UniterState {
            installed: true,
            leader: true,
            started: true,
            config_version: C1,
            ..Default::default()
        });
        l.observe_config(C1);
        l.observe_charm(Some(3));
        assert_eq!(l.next(LEADER, 0), Step::Run(Hook::UpgradeCharm));
        assert!(l.begin(Step::Run(Hook::UpgradeCharm)), "persist before the swap");
        assert!(l.state.upgrade_charm);
        l.set_deployed(3);
        assert!(l.finished(Hook::UpgradeCharm, 0));
        assert!(!l.state.upgrade_charm && l.state.config_changed_queued, "config-changed queued, persisted");
        assert_eq!(l.next(LEADER, 0), Step::Run(Hook::ConfigChanged));
        l.begin(Step::Run(Hook::ConfigChanged));
        assert!(l.finished(Hook::ConfigChanged, 0));
        assert!(!l.state.config_changed_queued);
        assert_eq!(l.next(LEADER, 0), Step::Wait);
    }

    #[test]
    fn a_dying_unit_runs_stop_then_remove_and_nothing_else() {
        let started_leader =
            UniterState { installed: true, leader: true, started: true, config_version: Some(1), ..Default::default() };
        let installed_only = UniterState { installed: true, ..Default::default() };
        #[rustfmt::skip]
        let table: Vec<Row> = vec![
            ("a started leader: stop, remove, removed (no lsc when deposed, no leader-elected)",
             started_leader.clone(), vec![(LEADER, 1, Some(2), 1), (MINION, 2, Some(2), 2), (LEADER, 3, Some(3), 3)], vec!["stop", "remove", "(removed)"]),
            ("a started minion with settings pending: stop, remove",
             UniterState { leader: false, ..started_leader.clone() }, vec![(MINION, 4, Some(2), 1)],
             vec!["stop", "remove", "(removed)"]),
            ("installed, never started: no stop, remove",
             installed_only, vec![(MINION, 1, Some(1), 0)], vec!["remove", "(removed)"]),
            ("never installed: nothing runs",
             UniterState::default(), vec![(UNKNOWN, 0, None, 0)], vec!["(removed)"]),
        ];
        for (what, state, events, expected) in table {
            let mut lifecycle = Lifecycle::new(state);
            lifecycle.dying = true;
            assert_eq!(run(&mut lifecycle, &events[..1]), expected, "{what}");
            assert_eq!(lifecycle.next(events.last().unwrap().0, 9), Step::Removed, "{what}: stays removed");
        }
    }
}
