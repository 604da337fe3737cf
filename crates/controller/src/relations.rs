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

use super::relation_rules::{self, Defs, RelationError};
use super::{Controller, LeaderWriteError};
use crate::store::{apply_relation_write, AppRelations, Write};
use leaderd_core::model::{Application, Settings, Term, Unit};
use leaderd_core::wire::controller::{RelationChanges, RelationData, RelationDef, RelationsResponse, SecretChange};

/// The live copy of every application's relations, the relation records, and their version.
pub(crate) struct Relations {
    data: Mutex<HashMap<String, AppRelations>>,
    defs: Mutex<Defs>,
    /// One version for the model's relations: any scope, bag or record change moves it, so a
    /// unit learns of the other application's writes and of new and dying relations.
    version: watch::Sender<u64>,
}

impl Relations {
    pub(crate) fn new(loaded: HashMap<String, AppRelations>) -> Relations {
        let epoch =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_micros() as u64);
        Relations { data: Mutex::new(loaded), defs: Mutex::default(), version: watch::channel(epoch).0 }
    }

    fn version(&self, _app: &str) -> watch::Sender<u64> {
        self.version.clone()
    }

    /// Applies committed writes; answers the new version.
    pub(crate) fn apply(&self, _app: &str, writes: &[Write]) -> u64 {
        let mut data = self.data.lock().unwrap();
        let mut defs = self.defs.lock().unwrap();
        for write in writes {
            apply_relation_write(&mut data, write);
            match write {
                Write::RelationDef { id, record: Some(record) } => {
                    defs.by_id.insert(*id, record.clone());
                    defs.next = defs.next.max(id.saturating_add(1));
                }
                Write::RelationDef { id, record: None } => {
                    defs.by_id.remove(id);
                }
                Write::RelationSequence { next } => defs.next = defs.next.max(*next),
                _ => {}
            }
        }
        drop((data, defs));
        self.version.send_modify(|v| *v += 1);
        let v = *self.version.borrow();
        v
    }

    /// Replaces every application's relations and the records with the loaded ones (a
    /// controller that has just won the election, or started) and moves the version on, so
    /// watchers read again. The next id is past every id the store mentions, records and bags
    /// alike (a store from before records numbered its peer relations from 0).
    pub(crate) fn replace(
        &self,
        loaded: HashMap<String, AppRelations>,
        records: std::collections::BTreeMap<u64, crate::store::RelationDefRecord>,
        sequence: Option<u64>,
    ) {
        // Bag ids count only below MAX_UNRECORDED_ID: a bag a unit wrote under some far id
        // must not move the sequence to its end.
        let bags = loaded.values().flat_map(|app| app.keys()).filter(|id| **id < relation_rules::MAX_UNRECORDED_ID);
        let used = bags.chain(records.keys()).map(|id| id.saturating_add(1)).max();
        let next = sequence.unwrap_or(0).max(used.unwrap_or(0));
        *self.data.lock().unwrap() = loaded;
        *self.defs.lock().unwrap() = Defs { by_id: records, next };
        self.version.send_modify(|v| *v += 1);
    }

    /// The records and the next id, as committed.
    pub(crate) fn defs(&self) -> Defs {
        self.defs.lock().unwrap().clone()
    }

    /// `app`'s own scopes and bags, unfiltered (the controller's rules read these).
    pub(crate) fn raw(&self, app: &str) -> AppRelations {
        self.data.lock().unwrap().get(app).cloned().unwrap_or_default()
    }

    /// The units in relation `id`'s scope, of every application, in name order.
    pub(crate) fn members(&self, id: u64) -> Vec<String> {
        let mut members: Vec<String> =
            self.data.lock().unwrap().values().filter_map(|app| app.get(&id)).flat_map(|r| r.members.clone()).collect();
        members.sort();
        members
    }

    /// Is any unit, of any application, in relation `id`'s scope?
    pub(crate) fn anyone_in_scope(&self, id: u64) -> bool {
        self.data.lock().unwrap().values().any(|app| app.get(&id).is_some_and(|r| !r.members.is_empty()))
    }

    /// The writes that remove relation `id`: every bag key emptied (so a store that keeps a
    /// key per bag entry, etcd, deletes them), then the record.
    pub(crate) fn removal(&self, id: u64) -> Vec<Write> {
        let data = self.data.lock().unwrap();
        let mut writes = Vec::new();
        for (app, relations) in data.iter() {
            let Some(relation) = relations.get(&id) else { continue };
            let clear = |bag: &Settings| -> Settings { bag.keys().map(|k| (k.clone(), String::new())).collect() };
            for (unit, bag) in &relation.units {
                writes.push(Write::RelationSettings {
                    app: app.clone(),
                    relation_id: id,
                    owner: Some(unit.clone()),
                    changes: clear(bag),
                });
            }
            writes.push(Write::RelationSettings {
                app: app.clone(),
                relation_id: id,
                owner: None,
                changes: clear(&relation.app),
            });
            for unit in &relation.members {
                writes.push(Write::RelationScope {
                    app: app.clone(),
                    relation_id: id,
                    unit: unit.clone(),
                    member: false,
                });
            }
        }
        writes.push(Write::RelationDef { id, record: None });
        writes
    }

    /// What a reader of `app`'s relations sees: every relation `app` is in, each with its
    /// record, the units in its scope (both applications'), the remote units' bags while they
    /// are in scope, the remote application's bag, and `app`'s own application bag in a
    /// relation with another application only when `leads` (its leader, or the operator).
    /// A relation of an application that never registered its endpoints (no record) is as it
    /// always was: its scope and bags.
    fn read(&self, app: &str, leads: bool) -> RelationsResponse {
        let data = self.data.lock().unwrap();
        let defs = self.defs.lock().unwrap();
        let own = data.get(app).cloned().unwrap_or_default();
        let mut relations: std::collections::BTreeMap<u64, RelationData> =
            own.iter().filter(|(id, _)| !defs.by_id.contains_key(id)).map(|(id, r)| (*id, r.clone().into())).collect();
        for (&id, def) in defs.by_id.iter().filter(|(_, d)| d.endpoints.iter().any(|e| e.application == app)) {
            let mut relation: RelationData = own.get(&id).cloned().unwrap_or_default().into();
            relation.relation = Some(def.to_wire(id));
            if let Some(other) = def.endpoints.iter().find(|e| e.application != app) {
                let theirs = data.get(&other.application).and_then(|r| r.get(&id)).cloned().unwrap_or_default();
                for member in &theirs.members {
                    if let Some(bag) = theirs.units.get(member) {
                        relation.units.insert(member.clone(), bag.clone());
                    }
                }
                relation.members.extend(theirs.members);
                relation.members.sort();
                relation.remote_app = theirs.app;
                if !relation_rules::may_read_own_app_bag(Some(def), leads) {
                    relation.app = Settings::new();
                }
            }
            relations.insert(id, relation);
        }
        RelationsResponse { relations, version: *self.version.borrow() }
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
    /// in its scope (both applications'), in id order; a relation leaves it once removed.
    pub fn model_relations(&self) -> Vec<leaderd_core::wire::controller::ModelRelation> {
        self.relation_defs_with_members()
            .into_iter()
            .map(|(d, members)| leaderd_core::wire::controller::ModelRelation {
                id: d.id,
                endpoints: d.endpoints,
                members,
            })
            .collect()
    }

    /// `unit`'s charm state as last committed (empty when it has none).
    pub fn unit_state(&self, unit: &Unit) -> BTreeMap<String, String> {
        self.state.unit_states.read().unwrap().get(unit.as_str()).cloned().unwrap_or_default()
    }

    /// `app`'s relations and their version, as the operator sees them (every bag).
    pub fn relations(&self, app: &Application) -> RelationsResponse {
        self.state.relations.read(app.as_str(), true)
    }

    /// `unit`'s application's relations and their version, as `unit` may see them: its own
    /// application's bag in a relation with another application only while it holds the lease
    /// (Juju's uniter facade answers the others `permission denied`).
    pub fn relations_for(&self, unit: &Unit) -> RelationsResponse {
        let app = unit.application();
        let leads = self
            .state
            .leases
            .lock()
            .unwrap()
            .get(app.as_str())
            .is_some_and(|l| l.live_holder(tokio::time::Instant::now()) == Some(unit.as_str()));
        self.state.relations.read(app.as_str(), leads)
    }

    /// The current relations version.
    fn relations_version(&self) -> u64 {
        *self.state.relations.version("").borrow()
    }

    /// Every relation record of the model, in id order.
    pub fn relation_defs(&self) -> Vec<RelationDef> {
        self.state.relations.defs().by_id.iter().map(|(id, d)| d.to_wire(*id)).collect()
    }

    /// Every relation of the model with the units in its scope (both applications'), in id
    /// order: what `juju status` shows (a relation leaves it once removed).
    pub fn relation_defs_with_members(&self) -> Vec<(RelationDef, Vec<String>)> {
        self.relation_defs()
            .into_iter()
            .map(|d| {
                let members = self.state.relations.members(d.id);
                (d, members)
            })
            .collect()
    }

    /// Is relation `id` one `app` takes part in and alive? (None: the application registered
    /// no endpoints, and any id may be joined, as before there were records.)
    pub fn may_join(&self, app: &Application, id: u64) -> bool {
        let defs = self.state.relations.defs();
        defs.by_id.get(&id).is_some_and(|d| {
            d.life == relation_rules::ALIVE && d.endpoints.iter().any(|e| e.application == app.as_str())
        })
    }

    /// The ids of `app`'s relations that are alive, for the join's refusal.
    pub fn alive_relation_ids(&self, app: &Application) -> Vec<u64> {
        let defs = self.state.relations.defs();
        defs.by_id
            .iter()
            .filter(|(_, d)| {
                d.life == relation_rules::ALIVE && d.endpoints.iter().any(|e| e.application == app.as_str())
            })
            .map(|(id, _)| *id)
            .collect()
    }

    /// `juju integrate`: the relation `endpoints` (two `app[:endpoint]`) infer, with the next
    /// id. Refused in Juju's words (`no relations found`, `ambiguous relation: ...`,
    /// `application "x" not found`, `cannot add relation "k": relation k already exists`).
    pub async fn integrate(&self, endpoints: Vec<String>) -> Result<RelationDef, RelationError> {
        let op = super::writer::RelationOp::Integrate(endpoints);
        Ok(self.relation_op(op).await?.remove(0))
    }

    /// `juju remove-relation`: the relation `endpoints` name becomes dying; it is removed once
    /// no unit is in its scope (at once if none is). `relation matching "a b" not found`.
    pub async fn remove_relation(&self, endpoints: Vec<String>) -> Result<RelationDef, RelationError> {
        let op = super::writer::RelationOp::Remove(endpoints);
        Ok(self.relation_op(op).await?.remove(0))
    }

    /// [`Controller::remove_relation`] of the relation with this id (`relation 4 not found`).
    pub async fn remove_relation_id(&self, id: u64) -> Result<RelationDef, RelationError> {
        let op = super::writer::RelationOp::RemoveId(id);
        Ok(self.relation_op(op).await?.remove(0))
    }

    /// Every relation of `app` becomes dying (its removal: Juju's `Application.Destroy`); each
    /// is removed once no unit is in its scope (at once if none is). Answers them.
    pub async fn destroy_application_relations(&self, app: &Application) -> Result<Vec<RelationDef>, RelationError> {
        self.relation_op(super::writer::RelationOp::RemoveApp(app.as_str().into())).await
    }

    /// The peer relations of a deployment that registered `declared` (its endpoints), in
    /// metadata order, each with the next id; none twice.
    pub(crate) async fn add_peer_relations(
        &self,
        app: &Application,
        declared: Vec<leaderd_core::relations::EndpointDecl>,
    ) -> Result<Vec<RelationDef>, RelationError> {
        let op = super::writer::RelationOp::Peers { app: app.as_str().into(), declared };
        self.relation_op(op).await
    }

    pub(crate) async fn relation_op(&self, op: super::writer::RelationOp) -> Result<Vec<RelationDef>, RelationError> {
        let job = |reply| super::writer::Job::RelationRecords { op, reply };
        self.submit(job)
            .await
            .unwrap_or_else(|| Err(RelationError::Write(LeaderWriteError::failed(super::ShuttingDown))))
    }

    /// Removes every dying relation no unit is in the scope of any more.
    async fn remove_finished_relations(&self) {
        let defs = self.state.relations.defs();
        for (&id, def) in &defs.by_id {
            if def.life == relation_rules::DYING && !self.state.relations.anyone_in_scope(id) {
                if let Err(e) = self.relation_op(super::writer::RelationOp::Removal(id)).await {
                    tracing::warn!(relation = id, error = %e, "removing a dying relation failed; the next leave retries");
                }
            }
        }
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
        let current = self.state.relations.raw(app.as_str());
        let defs = self.state.relations.defs();
        for change in &changes {
            // A relation this application is not in is not the unit's to write.
            if defs
                .by_id
                .get(&change.relation_id)
                .is_some_and(|d| !d.endpoints.iter().any(|e| e.application == app.as_str()))
            {
                return Err(LeaderWriteError::Invalid("permission denied".into()));
            }
            let relation = current.get(&change.relation_id);
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
        let current = self.state.relations.raw(app.as_str());
        let mut writes = Vec::new();
        for &relation_id in relation_ids {
            let relation = current.get(&relation_id);
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
            return Ok(self.relations_version());
        }
        self.write_relations(app.as_str(), None, writes, None, None, None).await
    }

    /// `unit` leaves the scope of every relation of its application (it stopped for good); its
    /// bags stay readable. The other units run `-relation-departed` for it.
    pub async fn leave_relations(&self, unit: &Unit) -> Result<u64, LeaderWriteError> {
        self.depart_relations(unit, None).await
    }

    /// `unit` leaves the scope of `relation_ids` (every relation of its application: `None`),
    /// a dying relation's once its hooks are done with it. A dying relation no unit is in the
    /// scope of any more is then removed (Juju's `relation.removeOps` once the last unit
    /// leaves).
    pub async fn depart_relations(&self, unit: &Unit, relation_ids: Option<&[u64]>) -> Result<u64, LeaderWriteError> {
        let app = unit.application();
        let current = self.state.relations.raw(app.as_str());
        let writes: Vec<Write> = current
            .iter()
            .filter(|(id, r)| {
                relation_ids.is_none_or(|ids| ids.contains(id)) && r.members.iter().any(|m| m == unit.as_str())
            })
            .map(|(&relation_id, _)| Write::RelationScope {
                app: app.as_str().into(),
                relation_id,
                unit: unit.as_str().into(),
                member: false,
            })
            .collect();
        let version = if writes.is_empty() {
            self.relations_version()
        } else {
            self.write_relations(app.as_str(), None, writes, None, None, None).await?
        };
        self.remove_finished_relations().await;
        Ok(version)
    }
}
