//! Operations and their tasks (`leaderd run`): the operator enqueues an action on some units
//! (one task each, ids from one sequence with the operation's, as Juju numbers them); each
//! unit's agent reports when its task starts and how it ended; the operator reads a task, waits
//! for it, or lists them. Tasks are durable (the store's `Write::Task`).

use std::collections::BTreeMap;
use std::sync::Mutex;

use tokio::sync::watch;

use super::{Controller, LeaderWriteError};
use crate::store::{TaskRecord, Write};
use crate::writer::Job;
use leaderd_core::model::Unit;
use leaderd_core::wire::controller::{EnqueueResponse, FailedOperation, Task};
use leaderd_core::wire::run::{ActionLogLine, ActionResult};

/// Every task, and a version that moves with each change (for waiters).
pub(crate) struct Tasks {
    records: Mutex<BTreeMap<u64, TaskRecord>>,
    version: watch::Sender<u64>,
}

/// A task report refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TaskError {
    #[error("task {0} not found")]
    NotFound(u64),
    #[error("task {id} is {unit}'s, not {caller}'s")]
    NotYours { id: u64, unit: String, caller: String },
    #[error(transparent)]
    Write(LeaderWriteError),
}

impl Tasks {
    pub(crate) fn new() -> Tasks {
        Tasks { records: Mutex::default(), version: watch::channel(0).0 }
    }

    pub(crate) fn replace(&self, loaded: BTreeMap<u64, TaskRecord>) {
        *self.records.lock().unwrap() = loaded;
        self.version.send_modify(|v| *v += 1);
    }

    /// The highest operation or task id recorded: the task sequence's last value.
    pub(crate) fn last_id(&self) -> u64 {
        self.records.lock().unwrap().iter().map(|(id, r)| (*id).max(r.operation)).max().unwrap_or(0)
    }

    /// `unit`'s tasks that have not ended (pending or running).
    pub(crate) fn unfinished(&self, unit: &str) -> Vec<(u64, TaskRecord)> {
        let records = self.records.lock().unwrap();
        records
            .iter()
            .filter(|(_, r)| r.unit == unit && r.completed_ms.is_none())
            .map(|(id, r)| (*id, r.clone()))
            .collect()
    }

    /// The operations that scheduled no task: each is kept as a record of its own id with no
    /// unit (see [`Controller::fail_enqueue`]).
    pub(crate) fn failed_operations(&self) -> Vec<FailedOperation> {
        let records = self.records.lock().unwrap();
        records
            .iter()
            .filter(|(_, r)| r.unit.is_empty())
            .map(|(id, r)| FailedOperation {
                operation: *id,
                action: r.action.clone(),
                message: r.message.clone(),
                enqueued_ms: r.enqueued_ms,
            })
            .collect()
    }

