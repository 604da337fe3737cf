//! One hook's sandboxed view of leadership (Juju's `worker/uniter/runner/context/leader.go`).
//!
//! - is-leader: a False answer is sticky for the rest of the hook; True is asked afresh.
//! - leader-get: the bucket is read lazily at the first call, then served from that snapshot.
//! - leader-set: only after a leadership check (a minion fails without any API call); the
//!   snapshot is dropped before the write so the leader then sees its own merged write.
//! - relation data (Juju's `context/relation.go` and `Flush`): every relation's data is read
//!   once, at the hook's first relation tool call, and served from that snapshot for the rest
//!   of the hook; relation-set changes are the hook's own, visible to it at once, and are
//!   committed only when the hook succeeds (`take_relation_changes`).

use std::collections::BTreeMap;

use super::{HookBackend, LeaderWriteError};
use leaderd_core::model::Settings;
use leaderd_core::wire::controller::{RelationChanges, RelationsResponse};
use leaderd_core::wire::hook::WorkloadStatus;
use leaderd_net::controller_client::CallError;

/// The hook's snapshot of the bucket could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("cannot read settings: {0}")]
pub(crate) struct ReadSettingsError(pub CallError);

/// The config could not be read: from the controller, or from the charm's `config.yaml`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadConfigError {
    #[error("cannot read config: {0}")]
    Controller(#[source] CallError),
    #[error(transparent)]
    Charm(#[from] leaderd_core::charm_config::ConfigError),
}

/// The most a hook's changes may take in the controller's commit request: the controller's
/// body limit, less room for what the agent adds at commit (its lease term; the secret changes
/// of a rotate or expire hook). A tool call that would take the hook past it is refused, so the
/// commit after a successful hook is never refused for its size.
pub(crate) const COMMIT_LIMIT: usize = leaderd_core::wire::controller::MAX_BODY_BYTES - 64 * 1024;

/// A tool call would have made the hook's changes too big for one commit; it was undone.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "this hook's changes would be {size} bytes, more than the controller accepts in one commit \
     ({limit} bytes): nothing was changed by this call"
)]
pub(crate) struct CommitTooLarge {
    pub size: usize,
    pub limit: usize,
}

/// What a hook would commit, saved before a tool call adds to it (to undo a call that makes
/// it too big).
pub(crate) struct SavedChanges {
    pending: BTreeMap<u64, (Settings, Option<Settings>)>,
    pending_sizes: BTreeMap<u64, (EntrySizes, Option<EntrySizes>)>,
    secrets: super::secret_tools::HookSecrets,
    charm_state: Option<BTreeMap<String, String>>,
    charm_state_dirty: bool,
    ports: Option<leaderd_core::ports::Recorder>,
    payloads: Option<leaderd_core::payloads::UnitPayloads>,
    payloads_dirty: bool,
}

/// Each key of a bag's pending changes, with the size of its `"key":"value"` in JSON.
type EntrySizes = BTreeMap<String, usize>;

/// The length of `value` written as compact JSON (as serde_json writes the commit request),
/// counted without keeping the text.
fn json_len<T: serde::Serialize + ?Sized>(value: &T) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).map_or(usize::MAX, |()| count.0)
}

