//! Relation data in the controller: each application's relations (which units are in each
//! relation's scope, and every bag), durable through the store like the leader settings, with
//! a version that long-polling unit agents watch to learn when to run relation hooks.
//!
//! Writes go through the writer thread (`writer::Job::Relations`); a hook's commit that changes
//! the application bag is fenced there by the committing unit's lease term, in the same batch
//! that writes it. The version lives in memory only and starts, at every controller start, from
//! the wall clock in microseconds, so it never repeats an earlier run's and a watcher that waits
//! for "a version other than mine" always wakes after a restart.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use tokio::sync::watch;

use super::{Controller, LeaderWriteError};
use crate::store::{apply_relation_write, AppRelations, Write};
use leaderd_core::model::{Application, Settings, Term, Unit};
use leaderd_core::wire::controller::{RelationChanges, RelationsResponse, SecretChange};

/// The live copy of every application's relations, and their versions.
pub(crate) struct Relations {
    data: Mutex<HashMap<String, AppRelations>>,
    versions: Mutex<HashMap<String, watch::Sender<u64>>>,
    epoch: u64,
}

impl Relations {
    pub(crate) fn new(loaded: HashMap<String, AppRelations>) -> Relations {
        let epoch =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_micros() as u64);
        Relations { data: Mutex::new(loaded), versions: Mutex::default(), epoch }
    }

    fn version(&self, app: &str) -> watch::Sender<u64> {
        self.versions.lock().unwrap().entry(app.to_string()).or_insert_with(|| watch::channel(self.epoch).0).clone()
    }

    /// Applies committed writes; answers the new version.
    pub(crate) fn apply(&self, app: &str, writes: &[Write]) -> u64 {
        let mut data = self.data.lock().unwrap();
        for write in writes {
            apply_relation_write(&mut data, write);
        }
        drop(data);
        let version = self.version(app);
        version.send_modify(|v| *v += 1);
        let v = *version.borrow();
        v
    }

    /// Replaces every application's relations with `loaded` (a controller that has just won the
    /// election) and moves every version on, so watchers read again.
    pub(crate) fn replace(&self, loaded: HashMap<String, AppRelations>) {
        let apps: Vec<String> = loaded.keys().cloned().collect();
        *self.data.lock().unwrap() = loaded;
        let known: Vec<String> = self.versions.lock().unwrap().keys().cloned().collect();
        for app in apps.into_iter().chain(known) {
            self.version(&app).send_modify(|v| *v += 1);
        }
    }

    fn read(&self, app: &str) -> RelationsResponse {
        let relations = self.data.lock().unwrap().get(app).cloned().unwrap_or_default();
        let relations = relations.into_iter().map(|(id, r)| (id, r.into())).collect();
        RelationsResponse { relations, version: *self.version(app).borrow() }
    }
}

/// What one hook commits: its relation changes and the rest (Juju's `CommitHookChanges`).
#[derive(Debug, Default)]
pub struct HookCommit {
    pub changes: Vec<RelationChanges>,
    pub secrets: Vec<SecretChange>,
    /// The unit's whole charm state after the hook, when the hook changed it.
    pub charm_state: Option<BTreeMap<String, String>>,
    pub ports: Vec<leaderd_core::ports::PortChange>,
    /// storage-add directives, in order.
    pub storage: Vec<leaderd_core::wire::controller::StorageDirective>,
    /// The unit's whole payloads after the hook, when the hook changed them.
    pub payloads: Option<leaderd_core::payloads::UnitPayloads>,
}

