//! The controller's single writer thread: every durable change goes through it, in order, and
//! whatever has queued up while one commit was on disk goes into the next one (group commit).
//! That is how 32 concurrent leader-sets share fsyncs instead of queueing for one each.
//!
//! Leader-settings merges are fenced here, inside the batch that writes them: the writer checks
//! that the unit holds the lease under the given term at that moment, and a refused merge is
//! simply left out of the batch, so it changes nothing.

use std::sync::mpsc;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::relation_rules::{self, Defs, RelationError};
use super::secret_rules::{self, Caller, Records};
use super::secrets::{self as live_secrets, SecretReadError};
use super::{LeaderWriteError, State};
use crate::store::{CommitError, Store, StoredLease, Write};
use leaderd_core::model::apply_changes;
use leaderd_core::model::Settings;
use leaderd_core::wire::controller::{SecretChange, SecretReadRequest, SecretReadResponse};

/// Most jobs in one transaction: bounds the latency of the first job in a long queue.
const MAX_BATCH: usize = 256;

/// A change to make durable, with the channel its answer goes back on.
pub(crate) enum Job {
    /// A lease changed holder or term (a new grant or a revoke).
    Lease(StoredLease, oneshot::Sender<Result<(), StoreCommitFailed>>),
    /// A fenced leader-settings merge; answers the new version.
    Merge {
        app: String,
        unit: String,
        term: u64,
        changes: Settings,
        reply: oneshot::Sender<Result<u64, LeaderWriteError>>,
    },
    /// A write made durable, then applied to the live state (`State::apply`); with `fence`, only
    /// if that unit holds its application's lease under that term at that moment.
    Put { fence: Option<(String, u64)>, write: Write, reply: oneshot::Sender<Result<(), LeaderWriteError>> },
    /// Relation writes for one application, all or nothing; with `fence` (unit, term) only if
    /// that unit holds the lease under that term at the moment of the write. Answers the
    /// relations' new version.
    Relations {
        app: String,
        fence: Option<(String, u64)>,
        writes: Vec<Write>,
        /// A hook's secret changes, committed with its relation writes.
        secrets: Option<SecretCommit>,
        /// A hook's open-port and close-port requests, by the unit that made them: applied to
        /// its opened ranges as this batch leaves them.
        ports: Option<(String, Vec<leaderd_core::ports::PortChange>)>,
        /// A hook's storage-add directives, by the unit that made them: checked against its
        /// instances as this batch leaves them (all or nothing with the rest).
        storage: Option<(String, Vec<leaderd_core::wire::controller::StorageDirective>)>,
        reply: oneshot::Sender<Result<u64, LeaderWriteError>>,
    },
    /// A unit's storage made up to the charm's minimum counts (`storage::plan` with `ensure`);
    /// answers all of its instances.
    Storage {
        unit: String,
        directives: Vec<leaderd_core::wire::controller::StorageDirective>,
        reply: oneshot::Sender<Result<Vec<leaderd_core::wire::controller::StorageInstance>, LeaderWriteError>>,
    },
    /// A removed unit's secrets go and its consumer records and grants with them
    /// (`secret_rules::forget_unit`).
    ForgetSecrets { unit: String, reply: oneshot::Sender<Result<u64, LeaderWriteError>> },
    /// A unit reads a secret; a read that moves what it tracks (or the label it gives) is
    /// written before the content is answered.
    SecretRead {
        unit: String,
        request: SecretReadRequest,
        reply: oneshot::Sender<Result<SecretReadResponse, SecretReadError>>,
    },
    /// The operator's change to a user secret (add, update, remove, grant, revoke); answers
    /// the secret's id.
    UserSecret { change: secret_rules::UserChange, reply: oneshot::Sender<Result<String, SecretReadError>> },
    /// An operator enqueues an action: a new operation with one pending task per record, their
    /// ids taken here, from one sequence (the highest operation or task id so far, as this
    /// batch leaves it), as Juju takes both from its one "task" sequence
    /// (`state/operation.go`, `state/action.go` `sequenceWithMin(mb, "task", 1)`): two
    /// concurrent enqueues can never share an id. Answers the operation's id and its tasks'.
    Enqueue {
        tasks: Vec<crate::store::TaskRecord>,
        reply: oneshot::Sender<Result<leaderd_core::wire::controller::EnqueueResponse, LeaderWriteError>>,
    },
    /// A change to the model's relation records (integrate, remove-relation, a deployment's
    /// peer relations, the removal of a dying relation nobody is in): computed here from the
    /// records as this batch leaves them, so two concurrent integrates never share an id nor
    /// add one key twice. Answers the records it added or changed.
    RelationRecords {
        op: RelationOp,
        reply: oneshot::Sender<Result<Vec<leaderd_core::wire::controller::RelationDef>, RelationError>>,
    },
    /// Load everything from the store again and replace the live state with it (a controller
    /// that has just won the election: another one may have changed everything meanwhile).
    Reload(oneshot::Sender<anyhow::Result<()>>),
}