    /// A committed task write.
    pub(crate) fn apply(&self, id: u64, record: TaskRecord) {
        self.records.lock().unwrap().insert(id, record);
        self.version.send_modify(|v| *v += 1);
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

fn task(id: u64, r: &TaskRecord) -> Task {
    let result = r.completed_ms.map(|completed_ms| ActionResult {
        id: id.to_string(),
        unit: r.unit.clone(),
        status: r.status.clone(),
        message: r.message.clone(),
        results: r.results.clone(),
        return_code: r.return_code.unwrap_or_default(),
        stdout: r.stdout.clone(),
        stderr: r.stderr.clone(),
        log: r
            .log
            .iter()
            .map(|(timestamp_ms, message)| ActionLogLine { timestamp_ms: *timestamp_ms, message: message.clone() })
            .collect(),
        enqueued_ms: r.enqueued_ms,
        started_ms: r.started_ms.unwrap_or(r.enqueued_ms),
        completed_ms,
    });
    Task {
        id,
        operation: r.operation,
        unit: r.unit.clone(),
        action: r.action.clone(),
        params: r.params.clone(),
        status: r.status.clone(),
        result,
        enqueued_ms: r.enqueued_ms,
        started_ms: r.started_ms,
    }
}

impl Controller {
    /// Enqueues `action` on each of `units`: a new operation with a task per unit, durable
    /// before it answers, its ids taken on the writer thread from one sequence
    /// (`Job::Enqueue`). With no units, the operation schedules nothing (its id is that of the
    /// next one, as nothing records it).
    pub async fn enqueue(
        &self,
        action: &str,
        params: serde_json::Map<String, serde_json::Value>,
        units: &[Unit],
    ) -> Result<EnqueueResponse, LeaderWriteError> {
        if units.is_empty() {
            return Ok(EnqueueResponse { operation: self.state.tasks.last_id() + 1, tasks: Vec::new() });
        }
        let enqueued_ms = now_ms();
        let tasks = units
            .iter()
            .map(|unit| TaskRecord {
                operation: 0,
                unit: unit.as_str().into(),
                action: action.into(),
                params: params.clone(),
                status: "pending".into(),
                enqueued_ms,
                ..Default::default()
            })
            .collect();
        let job = |reply| Job::Enqueue { tasks, reply };
        self.submit(job).await.unwrap_or_else(|| Err(LeaderWriteError::failed(crate::ShuttingDown)))
    }

    /// Records an operation of `action` that scheduled no task, failed with `message` (Juju's
    /// `state/operation.go` `FailOperationEnqueuing`: the operation keeps its id from the one
    /// sequence, `status: error`, and its message). It is kept as a record of its own id with no
    /// unit and no task; `tasks` leaves it out, `failed_operations` lists it.
    pub async fn fail_enqueue(&self, action: &str, message: &str) -> Result<EnqueueResponse, LeaderWriteError> {
        let now = now_ms();
        let record = TaskRecord {
            action: action.into(),
            status: "error".into(),
            message: message.into(),
            enqueued_ms: now,
            completed_ms: Some(now),
            ..Default::default()
        };
        let job = |reply| Job::Enqueue { tasks: vec![record], reply };
        self.submit(job).await.unwrap_or_else(|| Err(LeaderWriteError::failed(crate::ShuttingDown)))
    }

    /// The operations that scheduled no task, in id order.
    pub fn failed_operations(&self) -> Vec<FailedOperation> {
        self.state.tasks.failed_operations()
    }

    /// `unit` reports its task `id` started (`result` none) or ended.
    pub async fn report_task(&self, unit: &Unit, id: u64, result: Option<ActionResult>) -> Result<(), TaskError> {
        let current = self.state.tasks.records.lock().unwrap().get(&id).cloned();
        let Some(mut record) = current.filter(|r| !r.unit.is_empty()) else { return Err(TaskError::NotFound(id)) };
        if record.unit != unit.as_str() {
            return Err(TaskError::NotYours { id, unit: record.unit, caller: unit.as_str().into() });
        }
        match result {
            None => {
                record.status = "running".into();
                record.started_ms = Some(now_ms());
            }
            Some(r) => {
                record.status = r.status;
                record.message = r.message;
                record.results = r.results;
                record.return_code = Some(r.return_code);
                record.stdout = r.stdout;
                record.stderr = r.stderr;
                record.log = r.log.into_iter().map(|l| (l.timestamp_ms, l.message)).collect();
                record.started_ms = Some(r.started_ms);
                record.completed_ms = Some(r.completed_ms);
            }
        }
        self.put(None, Write::Task { id, record }).await.map_err(TaskError::Write)
    }

    /// Task `id`, if there is one.
    pub fn task(&self, id: u64) -> Option<Task> {
        self.state.tasks.records.lock().unwrap().get(&id).filter(|r| !r.unit.is_empty()).map(|r| task(id, r))
    }

    /// Every task, in id order.
    pub fn tasks(&self) -> Vec<Task> {
        let records = self.state.tasks.records.lock().unwrap();
        records.iter().filter(|(_, r)| !r.unit.is_empty()).map(|(id, r)| task(*id, r)).collect()
    }

    /// `unit`'s work, once it has some or after `timeout`: its tasks left `running` (only a
    /// predecessor of the agent that asks can have left them so: the agent fails them) and its
    /// oldest `pending` task, in id order. One pending task at a time keeps the answer within
    /// one enqueue's size; the agent runs it, reports it, and asks again, as Juju's uniter
    /// runs its pending actions one by one (`worker/uniter/actions/resolver.go`).
    pub async fn unit_tasks(&self, unit: &Unit, timeout: std::time::Duration) -> Vec<Task> {
        let mut rx = self.state.tasks.version.subscribe();
        let work = |c: &Controller| {
            let records = c.state.tasks.records.lock().unwrap();
            let mine = || records.iter().filter(|(_, r)| r.unit == unit.as_str());
            let mut tasks: Vec<Task> =
                mine().filter(|(_, r)| r.status == "running").map(|(id, r)| task(*id, r)).collect();
            tasks.extend(mine().find(|(_, r)| r.status == "pending").map(|(id, r)| task(*id, r)));
            tasks.sort_by_key(|t| t.id);
            tasks
        };
        let mut tasks = work(self);
        let _ = tokio::time::timeout(timeout, async {
            while tasks.is_empty() {
                if rx.changed().await.is_err() {
                    break;
                }
                tasks = work(self);
            }
        })
        .await;
        tasks
    }

    /// Waits until task `id` has ended, or `timeout`; answers it as it is then.
    pub async fn wait_task(&self, id: u64, timeout: std::time::Duration) -> Option<Task> {
        let mut rx = self.state.tasks.version.subscribe();
        let ended = |c: &Controller| c.task(id).is_some_and(|t| t.result.is_some());
        let _ = tokio::time::timeout(timeout, async {
            while !ended(self) {
                if rx.changed().await.is_err() {
                    break;
                }
            }
        })
        .await;
        self.task(id)
    }
}