/// The state of one running hook's context.
#[derive(Debug)]
pub(crate) struct HookContext {
    /// The hook (or exec) this context belongs to, for logs.
    pub name: String,
    seen_minion: bool,
    snapshot: Option<Settings>,
    /// The unit status as this hook first read it (Juju's context caches it, and its own
    /// status-set does not refresh the cache).
    unit_status: Option<WorkloadStatus>,
    /// The application's config as this hook first read it (Juju snapshots it per context).
    config: Option<leaderd_core::charm_config::Values>,
    /// Every relation's data as this hook first read it.
    relations: Option<RelationsResponse>,
    /// This hook's relation-set changes, by relation id: to the unit's bag, and (leader) to
    /// the application bag.
    pending: BTreeMap<u64, (Settings, Option<Settings>)>,
    /// The size of each of `pending`'s entries as the commit request writes it (`"key":"value"`,
    /// JSON), kept as they change: the commit's size is checked at every relation-set without
    /// writing out what the hook set before (megabytes, perhaps) again.
    pending_sizes: BTreeMap<u64, (EntrySizes, Option<EntrySizes>)>,
    /// This hook's secret changes and its view of the secrets the unit manages.
    pub secrets: super::secret_tools::HookSecrets,
    /// The action this context runs, if it runs one.
    pub action: Option<super::action_tools::ActionState>,
    /// The unit's charm state as this hook sees it (read at its first state tool call, with
    /// its own changes), and whether it changed it (Juju's `cachedCharmState` and
    /// `charmStateCacheDirty`).
    pub charm_state: Option<BTreeMap<String, String>>,
    pub charm_state_dirty: bool,
    /// A juju-reboot the hook asked for: after the hook (`false`) or at once (`true`).
    pub reboot: Option<bool>,
    /// The hook's process group, which `juju-reboot --now` kills.
    pub process_group: Option<u32>,
    /// This hook's open-port and close-port requests over the unit's committed ranges (read
    /// at its first port call).
    pub ports: Option<leaderd_core::ports::Recorder>,
    /// This hook's storage-add directives, in order (Juju's `storageAddConstraints`: held
    /// until the hook succeeds).
    pub storage_adds: Vec<(String, u64)>,
    /// The unit's payloads as this hook sees them (read at its first payload tool call, with
    /// its own changes), and whether it changed them.
    pub payloads: Option<leaderd_core::payloads::UnitPayloads>,
    pub payloads_dirty: bool,
}

impl HookContext {
    pub fn new(name: impl Into<String>) -> HookContext {
        HookContext {
            name: name.into(),
            seen_minion: false,
            snapshot: None,
            unit_status: None,
            config: None,
            relations: None,
            pending: BTreeMap::new(),
            pending_sizes: BTreeMap::new(),
            secrets: Default::default(),
            action: None,
            charm_state: None,
            charm_state_dirty: false,
            reboot: None,
            process_group: None,
            ports: None,
            storage_adds: Vec::new(),
            payloads: None,
            payloads_dirty: false,
        }
    }

    /// Juju's `ensureLeader`: false at once if this hook has already seen False.
    pub async fn is_leader<L: HookBackend>(&mut self, backend: &L) -> bool {
        if self.seen_minion {
            return false;
        }
        let leader = backend.is_leader().await;
        self.seen_minion = !leader;
        leader
    }

    /// The hook's snapshot of the bucket, read from the controller on first use.
    pub async fn leader_settings<L: HookBackend>(&mut self, backend: &L) -> Result<Settings, ReadSettingsError> {
        if let Some(snapshot) = &self.snapshot {
            return Ok(snapshot.clone());
        }
        let settings = backend.read_settings().await.map_err(ReadSettingsError)?;
        self.snapshot = Some(settings.clone());
        Ok(settings)
    }

    /// A leader-set from this hook. A minion fails at once, without asking the controller.
    pub async fn write_leader_settings<L: HookBackend>(
        &mut self,
        backend: &L,
        changes: Settings,
    ) -> Result<(), LeaderWriteError> {
        if !self.is_leader(backend).await {
            return Err(LeaderWriteError::NotLeader);
        }
        // Cleared before the write, and even if the write then fails (Juju does the same).
        self.snapshot = None;
        backend.merge_settings(changes).await
    }

    /// The config as this hook sees it: read at the first call (from the controller, or with
    /// `fallback`'s charm defaults where no controller keeps a config), then the same for the
    /// rest of the hook.
    pub async fn config<L: HookBackend>(
        &mut self,
        backend: &L,
        fallback: impl FnOnce() -> Result<leaderd_core::charm_config::Values, leaderd_core::charm_config::ConfigError>,
    ) -> Result<leaderd_core::charm_config::Values, ReadConfigError> {
        if let Some(config) = &self.config {
            return Ok(config.clone());
        }
        let config = match backend.read_config().await.map_err(ReadConfigError::Controller)? {
            Some(config) => leaderd_core::charm_config::for_hook(config),
            None => fallback()?,
        };
        self.config = Some(config.clone());
        Ok(config)
    }