/// What a [`Job::RelationRecords`] does.
pub(crate) enum RelationOp {
    Integrate(Vec<String>),
    Remove(Vec<String>),
    RemoveId(u64),
    /// A peer relation the refreshed charm no longer declares (Juju's
    /// `removeStalePeerRelationsOps`): the one way a peer relation ends but with its application.
    RemoveStalePeer(u64),
    /// Every relation of an application being removed (Juju's `Application.Destroy` destroys
    /// its relations).
    RemoveApp(String),
    Peers {
        app: String,
        declared: Vec<leaderd_core::relations::EndpointDecl>,
    },
    /// Remove relation `id` if it is dying and no unit is in its scope.
    Removal(u64),
}

enum Reply {
    RelationRecords(
        oneshot::Sender<Result<Vec<leaderd_core::wire::controller::RelationDef>, RelationError>>,
        Vec<leaderd_core::wire::controller::RelationDef>,
        Vec<Write>,
    ),
    Lease(oneshot::Sender<Result<(), StoreCommitFailed>>),
    Merge(oneshot::Sender<Result<u64, LeaderWriteError>>, String, Settings, u64),
    Put(oneshot::Sender<Result<(), LeaderWriteError>>, Write),
    Relations(oneshot::Sender<Result<u64, LeaderWriteError>>, String, Vec<Write>),
    SecretRead(oneshot::Sender<Result<SecretReadResponse, SecretReadError>>, SecretReadResponse, Vec<Write>),
    UserSecret(oneshot::Sender<Result<String, SecretReadError>>, String, Vec<Write>),
    Enqueue(
        oneshot::Sender<Result<leaderd_core::wire::controller::EnqueueResponse, LeaderWriteError>>,
        Vec<Write>,
        leaderd_core::wire::controller::EnqueueResponse,
    ),
    Storage(
        oneshot::Sender<Result<Vec<leaderd_core::wire::controller::StorageInstance>, LeaderWriteError>>,
        Vec<Write>,
        Vec<crate::store::StorageRecord>,
    ),
}

/// One hook's secret changes: by `unit`, which leads if it holds the lease under `term` at the
/// moment of the write.
pub(crate) struct SecretCommit {
    pub unit: String,
    pub term: Option<u64>,
    pub changes: Vec<SecretChange>,
}

/// Runs until every sender of `jobs` is gone.
pub fn run(mut store: Box<dyn Store>, state: Arc<State>, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        if let Job::Reload(reply) = first {
            let _ = reply.send(store.load().map(|snapshot| state.replace(snapshot, Instant::now())));
            continue;
        }
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(Job::Reload(reply)) => {
                    // Commit what came before, then reload: jobs stay in order.
                    commit_batch(store.as_mut(), &state, std::mem::take(&mut batch));
                    let _ = reply.send(store.load().map(|snapshot| state.replace(snapshot, Instant::now())));
                }
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(store.as_mut(), &state, batch);
    }
}

