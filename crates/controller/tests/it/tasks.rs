//! Operations and tasks: ids from one sequence however many operators enqueue at once, and a
//! unit's long-poll for its work.

use std::time::Duration;

use leaderd_controller::store::{memory::MemoryStore, sqlite::SqliteStore};
use leaderd_controller::Controller;
use leaderd_core::wire::run::ActionResult;

use crate::{config, unit};

/// Juju takes operation and task ids from one "task" sequence (`state/operation.go`,
/// `state/action.go`): thirty operators enqueuing at once on two units each get thirty
/// operations and sixty tasks, no id used twice, every task kept.
#[tokio::test]
async fn concurrent_enqueues_never_share_an_id() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let units = [unit("app/0"), unit("app/1")];
    let mut handles = Vec::new();
    for i in 0..30 {
        let (c, units) = (c.clone(), units.clone());
        handles.push(tokio::spawn(async move {
            let params = serde_json::json!({"s": format!("r{i}")}).as_object().unwrap().clone();
            c.enqueue("echo", params, &units).await.unwrap()
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for h in handles {
        let answer = h.await.unwrap();
        assert_eq!(answer.tasks.len(), 2);
        assert!(ids.insert(answer.operation), "operation id {} used twice", answer.operation);
        for (id, u) in &answer.tasks {
            assert!(ids.insert(*id), "task id {id} used twice");
            let task = c.task(*id).unwrap();
            assert_eq!((task.operation, &task.unit), (answer.operation, u), "task {id} is its operation's");
        }
    }
    assert_eq!(ids.len(), 90);
    assert_eq!(c.tasks().len(), 60, "every task kept");
}

/// The sequence outlives a restart: a reopened store's next operation takes the next id.
#[tokio::test]
async fn ids_go_on_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("controller.db");
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    let first = c.enqueue("echo", Default::default(), &[unit("app/0"), unit("app/1")]).await.unwrap();
    assert_eq!((first.operation, first.tasks.iter().map(|t| t.0).collect::<Vec<_>>()), (1, vec![2, 3]));
    drop(c);
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    assert_eq!(c.enqueue("echo", Default::default(), &[unit("app/0")]).await.unwrap().operation, 4);
}

/// A unit's long-poll answers its oldest pending task the moment one is enqueued, and then
/// its running one (a dead agent's, which its successor fails); never another unit's.
#[tokio::test]
async fn a_units_poll_answers_its_work_when_it_is_enqueued() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let waiting = {
        let c = c.clone();
        tokio::spawn(async move { c.unit_tasks(&unit("app/1"), Duration::from_secs(30)).await })
    };
    tokio::task::yield_now().await;
    let op = c.enqueue("echo", Default::default(), &[unit("app/0")]).await.unwrap();
    let op2 = c.enqueue("echo", Default::default(), &[unit("app/1")]).await.unwrap();
    let op3 = c.enqueue("echo", Default::default(), &[unit("app/1")]).await.unwrap();
    let got = waiting.await.unwrap();
    assert_eq!(got.iter().map(|t| (t.id, t.status.as_str())).collect::<Vec<_>>(), vec![(op2.tasks[0].0, "pending")]);
    // app/0's task started and its agent died: its successor is told.
    let id = op.tasks[0].0;
    c.report_task(&unit("app/0"), id, None).await.unwrap();
    let got = c.unit_tasks(&unit("app/0"), Duration::from_secs(30)).await;
    assert_eq!(got.iter().map(|t| (t.id, t.status.as_str())).collect::<Vec<_>>(), vec![(id, "running")]);
    let ended = ActionResult {
        id: id.to_string(),
        unit: "app/0".into(),
        status: "failed".into(),
        message: "action terminated".into(),
        ..Default::default()
    };
    c.report_task(&unit("app/0"), id, Some(ended)).await.unwrap();
    // Nothing left for app/0: the poll is held its whole timeout.
    let before = tokio::time::Instant::now();
    assert!(c.unit_tasks(&unit("app/0"), Duration::from_millis(300)).await.is_empty());
    assert!(before.elapsed() >= Duration::from_millis(300));
    assert_eq!(c.task(op3.tasks[0].0).unwrap().status, "pending");
}

/// A removed unit's tasks that have not ended are cancelled with it, in Juju's words
/// (`state/cleanup.go` `cleanupRemovedUnit`); its ended ones stay as they were.
#[tokio::test]
async fn a_removed_units_unfinished_tasks_are_cancelled() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let done = c.enqueue("echo", Default::default(), &[unit("app/1")]).await.unwrap().tasks[0].0;
    let result =
        ActionResult { id: done.to_string(), unit: "app/1".into(), status: "completed".into(), ..Default::default() };
    c.report_task(&unit("app/1"), done, Some(result)).await.unwrap();
    let running = c.enqueue("echo", Default::default(), &[unit("app/1")]).await.unwrap().tasks[0].0;
    c.report_task(&unit("app/1"), running, None).await.unwrap();
    let pending = c.enqueue("echo", Default::default(), &[unit("app/1"), unit("app/0")]).await.unwrap().tasks;
    c.forget_unit(&unit("app/1")).await.unwrap();
    for id in [running, pending[0].0] {
        let task = c.task(id).unwrap();
        let result = task.result.expect("ended");
        assert_eq!((task.status.as_str(), result.message.as_str()), ("cancelled", "unit removed"), "task {id}");
    }
    assert_eq!(c.task(done).unwrap().status, "completed");
    assert_eq!(c.task(pending[1].0).unwrap().status, "pending", "another unit's task is left");
}

/// An operation that scheduled nothing is recorded with its own id, failed with its reason
/// (Juju's `FailOperationEnqueuing`), and that id is never given again.
#[tokio::test]
async fn an_operation_that_schedules_nothing_is_recorded_and_its_id_kept() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let failed = c.fail_enqueue("nope", "action \"nope\" not defined on unit \"app/0\"").await.unwrap();
    assert_eq!((failed.operation, failed.tasks.len()), (1, 0));
    let next = c.fail_enqueue("req", "validation failed").await.unwrap();
    assert_eq!(next.operation, 2, "its own id, not the last one's again");
    let ran = c.enqueue("echo", Default::default(), &[unit("app/0")]).await.unwrap();
    assert_eq!((ran.operation, ran.tasks[0].0), (3, 4));
    let listed = c.failed_operations();
    assert_eq!(
        listed.iter().map(|o| (o.operation, o.action.as_str())).collect::<Vec<_>>(),
        vec![(1, "nope"), (2, "req")]
    );
    assert_eq!(listed[0].message, "action \"nope\" not defined on unit \"app/0\"");
    assert_eq!(c.tasks().len(), 1, "no task of their own");
    assert!(c.task(1).is_none());
}