    /// The unit status as this hook sees it: `current` is read once, at the first call.
    pub fn unit_status(&mut self, current: impl FnOnce() -> WorkloadStatus) -> WorkloadStatus {
        self.unit_status.get_or_insert_with(current).clone()
    }

    /// Every relation's data as this hook sees it: read from the controller on first use.
    pub async fn relations<L: HookBackend>(&mut self, backend: &L) -> Result<&RelationsResponse, ReadSettingsError> {
        if self.relations.is_none() {
            self.relations = Some(backend.read_relations().await.map_err(ReadSettingsError)?);
        }
        Ok(self.relations.as_ref().expect("just read"))
    }

    /// A relation-set from this hook: merged into the hook's pending changes.
    pub fn set_relation(&mut self, relation_id: u64, app: bool, changes: Settings) {
        let (unit_sizes, app_sizes) = self.pending_sizes.entry(relation_id).or_default();
        let sizes = if app { app_sizes.get_or_insert_with(BTreeMap::new) } else { unit_sizes };
        for (key, value) in &changes {
            sizes.insert(key.clone(), json_len(key) + 1 + json_len(value));
        }
        let (unit, app_changes) = self.pending.entry(relation_id).or_default();
        let target = if app { app_changes.get_or_insert_with(Settings::new) } else { unit };
        target.extend(changes);
    }