fn commit_batch(store: &mut dyn Store, state: &State, batch: Vec<Job>) {
    if batch.is_empty() {
        return;
    }
    let mut writes = Vec::with_capacity(batch.len());
    let mut replies = Vec::with_capacity(batch.len());
    // Where each reply's writes start in `writes` (they are consecutive): a batch that fails is
    // tried again job by job, each all or nothing.
    let mut starts = Vec::with_capacity(batch.len());
    // Versions as this batch leaves them, so two merges to one app in a batch both count.
    let mut versions: std::collections::HashMap<String, u64> = Default::default();
    // Secrets as this batch leaves them (copied from the live state at the first secret job),
    // so each job's rules see the jobs before it.
    let mut secrets: Option<Records> = None;
    // Units' opened ports as this batch leaves them.
    let mut unit_ports: std::collections::HashMap<String, leaderd_core::ports::GroupedPortRanges> = Default::default();
    // Units' storage instances and applications' next instance numbers as this batch leaves them.
    let mut unit_storage: std::collections::HashMap<String, Vec<crate::store::StorageRecord>> = Default::default();
    let mut sequences: std::collections::HashMap<String, u64> = Default::default();
    let storage_now = |unit: &str,
                       unit_storage: &mut std::collections::HashMap<String, Vec<crate::store::StorageRecord>>,
                       sequences: &mut std::collections::HashMap<String, u64>| {
        let app = leaderd_core::names::unit_application(unit).unwrap_or_default().to_string();
        let current = unit_storage
            .entry(unit.to_string())
            .or_insert_with(|| state.unit_storage.read().unwrap().get(unit).cloned().unwrap_or_default())
            .clone();
        let next = *sequences
            .entry(app.clone())
            .or_insert_with(|| state.storage_sequences.read().unwrap().get(&app).copied().unwrap_or(0));
        (app, current, next)
    };
    // The last operation or task id as this batch leaves it.
    let mut last_task_id: Option<u64> = None;
    // The relation records as this batch leaves them.
    let mut defs: Option<Defs> = None;
    for job in batch {
        match job {
            Job::RelationRecords { op, reply } => {
                let current = defs.get_or_insert_with(|| state.relations.defs());
                match relation_records(state, current, op) {
                    Ok((answer, mut changes)) => {
                        // A removed relation takes the secret grants made over it along, in
                        // the same batch (from the secrets as this batch leaves them).
                        let removed: Vec<u64> = changes
                            .iter()
                            .filter_map(|w| match w {
                                Write::RelationDef { id, record: None } => Some(*id),
                                _ => None,
                            })
                            .collect();
                        for id in removed {
                            let records = secrets.get_or_insert_with(|| state.secrets.snapshot());
                            let touched = secret_rules::forget_relation(records, id);
                            for (secret, record) in &touched {
                                match record {
                                    Some(record) => records.insert(secret.clone(), record.clone()),
                                    None => records.remove(secret),
                                };
                            }
                            changes.extend(live_secrets::writes(touched));
                        }
                        starts.push(writes.len());
                        writes.extend(changes.iter().cloned());
                        replies.push(Reply::RelationRecords(reply, answer, changes));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e));
                    }
                }
            }
            Job::Enqueue { tasks, reply } => {
                let last = last_task_id.get_or_insert_with(|| state.tasks.last_id());
                let operation = *last + 1;
                let mut answer = leaderd_core::wire::controller::EnqueueResponse { operation, tasks: Vec::new() };
                // A record with no unit is the operation's own (one that scheduled nothing):
                // it takes the operation's id, and no task id.
                let mut next = operation;
                let changes: Vec<Write> = tasks
                    .into_iter()
                    .map(|mut record| {
                        record.operation = operation;
                        if record.unit.is_empty() {
                            return Write::Task { id: operation, record };
                        }
                        next += 1;
                        answer.tasks.push((next, record.unit.clone()));
                        Write::Task { id: next, record }
                    })
                    .collect();
                *last = next;
                starts.push(writes.len());
                writes.extend(changes.iter().cloned());
                replies.push(Reply::Enqueue(reply, changes, answer));
            }
            Job::Lease(lease, reply) => {
                starts.push(writes.len());
                writes.push(Write::Lease(lease));
                replies.push(Reply::Lease(reply));
            }
            Job::Merge { app, unit, term, changes, reply } => {
                if !state.leases.lock().unwrap().holds(&app, &unit, term, Instant::now()) {
                    let _ = reply.send(Err(LeaderWriteError::NotLeader));
                    continue;
                }
                let current = match versions.get(&app) {
                    Some(v) => *v,
                    None => state.buckets.read().unwrap().get(&app).map_or(0, |b| b.version),
                };
                // A merge that changes no key (leader-set with no arguments) is accepted
                // without a new version: nothing changed, so no minion is told.
                let version = if changes.is_empty() { current } else { current + 1 };
                versions.insert(app.clone(), version);
                starts.push(writes.len());
                if !changes.is_empty() {
                    writes.push(Write::Settings { app: app.clone(), changes: changes.clone(), version });
                }
                replies.push(Reply::Merge(reply, app, changes, version));
            }
            Job::Put { fence, write, reply } => {
                if let Some((unit, term)) = &fence {
                    let app = leaderd_core::names::unit_application(unit).unwrap_or_default();
                    if !state.leases.lock().unwrap().holds(app, unit, *term, Instant::now()) {
                        let _ = reply.send(Err(LeaderWriteError::NotLeader));
                        continue;
                    }
                }
                starts.push(writes.len());
                writes.push(write.clone());
                replies.push(Reply::Put(reply, write));
            }
            Job::Storage { unit, directives, reply } => {
                if state.removed.read().unwrap().contains(&unit) {
                    let _ = reply.send(Err(LeaderWriteError::Invalid(format!("unit {unit} has been removed"))));
                    continue;
                }
                let (app, current, next) = storage_now(&unit, &mut unit_storage, &mut sequences);
                let declared = state.configs.read().unwrap().get(&app).and_then(|c| c.storage.clone());
                let planned = super::storage::resolve(&unit, declared.as_ref(), directives, true)
                    .and_then(|directives| super::storage::plan(&unit, &current, next, &directives, true));
                match planned {
                    Ok((storage, new_next)) => {
                        let mut changes = Vec::new();
                        if storage != current {
                            changes.push(Write::UnitStorage { unit: unit.clone(), storage: storage.clone() });
                            changes.push(Write::StorageSequence { app: app.clone(), next: new_next });
                            unit_storage.insert(unit, storage.clone());
                            sequences.insert(app, new_next);
                        }
                        starts.push(writes.len());
                        writes.extend(changes.iter().cloned());
                        replies.push(Reply::Storage(reply, changes, storage));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(LeaderWriteError::Invalid(e)));
                    }
                }
            }
            Job::Relations { app, fence, writes: mut changes, secrets: secret_commit, ports, storage, reply } => {
                if let Some((unit, term)) = &fence {
                    if !state.leases.lock().unwrap().holds(&app, unit, *term, Instant::now()) {
                        let _ = reply.send(Err(LeaderWriteError::NotLeader));
                        continue;
                    }
                }
                // Every bag write and scope entry names a relation of this application, checked
                // against the records as this batch leaves them (a relation removed meanwhile
                // is gone here).
                let current_defs = defs.get_or_insert_with(|| state.relations.defs());
                if let Err(e) = relation_writes_allowed(state, current_defs, &app, &changes) {
                    let _ = reply.send(Err(e));
                    continue;
                }
                let grants = secret_commit.as_ref().map_or(&[][..], |c| c.changes.as_slice());
                if let Err(e) = grants_allowed(state, current_defs, &app, grants) {
                    let _ = reply.send(Err(e));
                    continue;
                }
                // Storage is checked first: a refused storage-add leaves the batch's secrets as
                // they were.
                let mut storage_plan = None;
                if let Some((unit, directives)) = storage.filter(|(_, d)| !d.is_empty()) {
                    if state.removed.read().unwrap().contains(&unit) {
                        let _ = reply.send(Err(LeaderWriteError::Invalid(format!("unit {unit} has been removed"))));
                        continue;
                    }
                    let (storage_app, current, next) = storage_now(&unit, &mut unit_storage, &mut sequences);
                    let declared = state.configs.read().unwrap().get(&storage_app).and_then(|c| c.storage.clone());
                    let planned = super::storage::resolve(&unit, declared.as_ref(), directives, false)
                        .and_then(|directives| super::storage::plan(&unit, &current, next, &directives, false));
                    match planned {
                        Ok((storage, next)) => storage_plan = Some((unit, storage_app, storage, next)),
                        Err(e) => {
                            let _ = reply.send(Err(LeaderWriteError::Invalid(e)));
                            continue;
                        }
                    }
                }
                if let Some(commit) = secret_commit.filter(|c| !c.changes.is_empty()) {
                    // A unit removed while its commit was in flight changes no secret.
                    if state.removed.read().unwrap().contains(&commit.unit) {
                        let _ = reply
                            .send(Err(LeaderWriteError::Invalid(format!("unit {} has been removed", commit.unit))));
                        continue;
                    }
                    let leads = commit.term.is_some_and(|term| {
                        state.leases.lock().unwrap().holds(&app, &commit.unit, term, Instant::now())
                    });
                    let records = secrets.get_or_insert_with(|| state.secrets.snapshot());
                    let caller = Caller::new(&commit.unit, leads);
                    match secret_rules::commit(records, &caller, &commit.changes, live_secrets::now_ms()) {
                        Ok(touched) => {
                            for (id, record) in &touched {
                                match record {
                                    Some(record) => records.insert(id.clone(), record.clone()),
                                    None => records.remove(id),
                                };
                            }
                            changes.extend(live_secrets::writes(touched));
                        }
                        Err(e) => {
                            let _ = reply.send(Err(e.into()));
                            continue;
                        }
                    }
                }
                if let Some((unit, requests)) = ports {
                    let current = unit_ports
                        .entry(unit.clone())
                        .or_insert_with(|| state.unit_ports.read().unwrap().get(&unit).cloned().unwrap_or_default());
                    *current = leaderd_core::ports::apply(current, &requests);
                    changes.push(Write::UnitPorts { unit, ports: current.clone() });
                }
                if let Some((unit, storage_app, storage, next)) = storage_plan {
                    changes.push(Write::UnitStorage { unit: unit.clone(), storage: storage.clone() });
                    changes.push(Write::StorageSequence { app: storage_app.clone(), next });
                    unit_storage.insert(unit, storage);
                    sequences.insert(storage_app, next);
                }
                starts.push(writes.len());
                writes.extend(changes.iter().cloned());
                replies.push(Reply::Relations(reply, app, changes));
            }
            Job::ForgetSecrets { unit, reply } => {
                let records = secrets.get_or_insert_with(|| state.secrets.snapshot());
                let touched = secret_rules::forget_unit(records, &unit);
                for (id, record) in &touched {
                    match record {
                        Some(record) => records.insert(id.clone(), record.clone()),
                        None => records.remove(id),
                    };
                }
                let app = leaderd_core::names::unit_application(&unit).unwrap_or_default().to_string();
                let mut changes = vec![Write::ForgetUnit { unit: unit.clone() }];
                changes.extend(live_secrets::writes(touched));
                // Its tasks that have not ended end with it, as Juju's `state/cleanup.go`
                // `cleanupRemovedUnit` finishes them: cancelled, "unit removed".
                changes.extend(state.tasks.unfinished(&unit).into_iter().map(|(id, mut record)| {
                    record.status = "cancelled".into();
                    record.message = "unit removed".into();
                    record.completed_ms = Some(super::secrets::now_ms());
                    Write::Task { id, record }
                }));
                starts.push(writes.len());
                writes.extend(changes.iter().cloned());
                replies.push(Reply::Relations(reply, app, changes));
            }
            Job::SecretRead { unit, request, reply } => {
                if state.removed.read().unwrap().contains(&unit) {
                    let _ = reply.send(Err(SecretReadError::Refused(super::SecretError::PermissionDenied)));
                    continue;
                }
                let app = leaderd_core::names::unit_application(&unit).unwrap_or_default();
                let leads = request
                    .term
                    .is_some_and(|term| state.leases.lock().unwrap().holds(app, &unit, term, Instant::now()));
                let records = secrets.get_or_insert_with(|| state.secrets.snapshot());
                match secret_rules::read(records, &Caller::new(&unit, leads), &request) {
                    Ok((response, change)) => {
                        let change: Vec<Write> = live_secrets::writes(change.map(|(id, r)| (id, Some(r))));
                        for write in &change {
                            if let Write::Secret { id, record: Some(record) } = write {
                                records.insert(id.clone(), record.clone());
                            }
                        }
                        starts.push(writes.len());
                        writes.extend(change.iter().cloned());
                        replies.push(Reply::SecretRead(reply, response, change));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                    }
                }
            }
            Job::UserSecret { change, reply } => {
                let records = secrets.get_or_insert_with(|| state.secrets.snapshot());
                // A grant names applications the model has (juju/juju state/secrets.go
                // `GrantSecretAccess`: `findSecretEntity`, "invalid subject reference"); a
                // revoke of one it does not have changes nothing, as Juju's.
                let known = |app: &str| state.configs.read().unwrap().contains_key(app);
                let change = secret_rules::user_change_checked(records, &change, &known)
                    .and_then(|()| secret_rules::user_change(records, &change, live_secrets::now_ms()));
                match change {
                    Ok((id, record)) => {
                        match &record {
                            Some(record) => records.insert(id.clone(), record.clone()),
                            None => records.remove(&id),
                        };
                        let change = live_secrets::writes([(id.clone(), record)]);
                        starts.push(writes.len());
                        writes.extend(change.iter().cloned());
                        replies.push(Reply::UserSecret(reply, id, change));
                    }
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                    }
                }
            }
            Job::Reload(_) => unreachable!("run() handles reloads between batches"),
        }
    }
    let committed = if writes.is_empty() { Ok(()) } else { store.commit(&writes) };
    let results: Vec<Result<(), CommitError>> = match committed {
        Ok(()) => replies.iter().map(|_| Ok(())).collect(),
        Err(e) if replies.len() == 1 => {
            tracing::error!(error = format!("{e:#}"), "store commit failed; {} writes refused", writes.len());
            vec![Err(e)]
        }
        Err(e) => {
            // One job's writes may be what the store refused (too big for one transaction, say):
            // the others should not fail with it. Each job alone, all or nothing.
            tracing::warn!(
                error = format!("{e:#}"),
                "a batch of {} jobs failed; committing them one by one",
                replies.len()
            );
            // Except the jobs that change secrets or storage: each one's records (and storage
            // numbers) were computed on top of the jobs before it in this batch, so alone they
            // could undo another's change. They fail (nothing of them is written) and their
            // callers may try again.
            let ends = starts.iter().skip(1).copied().chain(std::iter::once(writes.len()));
            let failed = e.to_string();
            starts
                .iter()
                .zip(ends)
                .map(|(&from, to)| {
                    let job = &writes[from..to];
                    let dependent = |w: &Write| {
                        matches!(
                            w,
                            Write::Secret { .. }
                                | Write::UnitStorage { .. }
                                | Write::StorageSequence { .. }
                                | Write::RelationDef { .. }
                                | Write::RelationSequence { .. }
                        )
                    };
                    if job.iter().any(dependent) {
                        return Err(CommitError::Failed(anyhow::anyhow!(
                            "{failed} (a batch with other secret or storage changes failed; try again)"
                        )));
                    }
                    let done = if job.is_empty() { Ok(()) } else { store.commit(job) };
                    done.map_err(|e| {
                        tracing::error!(error = format!("{e:#}"), "store commit failed; {} writes refused", job.len());
                        e
                    })
                })
                .collect()
        }
    };
    for (reply, committed) in replies.into_iter().zip(results) {
        answer(state, reply, committed);
    }
}