impl Controller {
    /// Every relation of the model as `juju status` shows it: its id, its ends and the units
    /// in its scope. The one place the status snapshot reads relations from: an application's
    /// peer relations (numbered as its agents number them, one end each, from the peer
    /// endpoints registered at deploy).
    pub fn model_relations(&self) -> Vec<leaderd_core::wire::controller::ModelRelation> {
        use leaderd_core::wire::controller::{ModelRelation, ModelRelationEndpoint};
        let configs = self.state.configs.read().unwrap();
        let data = self.state.relations.data.lock().unwrap();
        let mut out = Vec::new();
        for (app, config) in configs.iter() {
            for (id, endpoint) in config.peers.iter().flatten().enumerate() {
                let id = id as u64;
                let members = data.get(app).and_then(|r| r.get(&id)).map(|r| r.members.clone()).unwrap_or_default();
                let end = ModelRelationEndpoint {
                    application: app.clone(),
                    name: endpoint.clone(),
                    role: "peer".into(),
                    interface: String::new(),
                    scope: "global".into(),
                };
                out.push(ModelRelation { id, endpoints: vec![end], members });
            }
        }
        out.sort_by(|a, b| (a.id, &a.endpoints[0].application).cmp(&(b.id, &b.endpoints[0].application)));
        out
    }

    /// `unit`'s charm state as last committed (empty when it has none).
    pub fn unit_state(&self, unit: &Unit) -> BTreeMap<String, String> {
        self.state.unit_states.read().unwrap().get(unit.as_str()).cloned().unwrap_or_default()
    }

    /// `app`'s relations and their version.
    pub fn relations(&self, app: &Application) -> RelationsResponse {
        self.state.relations.read(app.as_str())
    }

    /// Waits until `app`'s relations version differs from `after`, or `timeout`; returns it.
    pub async fn watch_relations(&self, app: &Application, after: u64, timeout: std::time::Duration) -> u64 {
        let mut rx = self.state.relations.version(app.as_str()).subscribe();
        let _ = tokio::time::timeout(timeout, rx.wait_for(|v| *v != after)).await;
        let v = *rx.borrow();
        v
    }

    async fn write_relations(
        &self,
        app: &str,
        fence: Option<(String, u64)>,
        writes: Vec<Write>,
        secrets: Option<super::writer::SecretCommit>,
        ports: Option<(String, Vec<leaderd_core::ports::PortChange>)>,
        storage: Option<(String, Vec<leaderd_core::wire::controller::StorageDirective>)>,
    ) -> Result<u64, LeaderWriteError> {
        let app = app.to_string();
        let job = |reply| super::writer::Job::Relations { app, fence, writes, secrets, ports, storage, reply };
        self.submit(job).await.unwrap_or_else(|| Err(LeaderWriteError::failed(super::ShuttingDown)))
    }

    /// One hook's relation and secret changes from `unit`, all or nothing: each to the unit's
    /// own bag, and to the application bag only if `unit` holds the lease under `term` when
    /// it is written; secrets by `secret_rules` (an application secret only under that term).
    pub async fn commit_hook(
        &self,
        unit: &Unit,
        term: Option<Term>,
        changes: Vec<RelationChanges>,
        secrets: Vec<SecretChange>,
    ) -> Result<u64, LeaderWriteError> {
        self.commit_hook_full(unit, term, HookCommit { changes, secrets, ..HookCommit::default() }).await
    }

