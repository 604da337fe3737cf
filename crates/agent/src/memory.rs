//! An in-memory [`HookBackend`]: a settable leader flag and one settings bucket. It drives the
//! hook endpoint in tests and benchmarks, where no controller runs.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use super::{HookBackend, LeaderWriteError, RelationCommitError};
use leaderd_core::model::Settings;
use leaderd_core::wire::controller::RelationsResponse;
use leaderd_net::controller_client::CallError;

#[derive(Debug, Default)]
pub struct MemoryBackend {
    leader: AtomicBool,
    settings: Mutex<Settings>,
    read_failure: Mutex<Option<String>>,
    reads: AtomicUsize,
    relations: Mutex<RelationsResponse>,
    /// The unit whose commits this is (for the not-leader words).
    unit: Mutex<String>,
    /// The unit's committed charm state.
    charm_state: Mutex<std::collections::BTreeMap<String, String>>,
    /// The unit's committed payloads.
    payloads: Mutex<leaderd_core::payloads::UnitPayloads>,
}

impl MemoryBackend {
    pub fn new(leader: bool, settings: Settings) -> MemoryBackend {
        MemoryBackend { leader: AtomicBool::new(leader), settings: Mutex::new(settings), ..Default::default() }
    }

    pub fn set_leader(&self, leader: bool) {
        self.leader.store(leader, Ordering::SeqCst);
    }

    /// The bucket as the "controller" holds it now.
    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap().clone()
    }

    /// A write from elsewhere (another unit that leads, for instance).
    pub fn replace_settings(&self, settings: Settings) {
        *self.settings.lock().unwrap() = settings;
    }

    /// Makes every read fail with `reason`, as if the controller were unreachable (or succeed
    /// again with `None`).
    pub fn fail_reads(&self, reason: Option<&str>) {
        *self.read_failure.lock().unwrap() = reason.map(String::from);
    }

    /// The unit's charm state as committed.
    pub fn charm_state(&self) -> std::collections::BTreeMap<String, String> {
        self.charm_state.lock().unwrap().clone()
    }

    /// The unit's payloads as committed.
    pub fn payloads(&self) -> leaderd_core::payloads::UnitPayloads {
        self.payloads.lock().unwrap().clone()
    }

    /// Every relation's data as the "controller" holds it now.
    pub fn relations(&self) -> RelationsResponse {
        self.relations.lock().unwrap().clone()
    }

    /// Changes the relation data, as another unit's commit or join would.
    pub fn update_relations(&self, change: impl FnOnce(&mut RelationsResponse)) {
        let mut relations = self.relations.lock().unwrap();
        change(&mut relations);
        relations.version += 1;
    }

    /// Names the unit that commits through this leadership (default `app/0`).
    pub fn set_unit(&self, unit: &str) {
        *self.unit.lock().unwrap() = unit.to_string();
    }

    /// How many times the bucket has been read: shows the per-hook snapshot at work.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }
}

impl HookBackend for MemoryBackend {
    async fn is_leader(&self) -> bool {
        self.leader.load(Ordering::SeqCst)
    }

    async fn read_settings(&self) -> Result<Settings, CallError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        if let Some(reason) = self.read_failure.lock().unwrap().clone() {
            return Err(CallError::Unreachable(reason));
        }
        Ok(self.settings())
    }

    async fn merge_settings(&self, changes: Settings) -> Result<(), LeaderWriteError> {
        if !self.leader.load(Ordering::SeqCst) {
            return Err(LeaderWriteError::NotLeader);
        }
        leaderd_core::model::apply_changes(&mut self.settings.lock().unwrap(), &changes);
        Ok(())
    }

    async fn read_relations(&self) -> Result<RelationsResponse, CallError> {
        if let Some(reason) = self.read_failure.lock().unwrap().clone() {
            return Err(CallError::Unreachable(reason));
        }
        Ok(self.relations())
    }

    async fn commit_hook(&self, hook: super::HookChanges) -> Result<(), RelationCommitError> {
        let super::HookChanges { relations: changes, charm_state, payloads, .. } = hook;
        let unit = self.unit.lock().unwrap().clone();
        let unit = if unit.is_empty() { "app/0".to_string() } else { unit };
        if changes.iter().any(|c| c.app.is_some()) && !self.leader.load(Ordering::SeqCst) {
            return Err(RelationCommitError::NotLeader(super::not_leader_of(&unit)));
        }
        self.update_relations(|r| {
            for change in &changes {
                let relation = r.relations.entry(change.relation_id).or_default();
                leaderd_core::model::apply_changes(relation.units.entry(unit.clone()).or_default(), &change.unit);
                if let Some(app) = &change.app {
                    leaderd_core::model::apply_changes(&mut relation.app, app);
                }
            }
        });
        if let Some(state) = charm_state {
            leaderd_core::charm_state::check(&state).map_err(|e| {
                RelationCommitError::Failed(CallError::Refused {
                    code: leaderd_core::wire::ErrorCode::BadRequest,
                    message: e,
                })
            })?;
            *self.charm_state.lock().unwrap() = state;
        }
        if let Some(payloads) = payloads {
            *self.payloads.lock().unwrap() = payloads;
        }
        Ok(())
    }

    async fn read_payloads(&self) -> Result<leaderd_core::payloads::UnitPayloads, CallError> {
        Ok(self.payloads())
    }

    async fn read_charm_state(&self) -> Result<std::collections::BTreeMap<String, String>, CallError> {
        if let Some(reason) = self.read_failure.lock().unwrap().clone() {
            return Err(CallError::Unreachable(reason));
        }
        Ok(self.charm_state())
    }
}