/// May `app`'s units write these bags and enter these scopes? Only in a relation whose record
/// names `app` (Juju's uniter facade answers `permission denied` for a relation the unit's
/// application is not in, and a removed relation is not there). An application that registered
/// no endpoints and is in no record keeps relations without records (a store from before
/// records), under small ids only.
fn relation_writes_allowed(state: &State, defs: &Defs, app: &str, changes: &[Write]) -> Result<(), LeaderWriteError> {
    let ours = |d: &crate::store::RelationDefRecord| d.endpoints.iter().any(|e| e.application == app);
    let registered = defs.by_id.values().any(ours)
        || state.configs.read().unwrap().get(app).is_some_and(|c| c.endpoints.is_some() || c.peers.is_some());
    for write in changes {
        let id = match write {
            Write::RelationSettings { relation_id, .. } | Write::RelationScope { relation_id, member: true, .. } => {
                *relation_id
            }
            _ => continue,
        };
        let allowed = match defs.by_id.get(&id) {
            Some(record) => ours(record),
            None => !registered && id < relation_rules::MAX_UNRECORDED_ID,
        };
        if !allowed {
            return Err(LeaderWriteError::Invalid("permission denied".into()));
        }
    }
    Ok(())
}

/// A secret-grant names a relation the granting application is in, alive, and a subject at its
/// other end (or, in a peer relation, of the application itself): a grant a relation's
/// removal takes along (juju/juju state/relation.go) must be over that relation. An application
/// with no records (registered no endpoints) is as before records: its grants are taken as sent.
fn grants_allowed(
    state: &State,
    defs: &Defs,
    app: &str,
    changes: &[leaderd_core::wire::controller::SecretChange],
) -> Result<(), LeaderWriteError> {
    let ours = |d: &crate::store::RelationDefRecord| d.endpoints.iter().any(|e| e.application == app);
    let registered = defs.by_id.values().any(ours)
        || state.configs.read().unwrap().get(app).is_some_and(|c| c.endpoints.is_some() || c.peers.is_some());
    for change in changes {
        let leaderd_core::wire::controller::SecretChange::Grant { subject, relation_id, .. } = change else {
            continue;
        };
        let Some(record) = defs.by_id.get(relation_id) else {
            if registered {
                return Err(LeaderWriteError::Invalid("permission denied".into()));
            }
            continue;
        };
        let subject_app = leaderd_core::names::unit_application(subject).unwrap_or(subject);
        let peer = record.endpoints.len() == 1;
        let at_other_end =
            record.endpoints.iter().any(|e| e.application == subject_app && (peer || e.application != app));
        if !ours(record) || record.life != relation_rules::ALIVE || !at_other_end {
            return Err(LeaderWriteError::Invalid("permission denied".into()));
        }
    }
    Ok(())
}