    /// [`Controller::commit_hook`] with everything else a hook commits (Juju's
    /// `CommitHookChanges`), all in the same write: the unit's whole charm state after the hook
    /// when the hook changed it (checked against Juju's limits), its open-port and close-port
    /// requests applied to the unit's opened ranges, its storage-add directives (new instances,
    /// within the charm's counts) and its payloads when it changed them.
    pub async fn commit_hook_full(
        &self,
        unit: &Unit,
        term: Option<Term>,
        commit: HookCommit,
    ) -> Result<u64, LeaderWriteError> {
        let HookCommit { changes, secrets, charm_state, ports, storage, payloads } = commit;
        let app = unit.application();
        if let Some(state) = &charm_state {
            leaderd_core::charm_state::check(state).map_err(LeaderWriteError::Invalid)?;
        }
        let touches_app = changes.iter().any(|c| c.app.is_some());
        let fence = match (touches_app, term) {
            (false, _) => None,
            (true, Some(term)) => Some((unit.as_str().to_string(), term.0)),
            (true, None) => return Err(LeaderWriteError::NotLeader),
        };
        // No bag may grow past its bound (`leaderd_core::relations::MAX_BAG_BYTES`), whatever
        // each hook's commit adds: checked against the bags as they are now. A unit's bag is
        // written only by its own commits (one hook at a time) and the application bag only by
        // the leader's, under its term, so nothing else grows them meanwhile.
        let current = self.relations(&app);
        for change in &changes {
            let relation = current.relations.get(&change.relation_id);
            let bags = [
                (unit.as_str(), Some(&change.unit), relation.and_then(|r| r.units.get(unit.as_str()))),
                (app.as_str(), change.app.as_ref(), relation.map(|r| &r.app)),
            ];
            for (whose, changes, bag) in bags {
                let Some(changes) = changes.filter(|c| !c.is_empty()) else { continue };
                let empty = Settings::new();
                if let Some(size) = leaderd_core::relations::bag_too_large(bag.unwrap_or(&empty), changes) {
                    return Err(LeaderWriteError::Invalid(leaderd_core::relations::bag_too_large_message(
                        change.relation_id,
                        whose,
                        size,
                        "nothing this hook changed was committed",
                    )));
                }
            }
        }
        let mut writes = Vec::new();
        for change in changes {
            if !change.unit.is_empty() {
                writes.push(Write::RelationSettings {
                    app: app.as_str().into(),
                    relation_id: change.relation_id,
                    owner: Some(unit.as_str().into()),
                    changes: change.unit,
                });
            }
            if let Some(app_changes) = change.app.filter(|c| !c.is_empty()) {
                writes.push(Write::RelationSettings {
                    app: app.as_str().into(),
                    relation_id: change.relation_id,
                    owner: None,
                    changes: app_changes,
                });
            }
        }
        if let Some(state) = charm_state {
            writes.push(Write::UnitState { unit: unit.as_str().into(), state });
        }
        if let Some(payloads) = payloads {
            writes.push(Write::UnitPayloads { unit: unit.as_str().into(), payloads });
        }
        let secrets =
            super::writer::SecretCommit { unit: unit.as_str().into(), term: term.map(|t| t.0), changes: secrets };
        let ports = Some((unit.as_str().to_string(), ports)).filter(|(_, p)| !p.is_empty());
        let storage = Some((unit.as_str().to_string(), storage)).filter(|(_, s)| !s.is_empty());
        self.write_relations(app.as_str(), fence, writes, Some(secrets), ports, storage).await
    }

    /// `unit` enters the scope of `relation_ids`; a unit entering a relation for the first time
    /// gets the address keys Juju's `EnterScope` writes.
    pub async fn join_relations(&self, unit: &Unit, relation_ids: &[u64]) -> Result<u64, LeaderWriteError> {
        let app = unit.application();
        let current = self.relations(&app);
        let mut writes = Vec::new();
        for &relation_id in relation_ids {
            let relation = current.relations.get(&relation_id);
            if relation.is_some_and(|r| r.members.iter().any(|m| m == unit.as_str())) {
                continue;
            }
            if !relation.is_some_and(|r| r.units.contains_key(unit.as_str())) {
                writes.push(Write::RelationSettings {
                    app: app.as_str().into(),
                    relation_id,
                    owner: Some(unit.as_str().into()),
                    changes: leaderd_core::relations::scope_settings(),
                });
            }
            writes.push(Write::RelationScope {
                app: app.as_str().into(),
                relation_id,
                unit: unit.as_str().into(),
                member: true,
            });
        }
        if writes.is_empty() {
            return Ok(current.version);
        }
        self.write_relations(app.as_str(), None, writes, None, None, None).await
    }

    /// `unit` leaves the scope of every relation of its application (it stopped for good); its
    /// bags stay readable. The other units run `-relation-departed` for it.
    pub async fn leave_relations(&self, unit: &Unit) -> Result<u64, LeaderWriteError> {
        let app = unit.application();
        let current = self.relations(&app);
        let writes: Vec<Write> = current
            .relations
            .iter()
            .filter(|(_, r)| r.members.iter().any(|m| m == unit.as_str()))
            .map(|(&relation_id, _)| Write::RelationScope {
                app: app.as_str().into(),
                relation_id,
                unit: unit.as_str().into(),
                member: false,
            })
            .collect();
        if writes.is_empty() {
            return Ok(current.version);
        }
        self.write_relations(app.as_str(), None, writes, None, None, None).await
    }
}