    /// The length of `pending` as the commit request's `changes` (a JSON array of
    /// [`RelationChanges`]), from `pending_sizes`.
    fn pending_json_len(&self) -> usize {
        let map = |sizes: &EntrySizes| 2 + sizes.values().sum::<usize>() + sizes.len().saturating_sub(1);
        let entries: Vec<usize> = self
            .pending_sizes
            .iter()
            .map(|(id, (unit, app))| {
                r#"{"relation_id":"#.len()
                    + id.to_string().len()
                    + r#","unit":"#.len()
                    + map(unit)
                    + app.as_ref().map_or(0, |app| r#","app":"#.len() + map(app))
                    + 1
            })
            .collect();
        2 + entries.iter().sum::<usize>() + entries.len().saturating_sub(1)
    }

    /// This hook's pending changes to the unit's bag (`app` false) or the application bag.
    pub fn pending(&self, relation_id: u64, app: bool) -> Option<&Settings> {
        let (unit, app_changes) = self.pending.get(&relation_id)?;
        if app {
            app_changes.as_ref()
        } else {
            Some(unit)
        }
    }

    /// A copy of what this hook would commit now.
    pub(crate) fn save_changes(&self) -> SavedChanges {
        SavedChanges {
            pending: self.pending.clone(),
            pending_sizes: self.pending_sizes.clone(),
            secrets: self.secrets.clone(),
            charm_state: self.charm_state.clone(),
            charm_state_dirty: self.charm_state_dirty,
            ports: self.ports.clone(),
            payloads: self.payloads.clone(),
            payloads_dirty: self.payloads_dirty,
        }
    }

    /// The size of the controller's commit request for what this hook would commit now (with
    /// the largest term): the request without its relation changes (`"changes":[]`), written
    /// out, and the relation changes' size as kept.
    pub(crate) fn commit_bytes(&self) -> usize {
        let request = leaderd_core::wire::controller::RelationCommitRequest {
            term: Some(u64::MAX),
            changes: Vec::new(),
            secrets: self.secrets.clone().take_changes(),
            charm_state: if self.charm_state_dirty { self.charm_state.clone() } else { None },
            ports: self.ports.as_ref().map(|r| r.changes()).unwrap_or_default(),
            // A hook's storage-add directives are a few short names and counts.
            storage: Vec::new(),
            payloads: if self.payloads_dirty { self.payloads.clone() } else { None },
        };
        (json_len(&request) - "[]".len()).saturating_add(self.pending_json_len())
    }

    /// After a tool call changed what this hook commits (from `saved`): if the commit would
    /// now be over [`COMMIT_LIMIT`], the call is undone and refused.
    pub(crate) fn check_commit_size(&mut self, saved: SavedChanges) -> Result<(), CommitTooLarge> {
        let size = self.commit_bytes();
        if size <= COMMIT_LIMIT {
            return Ok(());
        }
        self.restore(saved);
        Err(CommitTooLarge { size, limit: COMMIT_LIMIT })
    }

    /// Undoes the tool calls since `saved` was taken.
    pub(crate) fn restore(&mut self, saved: SavedChanges) {
        self.pending = saved.pending;
        self.pending_sizes = saved.pending_sizes;
        self.secrets = saved.secrets;
        self.charm_state = saved.charm_state;
        self.charm_state_dirty = saved.charm_state_dirty;
        self.ports = saved.ports;
        self.payloads = saved.payloads;
        self.payloads_dirty = saved.payloads_dirty;
    }

    /// The changes to commit now that the hook has succeeded (and forgets them).
    pub fn take_relation_changes(&mut self) -> Vec<RelationChanges> {
        self.pending_sizes.clear();
        std::mem::take(&mut self.pending)
            .into_iter()
            .map(|(relation_id, (unit, app))| RelationChanges { relation_id, unit, app })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{CommitTooLarge, HookContext, COMMIT_LIMIT};
    use leaderd_core::model::Settings;

    fn big(key: &str, bytes: usize) -> Settings {
        [(key.to_string(), "a".repeat(bytes))].into_iter().collect()
    }

    /// The size kept for the relation changes is what serde_json writes, whatever the keys,
    /// values, bags and relations, and after values are replaced by shorter or longer ones.
    #[test]
    fn the_commit_size_is_the_requests_length() {
        let mut context = HookContext::new("start");
        let full = |c: &HookContext| {
            let request = leaderd_core::wire::controller::RelationCommitRequest {
                term: Some(u64::MAX),
                changes: c
                    .pending
                    .iter()
                    .map(|(id, (unit, app))| super::RelationChanges {
                        relation_id: *id,
                        unit: unit.clone(),
                        app: app.clone(),
                    })
                    .collect(),
                secrets: Vec::new(),
                charm_state: None,
                ports: Vec::new(),
                storage: Vec::new(),
                payloads: None,
            };
            serde_json::to_vec(&request).unwrap().len()
        };
        assert_eq!(context.commit_bytes(), full(&context), "nothing pending");
        type Step<'a> = (u64, bool, &'a [(&'a str, &'a str)]);
        let steps: &[Step] = &[
            (0, false, &[("a", "1")]),
            (0, false, &[("b", "quote \" and \\ and \u{1b} and é and \u{202e}"), ("a", "")]),
            (7, true, &[("k\n", "v")]),
            (0, true, &[]),
            (12345, false, &[("x", "long value"), ("y", "")]),
            (0, false, &[("b", "short")]),
            (7, false, &[]),
        ];
        for (id, app, pairs) in steps {
            context.set_relation(*id, *app, pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
            assert_eq!(context.commit_bytes(), full(&context), "after {id} {app} {pairs:?}");
        }
    }

    /// A change that would take the hook's commit past what the controller accepts is undone
    /// and refused; what the hook had before stays, and smaller changes still go in.
    #[test]
    fn a_change_too_big_for_one_commit_is_undone() {
        let mut context = HookContext::new("start");
        let saved = context.save_changes();
        context.set_relation(0, false, big("one", 5 << 20));
        assert_eq!(context.check_commit_size(saved), Ok(()));
        let before = context.commit_bytes();
        let saved = context.save_changes();
        context.set_relation(0, false, big("two", 5 << 20));
        let refused = context.check_commit_size(saved).unwrap_err();
        assert_eq!(refused.limit, COMMIT_LIMIT);
        assert!(refused.size > COMMIT_LIMIT && refused.size < before + (5 << 20) + 64, "{refused:?}");
        assert_eq!(context.commit_bytes(), before, "undone");
        assert!(context.pending(0, false).unwrap().get("two").is_none());
        let saved = context.save_changes();
        context.set_relation(1, false, big("small", 10));
        assert_eq!(context.check_commit_size(saved), Ok(()));
        let changes = context.take_relation_changes();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].unit["one"].len(), 5 << 20);
        let words = CommitTooLarge { size: 9, limit: 8 }.to_string();
        assert_eq!(words, "this hook's changes would be 9 bytes, more than the controller accepts in one commit (8 bytes): nothing was changed by this call");
    }
}