/// The writes of one relation-records change, on `defs` (the records as the batch leaves them,
/// updated here), and the records it answers.
fn relation_records(
    state: &State,
    defs: &mut Defs,
    op: RelationOp,
) -> Result<(Vec<leaderd_core::wire::controller::RelationDef>, Vec<Write>), RelationError> {
    let mut next = defs.clone();
    let (ids, mut writes) = match op {
        RelationOp::Integrate(names) => {
            let configs = state.configs.read().unwrap();
            let declared = |app: &str| configs.get(app).map(super::declared_endpoints);
            let endpoints = relation_rules::infer(&names, declared)?;
            // juju/juju state/state.go `AddRelation` (`aliveApplication`): both ends alive.
            if let Some(gone) = endpoints.iter().find(|e| configs.get(&e.application).is_some_and(|c| c.dying)) {
                let key = leaderd_core::relations::relation_key(
                    endpoints.iter().map(|e| (e.application.as_str(), e.name.as_str())),
                );
                return Err(RelationError::Invalid(format!(
                    "cannot add relation {}: application {} is not alive",
                    leaderd_core::gocompat::go_quote(&key),
                    leaderd_core::gocompat::go_quote(&gone.application)
                )));
            }
            drop(configs);
            (vec![relation_rules::add(&mut next, endpoints)?], Vec::new())
        }
        RelationOp::Peers { app, declared } => {
            let unrecorded = state.relations.raw(&app).into_keys().filter(|id| !next.by_id.contains_key(id)).collect();
            (relation_rules::add_peers(&mut next, &app, &declared, &unrecorded), Vec::new())
        }
        RelationOp::Remove(_) | RelationOp::RemoveId(_) | RelationOp::RemoveStalePeer(_) => {
            let stale_peer = matches!(op, RelationOp::RemoveStalePeer(_));
            let id = match op {
                RelationOp::Remove(names) => relation_rules::find(&next, &names)?,
                RelationOp::RemoveId(id) | RelationOp::RemoveStalePeer(id) if next.by_id.contains_key(&id) => id,
                _ => return Err(RelationError::NotFound(format!("relation {} not found", op_id(&op)))),
            };
            let record = next.by_id.get_mut(&id).expect("found");
            // juju/juju state/relation.go `internalDestroy`: only the application's removal (or
            // a refresh to a charm without it) ends a peer relation.
            if record.endpoints.len() == 1 && !stale_peer {
                return Err(RelationError::Invalid(format!(
                    "cannot destroy relation {}: is a peer relation",
                    leaderd_core::gocompat::go_quote(&record.key)
                )));
            }
            record.life = relation_rules::DYING.into();
            if state.relations.anyone_in_scope(id) {
                (vec![id], Vec::new())
            } else {
                let answer = record.to_wire(id);
                next.by_id.remove(&id);
                *defs = next;
                return Ok((vec![answer], state.relations.removal(id)));
            }
        }
        RelationOp::RemoveApp(app) => {
            let mut answer = Vec::new();
            let mut writes = Vec::new();
            // The application is dying from now on: no new relation may name it (a relation
            // added after this would never be made dying).
            if let Some(config) = state.configs.read().unwrap().get(&app).filter(|c| !c.dying) {
                let config = leaderd_core::wire::controller::AppConfig { dying: true, ..config.clone() };
                writes.push(Write::Config { app: app.clone(), config: config.into() });
            }
            let ids: Vec<u64> = next
                .by_id
                .iter()
                .filter(|(_, d)| d.endpoints.iter().any(|e| e.application == app))
                .map(|(id, _)| *id)
                .collect();
            for id in ids {
                let record = next.by_id.get_mut(&id).expect("listed");
                record.life = relation_rules::DYING.into();
                answer.push(record.to_wire(id));
                if state.relations.anyone_in_scope(id) {
                    writes.push(Write::RelationDef { id, record: Some(record.clone()) });
                } else {
                    next.by_id.remove(&id);
                    writes.extend(state.relations.removal(id));
                }
            }
            *defs = next;
            return Ok((answer, writes));
        }
        RelationOp::Removal(id) => {
            let dying = next.by_id.get(&id).is_some_and(|d| d.life == relation_rules::DYING);
            if !dying || state.relations.anyone_in_scope(id) {
                return Ok((Vec::new(), Vec::new()));
            }
            next.by_id.remove(&id);
            *defs = next;
            return Ok((Vec::new(), state.relations.removal(id)));
        }
    };
    let answer = ids.iter().map(|id| next.by_id[id].to_wire(*id)).collect();
    writes.extend(ids.iter().map(|&id| Write::RelationDef { id, record: Some(next.by_id[&id].clone()) }));
    if next.next != defs.next {
        writes.push(Write::RelationSequence { next: next.next });
    }
    *defs = next;
    Ok((answer, writes))
}

fn op_id(op: &RelationOp) -> u64 {
    match op {
        RelationOp::RemoveId(id) | RelationOp::RemoveStalePeer(id) | RelationOp::Removal(id) => *id,
        _ => 0,
    }
}

impl CommitError {
    /// A fenced write's answer: too big is the request's fault, anything else a failure.
    fn write_error(self) -> LeaderWriteError {
        match self {
            CommitError::TooBig(e) => LeaderWriteError::TooLarge(e.to_string()),
            e => LeaderWriteError::failed(StoreCommitFailed(e)),
        }
    }
}

/// A change the store did not make durable, so it was not made.
#[derive(Debug, thiserror::Error)]
#[error("store commit failed: {0}")]
pub struct StoreCommitFailed(#[source] pub CommitError);

/// Tells one job how its commit went, and applies what it wrote to the live state.
fn answer(state: &State, reply: Reply, committed: Result<(), CommitError>) {
    match (reply, committed) {
        (Reply::RelationRecords(tx, answer, changes), Ok(())) => {
            state.relations.apply("", &changes);
            state.secrets.apply(&changes);
            for write in changes.iter().filter(|w| matches!(w, Write::Config { .. })) {
                state.apply(write.clone());
            }
            let _ = tx.send(Ok(answer));
        }
        (Reply::RelationRecords(tx, ..), Err(e)) => {
            let _ = tx.send(Err(RelationError::Write(e.write_error())));
        }
        (Reply::Lease(tx), Ok(())) => {
            let _ = tx.send(Ok(()));
        }
        (Reply::Lease(tx), Err(e)) => {
            let _ = tx.send(Err(StoreCommitFailed(e)));
        }
        (Reply::Merge(tx, app, changes, version), Ok(())) => {
            if !changes.is_empty() {
                let mut buckets = state.buckets.write().unwrap();
                let bucket = buckets.entry(app.clone()).or_default();
                apply_changes(&mut bucket.settings, &changes);
                bucket.version = bucket.version.max(version);
                drop(buckets);
                state.version_channel(&app).send_replace(version);
            }
            let _ = tx.send(Ok(version));
        }
        (Reply::Put(tx, write), Ok(())) => {
            state.apply(write);
            let _ = tx.send(Ok(()));
        }
        (Reply::Put(tx, _), Err(e)) => {
            let _ = tx.send(Err(e.write_error()));
        }
        (Reply::Merge(tx, ..), Err(e)) | (Reply::Relations(tx, ..), Err(e)) => {
            let _ = tx.send(Err(e.write_error()));
        }
        (Reply::Relations(tx, app, changes), Ok(())) => {
            for write in changes.iter().filter(|w| matches!(w, Write::ForgetUnit { .. })) {
                state.apply(write.clone());
            }
            state.secrets.apply(&changes);
            let kept = |w: &&Write| {
                matches!(
                    w,
                    Write::UnitState { .. }
                        | Write::Task { .. }
                        | Write::UnitPorts { .. }
                        | Write::UnitStorage { .. }
                        | Write::StorageSequence { .. }
                        | Write::UnitPayloads { .. }
                )
            };
            for write in changes.iter().filter(kept) {
                state.apply(write.clone());
            }
            let _ = tx.send(Ok(state.relations.apply(&app, &changes)));
        }
        (Reply::SecretRead(tx, response, changes), Ok(())) => {
            state.secrets.apply(&changes);
            let _ = tx.send(Ok(response));
        }
        (Reply::UserSecret(tx, id, changes), Ok(())) => {
            state.secrets.apply(&changes);
            let _ = tx.send(Ok(id));
        }
        (Reply::UserSecret(tx, ..), Err(e)) => {
            let _ = tx.send(Err(SecretReadError::Failed(e.write_error())));
        }
        (Reply::Storage(tx, changes, storage), Ok(())) => {
            for write in changes {
                state.apply(write);
            }
            let _ = tx.send(Ok(storage.iter().map(super::storage::instance).collect()));
        }
        (Reply::Enqueue(tx, changes, answer), Ok(())) => {
            for write in changes {
                state.apply(write);
            }
            let _ = tx.send(Ok(answer));
        }
        (Reply::Enqueue(tx, ..), Err(e)) => {
            let _ = tx.send(Err(e.write_error()));
        }
        (Reply::Storage(tx, ..), Err(e)) => {
            let _ = tx.send(Err(e.write_error()));
        }
        (Reply::SecretRead(tx, ..), Err(e)) => {
            let _ = tx.send(Err(SecretReadError::Failed(e.write_error())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The store's refusal reaches the unit in the words it had when it was text: a failure
    /// with every cause, after "store commit failed: "; too big in the store's own words.
    #[test]
    fn a_refused_commit_keeps_its_cause_and_its_words() {
        let failed = CommitError::Failed(anyhow::anyhow!("disk I/O error").context("committing 3 writes"));
        let failed = StoreCommitFailed(failed);
        assert_eq!(failed.to_string(), "store commit failed: committing 3 writes: disk I/O error");
        assert!(std::error::Error::source(&failed).is_some(), "the cause is kept");
        let written = CommitError::Failed(anyhow::anyhow!("disk I/O error")).write_error();
        assert_eq!(written.to_string(), "store commit failed: disk I/O error");
        assert!(matches!(written, LeaderWriteError::Failed(_)));

        let too_big = CommitError::from(crate::store::TooBig { changes: 200 });
        assert_eq!(
            too_big.write_error(),
            LeaderWriteError::TooLarge(crate::store::TooBig { changes: 200 }.to_string())
        );
    }
}
